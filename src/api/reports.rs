//! The half-year report in JSON, CSV, XLSX, HTML and PDF, and its publication.

use actix_web::http::header::{HeaderName, HeaderValue, CONTENT_DISPOSITION};
use actix_web::{get, post, web, HttpResponse};
use chrono::Utc;
use serde::Deserialize;
use utoipa::openapi::schema::{Object, ObjectBuilder, Type};
use utoipa::IntoParams;

use super::error::{ApiError, ErrorBody};
use super::guards::{MunicipalityItself, MunicipalityReader};
use super::AppState;
use crate::domain::period::Period;
use crate::domain::small_numbers::Viewer;
use crate::report::labels::Lang;
use crate::report::publication::{self, PublicationBody};
use crate::report::render::{render_reading, Format};
use crate::report::{parse_half, Report};
use utoipa_actix_web::service_config::ServiceConfig;

#[derive(Debug, Deserialize, IntoParams)]
pub struct ReportQuery {
    /// `json` (default), `csv`, `xlsx`, `html` or `pdf`.
    #[param(schema_with = format_schema)]
    pub format: Option<String>,
    /// `nl` (default) or `en`: the language of labels.
    pub lang: Option<String>,
    /// For a published report: show the live figures and what changed since publication.
    #[serde(default)]
    pub current: bool,
}

/// The formats as an enumeration in the OpenAPI document; the handler reads the text itself, so
/// an unknown one is answered `invalid_format` like every other bad parameter.
fn format_schema() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some("`json` (default), `csv`, `xlsx`, `html` or `pdf`."))
        .enum_values(Some(["json", "csv", "xlsx", "html", "pdf"]))
        .build()
}

fn format_of(text: Option<&str>) -> Result<Format, ApiError> {
    Format::parse(text).ok_or_else(|| {
        ApiError::bad_request(
            "invalid_format",
            format!(
                "format {:?} is not one of json, csv, xlsx, html, pdf",
                text.unwrap_or_default()
            ),
        )
    })
}

fn check_half(half: &str) -> Result<Period, ApiError> {
    parse_half(half).ok_or_else(|| {
        ApiError::bad_request(
            "invalid_half_year",
            format!("{half:?} is not a half year; use 2026-H1 or 2026-H2"),
        )
    })
}

/// The half-year report: quotas for the half year and the year to date, the monthly trend,
/// lettings by rent class, route, urgency and household size, the status-holder task, the
/// allocation plan, the alerts of the half year, completeness, and the norms used. Once
/// published, the frozen version is served; `current=true` shows the live figures with what
/// changed.
///
/// For every reader but the municipality itself, counts of 1 to 4 households are `<5`, counts
/// that would give one away `x`, and shares and other figures derived from them are withheld;
/// the quota figures are shown as the quota answers of the year show them.
#[utoipa::path(
    tag = "reports",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "CBS municipality code"), ("half" = String, Path, description = "2026-H1 or 2026-H2"), ReportQuery),
    responses(
        (status = 200, description = "The report in the asked format", body = Report),
        (status = 400, description = "Bad half year, format or language", body = ErrorBody),
        (status = 403, description = "Not a reader of this municipality", body = ErrorBody),
    )
)]
#[get("/api/v1/municipalities/{code}/reports/{half}")]
pub async fn get_report(
    caller: MunicipalityReader,
    path: web::Path<(String, String)>,
    query: web::Query<ReportQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let (code, half_text) = path.into_inner();
    let half = check_half(&half_text)?;
    let format = format_of(query.format.as_deref())?;
    let lang = Lang::parse(query.lang.as_deref())
        .ok_or_else(|| ApiError::bad_request("invalid_lang", "lang must be nl or en"))?;
    let viewer = Viewer::of(caller.org(), &code);
    let current = query.current;
    let reference = state.reference.clone();
    let now = Utc::now().naive_utc();
    let (reading, protection) = caller
        .db(&state, move |conn| {
            publication::read_for(conn, &reference, &code, half, now, current, &viewer)
        })
        .await?;
    let rendered = render_reading(&reading, format, lang, &protection)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let mut response = HttpResponse::Ok();
    response.content_type(rendered.content_type);
    if rendered.content_type.starts_with("text/html") {
        // The report is one self-contained page: inline styles and SVG, no script, nothing
        // loaded from elsewhere, never framed.
        response.insert_header((
            HeaderName::from_static("content-security-policy"),
            HeaderValue::from_static(REPORT_CSP),
        ));
    }
    if let Some(name) = &rendered.file_name {
        let value = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
            .unwrap_or(HeaderValue::from_static("attachment"));
        response.insert_header((CONTENT_DISPOSITION, value));
    }
    if let Some(v) = rendered
        .sha256
        .as_deref()
        .and_then(|sha| HeaderValue::from_str(sha).ok())
    {
        response.insert_header((HeaderName::from_static("x-report-sha256"), v));
    }
    Ok(response.body(rendered.body))
}

/// Publishes (freezes) the half-year report as it is now: later requests get this version,
/// byte for byte, with its SHA-256. Only the municipality itself; once per half year.
#[utoipa::path(
    tag = "reports",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "CBS municipality code"), ("half" = String, Path, description = "2026-H1 or 2026-H2")),
    responses(
        (status = 201, description = "Published", body = PublicationBody),
        (status = 403, description = "Not the municipality itself", body = ErrorBody),
        (status = 409, description = "Already published", body = ErrorBody),
    )
)]
#[post("/api/v1/municipalities/{code}/reports/{half}/publish")]
pub async fn publish_report(
    caller: MunicipalityItself,
    path: web::Path<(String, String)>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let (code, half_text) = path.into_inner();
    let half = check_half(&half_text)?;
    let reference = state.reference.clone();
    let actor = caller.actor();
    let now = Utc::now().naive_utc();
    let publication = caller
        .db(&state, move |conn| {
            publication::publish(conn, &reference, &code, half, &actor, now)
        })
        .await?
        .ok_or_else(|| ApiError::Conflict(format!("the report for {half_text} is already published; use ?current=true to see what changed since")))?;
    Ok(HttpResponse::Created().json(publication))
}

/// The Content-Security-Policy of the HTML report.
pub const REPORT_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; \
                          frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// The routes of this module, for the router and the OpenAPI document alike.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(get_report).service(publish_report);
}
