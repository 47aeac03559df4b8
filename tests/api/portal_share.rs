//! Publishing a report in the portal and sharing it through a link: made, opened without an
//! account as the public reads it, revoked, expired.

use diesel::prelude::*;
use reqwest::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::helpers::{letting_with, TestApp};
use crate::portal::{add_person, browser, hidden, login, text, PASSWORD};

on_both_backends!(
    a_published_report_opens_through_its_share_link_as_the_public_reads_it,
    an_expired_link_is_gone_and_only_the_municipality_publishes_and_shares,
);

const REPORTS: &str = "/municipalities/GM0629/reports?year=2026";

/// 25 lettings of dwb and 3 of willibrordus: a count of 1 to 4 the public may not see.
async fn lettings(app: &TestApp, t: &crate::helpers::Tokens) {
    let many: Vec<Value> = (0..25)
        .map(|i| {
            letting_with(
                &format!("DWB-{i}"),
                json!({"urgency": if i % 3 == 0 { json!("medical") } else { Value::Null }}),
            )
        })
        .collect();
    app.post_ok(&t.dwb, &json!(many)).await;
    let few: Vec<Value> = (0..3)
        .map(|i| letting_with(&format!("WIL-{i}"), json!({})))
        .collect();
    app.post_ok(&t.willibrordus, &json!(few)).await;
}

