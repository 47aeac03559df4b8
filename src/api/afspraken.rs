//! The numbered afspraken of a municipality's agreement: their progress and traffic lights, and
//! progress updates by the municipality or the afspraak's trekker.

use actix_web::{get, post, web, HttpResponse};
use chrono::{NaiveDate, Utc};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::error::{ApiError, ErrorBody};
use super::guards::MunicipalityReader;
use super::AppState;
use crate::domain::afspraken::{ProgressStatus, MAX_ESCALATION};
use crate::domain::audit::check_note;
use crate::domain::problem::Problem;
use crate::domain::small_numbers::Viewer;
use crate::service::afspraken::{
    self, AfspraakUpdateBody, AfsprakenBody, UpdateOutcome, UpdateRequest,
};
use utoipa_actix_web::service_config::ServiceConfig;

#[derive(Debug, Deserialize, IntoParams)]
pub struct AfsprakenQuery {
    /// The day to judge on (`YYYY-MM-DD`), default today: deadlines, updates posted up to that
    /// day, and the linked figures of its year.
    pub on: Option<String>,
}

/// The afspraken of the agreement that applies to the municipality on a day, each with its
/// trekker, planning, the updates posted and a traffic light: the linked figure's state where
/// there is one; otherwise done green, a deadline passed red (from the day after it), due within
/// 60 days and not started orange, delayed orange, in progress green, nothing due grey.
#[utoipa::path(
    tag = "afspraken",
    params(("code" = String, Path, description = "CBS municipality code"), AfsprakenQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The afspraken with their lights", body = AfsprakenBody),
        (status = 400, description = "`on` is not a date", body = ErrorBody),
        (status = 401, description = "No or unknown token", body = ErrorBody),
        (status = 403, description = "The token's organisation may not read this municipality", body = ErrorBody),
        (status = 404, description = "Not a municipality code", body = ErrorBody),
    )
)]
#[get("/api/v1/municipalities/{code}/afspraken")]
pub async fn get_afspraken(
    caller: MunicipalityReader,
    query: web::Query<AfsprakenQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let code = caller.code().to_string();
    let on = match &query.on {
        Some(text) => NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
            ApiError::bad_request(
                "invalid_date",
                format!("on {text:?} is not a date written YYYY-MM-DD"),
            )
        })?,
        None => Utc::now().date_naive(),
    };
    let reference = state.reference.clone();
    let viewer = Viewer::of(caller.org(), &code);
    let body = caller
        .db(&state, move |conn| {
            afspraken::list(conn, &reference, &code, on, &viewer)
        })
        .await?;
    Ok(HttpResponse::Ok().json(body))
}

/// The body of a progress update.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AfspraakUpdateRequest {
    /// `not_started`, `in_progress`, `delayed` or `done`.
    pub status: String,
    /// 1 to 4000 characters: what was done, what is in the way.
    pub note: String,
    /// 0 none (default), 1 ambtelijk overleg, 2 bestuurlijk overleg, 3 geschil.
    pub escalation_level: Option<i32>,
}

/// The update from the body, every problem a `422` naming its field.
fn update_request(
    municipality: &str,
    key: &str,
    body: serde_json::Value,
) -> Result<UpdateRequest, ApiError> {
    let serde_json::Value::Object(mut fields) = body else {
        return Err(ApiError::invalid_field(
            "",
            "the body must be a JSON object {\"status\": \"...\", \"note\": \"...\"}",
        ));
    };
    let status = fields.remove("status");
    let note = fields.remove("note");
    let escalation = fields.remove("escalation_level");
    let mut problems: Vec<Problem> = fields
        .keys()
        .take(20)
        .map(|name| {
            Problem::of_field(
                name,
                "unknown field; an update has status, note and escalation_level",
            )
        })
        .collect();
    let status = match status.as_ref().and_then(|s| s.as_str()) {
        Some(text) => ProgressStatus::parse(text).or_else(|| {
            problems.push(Problem::of_field(
                "status",
                format!("{text:?} is not one of not_started, in_progress, delayed, done"),
            ));
            None
        }),
        None => {
            problems.push(Problem::of_field(
                "status",
                "status is required: not_started, in_progress, delayed or done",
            ));
            None
        }
    };
    let note = match note {
        Some(serde_json::Value::String(text)) => match check_note(&text) {
            Ok(_) => Some(text),
            Err(problem) => {
                problems.push(Problem::of_field("note", problem.to_string()));
                None
            }
        },
        _ => {
            problems.push(Problem::of_field("note", "note is required (a string)"));
            None
        }
    };
    let escalation_level = match escalation {
        None | Some(serde_json::Value::Null) => Some(0),
        Some(value) => match value.as_i64() {
            Some(level) if (0..=i64::from(MAX_ESCALATION)).contains(&level) => {
                i32::try_from(level).ok()
            }
            _ => {
                problems.push(Problem::of_field(
                    "escalation_level",
                    format!("escalation_level must be a whole number from 0 to {MAX_ESCALATION}"),
                ));
                None
            }
        },
    };
    match (status, note, escalation_level) {
        (Some(status), Some(note), Some(escalation_level)) if problems.is_empty() => {
            Ok(UpdateRequest {
                municipality: municipality.to_string(),
                key: key.to_string(),
                status,
                escalation_level,
                note,
            })
        }
        _ => Err(ApiError::Validation {
            message: "the update is not valid; nothing was stored".into(),
            problems: problems.into(),
        }),
    }
}

/// Posts a progress update on an afspraak of the agreement that applies today: by the
/// municipality, or by the afspraak's trekker (its organisation, or an organisation of the
/// municipality of the trekker's role). Updates are never edited or deleted; the audit trail
/// records each.
#[utoipa::path(
    tag = "afspraken",
    params(
        ("code" = String, Path, description = "CBS municipality code"),
        ("key" = String, Path, description = "The afspraak's key in the agreement"),
    ),
    request_body = AfspraakUpdateRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The update as stored", body = AfspraakUpdateBody),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "No or unknown token", body = ErrorBody),
        (status = 403, description = "Neither the municipality nor the afspraak's trekker", body = ErrorBody),
        (status = 404, description = "No such afspraak in the agreement that applies today", body = ErrorBody),
        (status = 422, description = "A field missing or not valid", body = ErrorBody),
    )
)]
#[post("/api/v1/municipalities/{code}/afspraken/{key}/updates")]
pub async fn post_update(
    caller: MunicipalityReader,
    path: web::Path<(String, String)>,
    body: web::Json<serde_json::Value>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let (_, key) = path.into_inner();
    let code = caller.code().to_string();
    let request = update_request(&code, &key, body.into_inner())?;
    let writer = caller.org().clone();
    let actor = caller.actor();
    let reference = state.reference.clone();
    let now = Utc::now().naive_utc();
    let outcome = caller
        .db(&state, move |conn| {
            afspraken::post_update(conn, &reference, &writer, &actor, &request, now)
        })
        .await?;
    match outcome {
        UpdateOutcome::Added(update) => Ok(HttpResponse::Created().json(update)),
        UpdateOutcome::NotAllowed { trekker } => Err(ApiError::Forbidden(format!(
            "only municipality {code} and the trekker ({trekker}) may post an update on afspraak {key}"
        ))),
        UpdateOutcome::NoSuchAfspraak => Err(ApiError::not_found(
            "afspraak_not_found",
            format!("the agreement of {code} that applies today has no afspraak {key:?}"),
        )),
    }
}

/// The routes of this module, for the router and the OpenAPI document alike.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(get_afspraken).service(post_update);
}
