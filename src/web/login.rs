//! Logging in and out, and setting a password through a one-time link.

use actix_web::http::header::LOCATION;
use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use maud::{html, Markup};
use serde::Deserialize;

use super::error::WebError;
use super::layout;
use super::session::{self, Signed, FORM_COOKIE, SESSION_COOKIE};
use super::text::Lang;
use crate::api::error::ApiError;
use crate::api::rate_limit::RateLimits;
use crate::api::AppState;
use crate::service::people::{self, LinkOutcome, PeopleError};

/// The double-submit token of a form shown before login: the cookie's, or a new one.
fn form_token(req: &HttpRequest) -> (String, bool) {
    match req.cookie(FORM_COOKIE) {
        Some(c) if c.value().len() == 64 => (c.value().to_string(), false),
        _ => (hex::encode(rand::random::<[u8; 32]>()), true),
    }
}

fn with_form_cookie(
    req: &HttpRequest,
    mut response: HttpResponse,
    token: String,
    fresh: bool,
) -> Result<HttpResponse, WebError> {
    if fresh {
        let settings = session::settings_of(req).map_err(|e| WebError::api(e, Lang::of(req)))?;
        response
            .add_cookie(&session::cookie(FORM_COOKIE, token, &settings))
            .map_err(|e| WebError::api(ApiError::internal("setting a cookie", e), Lang::of(req)))?;
    }
    Ok(response)
}

/// Refuses a pre-login form whose token does not equal its cookie.
fn check_form_token(req: &HttpRequest, submitted: &str) -> Result<(), WebError> {
    let expected = req
        .cookie(FORM_COOKIE)
        .map(|c| c.value().to_string())
        .unwrap_or_default();
    if session::tokens_match(&expected, submitted) {
        Ok(())
    } else {
        tracing::warn!("portal form refused: CSRF token missing or wrong");
        Err(WebError::forbidden_csrf(Lang::of(req)))
    }
}

fn login_markup(lang: Lang, token: &str, email: &str, problem: Option<&str>) -> Markup {
    html! {
        h1 { (lang.t("Inloggen", "Log in")) }
        @if let Some(problem) = problem {
            p.error role="alert" { (problem) }
        }
        form.stacked method="post" action=(lang.link("/login")) {
            input type="hidden" name="form_token" value=(token);
            label for="email" { (lang.t("E-mailadres", "E-mail address")) }
            input id="email" name="email" type="email" autocomplete="username" value=(email) required;
            label for="password" { (lang.t("Wachtwoord", "Password")) }
            input id="password" name="password" type="password" autocomplete="current-password" required;
            p { button type="submit" { (lang.t("Inloggen", "Log in")) } }
        }
        p.muted { (lang.t(
            "Geen account of wachtwoord vergeten? Vraag de beheerder om een link om uw wachtwoord in te stellen.",
            "No account, or forgotten your password? Ask the administrator for a link to set your password.",
        )) }
    }
}

#[get("/login")]
pub async fn login_form(req: HttpRequest) -> Result<HttpResponse, WebError> {
    let lang = Lang::of(&req);
    let (token, fresh) = form_token(&req);
    let page = layout::page(
        StatusCode::OK,
        lang,
        lang.t("Inloggen", "Log in"),
        None,
        login_markup(lang, &token, "", None),
    );
    with_form_cookie(&req, page, token, fresh)
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    form_token: String,
}

