//! The small-numbers rule on the half-year report (every format), the status-holder answer and
//! the plan answer, tried as an attacker would: read them as a tenant association (and as a
//! corporation), then look for a count of 1 to 4 and try every subtraction the answers allow:
//! a breakdown's parts against the lettings of the half year, the months against the half
//! year, a total against its corporations, a denominator against its count, one breakdown's
//! row against the row that holds it, persons housed against those placed by hand or the
//! balance, the plan's categories against the counted lettings and against the breakdown.

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{expect_json, letting_with, TestApp, Tokens};

on_both_backends!(
    a_tenant_association_can_recover_no_small_count_from_the_report_in_any_format,
    a_tenant_association_can_recover_no_small_count_from_the_status_holder_and_plan_answers,
    a_corporation_sees_its_own_scope_of_the_report_exactly_and_no_small_count_of_another,
    the_municipality_sees_the_report_status_holders_and_plan_exactly
);

const H1: &str = "2026-H1";

/// 2026-H1 in Wassenaar with small cells everywhere on purpose:
/// - dwb lets 20 homes a month in four rent classes and three household sizes, some to
///   medical urgents; one swap in February; two local-priority lettings in April; one
///   household of 5; one status-holder household of 3 persons in February; one non-social
///   letting in May and two excluded ones in June;
/// - willibrordus lets 3 homes in January (one urgent) and 12 in March (two urgent, one of them
///   a medical urgent in a non-social home);
/// - the status-holder task: 5 persons in 2025-H2 (a household of 6 housed), 10 in 2026-H1,
///   2 persons placed by hand in March;
/// - the allocation plan of 2026.
pub(crate) async fn load(app: &TestApp, t: &Tokens) {
    let mut batch = Vec::new();
    let rents = [480, 650, 740, 800];
    for month in 1..=6 {
        for i in 0..20 {
            let mut fields = json!({
                "contract_start": format!("2026-{month:02}-10"),
                "rent": rents[i % 4],
                "household_size": 1 + i % 3,
            });
            if i < 4 + usize::from(month == 1) * 2 {
                fields["urgency"] = json!("medical");
            }
            if month == 2 && i == 19 {
                fields["route"] = json!("swap");
            }
            if month == 2 && i == 10 {
                fields["urgency"] = json!("status_holder");
                fields["household_size"] = json!(3);
            }
            if month == 3 && i == 11 {
                fields["household_size"] = json!(5);
            }
            if month == 4 && (i == 17 || i == 18) {
                fields["route"] = json!("local_priority");
            }
            batch.push(letting_with(&format!("D-{month}-{i}"), fields));
        }
    }
    batch.push(letting_with(
        "D-NS",
        json!({"contract_start": "2026-05-12", "rent": 950}),
    ));
    for i in 0..2 {
        batch.push(letting_with(
            &format!("D-EX-{i}"),
            json!({"contract_start": "2026-06-12", "excluded_reason": "wisselwoning"}),
        ));
    }
    batch.push(letting_with(
        "D-SH-2025",
        json!({
            "contract_start": "2025-09-01",
            "urgency": "status_holder",
            "household_size": 6,
            "rent": 700,
        }),
    ));
    app.post_ok(&t.dwb, &Value::Array(batch)).await;

    let mut batch = Vec::new();
    for (month, n, urgent) in [(1, 3, 1), (3, 12, 2)] {
        for i in 0..n {
            let mut fields = json!({"contract_start": format!("2026-{month:02}-20")});
            if i < urgent {
                fields["urgency"] = json!("social");
            }
            batch.push(letting_with(&format!("W-{month}-{i}"), fields));
        }
    }
    batch.push(letting_with(
        "W-NS",
        json!({"contract_start": "2026-03-21", "rent": 950, "urgency": "medical"}),
    ));
    app.post_ok(&t.willibrordus, &Value::Array(batch)).await;

    for (half, persons) in [("2025-H2", 5), ("2026-H1", 10)] {
        let response = app
            .put_task(&t.municipality, half, &json!({"persons": persons}))
            .await;
        assert_eq!(response.status(), StatusCode::OK);
    }
    let placement = app
        .client
        .post(app.url("/api/v1/municipalities/GM0629/status-holder-placements"))
        .bearer_auth(&t.municipality)
        .json(&json!({"persons": 2, "date": "2026-03-10", "note": "gezinshereniging"}))
        .send()
        .await
        .unwrap();
    assert_eq!(placement.status(), StatusCode::CREATED);
    let plan = json!({
        "expected_available": 300,
        "categories": {
            "regular": 200, "local_priority": 20, "medical": 40, "social": 20,
            "status_holder": 10,
        },
    });
    let response = app.put_plan(&t.municipality, "2026", &plan).await;
    assert_eq!(response.status(), StatusCode::CREATED);
}

