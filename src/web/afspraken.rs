//! Afspraken: every numbered afspraak of the municipality's agreement with its traffic light,
//! trekker, planning and updates, and a form to post an update for those who may (the
//! municipality, and the afspraak's trekker).

use actix_web::http::header::LOCATION;
use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use chrono::Utc;
use maud::html;
use serde::Deserialize;

use super::error::WebError;
use super::layout;
use super::session::Signed;
use super::text::Lang;
use crate::api::error::ApiError;
use crate::api::guards::{municipality_code, Access, Readers};
use crate::api::AppState;
use crate::domain::afspraken::{may_update, ProgressStatus, MAX_ESCALATION};
use crate::domain::audit::check_note;
use crate::domain::small_numbers::Viewer;
use crate::service::afspraken::{self, UpdateOutcome, UpdateRequest};

/// The stylesheet's state class for a light: the same colours as the quota states.
fn light_class(light: &str) -> &'static str {
    match light {
        "green" => "state state-ok",
        "orange" => "state state-warning",
        "red" => "state state-breach",
        _ => "state state-no_limit",
    }
}

fn light_word(light: &str, lang: Lang) -> &'static str {
    match light {
        "green" => lang.t("groen", "green"),
        "orange" => lang.t("oranje", "orange"),
        "red" => lang.t("rood", "red"),
        _ => lang.t("grijs", "grey"),
    }
}

fn status_word(status: &str, lang: Lang) -> &'static str {
    match (ProgressStatus::parse(status), lang) {
        (Some(s), Lang::Nl) => s.dutch(),
        (Some(s), Lang::En) => s.as_str(),
        (None, _) => "–",
    }
}

