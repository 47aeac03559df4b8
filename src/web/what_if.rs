//! Wat als (what if): the municipality or a corporation enters planned lettings for a month and
//! sees the states and headroom they would give its month, half year and year, computed by the
//! domain rules on the real figures plus the plan ([`what_if`]). Nothing is stored, so the form
//! is a GET (no CSRF token needed: it changes nothing, and its address can be bookmarked).
//!
//! Who: the municipality itself (for the municipality as a whole or for one of its
//! corporations) and a corporation registered for the municipality (for its own lettings).
//! A tenant association does not let homes: it gets 403 with a page that says so.

use actix_web::http::header::LOCATION;
use actix_web::http::StatusCode;
use actix_web::{get, web, HttpResponse};
use chrono::Datelike;
use maud::{html, Markup};
use serde::Deserialize;

use super::error::WebError;
use super::headroom_text::{sentence_list, HeadroomLine};
use super::layout;
use super::overview::{percent, state_words};
use super::session::Signed;
use super::text::Lang;
use crate::api::error::ApiError;
use crate::api::guards::{municipality_code, Access, ItselfOnly, Readers};
use crate::api::AppState;
use crate::domain::organisation::OrgKind;
use crate::domain::period::Period;
use crate::domain::quota::MetricFigures;
use crate::domain::small_numbers::Viewer;
use crate::domain::what_if::{Planned, PlannedProblem, PLANNED_MAX};
use crate::report::labels::{self, label};
use crate::service::what_if::{corporations_of, what_if, PeriodOutcome, ScopeOutcome, WhatIf};

/// The form's number fields: name, Dutch label, English label.
const FIELDS: [(&str, &str, &str); 6] = [
    ("lettings", "Verhuringen in totaal", "Lettings in total"),
    ("urgent", "waarvan urgent", "of which urgent"),
    (
        "income_above_limit",
        "waarvan boven de inkomensgrens",
        "of which above the income limit",
    ),
    (
        "above_rent_cap",
        "waarvan huur boven de aftoppingsgrens",
        "of which rent above the rent cap",
    ),
    (
        "not_passend",
        "waarvan niet passend",
        "of which not passend",
    ),
    (
        "local_priority",
        "waarvan met lokale voorrang",
        "of which with local priority",
    ),
];

/// The query of the form; numbers as text, so an empty or wrong field is said on the page.
#[derive(Debug, Default, Deserialize)]
pub struct WhatIfQuery {
    month: Option<String>,
    scope: Option<String>,
    lettings: Option<String>,
    urgent: Option<String>,
    income_above_limit: Option<String>,
    above_rent_cap: Option<String>,
    not_passend: Option<String>,
    local_priority: Option<String>,
}

impl WhatIfQuery {
    fn value(&self, field: &str) -> Option<&str> {
        match field {
            "lettings" => self.lettings.as_deref(),
            "urgent" => self.urgent.as_deref(),
            "income_above_limit" => self.income_above_limit.as_deref(),
            "above_rent_cap" => self.above_rent_cap.as_deref(),
            "not_passend" => self.not_passend.as_deref(),
            "local_priority" => self.local_priority.as_deref(),
            _ => None,
        }
    }

    /// Whether the form was sent (a first visit shows only the form).
    fn submitted(&self) -> bool {
        self.lettings.is_some()
    }
}

