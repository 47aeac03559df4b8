//! The small-numbers rule, tried as an attacker would: read every quota answer of a year as a
//! tenant association (and as a corporation), then try to recover hidden cells by subtraction
//! across scopes, across periods, and from a denominator and its count.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::helpers::{letting_with, TestApp};

on_both_backends!(
    alerts_show_other_readers_their_level_but_not_their_figures,
    a_tenant_association_can_recover_no_small_count_from_any_quota_answer,
    a_corporation_sees_its_own_figures_exactly_and_recovers_no_small_count_of_another
);

/// 2026 in Wassenaar with small cells on purpose: willibrordus lets 3 homes in January and
/// 12 in March; dwb lets 20 a month in the first half year, 18 of January's to urgent groups
/// (so January's non-urgent complement is 2).
async fn post_year_with_small_cells(app: &TestApp, dwb: &str, willibrordus: &str) {
    let mut batch = Vec::new();
    for month in 1..=6 {
        for i in 0..20 {
            let urgent = if month == 1 { i < 18 } else { i < 6 };
            let mut fields = json!({"contract_start": format!("2026-{month:02}-10")});
            if urgent {
                fields["urgency"] = json!("medical");
            }
            batch.push(letting_with(&format!("D-{month}-{i}"), fields));
        }
    }
    app.post_ok(dwb, &Value::Array(batch)).await;
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
    app.post_ok(willibrordus, &Value::Array(batch)).await;
}

const PERIODS: [&str; 19] = [
    "2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06", "2026-07", "2026-08",
    "2026-09", "2026-10", "2026-11", "2026-12", "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4",
    "2026-H1", "2026-H2", "2026",
];

