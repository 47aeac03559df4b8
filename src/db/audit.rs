//! The audit trail: appended in the transaction of each change, read by the municipality and
//! the command line. The table refuses UPDATE and DELETE itself (triggers in the migrations),
//! so nothing here could change a row even by mistake.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::audit_events;
use super::DbConnection;
use crate::domain::audit::{Actor, AuditEvent};

/// An event as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = audit_events)]
pub struct AuditRow {
    pub id: i64,
    pub at: NaiveDateTime,
    pub organisation_id: String,
    pub token_id: Option<i64>,
    pub person: Option<String>,
    pub via: String,
    pub municipality: Option<String>,
    pub action: String,
    pub subject: String,
    /// A JSON object of counts and ids.
    pub details: String,
}

/// Appends one event. Call it inside the transaction of the change it records.
pub fn append(
    conn: &mut DbConnection,
    actor: &Actor,
    event: &AuditEvent,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let details = serde_json::to_string(&event.details)
        .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
    diesel::insert_into(audit_events::table)
        .values((
            audit_events::at.eq(now),
            audit_events::organisation_id.eq(&actor.organisation),
            audit_events::token_id.eq(actor.token_id),
            audit_events::person.eq(actor.person.as_deref()),
            audit_events::via.eq(actor.via.as_str()),
            audit_events::municipality.eq(event.municipality.as_deref()),
            audit_events::action.eq(event.action.as_str()),
            audit_events::subject.eq(&event.subject),
            audit_events::details.eq(details),
        ))
        .execute(conn)?;
    Ok(())
}

/// Which events to read.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter<'a> {
    pub municipality: Option<&'a str>,
    /// Only events at or after this moment.
    pub since: Option<NaiveDateTime>,
    /// Only events with an id above this one (the page cursor).
    pub after_id: Option<i64>,
}

/// Up to `limit` events, oldest first.
pub fn oldest_first(
    conn: &mut DbConnection,
    filter: &AuditFilter<'_>,
    limit: i64,
) -> QueryResult<Vec<AuditRow>> {
    let mut query = audit_events::table
        .select(AuditRow::as_select())
        .order(audit_events::id)
        .limit(limit)
        .into_boxed();
    if let Some(m) = filter.municipality {
        query = query.filter(audit_events::municipality.eq(m));
    }
    if let Some(since) = filter.since {
        query = query.filter(audit_events::at.ge(since));
    }
    if let Some(after) = filter.after_id {
        query = query.filter(audit_events::id.gt(after));
    }
    query.load(conn)
}

/// The latest `limit` events (of one municipality, or all), oldest first.
pub fn latest(
    conn: &mut DbConnection,
    municipality: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<AuditRow>> {
    let mut query = audit_events::table
        .select(AuditRow::as_select())
        .order(audit_events::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(m) = municipality {
        query = query.filter(audit_events::municipality.eq(m));
    }
    let mut rows = query.load(conn)?;
    rows.reverse();
    Ok(rows)
}