/// The plan in the query, or what is wrong with it (in the person's language).
fn plan_of(query: &WhatIfQuery, lang: Lang) -> Result<Planned, String> {
    let number = |field: &str, nl: &str, en: &str| -> Result<u64, String> {
        let text = query.value(field).unwrap_or("").trim();
        if text.is_empty() {
            return Ok(0);
        }
        text.parse::<u64>().map_err(|_| match lang {
            Lang::Nl => format!("{nl}: vul een heel getal van 0 of meer in."),
            Lang::En => format!("{en}: enter a whole number of 0 or more."),
        })
    };
    let [total, urgent, income, rent, passend, local] =
        FIELDS.map(|(field, nl, en)| number(field, nl, en));
    let plan = Planned {
        lettings: total?,
        urgent: urgent?,
        income_above_limit: income?,
        above_rent_cap: rent?,
        not_passend: passend?,
        local_priority: local?,
    };
    plan.check().map_err(|problem| match problem {
        PlannedProblem::TooMany => match lang {
            Lang::Nl => format!("Plan ten hoogste {PLANNED_MAX} verhuringen tegelijk."),
            Lang::En => format!("Plan at most {PLANNED_MAX} lettings at once."),
        },
        PlannedProblem::PartExceedsTotal(kind) => {
            let (_, nl, en) = FIELDS
                .iter()
                .find(|(f, _, _)| *f == kind.field())
                .copied()
                .unwrap_or(FIELDS[0]);
            match lang {
                Lang::Nl => format!("{nl}: niet meer dan het totaal aantal verhuringen."),
                Lang::En => format!("{en}: not more than the lettings in total."),
            }
        }
        PlannedProblem::NotPassendExceedsDenominator => lang
            .t(
                "Niet passend kan alleen een verhuring binnen de inkomensgrens zijn: niet meer dan het totaal min boven de inkomensgrens.",
                "Only a letting within the income limit can be not passend: not more than the total minus those above the income limit.",
            )
            .to_string(),
    })?;
    Ok(plan)
}

/// The month of the plan: `YYYY-MM` from the form, else the current month.
fn month_of(query: &WhatIfQuery) -> Option<(i32, u8)> {
    match query
        .month
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty())
    {
        None => {
            let today = chrono::Utc::now().date_naive();
            Some((today.year(), today.month() as u8))
        }
        Some(text) => match text.parse::<Period>() {
            Ok(Period::Month(year, month)) => Some((year, month)),
            _ => None,
        },
    }
}

fn report_lang(lang: Lang) -> labels::Lang {
    match lang {
        Lang::Nl => labels::Lang::Nl,
        Lang::En => labels::Lang::En,
    }
}

/// `/what-if`: the what-if page of the person's own municipality.
#[get("/what-if")]
pub async fn what_if_home(signed: Signed) -> Result<HttpResponse, WebError> {
    refuse_tenants(&signed)?;
    let lang = signed.lang;
    let code = signed.home_municipality().ok_or_else(|| {
        signed.error(ApiError::Forbidden(
            "your organisation is not registered for any municipality".into(),
        ))
    })?;
    Ok(HttpResponse::SeeOther()
        .insert_header((
            LOCATION,
            lang.link(&format!("/municipalities/{code}/what-if")),
        ))
        .finish())
}

/// A tenant association has no planning role: a page that says so.
fn refuse_tenants(signed: &Signed) -> Result<(), WebError> {
    if signed.caller.org().kind == OrgKind::TenantAssociation {
        let lang = signed.lang;
        return Err(WebError::Page {
            status: StatusCode::FORBIDDEN,
            code: "forbidden",
            message: lang
                .t(
                    "Wat als is er voor wie verhuringen plant: de gemeente en de corporaties. Een huurdersorganisatie ziet de cijfers in het overzicht.",
                    "What if is for those who plan lettings: the municipality and the corporations. A tenant association sees the figures in the overview.",
                )
                .to_string(),
            lang,
        });
    }
    Ok(())
}