pub(crate) fn small(v: &Value) -> bool {
    v.as_i64().is_some_and(|n| (1..5).contains(&n))
}

/// A count as an answer may show it: a number, `<5`, `x`, or (where it would give one away)
/// null.
pub(crate) fn well_formed(v: &Value) -> bool {
    v.is_number() || v == "<5" || v == "x" || v.is_null()
}

/// Every count cell of a report (the figures of households and persons), with a name.
pub(crate) fn count_cells(report: &Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for section in ["quota_half_year", "quota_year_to_date"] {
        for scope in report[section].as_array().unwrap() {
            let name = scope["corporation"].as_str().unwrap_or("total");
            for field in ["lettings", "excluded", "non_social"] {
                out.push((format!("{section}/{name}/{field}"), scope[field].clone()));
            }
            for m in scope["metrics"].as_array().unwrap() {
                for field in ["count", "denominator"] {
                    out.push((
                        format!("{section}/{name}/{}/{field}", m["metric"]),
                        m[field].clone(),
                    ));
                }
            }
        }
    }
    for p in report["trend"].as_array().unwrap() {
        let name = p["corporation"].as_str().unwrap_or("total");
        for field in ["count", "denominator"] {
            out.push((
                format!(
                    "trend/{}/{name}/{}/{field}",
                    p["month"], p["metric"]["metric"]
                ),
                p["metric"][field].clone(),
            ));
        }
    }
    for (kind, rows) in report["breakdowns"].as_object().unwrap() {
        for r in rows.as_array().unwrap() {
            out.push((
                format!("breakdown/{kind}/{}", r["key"]),
                r["lettings"].clone(),
            ));
        }
    }
    let h = &report["status_holders"];
    for field in ["housed_from_lettings", "housed"] {
        out.push((format!("status_holders/{field}"), h[field].clone()));
    }
    for line in report["allocation_plan"]["lines"].as_array().unwrap() {
        out.push((
            format!("plan/{}/realised", line["category"]),
            line["realised"].clone(),
        ));
    }
    for a in report["alerts"].as_array().unwrap() {
        for field in ["count", "denominator"] {
            out.push((format!("alert/{}/{field}", a["alert_id"]), a[field].clone()));
        }
    }
    for c in report["completeness"].as_array().unwrap() {
        for (month, n) in c["months"].as_object().unwrap() {
            out.push((
                format!("completeness/{}/{month}", c["corporation"]),
                n.clone(),
            ));
        }
    }
    out
}

/// Relations `margin = Σ parts` a reader can use; each member `None` where it is not shown
/// as a number. Where exactly one member is unknown, the reader works it out.
#[derive(Default)]
struct Attack {
    found: Vec<String>,
}

impl Attack {
    fn relation(&mut self, what: &str, margin: Option<i64>, parts: &[Option<i64>]) {
        let unknown = usize::from(margin.is_none()) + parts.iter().filter(|p| p.is_none()).count();
        if unknown != 1 {
            return;
        }
        let known: i64 = parts.iter().flatten().sum();
        let derived = match margin {
            Some(m) => m - known,
            None => known,
        };
        if (1..5).contains(&derived) {
            self.found.push(format!("{what}: {derived}"));
        }
    }

    /// `a − b` of two shown numbers is a count nobody shows.
    fn difference(&mut self, what: &str, a: Option<i64>, b: Option<i64>) {
        if let (Some(a), Some(b)) = (a, b) {
            if (1..5).contains(&(a - b)) {
                self.found.push(format!("{what}: {}", a - b));
            }
        }
    }
}

fn int(v: &Value) -> Option<i64> {
    v.as_i64()
}

fn scope_of<'a>(scopes: &'a Value, corporation: Option<&str>) -> Option<&'a Value> {
    scopes
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["corporation"].as_str() == corporation)
}

fn row<'a>(rows: &'a Value, key: &str) -> Option<&'a Value> {
    rows.as_array().unwrap().iter().find(|r| r["key"] == key)
}

