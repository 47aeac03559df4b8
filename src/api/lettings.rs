//! `POST /api/v1/lettings`, `GET` and `DELETE /api/v1/lettings/{reference}`.

use actix_web::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use chrono::Utc;
use rust_decimal::Decimal;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::auth::Caller;
use super::body;
use super::error::{ApiError, ErrorBody};
use super::AppState;
use crate::domain::problem::echo;
use crate::service::ingest::{self, BatchContext, BodyError, BodyFormat};
use crate::service::letting_changes::{post_batch, withdraw, Commit};
use crate::service::letting_views::{self, IngestBody, LettingBody};
use crate::telemetry::spawn_blocking_with_span;
use utoipa_actix_web::service_config::ServiceConfig;

/// One letting record as submitted (for the OpenAPI document; the service reads the body
/// itself to report every problem at once).
#[derive(Debug, Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct LettingRecord {
    /// 1–64 characters of `A-Z a-z 0-9 . _ / -`; unique per corporation.
    pub reference: String,
    /// CBS code `GM` + 4 digits; the corporation must be registered for it.
    pub municipality: String,
    /// `YYYY-MM-DD`; at most 92 days after today. The letting counts in this month.
    #[schema(value_type = String, format = Date)]
    pub contract_start: String,
    /// Monthly bare rent (kale huur) in EUR: > 0 and < 10000, at most 2 decimals. Number or string.
    #[schema(value_type = f64)]
    pub rent: Decimal,
    /// Persons in the household, 1–20.
    pub household_size: u8,
    /// Yearly household income in EUR: >= 0 and < 10000000, at most 2 decimals. Number or string.
    #[schema(value_type = f64)]
    pub household_income: Decimal,
    /// A household member has reached AOW age. Default false.
    pub pension_age: Option<bool>,
    /// `regular` (default), `local_priority`, `direct`, `swap`, `internal` or `other`.
    pub route: Option<String>,
    /// Null or one of the agreement's urgency categories.
    pub urgency: Option<String>,
    /// When set (up to 200 characters) the letting is in no quota denominator.
    pub excluded_reason: Option<String>,
    /// Passend-toewijzen exception (e.g. BTIV art. 54a). Default false.
    pub passend_exception: Option<bool>,
    /// Datum toewijzing, `YYYY-MM-DD`: at or before `contract_start`, at most a year before it;
    /// default `contract_start`. Its year's national norms classify the letting; a year
    /// without norms yet is classified provisionally with the latest known year's.
    #[schema(value_type = Option<String>, format = Date)]
    pub allocation_date: Option<String>,
    /// Housed under the status-holder task; default true exactly when `urgency` is
    /// `status_holder`.
    pub status_holder: Option<bool>,
    /// When present, the token's own organisation.
    pub corporation: Option<String>,
}

/// What a `503 busy` asks the client to wait before posting again (an ingest of 100000
/// records takes a few seconds).
pub(super) const INGEST_RETRY_AFTER_SECONDS: u64 = 5;

#[derive(Debug, Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct LettingBatch {
    pub lettings: Vec<LettingRecord>,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct PostQuery {
    /// Validate and classify exactly as a real post and answer the same (`200` with the counts
    /// it would have made and `"dry_run": true`, or the same `422`), but store nothing, change
    /// no alert and send no webhook.
    #[serde(default)]
    pub dry_run: bool,
}

/// JSON for `application/json` (and `+json`), CSV for `text/csv` and `application/csv`. Without
/// a content type, or with curl's default form type, the body's first character decides.
pub(super) fn body_format(req: &HttpRequest) -> Result<BodyFormat, ApiError> {
    let content_type = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        });
    match content_type.as_deref() {
        Some("application/json") => Ok(BodyFormat::Json),
        Some(t) if t.ends_with("+json") => Ok(BodyFormat::Json),
        Some("text/csv" | "application/csv" | "text/comma-separated-values") => Ok(BodyFormat::Csv),
        None
        | Some(
            "" | "application/x-www-form-urlencoded" | "text/plain" | "application/octet-stream",
        ) => Ok(BodyFormat::Unknown),
        Some(other) => Err(ApiError::UnsupportedMediaType(format!(
            "content type {:?} is not accepted; send application/json or text/csv",
            echo(other)
        ))),
    }
}

