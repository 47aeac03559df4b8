//! Submissions and deadlines: a corporation declares a month complete and gets a receipt; the
//! readers of a municipality see per corporation and month whether it is declared, stale,
//! missing, late or still to come.

use actix_web::{get, post, web, HttpResponse};
use chrono::{Datelike, NaiveDate, Utc};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::auth::Caller;
use super::error::{ApiError, ErrorBody};
use super::guards::MunicipalityReader;
use super::AppState;
use crate::domain::letting::is_municipality_code;
use crate::domain::problem::Problem;
use crate::domain::small_numbers::Viewer;
use crate::domain::submission::Month;
use crate::service::submissions::{self, CompletenessBody, ReceiptBody};

/// The body of a declaration.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SubmissionRequest {
    /// CBS code of a municipality the corporation is registered for.
    #[schema(example = "GM0629")]
    pub municipality: String,
    /// `YYYY-MM`: a month that has begun (the current month or an earlier one).
    #[schema(example = "2026-03")]
    pub month: String,
}

/// The municipality and month of a declaration's body: both strings, well formed, the month
/// not in the future, and no other field. Every problem is listed, each naming its field.
fn declaration(body: serde_json::Value, today: NaiveDate) -> Result<(String, Month), ApiError> {
    let serde_json::Value::Object(mut fields) = body else {
        return Err(ApiError::invalid_field(
            "",
            "the body must be a JSON object {\"municipality\": \"GM0629\", \"month\": \"2026-03\"}",
        ));
    };
    let municipality = fields.remove("municipality");
    let month = fields.remove("month");
    let mut problems: Vec<Problem> = fields
        .keys()
        .take(20)
        .map(|name| {
            Problem::of_field(
                name,
                "unknown field; a declaration has only \"municipality\" and \"month\"",
            )
        })
        .collect();
    let municipality = match municipality {
        Some(serde_json::Value::String(code)) if is_municipality_code(&code) => Some(code),
        Some(serde_json::Value::String(_)) => {
            problems.push(Problem::of_field(
                "municipality",
                "municipality must be a CBS code: GM followed by 4 digits, e.g. GM0629",
            ));
            None
        }
        Some(_) => {
            problems.push(Problem::of_field(
                "municipality",
                "municipality must be a string",
            ));
            None
        }
        None => {
            problems.push(Problem::of_field(
                "municipality",
                "municipality is required",
            ));
            None
        }
    };
    let month = match month {
        Some(serde_json::Value::String(text)) => match text.parse::<Month>() {
            Ok(month) if month.is_future(today) => {
                problems.push(Problem::of_field(
                    "month",
                    format!("{month} has not begun; a month can be declared complete from its first day"),
                ));
                None
            }
            Ok(month) => Some(month),
            Err(message) => {
                problems.push(Problem::of_field("month", message));
                None
            }
        },
        Some(_) => {
            problems.push(Problem::of_field("month", "month must be a string YYYY-MM"));
            None
        }
        None => {
            problems.push(Problem::of_field("month", "month is required"));
            None
        }
    };
    match (municipality, month) {
        (Some(municipality), Some(month)) if problems.is_empty() => Ok((municipality, month)),
        _ => Err(ApiError::Validation {
            message: "the declaration is not valid; nothing was declared".into(),
            problems: problems.into(),
        }),
    }
}

/// Declares a month of a municipality complete (gereedmelding). Only a corporation, for a
/// municipality it is registered for. The receipt states how many of its current lettings have
/// their contract start in the month and the SHA-256 digest of those records in the canonical
/// form of the API guide. Declaring again is allowed and gives a new receipt; a later change
/// to the month's records makes the month `stale` in the completeness answer until it is
/// declared again. The audit trail records each declaration.
#[utoipa::path(
    tag = "submissions",
    request_body = SubmissionRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The receipt", body = ReceiptBody),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "No or unknown token", body = ErrorBody),
        (status = 403, description = "Not a corporation, or not registered for the municipality", body = ErrorBody),
        (status = 422, description = "Municipality or month missing or malformed, a month that has not begun, or an unknown field", body = ErrorBody),
    )
)]
#[post("/api/v1/submissions")]
pub async fn post_submission(
    caller: Caller,
    body: web::Json<serde_json::Value>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let corporation = caller.require_corporation()?.to_string();
    let now = Utc::now().naive_utc();
    let (municipality, month) = declaration(body.into_inner(), now.date())?;
    if !caller.org().municipalities.contains(&municipality) {
        return Err(ApiError::Forbidden(format!(
            "corporation {corporation} is not registered for municipality {municipality}, so it declares nothing there"
        )));
    }
    let actor = caller.actor();
    let receipt = caller
        .db(&state, move |conn| {
            submissions::declare(conn, &actor, &corporation, &municipality, month, now)
        })
        .await?;
    Ok(HttpResponse::Created().json(receipt))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct CompletenessQuery {
    /// Calendar year, 2000 to 2100 (default: the current year).
    pub year: Option<i32>,
    /// `YYYY-MM-DD`: judge the states for this day instead of today, with the declarations as
    /// they are now ("what is late on 1 March if nothing more is declared?").
    #[param(value_type = Option<String>, format = Date)]
    pub on: Option<NaiveDate>,
}

/// Completeness of a year: per corporation registered for the municipality and per month,
/// `declared` (declared complete and unchanged since), `stale` (changed after its declaration),
/// `missing` (ended, not declared, before the agreement's data deadline), `late` (not declared
/// on or after the deadline) or `future` (not ended yet). Same readers as the quota. The
/// municipality and each corporation for its own months also see the number of lettings; every
/// other reader sees the states only.
#[utoipa::path(
    tag = "submissions",
    params(("code" = String, Path, description = "CBS municipality code"), CompletenessQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The year's states per corporation and month", body = CompletenessBody),
        (status = 400, description = "A year outside 2000–2100, a malformed day, or an unknown parameter", body = ErrorBody),
        (status = 401, description = "No or unknown token", body = ErrorBody),
        (status = 403, description = "The token's organisation may not read this municipality", body = ErrorBody),
        (status = 404, description = "Not a municipality code", body = ErrorBody),
    )
)]
#[get("/api/v1/municipalities/{code}/completeness")]
pub async fn get_completeness(
    caller: MunicipalityReader,
    query: web::Query<CompletenessQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let today = Utc::now().date_naive();
    let year = query.year.unwrap_or(today.year());
    if !(2000..=2100).contains(&year) {
        return Err(ApiError::bad_request(
            "invalid_year",
            format!("year {year} is outside 2000 to 2100"),
        ));
    }
    let on = query.on.unwrap_or(today);
    let code = caller.code().to_string();
    let deadline = state
        .reference
        .agreements
        .applicable(&code, year)
        .data_deadline
        .for_year(year);
    let viewer = Viewer::of(caller.org(), &code);
    let body = caller
        .db(&state, move |conn| {
            submissions::completeness(conn, &code, year, deadline, on, &viewer)
        })
        .await?;
    Ok(HttpResponse::Ok().json(body))
}

/// The routes of this module, for the router and the OpenAPI document alike.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(post_submission).service(get_completeness);
}
