//! Upload (corporations): a CSV or JSON file in a form. "Controleren" tries the batch (the
//! API's dry run: everything but the commit) and shows the problems and warnings per line and
//! field; "Opslaan" posts it for real, refused whole when anything is wrong, as in the API. The
//! file is read with the API's ingest ([`ingest::read_batch`], [`ingest::check_batch`]) and
//! stored with [`post_batch`].

use std::io::Cursor;

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use chrono::Utc;
use futures_util::StreamExt;
use maud::{html, Markup};

use super::error::WebError;
use super::layout;
use super::session::Signed;
use super::text::Lang;
use crate::api::error::ApiError;
use crate::api::AppState;
use crate::domain::problem::ProblemList;
use crate::service::ingest::{self, BatchContext, BodyError, BodyFormat};
use crate::service::letting_changes::{post_batch, Commit};

fn form(lang: Lang, csrf: &str) -> Markup {
    html! {
        form.stacked method="post" enctype="multipart/form-data" action=(lang.link("/upload")) {
            input type="hidden" name="csrf" value=(csrf);
            label for="file" { (lang.t("Bestand (CSV of JSON)", "File (CSV or JSON)")) }
            input id="file" name="file" type="file" accept=".csv,.json,text/csv,application/json" required;
            p {
                button type="submit" name="action" value="check" { (lang.t("Controleren", "Check")) }
                " "
                button type="submit" name="action" value="store" { (lang.t("Opslaan", "Store")) }
            }
        }
        p.muted { (lang.t(
            "Controleren slaat niets op. Opslaan slaat alles op of, als er één fout is, niets.",
            "Check stores nothing. Store keeps the whole file or, if anything is wrong, nothing.",
        )) }
    }
}

fn problems_table(caption: &str, list: &ProblemList, lang: Lang) -> Markup {
    let table = html! {
            table {
                caption { (caption) " (" (list.total()) ")" }
                thead { tr {
                    th.num scope="col" { (lang.t("Regel", "Line")) }
                    th scope="col" { (lang.t("Kenmerk", "Reference")) }
                    th scope="col" { (lang.t("Veld", "Field")) }
                    th scope="col" { (lang.t("Melding", "Message")) }
                } }
                tbody {
                    @for p in list.listed() {
                        tr {
                            td.num { (p.line.map(|l| l.to_string()).or(p.index.map(|i| format!("#{i}"))).unwrap_or_default()) }
                            td { (p.reference.as_deref().unwrap_or("")) }
                            td { (p.field.as_deref().unwrap_or("")) }
                            td { (p.message) }
                        }
                    }
                }
            }
    };
    html! {
        (layout::scroll_table(caption, table))
        @if list.is_truncated() {
            p.muted { (lang.t("Alleen de eerste 1000 staan hier.", "Only the first 1000 are listed."))}
        }
    }
}

fn require_corporation(signed: &Signed) -> Result<String, WebError> {
    signed
        .caller
        .require_corporation()
        .map(str::to_string)
        .map_err(|e| signed.error(e))
}

#[get("/upload")]
pub async fn upload_form(signed: Signed) -> Result<HttpResponse, WebError> {
    require_corporation(&signed)?;
    let lang = signed.lang;
    Ok(layout::page(
        StatusCode::OK,
        lang,
        lang.t("Aanleveren", "Upload"),
        Some(&signed.nav(None)),
        html! {
            h1 { (lang.t("Verhuringen aanleveren", "Upload lettings")) }
            (form(lang, &signed.person.csrf_token))
        },
    ))
}

/// The form's fields: the CSRF token, the action and the file, the file at most `limit` bytes.
async fn read_form(
    mut multipart: Multipart,
    limit: usize,
) -> Result<(String, String, Vec<u8>), ApiError> {
    let (mut csrf, mut action, mut file) = (String::new(), String::new(), Vec::new());
    while let Some(field) = multipart.next().await {
        let mut field =
            field.map_err(|e| ApiError::bad_request("malformed_body", e.to_string()))?;
        let name = field.name().unwrap_or_default().to_string();
        let mut value = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk =
                chunk.map_err(|e| ApiError::bad_request("malformed_body", e.to_string()))?;
            if value.len() + chunk.len() > limit {
                return Err(crate::api::body::too_large(limit));
            }
            value.extend_from_slice(&chunk);
        }
        match name.as_str() {
            "csrf" => csrf = String::from_utf8_lossy(&value).into_owned(),
            "action" => action = String::from_utf8_lossy(&value).into_owned(),
            "file" => file = value,
            _ => {}
        }
    }
    Ok((csrf, action, file))
}

