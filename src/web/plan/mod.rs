//! The allocation plan (woonruimteverdelingslijst) of a year: the plan against realisation as
//! the API shows it to this reader (`service::small_numbers::plan_for`), its versions, and the
//! homes each corporation expects to become available. The municipality itself stores a new
//! version through a form (checked by `domain::allocation_plan::check_plan`, stored by
//! `service::plans::store_plan`, as `PUT .../allocation-plans/{year}`); a corporation working in
//! the municipality gives its expected available homes (`service::expected_homes`).

use std::collections::{BTreeMap, HashMap};

use actix_web::http::header::LOCATION;
use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use chrono::{Datelike, Utc};
use maud::html;
use serde::Deserialize;

mod markup;

use markup::{homes_form, homes_markup, plan_form, plan_markup};

use super::error::WebError;
use super::fields::{whole_number, FormState};
use super::layout;
use super::session::Signed;
use super::text::Lang;
use crate::api::error::ApiError;
use crate::api::guards::{municipality_code, Access, ItselfOnly, Readers};
use crate::api::AppState;
use crate::domain::allocation_plan::{categories, check_expected_homes, check_plan};
use crate::domain::organisation::OrgKind;
use crate::domain::small_numbers::Viewer;
use crate::report::labels;
use crate::service::expected_homes;
use crate::service::plans::{self, months_of_year_completed};
use crate::service::small_numbers::plan_for;

fn report_lang(lang: Lang) -> labels::Lang {
    match lang {
        Lang::Nl => labels::Lang::Nl,
        Lang::En => labels::Lang::En,
    }
}

/// `/plan`: the plan of the person's own municipality.
#[get("/plan")]
pub async fn own_plan(signed: Signed) -> Result<HttpResponse, WebError> {
    let code = signed.home_municipality().ok_or_else(|| {
        signed.error(ApiError::not_found(
            "municipality_not_found",
            "your organisation follows no municipality",
        ))
    })?;
    Ok(HttpResponse::SeeOther()
        .insert_header((
            LOCATION,
            signed.lang.link(&format!("/municipalities/{code}/plan")),
        ))
        .finish())
}

#[derive(Debug, Deserialize)]
pub struct PlanQuery {
    year: Option<i32>,
    version: Option<i32>,
    saved: Option<String>,
}

fn check_year(signed: &Signed, year: i32) -> Result<i32, WebError> {
    if (2000..=2100).contains(&year) {
        Ok(year)
    } else {
        Err(signed.error(ApiError::bad_request(
            "invalid_year",
            format!("{year} is not a plan year"),
        )))
    }
}

#[get("/municipalities/{code}/plan")]
pub async fn page(
    signed: Signed,
    path: web::Path<String>,
    query: web::Query<PlanQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, WebError> {
    let code = municipality_code(&path.into_inner()).map_err(|e| signed.error(e))?;
    Readers::check(&signed.caller, &code).map_err(|e| signed.error(e))?;
    let query = query.into_inner();
    let year = check_year(&signed, query.year.unwrap_or(Utc::now().year()))?;
    let view = View {
        year,
        version: query.version,
        saved: query.saved,
        plan_form: FormState::new(),
        homes_form: FormState::new(),
    };
    render(&signed, &state, &code, StatusCode::OK, view).await
}

struct View {
    year: i32,
    version: Option<i32>,
    saved: Option<String>,
    plan_form: FormState,
    homes_form: FormState,
}

async fn render(
    signed: &Signed,
    state: &AppState,
    code: &str,
    status: StatusCode,
    view: View,
) -> Result<HttpResponse, WebError> {
    let lang = signed.lang;
    let year = view.year;
    let viewer = Viewer::of(signed.caller.org(), code);
    let reference = state.reference.clone();
    let months = months_of_year_completed(year, Utc::now().date_naive());
    let (db_code, version) = (code.to_string(), view.version);
    let (plan, homes) = signed
        .caller
        .db(state, move |conn| {
            let plan = plan_for(conn, &reference, &db_code, year, version, months, &viewer)?;
            let homes = expected_homes::of_year(conn, &db_code, year)?;
            Ok::<_, diesel::result::Error>((plan, homes))
        })
        .await
        .map_err(|e| signed.error(e))?;
    let itself = ItselfOnly::check(&signed.caller, code).is_ok();
    let corporation = signed.person.organisation.kind == OrgKind::Corporation;
    let allowed = categories(&state.reference.agreements.applicable(code, year));
    let csrf = &signed.person.csrf_token;
    let base = format!("/municipalities/{code}/plan");
    let main = html! {
        h1 { (lang.t("Verdeelplan", "Allocation plan")) " " (code) " " (year) }
        nav aria-label=(lang.t("Jaar", "Year")) {
            p {
                a href=(lang.link(&format!("{base}?year={}", year - 1))) { "← " (year - 1) }
                " · "
                a href=(lang.link(&format!("{base}?year={}", year + 1))) { (year + 1) " →" }
            }
        }
        @if view.saved.is_some() {
            p.notice role="status" { (lang.t("Opgeslagen.", "Saved.")) }
        }
        @match &plan {
            None => p { (lang.t("Er is voor dit jaar nog geen verdeelplan.", "There is no allocation plan for this year yet.")) },
            Some(plan) => (plan_markup(plan, lang, &base, year)),
        }
        (homes_markup(&homes, lang))
        @if corporation && !itself {
            (homes_form(lang, code, csrf, year, &homes, &signed.person.organisation.id, &view.homes_form))
        }
        @if itself {
            (plan_form(lang, code, csrf, year, plan.as_ref(), &homes, &allowed, &view.plan_form))
        }
    };
    Ok(layout::page(
        status,
        lang,
        lang.t("Verdeelplan", "Allocation plan"),
        Some(&signed.nav(Some(code))),
        main,
    ))
}

fn redirect(lang: Lang, code: &str, year: i32) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((
            LOCATION,
            lang.link(&format!("/municipalities/{code}/plan?year={year}&saved=1")),
        ))
        .finish()
}