#[post("/login")]
pub async fn login(
    req: HttpRequest,
    form: web::Form<LoginForm>,
    state: web::Data<AppState>,
    limits: web::Data<RateLimits>,
) -> Result<HttpResponse, WebError> {
    let lang = Lang::of(&req);
    check_form_token(&req, &form.form_token)?;
    let address = limits.client_address(req.peer_addr().map(|a| a.ip()), req.headers());
    if let Some(refusal) = limits.failed_auth_refusal(address) {
        tracing::warn!(client.address = %address, "portal login refused: failed logins used up");
        return Err(WebError::Throttled {
            seconds: refusal.retry_after_seconds(),
            lang,
        });
    }
    let settings = session::settings_of(&req).map_err(|e| WebError::api(e, lang))?;
    let LoginForm {
        email, password, ..
    } = form.into_inner();
    let old_session = req.cookie(SESSION_COOKIE).map(|c| c.value().to_string());
    let typed = email.clone();
    let started = state
        .db(move |conn| {
            // A fresh id at every login: a session id planted before login is worth nothing.
            if let Some(old) = old_session {
                people::logout(conn, &old)?;
            }
            people::login(
                conn,
                &email,
                &password,
                &settings.sessions,
                chrono::Utc::now().naive_utc(),
            )
        })
        .await
        .map_err(|e| WebError::api(e, lang))?;
    match started {
        Some(new) => {
            tracing::info!(client.address = %address, "portal login");
            let mut response = HttpResponse::SeeOther()
                .insert_header((LOCATION, lang.link("/")))
                .finish();
            response
                .add_cookie(&session::cookie(SESSION_COOKIE, new.id, &settings))
                .map_err(|e| WebError::api(ApiError::internal("setting a cookie", e), lang))?;
            Ok(response)
        }
        None => {
            // Never the address typed or the password: only that it failed, and from where.
            tracing::warn!(client.address = %address, "portal login failed");
            let (token, _) = form_token(&req);
            // 401 counts against the address's failed authentications (api::rate_limit).
            Ok(layout::page(
                StatusCode::UNAUTHORIZED,
                lang,
                lang.t("Inloggen", "Log in"),
                None,
                // The address typed stays in the form; the password never comes back.
                login_markup(
                    lang,
                    &token,
                    &typed,
                    Some(lang.t(
                        "Dit e-mailadres en wachtwoord horen niet bij elkaar. Probeer het opnieuw.",
                        "That e-mail address and password do not match. Try again.",
                    )),
                ),
            ))
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

#[post("/logout")]
pub async fn logout(
    req: HttpRequest,
    signed: Signed,
    form: web::Form<CsrfForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, WebError> {
    signed.check_csrf(&form.csrf)?;
    let lang = signed.lang;
    let settings = session::settings_of(&req).map_err(|e| signed.error(e))?;
    let id = signed.session_id.clone();
    state
        .db(move |conn| people::logout(conn, &id))
        .await
        .map_err(|e| signed.error(e))?;
    let mut response = HttpResponse::SeeOther()
        .insert_header((LOCATION, lang.link("/login")))
        .finish();
    response
        .add_cookie(&session::removal(SESSION_COOKIE, &settings))
        .map_err(|e| WebError::api(ApiError::internal("removing a cookie", e), lang))?;
    Ok(response)
}

#[derive(Debug, Deserialize)]
pub struct LinkQuery {
    #[serde(default)]
    token: String,
}

fn link_invalid(lang: Lang) -> WebError {
    WebError::Page {
        status: StatusCode::GONE,
        code: "password_link_invalid",
        message: lang
            .t(
                "Deze link is onbekend, al gebruikt of verlopen. Vraag de beheerder om een nieuwe.",
                "This link is unknown, used or expired. Ask the administrator for a new one.",
            )
            .to_string(),
        lang,
    }
}

fn password_markup(
    lang: Lang,
    name: &str,
    link: &str,
    form: &str,
    problem: Option<&str>,
) -> Markup {
    html! {
        h1 { (lang.t("Wachtwoord instellen", "Set your password")) }
        p { (lang.t("Welkom", "Welcome")) ", " (name) "." }
        @if let Some(problem) = problem {
            p.error role="alert" { (problem) }
        }
        form.stacked method="post" action=(lang.link("/password")) {
            input type="hidden" name="token" value=(link);
            input type="hidden" name="form_token" value=(form);
            label for="password" { (lang.t("Nieuw wachtwoord (minstens 12 tekens)", "New password (at least 12 characters)")) }
            input id="password" name="password" type="password" autocomplete="new-password" minlength="12" required;
            label for="repeated" { (lang.t("Nogmaals", "Once more")) }
            input id="repeated" name="repeated" type="password" autocomplete="new-password" minlength="12" required;
            p { button type="submit" { (lang.t("Opslaan", "Save")) } }
        }
    }
}

#[get("/password")]
pub async fn password_form(
    req: HttpRequest,
    query: web::Query<LinkQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, WebError> {
    let lang = Lang::of(&req);
    let token = query.into_inner().token;
    let lookup = token.clone();
    let person = state
        .db(move |conn| people::link_person(conn, &lookup, chrono::Utc::now().naive_utc()))
        .await
        .map_err(|e| WebError::api(e, lang))?
        .ok_or_else(|| link_invalid(lang))?;
    let (form, fresh) = form_token(&req);
    let page = layout::page(
        StatusCode::OK,
        lang,
        lang.t("Wachtwoord instellen", "Set your password"),
        None,
        password_markup(lang, &person.name, &token, &form, None),
    );
    with_form_cookie(&req, page, form, fresh)
}

#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    repeated: String,
    #[serde(default)]
    form_token: String,
}

#[post("/password")]
pub async fn set_password(
    req: HttpRequest,
    form: web::Form<PasswordForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, WebError> {
    let lang = Lang::of(&req);
    check_form_token(&req, &form.form_token)?;
    let PasswordForm {
        token,
        password,
        repeated,
        form_token,
    } = form.into_inner();
    let link = token.clone();
    let outcome = state
        .db(move |conn| {
            match people::set_password_with_link(
                conn,
                &link,
                &password,
                &repeated,
                chrono::Utc::now().naive_utc(),
            ) {
                Ok(outcome) => Ok(Ok(outcome)),
                Err(PeopleError::Password(problem)) => {
                    let name = people::link_person(conn, &link, chrono::Utc::now().naive_utc())?
                        .map(|p| p.name);
                    Ok(Err((problem, name)))
                }
                Err(PeopleError::Database(e)) => Err(ApiError::from(e)),
                Err(other) => Err(ApiError::internal("setting a password", other)),
            }
        })
        .await
        .map_err(|e| WebError::api(e, lang))?;
    match outcome {
        Ok(LinkOutcome::Set) => Ok(layout::page(
            StatusCode::OK,
            lang,
            lang.t("Wachtwoord ingesteld", "Password set"),
            None,
            html! {
                h1 { (lang.t("Wachtwoord ingesteld", "Password set")) }
                p.notice { (lang.t("U kunt nu inloggen.", "You can log in now.")) }
                p { a href=(lang.link("/login")) { (lang.t("Inloggen", "Log in")) } }
            },
        )),
        Ok(LinkOutcome::Invalid) | Err((_, None)) => Err(link_invalid(lang)),
        Err((problem, Some(name))) => {
            let problem = match problem {
                crate::domain::session::PasswordProblem::TooShort => lang.t(
                    "Een wachtwoord heeft minstens 12 tekens.",
                    "A password has at least 12 characters.",
                ),
                crate::domain::session::PasswordProblem::TooLong => lang.t(
                    "Een wachtwoord heeft hoogstens 256 tekens.",
                    "A password has at most 256 characters.",
                ),
                crate::domain::session::PasswordProblem::Differs => lang.t(
                    "De twee wachtwoorden verschillen.",
                    "The two passwords differ.",
                ),
            };
            Ok(layout::page(
                StatusCode::UNPROCESSABLE_ENTITY,
                lang,
                lang.t("Wachtwoord instellen", "Set your password"),
                None,
                password_markup(lang, &name, &token, &form_token, Some(problem)),
            ))
        }
    }
}
