//! The status-holder task (taakstelling), hand-recorded placements and the allocation plan.

use std::collections::BTreeMap;

use actix_web::{get, post, put, web, HttpResponse};
use chrono::Utc;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::error::{ApiError, ErrorBody};
use super::guards::{MunicipalityItself, MunicipalityReader};
use super::AppState;
use crate::domain::allocation_plan::{categories, check_plan};
use crate::domain::period::Period;
use crate::domain::small_numbers::Viewer;
use crate::domain::status_holders::{check_placement, check_target_persons};
use crate::service::plans::{
    self, months_of_year_completed, AllocationPlanBody, PlacementBody, StatusHoldersBody,
    TargetBody,
};
use crate::service::small_numbers::{plan_for, status_holders_for};
use utoipa_actix_web::service_config::ServiceConfig;

/// How far back and ahead the status-holder overview may be asked for, in years.
const MAX_YEARS_BACK: i32 = 20;
const MAX_YEARS_AHEAD: i32 = 2;

fn parse_half(text: &str) -> Result<Period, ApiError> {
    match text.parse::<Period>() {
        Ok(p @ Period::Half(..)) => Ok(p),
        _ => Err(ApiError::bad_request(
            "invalid_half_year",
            format!("{text:?} is not a half year; use 2026-H1 or 2026-H2"),
        )),
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetRequest {
    /// Persons to house in the half year.
    pub persons: i64,
    pub note: Option<String>,
}

/// Sets the status-holder task of a half year (persons). Only the municipality itself.
#[utoipa::path(
    tag = "status holders",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "CBS municipality code"), ("half" = String, Path, description = "2026-H1 or 2026-H2")),
    request_body = TargetRequest,
    responses(
        (status = 200, description = "The task is set", body = TargetBody),
        (status = 400, description = "Not a half year, or a malformed body", body = ErrorBody),
        (status = 403, description = "Not the municipality itself", body = ErrorBody),
        (status = 422, description = "Invalid number of persons", body = ErrorBody),
    )
)]
#[put("/api/v1/municipalities/{code}/status-holder-targets/{half}")]
pub async fn put_target(
    caller: MunicipalityItself,
    path: web::Path<(String, String)>,
    body: web::Json<TargetRequest>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let (_, half) = path.into_inner();
    let code = caller.code().to_string();
    let half = parse_half(&half)?;
    let request = body.into_inner();
    let persons = check_target_persons(request.persons)?;
    let actor = caller.actor();
    let now = Utc::now().naive_utc();
    let target = caller
        .db(&state, move |conn| {
            plans::set_target(conn, &code, half, persons, request.note, &actor, now)
        })
        .await?;
    Ok(HttpResponse::Ok().json(target))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlacementRequest {
    /// Persons housed.
    pub persons: i64,
    /// The day they were housed, `YYYY-MM-DD`.
    #[schema(value_type = String, format = Date)]
    pub date: String,
    /// What the placement was, e.g. "gezinshereniging bij bestaande huurder".
    pub note: String,
}

/// Records a placement of status holders outside the letting records (family reunification
/// joining a tenancy, a home outside the corporations). Only the municipality itself.
#[utoipa::path(
    tag = "status holders",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "CBS municipality code")),
    request_body = PlacementRequest,
    responses(
        (status = 201, description = "Recorded", body = PlacementBody),
        (status = 403, description = "Not the municipality itself", body = ErrorBody),
        (status = 422, description = "Invalid placement", body = ErrorBody),
    )
)]
#[post("/api/v1/municipalities/{code}/status-holder-placements")]
pub async fn post_placement(
    caller: MunicipalityItself,
    body: web::Json<PlacementRequest>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let code = caller.code().to_string();
    let request = body.into_inner();
    let placement = check_placement(
        request.persons,
        &request.date,
        &request.note,
        Utc::now().date_naive(),
    )?;
    let actor = caller.actor();
    let now = Utc::now().naive_utc();
    let body = caller
        .db(&state, move |conn| {
            plans::add_placement(conn, &code, &placement, &actor, now)
        })
        .await?;
    Ok(HttpResponse::Created().json(body))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct StatusHoldersQuery {
    /// Show half years up to and including this one (default: the current half year).
    pub through: Option<String>,
}

/// The status-holder task per half year: target, carry-over, corrected target, persons housed
/// (from lettings and by hand), balance, and the pace of the current half year.
///
/// For every reader but the municipality itself, persons housed from lettings of 1 to 4 are
/// `"<5"` (a corporation's others' part of 1 to 4 makes it `"x"`), and the persons housed,
/// carry-over, corrected target, balance and pace figures that would give one away are null.
#[utoipa::path(
    tag = "status holders",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "CBS municipality code"), StatusHoldersQuery),
    responses(
        (status = 200, description = "The task and its realisation", body = StatusHoldersBody),
        (status = 403, description = "Not a reader of this municipality", body = ErrorBody),
    )
)]
#[get("/api/v1/municipalities/{code}/status-holders")]
pub async fn get_status_holders(
    caller: MunicipalityReader,
    query: web::Query<StatusHoldersQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let code = caller.code().to_string();
    let today = Utc::now().date_naive();
    let through = query.through.as_deref().map(parse_half).transpose()?;
    if let Some(half) = through {
        let year = half.year();
        let this_year = chrono::Datelike::year(&today);
        // Each half year of the chain costs a query: a far-off half year is a mistake, not a
        // question, and would make one request run hundreds of them.
        if !(this_year - MAX_YEARS_BACK..=this_year + MAX_YEARS_AHEAD).contains(&year) {
            return Err(ApiError::bad_request(
                "invalid_half_year",
                format!(
                    "through must be a half year from {} to {}",
                    this_year - MAX_YEARS_BACK,
                    this_year + MAX_YEARS_AHEAD
                ),
            ));
        }
    }
    let viewer = Viewer::of(caller.org(), &code);
    let body = caller
        .db(&state, move |conn| {
            status_holders_for(conn, &code, today, through, &viewer)
        })
        .await?;
    Ok(HttpResponse::Ok().json(body))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanRequest {
    /// Social homes expected to become available in the year.
    pub expected_available: i64,
    /// Planned lettings per category: `regular`, `local_priority` and each urgency category.
    pub categories: BTreeMap<String, i64>,
    pub note: Option<String>,
}

/// Sets a year's allocation plan (woonruimteverdelingslijst). Every call makes a new version;
/// old versions stay readable. Only the municipality itself.
#[utoipa::path(
    tag = "allocation plan",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "CBS municipality code"), ("year" = i32, Path, description = "Calendar year")),
    request_body = PlanRequest,
    responses(
        (status = 201, description = "The new version, compared with realisation", body = AllocationPlanBody),
        (status = 403, description = "Not the municipality itself", body = ErrorBody),
        (status = 422, description = "Unknown category or negative number", body = ErrorBody),
    )
)]
#[put("/api/v1/municipalities/{code}/allocation-plans/{year}")]
pub async fn put_plan(
    caller: MunicipalityItself,
    path: web::Path<(String, i32)>,
    body: web::Json<PlanRequest>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let (_, year) = path.into_inner();
    let code = caller.code().to_string();
    if !(2000..=2100).contains(&year) {
        return Err(ApiError::bad_request(
            "invalid_year",
            format!("{year} is not a plan year"),
        ));
    }
    let request = body.into_inner();
    let allowed = categories(&state.reference.agreements.applicable(&code, year));
    let plan = check_plan(
        request.expected_available,
        &request.categories,
        request.note,
        &allowed,
    )
    .map_err(|problems| ApiError::Validation {
        message: "the plan is not valid; nothing was stored".into(),
        problems: problems.into(),
    })?;
    let actor = caller.actor();
    let reference = state.reference.clone();
    let now = Utc::now().naive_utc();
    let body = caller
        .db(&state, move |conn| {
            plans::store_plan(conn, &reference, &code, year, &plan, &actor, now)
        })
        .await?
        .ok_or_else(|| ApiError::Internal("the plan just stored was not found".into()))?;
    Ok(HttpResponse::Created().json(body))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct PlanQuery {
    /// A version of the plan (default: the latest).
    pub version: Option<i32>,
}

/// A year's allocation plan compared with realisation, pro rata for the part of the year passed.
///
/// For every reader but the municipality itself the realisation per category is protected as
/// a table adding up to the counted lettings (`"<5"`, `"x"`), and `difference` is null wherever
/// the realisation is not shown exactly.
#[utoipa::path(
    tag = "allocation plan",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "CBS municipality code"), ("year" = i32, Path, description = "Calendar year"), PlanQuery),
    responses(
        (status = 200, description = "The plan and its realisation", body = AllocationPlanBody),
        (status = 403, description = "Not a reader of this municipality", body = ErrorBody),
        (status = 404, description = "No plan (or no such version) for the year", body = ErrorBody),
    )
)]
#[get("/api/v1/municipalities/{code}/allocation-plans/{year}")]
pub async fn get_plan(
    caller: MunicipalityReader,
    path: web::Path<(String, i32)>,
    query: web::Query<PlanQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let (_, year) = path.into_inner();
    let code = caller.code().to_string();
    let reference = state.reference.clone();
    let months = months_of_year_completed(year, Utc::now().date_naive());
    let version = query.version;
    let viewer = Viewer::of(caller.org(), &code);
    let body = caller
        .db(&state, move |conn| {
            plan_for(conn, &reference, &code, year, version, months, &viewer)
        })
        .await?
        .ok_or_else(|| {
            ApiError::not_found(
                "plan_not_found",
                format!(
                    "no allocation plan{} for {year}",
                    version.map(|v| format!(" version {v}")).unwrap_or_default()
                ),
            )
        })?;
    Ok(HttpResponse::Ok().json(body))
}

/// The routes of this module, for the router and the OpenAPI document alike.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(put_target)
        .service(post_placement)
        .service(get_status_holders)
        .service(put_plan)
        .service(get_plan);
}
