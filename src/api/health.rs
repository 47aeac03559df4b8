use actix_web::{get, web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use super::AppState;
use crate::service::admin::database_answers;
use utoipa_actix_web::service_config::ServiceConfig;

#[derive(Serialize, ToSchema)]
pub struct HealthBody {
    /// `ok` when the database answers, `unavailable` otherwise.
    pub status: &'static str,
}

/// Whether the service and its database answer. No token needed.
#[utoipa::path(
    tag = "service",
    responses(
        (status = 200, description = "The database answers", body = HealthBody),
        (status = 503, description = "The database does not answer", body = HealthBody),
    )
)]
#[get("/health")]
pub async fn health(state: web::Data<AppState>) -> HttpResponse {
    let result = state.db(database_answers).await;
    match result {
        Ok(()) => HttpResponse::Ok().json(HealthBody { status: "ok" }),
        Err(e) => {
            tracing::warn!(error = %e, "health check: database does not answer");
            HttpResponse::ServiceUnavailable().json(HealthBody {
                status: "unavailable",
            })
        }
    }
}

/// The routes of this module, for the router and the OpenAPI document alike.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(health);
}