#[post("/upload")]
pub async fn upload(
    signed: Signed,
    multipart: Multipart,
    state: web::Data<AppState>,
) -> Result<HttpResponse, WebError> {
    let lang = signed.lang;
    let (csrf, action, file) = read_form(multipart, state.max_body_bytes)
        .await
        .map_err(|e| signed.error(e))?;
    signed.check_csrf(&csrf)?;
    let corporation = require_corporation(&signed)?;
    let commit = if action == "store" {
        Commit::Yes
    } else {
        Commit::DryRun
    };
    let _ingest = state
        .ingest_permits
        .clone()
        .try_acquire_owned()
        .map_err(|_| {
            signed.error(ApiError::Busy {
                message:
                    "the service is handling as many batches as it takes at once; try again shortly"
                        .into(),
                retry_after_seconds: 5,
            })
        })?;
    let reference = state.reference.clone();
    let registered = signed.caller.org().municipalities.clone();
    let max_records = state.max_batch_records;
    let actor = signed.caller.actor();
    let outcome = signed
        .caller
        .db(&state, move |conn| {
            let batch = match ingest::read_batch(Cursor::new(file), BodyFormat::Unknown, max_records) {
                Ok(batch) => batch,
                Err(BodyError::Header(problems)) => return Ok(Err((problems, ProblemList::new()))),
                Err(BodyError::Malformed(message)) => {
                    return Err(ApiError::bad_request("malformed_body", message))
                }
                Err(BodyError::TooManyRecords { limit }) => {
                    return Err(ApiError::PayloadTooLarge(format!(
                        "the file holds more than {limit} records; at most {limit} are accepted at once"
                    )))
                }
            };
            let foreign = batch
                .records
                .iter()
                .any(|r| r.raw.corporation_text().is_some_and(|c| c != corporation));
            if foreign {
                return Err(ApiError::Forbidden(format!(
                    "the file names another corporation; {corporation} can only deliver its own lettings"
                )));
            }
            let ctx = BatchContext {
                reference: &reference,
                registered_municipalities: &registered,
                today: Utc::now().date_naive(),
                decimal_comma: batch.decimal_comma,
            };
            let valid = match ingest::check_batch(&batch.records, &ctx) {
                Ok(valid) => valid,
                Err(problems) => return Ok(Err((problems, ProblemList::new()))),
            };
            let (counts, changes) = post_batch(
                conn,
                &reference,
                &actor,
                &corporation,
                &valid.lettings,
                Utc::now().naive_utc(),
                commit,
            )?;
            Ok(Ok((counts, changes.len(), valid.warnings)))
        })
        .await
        .map_err(|e| signed.error(e))?;
    let stored = commit == Commit::Yes;
    let (status, result) = match &outcome {
        Err((problems, _)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            html! {
                p.error role="alert" { (lang.t(
                    "Het bestand heeft fouten; er is niets opgeslagen. Herstel ze en probeer het opnieuw.",
                    "The file has problems; nothing was stored. Correct them and try again.",
                )) }
                (problems_table(lang.t("Fouten", "Problems"), problems, lang))
            },
        ),
        Ok((counts, alert_changes, warnings)) => (
            StatusCode::OK,
            html! {
                p.notice role="status" {
                    @if stored { (lang.t("Opgeslagen: ", "Stored: ")) } @else { (lang.t("Gecontroleerd, niets opgeslagen. Opslaan zou geven: ", "Checked, nothing stored. Storing would give: ")) }
                    (counts.received) " " (lang.t("ontvangen", "received")) ", "
                    (counts.created) " " (lang.t("nieuw", "new")) ", "
                    (counts.updated) " " (lang.t("gewijzigd", "changed")) ", "
                    (counts.unchanged) " " (lang.t("ongewijzigd", "unchanged")) "; "
                    (alert_changes) " " (lang.t("signaalwijziging(en)", "signal change(s)")) "."
                }
                @if !warnings.is_empty() {
                    (problems_table(lang.t("Waarschuwingen", "Warnings"), warnings, lang))
                }
            },
        ),
    };
    Ok(layout::page(
        status,
        lang,
        lang.t("Aanleveren", "Upload"),
        Some(&signed.nav(None)),
        html! {
            h1 { (lang.t("Verhuringen aanleveren", "Upload lettings")) }
            (result)
            @if !stored || outcome.is_err() {
                h2 { (lang.t("Opnieuw of opslaan", "Again, or store")) }
                (form(lang, &signed.person.csrf_token))
            }
        },
    ))
}
