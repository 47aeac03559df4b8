//! API tokens in the browser (corporations and municipalities): make a named token for a system
//! (shown once; the database keeps its SHA-256), see the organisation's tokens with when each
//! was made and last used, and revoke one. The same service as the command line's `token`
//! commands ([`admin`]); the audit trail names the person.

use actix_web::http::header::LOCATION;
use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use chrono::NaiveDateTime;
use maud::{html, Markup};
use serde::Deserialize;

use super::error::WebError;
use super::layout;
use super::session::Signed;
use super::text::Lang;
use crate::api::error::ApiError;
use crate::api::AppState;
use crate::domain::organisation::OrgKind;
use crate::service::admin::{self, AdminError, TokenRow, TOKEN_NAME_MAX};

fn api_error(error: AdminError) -> ApiError {
    match error {
        AdminError::Invalid(message) => ApiError::Unprocessable {
            code: "validation_failed",
            message,
        },
        AdminError::Database(e) => e.into(),
        other => ApiError::internal("API tokens", other),
    }
}

/// Only people of a corporation or a municipality: a tenant association reads, it has no
/// systems that post.
fn require_token_holder(signed: &Signed) -> Result<(), WebError> {
    match signed.caller.org().kind {
        OrgKind::Corporation | OrgKind::Municipality => Ok(()),
        OrgKind::TenantAssociation => Err(signed.error(ApiError::Forbidden(
            "API tokens are for corporations and municipalities".into(),
        ))),
    }
}

fn when(at: Option<NaiveDateTime>, lang: Lang) -> String {
    match at {
        Some(at) => at.format("%Y-%m-%d %H:%M").to_string(),
        None => lang.t("nooit", "never").to_string(),
    }
}

fn new_token_form(lang: Lang, csrf: &str) -> Markup {
    html! {
        h2 { (lang.t("Nieuw token", "New token")) }
        form.stacked method="post" action=(lang.link("/tokens")) {
            input type="hidden" name="csrf" value=(csrf);
            label for="token-name" { (lang.t("Naam van het systeem dat het token gebruikt", "Name of the system that uses the token")) }
            input id="token-name" name="name" type="text" maxlength=(TOKEN_NAME_MAX) required;
            p { button type="submit" { (lang.t("Token maken", "Make a token")) } }
        }
    }
}

fn token_table(list: &[TokenRow], lang: Lang, csrf: &str) -> Markup {
    html! {
        @if list.is_empty() {
            p.muted { (lang.t("Uw organisatie heeft nog geen tokens.", "Your organisation has no tokens yet.")) }
        } @else {
            div.table-wrap { table {
                caption { (lang.t("Tokens van uw organisatie", "Your organisation's tokens")) }
                thead { tr {
                    th.num scope="col" { "Id" }
                    th scope="col" { (lang.t("Naam", "Name")) }
                    th scope="col" { (lang.t("Gemaakt", "Made")) }
                    th scope="col" { (lang.t("Laatst gebruikt", "Last used")) }
                    th scope="col" { (lang.t("Staat", "State")) }
                    th scope="col" { (lang.t("Actie", "Action")) }
                } }
                tbody {
                    @for token in list {
                        tr {
                            td.num { (token.id) }
                            td { (token.name.as_deref().unwrap_or(lang.t("(zonder naam)", "(no name)"))) }
                            td { (when(Some(token.created_at), lang)) }
                            td { (when(token.last_used_at, lang)) }
                            td {
                                @match token.revoked_at {
                                    Some(at) => { (lang.t("ingetrokken op ", "revoked on ")) (when(Some(at), lang)) }
                                    None => { (lang.t("actief", "active")) }
                                }
                            }
                            td {
                                @if token.revoked_at.is_none() {
                                    form method="post" action=(lang.link(&format!("/tokens/{}/revoke", token.id))) {
                                        input type="hidden" name="csrf" value=(csrf);
                                        button type="submit" aria-label=(format!("{} {}", lang.t("Intrekken: token", "Revoke: token"), token.id)) { (lang.t("Intrekken", "Revoke")) }
                                    }
                                }
                            }
                        }
                    }
                }
            } }
        }
    }
}

