//! Signal alerts and their history.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{alert_events, alerts};
use super::DbConnection;
use crate::domain::alerts::{AlertChangeKind, AlertLevel, AlertState};
use crate::on_backend;

/// An alert as stored. `corporation` is empty for the municipality total.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = alerts)]
pub struct AlertRow {
    pub id: i64,
    pub municipality: String,
    pub metric: String,
    pub corporation: String,
    pub year: i32,
    #[diesel(deserialize_as = String)]
    pub level: AlertLevel,
    #[diesel(deserialize_as = String)]
    pub state: AlertState,
    pub count: i64,
    pub denominator: i64,
    pub limit_value: String,
    pub opened_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub resolved_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = alert_events)]
pub struct AlertEventRow {
    pub id: i64,
    pub alert_id: i64,
    #[diesel(deserialize_as = String)]
    pub change: AlertChangeKind,
    #[diesel(deserialize_as = String)]
    pub level: AlertLevel,
    pub metric_state: String,
    pub count: i64,
    pub denominator: i64,
    pub limit_value: String,
    pub at: NaiveDateTime,
}

/// The figures behind a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figures<'a> {
    pub level: AlertLevel,
    pub metric_state: &'a str,
    pub count: i64,
    pub denominator: i64,
    pub limit_value: &'a str,
}

pub fn open_alerts(
    conn: &mut DbConnection,
    municipality: &str,
    year: i32,
) -> QueryResult<Vec<AlertRow>> {
    alerts::table
        .filter(alerts::municipality.eq(municipality))
        .filter(alerts::year.eq(year))
        .filter(alerts::state.eq(AlertState::Open.as_str()))
        .select(AlertRow::as_select())
        .load(conn)
}

/// Opens an alert and records its first event; returns the alert's id.
pub fn open(
    conn: &mut DbConnection,
    municipality: &str,
    metric: &str,
    corporation: &str,
    year: i32,
    figures: &Figures<'_>,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    let values = (
        alerts::municipality.eq(municipality),
        alerts::metric.eq(metric),
        alerts::corporation.eq(corporation),
        alerts::year.eq(year),
        alerts::level.eq(figures.level.as_str()),
        alerts::state.eq(AlertState::Open.as_str()),
        alerts::count.eq(figures.count),
        alerts::denominator.eq(figures.denominator),
        alerts::limit_value.eq(figures.limit_value),
        alerts::opened_at.eq(now),
        alerts::updated_at.eq(now),
    );
    let id: i64 = on_backend!(conn, c => diesel::insert_into(alerts::table)
        .values(values)
        .returning(alerts::id)
        .get_result(c)?);
    record_event(conn, id, AlertChangeKind::Opened, figures, now)?;
    Ok(id)
}

/// Changes an open alert's level or resolves it, and records the event.
pub fn change(
    conn: &mut DbConnection,
    id: i64,
    change: AlertChangeKind,
    figures: &Figures<'_>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let resolved = change == AlertChangeKind::Resolved;
    let state = if resolved {
        AlertState::Resolved
    } else {
        AlertState::Open
    };
    diesel::update(alerts::table.filter(alerts::id.eq(id)))
        .set((
            alerts::level.eq(figures.level.as_str()),
            alerts::state.eq(state.as_str()),
            alerts::count.eq(figures.count),
            alerts::denominator.eq(figures.denominator),
            alerts::limit_value.eq(figures.limit_value),
            alerts::updated_at.eq(now),
            alerts::resolved_at.eq(resolved.then_some(now)),
        ))
        .execute(conn)?;
    record_event(conn, id, change, figures, now)
}

fn record_event(
    conn: &mut DbConnection,
    alert_id: i64,
    change: AlertChangeKind,
    f: &Figures<'_>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(alert_events::table)
        .values((
            alert_events::alert_id.eq(alert_id),
            alert_events::change.eq(change.as_str()),
            alert_events::level.eq(f.level.as_str()),
            alert_events::metric_state.eq(f.metric_state),
            alert_events::count.eq(f.count),
            alert_events::denominator.eq(f.denominator),
            alert_events::limit_value.eq(f.limit_value),
            alert_events::at.eq(now),
        ))
        .execute(conn)
        .map(|_| ())
}

/// A municipality's alerts (all of them when `state` is `None`) with their history, newest
/// first.
pub fn list(
    conn: &mut DbConnection,
    municipality: &str,
    state: Option<AlertState>,
    year: Option<i32>,
) -> QueryResult<Vec<(AlertRow, Vec<AlertEventRow>)>> {
    let mut query = alerts::table
        .filter(alerts::municipality.eq(municipality))
        .select(AlertRow::as_select())
        .order((alerts::opened_at.desc(), alerts::id.desc()))
        .into_boxed();
    if let Some(state) = state {
        query = query.filter(alerts::state.eq(state.as_str()));
    }
    if let Some(year) = year {
        query = query.filter(alerts::year.eq(year));
    }
    let rows: Vec<AlertRow> = query.load(conn)?;
    let ids: Vec<i64> = rows.iter().map(|a| a.id).collect();
    let mut events: Vec<AlertEventRow> = Vec::new();
    for chunk in ids.chunks(5_000) {
        events.extend(
            alert_events::table
                .filter(alert_events::alert_id.eq_any(chunk))
                .order((alert_events::alert_id, alert_events::id))
                .select(AlertEventRow::as_select())
                .load(conn)?,
        );
    }
    Ok(rows
        .into_iter()
        .map(|alert| {
            let history = events
                .iter()
                .filter(|e| e.alert_id == alert.id)
                .cloned()
                .collect();
            (alert, history)
        })
        .collect())
}