async fn page(browser: &reqwest::Client, app: &TestApp, path: &str) -> String {
    let response = browser.get(app.url(path)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    text(response).await
}

/// Posts a form of the reports page with its CSRF token.
async fn post(
    browser: &reqwest::Client,
    app: &TestApp,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let reports = page(browser, app, REPORTS).await;
    let csrf = hidden(&reports, "csrf");
    let mut form: Vec<(&str, &str)> = vec![("csrf", &csrf)];
    form.extend_from_slice(fields);
    browser
        .post(app.url(path))
        .form(&form)
        .send()
        .await
        .unwrap()
}

/// The share link's token on the page that shows it once.
fn token_in(page: &str) -> String {
    let start = page.find("/share/").expect("a share link") + "/share/".len();
    page[start..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect()
}

async fn audit_actions(app: &TestApp, token: &str) -> Vec<Value> {
    app.get_json(token, "/api/v1/municipalities/GM0629/audit")
        .await["events"]
        .as_array()
        .unwrap()
        .clone()
}

async fn publish_and_share(app: &TestApp, anna: &reqwest::Client) -> String {
    let published = post(
        anna,
        app,
        "/municipalities/GM0629/reports/2026-H1/publish",
        &[],
    )
    .await;
    assert_eq!(published.status(), StatusCode::SEE_OTHER);
    let made = post(
        anna,
        app,
        "/municipalities/GM0629/share-links",
        &[
            ("half", "2026-H1"),
            ("days", "90"),
            ("label", "gemeenteraad"),
        ],
    )
    .await;
    assert_eq!(made.status(), StatusCode::CREATED);
    let shown = text(made).await;
    assert!(shown.contains("niet nog eens getoond"), "{shown}");
    let token = token_in(&shown);
    assert_eq!(token.len(), 64, "{shown}");
    token
}

async fn a_published_report_opens_through_its_share_link_as_the_public_reads_it(app: TestApp) {
    let t = app.setup_wassenaar();
    lettings(&app, &t).await;
    add_person(&app, "GM0629", "anna@wassenaar.nl");
    let anna = browser();
    login(&anna, &app.address, "anna@wassenaar.nl", PASSWORD).await;

    let before = page(&anna, &app, REPORTS).await;
    assert!(before.contains("Nog niet gepubliceerd"));
    assert!(before.contains("Publiceren"));
    // Not published: nothing to share yet.
    let early = post(
        &anna,
        &app,
        "/municipalities/GM0629/share-links",
        &[("half", "2026-H1"), ("days", "90")],
    )
    .await;
    assert_eq!(early.status(), StatusCode::CONFLICT);

    // Without its CSRF token, neither publishing nor a link does anything.
    for path in [
        "/municipalities/GM0629/reports/2026-H1/publish",
        "/municipalities/GM0629/share-links",
    ] {
        let refused = anna
            .post(app.url(path))
            .form(&[("half", "2026-H1")])
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{path}");
    }
    assert!(page(&anna, &app, REPORTS)
        .await
        .contains("Nog niet gepubliceerd"));

    let token = publish_and_share(&app, &anna).await;
    // The reports page shows the publication's digest, as the API serves it, and the link.
    let reports = page(&anna, &app, REPORTS).await;
    let frozen = app.report(&t.municipality, "2026-H1", "").await;
    let sha = frozen.headers()["x-report-sha256"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(reports.contains(&sha), "{reports}");
    assert!(reports.contains("gemeenteraad"));
    assert!(reports.contains("Intrekken"));
    // A link lasts at most 365 days.
    let too_long = post(
        &anna,
        &app,
        "/municipalities/GM0629/share-links",
        &[("half", "2026-H1"), ("days", "366")],
    )
    .await;
    assert_eq!(too_long.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Only the token's SHA-256 is stored.
    {
        use quotamonitor::db::schema::share_links;
        let mut conn = app.pool.get().unwrap();
        let hashes: Vec<String> = share_links::table
            .select(share_links::token_hash)
            .load(&mut *conn)
            .unwrap();
        assert_eq!(hashes, vec![hex::encode(Sha256::digest(token.as_bytes()))]);
    }

    // Anyone with the link reads it, without an account: the page with its downloads.
    let public = reqwest::Client::new();
    let opened = public
        .get(app.url(&format!("/share/{token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(opened.status(), StatusCode::OK);
    assert!(opened.headers()[CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert_eq!(opened.headers()["referrer-policy"], "no-referrer");
    assert!(opened.headers()["x-robots-tag"]
        .to_str()
        .unwrap()
        .contains("noindex"));
    let csp = opened.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(csp.contains("frame-ancestors 'none'") && !csp.contains("script-src"));
    let html = text(opened).await;
    assert!(html.contains(&format!("/share/{token}/download?format=xlsx")));
    assert!(!html.contains("<script"));

    // The figures are the public's: exactly what a tenant association's token gets, with
    // willibrordus's 3 lettings as "<5"; the municipality's own view differs.
    let json = public
        .get(app.url(&format!("/share/{token}/download?format=json")))
        .send()
        .await
        .unwrap();
    assert_eq!(json.status(), StatusCode::OK);
    let shared: Value = serde_json::from_str(&text(json).await).unwrap();
    let tenants: Value =
        serde_json::from_str(&app.report_text(&t.tenants, "2026-H1", "?format=json").await)
            .unwrap();
    let exact: Value = serde_json::from_str(
        &app.report_text(&t.municipality, "2026-H1", "?format=json")
            .await,
    )
    .unwrap();
    assert_eq!(shared, tenants);
    assert_ne!(shared, exact);
    assert!(shared.to_string().contains("\"<5\""));
    let xlsx = public
        .get(app.url(&format!("/share/{token}/download?format=xlsx")))
        .send()
        .await
        .unwrap();
    assert_eq!(xlsx.status(), StatusCode::OK);
    assert!(xlsx.headers()[CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .starts_with("attachment"));

    // No such link: 404, in Dutch; a wrong format: 400.
    for wrong in ["0".repeat(64), "niet-een-token".to_string()] {
        let response = public
            .get(app.url(&format!("/share/{wrong}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        assert!(text(response).await.contains("Deze link bestaat niet"));
    }
    let bad_format = public
        .get(app.url(&format!("/share/{token}/download?format=doc")))
        .send()
        .await
        .unwrap();
    assert_eq!(bad_format.status(), StatusCode::BAD_REQUEST);

    // Revoked: the page and every download are gone.
    let reports = page(&anna, &app, REPORTS).await;
    let start = reports.find("/share-links/").unwrap() + "/share-links/".len();
    let id: String = reports[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let revoked = post(
        &anna,
        &app,
        &format!("/municipalities/GM0629/share-links/{id}/revoke"),
        &[],
    )
    .await;
    assert_eq!(revoked.status(), StatusCode::SEE_OTHER);
    for path in [
        format!("/share/{token}"),
        format!("/share/{token}/download?format=json"),
    ] {
        let gone = public.get(app.url(&path)).send().await.unwrap();
        assert_eq!(gone.status(), StatusCode::GONE, "{path}");
        let body = text(gone).await;
        assert!(body.contains("ingetrokken"), "{body}");
        assert!(body.contains("data-error=\"share_link_revoked\""));
    }
    assert!(page(&anna, &app, REPORTS).await.contains("ingetrokken"));
    let again = post(
        &anna,
        &app,
        &format!("/municipalities/GM0629/share-links/{id}/revoke"),
        &[],
    )
    .await;
    assert_eq!(again.status(), StatusCode::NOT_FOUND);

    // The audit trail names the person for publishing, making and revoking.
    let events = audit_actions(&app, &t.municipality).await;
    for action in [
        "report_published",
        "share_link_created",
        "share_link_revoked",
    ] {
        let event = events
            .iter()
            .find(|e| e["action"] == action)
            .unwrap_or_else(|| panic!("no {action} in {events:?}"));
        assert_eq!(event["via"], "web");
        assert_eq!(event["person"], "anna@wassenaar.nl");
    }
    let created = events
        .iter()
        .find(|e| e["action"] == "share_link_created")
        .unwrap();
    assert_eq!(created["details"]["days"], 90);
    assert_eq!(created["subject"], format!("share_link:{id}"));
}

async fn an_expired_link_is_gone_and_only_the_municipality_publishes_and_shares(app: TestApp) {
    let t = app.setup_wassenaar();
    lettings(&app, &t).await;
    add_person(&app, "GM0629", "anna@wassenaar.nl");
    add_person(&app, "dwb", "data@dwb.nl");
    add_person(&app, "rozenstein", "piet@rozenstein.nl");
    let anna = browser();
    login(&anna, &app.address, "anna@wassenaar.nl", PASSWORD).await;
    let token = publish_and_share(&app, &anna).await;

    {
        use quotamonitor::db::schema::share_links;
        let mut conn = app.pool.get().unwrap();
        let past = chrono::Utc::now().naive_utc() - chrono::TimeDelta::minutes(1);
        diesel::update(share_links::table)
            .set(share_links::expires_at.eq(past))
            .execute(&mut *conn)
            .unwrap();
    }
    let gone = reqwest::get(app.url(&format!("/share/{token}?lang=en")))
        .await
        .unwrap();
    assert_eq!(gone.status(), StatusCode::GONE);
    let body = text(gone).await;
    assert!(body.contains("This link has expired"), "{body}");
    assert!(page(&anna, &app, REPORTS).await.contains("verlopen"));

    // A corporation and a tenant association see that it is published, but neither publishes
    // nor shares.
    for email in ["data@dwb.nl", "piet@rozenstein.nl"] {
        let other = browser();
        login(&other, &app.address, email, PASSWORD).await;
        let reports = page(&other, &app, REPORTS).await;
        assert!(reports.contains("Gepubliceerd op"), "{reports}");
        assert!(!reports.contains("Deellink maken"));
        assert!(!reports.contains("gemeenteraad"), "no list of links");
        assert!(!reports.contains("Publiceren"));
        let refused = post(
            &other,
            &app,
            "/municipalities/GM0629/share-links",
            &[("half", "2026-H1"), ("days", "90")],
        )
        .await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{email}");
        let refused = post(
            &other,
            &app,
            "/municipalities/GM0629/reports/2025-H2/publish",
            &[],
        )
        .await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{email}");
    }
}
