//! Settings of a person: e-mail on signals. A person asks, per municipality their organisation
//! reads, for an e-mail when a signal opens, changes or is resolved
//! ([`crate::service::signal_emails`]). Offered only when the service has a mail server.

use actix_web::http::header::LOCATION;
use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::Utc;
use maud::html;

use super::error::WebError;
use super::layout;
use super::session::Signed;
use crate::api::error::ApiError;
use crate::api::AppState;
use crate::domain::organisation::OrgKind;
use crate::service::signal_emails::{self, Choice};

/// Whether e-mail on signals is configured (`smtp_url` set).
#[derive(Debug, Clone, Copy)]
pub struct EmailOn(pub bool);

fn email_on(req: &HttpRequest) -> bool {
    req.app_data::<web::Data<EmailOn>>().is_some_and(|on| on.0)
}

/// The municipalities the person's organisation reads: its own, or those it works in.
fn readable(signed: &Signed) -> Vec<String> {
    let org = &signed.person.organisation;
    match org.kind {
        OrgKind::Municipality => vec![org.id.clone()],
        _ => org.municipalities.iter().cloned().collect(),
    }
}

#[derive(Debug, serde::Deserialize)]
pub struct SavedQuery {
    #[serde(default)]
    saved: Option<String>,
}

#[get("/settings")]
pub async fn settings_page(
    req: HttpRequest,
    signed: Signed,
    query: web::Query<SavedQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, WebError> {
    let lang = signed.lang;
    let person = signed.person.person_id;
    let list = readable(&signed);
    let choices: Vec<Choice> = signed
        .caller
        .db(&state, move |conn| {
            signal_emails::choices(conn, person, &list)
        })
        .await
        .map_err(|e| signed.error(e))?;
    let on = email_on(&req);
    let body = html! {
        h1 { (lang.t("Instellingen", "Settings")) }
        @if query.saved.is_some() {
            p.notice role="status" { (lang.t("Opgeslagen.", "Saved.")) }
        }
        h2 { (lang.t("E-mail bij signalen", "E-mail on signals")) }
        @if !on {
            p { (lang.t(
                "Deze dienst verstuurt geen e-mail: er is geen mailserver ingesteld. Vraag de beheerder.",
                "This service sends no e-mail: no mail server is configured. Ask the administrator.",
            )) }
        } @else if choices.is_empty() {
            p { (lang.t("Uw organisatie volgt geen gemeente.", "Your organisation follows no municipality.")) }
        } @else {
            form.stacked method="post" action=(lang.link("/settings")) {
                input type="hidden" name="csrf" value=(signed.person.csrf_token);
                fieldset aria-describedby="email-hint" {
                    legend { (lang.t("Stuur mij een e-mail als een signaal opent, verandert of wordt afgesloten, voor:", "Send me an e-mail when a signal opens, changes or is resolved, for:")) }
                    p.muted id="email-hint" { (lang.t(
                        "De e-mail noemt de gemeente, de meetwaarde en de stand, met een link naar het signaal; geen aantallen. Hij gaat naar ",
                        "The e-mail names the municipality, the metric and the state, with a link to the signal; no counts. It goes to ",
                    )) (signed.person.email) "." }
                    @for choice in &choices {
                        div.check {
                            input type="checkbox" id=(format!("email-{}", choice.municipality)) name="email" value=(choice.municipality) checked[choice.chosen];
                            label for=(format!("email-{}", choice.municipality)) { (choice.name) " (" (choice.municipality) ")" }
                        }
                    }
                }
                p { button type="submit" { (lang.t("Opslaan", "Save")) } }
            }
        }
    };
    Ok(layout::page(
        StatusCode::OK,
        lang,
        lang.t("Instellingen", "Settings"),
        Some(&signed.nav(None)),
        body,
    ))
}

/// The form's fields: the CSRF token and every `email` box ticked (a field that repeats, which
/// `web::Form` cannot read).
fn fields(body: &[u8]) -> (String, Vec<String>) {
    let mut csrf = String::new();
    let mut chosen = Vec::new();
    for (name, value) in url::form_urlencoded::parse(body) {
        match name.as_ref() {
            "csrf" => csrf = value.into_owned(),
            "email" => chosen.push(value.into_owned()),
            _ => {}
        }
    }
    (csrf, chosen)
}

#[post("/settings")]
pub async fn save_settings(
    req: HttpRequest,
    signed: Signed,
    body: web::Bytes,
    state: web::Data<AppState>,
) -> Result<HttpResponse, WebError> {
    let (csrf, chosen) = fields(&body);
    signed.check_csrf(&csrf)?;
    let lang = signed.lang;
    if !email_on(&req) {
        return Err(signed.error(ApiError::Conflict(
            "this service sends no e-mail: no mail server is configured".into(),
        )));
    }
    let person = signed.person.person_id;
    let list = readable(&signed);
    let taken = signed
        .caller
        .db(&state, move |conn| {
            signal_emails::choose(conn, person, &list, &chosen, Utc::now().naive_utc())
        })
        .await
        .map_err(|e| signed.error(e))?;
    if !taken {
        return Err(signed.error(ApiError::Forbidden(
            "e-mail can be asked only for a municipality your organisation reads".into(),
        )));
    }
    Ok(HttpResponse::SeeOther()
        .insert_header((LOCATION, lang.link("/settings?saved=1")))
        .finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_ticked_box_is_read() {
        let (csrf, chosen) = fields(b"csrf=abc&email=GM0629&email=GM0363");
        assert_eq!(csrf, "abc");
        assert_eq!(chosen, ["GM0629", "GM0363"]);
        assert_eq!(fields(b"csrf=abc").1, Vec::<String>::new());
    }
}
