//! Status holders (statushouders): the task per half year with its realisation and pace, as the
//! API's overview shows it to this reader (`service::small_numbers::status_holders_for`). The
//! municipality itself sets the task and records placements by hand through forms, checked by
//! the same domain rules and stored by the same service functions as the API
//! (`service::plans::set_target`, `add_placement`).

use actix_web::http::header::LOCATION;
use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use chrono::{Datelike, Utc};
use maud::{html, Markup};
use serde::Deserialize;
use serde_json::Value;

use super::error::WebError;
use super::fields::{whole_number, FormState};
use super::layout;
use super::session::Signed;
use super::text::Lang;
use crate::api::error::ApiError;
use crate::api::guards::{municipality_code, Access, ItselfOnly, Readers};
use crate::api::AppState;
use crate::domain::period::Period;
use crate::domain::small_numbers::Viewer;
use crate::domain::status_holders::{check_placement, check_target_persons};
use crate::service::plans::{self, half_of};
use crate::service::small_numbers::status_holders_for;

/// A figure as the API gives it to this reader: a number, `<5`, `x`, or – when withheld.
pub fn shown(value: &Value, lang: Lang) -> String {
    match value {
        Value::Number(n) => lang.decimal(&n.to_string()),
        Value::String(s) => s.clone(),
        _ => "–".into(),
    }
}

fn pace_words(state: &str, lang: Lang) -> &'static str {
    match state {
        "on_track" => lang.t("op schema", "on track"),
        "slightly_behind" => lang.t("iets achter", "slightly behind"),
        _ => lang.t("achter", "behind"),
    }
}

/// The half years the task form offers: the previous, this one and the next two.
fn half_years(today: chrono::NaiveDate) -> Vec<String> {
    let current = half_of(today);
    let (year, half) = match current {
        Period::Half(y, h) => (y, h),
        _ => (today.year(), 1),
    };
    let start = year * 2 + i32::from(half) - 1 - 1;
    (start..start + 4)
        .map(|i| format!("{}-H{}", i.div_euclid(2), i.rem_euclid(2) + 1))
        .collect()
}

/// `/status-holders`: the page of the person's own municipality.
#[get("/status-holders")]
pub async fn own_status_holders(signed: Signed) -> Result<HttpResponse, WebError> {
    let code = signed.home_municipality().ok_or_else(|| {
        signed.error(ApiError::not_found(
            "municipality_not_found",
            "your organisation follows no municipality",
        ))
    })?;
    Ok(HttpResponse::SeeOther()
        .insert_header((
            LOCATION,
            signed
                .lang
                .link(&format!("/municipalities/{code}/status-holders")),
        ))
        .finish())
}

#[derive(Debug, Deserialize)]
pub struct SavedQuery {
    #[serde(default)]
    saved: Option<String>,
}

