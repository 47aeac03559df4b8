//! The list of a municipality's signal alerts with their history, as readers see it.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::QueryResult;
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::alerts::{self as store, AlertEventRow, AlertRow};
use crate::db::DbConnection;
use crate::domain::alerts::AlertState;
use crate::domain::quota::rounded_share;

/// One change of an alert, with the figures that caused it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AlertEventBody {
    /// `opened`, `level_changed` or `resolved`.
    pub change: &'static str,
    /// `warning` or `breach` (for `resolved`: the level it had).
    pub level: &'static str,
    /// The metric's state at that moment: `warning`, `breach`, `ok`, `insufficient_data`, `no_limit`.
    pub metric_state: String,
    pub count: i64,
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
    /// Every change, oldest first.
    pub history: Vec<AlertEventBody>,
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
    fn new(alert: AlertRow, history: Vec<AlertEventRow>) -> Self {
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
    Ok(AlertsBody {
        municipality: municipality.to_string(),
        alerts: alerts
            .into_iter()
            .map(|(a, h)| AlertBody::new(a, h))
            .collect(),
    })
}
