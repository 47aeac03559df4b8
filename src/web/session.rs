//! The session cookie, the logged-in person as an extractor, and the CSRF checks.
//!
//! The cookie carries a random session id; the database keeps only its SHA-256, so every
//! instance knows every session and a logout ends it everywhere. A form that changes something
//! carries the session's CSRF token (forms before login carry a token that must equal a cookie
//! of their own: the double-submit pattern), checked in constant time.

use std::future::Future;
use std::pin::Pin;

use actix_web::cookie::{time::Duration as CookieAge, Cookie, SameSite};
use actix_web::{web, FromRequest, HttpRequest};
use subtle::ConstantTimeEq;

use super::error::WebError;
use super::layout::Nav;
use super::text::Lang;
use super::WebSettings;
use crate::api::auth::Caller;
use crate::api::error::ApiError;
use crate::api::AppState;
use crate::domain::organisation::OrgKind;
use crate::service::people::{self, PersonSession};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "qm_session";
/// The cookie of the double-submit token on the login and password forms.
pub const FORM_COOKIE: &str = "qm_form";

/// A cookie as the portal sets them: `HttpOnly`, `SameSite=Lax`, `Secure` off loopback, for the
/// whole site, ending with the browser (the server decides when a session expires).
pub fn cookie(name: &'static str, value: String, settings: &WebSettings) -> Cookie<'static> {
    Cookie::build(name, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(settings.secure_cookies)
        .finish()
}

/// A cookie that removes `name` from the browser.
pub fn removal(name: &'static str, settings: &WebSettings) -> Cookie<'static> {
    let mut cookie = cookie(name, String::new(), settings);
    cookie.set_max_age(CookieAge::ZERO);
    cookie
}

/// Whether a submitted token equals the expected one, in constant time.
pub fn tokens_match(expected: &str, submitted: &str) -> bool {
    !expected.is_empty() && bool::from(expected.as_bytes().ct_eq(submitted.as_bytes()))
}

/// The portal's settings from the app data.
pub fn settings_of(req: &HttpRequest) -> Result<WebSettings, ApiError> {
    req.app_data::<web::Data<WebSettings>>()
        .map(|s| *s.get_ref())
        .ok_or_else(|| ApiError::Internal("portal settings missing".into()))
}

/// A logged-in person: the organisation's rights as a [`Caller`], and the session.
pub struct Signed {
    pub caller: Caller,
    pub person: PersonSession,
    /// The session id from the cookie (to end it at logout).
    pub session_id: String,
    pub lang: Lang,
}

impl Signed {
    /// The municipality the person's pages are about: their own, or the first they work in.
    pub fn home_municipality(&self) -> Option<String> {
        let org = &self.person.organisation;
        match org.kind {
            OrgKind::Municipality => Some(org.id.clone()),
            _ => org.municipalities.iter().next().cloned(),
        }
    }

    pub fn nav(&self, municipality: Option<&str>) -> Nav {
        Nav {
            person: self.person.name.clone(),
            organisation: self.person.organisation.name.clone(),
            municipality: municipality
                .map(str::to_string)
                .or_else(|| self.home_municipality()),
            corporation: self.person.organisation.kind == OrgKind::Corporation,
            kind: self.person.organisation.kind,
            csrf: self.person.csrf_token.clone(),
        }
    }

    /// Refuses a form without this session's CSRF token.
    pub fn check_csrf(&self, submitted: &str) -> Result<(), WebError> {
        if tokens_match(&self.person.csrf_token, submitted) {
            Ok(())
        } else {
            tracing::warn!("portal form refused: CSRF token missing or wrong");
            Err(WebError::forbidden_csrf(self.lang))
        }
    }

    /// An API error as a page in the person's language.
    pub fn error(&self, error: ApiError) -> WebError {
        WebError::api(error, self.lang)
    }
}

impl FromRequest for Signed {
    type Error = WebError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _payload: &mut actix_web::dev::Payload) -> Self::Future {
        let lang = Lang::of(req);
        let session_id = req.cookie(SESSION_COOKIE).map(|c| c.value().to_string());
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let settings = settings_of(req);
        Box::pin(async move {
            let Some(session_id) = session_id.filter(|id| !id.is_empty()) else {
                return Err(WebError::LoginNeeded(lang));
            };
            let state = state.ok_or_else(|| {
                WebError::api(ApiError::Internal("application state missing".into()), lang)
            })?;
            let settings = settings.map_err(|e| WebError::api(e, lang))?;
            let id = session_id.clone();
            let person = state
                .db(move |conn| {
                    people::session(
                        conn,
                        &id,
                        &settings.sessions,
                        chrono::Utc::now().naive_utc(),
                    )
                })
                .await
                .map_err(|e| WebError::api(e, lang))?
                .ok_or(WebError::LoginNeeded(lang))?;
            Ok(Signed {
                caller: Caller::for_person(person.organisation.clone(), &person.email),
                person,
                session_id,
                lang,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_matches_only_itself_and_an_empty_expectation_matches_nothing() {
        assert!(tokens_match("abc", "abc"));
        assert!(!tokens_match("abc", "abd"));
        assert!(!tokens_match("abc", ""));
        assert!(!tokens_match("", ""));
    }
}
