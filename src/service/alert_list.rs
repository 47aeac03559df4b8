//! The list of a municipality's signal alerts with their history, as readers see it.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::QueryResult;
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::alert_notes::{self as notes_store, NoteRow};
use crate::db::alerts::{self as store, AlertEventRow, AlertRow};
use crate::db::DbConnection;
use crate::domain::alerts::AlertState;
use crate::domain::disclosure::is_small;
use crate::domain::period::Period;
use crate::domain::quota::rounded_share;
use crate::domain::small_numbers::Viewer;

/// One change of an alert, with the figures that caused it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AlertEventBody {
    /// `opened`, `level_changed` or `resolved`.
    pub change: &'static str,
    /// `warning` or `breach` (for `resolved`: the level it had).
    pub level: &'static str,
    /// The metric's state at that moment: `warning`, `breach`, `ok`, `insufficient_data`, `no_limit`.
    pub metric_state: String,
    /// A number; `"<5"` or `"x"` for a reader who may not see the figures of this scope.
    #[schema(schema_with = crate::service::quota::shown_count)]
    pub count: i64,
    /// A number; null for a reader who may not see the figures of this scope.
    #[schema(schema_with = crate::service::quota::shown_denominator)]
    pub denominator: i64,
    #[schema(value_type = Option<f64>)]
    pub share: Option<Decimal>,
    #[schema(value_type = Option<f64>)]
    pub limit: Option<Decimal>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AlertBody {
    pub id: i64,
    pub metric: String,
    /// `total` or `corporation`.
    pub scope: &'static str,
    pub corporation: Option<String>,
    pub year: i32,
    /// `warning` or `breach`.
    pub level: &'static str,
    /// `open` or `resolved`.
    pub state: &'static str,
    /// The year-to-date share at the last change, rounded half-up to 4 decimals.
    #[schema(value_type = Option<f64>)]
    pub share: Option<Decimal>,
    #[schema(value_type = Option<f64>)]
    pub limit: Option<Decimal>,
    pub opened_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    /// True when some lettings of the alert's year are classified with provisional norms
    /// (their allocation year has no national norms yet): the alert may change when the
    /// norms are added.
    pub norms_provisional: bool,
    /// Every change, oldest first.
    pub history: Vec<AlertEventBody>,
    /// The notes written on it, oldest first. Every reader of the alerts sees them: they are
    /// written for the administrative meeting, where the tenant associations sit too.
    pub notes: Vec<NoteBody>,
}

/// A note on an alert: an explanation or a decision. Never edited or deleted.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NoteBody {
    pub id: i64,
    pub text: String,
    /// The organisation that wrote it.
    pub organisation: String,
    pub created_at: DateTime<Utc>,
}

impl From<NoteRow> for NoteBody {
    fn from(row: NoteRow) -> Self {
        Self {
            id: row.id,
            text: row.text,
            organisation: row.organisation_id,
            created_at: utc(row.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AlertsBody {
    pub municipality: String,
    pub alerts: Vec<AlertBody>,
}

fn share(count: i64, denominator: i64) -> Option<Decimal> {
    rounded_share(u64::try_from(count).ok()?, u64::try_from(denominator).ok()?)
}

fn limit(text: &str) -> Option<Decimal> {
    text.parse::<Decimal>().ok().map(|d| d.normalize())
}

fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

impl AlertBody {
    fn new(alert: AlertRow, history: Vec<AlertEventRow>, notes: Vec<NoteBody>) -> Self {
        Self {
            id: alert.id,
            scope: if alert.corporation.is_empty() {
                "total"
            } else {
                "corporation"
            },
            corporation: Some(alert.corporation).filter(|c| !c.is_empty()),
            metric: alert.metric,
            year: alert.year,
            level: alert.level.as_str(),
            state: alert.state.as_str(),
            share: share(alert.count, alert.denominator),
            limit: limit(&alert.limit_value),
            opened_at: utc(alert.opened_at),
            updated_at: utc(alert.updated_at),
            resolved_at: alert.resolved_at.map(utc),
            norms_provisional: false,
            history: history
                .into_iter()
                .map(|e| AlertEventBody {
                    share: share(e.count, e.denominator),
                    limit: limit(&e.limit_value),
                    change: e.change.as_str(),
                    level: e.level.as_str(),
                    metric_state: e.metric_state,
                    count: e.count,
                    denominator: e.denominator,
                    at: utc(e.at),
                })
                .collect(),
            notes,
        }
    }
}

/// A municipality's alerts in `state` (all when `None`), of one year or all, newest first.
pub fn list(
    conn: &mut DbConnection,
    municipality: &str,
    state: Option<AlertState>,
    year: Option<i32>,
) -> QueryResult<AlertsBody> {
    let alerts = store::list(conn, municipality, state, year)?;
    let ids: Vec<i64> = alerts.iter().map(|(a, _)| a.id).collect();
    let mut notes: BTreeMap<i64, Vec<NoteBody>> = Default::default();
    for note in notes_store::of_alerts(conn, &ids)? {
        notes.entry(note.alert_id).or_default().push(note.into());
    }
    let mut provisional_years: BTreeMap<i32, bool> = BTreeMap::new();
    let mut bodies = Vec::with_capacity(alerts.len());
    for (a, h) in alerts {
        let alert_notes = notes.remove(&a.id).unwrap_or_default();
        let mut body = AlertBody::new(a, h, alert_notes);
        body.norms_provisional = match provisional_years.get(&body.year) {
            Some(p) => *p,
            None => {
                let p = crate::service::quota::norms_provisional(
                    conn,
                    municipality,
                    Period::Year(body.year),
                )?;
                provisional_years.insert(body.year, p);
                p
            }
        };
        bodies.push(body);
    }
    Ok(AlertsBody {
        municipality: municipality.to_string(),
        alerts: bodies,
    })
}

/// The alerts as `viewer` may see them: exact for the municipality and for a corporation's own
/// scope; elsewhere the figures of each change are withheld (a count of 1 to 4 reads `<5`,
/// any other `x`; denominator and share null), because the year-to-date window of an alert
/// is no period of the protected quota table and its figures could be combined with it. The
/// level, the state and the limit stay.
pub fn list_for(
    conn: &mut DbConnection,
    municipality: &str,
    state: Option<AlertState>,
    year: Option<i32>,
    viewer: &Viewer,
) -> QueryResult<serde_json::Value> {
    let body = list(conn, municipality, state, year)?;
    let mut value = serde_json::to_value(&body)
        .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
    let own = match viewer {
        Viewer::Exact => return Ok(value),
        Viewer::Corporation(id) => Some(id.as_str()),
        Viewer::Protected => None,
    };
    let Some(alerts) = value
        .get_mut("alerts")
        .and_then(serde_json::Value::as_array_mut)
    else {
        return Ok(value);
    };
    for (alert_value, alert) in alerts.iter_mut().zip(&body.alerts) {
        if own.is_some() && alert.corporation.as_deref() == own {
            continue;
        }
        alert_value["share"] = serde_json::Value::Null;
        let Some(history) = alert_value
            .get_mut("history")
            .and_then(serde_json::Value::as_array_mut)
        else {
            continue;
        };
        for (event_value, event) in history.iter_mut().zip(&alert.history) {
            let count = u64::try_from(event.count).unwrap_or(0);
            event_value["count"] = if count == 0 {
                serde_json::json!(0)
            } else if is_small(count) {
                serde_json::json!("<5")
            } else {
                serde_json::json!("x")
            };
            event_value["denominator"] = serde_json::Value::Null;
            event_value["share"] = serde_json::Value::Null;
        }
    }
    Ok(value)
}
