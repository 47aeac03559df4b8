use actix_web::{get, web, HttpResponse};
use chrono::{DateTime, NaiveDateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::error::{ApiError, ErrorBody};
use super::guards::MunicipalityReader;
use super::AppState;
use crate::db::alerts::{self as store, AlertEventRow, AlertRow, StateFilter};
use crate::domain::quota::rounded_share;
use utoipa_actix_web::service_config::ServiceConfig;

#[derive(Debug, Deserialize, IntoParams)]
pub struct AlertsQuery {
    /// `open` (default), `resolved` or `all`.
    pub state: Option<String>,
    /// Only alerts of this calendar year.
    pub year: Option<i32>,
}

/// One change of an alert, with the figures that caused it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AlertEventBody {
    /// `opened`, `level_changed` or `resolved`.
    pub change: String,
    /// `warning` or `breach` (for `resolved`: the level it had).
    pub level: String,
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
    pub level: String,
    /// `open` or `resolved`.
    pub state: String,
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
            level: alert.level,
            state: alert.state,
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
                    change: e.change,
                    level: e.level,
                    metric_state: e.metric_state,
                    count: e.count,
                    denominator: e.denominator,
                    at: utc(e.at),
                })
                .collect(),
        }
    }
}

/// Signal alerts of a municipality: raised on the year-to-date figures of each calendar year,
/// per metric and scope, when a share nears (`warning`) or crosses (`breach`) its limit.
#[utoipa::path(
    tag = "alerts",
    params(("code" = String, Path, description = "CBS municipality code"), AlertsQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The alerts, newest first", body = AlertsBody),
        (status = 400, description = "Bad state or year", body = ErrorBody),
        (status = 401, description = "No or unknown token", body = ErrorBody),
        (status = 403, description = "The token's organisation may not read this municipality", body = ErrorBody),
        (status = 404, description = "Not a municipality code", body = ErrorBody),
    )
)]
#[get("/api/v1/municipalities/{code}/alerts")]
pub async fn get_alerts(
    caller: MunicipalityReader,
    query: web::Query<AlertsQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let code = caller.code().to_string();
    let filter = match query.state.as_deref() {
        None | Some("open") => StateFilter::Open,
        Some("resolved") => StateFilter::Resolved,
        Some("all") => StateFilter::All,
        Some(other) => {
            return Err(ApiError::bad_request(
                "invalid_state",
                format!("state {other:?} is not one of open, resolved, all"),
            ))
        }
    };
    let year = query.year;
    let municipality = code.clone();
    let alerts = caller
        .db(&state, move |conn| {
            store::list(conn, &municipality, filter, year).map_err(ApiError::from)
        })
        .await?;
    Ok(HttpResponse::Ok().json(AlertsBody {
        municipality: code,
        alerts: alerts
            .into_iter()
            .map(|(a, h)| AlertBody::new(a, h))
            .collect(),
    }))
}

/// The routes of this module, for the router and the OpenAPI document alike.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(get_alerts);
}
