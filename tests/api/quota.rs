//! Quota status: periods, scopes, rounding, states, agreements.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{expect_json, letting_with, metric, num, scope, TestApp};

on_both_backends!(
    every_period_kind_selects_its_months,
    total_comes_first_then_each_corporation_with_lettings_by_id,
    states_are_judged_on_exact_fractions_with_the_wassenaar_limits,
    boundaries_on_the_limits_count_as_within,
    the_thirty_first_of_december_and_the_first_of_january_use_their_own_norms,
    a_municipality_without_an_agreement_gets_the_national_norms,
    few_lettings_are_insufficient_data_and_none_give_null_shares
);

/// `n` lettings of one kind, references `prefix-0..n`.
fn many(prefix: &str, n: usize, fields: Value) -> Vec<Value> {
    (0..n)
        .map(|i| letting_with(&format!("{prefix}-{i}"), fields.clone()))
        .collect()
}

async fn every_period_kind_selects_its_months(app: TestApp) {
    let t = app.setup_wassenaar();
    let batch = json!([
        letting_with("P-1", json!({"contract_start": "2026-01-01"})),
        letting_with("P-2", json!({"contract_start": "2026-03-31"})),
        letting_with("P-3", json!({"contract_start": "2026-04-01"})),
        letting_with("P-4", json!({"contract_start": "2026-06-30"})),
        letting_with("P-5", json!({"contract_start": "2026-07-01"})),
        letting_with("P-6", json!({"contract_start": "2026-12-31"})),
        letting_with("P-7", json!({"contract_start": "2025-12-31"})),
    ]);
    app.post_ok(&t.dwb, &batch).await;
    for (period, from, to, lettings) in [
        ("2026", "2026-01-01", "2026-12-31", 6),
        ("2026-H1", "2026-01-01", "2026-06-30", 4),
        ("2026-H2", "2026-07-01", "2026-12-31", 2),
        ("2026-Q1", "2026-01-01", "2026-03-31", 2),
        ("2026-Q2", "2026-04-01", "2026-06-30", 2),
        ("2026-03", "2026-03-01", "2026-03-31", 1),
        ("2026-02", "2026-02-01", "2026-02-28", 0),
        ("2025", "2025-01-01", "2025-12-31", 1),
    ] {
        let quota = app.quota(&t.municipality, "GM0629", period).await;
        assert_eq!(quota["period"], period);
        assert_eq!(quota["from"], from);
        assert_eq!(quota["to"], to);
        assert_eq!(scope(&quota, None)["lettings"], lettings, "{period}");
    }
    for bad in ["2026-H3", "2026-13", "26", "last-year"] {
        let response = app
            .get(
                &t.municipality,
                &format!("/api/v1/municipalities/GM0629/quota?period={bad}"),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(
            expect_json(response, StatusCode::BAD_REQUEST).await["error"],
            "invalid_period"
        );
    }
}

async fn total_comes_first_then_each_corporation_with_lettings_by_id(app: TestApp) {
    let t = app.setup_wassenaar();
    app.post_ok(&t.willibrordus, &json!([letting_with("W-1", json!({}))]))
        .await;
    app.post_ok(
        &t.dwb,
        &json!([
            letting_with("D-1", json!({})),
            letting_with("D-2", json!({"contract_start": "2026-08-01"}))
        ]),
    )
    .await;
    let quota = app.quota(&t.municipality, "GM0629", "2026").await;
    let scopes: Vec<(Value, Value)> = quota["scopes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["scope"].clone(), s["corporation"].clone()))
        .collect();
    assert_eq!(
        scopes,
        [
            (json!("total"), Value::Null),
            (json!("corporation"), json!("dwb")),
            (json!("corporation"), json!("willibrordus"))
        ]
    );
    assert_eq!(scope(&quota, None)["lettings"], 3);
    // In the second half year only dwb let homes.
    let h2 = app.quota(&t.municipality, "GM0629", "2026-H2").await;
    assert_eq!(h2["scopes"].as_array().unwrap().len(), 2);
    assert_eq!(h2["scopes"][1]["corporation"], "dwb");
    let metrics: Vec<&str> = h2["scopes"][0]["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["metric"].as_str().unwrap())
        .collect();
    assert_eq!(
        metrics,
        [
            "urgent_share",
            "rent_cap_share",
            "income_exemption_share",
            "passend_share",
            "local_priority_share"
        ]
    );
}

async fn states_are_judged_on_exact_fractions_with_the_wassenaar_limits(app: TestApp) {
    let t = app.setup_wassenaar();
    // 20 counted lettings: 6 urgent (0.30: on the max, a warning), 14 within the rent cap
    // (0.70: on the min, a warning), 3 above the income limit (0.15: warning), passend 14/14.
    let mut batch = many(
        "U",
        6,
        json!({"urgency": "status_holder", "household_size": 3, "rent": 700}),
    );
    batch.extend(many("N", 8, json!({"rent": 600})));
    batch.extend(many(
        "H",
        3,
        json!({"rent": 800, "household_income": 60000}),
    ));
    batch.extend(many(
        "M",
        3,
        json!({"rent": 800, "household_income": 45000}),
    ));
    batch.push(letting_with(
        "X-1",
        json!({"excluded_reason": "wisselwoning", "urgency": "medical"}),
    ));
    batch.push(letting_with(
        "S-1",
        json!({"rent": 950, "household_income": 80000}),
    ));
    app.post_ok(&t.dwb, &json!(batch)).await;

    let quota = app.quota(&t.municipality, "GM0629", "2026").await;
    let total = scope(&quota, None);
    assert_eq!(total["lettings"], 20);
    assert_eq!(total["excluded"], 1);
    assert_eq!(total["non_social"], 1);
    let urgent = metric(&quota, None, "urgent_share");
    assert_eq!(
        (urgent["count"].clone(), urgent["denominator"].clone()),
        (json!(6), json!(20))
    );
    assert_eq!(num(&urgent["share"]), 0.3);
    assert_eq!(num(&urgent["limit"]), 0.3);
    assert_eq!(urgent["bound"], "max");
    assert_eq!(urgent["state"], "warning");
    let cap = metric(&quota, None, "rent_cap_share");
    assert_eq!(cap["count"], 14);
    assert_eq!(cap["bound"], "min");
    assert_eq!(cap["state"], "warning");
    let income = metric(&quota, None, "income_exemption_share");
    assert_eq!(income["count"], 3);
    assert_eq!(income["state"], "warning");
    let passend = metric(&quota, None, "passend_share");
    assert_eq!(
        (passend["count"].clone(), passend["denominator"].clone()),
        (json!(14), json!(14))
    );
    // The minimum of 20 applies to each metric's own denominator.
    assert_eq!(passend["state"], "insufficient_data");
    assert_eq!(num(&passend["share"]), 1.0);

    // One more urgent letting: 7/21 = 0.3333 is a breach; the share is rounded, the state is not.
    app.post_ok(
        &t.dwb,
        &json!([letting_with("U-6", json!({"urgency": "medical"}))]),
    )
    .await;
    let quota = app.quota(&t.municipality, "GM0629", "2026").await;
    let urgent = metric(&quota, None, "urgent_share");
    assert_eq!(num(&urgent["share"]), 0.3333);
    assert_eq!(urgent["state"], "breach");
    // passend 15/15 still; the new letting has 2 persons at 650 <= 713.02.
    assert_eq!(metric(&quota, None, "passend_share")["count"], 15);
}

async fn boundaries_on_the_limits_count_as_within(app: TestApp) {
    let t = app.setup_wassenaar();
    let batch = json!([
        // rent exactly on the high cap, 3 persons: within the rent cap and passend
        letting_with(
            "B-1",
            json!({"rent": "764.14", "household_size": 3, "household_income": "39925"})
        ),
        // one cent above: neither
        letting_with(
            "B-2",
            json!({"rent": "764.15", "household_size": 3, "household_income": "39925"})
        ),
        // exactly on the social rent limit: social and counted; one cent above: non-social
        letting_with(
            "B-3",
            json!({"rent": "932.93", "household_income": "45000"})
        ),
        letting_with(
            "B-4",
            json!({"rent": "932.94", "household_income": "45000"})
        ),
        // income exactly on the DAEB limit for one person: not above; one cent more: above
        letting_with(
            "B-5",
            json!({"household_size": 1, "household_income": "51537"})
        ),
        letting_with(
            "B-6",
            json!({"household_size": 1, "household_income": "51537.01"})
        ),
        // the same income for two persons is below their limit (56910)
        letting_with(
            "B-7",
            json!({"household_size": 2, "household_income": "51537.01"})
        ),
        // pension age, one person, 29000: above the pension passend limit (28775), so not in the
        // passend denominator even at a rent above the cap
        letting_with(
            "B-8",
            json!({
                "household_size": 1,
                "household_income": "29000",
                "pension_age": true,
                "rent": "750",
            }),
        ),
    ]);
    app.post_ok(&t.dwb, &batch).await;
    let quota = app.quota(&t.municipality, "GM0629", "2026").await;
    let total = scope(&quota, None);
    assert_eq!(total["lettings"], 7);
    assert_eq!(total["non_social"], 1);
    // B-1, B-5, B-6, B-7 and B-8 are at or below 764.14; B-2 and B-3 are above it.
    assert_eq!(metric(&quota, None, "rent_cap_share")["count"], 5);
    assert_eq!(metric(&quota, None, "income_exemption_share")["count"], 1); // B-6
    let passend = metric(&quota, None, "passend_share");
    // In the passend denominator: B-1 and B-2 (income exactly on the 2+ limit); B-1 complies.
    assert_eq!(passend["denominator"], 2);
    assert_eq!(passend["count"], 1);
}

async fn the_thirty_first_of_december_and_the_first_of_january_use_their_own_norms(app: TestApp) {
    let t = app.setup_wassenaar();
    // 740 is above the 2025 high cap (731.93) and within the 2026 one (764.14).
    let batch = json!([
        letting_with(
            "Y-1",
            json!({"contract_start": "2025-12-31", "rent": 740, "household_size": 3})
        ),
        letting_with(
            "Y-2",
            json!({"contract_start": "2026-01-01", "rent": 740, "household_size": 3})
        ),
    ]);
    app.post_ok(&t.dwb, &batch).await;
    let y2025 = app.quota(&t.municipality, "GM0629", "2025").await;
    assert_eq!(metric(&y2025, None, "rent_cap_share")["count"], 0);
    assert_eq!(y2025["agreement"]["id"], "national");
    let y2026 = app.quota(&t.municipality, "GM0629", "2026").await;
    assert_eq!(metric(&y2026, None, "rent_cap_share")["count"], 1);
    assert_eq!(y2026["agreement"]["id"], "GM0629-2026-2029");
    let dec = app.get_json(&t.dwb, "/api/v1/lettings/Y-1").await;
    assert_eq!(dec["classification"]["norms_year"], 2025);
    let jan = app.get_json(&t.dwb, "/api/v1/lettings/Y-2").await;
    assert_eq!(jan["classification"]["norms_year"], 2026);
}

async fn a_municipality_without_an_agreement_gets_the_national_norms(app: TestApp) {
    let t = app.setup_wassenaar();
    let batch: Vec<Value> = (0..25)
        .map(|i| {
            letting_with(
                &format!("A-{i}"),
                json!({
                    "municipality": "GM0363",
                    "household_size": 1,
                    "household_income": if i < 2 { 60000 } else { 20000 },
                    "urgency": if i < 20 { json!("medical") } else { Value::Null },
                }),
            )
        })
        .collect();
    app.post_ok(&t.ymere, &json!(batch)).await;
    let quota = app.quota(&t.amsterdam, "GM0363", "2026").await;
    assert_eq!(quota["agreement"]["id"], "national");
    let urgent = metric(&quota, None, "urgent_share");
    assert_eq!(urgent["limit"], Value::Null);
    assert_eq!(urgent["state"], "no_limit");
    assert_eq!(num(&urgent["share"]), 0.8);
    assert_eq!(metric(&quota, None, "rent_cap_share")["state"], "no_limit");
    let income = metric(&quota, None, "income_exemption_share");
    assert_eq!(num(&income["limit"]), 0.075);
    // 2/25 = 0.08 > 0.075
    assert_eq!(income["state"], "breach");
    assert_eq!(num(&metric(&quota, None, "passend_share")["limit"]), 0.95);
}

async fn few_lettings_are_insufficient_data_and_none_give_null_shares(app: TestApp) {
    let t = app.setup_wassenaar();
    let batch = many("F", 19, json!({"urgency": "medical"}));
    app.post_ok(&t.dwb, &json!(batch)).await;
    let quota = app.quota(&t.municipality, "GM0629", "2026").await;
    let urgent = metric(&quota, None, "urgent_share");
    assert_eq!(urgent["state"], "insufficient_data");
    assert_eq!(num(&urgent["share"]), 1.0);
    let empty = app.quota(&t.municipality, "GM0629", "2026-H2").await;
    assert_eq!(empty["scopes"].as_array().unwrap().len(), 1);
    let urgent = metric(&empty, None, "urgent_share");
    assert_eq!(urgent["share"], Value::Null);
    assert_eq!(urgent["denominator"], 0);
    assert_eq!(urgent["state"], "insufficient_data");
}