/// Every subtraction of the report, from the reader's view (`own`: a corporation's scope, which
/// it knows anyway).
pub(crate) fn recoverable_from_report(report: &Value, own: Option<&str>) -> Vec<String> {
    let mut attack = Attack::default();
    let corporations: Vec<String> = report["quota_half_year"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["corporation"].as_str().map(str::to_string))
        .collect();
    let metrics: Vec<String> = report["quota_half_year"][0]["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["metric"].as_str().unwrap().to_string())
        .collect();
    let field_of = |scope: Option<&Value>, metric: Option<&str>, field: &str| -> Option<i64> {
        let Some(scope) = scope else {
            return Some(0);
        };
        match metric {
            None => int(&scope[field]),
            Some(m) => scope["metrics"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["metric"] == m)
                .and_then(|x| int(&x[field])),
        }
    };
    let mut figures: Vec<(Option<&str>, &str)> =
        vec![(None, "lettings"), (None, "excluded"), (None, "non_social")];
    for m in &metrics {
        figures.push((Some(m), "count"));
        figures.push((Some(m), "denominator"));
    }
    // A total against its corporations, in both quota sections.
    for section in ["quota_half_year", "quota_year_to_date"] {
        for (metric, field) in &figures {
            let total = field_of(scope_of(&report[section], None), *metric, field);
            let parts: Vec<Option<i64>> = corporations
                .iter()
                .map(|c| field_of(scope_of(&report[section], Some(c)), *metric, field))
                .collect();
            attack.relation(&format!("{section} {metric:?} {field}"), total, &parts);
        }
        // A denominator against its count.
        for scope in report[section].as_array().unwrap() {
            if own.is_some() && scope["corporation"].as_str() == own {
                continue;
            }
            for m in scope["metrics"].as_array().unwrap() {
                attack.difference(
                    &format!(
                        "{section} {} {} complement",
                        scope["corporation"], m["metric"]
                    ),
                    int(&m["denominator"]),
                    int(&m["count"]),
                );
            }
        }
    }
    // The months against the half year, and a month's total against its corporations.
    let trend = report["trend"].as_array().unwrap();
    let point = |month: &str, corporation: Option<&str>, metric: &str, field: &str| {
        trend
            .iter()
            .find(|p| {
                p["month"] == month
                    && p["corporation"].as_str() == corporation
                    && p["metric"]["metric"] == metric
            })
            .map_or(Some(0), |p| int(&p["metric"][field]))
    };
    let months: Vec<String> = (1..=6).map(|m| format!("2026-{m:02}")).collect();
    let mut scopes: Vec<Option<&str>> = vec![None];
    scopes.extend(corporations.iter().map(|c| Some(c.as_str())));
    for metric in &metrics {
        for field in ["count", "denominator"] {
            for scope in &scopes {
                if own.is_some() && *scope == own {
                    continue;
                }
                let half = field_of(
                    scope_of(&report["quota_half_year"], *scope),
                    Some(metric),
                    field,
                );
                let parts: Vec<Option<i64>> = months
                    .iter()
                    .map(|m| point(m, *scope, metric, field))
                    .collect();
                attack.relation(
                    &format!("half {scope:?} {metric} {field} − months"),
                    half,
                    &parts,
                );
            }
            for month in &months {
                let parts: Vec<Option<i64>> = corporations
                    .iter()
                    .map(|c| point(month, Some(c), metric, field))
                    .collect();
                attack.relation(
                    &format!("{month} {metric} {field} total − corporations"),
                    point(month, None, metric, field),
                    &parts,
                );
                for scope in &scopes {
                    if own.is_some() && *scope == own {
                        continue;
                    }
                    if field == "count" {
                        attack.difference(
                            &format!("{month} {scope:?} {metric} complement"),
                            point(month, *scope, metric, "denominator"),
                            point(month, *scope, metric, "count"),
                        );
                    }
                }
            }
        }
    }
    // Each breakdown against the lettings of the half year (the category against its social
    // lettings); the rent class non_social against the non-social lettings.
    let total = scope_of(&report["quota_half_year"], None);
    let (lettings, excluded, non_social) = (
        field_of(total, None, "lettings"),
        field_of(total, None, "excluded"),
        field_of(total, None, "non_social"),
    );
    let all = match (lettings, excluded, non_social) {
        (Some(l), Some(e), Some(n)) => Some(l + e + n),
        _ => None,
    };
    let social = lettings.zip(excluded).map(|(l, e)| l + e);
    let b = &report["breakdowns"];
    for (kind, margin) in [
        ("rent_class", all),
        ("route", all),
        ("urgency", all),
        ("household_size", all),
        ("category", social),
    ] {
        let parts: Vec<Option<i64>> = b[kind]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| int(&r["lettings"]))
            .collect();
        attack.relation(&format!("breakdown {kind}"), margin, &parts);
    }
    let cell = |kind: &str, key: &str| row(&b[kind], key).map_or(Some(0), |r| int(&r["lettings"]));
    attack.relation(
        "rent class non_social",
        non_social,
        &[cell("rent_class", "non_social")],
    );
    // An urgency's lettings less its category's: the non-social ones.
    for r in b["urgency"].as_array().unwrap() {
        let key = r["key"].as_str().unwrap();
        let inside = if key == "none" {
            // Without urgency a letting is in one of the route categories.
            ["regular", "local_priority", "swap", "internal"]
                .into_iter()
                .try_fold(0, |sum, c| cell("category", c).map(|n| sum + n))
        } else {
            cell("category", key)
        };
        attack.difference(
            &format!("urgency {key} − category"),
            int(&r["lettings"]),
            inside,
        );
    }
    for key in ["local_priority", "swap", "internal"] {
        attack.difference(
            &format!("route {key} − category"),
            cell("route", key),
            cell("category", key),
        );
    }
    // The plan: its categories against the counted lettings (the half year's, months 1–6),
    // against the breakdown (the difference: excluded lettings), and the difference column.
    // The plan's realisation runs over the months of the year completed; only when those are
    // the half year's six does it line up with the half year's lettings and breakdown (a
    // report read later in the year compares different windows).
    let plan = &report["allocation_plan"];
    let same_window = plan["months_completed"] == 6;
    let lines = plan["lines"].as_array().unwrap();
    let realised: Vec<Option<i64>> = lines.iter().map(|l| int(&l["realised"])).collect();
    if same_window {
        attack.relation(
            "plan realised against the counted lettings",
            lettings,
            &realised,
        );
    }
    for line in lines {
        let category = line["category"].as_str().unwrap();
        if same_window {
            attack.difference(
                &format!("category {category} − plan realised"),
                cell("category", category),
                int(&line["realised"]),
            );
        }
        if line["realised"].as_i64().is_none() {
            assert!(line["difference"].is_null(), "{line}");
        }
    }
    // Status holders: persons housed less those placed by hand; the balance and the
    // corrected target.
    let h = &report["status_holders"];
    if h["housed_from_lettings"].as_i64().is_none() {
        attack.relation(
            "housed − housed by hand",
            int(&h["housed"]),
            &[None, int(&h["housed_by_hand"])],
        );
        if let (Some(balance), Some(corrected)) = (int(&h["balance"]), int(&h["corrected_target"]))
        {
            attack.relation(
                "balance + corrected target − housed by hand",
                Some(balance + corrected),
                &[None, int(&h["housed_by_hand"])],
            );
        }
    }
    // Completeness: a corporation's months against its lettings of the half year.
    for c in report["completeness"].as_array().unwrap() {
        let corporation = c["corporation"].as_str();
        if own.is_some() && corporation == own {
            continue;
        }
        let scope = scope_of(&report["quota_half_year"], corporation);
        let whole = match (
            field_of(scope, None, "lettings"),
            field_of(scope, None, "excluded"),
            field_of(scope, None, "non_social"),
        ) {
            (Some(l), Some(e), Some(n)) => Some(l + e + n),
            _ => None,
        };
        let parts: Vec<Option<i64>> = c["months"].as_object().unwrap().values().map(int).collect();
        attack.relation(&format!("completeness {corporation:?}"), whole, &parts);
    }
    attack.found
}

