//! The corporation's legal view: its calendar year over all its municipalities against the
//! norms of the law. Only the corporation itself may read it.

use actix_web::{get, web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use super::auth::Caller;
use super::error::{ApiError, ErrorBody};
use super::AppState;
use crate::domain::organisation::OrgKind;
use crate::service::legal::{legal_view, LegalBody};
use utoipa_actix_web::service_config::ServiceConfig;

#[derive(Debug, Deserialize, IntoParams)]
pub struct LegalQuery {
    /// Calendar year, e.g. `2026`. Default: the current year.
    pub year: Option<i32>,
}

/// Years the legal view can be asked for.
const YEARS: std::ops::RangeInclusive<i32> = 1900..=9999;

/// The legal view (wettelijke toets) of a corporation's calendar year over all the
/// municipalities it lets in: the free allocation room (vrije toewijzingsruimte, 7.5% or what
/// the agreements allow, at most 15%) and passend toewijzen (95%), judged per corporation and
/// year as the law does. The municipal figures of these norms in the quota answer are signals
/// toward this judgement. Readable by that corporation only.
#[utoipa::path(
    tag = "quota",
    params(("id" = String, Path, description = "The corporation's id"), LegalQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The legal norms for the corporation's year", body = LegalBody),
        (status = 400, description = "The year is not a year", body = ErrorBody),
        (status = 401, description = "No or unknown token", body = ErrorBody),
        (status = 403, description = "The token is not this corporation's", body = ErrorBody),
    )
)]
#[get("/api/v1/corporations/{id}/legal")]
pub async fn get_legal(
    caller: Caller,
    path: web::Path<String>,
    query: web::Query<LegalQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let org = caller.org();
    if org.kind != OrgKind::Corporation || org.id != id {
        return Err(ApiError::Forbidden(format!(
            "only corporation {id} itself may read its legal view; {} is a {}",
            org.id,
            org.kind.as_str()
        )));
    }
    let year = query
        .year
        .unwrap_or_else(|| chrono::Datelike::year(&chrono::Utc::now().date_naive()));
    if !YEARS.contains(&year) {
        return Err(ApiError::bad_request(
            "invalid_year",
            format!(
                "year must be a calendar year from {} to {}",
                YEARS.start(),
                YEARS.end()
            ),
        ));
    }
    let reference = state.reference.clone();
    let body = caller
        .db(&state, move |conn| legal_view(conn, &reference, &id, year))
        .await?;
    Ok(HttpResponse::Ok().json(body))
}

/// The routes of this module, for the router and the OpenAPI document alike.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(get_legal);
}
