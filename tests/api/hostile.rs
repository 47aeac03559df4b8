//! Requests as a careless client or an attacker would send them: each gets a clear 4xx and
//! changes nothing.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{expect_json, letting, TestApp};

on_both_backends!(
    an_unknown_query_parameter_is_a_400_naming_it,
    a_query_parameter_of_another_method_is_unknown_too
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