/// A table's name, its count columns, and the text of those cells row by row.
type ExpectedTable = (&'static str, Vec<usize>, Vec<Vec<String>>);

/// The count cells of each table as a format should show them, from the JSON report: for
/// each table (in order, those with rows), the text of each count cell, row by row.
pub(crate) fn expected_tables(report: &Value) -> Vec<ExpectedTable> {
    let text = |v: &Value| match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let mut out = Vec::new();
    for (name, section) in [
        ("Quota halfjaar", "quota_half_year"),
        ("Quota jaar", "quota_year_to_date"),
    ] {
        let rows = report[section]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| s["metrics"].as_array().unwrap().iter())
            .map(|m| vec![text(&m["count"]), text(&m["denominator"])])
            .collect();
        out.push((name, vec![2, 3], rows));
    }
    out.push((
        "Verhuringen",
        vec![1, 2, 3],
        report["quota_half_year"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                vec![
                    text(&s["lettings"]),
                    text(&s["excluded"]),
                    text(&s["non_social"]),
                ]
            })
            .collect(),
    ));
    out.push((
        "Verloop",
        vec![3, 4],
        report["trend"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                vec![
                    text(&p["metric"]["count"]),
                    text(&p["metric"]["denominator"]),
                ]
            })
            .collect(),
    ));
    for (name, kind) in [
        ("Huurklasse", "rent_class"),
        ("Route", "route"),
        ("Urgentie", "urgency"),
        ("Huishoudgrootte", "household_size"),
        ("Categorie", "category"),
    ] {
        out.push((
            name,
            vec![1],
            report["breakdowns"][kind]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| vec![text(&r["lettings"])])
                .collect(),
        ));
    }
    let h = &report["status_holders"];
    out.push((
        "Statushouders",
        vec![4, 6],
        vec![vec![text(&h["housed_from_lettings"]), text(&h["housed"])]],
    ));
    out.push((
        "Verdeelplan",
        vec![3],
        report["allocation_plan"]["lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| vec![text(&l["realised"])])
            .collect(),
    ));
    let alerts: Vec<Vec<String>> = report["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| vec![text(&a["count"]), text(&a["denominator"])])
        .collect();
    // Layout 2: the figures in warning or breach over the half year (no counts in it).
    if report["version"].as_u64().unwrap_or(1) >= 2 {
        let signal = |m: &Value| m["state"] == "warning" || m["state"] == "breach";
        let rows: Vec<Vec<String>> = report["quota_half_year"]
            .as_array()
            .unwrap()
            .iter()
            .zip(report["quota_year_to_date"].as_array().unwrap())
            .flat_map(|(h, y)| {
                h["metrics"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .zip(y["metrics"].as_array().unwrap())
                    .filter(|(hm, ym)| signal(hm) || signal(ym))
                    .map(|_| Vec::new())
                    .collect::<Vec<_>>()
            })
            .collect();
        if !rows.is_empty() {
            out.push(("Signalen halfjaar", vec![], rows));
        }
    }
    if !alerts.is_empty() {
        out.push(("Signalen", vec![7, 8], alerts));
    }
    out.push((
        "Volledigheid",
        (1..=6).collect(),
        report["completeness"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                c["months"]
                    .as_object()
                    .unwrap()
                    .values()
                    .map(text)
                    .collect()
            })
            .collect(),
    ));
    out
}

/// The data rows of every table of a CSV report (English), in order, footer left out.
fn csv_tables(text: &str) -> Vec<Vec<Vec<String>>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    let mut tables: Vec<Vec<Vec<String>>> = Vec::new();
    let mut i = 0;
    while i < rows.len() {
        let title = rows[i].len() == 1 && rows.get(i + 1).is_some_and(|r| r.len() >= 2);
        if title {
            tables.push(Vec::new());
            i += 2;
            continue;
        }
        if rows[i].len() >= 2 {
            if let Some(t) = tables.last_mut() {
                t.push(rows[i].clone());
            }
        }
        i += 1;
    }
    tables.pop();
    tables.retain(|t| !t.is_empty());
    tables
}

