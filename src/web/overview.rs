//! The overview of a municipality: the year to date and the current half year, each figure per
//! corporation and in total as a share against its limit, the state in words and colour, and
//! the month-by-month trend. The figures are the API's quota answers for this reader
//! ([`quota_for`](crate::service::small_numbers::quota_for)), so the small-numbers rule applies exactly as there.

use actix_web::http::header::LOCATION;
use actix_web::http::StatusCode;
use actix_web::{get, web, HttpResponse};
use chrono::Datelike;
use maud::{html, Markup};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::Value;

use super::chart::share_chart;
use super::error::WebError;
use super::headroom_text::headroom_section;
use super::layout;
use super::session::Signed;
use super::text::Lang;
use crate::api::guards::{municipality_code, Access, Readers};
use crate::api::AppState;
use crate::domain::period::Period;
use crate::domain::small_numbers::Viewer;
use crate::report::labels::{self, label};
use crate::service::headroom::headroom_for;
use crate::service::small_numbers::quota_for_periods;

/// `/`: a person's own municipality (the login form for someone not logged in).
#[get("/")]
pub async fn home(signed: Signed) -> Result<HttpResponse, WebError> {
    let lang = signed.lang;
    match signed.home_municipality() {
        Some(code) => Ok(HttpResponse::SeeOther()
            .insert_header((LOCATION, lang.link(&format!("/municipalities/{code}"))))
            .finish()),
        None => Ok(layout::page(
            StatusCode::OK,
            lang,
            lang.t("Overzicht", "Overview"),
            Some(&signed.nav(None)),
            html! {
                h1 { (lang.t("Overzicht", "Overview")) }
                p { (lang.t(
                    "Uw organisatie is nog voor geen gemeente geregistreerd.",
                    "Your organisation is not registered for any municipality yet.",
                )) }
            },
        )),
    }
}

#[derive(Debug, Deserialize)]
pub struct OverviewQuery {
    /// The year to show; the current year when absent.
    pub year: Option<i32>,
}

/// The words for a state, fitting the metric's direction: a maximum is exceeded, a minimum
/// is not reached; the urgent share's maximum is a signal value.
pub fn state_words(metric: &str, bound: &str, state: &str, lang: Lang) -> &'static str {
    match (state, bound) {
        ("ok", _) => lang.t("gehaald", "met"),
        ("warning", _) => lang.t("bijna aan de grens", "close to the limit"),
        ("breach", "min") => lang.t("onder de norm", "below the norm"),
        ("breach", _) if metric == "urgent_share" => {
            lang.t("boven de signaalwaarde", "above the signal value")
        }
        ("breach", _) => lang.t("niet gehaald", "not met"),
        ("insufficient_data", _) => lang.t("te weinig verhuringen", "too few lettings"),
        _ => lang.t("geen afspraak", "no agreement"),
    }
}

fn report_lang(lang: Lang) -> labels::Lang {
    match lang {
        Lang::Nl => labels::Lang::Nl,
        Lang::En => labels::Lang::En,
    }
}

/// A share (0..1) as a percentage with one decimal.
pub fn percent(share: Option<Decimal>, lang: Lang) -> String {
    match share {
        Some(s) => format!(
            "{}%",
            lang.decimal(&(s * Decimal::ONE_HUNDRED).round_dp(1).to_string())
        ),
        None => "–".to_string(),
    }
}

fn decimal(value: &Value) -> Option<Decimal> {
    match value {
        Value::Number(n) => n.to_string().parse().ok(),
        _ => None,
    }
}

/// A count as the answer shows it: a number, `<5` or `x`.
fn count(value: &Value) -> String {
    match value {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        _ => "–".into(),
    }
}

fn scope_name(scope: &Value, lang: Lang) -> String {
    match scope["corporation"].as_str() {
        Some(id) => id.to_string(),
        None => lang.t("Totaal gemeente", "Municipality total").to_string(),
    }
}

