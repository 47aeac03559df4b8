//! The status-holder task and the allocation plan.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{expect_json, letting_with, num, TestApp};

on_both_backends!(
    the_status_holder_balance_carries_over_across_three_half_years,
    only_the_municipality_sets_its_task_and_plan,
    the_allocation_plan_is_versioned_and_compared_with_realisation
);

fn status_holder(reference: &str, date: &str, size: u32) -> Value {
    letting_with(
        reference,
        json!({
            "contract_start": date,
            "household_size": size,
            "urgency": "status_holder",
            "rent": 700,
        }),
    )
}

async fn the_status_holder_balance_carries_over_across_three_half_years(app: TestApp) {
    let t = app.setup_wassenaar();
    for (half, persons) in [("2025-H2", 10), ("2026-H1", 12), ("2026-H2", 8)] {
        let response = app
            .put_task(&t.municipality, half, &json!({"persons": persons}))
            .await;
        assert_eq!(
            expect_json(response, StatusCode::OK).await["persons"],
            persons
        );
    }
    // 2025-H2: 6 housed of 10: 4 short.
    // 2026-H1: 4 by letting + 14 by hand = 18 of 12 + 4 = 16: a surplus of 2.
    // 2026-H2: 3 of 8 - 2 = 6: 3 short. A withdrawn letting does not count.
    let batch = json!([
        status_holder("SH-1", "2025-08-01", 3),
        status_holder("SH-2", "2025-12-31", 3),
        status_holder("SH-3", "2026-01-01", 4),
        status_holder("SH-4", "2026-07-01", 3),
        status_holder("SH-5", "2026-08-01", 5),
        letting_with(
            "NOT-SH",
            json!({"contract_start": "2026-02-01", "household_size": 5, "urgency": "medical"})
        ),
    ]);
    app.post_ok(&t.dwb, &batch).await;
    assert_eq!(app.withdraw(&t.dwb, "SH-5").await.status(), StatusCode::OK);
    let placement = app
        .client
        .post(app.url("/api/v1/municipalities/GM0629/status-holder-placements"))
        .bearer_auth(&t.municipality)
        .json(&json!({
            "persons": 14,
            "date": "2026-03-10",
            "note": "gezinshereniging bij bestaande huurders",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        expect_json(placement, StatusCode::CREATED).await["persons"],
        14
    );

    let path = "/api/v1/municipalities/GM0629/status-holders?through=2026-H2";
    // The municipality sees every figure (other readers: see `small_numbers`).
    let body = app.get_json(&t.municipality, path).await;
    let halves = body["half_years"].as_array().unwrap();
    let row = |half: &str| {
        halves
            .iter()
            .find(|h| h["half_year"] == half)
            .unwrap_or_else(|| panic!("{half} in {body}"))
            .clone()
    };
    assert_eq!(halves[0]["half_year"], "2025-H2");
    let h = row("2025-H2");
    assert_eq!(
        (
            h["target"].clone(),
            h["carry_over"].clone(),
            h["corrected_target"].clone(),
            h["housed"].clone(),
            h["balance"].clone()
        ),
        (json!(10), json!(0), json!(10), json!(6), json!(-4))
    );
    let h = row("2026-H1");
    assert_eq!(
        (
            h["carry_over"].clone(),
            h["corrected_target"].clone(),
            h["housed_from_lettings"].clone(),
            h["housed_by_hand"].clone(),
            h["balance"].clone()
        ),
        (json!(4), json!(16), json!(4), json!(14), json!(2))
    );
    let h = row("2026-H2");
    assert_eq!(
        (
            h["carry_over"].clone(),
            h["corrected_target"].clone(),
            h["housed"].clone(),
            h["balance"].clone()
        ),
        (json!(-2), json!(6), json!(3), json!(-3))
    );
    // The half year holding today carries the pace.
    let current = halves.last().unwrap();
    let state = current["pace"]["state"].as_str().unwrap();
    assert!(["on_track", "slightly_behind", "behind"].contains(&state));
    assert_eq!(halves.iter().filter(|h| !h["pace"].is_null()).count(), 1);
    assert_eq!(body["placements"].as_array().unwrap().len(), 1);
}

async fn only_the_municipality_sets_its_task_and_plan(app: TestApp) {
    let t = app.setup_wassenaar();
    for token in [&t.dwb, &t.tenants, &t.amsterdam] {
        let response = app.put_task(token, "2026-H1", &json!({"persons": 5})).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        let response = app
            .put_plan(
                token,
                "2026",
                &json!({"expected_available": 5, "categories": {}}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
    }
    let bad_half = app
        .put_task(&t.municipality, "2026-Q1", &json!({"persons": 5}))
        .await;
    assert_eq!(
        expect_json(bad_half, StatusCode::BAD_REQUEST).await["error"],
        "invalid_half_year"
    );
    let negative = app
        .put_task(&t.municipality, "2026-H1", &json!({"persons": -1}))
        .await;
    assert_eq!(negative.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let malformed = app
        .client
        .put(app.url("/api/v1/municipalities/GM0629/status-holder-targets/2026-H1"))
        .bearer_auth(&t.municipality)
        .header("Content-Type", "application/json")
        .body("{")
        .send()
        .await
        .unwrap();
    assert_eq!(
        expect_json(malformed, StatusCode::BAD_REQUEST).await["error"],
        "malformed_body"
    );
}

async fn the_allocation_plan_is_versioned_and_compared_with_realisation(app: TestApp) {
    let t = app.setup_wassenaar();
    let plan = json!({
        "expected_available": 100,
        "categories": {"regular": 60, "local_priority": 15, "status_holder": 20, "medical": 5},
        "note": "eerste raming",
    });
    let v1 = app.put_plan(&t.municipality, "2025", &plan).await;
    let v1 = expect_json(v1, StatusCode::CREATED).await;
    assert_eq!(v1["version"], 1);
    let plan = json!({
        "expected_available": 110,
        "categories": {"regular": 70, "local_priority": 15, "status_holder": 20},
    });
    let v2 = app.put_plan(&t.municipality, "2025", &plan).await;
    let v2 = expect_json(v2, StatusCode::CREATED).await;
    assert_eq!(v2["version"], 2);
    assert_eq!(v2["unallocated"], 5);

    let batch = json!([
        letting_with("A-1", json!({"contract_start": "2025-03-01"})),
        letting_with(
            "A-2",
            json!({"contract_start": "2025-04-01", "route": "direct"})
        ),
        letting_with(
            "A-3",
            json!({"contract_start": "2025-05-01", "route": "local_priority"})
        ),
        letting_with(
            "A-4",
            json!({"contract_start": "2025-06-01", "route": "direct", "urgency": "status_holder"}),
        ),
        letting_with(
            "A-5",
            json!({"contract_start": "2025-06-01", "urgency": "medical"})
        ),
        letting_with(
            "A-6",
            json!({"contract_start": "2025-06-02", "excluded_reason": "wisselwoning"})
        ),
        letting_with("A-7", json!({"contract_start": "2025-06-03", "rent": 950})),
    ]);
    app.post_ok(&t.dwb, &batch).await;

    // The municipality sees every figure (other readers: see `small_numbers`).
    let latest = expect_json(app.plan(&t.municipality, "2025", "").await, StatusCode::OK).await;
    assert_eq!(latest["version"], 2);
    assert_eq!(latest["versions"].as_array().unwrap().len(), 2);
    assert_eq!(latest["months_completed"], 12, "2025 is over");
    let line = |plan: &Value, c: &str| {
        plan["lines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["category"] == c)
            .unwrap()
            .clone()
    };
    assert_eq!(line(&latest, "regular")["realised"], 2);
    assert_eq!(line(&latest, "regular")["planned"], 70);
    assert_eq!(num(&line(&latest, "regular")["difference"]), -68.0);
    assert_eq!(line(&latest, "local_priority")["realised"], 1);
    assert_eq!(line(&latest, "status_holder")["realised"], 1);
    // Realised but not in version 2 of the plan: still shown, with planned 0.
    assert_eq!(line(&latest, "medical")["planned"], 0);
    assert_eq!(line(&latest, "medical")["realised"], 1);
    let first = expect_json(
        app.plan(&t.municipality, "2025", "?version=1").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(first["expected_available"], 100);
    assert_eq!(line(&first, "medical")["planned"], 5);
    assert_eq!(first["note"], "eerste raming");
    let missing = app.plan(&t.municipality, "2024", "").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let unknown = app
        .put_plan(
            &t.municipality,
            "2026",
            &json!({"expected_available": 10, "categories": {"vip": 3}}),
        )
        .await;
    let body = expect_json(unknown, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(body["problems"][0]["field"], "categories.vip");
}