/// The data rows of every table of an HTML report, in order, footer left out.
fn html_tables(html: &str) -> Vec<Vec<Vec<String>>> {
    let mut tables = Vec::new();
    for table in html.split("<table").skip(1) {
        // `<table>` or `<table class="…">`.
        let table = table.split_once('>').map_or("", |(_, rest)| rest);
        let table = table.split("</table>").next().unwrap();
        let body = table.split("<tbody>").nth(1).unwrap_or_default();
        let rows = body
            .split("<tr>")
            .skip(1)
            .map(|row| {
                row.split("<td")
                    .skip(1)
                    .map(|cell| {
                        let inner = cell.split_once('>').map_or("", |(_, rest)| rest);
                        let inner = inner.split("</td>").next().unwrap_or_default();
                        let mut text = String::new();
                        let mut in_tag = false;
                        for ch in inner.chars() {
                            match ch {
                                '<' => in_tag = true,
                                '>' => in_tag = false,
                                c if !in_tag => text.push(c),
                                _ => {}
                            }
                        }
                        let text = text.replace("&lt;", "<").replace("&amp;", "&");
                        if text == "–" {
                            String::new()
                        } else {
                            text
                        }
                    })
                    .collect()
            })
            .collect();
        tables.push(rows);
    }
    tables.pop();
    tables
}

/// The data rows of a sheet of an XLSX report, as the other formats show them: a figure that
/// is not shown is an empty number cell with its `<5` or `x` in the column "… (toelichting)"
/// beside it, folded back into the number's column here ("weggelaten" is empty elsewhere).
pub(crate) fn xlsx_rows(workbook: &mut Xlsx<Cursor<Vec<u8>>>, sheet: &str) -> Vec<Vec<String>> {
    let range = workbook.worksheet_range(sheet).unwrap();
    let text = |c: &Data| match c {
        Data::Float(f) if f.fract() == 0.0 => format!("{f:.0}"),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::String(s) => s.clone(),
        _ => String::new(),
    };
    let notes: Vec<bool> = range
        .rows()
        .nth(1)
        .map(|h| {
            h.iter()
                .map(|c| text(c).ends_with(" (toelichting)"))
                .collect()
        })
        .unwrap_or_default();
    range
        .rows()
        .skip(2)
        .map(|r| {
            let mut row: Vec<String> = Vec::new();
            for (i, c) in r.iter().enumerate() {
                let value = text(c);
                if notes.get(i) == Some(&true) {
                    let number = row.last_mut().expect("a note follows its number");
                    assert!(
                        value.is_empty() || number.is_empty(),
                        "{sheet}: {value} beside the number {number}"
                    );
                    if value != "weggelaten" {
                        number.push_str(&value);
                    }
                } else {
                    row.push(value);
                }
            }
            row
        })
        .collect()
}

