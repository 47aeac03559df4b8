//! Declaring a month complete (gereedmelding) and the corporation's receipts
//! (ontvangstbewijzen), through `service::submissions` as `POST /api/v1/submissions`: only a
//! corporation, only for a municipality it is registered for, only a month that has begun.

use actix_web::http::header::LOCATION;
use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use chrono::Utc;
use maud::html;
use serde::Deserialize;

use super::error::WebError;
use super::fields::FormState;
use super::layout;
use super::lettings::corporation;
use super::session::Signed;
use crate::api::error::ApiError;
use crate::api::AppState;
use crate::domain::submission::Month;
use crate::service::submissions::{self, ReceiptBody};

/// Receipts shown.
const RECEIPTS: i64 = 100;

#[derive(Debug, Deserialize)]
pub struct DeclaredQuery {
    #[serde(default)]
    declared: Option<String>,
}

#[get("/submissions")]
pub async fn page(
    signed: Signed,
    query: web::Query<DeclaredQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, WebError> {
    render(
        &signed,
        &state,
        StatusCode::OK,
        FormState::new(),
        query.declared.is_some(),
    )
    .await
}

async fn render(
    signed: &Signed,
    state: &AppState,
    status: StatusCode,
    form: FormState,
    declared: bool,
) -> Result<HttpResponse, WebError> {
    let corporation = corporation(signed)?;
    let lang = signed.lang;
    let receipts: Vec<ReceiptBody> = signed
        .caller
        .db(state, move |conn| {
            submissions::receipts(conn, &corporation, RECEIPTS)
        })
        .await
        .map_err(|e| signed.error(e))?;
    let municipalities: Vec<String> = signed
        .person
        .organisation
        .municipalities
        .iter()
        .cloned()
        .collect();
    let this_month = Utc::now().format("%Y-%m").to_string();
    let chosen = form.value("municipality", "").to_string();
    let body = html! {
        h1 { (lang.t("Maand gereedmelden", "Declare a month complete")) }
        @if declared {
            @if let Some(receipt) = receipts.first() {
                p.notice role="status" {
                    (lang.t("Gereedgemeld: ", "Declared: ")) (receipt.municipality) " " (receipt.month) ", "
                    (receipt.lettings) " " (lang.t("verhuringen; digest ", "lettings; digest ")) code { (receipt.digest) }
                }
            }
        }
        p { (lang.t(
            "Met een gereedmelding verklaart u dat de verhuringen van een maand compleet zijn aangeleverd. U krijgt een ontvangstbewijs met het aantal verhuringen en een digest (SHA-256) waarmee u het zelf kunt narekenen. Wijzigt er later iets in die maand, meld dan opnieuw gereed.",
            "A declaration says the lettings of a month are delivered in full. You get a receipt with the number of lettings and a digest (SHA-256) to check it yourself. If anything in that month changes later, declare it again.",
        )) }
        (form.summary(lang, |f| format!("declare-{f}")))
        form.stacked method="post" action=(lang.link("/submissions")) {
            input type="hidden" name="csrf" value=(signed.person.csrf_token);
            label for="declare-municipality" { (lang.t("Gemeente", "Municipality")) }
            select id="declare-municipality" name="municipality" aria-invalid=[form.invalid("municipality")] aria-describedby=[form.described_by("declare-municipality", "municipality")] {
                @for m in &municipalities {
                    option value=(m) selected[*m == chosen] { (m) }
                }
            }
            (form.message_for("declare-municipality", "municipality"))
            label for="declare-month" { (lang.t("Maand (jjjj-mm)", "Month (yyyy-mm)")) }
            input id="declare-month" name="month" type="month" required max=(this_month) value=(form.value("month", "")) aria-invalid=[form.invalid("month")] aria-describedby=[form.described_by("declare-month", "month")];
            (form.message_for("declare-month", "month"))
            p { button type="submit" { (lang.t("Gereedmelden", "Declare complete")) } }
        }
        h2 { (lang.t("Ontvangstbewijzen", "Receipts")) }
        @if receipts.is_empty() {
            p { (lang.t("Nog geen gereedmeldingen.", "No declarations yet.")) }
        } @else {
            div.table-wrap {
                table {
                    caption { (lang.t("Ontvangstbewijzen, nieuwste eerst", "Receipts, newest first")) }
                    thead { tr {
                        th scope="col" { (lang.t("Gemeente", "Municipality")) }
                        th scope="col" { (lang.t("Maand", "Month")) }
                        th.num scope="col" { (lang.t("Verhuringen", "Lettings")) }
                        th scope="col" { "Digest (SHA-256)" }
                        th scope="col" { (lang.t("Gereedgemeld op", "Declared at")) }
                    } }
                    tbody {
                        @for r in &receipts {
                            tr {
                                td { (r.municipality) }
                                td { (r.month) }
                                td.num { (r.lettings) }
                                td { code.digest { (r.digest) } }
                                td { (r.declared_at.format("%Y-%m-%d %H:%M:%S UTC")) }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::page(
        status,
        lang,
        lang.t("Gereedmelden", "Declare complete"),
        Some(&signed.nav(None)),
        body,
    ))
}

#[derive(Debug, Deserialize)]
pub struct DeclareForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    municipality: String,
    #[serde(default)]
    month: String,
}

#[post("/submissions")]
pub async fn declare(
    signed: Signed,
    form: web::Form<DeclareForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, WebError> {
    signed.check_csrf(&form.csrf)?;
    let corporation = corporation(&signed)?;
    let lang = signed.lang;
    let DeclareForm {
        municipality,
        month,
        ..
    } = form.into_inner();
    let now = Utc::now().naive_utc();
    let mut check = FormState::posted([
        ("municipality", municipality.as_str()),
        ("month", month.as_str()),
    ]);
    if !signed.caller.org().municipalities.contains(&municipality) {
        check.error(
            "municipality",
            lang.t(
                "Kies een gemeente waarvoor uw corporatie is aangemeld.",
                "Choose a municipality your corporation is registered for.",
            ),
        );
    }
    let parsed = match month.trim().parse::<Month>() {
        Ok(m) if m.is_future(now.date()) => {
            check.error(
                "month",
                lang.t(
                    "Deze maand is nog niet begonnen; gereedmelden kan vanaf de eerste dag.",
                    "This month has not begun; it can be declared from its first day.",
                ),
            );
            None
        }
        Ok(m) => Some(m),
        Err(_) => {
            check.error(
                "month",
                lang.t(
                    "Vul een maand in als jjjj-mm, bijvoorbeeld 2026-03.",
                    "Enter a month as yyyy-mm, e.g. 2026-03.",
                ),
            );
            None
        }
    };
    let Some(month) = parsed.filter(|_| !check.has_errors()) else {
        return render(
            &signed,
            &state,
            StatusCode::UNPROCESSABLE_ENTITY,
            check,
            false,
        )
        .await;
    };
    let actor = signed.caller.actor();
    signed
        .caller
        .db(&state, move |conn| {
            submissions::declare(conn, &actor, &corporation, &municipality, month, now)
        })
        .await
        .map_err(|e: ApiError| signed.error(e))?;
    Ok(HttpResponse::SeeOther()
        .insert_header((LOCATION, lang.link("/submissions?declared=1")))
        .finish())
}
