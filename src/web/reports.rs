//! Reports: the half-year reports of a municipality, each format to download, read through the
//! same service as the API's report (the small-numbers rule applied for this reader).

use actix_web::http::header::{HeaderValue, CONTENT_DISPOSITION};
use actix_web::http::StatusCode;
use actix_web::{get, web, HttpResponse};
use chrono::{Datelike, Utc};
use maud::html;
use serde::Deserialize;

use super::error::WebError;
use super::layout;
use super::session::Signed;
use super::share;
use super::text::Lang;
use crate::api::error::ApiError;
use crate::api::guards::{municipality_code, Access, Readers};
use crate::api::AppState;
use crate::domain::small_numbers::Viewer;
use crate::report::labels;
use crate::report::parse_half;
use crate::report::publication;
use crate::report::render::{render_reading, Format};

const FORMATS: [(&str, &str, &str); 4] = [
    ("html", "webpagina (om te printen)", "web page (to print)"),
    ("xlsx", "Excel", "Excel"),
    ("csv", "CSV", "CSV"),
    ("json", "JSON", "JSON"),
];

#[derive(Debug, Deserialize)]
pub struct ReportsQuery {
    year: Option<i32>,
}

#[get("/municipalities/{code}/reports")]
pub async fn reports(
    signed: Signed,
    path: web::Path<String>,
    query: web::Query<ReportsQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, WebError> {
    let lang = signed.lang;
    let code = municipality_code(&path.into_inner()).map_err(|e| signed.error(e))?;
    Readers::check(&signed.caller, &code).map_err(|e| signed.error(e))?;
    let today = Utc::now().date_naive();
    // The half years of the year asked for (this year unless `?year=`) and the one before,
    // newest first; none that has not begun.
    let shown = query.year.unwrap_or(today.year()).clamp(2000, today.year());
    let mut halves = Vec::new();
    for year in [shown, shown - 1] {
        for half in [2, 1] {
            if year < today.year() || half == 1 || today.month() > 6 {
                halves.push(format!("{year}-H{half}"));
            }
        }
    }
    // Publication, and the municipality's share links: see `share`.
    let publications = share::publications(&signed, &state, &code, &halves).await?;
    let now = Utc::now().naive_utc();
    let csrf = signed.person.csrf_token.clone();
    let body = html! {
        h1 { (lang.t("Halfjaarrapportages", "Half-year reports")) " " (code) }
        @for half in &halves {
            section aria-labelledby=(format!("h-{half}")) {
                h2 id=(format!("h-{half}")) { (half) }
                ul {
                    @for (format, nl, en) in FORMATS {
                        li { a href=(format!("/municipalities/{code}/reports/{half}/download?format={format}&lang={}", lang.code())) {
                            (half) " · " (lang.t(nl, en))
                        } }
                    }
                }
                (share::half_part(&publications, &code, half, &csrf, lang, now))
            }
        }
    };
    Ok(layout::page(
        StatusCode::OK,
        lang,
        lang.t("Rapportages", "Reports"),
        Some(&signed.nav(Some(&code))),
        body,
    ))
}

#[derive(Debug, Deserialize)]
pub struct DownloadQuery {
    format: Option<String>,
}

/// One report in one format, as the API's report endpoint gives it to this reader.
#[get("/municipalities/{code}/reports/{half}/download")]
pub async fn download(
    signed: Signed,
    path: web::Path<(String, String)>,
    query: web::Query<DownloadQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, WebError> {
    let lang = signed.lang;
    let (code, half_text) = path.into_inner();
    let code = municipality_code(&code).map_err(|e| signed.error(e))?;
    Readers::check(&signed.caller, &code).map_err(|e| signed.error(e))?;
    let half = parse_half(&half_text).ok_or_else(|| {
        signed.error(ApiError::bad_request(
            "invalid_half_year",
            format!("{half_text:?} is not a half year; use 2026-H1 or 2026-H2"),
        ))
    })?;
    let format = Format::parse(query.format.as_deref()).ok_or_else(|| {
        signed.error(ApiError::bad_request(
            "invalid_format",
            "format is one of json, csv, xlsx, html",
        ))
    })?;
    let viewer = Viewer::of(signed.caller.org(), &code);
    let reference = state.reference.clone();
    let now = Utc::now().naive_utc();
    let (reading, protection) = signed
        .caller
        .db(&state, move |conn| {
            publication::read_for(conn, &reference, &code, half, now, false, &viewer)
        })
        .await
        .map_err(|e| signed.error(e))?;
    let report_lang = match lang {
        Lang::Nl => labels::Lang::Nl,
        Lang::En => labels::Lang::En,
    };
    let rendered = render_reading(&reading, format, report_lang, &protection)
        .map_err(|e| signed.error(ApiError::Internal(e.to_string())))?;
    let mut response = HttpResponse::Ok();
    response.content_type(rendered.content_type);
    response.insert_header(("Content-Security-Policy", crate::api::reports::REPORT_CSP));
    response.insert_header(("Cache-Control", "no-store"));
    if let Some(name) = &rendered.file_name {
        let value = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
            .unwrap_or(HeaderValue::from_static("attachment"));
        response.insert_header((CONTENT_DISPOSITION, value));
    }
    Ok(response.body(rendered.body))
}
