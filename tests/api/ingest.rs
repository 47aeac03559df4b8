//! Posting, correcting, reading and withdrawing letting records.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{expect_json, letting, letting_with, metric, num, scope, TestApp};

on_both_backends!(
    json_object_and_bare_array_are_both_accepted,
    reposting_the_same_batch_changes_nothing,
    a_corrected_record_changes_the_figures_and_keeps_the_old_version,
    an_invalid_batch_lists_every_problem_and_stores_nothing,
    semicolon_csv_from_dutch_excel_is_read_exactly,
    comma_csv_in_any_column_order_reports_problems_with_lines,
    an_unknown_csv_column_is_refused,
    malformed_bodies_are_400_never_500,
    a_reference_twice_in_one_batch_is_a_problem,
    withdrawing_leaves_the_quota_and_keeps_the_history,
    the_body_and_batch_limits_answer_413,
    amounts_stay_exact_to_the_cent
);

async fn json_object_and_bare_array_are_both_accepted(app: TestApp) {
    let t = app.setup_wassenaar();
    let wrapped = app
        .post_json(
            &t.dwb,
            &json!({"lettings": [letting("A-1"), letting("A-2")]}),
        )
        .await;
    let body = expect_json(wrapped, StatusCode::OK).await;
    assert_eq!(
        body,
        json!({"received": 2, "created": 2, "updated": 0, "unchanged": 0})
    );
    let bare = app.post_json(&t.dwb, &json!([letting("A-3")])).await;
    let body = expect_json(bare, StatusCode::OK).await;
    assert_eq!(
        body,
        json!({"received": 1, "created": 1, "updated": 0, "unchanged": 0})
    );
    let quota = app.quota(&t.municipality, "GM0629", "2026").await;
    assert_eq!(scope(&quota, None)["lettings"], 3);
}

async fn reposting_the_same_batch_changes_nothing(app: TestApp) {
    let t = app.setup_wassenaar();
    let batch = json!([
        letting("R-1"),
        letting_with("R-2", json!({"urgency": "medical", "rent": "800.00"})),
        letting_with(
            "R-3",
            json!({"household_income": 60000, "household_size": 1})
        ),
    ]);
    app.post_ok(&t.dwb, &batch).await;
    let before = app.quota(&t.municipality, "GM0629", "2026").await;
    let again = app.post_ok(&t.dwb, &batch).await;
    assert_eq!(
        again,
        json!({"received": 3, "created": 0, "updated": 0, "unchanged": 3})
    );
    let after = app.quota(&t.municipality, "GM0629", "2026").await;
    assert_eq!(before, after);
    let one = app
        .get_json(&t.dwb, "/api/v1/lettings/R-2?history=true")
        .await;
    assert_eq!(one["version"], 1);
    assert_eq!(one["history"].as_array().unwrap().len(), 1);
}

async fn a_corrected_record_changes_the_figures_and_keeps_the_old_version(app: TestApp) {
    let t = app.setup_wassenaar();
    app.post_ok(&t.dwb, &json!([letting("C-1"), letting("C-2")]))
        .await;
    let before = app.quota(&t.municipality, "GM0629", "2026").await;
    assert_eq!(metric(&before, None, "rent_cap_share")["count"], 2);

    // The rent was wrong: it is above the high rent cap (764.14 in 2026).
    let corrected = letting_with("C-2", json!({"rent": 800.50}));
    let body = app
        .post_ok(&t.dwb, &json!([letting("C-1"), corrected]))
        .await;
    assert_eq!(
        body,
        json!({"received": 2, "created": 0, "updated": 1, "unchanged": 1})
    );

    let after = app.quota(&t.municipality, "GM0629", "2026").await;
    assert_eq!(metric(&after, None, "rent_cap_share")["count"], 1);
    assert_eq!(num(&metric(&after, None, "rent_cap_share")["share"]), 0.5);

    let one = app
        .get_json(&t.dwb, "/api/v1/lettings/C-2?history=true")
        .await;
    assert_eq!(one["version"], 2);
    assert_eq!(num(&one["rent"]), 800.5);
    assert_eq!(one["classification"]["within_rent_cap"], false);
    let history = one["history"].as_array().unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(num(&history[0]["rent"]), 650.0);
    assert_eq!(history[0]["change"], "created");
    assert_eq!(history[1]["change"], "updated");
}

