//! Declaring a month complete and the completeness of a year: the receipt's digest recomputed
//! here from the canonical form as docs/api.md describes it, stale after a change, missing and
//! late around the agreement's deadline, and who may declare and read what.

use reqwest::{Response, StatusCode};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::helpers::{expect_json, letting_with, TestApp};

on_both_backends!(
    the_receipt_s_digest_is_the_canonical_records_hashed,
    a_change_makes_the_month_stale_until_it_is_declared_again,
    undeclared_months_are_missing_before_the_deadline_and_late_from_it,
    only_a_registered_corporation_declares_and_only_readers_read,
    other_readers_see_states_and_not_counts,
);

async fn declare(app: &TestApp, token: &str, body: &Value) -> Response {
    app.client
        .post(app.url("/api/v1/submissions"))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .expect("request sent")
}

async fn declare_ok(app: &TestApp, token: &str, month: &str) -> Value {
    let body = json!({"municipality": "GM0629", "month": month});
    expect_json(declare(app, token, &body).await, StatusCode::CREATED).await
}

async fn completeness(app: &TestApp, token: &str, query: &str) -> Value {
    app.get_json(
        token,
        &format!("/api/v1/municipalities/GM0629/completeness?{query}"),
    )
    .await
}

fn month_of<'a>(answer: &'a Value, corporation: &str, month: &str) -> &'a Value {
    answer["corporations"]
        .as_array()
        .expect("corporations")
        .iter()
        .find(|c| c["corporation"] == corporation)
        .unwrap_or_else(|| panic!("no corporation {corporation} in {answer}"))["months"]
        .as_array()
        .expect("months")
        .iter()
        .find(|m| m["month"] == month)
        .unwrap_or_else(|| panic!("no month {month} for {corporation} in {answer}"))
}

fn state<'a>(answer: &'a Value, corporation: &str, month: &str) -> &'a str {
    month_of(answer, corporation, month)["state"]
        .as_str()
        .expect("state")
}

/// The records of the digest test, as posted: amounts as the corporation's system writes them.
fn march_records() -> Vec<Value> {
    vec![
        letting_with(
            "DWB-2",
            json!({"contract_start": "2026-03-02", "rent": "712.5", "household_size": 3,
                   "household_income": "28500", "urgency": "status_holder",
                   "allocation_date": "2026-02-20"}),
        ),
        letting_with(
            "DWB-10",
            json!({"contract_start": "2026-03-31", "rent": 1234.05, "household_size": 1,
                   "household_income": 0, "pension_age": true, "route": "local_priority",
                   "excluded_reason": "tijdelijk;contract\nzie \\ notitie",
                   "passend_exception": true}),
        ),
        letting_with("DWB-1", json!({"contract_start": "2026-03-01"})),
    ]
}

