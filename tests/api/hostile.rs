//! Requests as a careless client or an attacker would send them: each gets a clear 4xx and
//! changes nothing.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{expect_json, letting, TestApp};

on_both_backends!(
    an_unknown_query_parameter_is_a_400_naming_it,
    a_query_parameter_of_another_method_is_unknown_too,
    one_record_with_a_long_reference_and_many_unknown_keys_gets_a_small_422,
    a_batch_with_thousands_of_problems_lists_the_first_1000_and_counts_them_all
);

async fn an_unknown_query_parameter_is_a_400_naming_it(app: TestApp) {
    let t = app.setup_wassenaar();
    let misspelt = app
        .get(
            &t.municipality,
            "/api/v1/municipalities/GM0629/quota?perod=2026-H1",
        )
        .send()
        .await
        .unwrap();
    let body = expect_json(misspelt, StatusCode::BAD_REQUEST).await;
    assert_eq!(body["error"], "invalid_query");
    assert!(
        body["message"].as_str().unwrap().contains("perod"),
        "{body}"
    );
    // The documented names still work, and so does a path without a query.
    app.get_json(
        &t.municipality,
        "/api/v1/municipalities/GM0629/quota?period=2026-H1",
    )
    .await;
    app.get_json(&t.municipality, "/api/v1/municipalities/GM0629/alerts")
        .await;
    // An unknown parameter on a write is refused before anything is stored.
    let post = app
        .client
        .post(app.url("/api/v1/lettings?verbose=1"))
        .bearer_auth(&t.dwb)
        .json(&json!([letting("Q-1")]))
        .send()
        .await
        .unwrap();
    assert_eq!(
        expect_json(post, StatusCode::BAD_REQUEST).await["error"],
        "invalid_query"
    );
    let stored = app
        .get(&t.dwb, "/api/v1/lettings/Q-1")
        .send()
        .await
        .unwrap();
    assert_eq!(stored.status(), StatusCode::NOT_FOUND);
    // A long name is echoed cut short.
    let long = "x".repeat(5000);
    let answer = app
        .get(
            &t.municipality,
            &format!("/api/v1/municipalities/GM0629/quota?{long}=1"),
        )
        .send()
        .await
        .unwrap();
    let body = expect_json(answer, StatusCode::BAD_REQUEST).await;
    assert!(body["message"].as_str().unwrap().len() < 200, "{body}");
}

async fn a_query_parameter_of_another_method_is_unknown_too(app: TestApp) {
    let t = app.setup_wassenaar();
    app.post_ok(&t.dwb, &json!([letting("Q-2")])).await;
    let read = app
        .get(&t.dwb, "/api/v1/lettings/Q-2?history=true")
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), StatusCode::OK);
    let delete = app
        .client
        .delete(app.url("/api/v1/lettings/Q-2?history=true"))
        .bearer_auth(&t.dwb)
        .send()
        .await
        .unwrap();
    assert_eq!(
        expect_json(delete, StatusCode::BAD_REQUEST).await["error"],
        "invalid_query"
    );
    let still = app.get_json(&t.dwb, "/api/v1/lettings/Q-2").await;
    assert_eq!(still["withdrawn"], false);
}

/// The record of the security review: 0.4 MB that used to produce a 402 MB answer (every one of
/// 20000 unknown-field problems repeated the 200000-character reference).
fn amplification_record() -> String {
    let mut record = format!("{{\"reference\":\"{}\"", "R".repeat(200_000));
    for i in 0..20_000 {
        record.push_str(&format!(",\"k{i:05}\":0"));
    }
    record.push('}');
    record
}

async fn post_raw_json(app: &TestApp, token: &str, body: String) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/lettings"))
        .bearer_auth(token)
        .header("Content-Type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap()
}

async fn one_record_with_a_long_reference_and_many_unknown_keys_gets_a_small_422(app: TestApp) {
    let t = app.setup_wassenaar();
    let body = format!("[{}]", amplification_record());
    assert!(body.len() > 400_000);
    let response = post_raw_json(&app, &t.dwb, body).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = response.text().await.unwrap();
    assert!(text.len() < 100_000, "a 422 of {} bytes", text.len());
    let body: serde_json::Value = serde_json::from_str(&text).unwrap();
    let problems = body["problems"].as_array().unwrap();
    assert_eq!(body["problems_total"], problems.len(), "{body}");
    assert!(body.get("problems_truncated").is_none(), "{body}");
    // Every problem repeats the reference, cut to 64 characters.
    assert!(problems.iter().all(|p| p["reference"] == "R".repeat(64)));
    // The first 20 unknown keys are named, then one problem counts the others.
    let unknown: Vec<&str> = problems
        .iter()
        .filter_map(|p| p["field"].as_str().filter(|f| f.starts_with('k')))
        .collect();
    assert_eq!(unknown.len(), 20, "{unknown:?}");
    assert_eq!(unknown[0], "k00000");
    let more = problems
        .iter()
        .find(|p| {
            p["message"]
                .as_str()
                .unwrap()
                .contains("19980 more unknown fields")
        })
        .unwrap_or_else(|| panic!("no problem counts the other unknown keys: {body}"));
    assert!(more["field"].is_null());
    let reference = problems.iter().find(|p| p["field"] == "reference").unwrap();
    assert!(
        reference["message"]
            .as_str()
            .unwrap()
            .contains("got 200000"),
        "{reference}"
    );
    let quota = app.quota(&t.municipality, "GM0629", "2026").await;
    assert_eq!(crate::helpers::scope(&quota, None)["lettings"], 0);
}

async fn a_batch_with_thousands_of_problems_lists_the_first_1000_and_counts_them_all(app: TestApp) {
    let t = app.setup_wassenaar();
    // 1200 records, each with a reference too long and five required fields missing.
    let records: Vec<_> = (0..1200)
        .map(|i| json!({"reference": format!("{i:04}{}", "x".repeat(5000))}))
        .collect();
    let response = app.post_json(&t.dwb, &json!(records)).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = response.text().await.unwrap();
    assert!(text.len() < 400_000, "a 422 of {} bytes", text.len());
    let body: serde_json::Value = serde_json::from_str(&text).unwrap();
    let problems = body["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1000);
    assert_eq!(body["problems_total"], 1200 * 6);
    assert_eq!(body["problems_truncated"], true);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("7200 problem(s)"),
        "{}",
        body["message"]
    );
    // In order: record by record, and the first problems are those of record 0.
    assert_eq!(problems[0]["index"], 0);
    assert_eq!(problems[0]["field"], "reference");
    assert_eq!(problems[999]["index"], 166);
    let mut last = 0;
    for p in problems {
        let index = p["index"].as_u64().unwrap();
        assert!(index >= last);
        last = index;
        let reference = p["reference"].as_str().unwrap();
        assert_eq!(reference.chars().count(), 64);
        assert_eq!(&reference[..4], format!("{index:04}"));
    }
}