/// The figures of one answer cell as the reader sees them: `Some(n)` when shown as a number.
type Seen = BTreeMap<(String, &'static str, String), Option<u64>>;

/// Every count-like figure of every scope in every period, as `reader` sees it; also checks
/// that a share is only given where its count and denominator are.
async fn read_year(app: &TestApp, reader: &str) -> Seen {
    let mut seen = Seen::new();
    for period in PERIODS {
        let quota = app.quota(reader, "GM0629", period).await;
        for scope in quota["scopes"].as_array().unwrap() {
            let name = scope["corporation"].as_str().unwrap_or("total").to_string();
            for figure in ["lettings", "excluded", "non_social"] {
                seen.insert(
                    (name.clone(), period, figure.to_string()),
                    scope[figure].as_u64(),
                );
            }
            for metric in scope["metrics"].as_array().unwrap() {
                let m = metric["metric"].as_str().unwrap();
                let count = metric["count"].as_u64();
                let denominator = metric["denominator"].as_u64();
                if !metric["share"].is_null() {
                    assert!(count.is_some() && denominator.is_some(), "{metric}");
                }
                for shown in [&metric["count"], &metric["denominator"]] {
                    assert!(
                        shown.is_u64() || shown == "<5" || shown == "x" || shown.is_null(),
                        "{metric}"
                    );
                }
                seen.insert((name.clone(), period, format!("{m}.count")), count);
                seen.insert(
                    (name.clone(), period, format!("{m}.denominator")),
                    denominator,
                );
            }
        }
    }
    seen
}

/// A figure as the reader knows it: a scope absent from an answer had no lettings (0).
fn get(seen: &Seen, scope: &str, period: &'static str, figure: &str) -> Option<u64> {
    let any_of_scope = seen.keys().any(|(s, p, _)| s == scope && *p == period);
    if !any_of_scope {
        return Some(0);
    }
    seen.get(&(scope.to_string(), period, figure.to_string()))
        .copied()
        .flatten()
}

/// Every value the reader can work out with one subtraction; none may be 1 to 4 unless the
/// reader knew it anyway (`own`).
fn recoverable_small_values(seen: &Seen, scopes: &[&str], own: Option<&str>) -> Vec<String> {
    let mut found = Vec::new();
    let figures: Vec<String> = seen.keys().map(|(_, _, f)| f.clone()).collect();
    let mut check = |what: String, margin: Option<u64>, parts: Vec<(String, Option<u64>)>| {
        let unknown: Vec<&(String, Option<u64>)> =
            parts.iter().filter(|(_, v)| v.is_none()).collect();
        if let (Some(margin), [(name, _)]) = (margin, unknown.as_slice()) {
            let known: u64 = parts.iter().filter_map(|(_, v)| *v).sum();
            let derived = margin.saturating_sub(known);
            let is_own = own.is_some_and(|o| name.starts_with(&format!("{o}/")));
            if (1..5).contains(&derived) && !is_own {
                found.push(format!("{what}: {name} = {derived}"));
            }
        }
    };
    for figure in &figures {
        // Across scopes: the total minus the corporations.
        for period in PERIODS {
            let parts = scopes[1..]
                .iter()
                .map(|s| {
                    (
                        format!("{s}/{period}/{figure}"),
                        get(seen, s, period, figure),
                    )
                })
                .collect();
            check(
                format!("total {period} {figure}"),
                get(seen, "total", period, figure),
                parts,
            );
        }
        // Across periods: a year minus its halves, a half minus its quarters, a quarter
        // minus its months.
        for scope in scopes {
            let mut hierarchy: Vec<(&'static str, Vec<&'static str>)> = vec![
                ("2026", vec!["2026-H1", "2026-H2"]),
                ("2026-H1", vec!["2026-Q1", "2026-Q2"]),
                ("2026-H2", vec!["2026-Q3", "2026-Q4"]),
            ];
            for q in 0..4 {
                hierarchy.push((PERIODS[12 + q], PERIODS[3 * q..3 * q + 3].to_vec()));
            }
            for (margin, parts) in hierarchy {
                let parts = parts
                    .iter()
                    .map(|p| (format!("{scope}/{p}/{figure}"), get(seen, scope, p, figure)))
                    .collect();
                check(
                    format!("{scope} {margin} {figure}"),
                    get(seen, scope, margin, figure),
                    parts,
                );
            }
        }
    }
    // A denominator minus its count.
    for scope in scopes {
        for period in PERIODS {
            for metric in [
                "urgent_share",
                "rent_cap_share",
                "income_exemption_share",
                "passend_share",
            ] {
                let count = get(seen, scope, period, &format!("{metric}.count"));
                let denominator = get(seen, scope, period, &format!("{metric}.denominator"));
                if let (Some(c), Some(d)) = (count, denominator) {
                    let is_own = own == Some(*scope);
                    if (1..5).contains(&d.saturating_sub(c)) && !is_own {
                        found.push(format!("{scope} {period} {metric}: complement {}", d - c));
                    }
                }
            }
        }
    }
    found
}

fn small_numbers_shown(seen: &Seen, own: Option<&str>) -> Vec<String> {
    seen.iter()
        .filter(|((scope, _, _), v)| {
            own != Some(scope.as_str()) && v.is_some_and(|v| (1..5).contains(&v))
        })
        .map(|(k, v)| format!("{k:?} = {v:?}"))
        .collect()
}

async fn a_tenant_association_can_recover_no_small_count_from_any_quota_answer(app: TestApp) {
    let t = app.setup_wassenaar();
    post_year_with_small_cells(&app, &t.dwb, &t.willibrordus).await;
    let scopes = ["total", "dwb", "willibrordus"];
    // The municipality sees the small cells exactly: the data has them.
    let exact = read_year(&app, &t.municipality).await;
    assert_eq!(get(&exact, "willibrordus", "2026-01", "lettings"), Some(3));
    assert!(!small_numbers_shown(&exact, None).is_empty());
    // The tenant association sees none of them, and can work none of them out.
    let seen = read_year(&app, &t.tenants).await;
    assert_eq!(small_numbers_shown(&seen, None), Vec::<String>::new());
    assert_eq!(
        recoverable_small_values(&seen, &scopes, None),
        Vec::<String>::new()
    );
    // What is not small stays visible: dwb's first-half lettings.
    assert_eq!(get(&seen, "dwb", "2026-H1", "lettings"), Some(120));
}

async fn a_corporation_sees_its_own_figures_exactly_and_recovers_no_small_count_of_another(
    app: TestApp,
) {
    let t = app.setup_wassenaar();
    post_year_with_small_cells(&app, &t.dwb, &t.willibrordus).await;
    let scopes = ["total", "dwb", "willibrordus"];
    let own = app.quota(&t.willibrordus, "GM0629", "2026-01").await;
    let mine = own["scopes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["corporation"] == "willibrordus")
        .unwrap();
    assert_eq!(mine["lettings"], 3);
    let seen = read_year(&app, &t.dwb).await;
    assert_eq!(
        small_numbers_shown(&seen, Some("dwb")),
        Vec::<String>::new()
    );
    assert_eq!(
        recoverable_small_values(&seen, &scopes, Some("dwb")),
        Vec::<String>::new()
    );
}

async fn alerts_show_other_readers_their_level_but_not_their_figures(app: TestApp) {
    let t = app.setup_wassenaar();
    post_year_with_small_cells(&app, &t.dwb, &t.willibrordus).await;
    let exact = app
        .get_json(
            &t.municipality,
            "/api/v1/municipalities/GM0629/alerts?state=all",
        )
        .await;
    let alerts = exact["alerts"].as_array().unwrap();
    assert!(!alerts.is_empty(), "the data raises alerts: {exact}");
    assert!(alerts.iter().any(|a| a["history"][0]["count"].is_u64()));
    for (reader, own) in [(&t.tenants, None), (&t.dwb, Some("dwb"))] {
        let seen = app
            .get_json(reader, "/api/v1/municipalities/GM0629/alerts?state=all")
            .await;
        let alerts = seen["alerts"].as_array().unwrap();
        assert_eq!(alerts.len(), exact["alerts"].as_array().unwrap().len());
        for alert in alerts {
            assert!(
                alert["level"].is_string() && alert["limit"].is_number(),
                "{alert}"
            );
            let mine = own.is_some() && alert["corporation"].as_str() == own;
            for event in alert["history"].as_array().unwrap() {
                if mine {
                    assert!(event["count"].is_u64(), "{event}");
                } else {
                    assert!(
                        event["share"].is_null() && event["denominator"].is_null(),
                        "{event}"
                    );
                    let count = &event["count"];
                    assert!(count == 0 || count == "<5" || count == "x", "{event}");
                }
            }
        }
    }
}