fn form_year(signed: &Signed, fields: &HashMap<String, String>) -> Result<i32, WebError> {
    let year = fields
        .get("year")
        .and_then(|y| y.trim().parse().ok())
        .unwrap_or(0);
    check_year(signed, year)
}

#[post("/municipalities/{code}/plan")]
pub async fn store_plan(
    signed: Signed,
    path: web::Path<String>,
    form: web::Form<HashMap<String, String>>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, WebError> {
    let fields = form.into_inner();
    signed.check_csrf(fields.get("csrf").map(String::as_str).unwrap_or(""))?;
    let code = municipality_code(&path.into_inner()).map_err(|e| signed.error(e))?;
    ItselfOnly::check(&signed.caller, &code).map_err(|e| signed.error(e))?;
    let lang = signed.lang;
    let year = form_year(&signed, &fields)?;
    let allowed = categories(&state.reference.agreements.applicable(&code, year));
    let mut check = FormState::posted(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let number = |check: &mut FormState, field: &str| match fields.get(field).map(|v| v.trim()) {
        None | Some("") => Some(0),
        Some(text) => whole_number(text).or_else(|| {
            check.error(
                field,
                lang.t(
                    "Vul een heel getal van 0 of meer in.",
                    "Enter a whole number of 0 or more.",
                ),
            );
            None
        }),
    };
    let expected = number(&mut check, "expected_available");
    let mut planned = BTreeMap::new();
    for category in &allowed {
        if let Some(n) = number(&mut check, &format!("cat-{category}")) {
            planned.insert(category.clone(), n);
        }
    }
    let note = fields.get("note").cloned().filter(|n| !n.trim().is_empty());
    let plan = match (expected, check.has_errors()) {
        (Some(expected), false) => match check_plan(expected, &planned, note, &allowed) {
            Ok(plan) => Some(plan),
            Err(problems) => {
                for p in problems {
                    let field = p.field.unwrap_or_default();
                    let field = field
                        .strip_prefix("categories.")
                        .map(|c| format!("cat-{c}"))
                        .unwrap_or(field);
                    check.error(
                        &field,
                        lang.t(
                            "Vul een heel getal van 0 of meer in.",
                            "Enter a whole number of 0 or more.",
                        ),
                    );
                }
                None
            }
        },
        _ => None,
    };
    let Some(plan) = plan else {
        let view = View {
            year,
            version: None,
            saved: None,
            plan_form: check,
            homes_form: FormState::new(),
        };
        return render(
            &signed,
            &state,
            &code,
            StatusCode::UNPROCESSABLE_ENTITY,
            view,
        )
        .await;
    };
    let actor = signed.caller.actor();
    let reference = state.reference.clone();
    let municipality = code.clone();
    signed
        .caller
        .db(&state, move |conn| {
            plans::store_plan(
                conn,
                &reference,
                &municipality,
                year,
                &plan,
                &actor,
                Utc::now().naive_utc(),
            )
        })
        .await
        .map_err(|e| signed.error(e))?;
    Ok(redirect(lang, &code, year))
}

#[post("/municipalities/{code}/plan/expected-homes")]
pub async fn set_expected_homes(
    signed: Signed,
    path: web::Path<String>,
    form: web::Form<HashMap<String, String>>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, WebError> {
    let fields = form.into_inner();
    signed.check_csrf(fields.get("csrf").map(String::as_str).unwrap_or(""))?;
    let code = municipality_code(&path.into_inner()).map_err(|e| signed.error(e))?;
    Readers::check(&signed.caller, &code).map_err(|e| signed.error(e))?;
    signed.caller.require_corporation().map_err(|_| {
        signed.error(ApiError::Forbidden(
            "only a corporation gives its expected available homes".into(),
        ))
    })?;
    let lang = signed.lang;
    let year = form_year(&signed, &fields)?;
    let homes = fields
        .get("homes")
        .and_then(|h| whole_number(h))
        .map(check_expected_homes);
    let Some(Ok(homes)) = homes else {
        let mut check = FormState::posted(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        check.error(
            "homes",
            lang.t(
                "Vul een heel getal van 0 tot en met 100.000 in.",
                "Enter a whole number from 0 to 100,000.",
            ),
        );
        let view = View {
            year,
            version: None,
            saved: None,
            plan_form: FormState::new(),
            homes_form: check,
        };
        return render(
            &signed,
            &state,
            &code,
            StatusCode::UNPROCESSABLE_ENTITY,
            view,
        )
        .await;
    };
    let note = fields.get("note").cloned();
    let actor = signed.caller.actor();
    let municipality = code.clone();
    signed
        .caller
        .db(&state, move |conn| {
            expected_homes::set(
                conn,
                &municipality,
                year,
                homes,
                note,
                &actor,
                Utc::now().naive_utc(),
            )
        })
        .await
        .map_err(|e| signed.error(e))?;
    Ok(redirect(lang, &code, year))
}
