//! `GET /metrics` for Prometheus, and the middleware that counts every request by route
//! pattern and status. What is exported is listed in [`crate::telemetry::metrics`]; none of it
//! is personal data, so it needs no token (put it behind the proxy if it should not be public).

use std::time::{Duration, Instant};

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{get, web, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use super::AppState;
use crate::service::gauges;
use crate::telemetry::metrics::{Metrics, PoolUse, CONTENT_TYPE};

/// How long a scrape waits for the database's counts before it answers without them (the
/// gauges keep their last values), so a saturated pool never holds the scrape up.
const DATABASE_COUNTS_WAIT: Duration = Duration::from_secs(2);

/// Middleware: counts each request by method, route pattern (`unmatched` when no route
/// matched) and status, with its latency to the response's head.
pub async fn record(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let metrics = req.app_data::<web::Data<Metrics>>().cloned();
    let route = req.match_pattern();
    let method = req.method().clone();
    let result = next.call(req).await;
    if let Some(metrics) = metrics {
        let status = match &result {
            Ok(response) => response.status(),
            Err(error) => error.as_response_error().status_code(),
        };
        metrics.observe_request(
            method.as_str(),
            route.as_deref().unwrap_or("unmatched"),
            status.as_u16(),
            started.elapsed().as_secs_f64(),
        );
    }
    result
}

/// Metrics in the Prometheus text format. No token needed.
///
/// No personal data: requests by method, route pattern and status (`quotamonitor_http_requests_total`) with their latencies
/// (`quotamonitor_http_request_duration_seconds`), letting records in committed batches by
/// outcome (`quotamonitor_lettings_ingested_total`), alert changes
/// (`quotamonitor_alert_changes_total`), webhook deliveries by state
/// (`quotamonitor_webhook_deliveries`, `quotamonitor_webhook_deliveries_retrying`) and the
/// database pool (`quotamonitor_db_pool_connections`, `quotamonitor_db_pool_max_connections`,
/// `quotamonitor_db_pool_waiting`).
#[utoipa::path(
    tag = "service",
    responses(
        (status = 200, description = "Prometheus text exposition format 0.0.4", content_type = "text/plain", body = String),
    )
)]
#[get("/metrics")]
pub async fn metrics_text(state: web::Data<AppState>, metrics: web::Data<Metrics>) -> HttpResponse {
    let pool = state.database.usage();
    metrics.set_pool(PoolUse {
        max: pool.max,
        open: pool.open,
        idle: pool.idle,
        waiting: pool.waiting,
    });
    match tokio::time::timeout(DATABASE_COUNTS_WAIT, state.db(gauges::webhook_deliveries)).await {
        Ok(Ok(counts)) => metrics.set_deliveries(&counts),
        Ok(Err(e)) => tracing::warn!(error = %e, "metrics: webhook deliveries not counted"),
        Err(_) => tracing::warn!("metrics: the database did not answer in time"),
    }
    match metrics.render() {
        Ok(text) => HttpResponse::Ok().content_type(CONTENT_TYPE).body(text),
        Err(e) => {
            tracing::error!(error = %e, "metrics could not be written");
            HttpResponse::InternalServerError().finish()
        }
    }
}

/// The routes of this module, for the router and the OpenAPI document alike.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(metrics_text);
}