/// An amount as the canonical form writes it, from the text a record was posted with: a point
/// and exactly two decimals.
fn canonical_money(posted: &Value) -> String {
    let text = match posted {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    format!("{whole}.{:0<2}", fraction)
}

fn escaped(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace('\n', "\\n")
        .replace('\r', "\\r")
}

/// The canonical line of a posted record, written from docs/api.md ("Declaring a month
/// complete"), defaults filled in as the contract gives them.
fn canonical_line(r: &Value) -> String {
    let text = |name: &str| r[name].as_str().map(escaped).unwrap_or_default();
    let flag = |name: &str| r[name].as_bool().unwrap_or(false).to_string();
    let urgency = text("urgency");
    let fields = [
        text("reference"),
        text("municipality"),
        text("contract_start"),
        canonical_money(&r["rent"]),
        r["household_size"].to_string(),
        canonical_money(&r["household_income"]),
        flag("pension_age"),
        r["route"].as_str().unwrap_or("regular").to_string(),
        urgency.clone(),
        text("excluded_reason"),
        flag("passend_exception"),
        r["allocation_date"]
            .as_str()
            .unwrap_or(r["contract_start"].as_str().unwrap())
            .to_string(),
        (urgency == "status_holder").to_string(),
    ];
    format!("{}\n", fields.join(";"))
}

fn digest_of(records: &[Value]) -> String {
    let mut lines: Vec<(String, String)> = records
        .iter()
        .map(|r| {
            (
                r["reference"].as_str().unwrap().to_string(),
                canonical_line(r),
            )
        })
        .collect();
    lines.sort();
    let mut hasher = Sha256::new();
    for (_, line) in lines {
        hasher.update(line.as_bytes());
    }
    hex::encode(hasher.finalize())
}

async fn the_receipt_s_digest_is_the_canonical_records_hashed(app: TestApp) {
    let t = app.setup_wassenaar();
    let march = march_records();
    app.post_ok(&t.dwb, &json!(march)).await;
    // Not in the month's records: April, withdrawn, another corporation's.
    let april = letting_with("DWB-APR", json!({"contract_start": "2026-04-01"}));
    let gone = letting_with("DWB-GONE", json!({"contract_start": "2026-03-10"}));
    app.post_ok(&t.dwb, &json!([april, gone])).await;
    assert_eq!(
        app.withdraw(&t.dwb, "DWB-GONE").await.status(),
        StatusCode::OK
    );
    app.post_ok(&t.willibrordus, &json!([letting_with("WIL-1", json!({}))]))
        .await;

    let receipt = declare_ok(&app, &t.dwb, "2026-03").await;
    assert_eq!(receipt["municipality"], "GM0629");
    assert_eq!(receipt["corporation"], "dwb");
    assert_eq!(receipt["month"], "2026-03");
    assert_eq!(receipt["lettings"], 3);
    assert_eq!(receipt["digest"], digest_of(&march), "{receipt}");
    assert!(receipt["declared_at"]
        .as_str()
        .is_some_and(|at| chrono::DateTime::parse_from_rfc3339(at).is_ok()));

    // A month without lettings is declared too: the digest of nothing.
    let empty = declare_ok(&app, &t.willibrordus, "2026-02").await;
    assert_eq!(empty["lettings"], 0);
    assert_eq!(
        empty["digest"],
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );

    // The audit trail records each declaration, with the count and no value.
    let trail = app
        .get_json(&t.municipality, "/api/v1/municipalities/GM0629/audit")
        .await;
    let declared: Vec<&Value> = trail["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "submission_declared")
        .collect();
    assert_eq!(declared.len(), 2, "{trail}");
    assert_eq!(declared[0]["organisation"], "dwb");
    assert_eq!(declared[0]["subject"], "submission:2026-03");
    assert_eq!(declared[0]["details"]["lettings"], 3);
    assert_eq!(declared[1]["organisation"], "willibrordus");
}

async fn a_change_makes_the_month_stale_until_it_is_declared_again(app: TestApp) {
    let t = app.setup_wassenaar();
    let march = march_records();
    app.post_ok(&t.dwb, &json!(march)).await;
    let first = declare_ok(&app, &t.dwb, "2026-03").await;
    let on = "year=2026&on=2026-12-15";
    let answer = completeness(&app, &t.municipality, on).await;
    assert_eq!(state(&answer, "dwb", "2026-03"), "declared");
    assert_eq!(
        month_of(&answer, "dwb", "2026-03")["declared_at"],
        first["declared_at"]
    );

    // Posting the same records again changes nothing.
    app.post_ok(&t.dwb, &json!(march)).await;
    let answer = completeness(&app, &t.municipality, on).await;
    assert_eq!(state(&answer, "dwb", "2026-03"), "declared");

    // A correction: stale, for every reader; April is untouched by it.
    let corrected = letting_with(
        "DWB-1",
        json!({"contract_start": "2026-03-01", "rent": 651}),
    );
    app.post_ok(&t.dwb, &json!([corrected])).await;
    let answer = completeness(&app, &t.tenants, on).await;
    assert_eq!(state(&answer, "dwb", "2026-03"), "stale");
    assert_eq!(state(&answer, "dwb", "2026-04"), "missing");

    // Declared again: a new receipt with the new digest.
    let second = declare_ok(&app, &t.dwb, "2026-03").await;
    assert_ne!(second["digest"], first["digest"]);
    let mut now = march.clone();
    now[2] = corrected;
    assert_eq!(second["digest"], digest_of(&now));
    let answer = completeness(&app, &t.dwb, on).await;
    assert_eq!(state(&answer, "dwb", "2026-03"), "declared");
    assert_eq!(
        month_of(&answer, "dwb", "2026-03")["declared_at"],
        second["declared_at"]
    );

    // A withdrawal, and a letting moved out of the month, make it stale too.
    assert_eq!(app.withdraw(&t.dwb, "DWB-2").await.status(), StatusCode::OK);
    let answer = completeness(&app, &t.dwb, on).await;
    assert_eq!(state(&answer, "dwb", "2026-03"), "stale");
    declare_ok(&app, &t.dwb, "2026-03").await;
    let moved = letting_with(
        "DWB-1",
        json!({"contract_start": "2026-04-01", "rent": 651}),
    );
    app.post_ok(&t.dwb, &json!([moved])).await;
    let answer = completeness(&app, &t.dwb, on).await;
    assert_eq!(state(&answer, "dwb", "2026-03"), "stale");
    // A new letting in a month declared empty makes it stale as well.
    declare_ok(&app, &t.willibrordus, "2026-05").await;
    let may = letting_with("WIL-MAY", json!({"contract_start": "2026-05-20"}));
    app.post_ok(&t.willibrordus, &json!([may])).await;
    let answer = completeness(&app, &t.municipality, on).await;
    assert_eq!(state(&answer, "willibrordus", "2026-05"), "stale");
    assert_eq!(state(&answer, "dwb", "2026-05"), "missing");
}

async fn undeclared_months_are_missing_before_the_deadline_and_late_from_it(app: TestApp) {
    let t = app.setup_wassenaar();
    declare_ok(&app, &t.dwb, "2026-01").await;

    // Wassenaar's agreement: the data of 2026 is due before 1 March 2027.
    let before = completeness(&app, &t.municipality, "year=2026&on=2027-02-28").await;
    assert_eq!(before["deadline"], "2027-03-01");
    assert_eq!(before["on"], "2027-02-28");
    assert_eq!(state(&before, "dwb", "2026-01"), "declared");
    assert_eq!(state(&before, "dwb", "2026-02"), "missing");
    assert_eq!(state(&before, "willibrordus", "2026-12"), "missing");
    let on_the_day = completeness(&app, &t.municipality, "year=2026&on=2027-03-01").await;
    assert_eq!(state(&on_the_day, "dwb", "2026-01"), "declared");
    assert_eq!(state(&on_the_day, "dwb", "2026-02"), "late");
    assert_eq!(state(&on_the_day, "willibrordus", "2026-12"), "late");
    assert_eq!(on_the_day["corporations"][0]["complete"], false);

    // During the year: a month not yet ended is future, an ended one missing.
    let june = completeness(&app, &t.municipality, "year=2026&on=2026-06-15").await;
    assert_eq!(state(&june, "dwb", "2026-05"), "missing");
    assert_eq!(state(&june, "dwb", "2026-06"), "future");
    assert_eq!(state(&june, "dwb", "2026-12"), "future");
    assert_eq!(state(&june, "dwb", "2026-01"), "declared");

    // 2025 is before the agreement: the national deadline, 1 July of the next year, holds, and
    // today (after it) every month of 2025 not declared is late.
    let national = completeness(&app, &t.municipality, "year=2025&on=2026-06-30").await;
    assert_eq!(national["deadline"], "2026-07-01");
    assert_eq!(state(&national, "dwb", "2025-12"), "missing");
    for month in 1..=12 {
        declare_ok(&app, &t.dwb, &format!("2025-{month:02}")).await;
    }
    let now = completeness(&app, &t.municipality, "year=2025").await;
    assert_eq!(state(&now, "willibrordus", "2025-03"), "late");
    let dwb = now["corporations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["corporation"] == "dwb")
        .unwrap();
    assert_eq!(dwb["complete"], true, "{dwb}");
    assert!(dwb["months"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["state"] == "declared"));
}

async fn only_a_registered_corporation_declares_and_only_readers_read(app: TestApp) {
    let t = app.setup_wassenaar();
    let march = json!({"municipality": "GM0629", "month": "2026-03"});
    for token in [&t.municipality, &t.tenants, &t.amsterdam, &t.ymere] {
        let body = expect_json(declare(&app, token, &march).await, StatusCode::FORBIDDEN).await;
        assert_eq!(body["error"], "forbidden");
    }
    let refused = [
        (
            json!({"municipality": "GM0629", "month": "2999-01"}),
            "month",
        ),
        (
            json!({"municipality": "GM0629", "month": "2026-13"}),
            "month",
        ),
        (json!({"municipality": "GM0629", "month": 202603}), "month"),
        (json!({"municipality": "GM0629"}), "month"),
        (
            json!({"municipality": "GM62", "month": "2026-03"}),
            "municipality",
        ),
        (
            json!({"municipality": "GM0629", "month": "2026-03", "lettings": 4}),
            "lettings",
        ),
    ];
    for (body, field) in refused {
        let answer = expect_json(
            declare(&app, &t.dwb, &body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert_eq!(answer["error"], "validation_failed");
        assert_eq!(answer["problems"][0]["field"], field, "{answer}");
    }
    let no_token = app
        .client
        .post(app.url("/api/v1/submissions"))
        .json(&march)
        .send()
        .await
        .unwrap();
    assert_eq!(no_token.status(), StatusCode::UNAUTHORIZED);
    // Nothing refused was declared.
    let answer = completeness(&app, &t.municipality, "year=2026&on=2026-12-15").await;
    assert_eq!(state(&answer, "dwb", "2026-03"), "missing");

    // The quota's readers read completeness; nobody else.
    for token in [&t.municipality, &t.dwb, &t.willibrordus, &t.tenants] {
        completeness(&app, token, "year=2026").await;
    }
    for token in [&t.amsterdam, &t.ymere] {
        let response = app
            .get(
                token,
                "/api/v1/municipalities/GM0629/completeness?year=2026",
            )
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
    }
    for (query, code) in [
        ("year=1999", "invalid_year"),
        ("when=2026", "invalid_query"),
    ] {
        let response = app
            .get(
                &t.municipality,
                &format!("/api/v1/municipalities/GM0629/completeness?{query}"),
            )
            .send()
            .await
            .unwrap();
        let body = expect_json(response, StatusCode::BAD_REQUEST).await;
        assert_eq!(body["error"], code);
    }
}

async fn other_readers_see_states_and_not_counts(app: TestApp) {
    let t = app.setup_wassenaar();
    let two: Vec<Value> = (1..=2)
        .map(|i| letting_with(&format!("DWB-{i}"), json!({})))
        .collect();
    app.post_ok(&t.dwb, &json!(two)).await;
    app.post_ok(&t.willibrordus, &json!([letting_with("WIL-1", json!({}))]))
        .await;
    declare_ok(&app, &t.dwb, "2026-03").await;
    let on = "year=2026&on=2026-12-15";

    let municipality = completeness(&app, &t.municipality, on).await;
    assert_eq!(month_of(&municipality, "dwb", "2026-03")["lettings"], 2);
    assert_eq!(
        month_of(&municipality, "willibrordus", "2026-03")["lettings"],
        1
    );
    assert_eq!(
        month_of(&municipality, "willibrordus", "2026-04")["lettings"],
        0
    );

    let dwb = completeness(&app, &t.dwb, on).await;
    assert_eq!(month_of(&dwb, "dwb", "2026-03")["lettings"], 2);
    let other = month_of(&dwb, "willibrordus", "2026-03");
    assert!(other.get("lettings").is_none(), "{other}");
    assert_eq!(other["state"], "missing");

    let tenants = completeness(&app, &t.tenants, on).await;
    for corporation in tenants["corporations"].as_array().unwrap() {
        for month in corporation["months"].as_array().unwrap() {
            assert!(month.get("lettings").is_none(), "{month}");
        }
    }
    assert_eq!(state(&tenants, "dwb", "2026-03"), "declared");
    assert_eq!(state(&tenants, "willibrordus", "2026-03"), "missing");
}