fn form(
    code: &str,
    lang: Lang,
    query: &WhatIfQuery,
    month: &str,
    corporations: &[(String, String)],
    own: Option<&str>,
) -> Markup {
    let chosen = query.scope.as_deref().unwrap_or("total");
    html! {
        form.stacked method="get" action=(format!("/municipalities/{code}/what-if")) {
            @if lang == Lang::En { input type="hidden" name="lang" value="en"; }
            label for="month" { (lang.t("Maand (jjjj-mm)", "Month (yyyy-mm)")) }
            input id="month" name="month" type="text" inputmode="numeric" pattern="[0-9]{4}-[0-9]{2}" value=(month) required;
            @match own {
                Some(id) => {
                    p { (lang.t("Voor de verhuringen van ", "For the lettings of ")) strong { (id) } }
                }
                None => {
                    label for="scope" { (lang.t("Voor wie", "For whom")) }
                    select id="scope" name="scope" {
                        option value="total" selected[chosen == "total"] { (lang.t("De gemeente als geheel", "The municipality as a whole")) }
                        @for (id, name) in corporations {
                            option value=(id) selected[chosen == id] { (name) " (" (id) ")" }
                        }
                    }
                }
            }
            fieldset {
                legend { (lang.t("Geplande verhuringen", "Planned lettings")) }
                @for (field, nl, en) in FIELDS {
                    label for=(field) { (lang.t(nl, en)) }
                    input id=(field) name=(field) type="number" min="0" max=(PLANNED_MAX) step="1"
                        value=(query.value(field).unwrap_or("0"));
                }
            }
            p { button type="submit" { (lang.t("Bereken", "Calculate")) } }
        }
        p.muted { (lang.t(
            "Er wordt niets opgeslagen: geen verhuring, geen signaal, geen melding. Elke geplande verhuring telt als sociale verhuring; wie niet boven de inkomensgrens zit, telt mee voor passend toewijzen (passend, tenzij u hem als niet passend opgeeft).",
            "Nothing is stored: no letting, no signal, no notification. Each planned letting counts as a social letting; one not above the income limit counts toward passend toewijzen (passend unless you enter it as not passend).",
        )) }
    }
}

/// A figure: the share, the state in words and the count behind it.
fn figure_cell(f: &MetricFigures, lang: Lang) -> Markup {
    let state = f.state.as_str();
    html! {
        td {
            (percent(f.share, lang)) br;
            span class=(format!("state state-{state}")) { (state_words(f.metric.name(), f.bound.as_str(), state, lang)) }
            " " span.muted { (f.count) " / " (f.denominator) }
        }
    }
}

fn period_caption(period: Period, lang: Lang) -> String {
    match period {
        Period::Month(..) => format!("{} {period}", lang.t("Maand", "Month")),
        Period::Half(..) => format!("{} {period}", lang.t("Halfjaar", "Half year")),
        _ => format!("{} {period}", lang.t("Jaar", "Year")),
    }
}

fn period_table(outcome: &PeriodOutcome, lang: Lang) -> Markup {
    html! {
        div.table-wrap {
            table {
                caption { (period_caption(outcome.period, lang)) }
                thead { tr {
                    th scope="col" { (lang.t("Meetwaarde", "Metric")) }
                    th.num scope="col" { (lang.t("Grens", "Limit")) }
                    th scope="col" { (lang.t("Nu", "Now")) }
                    th scope="col" { (lang.t("Met het plan", "With the plan")) }
                } }
                tbody {
                    @for (before, after) in outcome.before.iter().zip(&outcome.after) {
                        tr {
                            th scope="row" { (label(before.metric.name(), report_lang(lang))) }
                            td.num {
                                @if let Some(limit) = before.limit {
                                    (if before.bound.as_str() == "min" { lang.t("min.", "min.") } else { lang.t("max.", "max.") }) " " (percent(Some(limit), lang))
                                } @else { "–" }
                            }
                            (figure_cell(before, lang))
                            (figure_cell(after, lang))
                        }
                    }
                }
            }
        }
    }
}

fn scope_name(corporation: Option<&str>, lang: Lang) -> String {
    match corporation {
        Some(id) => id.to_string(),
        None => lang.t("Totaal gemeente", "Municipality total").to_string(),
    }
}

fn outcome(result: &WhatIf, lang: Lang) -> Markup {
    html! {
        h2 id="result" { (lang.t("Uitkomst", "Outcome")) }
        @for scope in &result.scopes {
            @match scope {
                ScopeOutcome::Withheld { corporation } => {
                    section {
                        h3 { (scope_name(corporation.as_deref(), lang)) }
                        p.muted { (lang.t(
                            "Niet getoond: met uw plan erbij zou een aantal te zien zijn dat u niet mag kennen (kleine aantallen).",
                            "Not shown: with your plan added it would give away a count you may not know (small numbers).",
                        )) }
                    }
                }
                ScopeOutcome::Shown { corporation, periods, headroom } => {
                    section {
                        h3 { (scope_name(corporation.as_deref(), lang)) }
                        @for period in periods { (period_table(period, lang)) }
                        h4 { (lang.t("Ruimte tot de norm met het plan (het jaar)", "Headroom with the plan (the year)")) }
                        (sentence_list(headroom.iter().map(|h| HeadroomLine::of(h.figures.metric.name(), h.figures.state.as_str(), &h.headroom)), lang))
                    }
                }
            }
        }
    }
}

