//! Headroom (ruimte tot de norm): how many more lettings of a kind fit before the year-to-date
//! state changes, checked against what the quota answer then says when they are made; who may
//! read it, and what a reader who may not see a count exactly gets.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{expect_json, letting_with, metric, scope, TestApp};

on_both_backends!(
    can_we_still_make_two_urgent_lettings_this_month,
    a_min_norm_counts_the_lettings_without_the_property,
    a_reader_who_may_not_see_a_count_gets_no_figure_derived_from_it,
    the_same_readers_as_the_quota_and_a_year_that_is_a_year
);

const PATH: &str = "/api/v1/municipalities/GM0629/headroom?year=2026";

/// `n` lettings of one kind, references `prefix-0..n`.
fn many(prefix: &str, n: usize, fields: Value) -> Vec<Value> {
    (0..n)
        .map(|i| letting_with(&format!("{prefix}-{i}"), fields.clone()))
        .collect()
}

/// dwb's first quarter: 20 regular lettings and 5 urgent ones (20%).
async fn first_quarter(app: &TestApp, token: &str) {
    let mut batch = many("R", 10, json!({"contract_start": "2026-01-10"}));
    batch.extend(many("S", 10, json!({"contract_start": "2026-02-10"})));
    batch.extend(many(
        "U",
        5,
        json!({"contract_start": "2026-03-10", "urgency": "medical"}),
    ));
    app.post_ok(token, &json!(batch)).await;
}

async fn can_we_still_make_two_urgent_lettings_this_month(app: TestApp) {
    let t = app.setup_wassenaar();
    first_quarter(&app, &t.dwb).await;
    let headroom = app.get_json(&t.municipality, PATH).await;
    assert_eq!(headroom["year"], 2026);
    assert_eq!(headroom["months_with_data"], 3);
    assert_eq!(headroom["projection_method"], "linear_by_months_with_data");
    let urgent = metric(&headroom, None, "urgent_share");
    assert_eq!(urgent["count"], 5);
    assert_eq!(urgent["denominator"], 25);
    assert_eq!(urgent["state"], "ok");
    // 7 of 27 (25.9%) is below the warning line of 28%, 8 of 28 (28.6%) is not; 9 of 29
    // (31.0%) is above the 30%: two urgent lettings are fine, a fourth is a breach.
    assert_eq!(urgent["warning_after"], 2);
    assert_eq!(urgent["breach_after"], 3);
    assert_eq!(urgent["recovery_needed"], Value::Null);
    // At the pace of January to March: 100 lettings at year end, the share the same.
    assert_eq!(urgent["projected_denominator"], 100);
    assert_eq!(urgent["projected_share"], json!(0.2));
    assert_eq!(urgent["withheld"], false);
    assert_eq!(
        metric(&headroom, Some("dwb"), "urgent_share")["breach_after"],
        3
    );

    // Make them, and the quota agrees: two keep it ok, the third is a warning, the fourth a
    // breach.
    let urgent_in_april = |reference: &str| {
        json!([letting_with(
            reference,
            json!({"contract_start": "2026-04-02", "urgency": "medical"})
        )])
    };
    for (reference, state) in [
        ("A-1", "ok"),
        ("A-2", "ok"),
        ("A-3", "warning"),
        ("A-4", "breach"),
    ] {
        app.post_ok(&t.dwb, &urgent_in_april(reference)).await;
        let quota = app.quota(&t.municipality, "GM0629", "2026").await;
        assert_eq!(
            metric(&quota, None, "urgent_share")["state"],
            state,
            "after {reference}"
        );
    }
    // 9 of 29 now: 4 lettings without urgency bring it to 9 of 33 (27.3%); 3 leave 9 of 32
    // (28.1%).
    let after = app.get_json(&t.municipality, PATH).await;
    let urgent = metric(&after, None, "urgent_share");
    assert_eq!(urgent["state"], "breach");
    assert_eq!(urgent["breach_after"], 0);
    assert_eq!(urgent["warning_after"], 0);
    assert_eq!(urgent["recovery_needed"], 4);
    app.post_ok(
        &t.dwb,
        &json!(many("B", 3, json!({"contract_start": "2026-04-03"}))),
    )
    .await;
    let quota = app.quota(&t.municipality, "GM0629", "2026").await;
    assert_eq!(metric(&quota, None, "urgent_share")["state"], "warning");
    app.post_ok(
        &t.dwb,
        &json!([letting_with("B-3", json!({"contract_start": "2026-04-03"}))]),
    )
    .await;
    let quota = app.quota(&t.municipality, "GM0629", "2026").await;
    assert_eq!(metric(&quota, None, "urgent_share")["state"], "ok");
}