#[get("/municipalities/{code}/afspraken")]
pub async fn afspraken_page(
    signed: Signed,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, WebError> {
    let lang = signed.lang;
    let code = municipality_code(&path.into_inner()).map_err(|e| signed.error(e))?;
    Readers::check(&signed.caller, &code).map_err(|e| signed.error(e))?;
    let viewer = Viewer::of(signed.caller.org(), &code);
    let reference = state.reference.clone();
    let today = Utc::now().date_naive();
    let db_code = code.clone();
    let list = signed
        .caller
        .db(&state, move |conn| {
            afspraken::list(conn, &reference, &db_code, today, &viewer)
        })
        .await
        .map_err(|e| signed.error(e))?;
    let org = signed.caller.org().clone();
    let csrf = signed.person.csrf_token.clone();
    let body = html! {
        h1 { (lang.t("Afspraken", "Agreements")) " " (code) }
        p {
            (lang.t("Elke afspraak met haar trekker, planning en voortgang. Het stoplicht: ",
                    "Each afspraak with its lead party, planning and progress. The light: "))
            (lang.t("rood als de termijn voorbij is en de afspraak niet is afgerond, oranje als de termijn binnen 60 dagen verstrijkt en er nog niets is gestart of als er vertraging is gemeld, groen als ze loopt of is afgerond, grijs als er niets te doen is. Een afspraak met een cijfer uit de monitor krijgt de kleur van dat cijfer.",
                    "red when the deadline has passed and it is not done, orange when the deadline is within 60 days and nothing has started or a delay was reported, green when in progress or done, grey when nothing is due. An afspraak with a figure of the monitor takes that figure's colour."))
        }
        p {
            strong { (list.lights.red) } " " (lang.t("rood", "red")) " · "
            strong { (list.lights.orange) } " " (lang.t("oranje", "orange")) " · "
            strong { (list.lights.green) } " " (lang.t("groen", "green")) " · "
            strong { (list.lights.grey) } " " (lang.t("grijs", "grey"))
        }
        @if !list.afspraken.is_empty() {
            (layout::scroll_table(lang.t("Alle afspraken in één oogopslag", "Every afspraak at a glance"), html! {
                table {
                    caption { (lang.t("In één oogopslag", "At a glance")) }
                    thead { tr {
                        th scope="col" { (lang.t("Afspraak", "Afspraak")) }
                        th scope="col" { (lang.t("Inhoud", "What")) }
                        th scope="col" { (lang.t("Trekker", "Lead party")) }
                        th scope="col" { (lang.t("Stoplicht", "Light")) }
                        th scope="col" { (lang.t("Termijn", "Deadline")) }
                        th scope="col" { (lang.t("Status", "Status")) }
                    } }
                    tbody {
                        @for afspraak in &list.afspraken {
                            tr {
                                td { a href=(format!("#afspraak-{}", afspraak.key)) {
                                    (afspraak.section) " · "
                                    @if let Some(number) = &afspraak.number { (lang.t("afspraak", "afspraak")) " " (number) } @else { (afspraak.theme) }
                                } }
                                td { (afspraak.text.chars().take(90).collect::<String>()) @if afspraak.text.chars().count() > 90 { "…" } }
                                td { (afspraak.trekker) }
                                td { span class=(light_class(afspraak.light)) { (light_word(afspraak.light, lang)) } " · " (afspraak.reason_text) }
                                td { (afspraak.deadline.map(|d| d.format("%d-%m-%Y").to_string()).unwrap_or_else(|| "–".into())) }
                                td { (afspraak.status.as_deref().map_or("–", |s| status_word(s, lang))) }
                            }
                        }
                    }
                }
            }))
        }
        @if list.afspraken.is_empty() {
            p { (lang.t("Voor deze gemeente zijn geen afspraken vastgelegd.", "No afspraken are recorded for this municipality.")) }
        }
        @for afspraak in &list.afspraken {
            section aria-labelledby=(format!("afspraak-{}", afspraak.key)) {
                h2 id=(format!("afspraak-{}", afspraak.key)) {
                    (afspraak.section) " · " (afspraak.theme)
                    @if let Some(number) = &afspraak.number { " · " (lang.t("afspraak", "afspraak")) " " (number) }
                }
                p { (afspraak.text) }
                p {
                    span class=(light_class(afspraak.light)) { (light_word(afspraak.light, lang)) }
                    " · " (afspraak.reason_text)
                    @if let Some(state) = &afspraak.linked_state { " (" (state) ")" }
                }
                dl {
                    dt { (lang.t("Trekker", "Lead party")) } dd { (afspraak.trekker) }
                    dt { (lang.t("Planning", "Planning")) } dd {
                        (afspraak.planning)
                        @if let Some(deadline) = afspraak.deadline { " · " (lang.t("termijn", "deadline")) " " (deadline.format("%d-%m-%Y")) }
                    }
                    dt { (lang.t("Status", "Status")) } dd {
                        (afspraak.status.as_deref().map_or("–", |s| status_word(s, lang)))
                        @if afspraak.escalation_level > 0 { " · " (lang.t("escalatie", "escalation")) ": " (afspraak.escalation_text) }
                    }
                }
                @if let Some(remark) = &afspraak.remark { p.notice { (remark) } }
                @if !afspraak.updates.is_empty() {
                    table {
                        caption { (lang.t("Voortgang", "Progress")) }
                        thead { tr {
                            th scope="col" { (lang.t("Datum", "Date")) }
                            th scope="col" { (lang.t("Door", "By")) }
                            th scope="col" { (lang.t("Status", "Status")) }
                            th scope="col" { (lang.t("Toelichting", "Note")) }
                        } }
                        tbody {
                            @for update in &afspraak.updates {
                                tr {
                                    td { (update.at.format("%d-%m-%Y")) }
                                    td { (update.organisation) }
                                    td { (status_word(&update.status, lang)) }
                                    td { (update.note) }
                                }
                            }
                        }
                    }
                }
                @if may_update(&org, &code, &afspraak.trekker) {
                    @let id = format!("update-{}", afspraak.key);
                    details {
                    summary { (lang.t("Voortgang melden", "Report progress")) }
                    form.stacked method="post" action=(lang.link(&format!("/municipalities/{code}/afspraken/{}/updates", afspraak.key))) {
                        input type="hidden" name="csrf" value=(csrf);
                        label for=(format!("{id}-status")) { (lang.t("Status", "Status")) }
                        select id=(format!("{id}-status")) name="status" {
                            @for status in ProgressStatus::ALL {
                                option value=(status.as_str()) selected[afspraak.status.as_deref() == Some(status.as_str())] { (status_word(status.as_str(), lang)) }
                            }
                        }
                        label for=(format!("{id}-escalation")) { (lang.t("Escalatie", "Escalation")) }
                        select id=(format!("{id}-escalation")) name="escalation_level" {
                            @for level in 0..=MAX_ESCALATION {
                                option value=(level) { (crate::domain::afspraken::escalation_dutch(level)) }
                            }
                        }
                        label for=(format!("{id}-note")) { (lang.t("Toelichting", "Note")) }
                        textarea id=(format!("{id}-note")) name="note" rows="2" maxlength="4000" required {}
                        p { button type="submit" { (lang.t("Voortgang opslaan", "Save progress")) } }
                    }
                    }
                }
            }
        }
    };
    Ok(layout::page(
        StatusCode::OK,
        lang,
        lang.t("Afspraken", "Agreements"),
        Some(&signed.nav(Some(&code))),
        body,
    ))
}

#[derive(Debug, Deserialize)]
pub struct UpdateForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    escalation_level: i32,
    #[serde(default)]
    note: String,
}

