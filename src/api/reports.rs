//! The half-year report in JSON, CSV, XLSX and HTML, and its publication.

use actix_web::http::header::{HeaderValue, CONTENT_DISPOSITION};
use actix_web::{get, post, web, HttpResponse};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use utoipa::{IntoParams, ToSchema};

use super::error::{ApiError, ErrorBody};
use super::guards::{MunicipalityItself, MunicipalityReader};
use super::AppState;
use crate::db::report::{self as store, PublishedReport};
use crate::domain::organisation::OrgKind;
use crate::report::labels::{label, Lang};
use crate::report::tables::{tables, Cell, Table};
use crate::report::{self, parse_half, restatements, suppress_small_cells, Report, Restatement};
use utoipa_actix_web::service_config::ServiceConfig;

#[derive(Debug, Deserialize, IntoParams)]
pub struct ReportQuery {
    /// `json` (default), `csv`, `xlsx` or `html`.
    pub format: Option<String>,
    /// `nl` (default) or `en`: the language of labels.
    pub lang: Option<String>,
    /// For a published report: show the live figures and what changed since publication.
    #[serde(default)]
    pub current: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Csv,
    Xlsx,
    Html,
}

fn format_of(text: Option<&str>) -> Result<Format, ApiError> {
    match text {
        None | Some("json") => Ok(Format::Json),
        Some("csv") => Ok(Format::Csv),
        Some("xlsx") => Ok(Format::Xlsx),
        Some("html") => Ok(Format::Html),
        Some(other) => Err(ApiError::bad_request(
            "invalid_format",
            format!("format {other:?} is not one of json, csv, xlsx, html"),
        )),
    }
}

fn check_half(half: &str) -> Result<crate::domain::period::Period, ApiError> {
    parse_half(half).ok_or_else(|| {
        ApiError::bad_request(
            "invalid_half_year",
            format!("{half:?} is not a half year; use 2026-H1 or 2026-H2"),
        )
    })
}

/// Publication details, for the JSON of a live view and the publish answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicationBody {
    pub municipality: String,
    pub half_year: String,
    pub published_at: chrono::DateTime<Utc>,
    pub published_by: String,
    /// SHA-256 (hex) of the frozen JSON.
    pub sha256: String,
    pub norms_years: Vec<i32>,
    pub agreement_id: String,
    pub agreement_version: i32,
}

impl From<&PublishedReport> for PublicationBody {
    fn from(p: &PublishedReport) -> Self {
        Self {
            municipality: p.municipality.clone(),
            half_year: p.half_year.clone(),
            published_at: p.published_at.and_utc(),
            published_by: p.published_by.clone(),
            sha256: p.sha256.clone(),
            norms_years: p
                .norms_years
                .split(',')
                .filter_map(|y| y.parse().ok())
                .collect(),
            agreement_id: p.agreement_id.clone(),
            agreement_version: p.agreement_version,
        }
    }
}

fn restatement_table(list: &[Restatement], lang: Lang) -> Table {
    let l = |k| label(k, lang).to_string();
    let text = |v: &Value| match v {
        Value::String(s) => label(s, lang).to_string(),
        Value::Null => "–".into(),
        other => other.to_string(),
    };
    Table {
        name: "Herzieningen".into(),
        title: if lang == Lang::Nl {
            "Herzieningen sinds vaststelling".into()
        } else {
            "Restatements since publication".into()
        },
        headers: vec![
            "".into(),
            l("scope"),
            l("metric"),
            "".into(),
            if lang == Lang::Nl {
                "Oud".into()
            } else {
                "Old".into()
            },
            if lang == Lang::Nl {
                "Nieuw".into()
            } else {
                "New".into()
            },
        ],
        rows: list
            .iter()
            .map(|r| {
                vec![
                    Cell::Text(r.section.clone()),
                    Cell::Text(r.corporation.clone().unwrap_or_else(|| l("total"))),
                    Cell::Text(
                        r.metric
                            .as_deref()
                            .map(|m| label(m, lang).to_string())
                            .unwrap_or_default(),
                    ),
                    Cell::Text(l(&r.field)),
                    Cell::Text(text(&r.old)),
                    Cell::Text(text(&r.new)),
                ]
            })
            .collect(),
        empty_note: None,
    }
}

