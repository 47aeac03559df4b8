//! The per-month aggregates behind the quota and the report always equal the counts over the
//! letting rows.

use chrono::NaiveDate;
use quotamonitor::db::month_counts::{profiles, profiles_from_rows};
use quotamonitor::db::quota::{count_groups, count_groups_from_rows};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{expect_json, letting_with, TestApp};

on_both_backends!(the_month_aggregate_always_equals_the_rows);

fn assert_aggregate_matches_rows(app: &TestApp, step: &str) {
    let mut conn = app.pool.get().unwrap();
    let (from, to) = (
        NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
        NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
    );
    let mut aggregate = count_groups(&mut conn, "GM0629", from, to).unwrap();
    let mut rows = count_groups_from_rows(&mut conn, "GM0629", from, to).unwrap();
    let key = |g: &quotamonitor::db::quota::GroupCount| format!("{g:?}");
    aggregate.sort_by_key(key);
    rows.sort_by_key(key);
    assert_eq!(aggregate, rows, "after {step}");
    // The period sums the database makes give the same quota counts as the month groups.
    let agreement = quotamonitor::domain::agreement::Agreement::national("GM0629");
    let period =
        quotamonitor::db::quota::count_period_groups(&mut conn, "GM0629", from, to).unwrap();
    assert_eq!(
        quotamonitor::service::quota::fold(&period, &agreement),
        quotamonitor::service::quota::fold(&rows, &agreement),
        "period sums after {step}"
    );
    let mut profiles = profiles(&mut conn, "GM0629", from, to).unwrap();
    let mut profile_rows = profiles_from_rows(&mut conn, "GM0629", from, to).unwrap();
    let key = |p: &quotamonitor::db::month_counts::ProfileRow| format!("{p:?}");
    profiles.sort_by_key(key);
    profile_rows.sort_by_key(key);
    assert_eq!(profiles, profile_rows, "profiles after {step}");
}

/// A deterministic mix of lettings: months, urgencies, rents, incomes, exclusions.
fn mixed(prefix: &str, n: usize, seed: usize) -> Vec<Value> {
    (0..n)
        .map(|i| {
            let k = i * 7 + seed * 13;
            let year = if k.is_multiple_of(5) { 2025 } else { 2026 };
            let urgency = if k.is_multiple_of(3) {
                json!(["medical", "status_holder", "social"][k % 3 + (k / 3) % 2])
            } else {
                Value::Null
            };
            let excluded_reason = if k.is_multiple_of(17) {
                json!("wisselwoning")
            } else {
                Value::Null
            };
            letting_with(
                &format!("{prefix}-{i}"),
                json!({
                    "contract_start": format!("{year}-{:02}-{:02}", 1 + k % 11, 1 + k % 27),
                    "rent": 500 + (k * 31) % 480,
                    "household_size": 1 + k % 4,
                    "household_income": 20000 + (k * 977) % 40000,
                    "urgency": urgency,
                    "excluded_reason": excluded_reason,
                }),
            )
        })
        .collect()
}

async fn the_month_aggregate_always_equals_the_rows(app: TestApp) {
    let t = app.setup_wassenaar();
    // 150 lettings: on SQLite two full statements of 64 rows and a last one of 22.
    let first = app.post_ok(&t.dwb, &json!(mixed("D", 150, 1))).await;
    assert_eq!(first["created"], 150);
    app.post_ok(&t.willibrordus, &json!(mixed("W", 25, 2)))
        .await;
    assert_aggregate_matches_rows(&app, "the first batches");
    // Corrections of half of dwb's lettings (other month, rent, urgency), the rest unchanged.
    let mut corrected = mixed("D", 30, 5);
    corrected.extend(mixed("D", 150, 1).into_iter().skip(30));
    let body = app.post_ok(&t.dwb, &json!(corrected)).await;
    assert!(body["updated"].as_u64().unwrap() > 0);
    assert_aggregate_matches_rows(&app, "corrections");
    for r in ["D-1", "D-2", "D-40", "W-3"] {
        let token = if r.starts_with('W') {
            &t.willibrordus
        } else {
            &t.dwb
        };
        let response = app.withdraw(token, r).await;
        assert_eq!(response.status(), StatusCode::OK);
    }
    assert_aggregate_matches_rows(&app, "withdrawals");
    // Reinstating two withdrawn ones, one of them changed.
    let again = json!([
        mixed("D", 3, 5)[1].clone(),
        letting_with("D-2", json!({"rent": 900}))
    ]);
    app.post_ok(&t.dwb, &again).await;
    assert_aggregate_matches_rows(&app, "reinstatements");
    // An invalid batch changes nothing.
    let mut bad = mixed("D", 10, 9);
    bad.push(json!({"reference": "broken"}));
    expect_json(
        app.post_json(&t.dwb, &json!(bad)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_aggregate_matches_rows(&app, "a refused batch");
}