/// The count columns of `rows` against what the JSON report shows.
fn assert_same_counts(
    format: &str,
    name: &str,
    rows: &[Vec<String>],
    columns: &[usize],
    expected: &[Vec<String>],
) {
    assert_eq!(rows.len(), expected.len(), "{format} {name}: rows");
    for (r, (row, want)) in rows.iter().zip(expected).enumerate() {
        for (c, want) in columns.iter().zip(want) {
            let got = row.get(*c).cloned().unwrap_or_default();
            assert_eq!(&got, want, "{format} {name} row {r} column {c}");
            let n: Option<i64> = got.parse().ok();
            assert!(
                !n.is_some_and(|n| (1..5).contains(&n)),
                "{format} {name} row {r} column {c}: {got}"
            );
        }
    }
}

async fn a_tenant_association_can_recover_no_small_count_from_the_report_in_any_format(
    app: TestApp,
) {
    let t = app.setup_wassenaar();
    load(&app, &t).await;
    // The municipality sees the small cells: the data has them.
    let exact = expect_json(app.report(&t.municipality, H1, "").await, StatusCode::OK).await;
    let small_exact: Vec<String> = count_cells(&exact)
        .into_iter()
        .filter(|(_, v)| small(v))
        .map(|(k, _)| k)
        .collect();
    for kind in [
        "breakdown/route",
        "breakdown/household_size",
        "status_holders/housed_from_lettings",
        "plan/",
        "completeness/",
        "trend/\"2026-01\"/willibrordus",
        "quota_half_year/total/excluded",
    ] {
        assert!(
            small_exact.iter().any(|k| k.starts_with(kind)),
            "no small {kind} in the data: {small_exact:?}"
        );
    }
    assert!(!recoverable_from_report(&exact, None).is_empty());

    // The tenant association sees none of them in the JSON, and can work none of them out.
    let report = expect_json(app.report(&t.tenants, H1, "").await, StatusCode::OK).await;
    for (name, v) in count_cells(&report) {
        assert!(well_formed(&v), "{name}: {v}");
        assert!(!small(&v), "{name}: {v}");
    }
    for p in report["trend"].as_array().unwrap() {
        let m = &p["metric"];
        if !m["share"].is_null() {
            assert!(m["count"].is_u64() && m["denominator"].is_u64(), "{p}");
        }
    }
    assert_eq!(recoverable_from_report(&report, None), Vec::<String>::new());
    // What is not small stays visible: the lettings of the half year.
    assert!(
        report["quota_half_year"][0]["lettings"].is_u64(),
        "{}",
        report["quota_half_year"][0]
    );

    // CSV, HTML, XLSX and PDF show the same cells as the JSON: no more, no small number.
    every_format_shows_the_cells_of_the_json(&app, &t.tenants, H1, &report).await;

    // Published, the same: the frozen report as the tenant association reads it.
    let published = app.publish_report(&t.municipality, H1).await;
    assert_eq!(published.status(), StatusCode::CREATED);
    let mut frozen = expect_json(app.report(&t.tenants, H1, "").await, StatusCode::OK).await;
    let mut live = report.clone();
    // Only the time of reading differs.
    frozen["footer"]["read_at"] = Value::Null;
    live["footer"]["read_at"] = Value::Null;
    assert_eq!(frozen, live);
}

/// The report of `half` in CSV, HTML, XLSX and PDF as `token` reads it shows the same count cells
/// as `report`, its JSON: no more, and no number from 1 to 4.
pub(crate) async fn every_format_shows_the_cells_of_the_json(
    app: &TestApp,
    token: &str,
    half: &str,
    report: &Value,
) {
    let expected = expected_tables(report);
    let csv = app.report_text(token, half, "?format=csv&lang=en").await;
    let tables = csv_tables(&csv);
    assert_eq!(tables.len(), expected.len(), "CSV tables");
    for ((name, columns, want), rows) in expected.iter().zip(&tables) {
        assert_same_counts("csv", name, rows, columns, want);
    }
    // Printed (HTML and PDF), a report of layout 2 opens with its summary (no counts in it:
    // shares and verdicts, checked in report_print.rs) and ends with the glossary, and its
    // tables leave out what says nothing on paper.
    let printed = printed_tables(report, &expected);
    let layout2 = report["version"].as_u64().unwrap_or(1) >= 2;
    let html = app.report_text(token, half, "?format=html&lang=en").await;
    let mut tables = html_tables(&html);
    if layout2 {
        tables.drain(..2);
        tables.pop();
    }
    assert_eq!(tables.len(), printed.len(), "HTML tables");
    for ((name, columns, want), rows) in printed.iter().zip(&tables) {
        assert_same_counts("html", name, rows, columns, want);
    }
    let bytes = app.report_bytes(token, half, "?format=xlsx").await;
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    for (name, columns, want) in &expected {
        let rows = xlsx_rows(&mut workbook, name);
        assert_same_counts("xlsx", name, &rows, columns, want);
    }
    let bytes = app.report_bytes(token, half, "?format=pdf&lang=en").await;
    let mut tables = crate::report_pdf::pdf_tables(&bytes);
    if layout2 {
        tables.drain(..3);
        tables.pop();
    }
    assert_eq!(tables.len(), printed.len(), "PDF tables");
    for ((name, columns, want), rows) in printed.iter().zip(&tables) {
        assert_same_counts("pdf", name, rows, columns, want);
    }
}

