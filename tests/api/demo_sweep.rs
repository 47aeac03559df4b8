//! The demonstration municipality as `serve --demo` fills it, read by a tenant association
//! through every GET answer it may read, in every format: no count of 1 to 4 anywhere, and
//! nothing a number is hidden for differs from what the municipality reads, which sees every
//! figure exactly.

use std::collections::BTreeMap;

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{expect_json, TestApp};
use crate::small_numbers_answers::{
    count_cells, every_format_shows_the_cells_of_the_json, recoverable_from_report, small,
    well_formed,
};
use quotamonitor::cli::demo;
use quotamonitor::config::ReferenceData;

on_both_backends!(a_tenant_association_reads_no_small_count_anywhere_in_the_demo);

/// Fields that hold a count of households or persons, or a number that would give one away.
const COUNTS: [&str; 9] = [
    "lettings",
    "excluded",
    "non_social",
    "count",
    "denominator",
    "housed",
    "housed_from_lettings",
    "realised",
    "persons_housed",
];

/// Fields derived from counts: shown only where they give nothing away, and then exactly as
/// the municipality sees them; they may be small themselves (a plan's difference of 3 on
/// visible figures is no household count).
const DERIVED: [&str; 4] = ["difference", "balance", "share", "housed_by_hand"];

/// Walks the tenant association's answer beside the municipality's (the same shape), and
/// lists every count field whose value breaks the rule, with its path.
fn compare(path: &str, tenant: &Value, exact: &Value, found: &mut Vec<String>, cells: &mut usize) {
    match (tenant, exact) {
        (Value::Object(t), Value::Object(e)) => {
            for (key, value) in t {
                let Some(exact_value) = e.get(key) else {
                    continue;
                };
                let here = format!("{path}/{key}");
                if COUNTS.contains(&key.as_str()) || DERIVED.contains(&key.as_str()) {
                    *cells += 1;
                    check_cell(&here, key, value, exact_value, found);
                } else {
                    compare(&here, value, exact_value, found, cells);
                }
            }
        }
        (Value::Array(t), Value::Array(e)) => {
            for (i, (a, b)) in t.iter().zip(e).enumerate() {
                compare(&format!("{path}[{i}]"), a, b, found, cells);
            }
        }
        _ => {}
    }
}

fn check_cell(path: &str, key: &str, shown: &Value, exact: &Value, found: &mut Vec<String>) {
    if !(exact.is_number() || exact.is_null()) {
        found.push(format!(
            "{path}: the municipality reads {exact}, not a number"
        ));
    }
    let count = COUNTS.contains(&key);
    if shown.is_number() {
        if shown != exact {
            found.push(format!(
                "{path}: {shown} where the municipality reads {exact}"
            ));
        }
        if count && small(shown) {
            found.push(format!("{path}: a count of {shown}"));
        }
    } else if shown == "<5" {
        if !exact.as_i64().is_some_and(|n| (1..5).contains(&n)) {
            found.push(format!("{path}: <5 for {exact}"));
        }
    } else if !(shown == "x" || shown.is_null()) || !well_formed(shown) {
        found.push(format!("{path}: {shown}"));
    }
}

async fn a_tenant_association_reads_no_small_count_anywhere_in_the_demo(app: TestApp) {
    let reference = ReferenceData::load(Some(std::path::Path::new("config"))).unwrap();
    let summary = {
        let mut conn = app.pool.get().unwrap();
        demo::load(&mut conn, &reference).unwrap()
    };
    let tokens: BTreeMap<&str, &str> = summary
        .tokens
        .iter()
        .map(|(id, _, token)| (id.as_str(), token.as_str()))
        .collect();
    let municipality = tokens["GM0629"];
    let tenants = tokens["hv-rozenstein"];
    let year = summary.year;
    let base = "/api/v1/municipalities/GM0629";

    let mut paths: Vec<String> = Vec::new();
    let mut periods = vec![year.to_string(), format!("{year}-H1"), format!("{year}-H2")];
    periods.extend((1..=4).map(|q| format!("{year}-Q{q}")));
    periods.extend((1..=12).map(|m| format!("{year}-{m:02}")));
    paths.extend(periods.iter().map(|p| format!("{base}/quota?period={p}")));
    paths.push(format!("{base}/alerts?state=all"));
    paths.push(format!("{base}/status-holders?through={year}-H2"));
    paths.push(format!("{base}/allocation-plans/{year}"));
    let halves = [format!("{year}-H1"), format!("{year}-H2")];
    paths.extend(halves.iter().map(|h| format!("{base}/reports/{h}")));

    let mut found = Vec::new();
    let mut cells = 0;
    let mut hidden = 0;
    for path in &paths {
        let exact = app.get_json(municipality, path).await;
        let seen = app.get_json(tenants, path).await;
        compare(path, &seen, &exact, &mut found, &mut cells);
        let text = seen.to_string();
        hidden += text.matches("\"<5\"").count() + text.matches("\"x\"").count();
        let exact_text = exact.to_string();
        assert!(
            !exact_text.contains("\"<5\"") && !exact_text.contains("\"x\""),
            "the municipality reads {path} with hidden cells"
        );
    }
    assert!(cells > 500, "only {cells} count cells compared");
    assert!(
        hidden > 0,
        "the demo has no small cell: the sweep would prove nothing"
    );
    assert_eq!(found, Vec::<String>::new());

    // The reports: every count cell well formed and none small, none recoverable by
    // subtraction, and CSV, HTML and XLSX the same cells as the JSON.
    for half in &halves {
        let report = expect_json(app.report(tenants, half, "").await, StatusCode::OK).await;
        for (name, v) in count_cells(&report) {
            assert!(well_formed(&v) && !small(&v), "{half} {name}: {v}");
        }
        assert_eq!(recoverable_from_report(&report, None), Vec::<String>::new());
        every_format_shows_the_cells_of_the_json(&app, tenants, half, &report).await;
    }
}
