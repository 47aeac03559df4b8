use actix_web::{get, web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use super::error::{ApiError, ErrorBody};
use super::guards::MunicipalityReader;
use super::AppState;
use crate::domain::period::Period;
use crate::domain::small_numbers::Viewer;
use crate::service::quota::QuotaBody;
use crate::service::small_numbers::quota_for;
use utoipa_actix_web::service_config::ServiceConfig;

#[derive(Debug, Deserialize, IntoParams)]
pub struct QuotaQuery {
    /// `2026`, `2026-H1`, `2026-Q2` or `2026-03`. Default: the current year.
    pub period: Option<String>,
}

/// Quota status of a municipality for a period: the four metrics for the total and for each
/// corporation with lettings in the period.
#[utoipa::path(
    tag = "quota",
    params(("code" = String, Path, description = "CBS municipality code, e.g. GM0629"), QuotaQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Quota status", body = QuotaBody),
        (status = 400, description = "The period is not a period", body = ErrorBody),
        (status = 401, description = "No or unknown token", body = ErrorBody),
        (status = 403, description = "The token's organisation may not read this municipality", body = ErrorBody),
        (status = 404, description = "Not a municipality code", body = ErrorBody),
    )
)]
#[get("/api/v1/municipalities/{code}/quota")]
pub async fn get_quota(
    caller: MunicipalityReader,
    query: web::Query<QuotaQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let code = caller.code().to_string();
    let period: Period = match &query.period {
        Some(text) => text
            .parse()
            .map_err(|e: crate::domain::period::PeriodParseError| {
                ApiError::bad_request("invalid_period", e.to_string())
            })?,
        None => Period::Year(chrono::Datelike::year(&chrono::Utc::now().date_naive())),
    };
    let reference = state.reference.clone();
    let viewer = Viewer::of(caller.org(), &code);
    let body = caller
        .db(&state, move |conn| {
            quota_for(conn, &reference, &code, period, &viewer)
        })
        .await?;
    Ok(HttpResponse::Ok().json(body))
}

/// The routes of this module, for the router and the OpenAPI document alike.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(get_quota);
}
