//! A corporation's own lettings in the portal: the list with its filters, a letting's history,
//! withdrawing, declaring a month complete with its receipts. Record-level data, so nobody
//! else gets these pages.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{expect_json, letting_with, TestApp};
use crate::portal_session::{hidden, Person};

on_both_backends!(
    a_corporation_lists_filters_reads_the_history_of_and_withdraws_its_own_lettings,
    nobody_else_gets_a_corporation_s_lettings_or_receipts,
    a_month_declared_in_the_portal_gives_the_receipt_the_api_gives
);

async fn deliver(app: &TestApp, token: &str) {
    let batch = json!([
        letting_with("DWB-1", json!({})),
        letting_with("DWB-2", json!({"urgency": "status_holder"})),
        letting_with("DWB/3", json!({"contract_start": "2026-02-10"})),
    ]);
    expect_json(app.post_json(token, &batch).await, StatusCode::OK).await;
}

/// The references listed on a page, in its order.
fn references(page: &str) -> Vec<String> {
    page.split("<th scope=\"row\"><a href=\"/lettings/")
        .skip(1)
        .filter_map(|rest| rest.split('>').nth(1))
        .map(|rest| rest.split('<').next().unwrap_or_default().to_string())
        .collect()
}

async fn a_corporation_lists_filters_reads_the_history_of_and_withdraws_its_own_lettings(
    app: TestApp,
) {
    let t = app.setup_wassenaar();
    deliver(&app, &t.dwb).await;
    let officer = Person::login(&app, "dwb", "data@dwb.nl").await;

    let all = officer.page("/lettings").await;
    assert_eq!(references(&all), ["DWB-1", "DWB-2", "DWB/3"], "{all}");
    assert!(all.contains("<label for=\"f-month\">"), "{all}");
    let february = officer.page("/lettings?month=2026-02&kind=all").await;
    assert_eq!(references(&february), ["DWB/3"]);
    let urgent = officer.page("/lettings?kind=urgent").await;
    assert_eq!(references(&urgent), ["DWB-2"]);
    let bad = officer.get("/lettings?month=maart").await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);

    // A reference with a slash has a page of its own.
    let detail = officer.page("/lettings/DWB%2F3").await;
    assert!(detail.contains("Verhuring DWB/3"), "{detail}");
    assert!(
        detail.contains("aangeleverd"),
        "its first version: {detail}"
    );

    // Withdrawing needs the session's token.
    let forged = officer
        .post_raw("/lettings/withdraw", &[("reference", "DWB/3")])
        .await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let api = "/api/v1/lettings/DWB%2F3";
    assert_eq!(app.get_json(&t.dwb, api).await["withdrawn"], false);

    let csrf = hidden(&detail, "csrf");
    let withdrawn = officer
        .post_raw(
            "/lettings/withdraw",
            &[("csrf", &csrf), ("reference", "DWB/3")],
        )
        .await;
    assert_eq!(withdrawn.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.get_json(&t.dwb, api).await["withdrawn"], true);
    let detail = officer.page("/lettings/DWB%2F3").await;
    assert!(detail.contains("ingetrokken"), "{detail}");
    assert!(
        !detail.contains("Verhuring intrekken"),
        "no second withdrawal: {detail}"
    );
    let only = officer.page("/lettings?kind=withdrawn").await;
    assert_eq!(references(&only), ["DWB/3"]);
    let in_english = officer.page("/lettings?kind=withdrawn&lang=en").await;
    assert!(in_english.contains("Own lettings"), "{in_english}");
}

async fn nobody_else_gets_a_corporation_s_lettings_or_receipts(app: TestApp) {
    let t = app.setup_wassenaar();
    deliver(&app, &t.dwb).await;
    let anna = Person::login(&app, "GM0629", "anna@wassenaar.nl").await;
    let tenant = Person::login(&app, "rozenstein", "lid@rozenstein.nl").await;
    let other = Person::login(&app, "willibrordus", "data@willibrordus.nl").await;

    for person in [&anna, &tenant] {
        for path in [
            "/lettings",
            "/lettings/DWB-1",
            "/lettings/DWB%2F3",
            "/submissions",
        ] {
            let refused = person.get(path).await;
            assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{path}");
            let text = refused.text().await.unwrap();
            assert!(!text.contains("30000") && !text.contains("DWB-1"), "{text}");
        }
        let withdraw = person
            .post("/lettings/withdraw", &[("reference", "DWB-1")])
            .await;
        assert_eq!(withdraw.status(), StatusCode::FORBIDDEN);
        let declare = person
            .post(
                "/submissions",
                &[("municipality", "GM0629"), ("month", "2026-03")],
            )
            .await;
        assert_eq!(declare.status(), StatusCode::FORBIDDEN);
    }
    // Another corporation: its own (empty) list, and 404 for dwb's references.
    let list = other.page("/lettings").await;
    assert!(!list.contains("DWB-1"), "{list}");
    let foreign = other.get("/lettings/DWB-1").await;
    assert_eq!(foreign.status(), StatusCode::NOT_FOUND);
    let withdraw = other
        .post("/lettings/withdraw", &[("reference", "DWB-1")])
        .await;
    assert_eq!(withdraw.status(), StatusCode::NOT_FOUND);
    let letting: Value = app.get_json(&t.dwb, "/api/v1/lettings/DWB-1").await;
    assert_eq!(letting["withdrawn"], false, "{letting}");
    assert!(!other.page("/submissions").await.contains("GM0629 2026-03"));
}

async fn a_month_declared_in_the_portal_gives_the_receipt_the_api_gives(app: TestApp) {
    let t = app.setup_wassenaar();
    deliver(&app, &t.dwb).await;
    let officer = Person::login(&app, "dwb", "data@dwb.nl").await;

    let page = officer.page("/submissions").await;
    assert!(page.contains("Nog geen gereedmeldingen"), "{page}");
    let future = officer
        .post(
            "/submissions",
            &[("municipality", "GM0629"), ("month", "2999-01")],
        )
        .await;
    assert_eq!(future.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let future = future.text().await.unwrap();
    assert!(future.contains("id=\"declare-month-error\""), "{future}");
    let elsewhere = officer
        .post(
            "/submissions",
            &[("municipality", "GM0363"), ("month", "2026-03")],
        )
        .await;
    assert_eq!(elsewhere.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let declared = officer
        .post(
            "/submissions",
            &[("municipality", "GM0629"), ("month", "2026-03")],
        )
        .await;
    assert_eq!(declared.status(), StatusCode::SEE_OTHER);
    let page = officer.page("/submissions?declared=1").await;
    assert!(
        page.contains("Gereedgemeld: GM0629 2026-03, 2 verhuringen"),
        "{page}"
    );

    // The API's receipt for the same records has the same digest.
    let receipt = expect_json(
        app.client
            .post(app.url("/api/v1/submissions"))
            .bearer_auth(&t.dwb)
            .json(&json!({"municipality": "GM0629", "month": "2026-03"}))
            .send()
            .await
            .unwrap(),
        StatusCode::CREATED,
    )
    .await;
    let digest = receipt["digest"].as_str().unwrap();
    assert_eq!(digest.len(), 64);
    assert!(page.contains(digest), "{page}");
    let page = officer.page("/submissions").await;
    assert_eq!(
        page.matches(digest).count(),
        2,
        "two receipts listed: {page}"
    );
}
