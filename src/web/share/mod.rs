//! Publishing a half-year report and sharing it: on the reports page the municipality publishes
//! (freezes) a half year and makes, lists and revokes share links (deellinken) to a publication;
//! `/share/{token}` opens one without logging in, read-only, as the public reads it (the
//! small-numbers rule of a tenant association: `<5`, `x`, never a number that gives one away).
//!
//! A link's token (256 random bits) is shown once, when made; the database keeps its SHA-256.
//! A link lasts 1 to 365 days (90 unless chosen), and answers `410 Gone` once revoked or
//! expired, `404` when there is no such link.

use actix_web::http::header::LOCATION;
use actix_web::http::StatusCode;
use actix_web::{post, web, HttpRequest, HttpResponse};
use chrono::{NaiveDateTime, Utc};
use maud::{html, Markup};
use serde::Deserialize;

mod public;

pub use public::{download, open};

use super::error::WebError;
use super::layout;
use super::session::Signed;
use super::text::Lang;
use crate::api::error::ApiError;
use crate::api::guards::{municipality_code, Access, ItselfOnly};
use crate::api::AppState;
use crate::domain::share_link::{
    check_label, lifetime, link_state, LinkState, DEFAULT_DAYS, LABEL_MAX, MAX_DAYS,
};
use crate::report::parse_half;
use crate::report::publication::{self, PublicationBody};
use crate::report::share_links::{self, Created, ShareLinkRow};

/// What the reports page shows beside the downloads.
#[derive(Debug, Clone, Default)]
pub struct Publications {
    pub published: Vec<PublicationBody>,
    /// The municipality's links (for the municipality itself only).
    pub links: Vec<ShareLinkRow>,
    /// The reader is the municipality itself: it publishes and shares.
    pub itself: bool,
}

/// The publications of `halves` and, for the municipality itself, its share links.
pub async fn publications(
    signed: &Signed,
    state: &AppState,
    code: &str,
    halves: &[String],
) -> Result<Publications, WebError> {
    let itself = ItselfOnly::check(&signed.caller, code).is_ok();
    let code = code.to_string();
    let halves = halves.to_vec();
    signed
        .caller
        .db(state, move |conn| {
            let published = share_links::publications(conn, &code, &halves)?;
            let links = if itself {
                share_links::list(conn, &code)?
            } else {
                Vec::new()
            };
            Ok::<_, diesel::result::Error>(Publications {
                published,
                links,
                itself,
            })
        })
        .await
        .map_err(|e| signed.error(e))
}

fn day(at: NaiveDateTime) -> String {
    at.format("%Y-%m-%d").to_string()
}

fn link_state_words(link: &ShareLinkRow, now: NaiveDateTime, lang: Lang) -> &'static str {
    match link_state(link.expires_at, link.revoked_at, now) {
        LinkState::Open => lang.t("open", "open"),
        LinkState::Revoked => lang.t("ingetrokken", "revoked"),
        LinkState::Expired => lang.t("verlopen", "expired"),
    }
}

