//! Health, the OpenAPI document, the documentation UI and unknown paths.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::expect_json;

on_both_backends! {
    async fn health_needs_no_token(app: TestApp) {
        let response = app.client.get(app.url("/health")).send().await.unwrap();
        assert_eq!(expect_json(response, StatusCode::OK).await, serde_json::json!({"status": "ok"}));
    }

    async fn unknown_paths_are_json_404(app: TestApp) {
        let response = app.client.get(app.url("/api/v1/nothing-here")).send().await.unwrap();
        assert_eq!(expect_json(response, StatusCode::NOT_FOUND).await["error"], "not_found");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openapi_document_is_served_and_matches_its_snapshot() {
    let app = crate::helpers::TestApp::spawn(crate::helpers::Backend::Sqlite).await;
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
    let app = crate::helpers::TestApp::spawn(crate::helpers::Backend::Sqlite).await;
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
