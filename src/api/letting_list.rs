//! `GET /api/v1/lettings` (the caller's own lettings, as JSON or as a CSV in the upload
//! format) and `GET /api/v1/lettings/template.csv`. Registered before `lettings`, whose
//! `/api/v1/lettings/{reference}` would otherwise take the template's path.

use actix_web::http::header::{ACCEPT, CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::{get, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use super::auth::Caller;
use super::error::{ApiError, ErrorBody};
use super::AppState;

use crate::domain::letting::is_municipality_code;
use crate::domain::period::Period;
use crate::service::letting_export::{self, LettingListBody, ListFilter, DEFAULT_PAGE, MAX_PAGE};

const CSV_TYPE: &str = "text/csv; charset=utf-8";

#[derive(Debug, Deserialize, IntoParams)]
pub struct ListQuery {
    /// Only lettings in this municipality (CBS code, e.g. `GM0629`).
    pub municipality: Option<String>,
    /// Only lettings whose contract starts in this month (`2026-03`).
    pub month: Option<String>,
    /// Lettings per page: 1 to 10000, default 1000.
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Include withdrawn lettings.
    #[serde(default)]
    pub withdrawn: bool,
}

impl ListQuery {
    fn filter(&self) -> Result<ListFilter, ApiError> {
        let limit = self.limit.unwrap_or(DEFAULT_PAGE);
        if !(1..=MAX_PAGE).contains(&limit) {
            return Err(ApiError::bad_request(
                "invalid_query",
                format!("limit must be from 1 to {MAX_PAGE}; got {limit}"),
            ));
        }
        let contract_month = match &self.month {
            None => None,
            Some(text) => match text.parse::<Period>() {
                Ok(Period::Month(year, month)) => Some(year * 100 + i32::from(month)),
                _ => {
                    return Err(ApiError::bad_request(
                        "invalid_query",
                        "month must be a month as YYYY-MM, e.g. 2026-03",
                    ))
                }
            },
        };
        if let Some(m) = &self.municipality {
            if !is_municipality_code(m) {
                return Err(ApiError::bad_request(
                    "invalid_query",
                    "municipality must be a CBS code: GM followed by 4 digits, e.g. GM0629",
                ));
            }
        }
        Ok(ListFilter {
            municipality: self.municipality.clone(),
            contract_month,
            withdrawn: self.withdrawn,
            after: self.cursor.clone(),
            limit,
        })
    }
}

fn wants_csv(req: &HttpRequest) -> bool {
    req.headers()
        .get(ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| {
            accept
                .split(',')
                .any(|t| t.split(';').next().unwrap_or("").trim() == "text/csv")
        })
}

/// The caller's own lettings, ordered by reference, a page at a time. With `Accept: text/csv`
/// the same page as a CSV in the upload format (semicolons, BOM, Dutch column names), which
/// posts back as `unchanged`; its next cursor is then in the `X-Next-Cursor` header.
#[utoipa::path(
    tag = "lettings",
    security(("bearer" = [])),
    params(ListQuery),
    responses(
        (status = 200, description = "A page of the caller's lettings", content(
            (LettingListBody = "application/json"),
            (String = "text/csv"),
        ), headers(("X-Next-Cursor" = String, description = "CSV only: the cursor of the next page, absent on the last"))),
        (status = 400, description = "A query value is not valid", body = ErrorBody),
        (status = 401, description = "No or unknown token", body = ErrorBody),
        (status = 403, description = "Not a corporation", body = ErrorBody),
    )
)]
#[get("/api/v1/lettings")]
pub async fn list_lettings(
    caller: Caller,
    req: HttpRequest,
    query: web::Query<ListQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let corporation = caller.require_corporation()?.to_string();
    let filter = query.filter()?;
    let csv = wants_csv(&req);
    let (page, bytes) = caller
        .db(&state, move |conn| -> Result<_, ApiError> {
            let page = letting_export::page(conn, &corporation, &filter)?;
            let bytes = if csv {
                Some(letting_export::lettings_csv(&page.lettings).map_err(csv_failed)?)
            } else {
                None
            };
            Ok((page, bytes))
        })
        .await?;
    let Some(bytes) = bytes else {
        return Ok(HttpResponse::Ok().json(page));
    };
    let mut response = HttpResponse::Ok();
    response
        .insert_header((CONTENT_TYPE, CSV_TYPE))
        .insert_header((
            CONTENT_DISPOSITION,
            "attachment; filename=\"verhuringen.csv\"",
        ));
    if let Some(cursor) = &page.next_cursor {
        response.insert_header(("X-Next-Cursor", cursor.as_str()));
    }
    Ok(response.body(bytes))
}

fn csv_failed(e: csv::Error) -> ApiError {
    ApiError::Internal(format!("writing the CSV failed: {e}"))
}

/// An upload template for Excel: semicolons, a BOM, the Dutch column names and one example
/// row (in the caller's first municipality) that posts back as it is.
#[utoipa::path(
    tag = "lettings",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The template", content_type = "text/csv", body = String),
        (status = 401, description = "No or unknown token", body = ErrorBody),
        (status = 403, description = "Not a corporation", body = ErrorBody),
    )
)]
#[get("/api/v1/lettings/template.csv")]
pub async fn template(caller: Caller) -> Result<HttpResponse, ApiError> {
    caller.require_corporation()?;
    let municipality = caller
        .org()
        .municipalities
        .iter()
        .next()
        .map_or("GM0629", String::as_str);
    let bytes = letting_export::template(municipality).map_err(csv_failed)?;
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, CSV_TYPE))
        .insert_header((
            CONTENT_DISPOSITION,
            "attachment; filename=\"verhuringen-sjabloon.csv\"",
        ))
        .body(bytes))
}

/// The routes of this module, for the router and the OpenAPI document alike.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(template).service(list_lettings);
}
