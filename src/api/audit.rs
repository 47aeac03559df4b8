//! The audit trail of a municipality, for the municipality itself.

use actix_web::{get, web, HttpResponse};
use chrono::{DateTime, NaiveDate, NaiveDateTime};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use super::error::{ApiError, ErrorBody};
use super::guards::MunicipalityItself;
use super::AppState;
use crate::service::audit::{self, AuditPage};

/// Events per page when `limit` is not given, and the most a page holds.
const DEFAULT_LIMIT: usize = 100;
const MAX_LIMIT: usize = 1000;

#[derive(Debug, Deserialize, IntoParams)]
pub struct AuditQuery {
    /// Only events at or after this moment: `YYYY-MM-DD` (from midnight UTC) or an RFC 3339
    /// time such as `2026-11-29T08:00:00Z`.
    pub since: Option<String>,
    /// Events per page, 1 to 1000 (default 100).
    pub limit: Option<usize>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

fn parse_since(text: &str) -> Result<NaiveDateTime, ApiError> {
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(date.and_time(chrono::NaiveTime::MIN));
    }
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.naive_utc())
        .map_err(|_| {
            ApiError::bad_request(
                "invalid_since",
                "since must be a date (YYYY-MM-DD) or an RFC 3339 time (2026-11-29T08:00:00Z)",
            )
        })
}

/// The audit trail of the municipality: every change to its figures and settings (letting
/// batches with their counts, withdrawals, status-holder task and placements, allocation
/// plans, report publications, alert notes, webhooks), oldest first, with the organisation and
/// the token that made it. Counts and ids only, never a submitted value. Only the municipality
/// itself reads it.
#[utoipa::path(
    tag = "audit",
    params(("code" = String, Path, description = "CBS municipality code"), AuditQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of events, oldest first", body = AuditPage),
        (status = 400, description = "Bad since, limit or cursor", body = ErrorBody),
        (status = 401, description = "No or unknown token", body = ErrorBody),
        (status = 403, description = "Not the municipality itself", body = ErrorBody),
        (status = 404, description = "Not a municipality code", body = ErrorBody),
    )
)]
#[get("/api/v1/municipalities/{code}/audit")]
pub async fn get_audit(
    caller: MunicipalityItself,
    query: web::Query<AuditQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let code = caller.code().to_string();
    let query = query.into_inner();
    let since = query.since.as_deref().map(parse_since).transpose()?;
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::bad_request(
            "invalid_limit",
            format!("limit must be 1 to {MAX_LIMIT}"),
        ));
    }
    let after_id = match query.cursor.as_deref() {
        None => None,
        Some(text) => Some(text.parse::<i64>().map_err(|_| {
            ApiError::bad_request(
                "invalid_cursor",
                "cursor must be the next_cursor of a previous page",
            )
        })?),
    };
    let page = caller
        .db(&state, move |conn| {
            audit::page(conn, &code, since, after_id, limit)
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// The routes of this module, for the router and the OpenAPI document alike.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(get_audit);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_is_a_date_or_a_time() {
        assert_eq!(
            parse_since("2026-11-29").unwrap().to_string(),
            "2026-11-29 00:00:00"
        );
        assert_eq!(
            parse_since("2026-11-29T08:30:00+01:00")
                .unwrap()
                .to_string(),
            "2026-11-29 07:30:00"
        );
        assert!(parse_since("29-11-2026").is_err());
        assert!(parse_since("yesterday").is_err());
    }
}