/// `413` at once for a body whose declared length is above the limit.
pub(super) fn check_declared_length(req: &HttpRequest, limit: usize) -> Result<(), ApiError> {
    let declared = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    match declared {
        Some(len) if len > limit as u64 => Err(body::too_large(limit)),
        _ => Ok(()),
    }
}

/// Posts a batch of the caller's letting records. All or nothing: any invalid record makes
/// the whole batch 422 with every problem listed, and nothing is stored. Posting a reference
/// again replaces that letting with a new version unless it is identical.
#[utoipa::path(
    tag = "lettings",
    security(("bearer" = [])),
    request_body(
        description = "A JSON object `{\"lettings\": [...]}` or a bare array, or CSV with a header row of the field names (comma or semicolon separated; with semicolons a decimal comma is accepted).",
        content(
            (LettingBatch = "application/json"),
            (String = "text/csv"),
        )
    ),
    params(PostQuery),
    responses(
        (status = 200, description = "The batch was stored (with `dry_run=true`: would have been stored, and nothing was)", body = IngestBody),
        (status = 400, description = "The body cannot be read", body = ErrorBody),
        (status = 401, description = "No or unknown token", body = ErrorBody),
        (status = 403, description = "Not a corporation, or a record names another corporation", body = ErrorBody),
        (status = 408, description = "The body did not arrive within the read time-out (30 s by default)", body = ErrorBody),
        (status = 413, description = "Body above the size limit, or more than 100000 records (refused as soon as the 100001st is read)", body = ErrorBody),
        (status = 415, description = "Neither JSON nor CSV", body = ErrorBody),
        (status = 422, description = "Invalid records; the first 1000 problems are listed, `problems_total` counts them all, and nothing is stored", body = ErrorBody),
        (status = 503, description = "The service is at its limit of concurrent ingests (`busy`, with `Retry-After`), or the database does not answer", body = ErrorBody,
            headers(("Retry-After" = u64, description = "With `busy`: seconds to wait before posting again"))),
    )
)]
#[post("/api/v1/lettings")]
pub async fn post_lettings(
    caller: Caller,
    req: HttpRequest,
    query: web::Query<PostQuery>,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let corporation = caller.require_corporation()?.to_string();
    let commit = if query.dry_run {
        Commit::DryRun
    } else {
        Commit::Yes
    };
    let format = body_format(&req)?;
    check_declared_length(&req, state.max_body_bytes)?;
    // Held to the end of the request: at most `max_concurrent_ingests` bodies are read,
    // parsed and stored at once; one more is refused now rather than queued.
    let _ingest = state
        .ingest_permits
        .clone()
        .try_acquire_owned()
        .map_err(|_| ApiError::Busy {
            message: "the service is handling as many batches as it takes at once; post this one again shortly".into(),
            retry_after_seconds: INGEST_RETRY_AFTER_SECONDS,
        })?;
    let reference = state.reference.clone();
    let registered = caller.org().municipalities.clone();
    let max_records = state.max_batch_records;
    let owner = corporation.clone();
    // The body is parsed on the blocking pool while it arrives: never held whole, and a batch
    // past the record limit is refused as soon as its first extra record is read.
    let (sender, body) = body::channel();
    let parse = spawn_blocking_with_span(move || {
        let batch = ingest::read_batch(body, format, max_records).map_err(body_error)?;
        let records = batch.records;
        let foreign: Vec<String> = records
            .iter()
            .enumerate()
            .filter(|(_, r)| r.raw.corporation_text().is_some_and(|c| c != owner))
            .map(|(i, _)| i.to_string())
            .take(20)
            .collect();
        if !foreign.is_empty() {
            return Err(ApiError::Forbidden(format!(
                "records at index {} name another corporation; {owner} can only post its own lettings",
                foreign.join(", ")
            )));
        }
        let ctx = BatchContext {
            reference: &reference,
            registered_municipalities: &registered,
            today: Utc::now().date_naive(),
            decimal_comma: batch.decimal_comma,
        };
        ingest::check_batch(&records, &ctx).map_err(|problems| ApiError::Validation {
            message: format!(
                "{} problem(s) in the batch of {} record(s); nothing was stored",
                problems.total(),
                records.len()
            ),
            problems,
        })
    });
    let valid = body::parse_streamed(
        payload,
        sender,
        state.max_body_bytes,
        state.body_read_timeout,
        parse,
    )
    .await?;
    let now = Utc::now().naive_utc();
    let reference = state.reference.clone();
    let actor = caller.actor();
    let prepared = valid.lettings;
    let (counts, alert_changes) = caller
        .db(&state, move |conn| {
            post_batch(
                conn,
                &reference,
                &actor,
                &corporation,
                &prepared,
                now,
                commit,
            )
        })
        .await?;
    tracing::info!(
        corporation = %caller.org().id,
        received = counts.received,
        created = counts.created,
        updated = counts.updated,
        unchanged = counts.unchanged,
        alert_changes = alert_changes.len(),
        dry_run = query.dry_run,
        "{}",
        if query.dry_run { "letting batch tried (dry run), nothing stored" } else { "letting batch stored" }
    );
    let mut answer = IngestBody::from(counts);
    answer.dry_run = query.dry_run;
    answer.warnings_total = valid.warnings.total();
    answer.warnings = valid.warnings.listed().to_vec();
    Ok(HttpResponse::Ok().json(answer))
}

