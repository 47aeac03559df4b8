//! What `/metrics` reads from the database: webhook deliveries by state.

use crate::db::webhooks as store;
use crate::db::DbConnection;
use crate::domain::webhook::DeliveryState;
use crate::telemetry::metrics::DeliveryCounts;

/// Webhook deliveries of every municipality by state (each state shown, also at 0), and how
/// many pending ones have failed before.
pub fn webhook_deliveries(conn: &mut DbConnection) -> diesel::QueryResult<DeliveryCounts> {
    let mut counts = DeliveryCounts::default();
    for state in DeliveryState::ALL {
        counts.by_state.insert(state.as_str().to_string(), 0);
    }
    counts
        .by_state
        .extend(store::webhook_deliveries_by_state(conn)?);
    counts.retrying = store::webhook_deliveries_retrying(conn)?;
    Ok(counts)
}