async fn an_invalid_batch_lists_every_problem_and_stores_nothing(app: TestApp) {
    let t = app.setup_wassenaar();
    let batch = json!([
        letting("V-1"),
        letting_with("V-2", json!({"rent": 0, "household_size": 0, "route": "lottery"})),
        letting("V-3"),
        letting_with("bad reference!", json!({"contract_start": "2023-05-01"})),
        {"reference": "V-5"},
    ]);
    let response = app.post_json(&t.dwb, &batch).await;
    let body = expect_json(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(body["error"], "validation_failed");
    assert!(body["message"]
        .as_str()
        .unwrap()
        .contains("nothing was stored"));
    let problems = body["problems"].as_array().unwrap();
    let at = |index: u64| -> Vec<String> {
        problems
            .iter()
            .filter(|p| p["index"] == index)
            .map(|p| p["field"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(at(1), ["rent", "household_size", "route"]);
    assert!(problems
        .iter()
        .filter(|p| p["index"] == 1)
        .all(|p| p["reference"] == "V-2"));
    assert_eq!(at(3), ["reference", "contract_start"]);
    let year_problem = problems
        .iter()
        .find(|p| p["index"] == 3 && p["field"] == "contract_start")
        .unwrap();
    assert!(
        year_problem["message"].as_str().unwrap().contains("2023"),
        "{year_problem}"
    );
    assert_eq!(
        at(4),
        [
            "municipality",
            "contract_start",
            "rent",
            "household_size",
            "household_income"
        ]
    );
    assert!(at(0).is_empty() && at(2).is_empty());
    assert!(
        problems.iter().all(|p| p.get("line").is_none()),
        "JSON problems have no line"
    );

    // Nothing was stored, not even the valid records.
    let quota = app.quota(&t.municipality, "GM0629", "2026").await;
    assert_eq!(scope(&quota, None)["lettings"], 0);
    let valid = app
        .get(&t.dwb, "/api/v1/lettings/V-1")
        .send()
        .await
        .unwrap();
    assert_eq!(valid.status(), StatusCode::NOT_FOUND);
}

async fn semicolon_csv_from_dutch_excel_is_read_exactly(app: TestApp) {
    let t = app.setup_wassenaar();
    let csv = "\u{feff}reference;municipality;contract_start;rent;household_size;household_income;pension_age;urgency;route\r\n\
               CSV-1;GM0629;2026-02-01;713,02;2;31000,50;FALSE;;regular\r\n\
               CSV-2;GM0629;2026-02-02;764,14;3;25000;1;status_holder;direct\r\n";
    let body = expect_json(app.post_csv(&t.dwb, csv).await, StatusCode::OK).await;
    assert_eq!(body["created"], 2);
    let one = app.get_json(&t.dwb, "/api/v1/lettings/CSV-1").await;
    assert_eq!(one["rent"].to_string(), "713.02");
    assert_eq!(one["household_income"].to_string(), "31000.50");
    assert_eq!(one["urgency"], serde_json::Value::Null);
    assert_eq!(one["pension_age"], false);
    let two = app.get_json(&t.dwb, "/api/v1/lettings/CSV-2").await;
    assert_eq!(two["urgency"], "status_holder");
    assert_eq!(two["pension_age"], true);
    assert_eq!(two["classification"]["passend_compliant"], true);
}

async fn comma_csv_in_any_column_order_reports_problems_with_lines(app: TestApp) {
    let t = app.setup_wassenaar();
    let csv = "household_income,household_size,rent,contract_start,municipality,reference\n\
               30000,2,650.00,2026-03-01,GM0629,L-1\n\
               30000,2,650,00,2026-03-01,GM0629,L-2\n\
               30000,two,650.00,2026-03-01,GM0629,L-3\n";
    let body = expect_json(
        app.post_csv(&t.dwb, csv).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let problems = body["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert_eq!(problems[0]["index"], 1);
    assert_eq!(problems[0]["line"], 3);
    assert_eq!(problems[1]["index"], 2);
    assert_eq!(problems[1]["line"], 4);
    assert_eq!(problems[1]["field"], "household_size");
    assert_eq!(problems[1]["reference"], "L-3");
}

async fn an_unknown_csv_column_is_refused(app: TestApp) {
    let t = app.setup_wassenaar();
    let csv = "reference,municipality,contract_start,rent,household_size,household_income,colour\n\
               X,GM0629,2026-03-01,650,2,30000,blue\n";
    let body = expect_json(
        app.post_csv(&t.dwb, csv).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(body["problems"][0]["field"], "colour");
    assert_eq!(body["problems"][0]["line"], 1);
}

async fn malformed_bodies_are_400_never_500(app: TestApp) {
    let t = app.setup_wassenaar();
    for (content_type, body) in [
        ("application/json", "{\"lettings\": [ {"),
        ("application/json", "\"just a string\""),
        ("application/json", "{\"records\": []}"),
        ("text/csv", "reference,rent\n\"unterminated"),
    ] {
        let response = app
            .client
            .post(app.url("/api/v1/lettings"))
            .bearer_auth(&t.dwb)
            .header("Content-Type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let json = expect_json(response, status).await;
        assert!(
            status == StatusCode::BAD_REQUEST || status == StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {status} {json}"
        );
        assert!(json["error"].is_string() && json["message"].is_string());
    }
    let xml = app
        .client
        .post(app.url("/api/v1/lettings"))
        .bearer_auth(&t.dwb)
        .header("Content-Type", "application/xml")
        .body("<lettings/>")
        .send()
        .await
        .unwrap();
    assert_eq!(
        expect_json(xml, StatusCode::UNSUPPORTED_MEDIA_TYPE).await["error"],
        "unsupported_media_type"
    );
    let not_objects = app.post_json(&t.dwb, &json!([letting("N-1"), 42])).await;
    let body = expect_json(not_objects, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(body["problems"][0]["index"], 1);
}

async fn a_reference_twice_in_one_batch_is_a_problem(app: TestApp) {
    let t = app.setup_wassenaar();
    let body = expect_json(
        app.post_json(&t.dwb, &json!([letting("D-1"), letting("D-1")]))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(body["problems"][0]["index"], 1);
    assert_eq!(body["problems"][0]["field"], "reference");
}

async fn withdrawing_leaves_the_quota_and_keeps_the_history(app: TestApp) {
    let t = app.setup_wassenaar();
    app.post_ok(&t.dwb, &json!([letting("W-1"), letting("WBS/2026/7")]))
        .await;
    let deleted = app.withdraw(&t.dwb, "WBS/2026/7").await;
    let body = expect_json(deleted, StatusCode::OK).await;
    assert_eq!(body["withdrawn"], true);
    assert_eq!(body["version"], 2);
    let quota = app.quota(&t.municipality, "GM0629", "2026").await;
    assert_eq!(scope(&quota, None)["lettings"], 1);

    let one = app
        .get_json(&t.dwb, "/api/v1/lettings/WBS/2026/7?history=true")
        .await;
    assert_eq!(one["withdrawn"], true);
    let changes: Vec<&str> = one["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["change"].as_str().unwrap())
        .collect();
    assert_eq!(changes, ["created", "withdrawn"]);

    // Posting it again reinstates it.
    let body = app.post_ok(&t.dwb, &json!([letting("WBS/2026/7")])).await;
    assert_eq!(body["updated"], 1);
    let quota = app.quota(&t.municipality, "GM0629", "2026").await;
    assert_eq!(scope(&quota, None)["lettings"], 2);

    let missing = app.withdraw(&t.dwb, "NOPE").await;
    assert_eq!(
        expect_json(missing, StatusCode::NOT_FOUND).await["error"],
        "letting_not_found"
    );
}

async fn the_body_and_batch_limits_answer_413(app: TestApp) {
    let t = app.setup_wassenaar();
    drop(t);
    let small = TestApp::spawn_with(app.backend, |s| {
        s.max_body_bytes = 2048;
        s.max_batch_records = 3;
    })
    .await
    .unwrap();
    let t = small.setup_wassenaar();
    let big: Vec<_> = (0..20).map(|i| letting(&format!("B-{i}"))).collect();
    let response = small.post_json(&t.dwb, &json!(big)).await;
    assert_eq!(
        expect_json(response, StatusCode::PAYLOAD_TOO_LARGE).await["error"],
        "payload_too_large"
    );
    let four: Vec<_> = (0..4)
        .map(|i| json!({"reference": format!("F-{i}")}))
        .collect();
    let response = small.post_json(&t.dwb, &json!(four)).await;
    assert_eq!(
        expect_json(response, StatusCode::PAYLOAD_TOO_LARGE).await["error"],
        "payload_too_large"
    );
    let three: Vec<_> = (0..3).map(|i| letting(&format!("T-{i}"))).collect();
    small.post_ok(&t.dwb, &json!(three)).await;
}

async fn amounts_stay_exact_to_the_cent(app: TestApp) {
    let t = app.setup_wassenaar();
    let batch = json!([
        letting_with(
            "E-1",
            json!({"rent": "764.14", "household_size": 3, "household_income": "51537.00"})
        ),
        letting_with("E-2", json!({"rent": 713.025})),
    ]);
    let body = expect_json(
        app.post_json(&t.dwb, &batch).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(body["problems"].as_array().unwrap().len(), 1);
    assert_eq!(body["problems"][0]["field"], "rent");
    let batch = json!([letting_with(
        "E-1",
        json!({"rent": "764.14", "household_size": 3, "household_income": "51537.00"})
    )]);
    app.post_ok(&t.dwb, &batch).await;
    let one = app.get_json(&t.dwb, "/api/v1/lettings/E-1").await;
    assert_eq!(one["rent"].to_string(), "764.14");
    assert_eq!(one["classification"]["within_rent_cap"], true);
    assert_eq!(one["classification"]["income_above_limit"], false);
}
