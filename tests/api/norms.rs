//! National norms by allocation date, provisional norms for a year not announced yet, and
//! `quotamonitor norms import` reclassifying them on every instance.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::cli::{quotamonitor_fails, quotamonitor_ok};
use crate::helpers::{expect_json, letting_with, metric, scope, TestApp};

on_both_backends!(
    a_home_allocated_in_december_for_a_january_contract_takes_the_allocation_years_norms,
    a_letting_in_a_year_without_norms_is_provisional_until_they_are_imported,
    status_holders_housed_before_the_first_task_build_no_surplus,
    local_priority_share_is_judged_against_the_legal_maximum,
);

async fn get_letting(app: &TestApp, token: &str, reference: &str) -> Value {
    app.get_json(token, &format!("/api/v1/lettings/{reference}"))
        .await
}

async fn a_home_allocated_in_december_for_a_january_contract_takes_the_allocation_years_norms(
    app: TestApp,
) {
    let t = app.setup_wassenaar();
    // One person with 50000: above the 2025 DAEB limit (49669), below the 2026 one (51537).
    let allocated_in_december = letting_with(
        "DEC-ALLOC",
        json!({"contract_start": "2026-01-02", "allocation_date": "2025-12-31",
               "household_size": 1, "household_income": 50000, "rent": 700}),
    );
    let allocated_in_january = letting_with(
        "JAN-ALLOC",
        json!({"contract_start": "2026-01-02", "allocation_date": "2026-01-01",
               "household_size": 1, "household_income": 50000, "rent": 700}),
    );
    app.post_ok(
        &t.dwb,
        &json!([allocated_in_december, allocated_in_january]),
    )
    .await;
    let december = get_letting(&app, &t.dwb, "DEC-ALLOC").await;
    assert_eq!(december["allocation_date"], "2025-12-31");
    assert_eq!(december["classification"]["norms_year"], 2025);
    assert_eq!(december["classification"]["norms_provisional"], false);
    assert_eq!(december["classification"]["income_above_limit"], true);
    let january = get_letting(&app, &t.dwb, "JAN-ALLOC").await;
    assert_eq!(january["classification"]["norms_year"], 2026);
    assert_eq!(january["classification"]["income_above_limit"], false);
    // Both count in January 2026, the month of the contract; 2025 holds none.
    let quota = app.quota(&t.municipality, "GM0629", "2026-01").await;
    assert_eq!(scope(&quota, None)["lettings"], 2);
    assert_eq!(metric(&quota, None, "income_exemption_share")["count"], 1);
    let quota_2025 = app.quota(&t.municipality, "GM0629", "2025").await;
    assert_eq!(scope(&quota_2025, None)["lettings"], 0);

    // An allocation after the contract start, or more than a year before it, is refused.
    for (date, words) in [
        ("2026-01-03", "after contract_start"),
        ("2025-01-01", "more than a year before"),
    ] {
        let response = app
            .post_json(
                &t.dwb,
                &json!([letting_with(
                    "BAD",
                    json!({"contract_start": "2026-01-02", "allocation_date": date})
                )]),
            )
            .await;
        let body = expect_json(response, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(body["problems"][0]["field"], "allocation_date");
        assert!(
            body["problems"][0]["message"]
                .as_str()
                .unwrap()
                .contains(words),
            "{body}"
        );
    }
}

/// The 2026 norms as 2027's, with a lower 2e aftoppingsgrens so the reclassification shows.
const NORMS_2027: &str = r#"
[[year]]
year = 2027
source = "test: the 2026 figures with a 2e aftoppingsgrens of 740.00"
quality_discount_limit = "498.20"
rent_cap_low = "713.02"
rent_cap_high = "740.00"
social_rent_limit = "932.93"
social_income_limit_single = "51537"
social_income_limit_multi = "56910"
passend_income_limit_single = "29400"
passend_income_limit_single_pension = "28775"
passend_income_limit_multi = "39925"
passend_income_limit_multi_pension = "38650"
"#;

async fn a_letting_in_a_year_without_norms_is_provisional_until_they_are_imported(app: TestApp) {
    let t = app.setup_wassenaar();
    let second = app.second_instance().await;
    // Three persons at 750: within the 2026 high cap (764.14), above the imported 2027 one.
    let january = |reference: &str| {
        letting_with(
            reference,
            json!({"contract_start": "2027-01-04", "household_size": 3, "rent": 750}),
        )
    };
    // Twenty of them, so the rent-cap share is judged (min_lettings 20): all within the cap.
    let batch: Vec<Value> = std::iter::once(january("JAN-27-A"))
        .chain((1..20).map(|i| january(&format!("JAN-27-{i}"))))
        .collect();
    app.post_ok(&t.dwb, &json!(batch)).await;
    let alerts = expect_json(
        app.alerts(&t.municipality, "?year=2027").await,
        StatusCode::OK,
    )
    .await;
    assert!(
        !alerts["alerts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["metric"] == "rent_cap_share"),
        "{alerts}"
    );
    let before = get_letting(&app, &t.dwb, "JAN-27-A").await;
    assert_eq!(before["classification"]["norms_year"], 2026);
    assert_eq!(before["classification"]["norms_provisional"], true);
    assert_eq!(before["classification"]["within_rent_cap"], true);
    let quota = second.quota(&t.municipality, "GM0629", "2027").await;
    assert_eq!(quota["norms_provisional"], true);
    assert_eq!(metric(&quota, None, "rent_cap_share")["count"], 20);
    let quota_2026 = second.quota(&t.municipality, "GM0629", "2026").await;
    assert_eq!(quota_2026["norms_provisional"], false);

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("norms-2027.toml");
    std::fs::write(&file, NORMS_2027).unwrap();
    let url = app.database_url().to_string();
    // A built-in year cannot be replaced by an import.
    let built_in = dir.path().join("norms-2026.toml");
    std::fs::write(&built_in, NORMS_2027.replace("year = 2027", "year = 2026")).unwrap();
    let refused = quotamonitor_fails(&url, &["norms", "import", built_in.to_str().unwrap()]);
    assert!(refused.contains("built in"), "{refused}");
    quotamonitor_ok(&url, &["norms", "import", file.to_str().unwrap()]);
    let listing = quotamonitor_ok(&url, &["norms", "list"]);
    let line_2027 = listing.lines().find(|l| l.starts_with("2027\t")).unwrap();
    assert!(line_2027.contains("imported"), "{listing}");
    assert!(
        listing.lines().any(|l| l.starts_with("2026\tbuilt in")),
        "{listing}"
    );

    // Both instances see the reclassified letting and classify new ones with 2027's norms.
    let after = get_letting(&second, &t.dwb, "JAN-27-A").await;
    assert_eq!(after["classification"]["norms_year"], 2027);
    assert_eq!(after["classification"]["norms_provisional"], false);
    assert_eq!(after["classification"]["within_rent_cap"], false);
    second.post_ok(&t.dwb, &json!([january("JAN-27-B")])).await;
    let new_one = get_letting(&app, &t.dwb, "JAN-27-B").await;
    assert_eq!(new_one["classification"]["norms_year"], 2027);
    assert_eq!(new_one["classification"]["norms_provisional"], false);
    let quota = app.quota(&t.municipality, "GM0629", "2027").await;
    assert_eq!(quota["norms_provisional"], false);
    assert_eq!(scope(&quota, None)["lettings"], 21);
    assert_eq!(metric(&quota, None, "rent_cap_share")["count"], 0);
    // The import re-evaluated the alerts: none of the 2027 lettings is within the cap now.
    let alerts = expect_json(
        app.alerts(&t.municipality, "?year=2027").await,
        StatusCode::OK,
    )
    .await;
    let rent_cap = alerts["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["metric"] == "rent_cap_share" && a["scope"] == "total")
        .unwrap_or_else(|| panic!("no rent-cap alert after the import: {alerts}"));
    assert_eq!(rent_cap["level"], "breach");
    assert_eq!(rent_cap["norms_provisional"], false);
}

async fn status_holders_housed_before_the_first_task_build_no_surplus(app: TestApp) {
    let t = app.setup_wassenaar();
    // Only a 2026-H2 task of 24; 13 persons housed in H1 (no task then).
    let response = app
        .put_task(&t.municipality, "2026-H2", &json!({"persons": 24}))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let batch: Vec<Value> = [(1, 4), (2, 4), (3, 5)]
        .into_iter()
        .map(|(i, size)| {
            letting_with(
                &format!("SH-H1-{i}"),
                json!({"contract_start": format!("2026-0{i}-10"), "household_size": size,
                       "urgency": "status_holder"}),
            )
        })
        .collect();
    app.post_ok(&t.dwb, &json!(batch)).await;
    let overview = app
        .get_json(
            &t.municipality,
            "/api/v1/municipalities/GM0629/status-holders?through=2026-H2",
        )
        .await;
    let halves = overview["half_years"].as_array().unwrap();
    assert_eq!(halves[0]["half_year"], "2026-H2", "{overview}");
    assert_eq!(halves[0]["carry_over"], 0);
    assert_eq!(halves[0]["corrected_target"], 24);
    // A status holder housed under another category counts by the flag, not the urgency.
    app.post_ok(
        &t.dwb,
        &json!([letting_with(
            "SH-H2-MED",
            json!({"contract_start": "2026-08-10", "household_size": 3, "urgency": "medical",
                   "status_holder": true})
        )]),
    )
    .await;
    let overview = app
        .get_json(
            &t.municipality,
            "/api/v1/municipalities/GM0629/status-holders?through=2026-H2",
        )
        .await;
    assert_eq!(overview["half_years"][0]["housed_from_lettings"], 3);
}

async fn local_priority_share_is_judged_against_the_legal_maximum(app: TestApp) {
    let t = app.setup_wassenaar();
    // 20 counted lettings, 10 with local priority: exactly 50%, on the legal maximum.
    let batch: Vec<Value> = (0..20)
        .map(|i| {
            let route = if i < 10 { "local_priority" } else { "regular" };
            letting_with(&format!("LP-{i}"), json!({"route": route}))
        })
        .collect();
    app.post_ok(&t.dwb, &json!(batch)).await;
    let quota = app.quota(&t.municipality, "GM0629", "2026-Q1").await;
    let local = metric(&quota, None, "local_priority_share");
    assert_eq!(local["count"], 10);
    assert_eq!(local["denominator"], 20);
    assert_eq!(local["limit"].as_f64(), Some(0.5));
    assert_eq!(local["bound"], "max");
    // On the maximum is allowed; within the warning margin it warns.
    assert_eq!(local["state"], "warning");
    app.post_ok(
        &t.dwb,
        &json!([letting_with("LP-20", json!({"route": "local_priority"}))]),
    )
    .await;
    let quota = app.quota(&t.municipality, "GM0629", "2026-Q1").await;
    assert_eq!(
        metric(&quota, None, "local_priority_share")["state"],
        "breach"
    );
}
