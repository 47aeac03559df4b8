//! Requests as a careless client or an attacker would send them: each gets a clear 4xx and
//! changes nothing.

use std::time::Duration;

use reqwest::{Response, StatusCode};
use serde_json::json;

use crate::helpers::{expect_json, letting, TestApp};

on_both_backends!(
    a_status_holder_chain_far_in_the_past_is_refused,
    an_unknown_query_parameter_is_a_400_naming_it,
    a_query_parameter_of_another_method_is_unknown_too,
    a_token_past_its_burst_gets_429_until_retry_after,
    unknown_tokens_past_the_failure_budget_get_429_without_the_database,
    a_client_address_past_its_burst_gets_429
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

/// Asserts a `429` with a JSON `rate_limited` error; its `Retry-After` in seconds.
async fn expect_rate_limited(response: Response) -> u64 {
    assert_eq!(
        response.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "{response:?}"
    );
    let retry_after = response
        .headers()
        .get("retry-after")
        .unwrap_or_else(|| panic!("429 without Retry-After: {response:?}"))
        .to_str()
        .unwrap()
        .parse::<u64>()
        .expect("Retry-After in whole seconds");
    let body = expect_json(response, StatusCode::TOO_MANY_REQUESTS).await;
    assert_eq!(body["error"], "rate_limited", "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("try again"),
        "{body}"
    );
    assert!(retry_after >= 1, "Retry-After {retry_after}");
    retry_after
}

async fn a_token_past_its_burst_gets_429_until_retry_after(app: TestApp) {
    // Three at once, then one every three seconds.
    let app = TestApp::spawn_with(app.backend, |s| {
        s.rate_limit_token_per_minute = 20;
        s.rate_limit_token_burst = 3;
    })
    .await
    .unwrap();
    let t = app.setup_wassenaar();
    let quota = "/api/v1/municipalities/GM0629/quota?period=2026";
    for i in 0..3 {
        let answer = app.get(&t.municipality, quota).send().await.unwrap();
        assert_eq!(answer.status(), StatusCode::OK, "request {i} of the burst");
    }
    let over = app.get(&t.municipality, quota).send().await.unwrap();
    let retry_after = expect_rate_limited(over).await;
    assert!(retry_after <= 3, "Retry-After {retry_after}");
    // Another token from the same address is not affected, and neither is /health.
    app.get_json(&t.tenants, quota).await;
    let health = app.client.get(app.url("/health")).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    // After Retry-After the first token is served again.
    tokio::time::sleep(Duration::from_secs(retry_after)).await;
    app.get_json(&t.municipality, quota).await;
}

async fn unknown_tokens_past_the_failure_budget_get_429_without_the_database(app: TestApp) {
    // Three failed authentications, then one every 30 seconds.
    let app = TestApp::spawn_with(app.backend, |s| {
        s.rate_limit_failed_auth_per_minute = 2;
        s.rate_limit_failed_auth_burst = 3;
        s.pool_size = 2;
    })
    .await
    .unwrap();
    let t = app.setup_wassenaar();
    let quota = "/api/v1/municipalities/GM0629/quota?period=2026";
    for i in 0..3 {
        let answer = app
            .get(&format!("qm_guess{i}"), quota)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), StatusCode::UNAUTHORIZED, "guess {i}");
    }
    let over = app.get("qm_guess3", quota).send().await.unwrap();
    let retry_after = expect_rate_limited(over).await;
    assert!(retry_after <= 30, "Retry-After {retry_after}");

    // The refusal comes before the token is looked up: with every connection of the pool
    // taken, a lookup would wait for the pool's 10 s and end in 503, but the 429 is at once.
    // The address cannot tell a valid token from a guess any more, so a valid one waits too.
    let held: Vec<_> = (0..2).map(|_| app.pool.get().unwrap()).collect();
    let impatient = reqwest::Client::builder()
        .timeout(Duration::from_secs(3))
        .build()
        .unwrap();
    for token in ["qm_guess4", t.municipality.as_str()] {
        let answer = impatient
            .get(app.url(quota))
            .bearer_auth(token)
            .send()
            .await
            .expect("answered without waiting for the database");
        expect_rate_limited(answer).await;
    }
    drop(held);

    // Without a token the address is served as before.
    let health = app.client.get(app.url("/health")).send().await.unwrap();
    assert_eq!(expect_json(health, StatusCode::OK).await["status"], "ok");
    let without = app.client.get(app.url(quota)).send().await.unwrap();
    assert_eq!(without.status(), StatusCode::UNAUTHORIZED);
}

async fn a_client_address_past_its_burst_gets_429(app: TestApp) {
    // The test's requests come from 127.0.0.1, here a proxy that is trusted.
    let app = TestApp::spawn_with(app.backend, |s| {
        s.rate_limit_address_per_minute = 2;
        s.rate_limit_address_burst = 2;
        s.trusted_proxy = vec!["127.0.0.1".into()];
    })
    .await
    .unwrap();
    let health = |client: &'static str| {
        app.client
            .get(app.url("/health"))
            .header("X-Forwarded-For", client)
            .send()
    };
    for _ in 0..2 {
        assert_eq!(
            health("203.0.113.1").await.unwrap().status(),
            StatusCode::OK
        );
    }
    let retry_after = expect_rate_limited(health("203.0.113.1").await.unwrap()).await;
    assert!(retry_after <= 30, "Retry-After {retry_after}");
    // A client cannot escape by writing the header itself: the proxy's entry is the last.
    let spoofed = health("198.51.100.9, 203.0.113.1").await.unwrap();
    expect_rate_limited(spoofed).await;
    // Another client behind the same proxy has a budget of its own.
    assert_eq!(
        health("203.0.113.2").await.unwrap().status(),
        StatusCode::OK
    );
}

async fn a_status_holder_chain_far_in_the_past_is_refused(app: TestApp) {
    let t = app.setup_wassenaar();
    for through in ["1900-H1", "2999-H2"] {
        let answer = app
            .get(
                &t.tenants,
                &format!("/api/v1/municipalities/GM0629/status-holders?through={through}"),
            )
            .send()
            .await
            .unwrap();
        let body = expect_json(answer, StatusCode::BAD_REQUEST).await;
        assert_eq!(body["error"], "invalid_half_year", "{body}");
    }
    let this_year = chrono::Datelike::year(&chrono::Utc::now().date_naive());
    app.get_json(
        &t.tenants,
        &format!("/api/v1/municipalities/GM0629/status-holders?through={this_year}-H1"),
    )
    .await;
}
