//! The housing stock of a municipality: `POST .../stock/snapshots` (a corporation's snapshot
//! of its units on a reference date), `GET .../stock?date=` (the figures), `GET
//! .../stock/changes?from=&to=` (the changes by cause) and `GET .../stock/units?date=` (a
//! corporation's own units).

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::{Datelike, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::body;
use super::error::{ApiError, ErrorBody};
use super::guards::MunicipalityReader;
use super::lettings::{body_error, body_format, check_declared_length, INGEST_RETRY_AFTER_SECONDS};
use super::AppState;
use crate::domain::small_numbers::Viewer;
use crate::domain::stock::{RawUnit, UnitContext};
use crate::service::ingest;
use crate::service::stock::{
    changes_between, check_snapshot, own_units, post_snapshot, stock_at, ChangesBody, Commit,
    OwnUnitsBody, SnapshotBody, StockBody,
};
use crate::telemetry::spawn_blocking_with_span;
use utoipa_actix_web::service_config::ServiceConfig;

/// One unit row as submitted (for the OpenAPI document; the service reads the body itself to
/// report every problem at once). Codes are Aedes VERA codes; docs/api.md maps each field to
/// its VERA attribute. No tenant data and no contract rent.
#[derive(Debug, Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct UnitRecord {
    /// The corporation's unit code (VHE-nummer, VERA `Eenheid.code`): 1–64 characters of
    /// `A-Z a-z 0-9 . _ / -`, unique per corporation.
    pub unit: String,
    /// When present, the snapshot's municipality.
    pub municipality: Option<String>,
    /// VERA `EENHEIDSOORT`: `WOO` (default), `BED`, `INT`, `MOG`, `PAR`, `REC`, `OVE`.
    pub unit_type: Option<String>,
    /// VERA `EENHEIDSTATUS`: `VEH`, `LEE`, `ONT`, `UIT` or `ADM`.
    pub status: String,
    /// VERA `MAATSCHAPPELIJKLABEL`: `DAE` or `NDA`.
    pub daeb: String,
    /// WWS points, 0–1000; required for a home in exploitatie (`VEH`, `LEE`).
    pub wws_points: Option<u16>,
    /// Streefhuur in EUR per month, 0 to below 10000, at most 2 decimals; required for a home
    /// in exploitatie.
    #[schema(value_type = Option<f64>)]
    pub target_rent: Option<Decimal>,
    /// VERA `ENERGIELABEL` (`AP4`…`G`) or the printed label (`A++++`…`G`).
    pub energy_label: Option<String>,
    /// VERA `ENERGIEPRESTATIESOORT`: `NTA`, `EI` or `VEL`.
    pub label_method: Option<String>,
    /// The label's registration date; required with a label (valid 10 years from it).
    #[schema(value_type = Option<String>, format = Date)]
    pub label_date: Option<String>,
    /// NEN 2767 conditiescore, 1–6.
    pub condition_score: Option<u8>,
    #[schema(value_type = Option<String>, format = Date)]
    pub in_service_date: Option<String>,
    /// VERA `INEXPLOITATIEREDEN`: `NIE`, `HER`, `AAN`, `VOV`, `UIT`, `TRA`, `SPL`, `REN`, `PLA`,
    /// `ADM`.
    pub in_service_reason: Option<String>,
    /// Required with status `UIT`.
    #[schema(value_type = Option<String>, format = Date)]
    pub out_of_service_date: Option<String>,
    /// VERA `UITEXPLOITATIEREDEN`, required with status `UIT`: `VAH`, `VAB`, `VAO`, `VOV`,
    /// `TER` (sales), `SLO`, `SAM`, `SPL`, `TRA`, `REN`, `VEN`, `PLA`, `UIT`, `ADM`.
    pub out_of_service_reason: Option<String>,
    /// Beoogde uit-exploitatiedatum: a sale, demolition or renovation is planned.
    #[schema(value_type = Option<String>, format = Date)]
    pub planned_exit_date: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct UnitBatch {
    pub units: Vec<UnitRecord>,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct SnapshotQuery {
    /// The reference date (peildatum) of the snapshot, `YYYY-MM-DD`; a year with national
    /// norms (for its huurgrens DAEB-toewijzing).
    pub date: NaiveDate,
    /// Check and count exactly as a real post, but store nothing.
    #[serde(default)]
    pub dry_run: bool,
}

/// Posts a corporation's snapshot of its units in the municipality on a reference date. All or
/// nothing: any invalid row makes the whole snapshot 422 with every problem listed, and nothing
/// is stored. A unit gets a new stored version only when a field changed; posting the same
/// snapshot again writes nothing (`"snapshot": "unchanged"`).
#[utoipa::path(
    tag = "stock",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "CBS municipality code, e.g. GM0629"), SnapshotQuery),
    request_body(
        description = "A JSON object `{\"units\": [...]}` or a bare array, or CSV with a header row of the field names or their Dutch (VERA) names (comma or semicolon separated, as for lettings).",
        content((UnitBatch = "application/json"), (String = "text/csv"))
    ),
    responses(
        (status = 200, description = "The snapshot was stored (with `dry_run=true`: would have been, and nothing was)", body = SnapshotBody),
        (status = 400, description = "The body cannot be read, or the date has no national norms", body = ErrorBody),
        (status = 401, description = "No or unknown token", body = ErrorBody),
        (status = 403, description = "Not a corporation registered for the municipality", body = ErrorBody),
        (status = 404, description = "Not a municipality code", body = ErrorBody),
        (status = 413, description = "Body above the size limit, or more records than the batch limit", body = ErrorBody),
        (status = 415, description = "Neither JSON nor CSV", body = ErrorBody),
        (status = 422, description = "Invalid rows; the first 1000 problems are listed, `problems_total` counts them all, and nothing is stored", body = ErrorBody),
        (status = 503, description = "At the limit of concurrent ingests (`busy`), or the database does not answer", body = ErrorBody),
    )
)]
#[post("/api/v1/municipalities/{code}/stock/snapshots")]
pub async fn post_stock_snapshot(
    caller: MunicipalityReader,
    req: HttpRequest,
    query: web::Query<SnapshotQuery>,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let corporation = caller.require_corporation()?.to_string();
    let municipality = caller.code().to_string();
    let reference_date = query.date;
    if state
        .reference
        .norms
        .applicable(reference_date.year())
        .is_none()
    {
        return Err(ApiError::bad_request(
            "invalid_date",
            format!(
                "no national norms apply to {}: the social stock needs the year's huurgrens DAEB-toewijzing",
                reference_date.year()
            ),
        ));
    }
    let commit = if query.dry_run {
        Commit::DryRun
    } else {
        Commit::Yes
    };
    let format = body_format(&req)?;
    check_declared_length(&req, state.max_body_bytes)?;
    let _ingest = state
        .ingest_permits
        .clone()
        .try_acquire_owned()
        .map_err(|_| ApiError::Busy {
            message: "the service is handling as many batches as it takes at once; post this snapshot again shortly".into(),
            retry_after_seconds: INGEST_RETRY_AFTER_SECONDS,
        })?;
    let max_records = state.max_batch_records;
    let posted_for = municipality.clone();
    let (sender, body) = body::channel();
    let parse = spawn_blocking_with_span(move || {
        let batch =
            ingest::read_records::<RawUnit>(body, format, max_records).map_err(body_error)?;
        let ctx = UnitContext {
            municipality: &posted_for,
            reference_date,
            decimal_comma: batch.decimal_comma,
        };
        check_snapshot(&batch.records, &ctx).map_err(|problems| ApiError::Validation {
            message: format!(
                "{} problem(s) in the snapshot of {} unit(s); nothing was stored",
                problems.total(),
                batch.records.len()
            ),
            problems,
        })
    });
    let units = body::parse_streamed(
        payload,
        sender,
        state.max_body_bytes,
        state.body_read_timeout,
        parse,
    )
    .await?;
    let now = Utc::now().naive_utc();
    let actor = caller.actor();
    let answer = caller
        .db(&state, move |conn| {
            post_snapshot(
                conn,
                &actor,
                &corporation,
                &municipality,
                reference_date,
                &units,
                now,
                commit,
            )
        })
        .await?;
    tracing::info!(
        corporation = %caller.org().id,
        municipality = %answer.municipality,
        received = answer.received,
        created = answer.created,
        updated = answer.updated,
        unchanged = answer.unchanged,
        snapshot = %answer.snapshot,
        dry_run = answer.dry_run,
        "stock snapshot posted"
    );
    Ok(HttpResponse::Ok().json(answer))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct StockQuery {
    /// `YYYY-MM-DD`: each corporation's latest snapshot at or before it. Default: today.
    pub date: Option<NaiveDate>,
}

/// The stock of a municipality on a date: per corporation (its latest snapshot at or before
/// the date) and in total, the social stock under the agreement's named definition,
/// middenhuur, the label distribution, E/F/G social homes against the path to none on the
/// deadline (planned exits apart), expired and expiring labels, homes in condition 5 or 6.
/// The municipality sees exact figures; a corporation its own exactly; everyone else through
/// the privacy rule (`"<5"`, `"x"`).
#[utoipa::path(
    tag = "stock",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "CBS municipality code, e.g. GM0629"), StockQuery),
    responses(
        (status = 200, description = "The stock figures", body = StockBody),
        (status = 400, description = "The date is not a date", body = ErrorBody),
        (status = 401, description = "No or unknown token", body = ErrorBody),
        (status = 403, description = "The token's organisation may not read this municipality", body = ErrorBody),
        (status = 404, description = "Not a municipality code", body = ErrorBody),
    )
)]
#[get("/api/v1/municipalities/{code}/stock")]
pub async fn get_stock(
    caller: MunicipalityReader,
    query: web::Query<StockQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let code = caller.code().to_string();
    let day = query.date.unwrap_or_else(|| Utc::now().date_naive());
    let viewer = Viewer::of(caller.org(), &code);
    let reference = state.reference.clone();
    let body = caller
        .db(&state, move |conn| {
            stock_at(conn, &reference, &code, day, &viewer)
        })
        .await?;
    Ok(HttpResponse::Ok().json(body))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ChangesQuery {
    /// `YYYY-MM-DD`: each corporation's latest snapshot at or before it is the beginning.
    pub from: NaiveDate,
    /// `YYYY-MM-DD`, after `from`: each corporation's latest snapshot at or before it is the end.
    pub to: NaiveDate,
}

/// The changes of the social stock between two dates: begin, additions and removals by cause
/// (new build, acquisition, sale, demolition, liberalisation, transformation, merge or split,
/// …), end, and the correction line for what the snapshots do not explain. The units that
/// changed are listed to their own corporation only.
#[utoipa::path(
    tag = "stock",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "CBS municipality code, e.g. GM0629"), ChangesQuery),
    responses(
        (status = 200, description = "The changes", body = ChangesBody),
        (status = 400, description = "A date is missing or not a date, or `to` is not after `from`", body = ErrorBody),
        (status = 401, description = "No or unknown token", body = ErrorBody),
        (status = 403, description = "The token's organisation may not read this municipality", body = ErrorBody),
        (status = 404, description = "Not a municipality code", body = ErrorBody),
    )
)]
#[get("/api/v1/municipalities/{code}/stock/changes")]
pub async fn get_stock_changes(
    caller: MunicipalityReader,
    query: web::Query<ChangesQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let code = caller.code().to_string();
    let (from, to) = (query.from, query.to);
    if to <= from {
        return Err(ApiError::bad_request(
            "invalid_period",
            format!("to ({to}) must be after from ({from})"),
        ));
    }
    let viewer = Viewer::of(caller.org(), &code);
    let reference = state.reference.clone();
    let body = caller
        .db(&state, move |conn| {
            changes_between(conn, &reference, &code, from, to, &viewer)
        })
        .await?;
    Ok(HttpResponse::Ok().json(body))
}

/// The caller's own units in its latest snapshot at or before the date: a corporation only,
/// and only ever its own.
#[utoipa::path(
    tag = "stock",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "CBS municipality code, e.g. GM0629"), StockQuery),
    responses(
        (status = 200, description = "The corporation's own units", body = OwnUnitsBody),
        (status = 401, description = "No or unknown token", body = ErrorBody),
        (status = 403, description = "Not a corporation registered for the municipality", body = ErrorBody),
        (status = 404, description = "Not a municipality code", body = ErrorBody),
    )
)]
#[get("/api/v1/municipalities/{code}/stock/units")]
pub async fn get_stock_units(
    caller: MunicipalityReader,
    query: web::Query<StockQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let corporation = caller.require_corporation()?.to_string();
    let code = caller.code().to_string();
    let day = query.date.unwrap_or_else(|| Utc::now().date_naive());
    let reference = state.reference.clone();
    let body = caller
        .db(&state, move |conn| {
            own_units(conn, &reference, &corporation, &code, day)
        })
        .await?;
    Ok(HttpResponse::Ok().json(body))
}

/// The routes of this module, for the router and the OpenAPI document alike.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(post_stock_snapshot)
        .service(get_stock)
        .service(get_stock_changes)
        .service(get_stock_units);
}