/// The tables of a report of layout 2 as print shows them: H1's year to date (the same period
/// as the half year) once, the monthly rows only of months begun with enough lettings to judge.
pub(crate) fn printed_tables(report: &Value, expected: &[ExpectedTable]) -> Vec<ExpectedTable> {
    if report["version"].as_u64().unwrap_or(1) < 2 {
        return expected.to_vec();
    }
    let read = report["footer"]["read_at"].as_str().unwrap_or_default();
    let read_month = read.get(..7).unwrap_or_default();
    let h1 = report["from"] == report["year_to_date_from"];
    let judged: Vec<bool> = report["trend"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            p["metric"]["state"] != "insufficient_data"
                && p["month"].as_str().unwrap_or_default() <= read_month
        })
        .collect();
    expected
        .iter()
        .filter(|(name, _, _)| !(h1 && *name == "Quota jaar"))
        .map(|(name, columns, rows)| {
            let rows = if *name == "Verloop" {
                rows.iter()
                    .zip(&judged)
                    .filter(|(_, j)| **j)
                    .map(|(r, _)| r.clone())
                    .collect()
            } else if *name == "Volledigheid" {
                // A month not yet begun reads "not yet", not 0.
                let months: Vec<&String> = report["completeness"][0]["months"]
                    .as_object()
                    .map(|m| m.keys().collect())
                    .unwrap_or_default();
                rows.iter()
                    .map(|r| {
                        r.iter()
                            .zip(&months)
                            .map(|(v, m)| {
                                if m.as_str() <= read_month {
                                    v.clone()
                                } else {
                                    "not yet".to_string()
                                }
                            })
                            .collect()
                    })
                    .collect()
            } else {
                rows.clone()
            };
            (*name, columns.clone(), rows)
        })
        // A monthly table left without rows prints as a note.
        .filter(|(name, _, rows)| !(*name == "Verloop" && rows.is_empty()))
        .collect()
}

/// The status-holder answer's half years by name.
fn half_years(body: &Value) -> BTreeMap<String, Value> {
    body["half_years"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["half_year"].as_str().unwrap().to_string(), h.clone()))
        .collect()
}

