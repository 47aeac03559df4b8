//! The markup of the plan page: the plan against realisation, the corporations' expected homes,
//! and the two forms.

use std::collections::BTreeMap;

use maud::{html, Markup};
use rust_decimal::Decimal;
use serde_json::Value;

use super::report_lang;
use crate::report::labels::label;
use crate::service::expected_homes::ExpectedHomes;
use crate::web::fields::FormState;
use crate::web::status_holders::shown;
use crate::web::text::Lang;

/// The urgent limit as people read it: `30% van 175 = 52,5 woningen`. The limit is a share
/// (0.30); exact decimals, only formatted here.
fn limit_words(limit: &Value, expected: &Value, lang: Lang) -> String {
    let share = limit.to_string().parse::<Decimal>().ok();
    let homes = expected.to_string().parse::<Decimal>().ok();
    match (share, homes) {
        (Some(share), Some(homes)) => format!(
            "{}% {} {} = {} {}",
            lang.decimal(&(share * Decimal::ONE_HUNDRED).normalize().to_string()),
            lang.t("van", "of"),
            homes,
            lang.decimal(&(share * homes).round_dp(2).normalize().to_string()),
            lang.t("woningen", "homes"),
        ),
        _ => shown(limit, lang),
    }
}

pub(super) fn plan_markup(plan: &Value, lang: Lang, base: &str, year: i32) -> Markup {
    let rl = report_lang(lang);
    let versions = plan["versions"].as_array().cloned().unwrap_or_default();
    html! {
        p {
            (lang.t("Versie", "Version")) " " (plan["version"]) " " (lang.t("van", "of")) " " (versions.len()) ". "
            (lang.t("Verwacht vrijkomende woningen", "Homes expected to become available")) ": " strong { (shown(&plan["expected_available"], lang)) } "; "
            (lang.t("niet verdeeld", "not allocated")) ": " (shown(&plan["unallocated"], lang)) ". "
            (lang.t("Realisatie over", "Realisation over")) " " (plan["months_completed"]) " " (lang.t("maanden.", "months."))
        }
        @if let Some(note) = plan["note"].as_str() { p.muted { (note) } }
        div.table-wrap {
            table {
                caption { (lang.t("Plan en realisatie per categorie", "Plan and realisation per category")) }
                thead { tr {
                    th scope="col" { (lang.t("Categorie", "Category")) }
                    th.num scope="col" { (lang.t("Gepland", "Planned")) }
                    th.num scope="col" { (lang.t("Verwacht tot nu", "Expected to date")) }
                    th.num scope="col" { (lang.t("Gerealiseerd", "Realised")) }
                    th.num scope="col" { (lang.t("Verschil", "Difference")) }
                } }
                tbody {
                    @for line in plan["lines"].as_array().into_iter().flatten() {
                        tr {
                            th scope="row" { (label(line["category"].as_str().unwrap_or_default(), rl)) }
                            td.num { (shown(&line["planned"], lang)) }
                            td.num { (shown(&line["expected_to_date"], lang)) }
                            td.num { (shown(&line["realised"], lang)) }
                            td.num { (shown(&line["difference"], lang)) }
                        }
                    }
                    tr {
                        th scope="row" { (lang.t("Totaal", "Total")) }
                        td.num { (shown(&plan["planned_total"], lang)) }
                        td.num { }
                        td.num { (shown(&plan["realised_total"], lang)) }
                        td.num { }
                    }
                }
            }
        }
        @if let Some(check) = plan.get("urgent_check").filter(|c| !c.is_null()) {
            p class=(if check["above_limit"] == true { "state state-breach" } else { "state state-ok" }) {
                (lang.t("Gepland urgent", "Planned urgent")) ": " (shown(&check["planned_urgent"], lang)) "; "
                (lang.t("grens", "limit")) ": " (limit_words(&check["limit"], &plan["expected_available"], lang)) " — "
                @if check["above_limit"] == true { (lang.t("boven de grens", "above the limit")) } @else { (lang.t("binnen de grens", "within the limit")) }
            }
        }
        @if versions.len() > 1 {
            h2 { (lang.t("Versies", "Versions")) }
            ul {
                @for v in versions.iter().rev() {
                    li {
                        a href=(lang.link(&format!("{base}?year={year}&version={}", v["version"]))) { (lang.t("Versie", "Version")) " " (v["version"]) }
                        " · " (v["created_at"].as_str().unwrap_or_default().get(..10).unwrap_or_default())
                        " · " (shown(&v["expected_available"], lang)) " " (lang.t("woningen", "homes"))
                        @if let Some(note) = v["note"].as_str() { " · " (note) }
                    }
                }
            }
        }
    }
}

