//! The extra counts the half-year report needs beside the quota aggregate.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{alert_events, alerts};
use super::DbConnection;

pub use super::month_counts::BreakdownGroup;

/// Non-withdrawn lettings of a municipality in the months from `from` to `to`, by rent class,
/// route, urgency and household size (the per-month profiles, summed by the database).
pub fn breakdown_groups(
    conn: &mut DbConnection,
    municipality: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<BreakdownGroup>> {
    super::month_counts::breakdown_sums(conn, municipality, from, to)
}

/// An alert change with its alert's identity.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct AlertEventInPeriod {
    pub alert_id: i64,
    pub metric: String,
    pub corporation: String,
    pub year: i32,
    pub change: String,
    pub level: String,
    pub metric_state: String,
    pub count: i64,
    pub denominator: i64,
    pub limit_value: String,
    pub at: NaiveDateTime,
}

/// Alert changes of a municipality recorded in `from..to` (to exclusive), oldest first.
pub fn alert_events_between(
    conn: &mut DbConnection,
    municipality: &str,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<AlertEventInPeriod>> {
    alert_events::table
        .inner_join(alerts::table)
        .filter(alerts::municipality.eq(municipality))
        .filter(alert_events::at.ge(from))
        .filter(alert_events::at.lt(to))
        .order((alert_events::at, alert_events::id))
        .select((
            alerts::id,
            alerts::metric,
            alerts::corporation,
            alerts::year,
            alert_events::change,
            alert_events::level,
            alert_events::metric_state,
            alert_events::count,
            alert_events::denominator,
            alert_events::limit_value,
            alert_events::at,
        ))
        .load(conn)
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = super::schema::published_reports)]
pub struct PublishedReport {
    pub municipality: String,
    pub half_year: String,
    pub body: String,
    pub sha256: String,
    pub norms_years: String,
    pub agreement_id: String,
    pub agreement_version: i32,
    pub published_by: String,
    pub published_at: NaiveDateTime,
}

pub fn published(
    conn: &mut DbConnection,
    municipality: &str,
    half_year: &str,
) -> QueryResult<Option<PublishedReport>> {
    use super::schema::published_reports as p;
    p::table
        .filter(p::municipality.eq(municipality))
        .filter(p::half_year.eq(half_year))
        .select(PublishedReport::as_select())
        .first(conn)
        .optional()
}

/// Stores a publication; `false` when the half year was published already.
pub fn publish(conn: &mut DbConnection, report: &PublishedReport) -> QueryResult<bool> {
    use super::schema::published_reports as p;
    let inserted = crate::on_backend!(conn, c => diesel::insert_into(p::table)
        .values(report)
        .on_conflict((p::municipality, p::half_year))
        .do_nothing()
        .execute(c)?);
    Ok(inserted == 1)
}
