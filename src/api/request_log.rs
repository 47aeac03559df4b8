//! What the log says about a request: one span per request, and one line per refused or failed
//! request.
//!
//! The span carries the method, the route pattern, the path *without* its query string (a
//! client may put a secret there, `?token=...`), the client address, the request id and, at the
//! end, the status. Never a header: the `Authorization` header is not read here.
//!
//! A `4xx` is logged once, at `info`, with its status, error code and number of problems, and
//! never with its message or problems: those echo what the client sent (references, amounts,
//! field names). A `5xx` from [`ApiError`] has its detail logged where the response is made
//! ([`ApiError::error_response`](actix_web::ResponseError::error_response)); any other `5xx` is
//! logged here at `error`.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::{Error, HttpMessage};
use tracing::field::Empty;
use tracing::Span;
use tracing_actix_web::{RequestId, RootSpanBuilder};

use super::error::ApiError;

/// The [`RootSpanBuilder`] of the service's `TracingLogger`.
pub struct RequestSpan;

/// The path as the log shows it: a share link's address is its secret (`/share/{token}`,
/// docs/portal.md), so under `/share/` the log names the route, never the token.
fn logged_target(path: &str, route: &str) -> String {
    if path.starts_with("/share/") {
        if route.starts_with("/share/") {
            route.to_string()
        } else {
            "/share/…".to_string()
        }
    } else {
        path.to_string()
    }
}

impl RootSpanBuilder for RequestSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let route = request
            .match_pattern()
            .unwrap_or_else(|| "unmatched".to_string());
        let request_id = request
            .extensions()
            .get::<RequestId>()
            .map(ToString::to_string)
            .unwrap_or_default();
        let client = request
            .connection_info()
            .realip_remote_addr()
            .unwrap_or("")
            .to_string();
        tracing::info_span!(
            "HTTP request",
            http.method = %request.method(),
            http.route = %route,
            http.target = %logged_target(request.path(), &route),
            http.client_ip = %client,
            request_id = %request_id,
            http.status_code = Empty,
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        let (status, error) = match outcome {
            Ok(response) => (response.status(), response.response().error()),
            Err(error) => (error.as_response_error().status_code(), Some(error)),
        };
        span.record("http.status_code", status.as_u16());
        let api_error = error.and_then(|e| e.as_error::<ApiError>());
        if status.is_client_error() {
            let code = api_error.map_or("-", ApiError::code);
            let problems = match api_error {
                Some(ApiError::Validation { problems, .. }) => problems.total(),
                _ => 0,
            };
            tracing::info!(
                status = status.as_u16(),
                error.code = code,
                problems,
                "request refused"
            );
        } else if status.is_server_error() && api_error.is_none() {
            match error {
                Some(error) => {
                    tracing::error!(status = status.as_u16(), error = %error, "request failed")
                }
                None => tracing::error!(status = status.as_u16(), "request failed"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_share_link_s_token_never_reaches_the_log() {
        let token = "ab".repeat(32);
        let path = format!("/share/{token}/download");
        assert_eq!(
            logged_target(&path, "/share/{token}/download"),
            "/share/{token}/download"
        );
        assert_eq!(
            logged_target(&format!("/share/{token}/x"), "unmatched"),
            "/share/…"
        );
        assert_eq!(
            logged_target("/municipalities/GM0629", "/municipalities/{code}"),
            "/municipalities/GM0629"
        );
    }
}
