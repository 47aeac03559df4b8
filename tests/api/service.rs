//! Health, the OpenAPI document, the documentation UI and unknown paths.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{expect_json, letting, Backend, TestApp};

on_both_backends!(
    health_needs_no_token,
    every_request_works_on_a_pool_of_one_connection,
    unknown_paths_are_json_404
);

async fn health_needs_no_token(app: TestApp) {
    let response = app.client.get(app.url("/health")).send().await.unwrap();
    assert_eq!(
        expect_json(response, StatusCode::OK).await,
        serde_json::json!({"status": "ok"})
    );
}

async fn every_request_works_on_a_pool_of_one_connection(app: TestApp) {
    // A read keeps the connection that checked its token for its own query; a request must
    // never hold two, or a full pool would wait on itself. With one connection in the pool
    // every endpoint still answers, also when requests arrive together. The client gives up
    // well before the pool's 10 s wait would turn a double hold into a 503.
    let app = TestApp::spawn_with(app.backend, |s| s.pool_size = 1)
        .await
        .unwrap();
    let t = app.setup_wassenaar();
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(5))
        .build()
        .unwrap();
    let posted = client
        .post(app.url("/api/v1/lettings"))
        .bearer_auth(&t.dwb)
        .json(&json!({"lettings": [letting("P-1"), letting("P-2")]}))
        .send()
        .await
        .unwrap();
    expect_json(posted, StatusCode::OK).await;
    let plan = client
        .put(app.url("/api/v1/municipalities/GM0629/allocation-plans/2026"))
        .bearer_auth(&t.municipality)
        .json(&json!({"expected_available": 10, "categories": {}}))
        .send()
        .await
        .unwrap();
    assert!(plan.status().is_success(), "{}", plan.status());
    let hook = client
        .post(app.url("/api/v1/municipalities/GM0629/webhooks"))
        .bearer_auth(&t.municipality)
        .json(&json!({"url": "http://127.0.0.1:9/hook"}))
        .send()
        .await
        .unwrap();
    let hook_id = expect_json(hook, StatusCode::CREATED).await["id"]
        .as_i64()
        .unwrap();
    let reads = [
        (&t.dwb, "/api/v1/lettings/P-1".to_string()),
        (
            &t.municipality,
            "/api/v1/municipalities/GM0629/quota?period=2026".to_string(),
        ),
        (
            &t.municipality,
            "/api/v1/municipalities/GM0629/reports/2026-H1".to_string(),
        ),
        (
            &t.tenants,
            "/api/v1/municipalities/GM0629/reports/2026-H1?format=xlsx".to_string(),
        ),
        (
            &t.municipality,
            "/api/v1/municipalities/GM0629/alerts".to_string(),
        ),
        (
            &t.municipality,
            "/api/v1/municipalities/GM0629/status-holders".to_string(),
        ),
        (
            &t.municipality,
            "/api/v1/municipalities/GM0629/allocation-plans/2026".to_string(),
        ),
        (
            &t.municipality,
            "/api/v1/municipalities/GM0629/webhooks".to_string(),
        ),
        (
            &t.municipality,
            format!("/api/v1/municipalities/GM0629/webhooks/{hook_id}/deliveries"),
        ),
    ];
    let answers = futures_util::future::join_all(reads.iter().map(|(token, path)| {
        let request = client.get(app.url(path)).bearer_auth(token);
        async move { (path, request.send().await) }
    }))
    .await;
    for (path, answer) in answers {
        let answer = answer.unwrap_or_else(|e| panic!("GET {path} did not answer: {e}"));
        assert_eq!(answer.status(), StatusCode::OK, "GET {path}");
    }
    let withdrawn = client
        .delete(app.url("/api/v1/lettings/P-2"))
        .bearer_auth(&t.dwb)
        .send()
        .await
        .unwrap();
    assert_eq!(withdrawn.status(), StatusCode::OK);
    let quota = app.quota(&t.municipality, "GM0629", "2026").await;
    assert_eq!(quota["scopes"][0]["lettings"], 1);
}

async fn unknown_paths_are_json_404(app: TestApp) {
    let response = app
        .client
        .get(app.url("/api/v1/nothing-here"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        expect_json(response, StatusCode::NOT_FOUND).await["error"],
        "not_found"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openapi_document_is_served_and_matches_its_snapshot() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let response = app
        .client
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap();
    let document: Value = expect_json(response, StatusCode::OK).await;
    assert_eq!(document["openapi"], "3.1.0");
    for path in [
        "/health",
        "/api/v1/lettings",
        "/api/v1/lettings/{reference}",
        "/api/v1/municipalities/{code}/quota",
    ] {
        assert!(
            document["paths"].get(path).is_some(),
            "{path} is not documented"
        );
    }
    // Every operation declares the 429 of the rate limits, with Retry-After; the ingest its
    // 503 at the concurrency limit.
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let too_many = &operation["responses"]["429"];
            assert!(
                too_many["headers"].get("Retry-After").is_some(),
                "{method} {path} does not declare 429 with Retry-After"
            );
        }
    }
    let busy = &document["paths"]["/api/v1/lettings"]["post"]["responses"]["503"];
    assert!(busy["headers"].get("Retry-After").is_some(), "{busy}");
    let snapshot_path = std::path::Path::new("tests/snapshots/openapi.json");
    let rendered = serde_json::to_string_pretty(&document).unwrap() + "\n";
    if std::env::var("UPDATE_SNAPSHOTS").is_ok_and(|v| v == "1") {
        std::fs::write(snapshot_path, &rendered).unwrap();
    }
    let snapshot = std::fs::read_to_string(snapshot_path)
        .expect("tests/snapshots/openapi.json exists; run with UPDATE_SNAPSHOTS=1 to write it");
    assert_eq!(
        rendered, snapshot,
        "the OpenAPI document changed; review and run with UPDATE_SNAPSHOTS=1"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_swagger_ui_is_served_without_anything_from_the_internet() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let page = app.client.get(app.url("/docs/")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("swagger-ui"), "{html}");
    assert!(
        !html.contains("https://"),
        "the UI page loads something from the internet"
    );
    let init = app
        .client
        .get(app.url("/docs/swagger-initializer.js"))
        .send()
        .await
        .unwrap();
    let script = init.text().await.unwrap();
    assert!(script.contains("/api/v1/openapi.json"), "{script}");
}