fn render(
    report: &Report,
    format: Format,
    lang: Lang,
    suppress: bool,
    frozen_json: Option<&str>,
    extra: Option<(&PublishedReport, &[Restatement])>,
) -> Result<HttpResponse, ApiError> {
    let file = format!("rapportage-{}-{}", report.municipality, report.half_year);
    let attach = |name: String| {
        HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
            .unwrap_or(HeaderValue::from_static("attachment"))
    };
    match format {
        Format::Json => {
            let body = match (frozen_json, suppress, extra) {
                (Some(frozen), false, None) => frozen.to_string(),
                _ => {
                    let mut value = serde_json::to_value(report)
                        .map_err(|e| ApiError::internal("serialising the report", e))?;
                    if suppress {
                        suppress_small_cells(&mut value);
                    }
                    if let (Some((publication, list)), Value::Object(map)) = (extra, &mut value) {
                        map.insert(
                            "publication".into(),
                            serde_json::to_value(PublicationBody::from(publication))
                                .unwrap_or(Value::Null),
                        );
                        map.insert(
                            "restatements".into(),
                            serde_json::to_value(list).unwrap_or(Value::Null),
                        );
                    }
                    serde_json::to_string(&value)
                        .map_err(|e| ApiError::internal("serialising the report", e))?
                }
            };
            Ok(HttpResponse::Ok()
                .content_type("application/json")
                .body(body))
        }
        Format::Csv | Format::Xlsx | Format::Html => {
            let mut list = tables(report, suppress, lang);
            if let Some((_, restated)) = extra {
                list.push(restatement_table(restated, lang));
            }
            match format {
                Format::Csv => {
                    let bytes = report::csv::render(&list, lang)
                        .map_err(|e| ApiError::internal("writing the CSV report", e))?;
                    Ok(HttpResponse::Ok()
                        .content_type("text/csv; charset=utf-8")
                        .insert_header((CONTENT_DISPOSITION, attach(format!("{file}.csv"))))
                        .body(bytes))
                }
                Format::Xlsx => {
                    let bytes = report::xlsx::render(report, &list)
                        .map_err(|e| ApiError::internal("writing the XLSX report", e))?;
                    Ok(HttpResponse::Ok()
                        .content_type(
                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        )
                        .insert_header((CONTENT_DISPOSITION, attach(format!("{file}.xlsx"))))
                        .body(bytes))
                }
                _ => {
                    let published =
                        extra.map(|(p, _)| p.published_at.format("%Y-%m-%d").to_string());
                    let html =
                        report::html::render(report, &list, suppress, lang, published.as_deref());
                    Ok(HttpResponse::Ok()
                        .content_type("text/html; charset=utf-8")
                        .body(html))
                }
            }
        }
    }
}

/// The half-year report: quotas for the half year and the year to date, the monthly trend,
/// lettings by rent class, route, urgency and household size, the status-holder task, the
/// allocation plan, the alerts of the half year, completeness, and the norms used. Once
/// published, the frozen version is served; `current=true` shows the live figures with what
/// changed. Counts of fewer than 5 households are shown as `<5` for every reader but the
/// municipality itself.
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
    let suppress = !(caller.org().kind == OrgKind::Municipality && caller.org().id == code);
    let current = query.current;
    let reference = state.reference.clone();
    let now = Utc::now().naive_utc();
    let (published, live) = caller
        .db(&state, move |conn| {
            let published = store::published(conn, &code, &half.to_string())?;
            let live = if published.is_none() || current {
                Some(report::build(conn, &reference, &code, half, now)?)
            } else {
                None
            };
            Ok::<_, ApiError>((published, live))
        })
        .await?;
    match (published, live) {
        (Some(publication), None) => {
            let frozen: Report = serde_json::from_str(&publication.body)
                .map_err(|e| ApiError::internal("reading a published report", e))?;
            let mut response = render(
                &frozen,
                format,
                lang,
                suppress,
                Some(&publication.body),
                None,
            )?;
            if let Ok(v) = HeaderValue::from_str(&publication.sha256) {
                response.headers_mut().insert(
                    actix_web::http::header::HeaderName::from_static("x-report-sha256"),
                    v,
                );
            }
            Ok(response)
        }
        (Some(publication), Some(live)) => {
            let frozen: Report = serde_json::from_str(&publication.body)
                .map_err(|e| ApiError::internal("reading a published report", e))?;
            let list = restatements(&frozen, &live, suppress);
            render(
                &live,
                format,
                lang,
                suppress,
                None,
                Some((&publication, &list)),
            )
        }
        (None, Some(live)) => render(&live, format, lang, suppress, None, None),
        (None, None) => Err(ApiError::Internal("no report was built".into())),
    }
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
    let by = caller.org().id.clone();
    let now = Utc::now().naive_utc();
    let publication = caller
        .db(&state, move |conn| {
            use diesel::Connection;
            conn.transaction(|conn| {
                let report = report::build(conn, &reference, &code, half, now)?;
                let body = serde_json::to_string(&report).map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
                let publication = PublishedReport {
                    municipality: code.clone(),
                    half_year: half.to_string(),
                    sha256: hex::encode(Sha256::digest(body.as_bytes())),
                    body,
                    norms_years: report.footer.norms.iter().map(|n| n.year.to_string()).collect::<Vec<_>>().join(","),
                    agreement_id: report.agreement.id.clone(),
                    agreement_version: i32::try_from(report.agreement.version).unwrap_or(i32::MAX),
                    published_by: by.clone(),
                    published_at: now,
                };
                Ok::<_, diesel::result::Error>(store::publish(conn, &publication)?.then_some(publication))
            })
            .map_err(ApiError::from)
        })
        .await?
        .ok_or_else(|| ApiError::Conflict(format!("the report for {half_text} is already published; use ?current=true to see what changed since")))?;
    Ok(HttpResponse::Created().json(PublicationBody::from(&publication)))
}

/// The routes of this module, for the router and the OpenAPI document alike.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(get_report).service(publish_report);
}
