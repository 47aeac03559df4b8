//! A corporation's own lettings: the list with filters, a letting with its history, and
//! withdrawing one. Record-level data, so only for the corporation that posted it: every page
//! starts with [`Caller::require_corporation`](crate::api::auth::Caller::require_corporation)
//! (403 for anyone else) and reads only the corporation's own records through the API's
//! service functions (`letting_export::page`, `letting_views::find`,
//! `letting_changes::withdraw`), so another corporation's reference is 404 as in the API.

use actix_web::http::header::LOCATION;
use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use chrono::Utc;
use maud::{html, Markup};
use serde::Deserialize;

use super::error::WebError;
use super::layout;
use super::session::Signed;
use super::text::Lang;
use crate::api::error::ApiError;
use crate::api::AppState;
use crate::domain::letting::is_municipality_code;
use crate::domain::period::Period;
use crate::report::labels::{self, label};
use crate::service::letting_changes::withdraw;
use crate::service::letting_export::{self, ListFilter};
use crate::service::letting_views::{self, LettingBody};

/// Lettings per page of the list.
const PAGE: i64 = 200;

fn report_lang(lang: Lang) -> labels::Lang {
    match lang {
        Lang::Nl => labels::Lang::Nl,
        Lang::En => labels::Lang::En,
    }
}

pub(super) fn corporation(signed: &Signed) -> Result<String, WebError> {
    signed
        .caller
        .require_corporation()
        .map(str::to_string)
        .map_err(|e| signed.error(e))
}

/// The kinds of letting the list can be narrowed to.
const KINDS: [&str; 5] = ["urgent", "status_holder", "not_counted", "withdrawn", "all"];

fn kind_words(kind: &str, lang: Lang) -> &'static str {
    match kind {
        "urgent" => lang.t("urgent", "urgent"),
        "status_holder" => lang.t("statushouder", "status holder"),
        "not_counted" => lang.t("telt niet mee", "not counted"),
        "withdrawn" => lang.t("ingetrokken", "withdrawn"),
        _ => lang.t("alle", "all"),
    }
}

fn of_kind(letting: &LettingBody, kind: &str) -> bool {
    match kind {
        "urgent" => letting.classification.urgent && !letting.withdrawn,
        "status_holder" => letting.status_holder && !letting.withdrawn,
        "not_counted" => !letting.classification.counted && !letting.withdrawn,
        "withdrawn" => letting.withdrawn,
        _ => true,
    }
}

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    municipality: String,
    #[serde(default)]
    month: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    cursor: String,
}

/// The address of a page about a reference: percent-encoded as one path segment, `/` included
/// (read back as `/`, as the API does).
fn link(path: &str, reference: &str, lang: Lang) -> String {
    let mut encoded = String::new();
    for byte in reference.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    lang.link(&format!("{path}{encoded}"))
}