pub(super) fn body_error(e: BodyError) -> ApiError {
    match e {
        BodyError::Malformed(message) => ApiError::bad_request("malformed_body", message),
        BodyError::TooManyRecords { limit } => ApiError::PayloadTooLarge(format!(
            "the batch holds more than {limit} records; at most {limit} are accepted in one request"
        )),
        BodyError::Header(problems) => ApiError::Validation {
            message: format!(
                "the CSV header has {} problem(s); nothing was stored",
                problems.total()
            ),
            problems,
        },
    }
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct LettingQuery {
    /// Include every version, oldest first.
    #[serde(default)]
    pub history: bool,
}

/// A reference may hold `/`; clients that encode it send `%2F`.
fn reference_from_path(raw: &str) -> String {
    raw.replace("%2F", "/").replace("%2f", "/")
}

/// One of the caller's own lettings (404 for another corporation's).
#[utoipa::path(
    tag = "lettings",
    security(("bearer" = [])),
    params(("reference" = String, Path, description = "The letting's reference"), LettingQuery),
    responses(
        (status = 200, description = "The letting", body = LettingBody),
        (status = 401, description = "No or unknown token", body = ErrorBody),
        (status = 403, description = "Not a corporation", body = ErrorBody),
        (status = 404, description = "The caller has no letting with this reference", body = ErrorBody),
    )
)]
#[get("/api/v1/lettings/{reference:.+}")]
pub async fn get_letting(
    caller: Caller,
    path: web::Path<String>,
    query: web::Query<LettingQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let corporation = caller.require_corporation()?.to_string();
    let reference = reference_from_path(&path.into_inner());
    let with_history = query.history;
    let found = caller
        .db(&state, move |conn| {
            letting_views::find(conn, &corporation, &reference, with_history)
        })
        .await?;
    found
        .map(|body| HttpResponse::Ok().json(body))
        .ok_or_else(not_found)
}

fn not_found() -> ApiError {
    ApiError::not_found(
        "letting_not_found",
        "your organisation has no letting with this reference",
    )
}

/// Withdraws one of the caller's lettings: it leaves every quota and stays in the history.
/// Withdrawing a withdrawn letting changes nothing. Posting the reference again reinstates it.
#[utoipa::path(
    tag = "lettings",
    security(("bearer" = [])),
    params(("reference" = String, Path, description = "The letting's reference")),
    responses(
        (status = 200, description = "The withdrawn letting", body = LettingBody),
        (status = 401, description = "No or unknown token", body = ErrorBody),
        (status = 403, description = "Not a corporation", body = ErrorBody),
        (status = 404, description = "The caller has no letting with this reference", body = ErrorBody),
    )
)]
#[delete("/api/v1/lettings/{reference:.+}")]
pub async fn delete_letting(
    caller: Caller,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let corporation = caller.require_corporation()?.to_string();
    let reference = reference_from_path(&path.into_inner());
    let now = Utc::now().naive_utc();
    let reference_data = state.reference.clone();
    let actor = caller.actor();
    let (outcome, _alert_changes) = caller
        .db(&state, move |conn| {
            withdraw(conn, &reference_data, &actor, &corporation, &reference, now)
        })
        .await?;
    let letting = letting_views::after_withdrawal(outcome).ok_or_else(not_found)?;
    tracing::info!(corporation = %caller.org().id, "letting withdrawn");
    Ok(HttpResponse::Ok().json(letting))
}

/// The routes of this module, for the router and the OpenAPI document alike.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(post_lettings)
        .service(get_letting)
        .service(delete_letting);
}
