//! Opening a share link, without logging in: `/share/{token}` shows the published report as
//! its HTML page with links to the other formats through the same token; a revoked or expired
//! link answers `410`, an unknown one `404`, with a page in Dutch (`?lang=en`: English).

use actix_web::http::header::{HeaderValue, CACHE_CONTROL, CONTENT_DISPOSITION};
use actix_web::http::StatusCode;
use actix_web::{get, web, HttpRequest, HttpResponse};
use chrono::Utc;
use maud::html;
use serde::Deserialize;

use crate::api::error::ApiError;
use crate::api::AppState;
use crate::domain::share_link::LinkState;
use crate::domain::small_numbers::Viewer;
use crate::report::labels;
use crate::report::publication::{self, Reading};
use crate::report::render::{render_reading, Format};
use crate::report::share_links::{self, Opened};
use crate::web::error::WebError;
use crate::web::layout;
use crate::web::text::Lang;

/// The formats a share link offers besides the page itself.
const DOWNLOADS: [(&str, &str, &str); 4] = [
    ("pdf", "PDF", "PDF"),
    ("xlsx", "Excel", "Excel"),
    ("csv", "CSV", "CSV"),
    ("json", "JSON", "JSON"),
];

/// A page for a link that does not open: 404 unknown, 410 revoked or expired.
fn closed(opened: &Opened, lang: Lang) -> HttpResponse {
    let (status, code, message) = match opened {
        Opened::Gone(LinkState::Revoked) => (
            StatusCode::GONE,
            "share_link_revoked",
            lang.t(
                "Deze link is ingetrokken door de gemeente. Vraag de gemeente om een nieuwe.",
                "This link was revoked by the municipality. Ask the municipality for a new one.",
            ),
        ),
        Opened::Gone(_) => (
            StatusCode::GONE,
            "share_link_expired",
            lang.t(
                "Deze link is verlopen. Vraag de gemeente om een nieuwe.",
                "This link has expired. Ask the municipality for a new one.",
            ),
        ),
        _ => (
            StatusCode::NOT_FOUND,
            "share_link_not_found",
            lang.t(
                "Deze link bestaat niet. Controleer of u hem helemaal hebt overgenomen.",
                "This link does not exist. Check that you copied all of it.",
            ),
        ),
    };
    let mut response = layout::page(
        status,
        lang,
        lang.t("Deellink", "Share link"),
        None,
        html! {
            h1 { (lang.t("Deze rapportage is niet (meer) te openen", "This report cannot be opened")) }
            p.error data-error=(code) { (message) }
        },
    );
    no_index(&mut response);
    response
}

/// A share link's answers stay out of search engines and caches.
fn no_index(response: &mut HttpResponse) {
    response.headers_mut().insert(
        actix_web::http::header::HeaderName::from_static("x-robots-tag"),
        HeaderValue::from_static("noindex, nofollow"),
    );
}

#[derive(Debug, Deserialize)]
pub struct ShareQuery {
    format: Option<String>,
}

/// The report in one format, read as the public reads it.
async fn shared(
    req: &HttpRequest,
    token: String,
    format: Format,
    state: &AppState,
) -> Result<HttpResponse, WebError> {
    let lang = Lang::of(req);
    let reference = state.reference.clone();
    let now = Utc::now().naive_utc();
    let link_token = token.clone();
    let read = state
        .db(move |conn| {
            let opened = share_links::open(conn, &token, now)?;
            let Opened::Open(link, half) = &opened else {
                return Ok::<_, diesel::result::Error>(Err(opened));
            };
            let read = publication::read_for(
                conn,
                &reference,
                &link.municipality,
                *half,
                now,
                false,
                &Viewer::Protected,
            )?;
            Ok(Ok(read))
        })
        .await
        .map_err(|e| WebError::api(e, lang))?;
    let (reading, protection) = match read {
        Ok(read) => read,
        Err(closed_link) => return Ok(closed(&closed_link, lang)),
    };
    // Only a publication is shared; the live figures never are.
    if !matches!(reading, Reading::Frozen(_)) {
        return Ok(closed(&Opened::Unknown, lang));
    }
    let report_lang = match lang {
        Lang::Nl => labels::Lang::Nl,
        Lang::En => labels::Lang::En,
    };
    let rendered = render_reading(&reading, format, report_lang, &protection)
        .map_err(|e| WebError::api(ApiError::Internal(e.to_string()), lang))?;
    let mut body = rendered.body;
    if format == Format::Html {
        body = with_downloads(body, &link_token, lang);
    }
    let mut response = HttpResponse::Ok();
    response.content_type(rendered.content_type);
    response.insert_header(("Content-Security-Policy", crate::api::reports::REPORT_CSP));
    response.insert_header(("X-Frame-Options", "DENY"));
    // The address carries the token: never pass it on.
    response.insert_header(("Referrer-Policy", "no-referrer"));
    response.insert_header((CACHE_CONTROL, "no-store"));
    if let Some(name) = &rendered.file_name {
        let value = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
            .unwrap_or(HeaderValue::from_static("attachment"));
        response.insert_header((CONTENT_DISPOSITION, value));
    }
    let mut response = response.body(body);
    no_index(&mut response);
    Ok(response)
}

/// The report's page with links to its other formats, through the same token, at the top.
fn with_downloads(html: Vec<u8>, token: &str, lang: Lang) -> Vec<u8> {
    let Ok(page) = String::from_utf8(html.clone()) else {
        return html;
    };
    let Some(at) = page.find("<body>").map(|i| i + "<body>".len()) else {
        return html;
    };
    let token: String = token.chars().filter(char::is_ascii_hexdigit).collect();
    let nav = html! {
        nav aria-label=(lang.t("Downloads", "Downloads")) {
            p {
                (lang.t("Deze rapportage downloaden als: ", "Download this report as: "))
                @for (i, (format, nl, en)) in DOWNLOADS.iter().enumerate() {
                    @if i > 0 { " · " }
                    a href=(lang.link(&format!("/share/{token}/download?format={format}"))) { (lang.t(nl, en)) }
                }
            }
        }
    };
    let mut out = String::with_capacity(page.len() + 512);
    out.push_str(&page[..at]);
    out.push_str(&nav.into_string());
    out.push_str(&page[at..]);
    out.into_bytes()
}

/// A shared report, as a web page with its downloads.
#[get("/share/{token}")]
pub async fn open(
    req: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, WebError> {
    shared(&req, path.into_inner(), Format::Html, &state).await
}

/// A shared report in one format (`pdf`, `xlsx`, `csv`, `json` or `html`).
#[get("/share/{token}/download")]
pub async fn download(
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<ShareQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, WebError> {
    let lang = Lang::of(&req);
    let format =
        Format::parse(Some(query.format.as_deref().unwrap_or("html"))).ok_or_else(|| {
            WebError::api(
                ApiError::bad_request(
                    "invalid_format",
                    "format is one of pdf, xlsx, csv, json, html",
                ),
                lang,
            )
        })?;
    shared(&req, path.into_inner(), format, &state).await
}
