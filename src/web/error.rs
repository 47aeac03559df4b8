//! Errors of the portal: a page for a person, with the same status and machine-readable code as
//! the API would give (`data-error` on the page), or a redirect to the login form.

use actix_web::http::header::{LOCATION, RETRY_AFTER};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use maud::html;

use super::layout;
use super::text::Lang;
use crate::api::error::ApiError;

#[derive(Debug)]
pub enum WebError {
    /// Not logged in (or the session ended): to the login form.
    LoginNeeded(Lang),
    /// Anything else, as a page.
    Page {
        status: StatusCode,
        code: &'static str,
        message: String,
        lang: Lang,
    },
    /// Too many failed logins from this address.
    Throttled { seconds: u64, lang: Lang },
}

impl std::fmt::Display for WebError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WebError::LoginNeeded(_) => f.write_str("login needed"),
            WebError::Page { code, .. } => f.write_str(code),
            WebError::Throttled { .. } => f.write_str("rate_limited"),
        }
    }
}

impl WebError {
    /// An API error as a page; a server fault's detail goes to the log only.
    pub fn api(error: ApiError, lang: Lang) -> Self {
        let status = error.status_code();
        let message = match &error {
            ApiError::Internal(detail) => {
                tracing::error!(error.detail = %detail, "portal request failed inside the service");
                lang.t(
                    "Er ging iets mis in de dienst; het is vastgelegd. Probeer het later opnieuw.",
                    "The service failed to handle this request; it has been logged. Try again later.",
                )
                .to_string()
            }
            ApiError::DatabaseUnavailable(detail) => {
                tracing::error!(error.detail = %detail, "database unavailable");
                lang.t(
                    "De database is even niet bereikbaar; probeer het zo opnieuw.",
                    "The database is not available; try again shortly.",
                )
                .to_string()
            }
            other => other.to_string(),
        };
        WebError::Page {
            status,
            code: error.code(),
            message,
            lang,
        }
    }

    pub fn forbidden_csrf(lang: Lang) -> Self {
        WebError::Page {
            status: StatusCode::FORBIDDEN,
            code: "csrf_token_invalid",
            message: lang
                .t(
                    "Dit formulier is verlopen of niet van deze site. Open de pagina opnieuw en probeer het nog eens.",
                    "This form has expired or did not come from this site. Open the page again and retry.",
                )
                .to_string(),
            lang,
        }
    }
}

impl ResponseError for WebError {
    fn status_code(&self) -> StatusCode {
        match self {
            WebError::LoginNeeded(_) => StatusCode::SEE_OTHER,
            WebError::Page { status, .. } => *status,
            WebError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            WebError::LoginNeeded(lang) => HttpResponse::SeeOther()
                .insert_header((LOCATION, lang.link("/login")))
                .finish(),
            WebError::Page {
                status,
                code,
                message,
                lang,
            } => layout::page(
                *status,
                *lang,
                lang.t("Fout", "Error"),
                None,
                html! {
                    h1 { (lang.t("Dat lukte niet", "That did not work")) }
                    p.error data-error=(code) { (message) }
                    p { a href=(lang.link("/")) { (lang.t("Naar het overzicht", "To the overview")) } }
                },
            ),
            WebError::Throttled { seconds, lang } => {
                let mut response = layout::page(
                    StatusCode::TOO_MANY_REQUESTS,
                    *lang,
                    lang.t("Te veel pogingen", "Too many attempts"),
                    None,
                    html! {
                        h1 { (lang.t("Te veel mislukte pogingen", "Too many failed attempts")) }
                        p.error data-error="rate_limited" {
                            (lang.t("Probeer het over", "Try again in")) " " (seconds) " "
                            (lang.t("seconden opnieuw.", "seconds."))
                        }
                    },
                );
                if let Ok(value) = seconds.to_string().parse() {
                    response.headers_mut().insert(RETRY_AFTER, value);
                }
                response
            }
        }
    }
}

impl From<crate::service::people::PeopleError> for ApiError {
    fn from(error: crate::service::people::PeopleError) -> Self {
        match error {
            crate::service::people::PeopleError::Database(e) => e.into(),
            other => ApiError::internal("portal accounts", other),
        }
    }
}