async fn a_tenant_association_can_recover_no_small_count_from_the_status_holder_and_plan_answers(
    app: TestApp,
) {
    let t = app.setup_wassenaar();
    load(&app, &t).await;
    let path = "/api/v1/municipalities/GM0629/status-holders?through=2026-H2";
    let exact = half_years(&app.get_json(&t.municipality, path).await);
    assert_eq!(exact["2026-H1"]["housed_from_lettings"], 3);
    assert_eq!(exact["2026-H1"]["housed"], 5);
    let seen = half_years(&app.get_json(&t.tenants, path).await);
    // 2025-H2: a household of 6, not small: shown, with its balance (6 − 5 = 1).
    assert_eq!(seen["2025-H2"]["housed_from_lettings"], 6);
    assert_eq!(seen["2025-H2"]["balance"], 1);
    // 2026-H1: 3 persons through lettings: `<5`, and what would give them away is null.
    let h = &seen["2026-H1"];
    assert_eq!(h["housed_from_lettings"], "<5");
    assert_eq!(h["target"], 10, "the task is public");
    assert_eq!(
        h["housed_by_hand"], 2,
        "placements by hand are the municipality's own"
    );
    let mut attack = Attack::default();
    let order: Vec<&String> = seen.keys().collect();
    for (i, name) in order.iter().enumerate() {
        let h = &seen[*name];
        for field in ["housed_from_lettings", "housed"] {
            assert!(
                well_formed(&h[field]) && !small(&h[field]),
                "{name} {field}: {h}"
            );
        }
        if h["housed_from_lettings"].as_i64().is_some() {
            continue;
        }
        attack.relation(
            &format!("{name} housed − by hand"),
            int(&h["housed"]),
            &[None, int(&h["housed_by_hand"])],
        );
        if let (Some(b), Some(c)) = (int(&h["balance"]), int(&h["corrected_target"])) {
            attack.relation(
                &format!("{name} balance + corrected target − by hand"),
                Some(b + c),
                &[None, int(&h["housed_by_hand"])],
            );
        }
        // The next half year's carry-over is this one's shortfall: −balance.
        if let (Some(next), Some(c)) = (
            order.get(i + 1).map(|n| &seen[*n]),
            int(&h["corrected_target"]),
        ) {
            if let Some(carry) = int(&next["carry_over"]) {
                attack.relation(
                    &format!("{name} corrected target − next carry-over − by hand"),
                    Some(c - carry),
                    &[None, int(&h["housed_by_hand"])],
                );
            }
        }
        // Two balances give the housed persons between them.
        if let (Some(prev), Some(b)) = (
            i.checked_sub(1).map(|p| &seen[order[p]]),
            int(&h["balance"]),
        ) {
            if let Some(pb) = int(&prev["balance"]) {
                attack.relation(
                    &format!("{name} balance − previous balance + target − by hand"),
                    Some(b - pb + int(&h["target"]).unwrap()),
                    &[None, int(&h["housed_by_hand"])],
                );
            }
        }
    }
    assert_eq!(attack.found, Vec::<String>::new());

    // The plan: realised per category protected, the difference hidden with it; the
    // categories add up to the counted lettings of the year so far (all in H1 here).
    let plan = expect_json(app.plan(&t.municipality, "2026", "").await, StatusCode::OK).await;
    assert!(plan["lines"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| small(&l["realised"])));
    let plan = expect_json(app.plan(&t.tenants, "2026", "").await, StatusCode::OK).await;
    let year = app.quota(&t.tenants, "GM0629", "2026").await;
    let counted = int(&year["scopes"][0]["lettings"]);
    let mut attack = Attack::default();
    let lines = plan["lines"].as_array().unwrap();
    for l in lines {
        assert!(well_formed(&l["realised"]) && !small(&l["realised"]), "{l}");
        assert!(l["planned"].is_i64(), "planned is public: {l}");
        if !l["realised"].is_i64() {
            assert!(l["difference"].is_null(), "{l}");
        }
    }
    let realised: Vec<Option<i64>> = lines.iter().map(|l| int(&l["realised"])).collect();
    attack.relation(
        "plan realised against the counted lettings",
        counted,
        &realised,
    );
    assert_eq!(attack.found, Vec::<String>::new());
}

async fn a_corporation_sees_its_own_scope_of_the_report_exactly_and_no_small_count_of_another(
    app: TestApp,
) {
    let t = app.setup_wassenaar();
    load(&app, &t).await;
    let report = expect_json(app.report(&t.willibrordus, H1, "").await, StatusCode::OK).await;
    let mine = scope_of(&report["quota_half_year"], Some("willibrordus")).unwrap();
    assert_eq!(
        mine["lettings"], 15,
        "its own 3 + 12 counted lettings, exactly"
    );
    for p in report["trend"].as_array().unwrap() {
        if p["corporation"] == "willibrordus" {
            assert!(p["metric"]["count"].is_u64(), "{p}");
        }
    }
    for (name, v) in count_cells(&report) {
        assert!(well_formed(&v), "{name}: {v}");
        if name.contains("/willibrordus/") || name.contains("\"willibrordus\"") {
            continue;
        }
        assert!(!small(&v), "{name}: {v}");
    }
    assert_eq!(
        recoverable_from_report(&report, Some("willibrordus")),
        Vec::<String>::new()
    );
}

async fn the_municipality_sees_the_report_status_holders_and_plan_exactly(app: TestApp) {
    let t = app.setup_wassenaar();
    load(&app, &t).await;
    let report = expect_json(app.report(&t.municipality, H1, "").await, StatusCode::OK).await;
    for (name, v) in count_cells(&report) {
        assert!(v.is_number(), "{name}: {v}");
    }
    assert_eq!(report["status_holders"]["housed_from_lettings"], 3);
    assert_eq!(report["status_holders"]["balance"], json!(-4));
    assert_eq!(
        row(&report["breakdowns"]["route"], "swap").unwrap()["lettings"],
        1
    );
    let csv = app
        .report_text(&t.municipality, H1, "?format=csv&lang=en")
        .await;
    assert!(!csv.contains("<5") && !csv.contains(",x,"));
    let plan = expect_json(app.plan(&t.municipality, "2026", "").await, StatusCode::OK).await;
    for l in plan["lines"].as_array().unwrap() {
        assert!(l["realised"].is_i64() && l["difference"].is_number(), "{l}");
    }
}