#[get("/lettings")]
pub async fn list(
    signed: Signed,
    query: web::Query<ListQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, WebError> {
    let corporation = corporation(&signed)?;
    let lang = signed.lang;
    let query = query.into_inner();
    let kind = if KINDS.contains(&query.kind.as_str()) {
        query.kind.clone()
    } else {
        "all".to_string()
    };
    let month = query.month.trim().to_string();
    let contract_month = match month.as_str() {
        "" => None,
        text => match text.parse::<Period>() {
            Ok(Period::Month(year, m)) => Some(year * 100 + i32::from(m)),
            _ => {
                return Err(signed.error(ApiError::bad_request(
                    "invalid_query",
                    "month must be a month as YYYY-MM, e.g. 2026-03",
                )))
            }
        },
    };
    let municipality = query.municipality.trim().to_string();
    if !municipality.is_empty() && !is_municipality_code(&municipality) {
        return Err(signed.error(ApiError::bad_request(
            "invalid_query",
            "municipality must be a CBS code: GM followed by 4 digits, e.g. GM0629",
        )));
    }
    let filter = ListFilter {
        municipality: (!municipality.is_empty()).then(|| municipality.clone()),
        contract_month,
        withdrawn: kind == "withdrawn" || kind == "all",
        after: (!query.cursor.is_empty()).then(|| query.cursor.clone()),
        limit: PAGE,
    };
    let page = signed
        .caller
        .db(&state, move |conn| {
            letting_export::page(conn, &corporation, &filter)
        })
        .await
        .map_err(|e| signed.error(e))?;
    let shown: Vec<&LettingBody> = page.lettings.iter().filter(|l| of_kind(l, &kind)).collect();
    let municipalities: Vec<String> = signed
        .person
        .organisation
        .municipalities
        .iter()
        .cloned()
        .collect();
    let next = page.next_cursor.as_ref().map(|cursor| {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        q.append_pair("municipality", &municipality)
            .append_pair("month", &month)
            .append_pair("kind", &kind)
            .append_pair("cursor", cursor);
        lang.link(&format!("/lettings?{}", q.finish()))
    });
    let body = html! {
        h1 { (lang.t("Eigen verhuringen", "Own lettings")) }
        form.filters method="get" action="/lettings" {
            @if lang == Lang::En { input type="hidden" name="lang" value="en"; }
            div {
                label for="f-municipality" { (lang.t("Gemeente", "Municipality")) }
                select id="f-municipality" name="municipality" {
                    option value="" selected[municipality.is_empty()] { (lang.t("alle", "all")) }
                    @for m in &municipalities {
                        option value=(m) selected[*m == municipality] { (m) }
                    }
                }
            }
            div {
                label for="f-month" { (lang.t("Maand van ingang (jjjj-mm)", "Contract month (yyyy-mm)")) }
                input id="f-month" name="month" type="month" value=(month);
            }
            div {
                label for="f-kind" { (lang.t("Soort", "Kind")) }
                select id="f-kind" name="kind" {
                    @for k in KINDS {
                        option value=(k) selected[k == kind] { (kind_words(k, lang)) }
                    }
                }
            }
            div { button type="submit" { (lang.t("Toon", "Show")) } }
        }
        p { a href=(lang.link("/submissions")) { (lang.t("Maand gereedmelden en ontvangstbewijzen", "Declare a month complete, and receipts")) } }
        @if shown.is_empty() {
            p { (lang.t("Geen verhuringen gevonden met deze keuze.", "No lettings found for this choice.")) }
        } @else {
            (table(&shown, lang))
        }
        @if let Some(next) = next {
            p { a href=(next) { (lang.t("Volgende bladzijde", "Next page")) } }
        }
    };
    Ok(layout::page(
        StatusCode::OK,
        lang,
        lang.t("Eigen verhuringen", "Own lettings"),
        Some(&signed.nav(None)),
        body,
    ))
}

fn money(amount: &rust_decimal::Decimal, lang: Lang) -> String {
    lang.decimal(&amount.round_dp(2).to_string())
}

fn table(lettings: &[&LettingBody], lang: Lang) -> Markup {
    let rl = report_lang(lang);
    html! {
        div.table-wrap {
            table {
                caption { (lang.t("Verhuringen", "Lettings")) " (" (lettings.len()) ")" }
                thead { tr {
                    th scope="col" { (lang.t("Kenmerk", "Reference")) }
                    th scope="col" { (lang.t("Gemeente", "Municipality")) }
                    th scope="col" { (lang.t("Ingang", "Contract start")) }
                    th.num scope="col" { (lang.t("Huur (€)", "Rent (€)")) }
                    th.num scope="col" { (lang.t("Personen", "Persons")) }
                    th.num scope="col" { (lang.t("Inkomen (€)", "Income (€)")) }
                    th scope="col" { (lang.t("Route", "Route")) }
                    th scope="col" { (lang.t("Urgentie", "Urgency")) }
                    th scope="col" { (lang.t("Stand", "Status")) }
                } }
                tbody {
                    @for l in lettings {
                        tr {
                            th scope="row" { a href=(link("/lettings/", &l.reference, lang)) { (l.reference) } }
                            td { (l.municipality) }
                            td { (l.contract_start) }
                            td.num { (money(&l.rent, lang)) }
                            td.num { (l.household_size) }
                            td.num { (money(&l.household_income, lang)) }
                            td { (label(&l.route, rl)) }
                            td { (l.urgency.as_deref().map(|u| label(u, rl)).unwrap_or("–")) }
                            td {
                                @if l.withdrawn { (lang.t("ingetrokken", "withdrawn")) }
                                @else if l.classification.counted { (lang.t("telt mee", "counted")) }
                                @else { (lang.t("telt niet mee", "not counted")) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn change_words(change: &str, lang: Lang) -> &'static str {
    match change {
        "created" => lang.t("aangeleverd", "created"),
        "updated" => lang.t("gewijzigd", "updated"),
        "withdrawn" => lang.t("ingetrokken", "withdrawn"),
        "reinstated" => lang.t("hersteld", "reinstated"),
        _ => lang.t("wijziging", "change"),
    }
}

#[get("/lettings/{reference:.+}")]
pub async fn letting_page(
    signed: Signed,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, WebError> {
    let corporation = corporation(&signed)?;
    let lang = signed.lang;
    let reference = path.into_inner().replace("%2F", "/").replace("%2f", "/");
    let lookup = reference.clone();
    let found = signed
        .caller
        .db(&state, move |conn| {
            letting_views::find(conn, &corporation, &lookup, true)
        })
        .await
        .map_err(|e| signed.error(e))?
        .ok_or_else(|| signed.error(not_found()))?;
    let rl = report_lang(lang);
    let history = found.history.as_deref().unwrap_or_default();
    let body = html! {
        h1 { (lang.t("Verhuring", "Letting")) " " (found.reference) }
        p {
            (found.municipality) " · " (lang.t("ingang", "contract start")) " " (found.contract_start)
            " · " (lang.t("versie", "version")) " " (found.version) " · "
            @if found.withdrawn { strong { (lang.t("ingetrokken", "withdrawn")) } }
            @else if found.classification.counted { (lang.t("telt mee in de quota", "counted in the quotas")) }
            @else { (lang.t("telt niet mee in de quota", "not counted in the quotas")) }
        }
        div.table-wrap {
            table {
                caption { (lang.t("Geschiedenis, oudste eerst", "History, oldest first")) }
                thead { tr {
                    th.num scope="col" { (lang.t("Versie", "Version")) }
                    th scope="col" { (lang.t("Wijziging", "Change")) }
                    th scope="col" { (lang.t("Vastgelegd", "Recorded")) }
                    th scope="col" { (lang.t("Ingang", "Contract start")) }
                    th.num scope="col" { (lang.t("Huur (€)", "Rent (€)")) }
                    th.num scope="col" { (lang.t("Personen", "Persons")) }
                    th.num scope="col" { (lang.t("Inkomen (€)", "Income (€)")) }
                    th scope="col" { (lang.t("Route", "Route")) }
                    th scope="col" { (lang.t("Urgentie", "Urgency")) }
                } }
                tbody {
                    @for v in history {
                        tr {
                            td.num { (v.version) }
                            td { (change_words(&v.change, lang)) }
                            td { (v.recorded_at.format("%Y-%m-%d %H:%M")) }
                            td { (v.contract_start) }
                            td.num { (money(&v.rent, lang)) }
                            td.num { (v.household_size) }
                            td.num { (money(&v.household_income, lang)) }
                            td { (label(&v.route, rl)) }
                            td { (v.urgency.as_deref().map(|u| label(u, rl)).unwrap_or("–")) }
                        }
                    }
                }
            }
        }
        @if !found.withdrawn {
            h2 { (lang.t("Intrekken", "Withdraw")) }
            p { (lang.t(
                "Een ingetrokken verhuring telt in geen enkel quotum meer en blijft in de geschiedenis. Lever het kenmerk opnieuw aan om haar te herstellen.",
                "A withdrawn letting leaves every quota and stays in the history. Deliver the reference again to reinstate it.",
            )) }
            form method="post" action=(lang.link("/lettings/withdraw")) {
                input type="hidden" name="csrf" value=(signed.person.csrf_token);
                input type="hidden" name="reference" value=(found.reference);
                button type="submit" { (lang.t("Verhuring intrekken", "Withdraw this letting")) }
            }
        }
        p { a href=(lang.link("/lettings")) { (lang.t("Terug naar de lijst", "Back to the list")) } }
    };
    Ok(layout::page(
        StatusCode::OK,
        lang,
        lang.t("Verhuring", "Letting"),
        Some(&signed.nav(None)),
        body,
    ))
}

fn not_found() -> ApiError {
    ApiError::not_found(
        "letting_not_found",
        "your organisation has no letting with this reference",
    )
}

#[derive(Debug, Deserialize)]
pub struct WithdrawForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reference: String,
}

#[post("/lettings/withdraw")]
pub async fn withdraw_letting(
    signed: Signed,
    form: web::Form<WithdrawForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, WebError> {
    signed.check_csrf(&form.csrf)?;
    let corporation = corporation(&signed)?;
    let lang = signed.lang;
    let reference = form.into_inner().reference;
    let reference_data = state.reference.clone();
    let actor = signed.caller.actor();
    let target = reference.clone();
    let (outcome, _changes) = signed
        .caller
        .db(&state, move |conn| {
            withdraw(
                conn,
                &reference_data,
                &actor,
                &corporation,
                &target,
                Utc::now().naive_utc(),
            )
        })
        .await
        .map_err(|e| signed.error(e))?;
    letting_views::after_withdrawal(outcome).ok_or_else(|| signed.error(not_found()))?;
    tracing::info!(corporation = %signed.caller.org().id, "letting withdrawn in the portal");
    Ok(HttpResponse::SeeOther()
        .insert_header((LOCATION, link("/lettings/", &reference, lang)))
        .finish())
}
