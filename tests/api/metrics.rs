//! `/metrics`: Prometheus text without a token, with route patterns and no personal data.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{letting, letting_with, TestApp};

on_both_backends!(metrics_count_route_patterns_without_personal_data);

/// The value of the first sample line that starts with `series`.
fn sample(text: &str, series: &str) -> f64 {
    text.lines()
        .find(|l| l.starts_with(series))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no sample {series} in\n{text}"))
}

async fn metrics_count_route_patterns_without_personal_data(app: TestApp) {
    let t = app.setup_wassenaar();
    app.post_ok(
        &t.dwb,
        &json!([
            letting("PRIVATE-REF-1"),
            letting_with("PRIVATE-REF-2", json!({ "household_income": 45678.91 })),
        ]),
    )
    .await;
    app.quota(&t.municipality, "GM0629", "2026").await;
    let missing = app
        .get(&t.dwb, "/api/v1/lettings/PRIVATE-REF-404")
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        app.withdraw(&t.dwb, "PRIVATE-REF-2").await.status(),
        StatusCode::OK
    );
    let nowhere = app
        .client
        .get(app.url("/no/such/PRIVATE-PATH"))
        .send()
        .await
        .unwrap();
    assert_eq!(nowhere.status(), StatusCode::NOT_FOUND);

    // No token needed (and a wrong one is not looked at).
    let response = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth("qm_not-a-token")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    let text = response.text().await.unwrap();

    // Requests by route pattern, method and status, with latencies.
    for (series, count) in [
        (
            r#"quotamonitor_http_requests_total{method="GET",route="/api/v1/municipalities/{code}/quota",status="200"}"#,
            1.0,
        ),
        (
            r#"quotamonitor_http_requests_total{method="POST",route="/api/v1/lettings",status="200"}"#,
            1.0,
        ),
        (
            r#"quotamonitor_http_requests_total{method="GET",route="/api/v1/lettings/{reference:.+}",status="404"}"#,
            1.0,
        ),
        (
            r#"quotamonitor_http_requests_total{method="DELETE",route="/api/v1/lettings/{reference:.+}",status="200"}"#,
            1.0,
        ),
        (
            r#"quotamonitor_http_requests_total{method="GET",route="unmatched",status="404"}"#,
            1.0,
        ),
        (
            r#"quotamonitor_http_request_duration_seconds_count{method="GET",route="/api/v1/municipalities/{code}/quota"}"#,
            1.0,
        ),
    ] {
        assert_eq!(sample(&text, series), count, "{series}");
    }
    assert!(text.contains(r#"quotamonitor_http_request_duration_seconds_bucket{method="POST",route="/api/v1/lettings",le="0.5"}"#));
    // Counted where batches are committed (process-wide: other tests add to them).
    assert!(
        sample(
            &text,
            r#"quotamonitor_lettings_ingested_total{outcome="created"}"#
        ) >= 2.0
    );
    assert!(
        sample(
            &text,
            r#"quotamonitor_lettings_ingested_total{outcome="withdrawn"}"#
        ) >= 1.0
    );
    sample(
        &text,
        r#"quotamonitor_alert_changes_total{change="opened",level="breach"}"#,
    );
    assert_eq!(
        sample(&text, r#"quotamonitor_webhook_deliveries{state="pending"}"#),
        0.0
    );
    sample(
        &text,
        r#"quotamonitor_webhook_deliveries{state="delivered"}"#,
    );
    sample(&text, "quotamonitor_webhook_deliveries_retrying");
    assert_eq!(sample(&text, "quotamonitor_db_pool_max_connections"), 4.0);
    sample(&text, r#"quotamonitor_db_pool_connections{state="idle"}"#);
    sample(&text, r#"quotamonitor_db_pool_connections{state="in_use"}"#);
    sample(&text, "quotamonitor_db_pool_waiting");

    // Nothing from a request or a record: no reference, path, amount, organisation or token.
    for private in [
        "PRIVATE",
        "45678",
        "GM0629",
        "dwb",
        "qm_",
        t.dwb.as_str(),
        t.municipality.as_str(),
    ] {
        assert!(!text.contains(private), "{private:?} in /metrics:\n{text}");
    }
}