async fn a_min_norm_counts_the_lettings_without_the_property(app: TestApp) {
    let t = app.setup_wassenaar();
    // 26 within the rent cap, 2 above it (in the social range): 26 of 28.
    let mut batch = many("C", 26, json!({}));
    batch.extend(many("H", 2, json!({"rent": 800})));
    app.post_ok(&t.dwb, &json!(batch)).await;
    let headroom = app.get_json(&t.municipality, PATH).await;
    let rent_cap = metric(&headroom, None, "rent_cap_share");
    assert_eq!(rent_cap["bound"], "min");
    assert_eq!(rent_cap["count"], 26);
    assert_eq!(rent_cap["denominator"], 28);
    // 26 of 36 is 72.2% (ok), 26 of 37 is 70.3% (warning); 26 of 37 is still at least 70%,
    // 26 of 38 (68.4%) is not.
    assert_eq!(rent_cap["warning_after"], 8);
    assert_eq!(rent_cap["breach_after"], 9);
    // Metrics without a limit have no headroom; the others are there by name.
    let names: Vec<&str> = scope(&headroom, None)["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["metric"].as_str().unwrap())
        .collect();
    let quota = app.quota(&t.municipality, "GM0629", "2026").await;
    let limited: Vec<&str> = scope(&quota, None)["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| !m["limit"].is_null())
        .map(|m| m["metric"].as_str().unwrap())
        .collect();
    assert_eq!(names, limited);

    // Nine more above the cap: the quota says warning, not yet breach; a tenth is a breach.
    app.post_ok(&t.dwb, &json!(many("X", 9, json!({"rent": 800}))))
        .await;
    let quota = app.quota(&t.municipality, "GM0629", "2026").await;
    assert_eq!(metric(&quota, None, "rent_cap_share")["state"], "warning");
    app.post_ok(&t.dwb, &json!([letting_with("X-9", json!({"rent": 800}))]))
        .await;
    let quota = app.quota(&t.municipality, "GM0629", "2026").await;
    assert_eq!(metric(&quota, None, "rent_cap_share")["state"], "breach");
}

/// Whether a count is shown exactly.
fn exact(v: &Value) -> bool {
    v.is_u64()
}

async fn a_reader_who_may_not_see_a_count_gets_no_figure_derived_from_it(app: TestApp) {
    let t = app.setup_wassenaar();
    first_quarter(&app, &t.dwb).await;
    // willibrordus: 3 lettings, one urgent.
    let mut small = many("W", 2, json!({}));
    small.push(letting_with("WU", json!({"urgency": "medical"})));
    app.post_ok(&t.willibrordus, &json!(small)).await;

    let municipality = app.get_json(&t.municipality, PATH).await;
    let own = app.get_json(&t.willibrordus, PATH).await;
    let tenants = app.get_json(&t.tenants, PATH).await;

    // The municipality sees everything; willibrordus its own scope.
    let exact_urgent = metric(&municipality, Some("willibrordus"), "urgent_share");
    assert_eq!(exact_urgent["count"], 1);
    assert_eq!(exact_urgent["breach_after"], 0);
    assert_eq!(
        metric(&own, Some("willibrordus"), "urgent_share"),
        exact_urgent
    );

    // The tenant association sees "<5" and no figure worked out from it.
    let hidden = metric(&tenants, Some("willibrordus"), "urgent_share");
    assert_eq!(hidden["count"], "<5");
    assert_eq!(hidden["withheld"], true);
    for derived in [
        "share",
        "warning_after",
        "breach_after",
        "recovery_needed",
        "projected_share",
        "projected_denominator",
    ] {
        assert_eq!(hidden[derived], Value::Null, "{derived}");
    }
    // And cannot take the total minus dwb: for every metric, one of the two is not exact, and
    // wherever a scope's figures are derived its count and denominator are exact.
    for answer in [&tenants, &own] {
        for m in scope(answer, None)["metrics"].as_array().unwrap() {
            let name = m["metric"].as_str().unwrap();
            let dwb = metric(answer, Some("dwb"), name);
            let willibrordus = metric(answer, Some("willibrordus"), name);
            if !exact(&willibrordus["count"]) {
                assert!(
                    !(exact(&m["count"]) && exact(&dwb["count"])),
                    "{name}: the total and dwb give willibrordus away: {answer}"
                );
            }
            for s in [m, dwb, willibrordus] {
                let derived = !s["breach_after"].is_null() || !s["projected_share"].is_null();
                if derived {
                    assert!(exact(&s["count"]) && exact(&s["denominator"]), "{s}");
                }
                assert_eq!(
                    s["withheld"],
                    !(exact(&s["count"]) && exact(&s["denominator"]))
                );
            }
        }
    }
}

async fn the_same_readers_as_the_quota_and_a_year_that_is_a_year(app: TestApp) {
    let t = app.setup_wassenaar();
    let response = app.get(&t.ymere, PATH).send().await.unwrap();
    assert_eq!(
        expect_json(response, StatusCode::FORBIDDEN).await["error"],
        "forbidden"
    );
    let response = app
        .get(
            &t.municipality,
            "/api/v1/municipalities/GM0629/headroom?year=twenty",
        )
        .send()
        .await
        .unwrap();
    expect_json(response, StatusCode::BAD_REQUEST).await;
    let response = app
        .get(
            &t.municipality,
            "/api/v1/municipalities/GM0629/headroom?year=20260",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        expect_json(response, StatusCode::BAD_REQUEST).await["error"],
        "invalid_year"
    );
    // A year without lettings: every scope within its limits, no projection.
    let empty = app
        .get_json(
            &t.municipality,
            "/api/v1/municipalities/GM0629/headroom?year=2027",
        )
        .await;
    assert_eq!(empty["months_with_data"], 0);
    let urgent = metric(&empty, None, "urgent_share");
    assert_eq!(urgent["denominator"], 0);
    assert_eq!(urgent["breach_after"], 0);
    assert_eq!(urgent["projected_share"], Value::Null);
    // The default year is the current one.
    let current = app
        .get_json(&t.municipality, "/api/v1/municipalities/GM0629/headroom")
        .await;
    assert!(current["year"].is_i64());
}
