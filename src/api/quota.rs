use actix_web::{get, web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use super::error::{ApiError, ErrorBody};
use super::guards::MunicipalityReader;
use super::AppState;
use crate::domain::period::Period;
use crate::domain::small_numbers::Viewer;
use crate::service::headroom::{headroom_for, HeadroomBody};
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

#[derive(Debug, Deserialize, IntoParams)]
pub struct HeadroomQuery {
    /// Calendar year, e.g. `2026`. Default: the current year.
    pub year: Option<i32>,
}

/// Years a headroom can be asked for: the lettings' own range, with room on both sides.
const HEADROOM_YEARS: std::ops::RangeInclusive<i32> = 1900..=9999;

/// Headroom (ruimte tot de norm) of the year to date: for each scope and each metric with a
/// limit, how many more lettings of the kind that moves it fit before the state changes
/// (`warning_after`, `breach_after`), how many of the other kind bring a warning or breach back
/// to ok (`recovery_needed`), and the year-end share at the pace so far. Same readers as the
/// quota; a reader who may not see a scope's count exactly gets its derived figures as null.
#[utoipa::path(
    tag = "quota",
    params(("code" = String, Path, description = "CBS municipality code, e.g. GM0629"), HeadroomQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Headroom per scope and metric", body = HeadroomBody),
        (status = 400, description = "The year is not a year", body = ErrorBody),
        (status = 401, description = "No or unknown token", body = ErrorBody),
        (status = 403, description = "The token's organisation may not read this municipality", body = ErrorBody),
        (status = 404, description = "Not a municipality code", body = ErrorBody),
    )
)]
#[get("/api/v1/municipalities/{code}/headroom")]
pub async fn get_headroom(
    caller: MunicipalityReader,
    query: web::Query<HeadroomQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let code = caller.code().to_string();
    let year = query
        .year
        .unwrap_or_else(|| chrono::Datelike::year(&chrono::Utc::now().date_naive()));
    if !HEADROOM_YEARS.contains(&year) {
        return Err(ApiError::bad_request(
            "invalid_year",
            format!(
                "year must be a calendar year from {} to {}",
                HEADROOM_YEARS.start(),
                HEADROOM_YEARS.end()
            ),
        ));
    }
    let reference = state.reference.clone();
    let viewer = Viewer::of(caller.org(), &code);
    let body = caller
        .db(&state, move |conn| {
            headroom_for(conn, &reference, &code, year, &viewer)
        })
        .await?;
    Ok(HttpResponse::Ok().json(body))
}

/// The routes of this module, for the router and the OpenAPI document alike.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(get_quota).service(get_headroom);
}