pub(super) fn homes_markup(homes: &[ExpectedHomes], lang: Lang) -> Markup {
    let total: i64 = homes.iter().map(|h| i64::from(h.homes)).sum();
    html! {
        h2 { (lang.t("Verwacht vrijkomende woningen per corporatie", "Expected available homes per corporation")) }
        @if homes.is_empty() {
            p { (lang.t("Nog geen corporatie heeft een verwachting gegeven.", "No corporation has given an expectation yet.")) }
        } @else {
            div.table-wrap {
                table {
                    caption { (lang.t("Verwachtingen van de corporaties", "The corporations' expectations")) }
                    thead { tr {
                        th scope="col" { (lang.t("Corporatie", "Corporation")) }
                        th.num scope="col" { (lang.t("Woningen", "Homes")) }
                        th scope="col" { (lang.t("Toelichting", "Note")) }
                        th scope="col" { (lang.t("Gegeven op", "Given on")) }
                    } }
                    tbody {
                        @for h in homes {
                            tr {
                                th scope="row" { (h.name) }
                                td.num { (h.homes) }
                                td { (h.note.as_deref().unwrap_or("")) }
                                td { (h.set_at.date()) }
                            }
                        }
                        tr { th scope="row" { (lang.t("Samen", "Together")) } td.num { (total) } td {} td {} }
                    }
                }
            }
        }
    }
}

pub(super) fn homes_form(
    lang: Lang,
    code: &str,
    csrf: &str,
    year: i32,
    homes: &[ExpectedHomes],
    own: &str,
    form: &FormState,
) -> Markup {
    let current = homes
        .iter()
        .find(|h| h.corporation == own)
        .map(|h| h.homes.to_string())
        .unwrap_or_default();
    html! {
        h2 id="homes" { (lang.t("Uw verwachting geven", "Give your expectation")) }
        (form.summary(lang, |f| format!("homes-{f}")))
        form.stacked method="post" action=(lang.link(&format!("/municipalities/{code}/plan/expected-homes"))) {
            input type="hidden" name="csrf" value=(csrf);
            input type="hidden" name="year" value=(year);
            label for="homes-homes" { (lang.t("Woningen die naar verwachting vrijkomen in ", "Homes expected to become available in ")) (year) }
            input id="homes-homes" name="homes" type="number" min="0" step="1" inputmode="numeric" required value=(form.value("homes", &current)) aria-invalid=[form.invalid("homes")] aria-describedby=[form.described_by("homes-homes", "homes")];
            (form.message_for("homes-homes", "homes"))
            label for="homes-note" { (lang.t("Toelichting (niet verplicht)", "Note (optional)")) }
            input id="homes-note" name="note" type="text" maxlength="500" value=(form.value("note", ""));
            p { button type="submit" { (lang.t("Verwachting opslaan", "Save the expectation")) } }
        }
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) fn plan_form(
    lang: Lang,
    code: &str,
    csrf: &str,
    year: i32,
    plan: Option<&Value>,
    homes: &[ExpectedHomes],
    allowed: &[String],
    form: &FormState,
) -> Markup {
    let rl = report_lang(lang);
    let planned: BTreeMap<String, String> = plan
        .and_then(|p| p["lines"].as_array())
        .into_iter()
        .flatten()
        .filter_map(|l| {
            Some((
                l["category"].as_str()?.to_string(),
                l["planned"].to_string(),
            ))
        })
        .collect();
    let expected = plan
        .map(|p| p["expected_available"].to_string())
        .unwrap_or_else(|| {
            homes
                .iter()
                .map(|h| i64::from(h.homes))
                .sum::<i64>()
                .to_string()
        });
    html! {
        h2 id="new-version" { (lang.t("Nieuwe versie van het plan", "New version of the plan")) }
        p.muted { (lang.t(
            "Elke keer opslaan maakt een nieuwe versie; eerdere versies blijven te zien.",
            "Every save makes a new version; earlier versions stay visible.",
        )) }
        (form.summary(lang, |f| format!("plan-{f}")))
        form.stacked method="post" action=(lang.link(&format!("/municipalities/{code}/plan"))) {
            input type="hidden" name="csrf" value=(csrf);
            input type="hidden" name="year" value=(year);
            label for="plan-expected_available" { (lang.t("Verwacht vrijkomende woningen", "Homes expected to become available")) }
            input id="plan-expected_available" name="expected_available" type="number" min="0" step="1" inputmode="numeric" required value=(form.value("expected_available", &expected)) aria-invalid=[form.invalid("expected_available")] aria-describedby=[form.described_by("plan-expected_available", "expected_available")];
            (form.message_for("plan-expected_available", "expected_available"))
            fieldset {
                legend { (lang.t("Geplande verhuringen per categorie", "Planned lettings per category")) }
                @for category in allowed {
                    @let field = format!("cat-{category}");
                    @let id = format!("plan-{field}");
                    label for=(id) { (label(category, rl)) }
                    input id=(id) name=(field) type="number" min="0" step="1" inputmode="numeric" value=(form.value(&field, planned.get(category).map(String::as_str).unwrap_or("0"))) aria-invalid=[form.invalid(&field)] aria-describedby=[form.described_by(&id, &field)];
                    (form.message_for(&id, &field))
                }
            }
            label for="plan-note" { (lang.t("Toelichting (niet verplicht)", "Note (optional)")) }
            input id="plan-note" name="note" type="text" maxlength="500" value=(form.value("note", ""));
            p { button type="submit" { (lang.t("Plan opslaan", "Save the plan")) } }
        }
    }
}
