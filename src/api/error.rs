//! The one error type of the HTTP API. Every error is JSON
//! `{"error": "<code>", "message": "<for a person>", ...}`.
//!
//! Which variant to use: a request that cannot be read is `BadRequest` (400); a readable request
//! with invalid content is `Validation` or `Unprocessable` (422); a missing or unknown token is
//! `Unauthorized` (401); a valid token asking for what it may not is `Forbidden` (403). Anything
//! that is the service's own fault is `Internal` (500) or `DatabaseUnavailable` (503): their
//! detail goes to the log, never to the client. A request the service has no room for now is
//! `Busy` (503 with `Retry-After`); a body that does not arrive in time is `RequestTimeout`
//! (408).

use actix_web::http::header::RETRY_AFTER;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

pub use crate::domain::problem::{Problem, ProblemList};

/// What every handler returns.
pub type ApiResult<T> = Result<T, ApiError>;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{message}")]
    NotFound { code: &'static str, message: String },
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// The body did not arrive within the read time-out.
    #[error("{0}")]
    RequestTimeout(String),
    /// The service is at its limit for this kind of request; try again after the given seconds.
    #[error("{message}")]
    Busy {
        message: String,
        retry_after_seconds: u64,
    },
    /// Rendered with the problems listed (at most 1000) and `problems_total`.
    #[error("{message}")]
    Validation {
        message: String,
        problems: ProblemList,
    },
    #[error("{message}")]
    Unprocessable { code: &'static str, message: String },
    #[error("the database is not available")]
    DatabaseUnavailable(String),
    #[error("internal error")]
    Internal(String),
}

/// The error body, for the OpenAPI document.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Machine-readable code, e.g. `validation_failed`, `forbidden`, `not_found`.
    pub error: String,
    /// What went wrong, for a person.
    pub message: String,
    /// With `validation_failed`: the problems found, in order; at most 1000.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problems: Option<Vec<Problem>>,
    /// With `validation_failed`: how many problems there were in all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problems_total: Option<usize>,
    /// With `validation_failed`: `true` when `problems` lists only the first 1000.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problems_truncated: Option<bool>,
}

impl ErrorBody {
    /// An error with no problem list.
    pub fn plain(error: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            error: error.into(),
            message: message.into(),
            problems: None,
            problems_total: None,
            problems_truncated: None,
        }
    }
}

/// [`ErrorBody`] as written: the same fields, with the problems borrowed from the error rather
/// than copied (a list can be a thousand problems long).
#[derive(Serialize)]
struct ErrorAnswer<'a> {
    error: &'static str,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    problems: Option<&'a [Problem]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    problems_total: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    problems_truncated: Option<bool>,
}

impl ApiError {
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::BadRequest {
            code,
            message: message.into(),
        }
    }

    pub fn not_found(code: &'static str, message: impl Into<String>) -> Self {
        Self::NotFound {
            code,
            message: message.into(),
        }
    }

    /// A `422` for one invalid field of a request body that is not a batch of records.
    pub fn invalid_field(field: &str, message: impl Into<String>) -> Self {
        Problem::of_field(field, message).into()
    }

    pub fn internal(context: &str, error: impl std::fmt::Display) -> Self {
        Self::Internal(format!("{context}: {error}"))
    }

    pub fn code(&self) -> &'static str {
        match self {
            ApiError::BadRequest { code, .. } => code,
            ApiError::Unauthorized(_) => "unauthorized",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::NotFound { code, .. } => code,
            ApiError::Conflict(_) => "conflict",
            ApiError::PayloadTooLarge(_) => "payload_too_large",
            ApiError::UnsupportedMediaType(_) => "unsupported_media_type",
            ApiError::RequestTimeout(_) => "request_timeout",
            ApiError::Busy { .. } => "busy",
            ApiError::Validation { .. } => "validation_failed",
            ApiError::Unprocessable { code, .. } => code,
            ApiError::DatabaseUnavailable(_) => "database_unavailable",
            ApiError::Internal(_) => "internal_error",
        }
    }
}