/// The publication of one half year on the reports page: when and by whom, its digest; for
/// the municipality a button to publish, or its share links and a form to make one.
pub fn half_part(
    p: &Publications,
    code: &str,
    half: &str,
    csrf: &str,
    lang: Lang,
    now: NaiveDateTime,
) -> Markup {
    let published = p.published.iter().find(|x| x.half_year == half);
    let links: Vec<&ShareLinkRow> = p.links.iter().filter(|l| l.half_year == half).collect();
    html! {
        @match published {
            None => {
                p.muted { (lang.t("Nog niet gepubliceerd: de cijfers zijn die van nu.", "Not published yet: the figures are those of now.")) }
                @if p.itself {
                    form method="post" action=(lang.link(&format!("/municipalities/{code}/reports/{half}/publish"))) {
                        input type="hidden" name="csrf" value=(csrf);
                        button type="submit" { (lang.t("Publiceren", "Publish")) " " (half) }
                    }
                }
            }
            Some(publication) => {
                p {
                    (lang.t("Gepubliceerd op ", "Published on ")) (publication.published_at.format("%Y-%m-%d %H:%M")) " UTC"
                    (lang.t(" door ", " by ")) (publication.published_by) ". "
                    span.muted { "SHA-256 " code.digest { (publication.sha256) } }
                }
                @if p.itself {
                    h3 { (lang.t("Deellinks", "Share links")) " " (half) }
                    @if links.is_empty() {
                        p.muted { (lang.t("Nog geen deellinks.", "No share links yet.")) }
                    } @else {
                        div.table-wrap { table {
                            caption { (lang.t("Deellinks van ", "Share links of ")) (half) }
                            thead { tr {
                                th scope="col" { (lang.t("Voor wie", "For whom")) }
                                th scope="col" { (lang.t("Gemaakt", "Made")) }
                                th scope="col" { (lang.t("Geldig tot", "Valid until")) }
                                th scope="col" { (lang.t("Staat", "State")) }
                                th scope="col" { (lang.t("Actie", "Action")) }
                            } }
                            tbody {
                                @for link in &links {
                                    tr {
                                        td { (link.label.as_deref().unwrap_or("–")) }
                                        td { (day(link.created_at)) " · " (link.created_by) }
                                        td { (day(link.expires_at)) }
                                        td { (link_state_words(link, now, lang)) }
                                        td {
                                            @if link_state(link.expires_at, link.revoked_at, now) == LinkState::Open {
                                                form method="post" action=(lang.link(&format!("/municipalities/{code}/share-links/{}/revoke", link.id))) {
                                                    input type="hidden" name="csrf" value=(csrf);
                                                    button type="submit" aria-label=(format!("{} {}", lang.t("Intrekken: deellink", "Revoke: share link"), link.id)) { (lang.t("Intrekken", "Revoke")) }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        } }
                    }
                    form.stacked method="post" action=(lang.link(&format!("/municipalities/{code}/share-links"))) {
                        input type="hidden" name="csrf" value=(csrf);
                        input type="hidden" name="half" value=(half);
                        label for=(format!("label-{half}")) { (lang.t("Voor wie (niet verplicht)", "For whom (optional)")) }
                        input id=(format!("label-{half}")) name="label" type="text" maxlength=(LABEL_MAX);
                        label for=(format!("days-{half}")) { (lang.t("Geldig (dagen, 1 tot en met ", "Valid (days, 1 to ")) (MAX_DAYS) ")" }
                        input id=(format!("days-{half}")) name="days" type="number" min="1" max=(MAX_DAYS) value=(DEFAULT_DAYS) required;
                        p { button type="submit" { (lang.t("Deellink maken voor ", "Make a share link for ")) (half) } }
                    }
                }
            }
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

fn to_reports(lang: Lang, code: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((
            LOCATION,
            lang.link(&format!("/municipalities/{code}/reports")),
        ))
        .finish()
}

fn half_of(signed: &Signed, text: &str) -> Result<crate::domain::period::Period, WebError> {
    parse_half(text).ok_or_else(|| {
        signed.error(ApiError::bad_request(
            "invalid_half_year",
            format!("{text:?} is not a half year; use 2026-H1 or 2026-H2"),
        ))
    })
}

/// Publishes (freezes) a half year's report, as the API's publish does.
#[post("/municipalities/{code}/reports/{half}/publish")]
pub async fn publish(
    signed: Signed,
    path: web::Path<(String, String)>,
    form: web::Form<CsrfForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, WebError> {
    signed.check_csrf(&form.csrf)?;
    let (code, half_text) = path.into_inner();
    let code = municipality_code(&code).map_err(|e| signed.error(e))?;
    ItselfOnly::check(&signed.caller, &code).map_err(|e| signed.error(e))?;
    let half = half_of(&signed, &half_text)?;
    let reference = state.reference.clone();
    let actor = signed.caller.actor();
    let db_code = code.clone();
    let published = signed
        .caller
        .db(&state, move |conn| {
            publication::publish(
                conn,
                &reference,
                &db_code,
                half,
                &actor,
                Utc::now().naive_utc(),
            )
        })
        .await
        .map_err(|e| signed.error(e))?;
    match published {
        Some(_) => Ok(to_reports(signed.lang, &code)),
        None => Err(signed.error(ApiError::Conflict(format!(
            "the report for {half} is already published"
        )))),
    }
}

#[derive(Debug, Deserialize)]
pub struct NewLinkForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    half: String,
    #[serde(default)]
    label: String,
    #[serde(default)]
    days: String,
}

/// Makes a share link and shows it, once.
#[post("/municipalities/{code}/share-links")]
pub async fn create(
    req: HttpRequest,
    signed: Signed,
    path: web::Path<String>,
    form: web::Form<NewLinkForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, WebError> {
    signed.check_csrf(&form.csrf)?;
    let lang = signed.lang;
    let code = municipality_code(&path.into_inner()).map_err(|e| signed.error(e))?;
    ItselfOnly::check(&signed.caller, &code).map_err(|e| signed.error(e))?;
    let form = form.into_inner();
    let half = half_of(&signed, &form.half)?;
    let invalid = |message: String| {
        signed.error(ApiError::Unprocessable {
            code: "validation_failed",
            message,
        })
    };
    let days = match form.days.trim() {
        "" => DEFAULT_DAYS,
        text => text
            .parse::<u32>()
            .map_err(|_| invalid(format!("days is a whole number from 1 to {MAX_DAYS}")))?,
    };
    let valid_for =
        lifetime(days).map_err(|_| invalid(format!("a link lasts 1 to {MAX_DAYS} days")))?;
    let label = check_label(&form.label)
        .map_err(|_| {
            invalid(format!(
                "the label is one line of at most {LABEL_MAX} characters"
            ))
        })?
        .map(str::to_string);
    let actor = signed.caller.actor();
    let db_code = code.clone();
    let now = Utc::now().naive_utc();
    let created = signed
        .caller
        .db(&state, move |conn| {
            share_links::create(
                conn,
                &actor,
                &db_code,
                half,
                label.as_deref(),
                now + valid_for,
                now,
            )
        })
        .await
        .map_err(|e| signed.error(e))?;
    let Created::Link { token, .. } = created else {
        return Err(signed.error(ApiError::Conflict(format!(
            "the report for {half} is not published; publish it before sharing it"
        ))));
    };
    let info = req.connection_info();
    let address = format!("{}://{}/share/{token}", info.scheme(), info.host());
    let body = html! {
        h1 { (lang.t("Deellink gemaakt", "Share link made")) }
        p.notice role="status" {
            (lang.t(
                "Bewaar of verstuur deze link nu: hij wordt niet nog eens getoond. Wie hem heeft, kan de gepubliceerde rapportage ",
                "Keep or send this link now: it is not shown again. Whoever has it can read the published report ",
            ))
            (half) (lang.t(" lezen tot ", " until ")) (day(now + valid_for)) "."
        }
        div.stacked {
            label for="share-link" { (lang.t("Deellink", "Share link")) }
            input id="share-link" type="text" readonly value=(address);
        }
        p { a href=(address) { (lang.t("Open de deellink", "Open the share link")) } }
        p { a href=(lang.link(&format!("/municipalities/{code}/reports"))) { (lang.t("Terug naar de rapportages", "Back to the reports")) } }
    };
    Ok(layout::page(
        StatusCode::CREATED,
        lang,
        lang.t("Deellink gemaakt", "Share link made"),
        Some(&signed.nav(Some(&code))),
        body,
    ))
}

#[post("/municipalities/{code}/share-links/{id}/revoke")]
pub async fn revoke(
    signed: Signed,
    path: web::Path<(String, i64)>,
    form: web::Form<CsrfForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, WebError> {
    signed.check_csrf(&form.csrf)?;
    let (code, id) = path.into_inner();
    let code = municipality_code(&code).map_err(|e| signed.error(e))?;
    ItselfOnly::check(&signed.caller, &code).map_err(|e| signed.error(e))?;
    let actor = signed.caller.actor();
    let db_code = code.clone();
    let revoked = signed
        .caller
        .db(&state, move |conn| {
            share_links::revoke(conn, &actor, &db_code, id, Utc::now().naive_utc())
        })
        .await
        .map_err(|e| signed.error(e))?;
    if revoked {
        Ok(to_reports(signed.lang, &code))
    } else {
        Err(signed.error(ApiError::not_found(
            "share_link_not_found",
            format!("municipality {code} has no open share link {id}"),
        )))
    }
}
