//! The audit trail as the services write it and its readers see it.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::QueryResult;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::audit::{self as store, AuditFilter, AuditRow};
use crate::db::DbConnection;
use crate::domain::audit::{Actor, AuditEvent};

/// Appends an event. Call it inside the transaction of the change it records, so the trail
/// holds exactly the changes that were committed.
pub fn record(
    conn: &mut DbConnection,
    actor: &Actor,
    event: &AuditEvent,
    now: NaiveDateTime,
) -> QueryResult<()> {
    store::append(conn, actor, event, now)
}

/// One event of the audit trail.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuditEventBody {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// The organisation that made the change (on the command line: the one it concerns).
    pub organisation: String,
    /// The API token used, as `token list` shows it; null on the command line.
    pub token_id: Option<i64>,
    /// The person, for changes made in the web portal (to come); null otherwise.
    pub person: Option<String>,
    /// `api`, `cli` or `web` (the portal, where `person` names who acted).
    pub via: String,
    pub municipality: Option<String>,
    /// `letting_batch`, `letting_withdrawn`, `status_holder_target_set`,
    /// `status_holder_placement_added`, `allocation_plan_stored`, `report_published`,
    /// `alert_note_added`, `webhook_registered`, `webhook_stopped`, `webhook_delivery_retried`,
    /// `token_created`, `token_revoked`, `submission_declared`, `share_link_created`,
    /// `share_link_revoked`, `expected_homes_set`, `afspraak_updated` or
    /// `stock_snapshot_posted`.
    pub action: String,
    /// What changed, as `kind:id` (`letting:DWB-1`, `webhook:4`, `report:2026-H1`,
    /// `submission:2026-03`).
    pub subject: String,
    /// Counts and ids (a batch's `received`, `created`, `updated`, `unchanged`, ...); never a
    /// submitted value.
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
}

impl From<AuditRow> for AuditEventBody {
    fn from(row: AuditRow) -> Self {
        Self {
            id: row.id,
            at: row.at.and_utc(),
            organisation: row.organisation_id,
            token_id: row.token_id,
            person: row.person,
            via: row.via,
            municipality: row.municipality,
            action: row.action,
            subject: row.subject,
            details: serde_json::from_str(&row.details)
                .unwrap_or_else(|_| serde_json::Value::Object(serde_json::Map::new())),
        }
    }
}

/// A page of the trail, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPage {
    pub municipality: String,
    pub events: Vec<AuditEventBody>,
    /// Pass as `cursor` for the next page; null when this was the last.
    pub next_cursor: Option<String>,
}

/// A municipality's events from `since` (or the start) after the cursor, up to `limit`.
pub fn page(
    conn: &mut DbConnection,
    municipality: &str,
    since: Option<NaiveDateTime>,
    after_id: Option<i64>,
    limit: usize,
) -> QueryResult<AuditPage> {
    let filter = AuditFilter {
        municipality: Some(municipality),
        since,
        after_id,
    };
    let wanted = i64::try_from(limit).unwrap_or(i64::MAX);
    // One more than asked tells whether another page follows.
    let mut rows = store::oldest_first(conn, &filter, wanted.saturating_add(1))?;
    let more = rows.len() > limit;
    rows.truncate(limit);
    let next_cursor = more
        .then(|| rows.last().map(|r| r.id.to_string()))
        .flatten();
    Ok(AuditPage {
        municipality: municipality.to_string(),
        events: rows.into_iter().map(AuditEventBody::from).collect(),
        next_cursor,
    })
}

/// The latest `limit` events, of one municipality or all, oldest first (the command line).
pub fn latest(
    conn: &mut DbConnection,
    municipality: Option<&str>,
    limit: usize,
) -> QueryResult<Vec<AuditEventBody>> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    Ok(store::latest(conn, municipality, limit)?
        .into_iter()
        .map(AuditEventBody::from)
        .collect())
}