#[get("/tokens")]
pub async fn tokens(signed: Signed, state: web::Data<AppState>) -> Result<HttpResponse, WebError> {
    require_token_holder(&signed)?;
    let lang = signed.lang;
    let org = signed.caller.org().id.clone();
    let list = signed
        .caller
        .db(&state, move |conn| {
            admin::list_tokens(conn, &org, true).map_err(api_error)
        })
        .await
        .map_err(|e| signed.error(e))?;
    let csrf = signed.person.csrf_token.clone();
    let title = lang.t("API-tokens", "API tokens");
    Ok(layout::page(
        StatusCode::OK,
        lang,
        title,
        Some(&signed.nav(None)),
        html! {
            h1 { (title) }
            p { (lang.t(
                "Een systeem van uw organisatie (zoals het verhuursysteem) gebruikt een token om de API aan te roepen, met de rechten van uw organisatie. Geef elk systeem een eigen token, zodat u er één kunt intrekken zonder de andere te raken.",
                "A system of your organisation (such as the letting system) uses a token to call the API, with your organisation's rights. Give each system a token of its own, so you can revoke one without touching the others.",
            )) }
            (token_table(&list, lang, &csrf))
            (new_token_form(lang, &csrf))
        },
    ))
}

#[derive(Debug, Deserialize)]
pub struct NewTokenForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
}

/// Makes a token and shows it, once.
#[post("/tokens")]
pub async fn create(
    signed: Signed,
    form: web::Form<NewTokenForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, WebError> {
    signed.check_csrf(&form.csrf)?;
    require_token_holder(&signed)?;
    let lang = signed.lang;
    let actor = signed.caller.actor();
    let name = form.into_inner().name;
    let shown_name = name.trim().to_string();
    let (id, token) = signed
        .caller
        .db(&state, move |conn| {
            admin::create_token_as(conn, &actor, &name).map_err(api_error)
        })
        .await
        .map_err(|e| signed.error(e))?;
    let title = lang.t("Token gemaakt", "Token made");
    Ok(layout::page(
        StatusCode::CREATED,
        lang,
        title,
        Some(&signed.nav(None)),
        html! {
            h1 { (title) }
            p.notice role="status" {
                (lang.t("Token ", "Token ")) (id) " (" (shown_name) ") "
                (lang.t(
                    "is gemaakt. Kopieer het nu naar het systeem: het wordt niet nog eens getoond, en wij bewaren alleen een vingerafdruk ervan.",
                    "has been made. Copy it to the system now: it is not shown again, and only a fingerprint of it is kept.",
                ))
            }
            div.stacked {
                label for="new-token" { (lang.t("Het token", "The token")) }
                input id="new-token" type="text" readonly value=(token);
            }
            p.muted { (lang.t("Het systeem stuurt het mee als ", "The system sends it as ")) code { "Authorization: Bearer …" } "." }
            p { a href=(lang.link("/tokens")) { (lang.t("Terug naar de tokens", "Back to the tokens")) } }
        },
    ))
}

#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

#[post("/tokens/{id}/revoke")]
pub async fn revoke(
    signed: Signed,
    path: web::Path<i64>,
    form: web::Form<CsrfForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, WebError> {
    signed.check_csrf(&form.csrf)?;
    require_token_holder(&signed)?;
    let lang = signed.lang;
    let id = path.into_inner();
    let actor = signed.caller.actor();
    let revoked = signed
        .caller
        .db(&state, move |conn| {
            admin::revoke_token_as(conn, &actor, id).map_err(api_error)
        })
        .await
        .map_err(|e| signed.error(e))?;
    if revoked {
        Ok(HttpResponse::SeeOther()
            .insert_header((LOCATION, lang.link("/tokens")))
            .finish())
    } else {
        Err(signed.error(ApiError::not_found(
            "token_not_found",
            format!("your organisation has no active token {id}"),
        )))
    }
}