#[post("/municipalities/{code}/afspraken/{key}/updates")]
pub async fn post_update(
    signed: Signed,
    path: web::Path<(String, String)>,
    form: web::Form<UpdateForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, WebError> {
    signed.check_csrf(&form.csrf)?;
    let lang = signed.lang;
    let (code, key) = path.into_inner();
    let code = municipality_code(&code).map_err(|e| signed.error(e))?;
    Readers::check(&signed.caller, &code).map_err(|e| signed.error(e))?;
    let form = form.into_inner();
    let invalid = |message: String| {
        signed.error(ApiError::Unprocessable {
            code: "validation_failed",
            message,
        })
    };
    let status = ProgressStatus::parse(&form.status)
        .ok_or_else(|| invalid(format!("{:?} is not a status", form.status)))?;
    if !(0..=MAX_ESCALATION).contains(&form.escalation_level) {
        return Err(invalid(format!(
            "escalation level must be 0 to {MAX_ESCALATION}"
        )));
    }
    check_note(&form.note).map_err(|p| invalid(p.to_string()))?;
    let request = UpdateRequest {
        municipality: code.clone(),
        key: key.clone(),
        status,
        escalation_level: form.escalation_level,
        note: form.note,
    };
    let writer = signed.caller.org().clone();
    let actor = signed.caller.actor();
    let reference = state.reference.clone();
    let outcome = signed
        .caller
        .db(&state, move |conn| {
            afspraken::post_update(
                conn,
                &reference,
                &writer,
                &actor,
                &request,
                Utc::now().naive_utc(),
            )
        })
        .await
        .map_err(|e| signed.error(e))?;
    match outcome {
        UpdateOutcome::Added(_) => Ok(HttpResponse::SeeOther()
            .insert_header((
                LOCATION,
                lang.link(&format!("/municipalities/{code}/afspraken")),
            ))
            .finish()),
        UpdateOutcome::NotAllowed { trekker } => Err(signed.error(ApiError::Forbidden(format!(
            "only municipality {code} and the trekker ({trekker}) may post an update on afspraak {key}"
        )))),
        UpdateOutcome::NoSuchAfspraak => Err(signed.error(ApiError::not_found(
            "afspraak_not_found",
            format!("the agreement of {code} has no afspraak {key:?}"),
        ))),
    }
}
