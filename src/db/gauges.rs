//! Counts that `/metrics` reads from the database when it is scraped.

use diesel::prelude::*;

use super::schema::webhook_deliveries;
use super::DbConnection;
use crate::domain::webhook::DeliveryState;

/// Webhook deliveries per state, as the database spells the state.
pub fn webhook_deliveries_by_state(conn: &mut DbConnection) -> QueryResult<Vec<(String, i64)>> {
    webhook_deliveries::table
        .group_by(webhook_deliveries::state)
        .select((webhook_deliveries::state, diesel::dsl::count_star()))
        .load(conn)
}

/// Pending deliveries that have been attempted (and so failed) at least once.
pub fn webhook_deliveries_retrying(conn: &mut DbConnection) -> QueryResult<i64> {
    webhook_deliveries::table
        .filter(webhook_deliveries::state.eq(DeliveryState::Pending.as_str()))
        .filter(webhook_deliveries::attempts.gt(0))
        .count()
        .get_result(conn)
}
