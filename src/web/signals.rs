//! Signals: a municipality's alerts with their history and notes, as the API's alert list shows
//! them to this reader, and a form to add a note for those who may (the municipality, and the
//! corporation whose scope the alert is on).

use actix_web::http::header::LOCATION;
use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use chrono::Utc;
use maud::html;
use serde::Deserialize;
use serde_json::Value;

use super::error::WebError;
use super::layout;
use super::session::Signed;
use super::text::Lang;
use crate::api::error::ApiError;
use crate::api::guards::{municipality_code, Access, Readers};
use crate::api::AppState;
use crate::domain::audit::check_note;
use crate::domain::small_numbers::Viewer;
use crate::report::labels::{self, label};
use crate::service::alert_list::list_for;
use crate::service::alert_notes::{self, NoteOutcome};

fn report_lang(lang: Lang) -> labels::Lang {
    match lang {
        Lang::Nl => labels::Lang::Nl,
        Lang::En => labels::Lang::En,
    }
}

fn level_words(level: &str, lang: Lang) -> &'static str {
    match level {
        "breach" => lang.t("overschreden", "breach"),
        "warning" => lang.t("waarschuwing", "warning"),
        _ => lang.t("in orde", "ok"),
    }
}

fn shown(value: &Value) -> String {
    match value {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        _ => "–".into(),
    }
}

#[get("/municipalities/{code}/signals")]
pub async fn signals(
    signed: Signed,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, WebError> {
    let lang = signed.lang;
    let code = municipality_code(&path.into_inner()).map_err(|e| signed.error(e))?;
    Readers::check(&signed.caller, &code).map_err(|e| signed.error(e))?;
    let viewer = Viewer::of(signed.caller.org(), &code);
    let db_code = code.clone();
    let list = signed
        .caller
        .db(&state, move |conn| {
            list_for(conn, &db_code, None, None, &viewer)
        })
        .await
        .map_err(|e| signed.error(e))?;
    let org = signed.caller.org().clone();
    let alerts = list["alerts"].as_array().cloned().unwrap_or_default();
    let csrf = signed.person.csrf_token.clone();
    let body = html! {
        h1 { (lang.t("Signalen", "Signals")) " " (code) }
        @if alerts.is_empty() {
            p { (lang.t("Er zijn geen signalen.", "There are no signals.")) }
        }
        @for alert in &alerts {
            @let id = alert["id"].as_i64().unwrap_or_default();
            @let metric = alert["metric"].as_str().unwrap_or_default();
            @let corporation = alert["corporation"].as_str().unwrap_or_default();
            @let level = alert["level"].as_str().unwrap_or_default();
            section aria-labelledby=(format!("alert-{id}")) {
                h2 id=(format!("alert-{id}")) {
                    (label(metric, report_lang(lang))) " · "
                    @if corporation.is_empty() { (lang.t("gemeente totaal", "municipality total")) } @else { (corporation) }
                    " · " (alert["year"])
                }
                p {
                    span class=(format!("state state-{level}")) { (level_words(level, lang)) }
                    " · " (if alert["state"] == "open" { lang.t("open", "open") } else { lang.t("afgesloten", "resolved") })
                }
                @let history = format!("{} {}", lang.t("Verloop van signaal", "History of signal"), id);
                (layout::scroll_table(&history, html! { table {
                    caption { (lang.t("Verloop", "History")) }
                    thead { tr {
                        th scope="col" { (lang.t("Wanneer", "When")) }
                        th scope="col" { (lang.t("Wijziging", "Change")) }
                        th.num scope="col" { (lang.t("Aantal", "Count")) }
                    } }
                    tbody {
                        @for event in alert["history"].as_array().into_iter().flatten() {
                            tr {
                                td { (event["at"].as_str().unwrap_or_default().get(..10).unwrap_or_default()) }
                                td { (label(event["change"].as_str().unwrap_or_default(), report_lang(lang))) " (" (level_words(event["level"].as_str().unwrap_or_default(), lang)) ")" }
                                td.num { (shown(&event["count"])) " / " (shown(&event["denominator"])) }
                            }
                        }
                    }
                } }))
                h3 { (lang.t("Notities", "Notes")) }
                @let notes = alert["notes"].as_array().cloned().unwrap_or_default();
                @if notes.is_empty() { p.muted { (lang.t("Nog geen notities.", "No notes yet.")) } }
                ul {
                    @for note in &notes {
                        li {
                            span.muted { (note["created_at"].as_str().unwrap_or_default().get(..10).unwrap_or_default()) " · " (note["organisation"].as_str().unwrap_or_default()) }
                            br;
                            (note["text"].as_str().unwrap_or_default())
                        }
                    }
                }
                @if alert_notes::may_write(&org, &code, corporation) {
                    form.stacked method="post" action=(lang.link(&format!("/municipalities/{code}/signals/{id}/notes"))) {
                        input type="hidden" name="csrf" value=(csrf);
                        label for=(format!("note-{id}")) { (lang.t("Notitie toevoegen", "Add a note")) }
                        textarea id=(format!("note-{id}")) name="text" rows="3" maxlength="4000" required {}
                        p { button type="submit" { (lang.t("Opslaan", "Save")) } }
                    }
                }
            }
        }
    };
    Ok(layout::page(
        StatusCode::OK,
        lang,
        lang.t("Signalen", "Signals"),
        Some(&signed.nav(Some(&code))),
        body,
    ))
}

#[derive(Debug, Deserialize)]
pub struct NoteForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    text: String,
}

#[post("/municipalities/{code}/signals/{id}/notes")]
pub async fn add_note(
    signed: Signed,
    path: web::Path<(String, i64)>,
    form: web::Form<NoteForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, WebError> {
    signed.check_csrf(&form.csrf)?;
    let lang = signed.lang;
    let (code, id) = path.into_inner();
    let code = municipality_code(&code).map_err(|e| signed.error(e))?;
    Readers::check(&signed.caller, &code).map_err(|e| signed.error(e))?;
    let text = form.into_inner().text;
    check_note(&text).map_err(|p| {
        signed.error(ApiError::Unprocessable {
            code: "validation_failed",
            message: p.to_string(),
        })
    })?;
    let writer = signed.caller.org().clone();
    let actor = signed.caller.actor();
    let municipality = code.clone();
    let outcome = signed
        .caller
        .db(&state, move |conn| {
            alert_notes::add(
                conn,
                &writer,
                &actor,
                &municipality,
                id,
                &text,
                Utc::now().naive_utc(),
            )
        })
        .await
        .map_err(|e| signed.error(e))?;
    match outcome {
        NoteOutcome::Added(_) => Ok(HttpResponse::SeeOther()
            .insert_header((LOCATION, lang.link(&format!("/municipalities/{code}/signals"))))
            .finish()),
        NoteOutcome::NotAllowed => Err(signed.error(ApiError::Forbidden(format!(
            "only municipality {code} and the corporation whose scope alert {id} is on may write a note on it"
        )))),
        NoteOutcome::NoSuchAlert => Err(signed.error(ApiError::not_found(
            "alert_not_found",
            format!("municipality {code} has no alert {id}"),
        ))),
    }
}