/// The figures of one period: a row per scope, a column per metric.
fn figures_table(caption: &str, quota: &Value, lang: Lang) -> Markup {
    let scopes = quota["scopes"].as_array().cloned().unwrap_or_default();
    let metrics: Vec<String> = scopes
        .first()
        .and_then(|s| s["metrics"].as_array())
        .map(|m| {
            m.iter()
                .filter_map(|m| m["metric"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    let table = html! {
            table {
                caption { (caption) }
                thead { tr {
                    th scope="col" { (lang.t("Wie", "Who")) }
                    th.num scope="col" { (lang.t("Verhuringen", "Lettings")) }
                    @for m in &metrics { th scope="col" { (label(m, report_lang(lang))) } }
                } }
                tbody {
                    @for scope in &scopes {
                        tr {
                            th scope="row" { (scope_name(scope, lang)) }
                            td.num { (count(&scope["lettings"])) }
                            @for m in scope["metrics"].as_array().into_iter().flatten() {
                                @let name = m["metric"].as_str().unwrap_or_default();
                                @let bound = m["bound"].as_str().unwrap_or_default();
                                @let state = m["state"].as_str().unwrap_or_default();
                                td {
                                    (percent(decimal(&m["share"]), lang))
                                    @if let Some(limit) = decimal(&m["limit"]) {
                                        " " span.muted { "(" (if bound == "min" { lang.t("min.", "min.") } else { lang.t("max.", "max.") }) " " (percent(Some(limit), lang)) ")" }
                                    }
                                    br;
                                    span class=(format!("state state-{state}")) { (state_words(name, bound, state, lang)) }
                                    " " span.muted { (count(&m["count"])) " / " (count(&m["denominator"])) }
                                }
                            }
                        }
                    }
                }
            }
    };
    layout::scroll_table(
        &format!("{} {caption}", lang.t("Cijfers", "Figures")),
        table,
    )
}

const MONTHS_NL: [&str; 12] = [
    "jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
];
const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// The trend of the municipality total, a chart and a table per metric.
fn trend(months: &[(u8, Value)], lang: Lang) -> Markup {
    let names = MONTHS_NL.iter().zip(MONTHS_EN.iter());
    let names: Vec<&str> = names.map(|(nl, en)| lang.t(nl, en)).collect();
    let labels: Vec<String> = months
        .iter()
        .map(|(m, _)| names[usize::from(*m - 1)].to_string())
        .collect();
    let total = |q: &Value| q["scopes"].as_array().and_then(|s| s.first()).cloned();
    let metric_names: Vec<String> = months
        .first()
        .and_then(|(_, q)| total(q))
        .and_then(|t| t["metrics"].as_array().cloned())
        .map(|m| {
            m.iter()
                .filter_map(|m| m["metric"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    html! {
        div.charts {
            @for name in &metric_names {
                @let cells: Vec<Value> = months.iter().map(|(_, q)| {
                    total(q)
                        .and_then(|t| t["metrics"].as_array().and_then(|ms| ms.iter().find(|m| m["metric"] == name.as_str()).cloned()))
                        .unwrap_or(Value::Null)
                }).collect();
                @let shares: Vec<Option<Decimal>> = cells.iter().map(|c| decimal(&c["share"])).collect();
                @let limit = cells.iter().find_map(|c| decimal(&c["limit"]));
                figure.chart {
                    figcaption { (label(name, report_lang(lang))) }
                    (share_chart(&labels, &shares, limit))
                    details {
                        summary { (lang.t("De cijfers per maand", "The figures per month")) }
                        @let name = format!("{} {}", label(name, report_lang(lang)), lang.t("per maand", "per month"));
                        (layout::scroll_table(&name, html! { table {
                            thead { tr {
                                th scope="col" { (lang.t("Maand", "Month")) }
                                th.num scope="col" { (lang.t("Aandeel", "Share")) }
                                th.num scope="col" { (lang.t("Aantal", "Count")) }
                            } }
                            tbody {
                                @for (i, cell) in cells.iter().enumerate() {
                                    tr {
                                        th scope="row" { (labels[i]) }
                                        td.num { (percent(shares[i], lang)) }
                                        td.num { (count(&cell["count"])) " / " (count(&cell["denominator"])) }
                                    }
                                }
                            }
                        } }))
                    }
                }
            }
        }
    }
}

#[get("/municipalities/{code}")]
pub async fn overview(
    signed: Signed,
    path: web::Path<String>,
    query: web::Query<OverviewQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, WebError> {
    let lang = signed.lang;
    let code = municipality_code(&path.into_inner()).map_err(|e| signed.error(e))?;
    Readers::check(&signed.caller, &code).map_err(|e| signed.error(e))?;
    let today = chrono::Utc::now().date_naive();
    let year = query.year.unwrap_or(today.year());
    // The year to date and the half year we are in; for a past year its second half.
    let (through, half) = if year == today.year() {
        (today.month() as u8, if today.month() <= 6 { 1 } else { 2 })
    } else {
        (12, 2)
    };
    let viewer = Viewer::of(signed.caller.org(), &code);
    let exact = viewer.is_exact();
    let reference = state.reference.clone();
    let db_code = code.clone();
    let (year_quota, half_quota, months, headroom) = signed
        .caller
        .db(&state, move |conn| {
            // One read of the year's counts serves the year, the half year and every month.
            let mut periods = vec![Period::Year(year), Period::Half(year, half)];
            periods.extend((1..=through).map(|month| Period::Month(year, month)));
            let mut answers =
                quota_for_periods(conn, &reference, &db_code, year, &periods, &viewer)?.into_iter();
            let year_quota = answers.next().unwrap_or_default();
            let half_quota = answers.next().unwrap_or_default();
            let months: Vec<(u8, Value)> = (1..=through).zip(answers).collect();
            let headroom = headroom_for(conn, &reference, &db_code, year, &viewer)?;
            Ok::<_, diesel::result::Error>((year_quota, half_quota, months, headroom))
        })
        .await
        .map_err(|e| signed.error(e))?;
    let title = format!("{} {code} · {year}", lang.t("Overzicht", "Overview"));
    let body = html! {
        h1 { (title) }
        form method="get" action=(format!("/municipalities/{code}")) {
            @if lang == Lang::En { input type="hidden" name="lang" value="en"; }
            label for="year" { (lang.t("Jaar", "Year")) " " }
            input id="year" name="year" type="number" min="2000" max="2100" value=(year);
            " " button type="submit" { (lang.t("Toon", "Show")) }
        }
        @if !exact {
            p.muted { (lang.t(
                "Aantallen van 1 tot 4 huishoudens staan als <5; x is weggelaten om zo'n aantal te beschermen.",
                "Counts of 1 to 4 households are shown as <5; x is withheld to protect such a count.",
            )) }
        }
        h2 { (lang.t("Het jaar tot nu toe", "The year to date")) }
        (figures_table(&format!("{year}"), &year_quota, lang))
        h2 { (lang.t("Ruimte tot de norm (het jaar tot nu toe)", "Headroom (the year to date)")) }
        (headroom_section(&headroom, lang))
        h2 { (lang.t("Het lopende halfjaar", "The current half year")) }
        (figures_table(&format!("{year}-H{half}"), &half_quota, lang))
        h2 { (lang.t("Verloop per maand (gemeente totaal)", "Month by month (municipality total)")) }
        (trend(&months, lang))
    };
    Ok(layout::page(
        StatusCode::OK,
        lang,
        &title,
        Some(&signed.nav(Some(&code))),
        body,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_words_follow_the_direction_of_the_limit() {
        let nl = Lang::Nl;
        assert_eq!(state_words("urgent_share", "max", "ok", nl), "gehaald");
        assert_eq!(
            state_words("urgent_share", "max", "warning", nl),
            "bijna aan de grens"
        );
        assert_eq!(
            state_words("urgent_share", "max", "breach", nl),
            "boven de signaalwaarde"
        );
        assert_eq!(
            state_words("income_exemption_share", "max", "breach", nl),
            "niet gehaald"
        );
        assert_eq!(
            state_words("passend_share", "min", "breach", nl),
            "onder de norm"
        );
        assert_eq!(
            state_words("passend_share", "min", "breach", Lang::En),
            "below the norm"
        );
        assert_eq!(
            state_words("passend_share", "min", "insufficient_data", nl),
            "te weinig verhuringen"
        );
    }

    #[test]
    fn shares_are_percentages_with_the_language_s_decimal_separator() {
        let share: Option<Decimal> = "0.2727".parse().ok();
        assert_eq!(percent(share, Lang::Nl), "27,3%");
        assert_eq!(percent(share, Lang::En), "27.3%");
        assert_eq!(percent(None, Lang::Nl), "–");
    }
}
