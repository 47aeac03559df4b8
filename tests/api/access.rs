//! Tokens and who may see what.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{expect_json, letting, letting_with, num, scope, TestApp};

on_both_backends!(
    requests_without_a_valid_token_are_401,
    tokens_are_stored_only_as_hashes,
    a_corporation_cannot_read_or_change_another_corporations_letting,
    record_level_data_is_only_for_the_corporation_that_posted_it,
    quota_readers_are_the_municipality_its_corporations_and_tenants,
    a_corporation_posts_only_for_municipalities_it_is_registered_for
);

async fn requests_without_a_valid_token_are_401(app: TestApp) {
    let t = app.setup_wassenaar();
    let none = app
        .client
        .get(app.url("/api/v1/municipalities/GM0629/quota?period=2026"))
        .send()
        .await
        .unwrap();
    assert_eq!(none.headers().get("www-authenticate").unwrap(), "Bearer");
    assert_eq!(
        expect_json(none, StatusCode::UNAUTHORIZED).await["error"],
        "unauthorized"
    );
    let unknown = app
        .get("qm_0000", "/api/v1/municipalities/GM0629/quota?period=2026")
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    let basic = app
        .client
        .get(app.url("/api/v1/lettings/X"))
        .header("Authorization", "Basic YTpi")
        .send()
        .await
        .unwrap();
    assert_eq!(basic.status(), StatusCode::UNAUTHORIZED);
    // A revoked token stops working at once.
    {
        let mut conn = app.pool.get().unwrap();
        quotamonitor::service::admin::revoke_token(&mut conn, &t.tenants).unwrap();
    }
    let revoked = app
        .get(
            &t.tenants,
            "/api/v1/municipalities/GM0629/quota?period=2026",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), StatusCode::UNAUTHORIZED);
}

async fn tokens_are_stored_only_as_hashes(app: TestApp) {
    let t = app.setup_wassenaar();
    use diesel::prelude::*;
    use quotamonitor::db::schema::api_tokens;
    let mut conn = app.pool.get().unwrap();
    let hashes: Vec<String> = api_tokens::table
        .select(api_tokens::token_hash)
        .load(&mut *conn)
        .unwrap();
    assert_eq!(hashes.len(), 6);
    assert!(hashes
        .iter()
        .all(|h| h.len() == 64 && !h.starts_with("qm_")));
    assert!(!hashes.contains(&t.dwb));
    assert!(hashes.contains(&quotamonitor::service::admin::hash_token(&t.dwb)));
}

async fn a_corporation_cannot_read_or_change_another_corporations_letting(app: TestApp) {
    let t = app.setup_wassenaar();
    app.post_ok(&t.dwb, &json!([letting("SHARED-1")])).await;
    // Reading it with the other corporation's token: as if it did not exist.
    let read = app
        .get(&t.willibrordus, "/api/v1/lettings/SHARED-1")
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), StatusCode::NOT_FOUND);
    let delete = app.withdraw(&t.willibrordus, "SHARED-1").await;
    assert_eq!(delete.status(), StatusCode::NOT_FOUND);
    // Posting a record in the other corporation's name is forbidden and stores nothing.
    let forged = app
        .post_json(
            &t.willibrordus,
            &json!([
                letting("OWN-1"),
                letting_with("SHARED-1", json!({"corporation": "dwb", "rent": 900}))
            ]),
        )
        .await;
    assert_eq!(
        expect_json(forged, StatusCode::FORBIDDEN).await["error"],
        "forbidden"
    );
    // Naming itself is fine; the same reference is its own letting, apart from dwb's.
    let own = app
        .post_json(
            &t.willibrordus,
            &json!([letting_with(
                "SHARED-1",
                json!({"corporation": "willibrordus", "rent": 900})
            )]),
        )
        .await;
    assert_eq!(expect_json(own, StatusCode::OK).await["created"], 1);
    let dwb = app.get_json(&t.dwb, "/api/v1/lettings/SHARED-1").await;
    assert_eq!(dwb["version"], 1);
    assert_eq!(num(&dwb["rent"]), 650.0);
}

async fn record_level_data_is_only_for_the_corporation_that_posted_it(app: TestApp) {
    let t = app.setup_wassenaar();
    app.post_ok(&t.dwb, &json!([letting("P-1")])).await;
    for token in [&t.municipality, &t.tenants] {
        let read = app.get(token, "/api/v1/lettings/P-1").send().await.unwrap();
        assert_eq!(
            expect_json(read, StatusCode::FORBIDDEN).await["error"],
            "forbidden"
        );
        let post = app.post_json(token, &json!([letting("P-2")])).await;
        assert_eq!(post.status(), StatusCode::FORBIDDEN);
    }
    // The aggregate carries no household data.
    let quota = app.quota(&t.municipality, "GM0629", "2026").await;
    let text = quota.to_string();
    assert!(!text.contains("P-1") && !text.contains("30000") && !text.contains("household"));
}

async fn quota_readers_are_the_municipality_its_corporations_and_tenants(app: TestApp) {
    let t = app.setup_wassenaar();
    app.post_ok(&t.dwb, &json!([letting("Q-1")])).await;
    let quota = app.quota(&t.municipality, "GM0629", "2026").await;
    assert_eq!(scope(&quota, None)["lettings"], 1);
    // Every other reader may read it too, with the one letting shown as a small number.
    for token in [&t.dwb, &t.willibrordus, &t.tenants] {
        let quota = app.quota(token, "GM0629", "2026").await;
        assert_eq!(scope(&quota, None)["lettings"], "<5");
    }
    for token in [&t.amsterdam, &t.ymere] {
        let response = app
            .get(token, "/api/v1/municipalities/GM0629/quota?period=2026")
            .send()
            .await
            .unwrap();
        assert_eq!(
            expect_json(response, StatusCode::FORBIDDEN).await["error"],
            "forbidden"
        );
    }
    let not_a_code = app
        .get(
            &t.municipality,
            "/api/v1/municipalities/Wassenaar/quota?period=2026",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(not_a_code.status(), StatusCode::NOT_FOUND);
}

async fn a_corporation_posts_only_for_municipalities_it_is_registered_for(app: TestApp) {
    let t = app.setup_wassenaar();
    let response = app
        .post_json(
            &t.dwb,
            &json!([
                letting("G-1"),
                letting_with("G-2", json!({"municipality": "GM0363"}))
            ]),
        )
        .await;
    let body = expect_json(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(body["problems"][0]["index"], 1);
    assert_eq!(body["problems"][0]["field"], "municipality");
    let quota = app.quota(&t.municipality, "GM0629", "2026").await;
    assert_eq!(scope(&quota, None)["lettings"], 0);
}