#[get("/municipalities/{code}/what-if")]
pub async fn what_if_page(
    signed: Signed,
    path: web::Path<String>,
    query: web::Query<WhatIfQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, WebError> {
    refuse_tenants(&signed)?;
    let lang = signed.lang;
    let code = municipality_code(&path.into_inner()).map_err(|e| signed.error(e))?;
    // The municipality plans for itself only; a corporation where it is registered.
    let own = match signed.caller.org().kind {
        OrgKind::Corporation => {
            Readers::check(&signed.caller, &code).map_err(|e| signed.error(e))?;
            Some(signed.caller.org().id.clone())
        }
        _ => {
            ItselfOnly::check(&signed.caller, &code).map_err(|e| signed.error(e))?;
            None
        }
    };
    let query = query.into_inner();
    let month = month_of(&query);
    let plan = if query.submitted() {
        Some(plan_of(&query, lang))
    } else {
        None
    };
    let scope = match &own {
        Some(id) => Some(id.clone()),
        None => query
            .scope
            .clone()
            .filter(|s| !s.is_empty() && s != "total"),
    };
    let viewer = Viewer::of(signed.caller.org(), &code);
    let reference = state.reference.clone();
    let db_code = code.clone();
    let plan_to_judge = match (&plan, month) {
        (Some(Ok(plan)), Some(month)) => Some((*plan, month)),
        _ => None,
    };
    let db_scope = scope.clone();
    let (corporations, result) = signed
        .caller
        .db(&state, move |conn| {
            let corporations = corporations_of(conn, &db_code)?;
            if let Some(id) = &db_scope {
                if !corporations.iter().any(|(c, _)| c == id) {
                    return Err(ApiError::not_found(
                        "unknown_corporation",
                        format!("{id} is not a corporation of municipality {db_code}"),
                    ));
                }
            }
            let result = match plan_to_judge {
                Some((plan, (year, month))) => Some(what_if(
                    conn,
                    &reference,
                    &db_code,
                    year,
                    month,
                    db_scope.as_deref(),
                    &plan,
                    &viewer,
                )?),
                None => None,
            };
            Ok::<_, ApiError>((corporations, result))
        })
        .await
        .map_err(|e| signed.error(e))?;
    let month_text = match month {
        Some((year, m)) => format!("{year}-{m:02}"),
        None => query.month.clone().unwrap_or_default(),
    };
    let problem = match (&plan, month) {
        (_, None) => Some(
            lang.t(
                "Maand: gebruik jjjj-mm, bijvoorbeeld 2026-03.",
                "Month: use yyyy-mm, for example 2026-03.",
            )
            .to_string(),
        ),
        (Some(Err(problem)), _) => Some(problem.clone()),
        _ => None,
    };
    let status = if problem.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let title = format!("{} {code}", lang.t("Wat als", "What if"));
    let body = html! {
        h1 { (title) }
        p { (lang.t(
            "Vul geplande verhuringen in en zie welke stand en ruimte tot de norm ze zouden geven, op de echte cijfers van nu.",
            "Enter planned lettings and see the states and headroom they would give, on the real figures of now.",
        )) }
        @if let Some(problem) = &problem {
            p.error role="alert" data-error="validation_failed" { (problem) }
        }
        (form(&code, lang, &query, &month_text, &corporations, own.as_deref()))
        @if let Some(result) = &result { (outcome(result, lang)) }
    };
    Ok(layout::page(
        status,
        lang,
        &title,
        Some(&signed.nav(Some(&code))),
        body,
    ))
}