#[get("/municipalities/{code}/status-holders")]
pub async fn page(
    signed: Signed,
    path: web::Path<String>,
    query: web::Query<SavedQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, WebError> {
    let code = municipality_code(&path.into_inner()).map_err(|e| signed.error(e))?;
    Readers::check(&signed.caller, &code).map_err(|e| signed.error(e))?;
    render(
        &signed,
        &state,
        &code,
        StatusCode::OK,
        Forms {
            saved: query.into_inner().saved,
            ..Forms::default()
        },
    )
    .await
}

#[derive(Default)]
struct Forms {
    target: FormState,
    placement: FormState,
    saved: Option<String>,
}

async fn render(
    signed: &Signed,
    state: &AppState,
    code: &str,
    status: StatusCode,
    forms: Forms,
) -> Result<HttpResponse, WebError> {
    let lang = signed.lang;
    let today = Utc::now().date_naive();
    let viewer = Viewer::of(signed.caller.org(), code);
    let db_code = code.to_string();
    let body = signed
        .caller
        .db(state, move |conn| {
            status_holders_for(conn, &db_code, today, None, &viewer)
        })
        .await
        .map_err(|e| signed.error(e))?;
    let itself = ItselfOnly::check(&signed.caller, code).is_ok();
    let halves = body["half_years"].as_array().cloned().unwrap_or_default();
    let placements = body["placements"].as_array().cloned().unwrap_or_default();
    let csrf = &signed.person.csrf_token;
    let main = html! {
        h1 { (lang.t("Statushouders", "Status holders")) " " (code) }
        @if forms.saved.is_some() {
            p.notice role="status" { (lang.t("Opgeslagen.", "Saved.")) }
        }
        p { (lang.t(
            "De taakstelling per halfjaar: een tekort of overschot schuift door naar het volgende halfjaar. Gehuisvest telt de verhuringen met urgentie statushouder en de plaatsingen die de gemeente met de hand vastlegt.",
            "The task per half year: a shortfall or surplus carries over to the next half year. Housed counts the lettings with urgency status holder and the placements the municipality records by hand.",
        )) }
        @for half in &halves {
            @if let Some(pace) = half.get("pace").filter(|p| !p.is_null()) {
                p.notice {
                    (lang.t("Tempo", "Pace")) " " (half["half_year"].as_str().unwrap_or_default()) ": "
                    strong { (pace_words(pace["state"].as_str().unwrap_or_default(), lang)) }
                    " — " (shown(&half["housed"], lang)) " "
                    (lang.t("gehuisvest, verwacht na", "housed, expected after")) " "
                    (pace["months_completed"]) " " (lang.t("maanden", "months")) ": "
                    (shown(&pace["expected"], lang)) "."
                }
            }
        }
        div.table-wrap {
            table {
                caption { (lang.t("Taakstelling en realisatie (personen)", "Task and realisation (persons)")) }
                thead { tr {
                    th scope="col" { (lang.t("Halfjaar", "Half year")) }
                    th.num scope="col" { (lang.t("Taakstelling", "Task")) }
                    th.num scope="col" { (lang.t("Doorgeschoven", "Carried over")) }
                    th.num scope="col" { (lang.t("Gecorrigeerde taak", "Corrected task")) }
                    th.num scope="col" { (lang.t("Via verhuringen", "From lettings")) }
                    th.num scope="col" { (lang.t("Met de hand", "By hand")) }
                    th.num scope="col" { (lang.t("Gehuisvest", "Housed")) }
                    th.num scope="col" { (lang.t("Saldo", "Balance")) }
                } }
                tbody {
                    @for half in &halves {
                        tr {
                            th scope="row" { (half["half_year"].as_str().unwrap_or_default()) }
                            td.num {
                                (shown(&half["target"], lang))
                                @if half["target_set"] == false { " " span.muted { (lang.t("(niet gezet)", "(not set)")) } }
                            }
                            td.num { (shown(&half["carry_over"], lang)) }
                            td.num { (shown(&half["corrected_target"], lang)) }
                            td.num { (shown(&half["housed_from_lettings"], lang)) }
                            td.num { (shown(&half["housed_by_hand"], lang)) }
                            td.num { (shown(&half["housed"], lang)) }
                            td.num { (shown(&half["balance"], lang)) }
                        }
                    }
                }
            }
        }
        @if !placements.is_empty() {
            div.table-wrap {
                table {
                    caption { (lang.t("Plaatsingen met de hand", "Placements by hand")) }
                    thead { tr {
                        th scope="col" { (lang.t("Datum", "Date")) }
                        th.num scope="col" { (lang.t("Personen", "Persons")) }
                        th scope="col" { (lang.t("Toelichting", "Note")) }
                    } }
                    tbody {
                        @for p in &placements {
                            tr {
                                td { (p["date"].as_str().unwrap_or_default()) }
                                td.num { (shown(&p["persons"], lang)) }
                                td { (p["note"].as_str().unwrap_or_default()) }
                            }
                        }
                    }
                }
            }
        }
        @if itself {
            (target_form(lang, code, csrf, &forms.target, today))
            (placement_form(lang, code, csrf, &forms.placement, today))
        }
    };
    Ok(layout::page(
        status,
        lang,
        lang.t("Statushouders", "Status holders"),
        Some(&signed.nav(Some(code))),
        main,
    ))
}

fn target_form(
    lang: Lang,
    code: &str,
    csrf: &str,
    form: &FormState,
    today: chrono::NaiveDate,
) -> Markup {
    let current = half_of(today).to_string();
    let chosen = form.value("half_year", &current).to_string();
    html! {
        h2 id="task" { (lang.t("Taakstelling zetten", "Set the task")) }
        (form.summary(lang, |f| format!("target-{f}")))
        form.stacked method="post" action=(lang.link(&format!("/municipalities/{code}/status-holders/target"))) {
            input type="hidden" name="csrf" value=(csrf);
            label for="target-half_year" { (lang.t("Halfjaar", "Half year")) }
            select id="target-half_year" name="half_year" aria-invalid=[form.invalid("half_year")] aria-describedby=[form.described_by("target-half_year", "half_year")] {
                @for half in half_years(today) {
                    option value=(half) selected[half == chosen] { (half) }
                }
            }
            (form.message_for("target-half_year", "half_year"))
            label for="target-persons" { (lang.t("Personen te huisvesten", "Persons to house")) }
            input id="target-persons" name="persons" type="number" min="0" step="1" inputmode="numeric" required value=(form.value("persons", "")) aria-invalid=[form.invalid("persons")] aria-describedby=[form.described_by("target-persons", "persons")];
            (form.message_for("target-persons", "persons"))
            label for="target-note" { (lang.t("Toelichting (niet verplicht)", "Note (optional)")) }
            input id="target-note" name="note" type="text" maxlength="500" value=(form.value("note", ""));
            p { button type="submit" { (lang.t("Taakstelling opslaan", "Save the task")) } }
        }
    }
}

fn placement_form(
    lang: Lang,
    code: &str,
    csrf: &str,
    form: &FormState,
    today: chrono::NaiveDate,
) -> Markup {
    html! {
        h2 id="placement" { (lang.t("Plaatsing met de hand vastleggen", "Record a placement by hand")) }
        p.muted { (lang.t(
            "Voor huisvesting buiten de aangeleverde verhuringen, zoals gezinshereniging bij een bestaande huurder.",
            "For housing outside the delivered lettings, such as family reunification with an existing tenant.",
        )) }
        (form.summary(lang, |f| format!("placement-{f}")))
        form.stacked method="post" action=(lang.link(&format!("/municipalities/{code}/status-holders/placements"))) {
            input type="hidden" name="csrf" value=(csrf);
            label for="placement-persons" { (lang.t("Personen", "Persons")) }
            input id="placement-persons" name="persons" type="number" min="1" step="1" inputmode="numeric" required value=(form.value("persons", "")) aria-invalid=[form.invalid("persons")] aria-describedby=[form.described_by("placement-persons", "persons")];
            (form.message_for("placement-persons", "persons"))
            label for="placement-date" { (lang.t("Datum", "Date")) }
            input id="placement-date" name="date" type="date" required max=(today.to_string()) value=(form.value("date", "")) aria-invalid=[form.invalid("date")] aria-describedby=[form.described_by("placement-date", "date")];
            (form.message_for("placement-date", "date"))
            label for="placement-note" { (lang.t("Wat was de plaatsing?", "What was the placement?")) }
            input id="placement-note" name="note" type="text" maxlength="500" required value=(form.value("note", "")) aria-invalid=[form.invalid("note")] aria-describedby=[form.described_by("placement-note", "note")];
            (form.message_for("placement-note", "note"))
            p { button type="submit" { (lang.t("Plaatsing opslaan", "Save the placement")) } }
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct TargetForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    half_year: String,
    #[serde(default)]
    persons: String,
    #[serde(default)]
    note: String,
}

fn redirect(lang: Lang, code: &str, saved: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((
            LOCATION,
            lang.link(&format!(
                "/municipalities/{code}/status-holders?saved={saved}"
            )),
        ))
        .finish()
}

/// The municipality of the path, for a change: only the municipality itself.
fn itself(signed: &Signed, code: String) -> Result<String, WebError> {
    let code = municipality_code(&code).map_err(|e| signed.error(e))?;
    ItselfOnly::check(&signed.caller, &code).map_err(|e| signed.error(e))?;
    Ok(code)
}

#[post("/municipalities/{code}/status-holders/target")]
pub async fn set_target(
    signed: Signed,
    path: web::Path<String>,
    form: web::Form<TargetForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, WebError> {
    signed.check_csrf(&form.csrf)?;
    let code = itself(&signed, path.into_inner())?;
    let lang = signed.lang;
    let TargetForm {
        half_year,
        persons,
        note,
        ..
    } = form.into_inner();
    let mut check = FormState::posted([
        ("half_year", half_year.as_str()),
        ("persons", persons.as_str()),
        ("note", note.as_str()),
    ]);
    let half = match half_year.parse::<Period>() {
        Ok(p @ Period::Half(..)) => Some(p),
        _ => {
            check.error(
                "half_year",
                lang.t("Kies een halfjaar.", "Choose a half year."),
            );
            None
        }
    };
    let persons = match whole_number(&persons).map(check_target_persons) {
        Some(Ok(p)) => Some(p),
        _ => {
            check.error(
                "persons",
                lang.t(
                    "Vul het aantal personen in als heel getal van 0 of meer.",
                    "Enter the number of persons as a whole number of 0 or more.",
                ),
            );
            None
        }
    };
    let (Some(half), Some(persons)) = (half, persons) else {
        let forms = Forms {
            target: check,
            ..Forms::default()
        };
        return render(
            &signed,
            &state,
            &code,
            StatusCode::UNPROCESSABLE_ENTITY,
            forms,
        )
        .await;
    };
    let actor = signed.caller.actor();
    let municipality = code.clone();
    signed
        .caller
        .db(&state, move |conn| {
            plans::set_target(
                conn,
                &municipality,
                half,
                persons,
                Some(note),
                &actor,
                Utc::now().naive_utc(),
            )
        })
        .await
        .map_err(|e| signed.error(e))?;
    Ok(redirect(lang, &code, "task"))
}

#[derive(Debug, Deserialize)]
pub struct PlacementForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    persons: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    note: String,
}

#[post("/municipalities/{code}/status-holders/placements")]
pub async fn add_placement(
    signed: Signed,
    path: web::Path<String>,
    form: web::Form<PlacementForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, WebError> {
    signed.check_csrf(&form.csrf)?;
    let code = itself(&signed, path.into_inner())?;
    let lang = signed.lang;
    let PlacementForm {
        persons,
        date,
        note,
        ..
    } = form.into_inner();
    let mut check = FormState::posted([
        ("persons", persons.as_str()),
        ("date", date.as_str()),
        ("note", note.as_str()),
    ]);
    let number = whole_number(&persons);
    if number.is_none() {
        check.error(
            "persons",
            lang.t(
                "Vul het aantal personen in als heel getal.",
                "Enter the number of persons as a whole number.",
            ),
        );
    }
    let today = Utc::now().date_naive();
    let placement = match number.map(|n| check_placement(n, &date, &note, today)) {
        Some(Ok(placement)) => Some(placement),
        Some(Err(problem)) => {
            let field = problem.field.clone().unwrap_or_else(|| "note".into());
            let message = match (field.as_str(), lang) {
                ("persons", Lang::Nl) => "Een plaatsing is 1 tot en met 100 personen.".to_string(),
                ("date", Lang::Nl) => "Vul een datum in die voorbij is (jjjj-mm-dd).".to_string(),
                ("note", Lang::Nl) => "Zeg kort wat de plaatsing was.".to_string(),
                _ => problem.message.clone(),
            };
            check.error(&field, message);
            None
        }
        None => None,
    };
    let Some(placement) = placement else {
        let forms = Forms {
            placement: check,
            ..Forms::default()
        };
        return render(
            &signed,
            &state,
            &code,
            StatusCode::UNPROCESSABLE_ENTITY,
            forms,
        )
        .await;
    };
    let actor = signed.caller.actor();
    let municipality = code.clone();
    signed
        .caller
        .db(&state, move |conn| {
            plans::add_placement(
                conn,
                &municipality,
                &placement,
                &actor,
                Utc::now().naive_utc(),
            )
        })
        .await
        .map_err(|e| signed.error(e))?;
    Ok(redirect(lang, &code, "placement"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_task_form_offers_the_previous_this_and_the_next_two_half_years() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        assert_eq!(
            half_years(today),
            ["2025-H2", "2026-H1", "2026-H2", "2027-H1"]
        );
        let autumn = chrono::NaiveDate::from_ymd_opt(2026, 9, 1).unwrap();
        assert_eq!(half_years(autumn)[0], "2026-H1");
    }
}