/// A problem with one field of a request body: `422` with that problem listed.
impl From<Problem> for ApiError {
    fn from(problem: Problem) -> Self {
        Self::Validation {
            message: match &problem.field {
                Some(field) => format!("{field}: {}", problem.message),
                None => problem.message.clone(),
            },
            problems: problem.into(),
        }
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> Self {
        ApiError::internal("database query failed", e)
    }
}

impl From<r2d2::Error> for ApiError {
    fn from(e: r2d2::Error) -> Self {
        ApiError::DatabaseUnavailable(e.to_string())
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        ApiError::internal("blocking task failed", e)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound { .. } => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::RequestTimeout(_) => StatusCode::REQUEST_TIMEOUT,
            ApiError::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Validation { .. } | ApiError::Unprocessable { .. } => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            ApiError::DatabaseUnavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let message = match self {
            ApiError::Internal(detail) => {
                tracing::error!(error.detail = %detail, "request failed inside the service");
                "the service failed to handle this request; it has been logged".to_string()
            }
            ApiError::DatabaseUnavailable(detail) => {
                tracing::error!(error.detail = %detail, "database unavailable");
                "the database is not available; try again shortly".to_string()
            }
            other => other.to_string(),
        };
        let problems = match self {
            ApiError::Validation { problems, .. } => Some(problems),
            _ => None,
        };
        let mut response = HttpResponse::build(self.status_code());
        match self {
            ApiError::Unauthorized(_) => {
                response.insert_header(("WWW-Authenticate", "Bearer"));
            }
            ApiError::Busy {
                retry_after_seconds,
                ..
            } => {
                response.insert_header((RETRY_AFTER, retry_after_seconds.to_string()));
            }
            _ => {}
        }
        response.json(ErrorAnswer {
            error: self.code(),
            message,
            problems: problems.map(ProblemList::listed),
            problems_total: problems.map(ProblemList::total),
            problems_truncated: problems.and_then(|p| p.is_truncated().then_some(true)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::problem::MAX_LISTED_PROBLEMS;

    fn body_of(error: &ApiError) -> serde_json::Value {
        let body = actix_web::body::to_bytes(error.error_response().into_body());
        match futures_util::FutureExt::now_or_never(body) {
            Some(Ok(bytes)) => serde_json::from_slice(&bytes).unwrap(),
            _ => panic!("an error body is ready at once"),
        }
    }

    #[test]
    fn a_validation_error_lists_at_most_1000_problems_and_says_how_many_there_were() {
        let problems: Vec<Problem> = (0..MAX_LISTED_PROBLEMS + 1)
            .map(|i| Problem::of_field("rent", format!("problem {i}")))
            .collect();
        let error = ApiError::Validation {
            message: "m".into(),
            problems: problems.into(),
        };
        let body = body_of(&error);
        assert_eq!(body["error"], "validation_failed");
        assert_eq!(
            body["problems"].as_array().unwrap().len(),
            MAX_LISTED_PROBLEMS
        );
        assert_eq!(body["problems_total"], MAX_LISTED_PROBLEMS + 1);
        assert_eq!(body["problems_truncated"], true);

        let one = body_of(&ApiError::invalid_field("note", "too long"));
        assert_eq!(one["problems_total"], 1);
        assert!(one.get("problems_truncated").is_none(), "{one}");
        let plain = body_of(&ApiError::Forbidden("no".into()));
        assert!(plain.get("problems").is_none() && plain.get("problems_total").is_none());
    }

    #[test]
    fn busy_is_503_with_retry_after_and_a_late_body_is_408() {
        let busy = ApiError::Busy {
            message: "full".into(),
            retry_after_seconds: 5,
        };
        let response = busy.error_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers().get(RETRY_AFTER).unwrap(), "5");
        assert_eq!(body_of(&busy)["error"], "busy");
        let late = ApiError::RequestTimeout("late".into());
        assert_eq!(late.status_code(), StatusCode::REQUEST_TIMEOUT);
        assert_eq!(body_of(&late)["error"], "request_timeout");
    }
}
