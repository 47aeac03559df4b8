use actix_web::{get, post, web, HttpResponse};
use chrono::Utc;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::error::{ApiError, ErrorBody};
use super::guards::MunicipalityReader;
use super::AppState;
use crate::domain::alerts::AlertState;
use crate::domain::audit::check_note;
use crate::domain::organisation::OrgKind;
use crate::domain::problem::Problem;
use crate::domain::small_numbers::Viewer;
use crate::service::alert_list::{self, AlertsBody, NoteBody};
use crate::service::alert_notes::{self, NoteOutcome};
use utoipa_actix_web::service_config::ServiceConfig;

#[derive(Debug, Deserialize, IntoParams)]
pub struct AlertsQuery {
    /// `open` (default), `resolved` or `all`.
    pub state: Option<String>,
    /// Only alerts of this calendar year.
    pub year: Option<i32>,
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
        None => Some(AlertState::Open),
        Some("all") => None,
        Some(text) => Some(AlertState::parse(text).ok_or_else(|| {
            ApiError::bad_request(
                "invalid_state",
                format!("state {text:?} is not one of open, resolved, all"),
            )
        })?),
    };
    let year = query.year;
    let viewer = Viewer::of(caller.org(), &code);
    let body = caller
        .db(&state, move |conn| {
            alert_list::list_for(conn, &code, filter, year, &viewer)
        })
        .await?;
    Ok(HttpResponse::Ok().json(body))
}

/// The body of a note.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NoteRequest {
    /// 1 to 4000 characters: an explanation or a decision ("besproken in BO juni, verklaard
    /// door ...").
    pub text: String,
}

/// The note's text from the body: `text` a string of 1 to 4000 characters and no other field
/// (each problem a `422` naming its field, as for every other body).
fn note_text(body: serde_json::Value) -> Result<String, ApiError> {
    let serde_json::Value::Object(mut fields) = body else {
        return Err(ApiError::invalid_field(
            "",
            "the body must be a JSON object {\"text\": \"...\"}",
        ));
    };
    let text = fields.remove("text");
    let mut problems: Vec<Problem> = fields
        .keys()
        .take(20)
        .map(|name| Problem::of_field(name, "unknown field; a note has only \"text\""))
        .collect();
    let text = match text {
        Some(serde_json::Value::String(text)) => match check_note(&text) {
            Ok(_) => Some(text),
            Err(problem) => {
                problems.push(Problem::of_field("text", problem.to_string()));
                None
            }
        },
        Some(_) => {
            problems.push(Problem::of_field("text", "text must be a string"));
            None
        }
        None => {
            problems.push(Problem::of_field("text", "text is required"));
            None
        }
    };
    match text {
        Some(text) if problems.is_empty() => Ok(text),
        _ => Err(ApiError::Validation {
            message: "the note is not valid; nothing was stored".into(),
            problems: problems.into(),
        }),
    }
}

/// Writes a note on an alert: an explanation or a decision for the administrative meeting.
/// The municipality may write on every alert of its own, a corporation on the alerts of its
/// own scope. Notes are listed with the alert, for every reader of the alerts, and are never
/// edited or deleted. The audit trail records the note's id (not its text).
#[utoipa::path(
    tag = "alerts",
    params(
        ("code" = String, Path, description = "CBS municipality code"),
        ("id" = i64, Path, description = "The alert's id"),
    ),
    request_body = NoteRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The note as stored", body = NoteBody),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "No or unknown token", body = ErrorBody),
        (status = 403, description = "Not the municipality, nor the corporation whose scope the alert is on", body = ErrorBody),
        (status = 404, description = "No such alert of this municipality", body = ErrorBody),
        (status = 422, description = "Text empty, longer than 4000 characters, or an unknown field", body = ErrorBody),
    )
)]
#[post("/api/v1/municipalities/{code}/alerts/{id}/notes")]
pub async fn post_note(
    caller: MunicipalityReader,
    path: web::Path<(String, i64)>,
    body: web::Json<serde_json::Value>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let (_, id) = path.into_inner();
    let code = caller.code().to_string();
    let forbidden = || {
        ApiError::Forbidden(format!(
            "only municipality {code} and the corporation whose scope alert {id} is on may write a note on it"
        ))
    };
    // A tenant association reads the notes but never writes one, whatever the alert.
    if caller.org().kind == OrgKind::TenantAssociation {
        return Err(forbidden());
    }
    let text = note_text(body.into_inner())?;
    let writer = caller.org().clone();
    let actor = caller.actor();
    let now = Utc::now().naive_utc();
    let municipality = code.clone();
    let outcome = caller
        .db(&state, move |conn| {
            alert_notes::add(conn, &writer, &actor, &municipality, id, &text, now)
        })
        .await?;
    match outcome {
        NoteOutcome::Added(note) => Ok(HttpResponse::Created().json(note)),
        NoteOutcome::NotAllowed => Err(forbidden()),
        NoteOutcome::NoSuchAlert => Err(ApiError::not_found(
            "alert_not_found",
            format!("municipality {code} has no alert {id}"),
        )),
    }
}

/// The routes of this module, for the router and the OpenAPI document alike.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(get_alerts).service(post_note);
}
