//! Notes on alerts and the audit trail: who changed what, readable by the municipality only,
//! with counts and ids and never a submitted value, and append-only in the database itself.

use std::time::{Duration, Instant};

use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{expect_json, letting_with, TestApp, Tokens};
use quotamonitor::service::admin;

on_both_backends!(
    notes_are_written_by_the_municipality_and_the_scope_s_corporation,
    every_kind_of_change_leaves_its_event_naming_the_token,
    only_the_municipality_itself_reads_its_audit_trail,
    audit_events_carry_no_income_rent_or_household_value,
    the_database_refuses_to_change_audit_events_and_notes,
    the_audit_trail_pages_by_cursor_and_since,
);

fn urgent(reference: &str) -> Value {
    letting_with(reference, json!({"urgency": "status_holder"}))
}

/// dwb lets 15 homes and 8 to urgent households: the urgent share breaches its limit on the
/// total and on dwb's scope. The ids of those two alerts (total, dwb).
async fn breach(app: &TestApp, t: &Tokens) -> (i64, i64) {
    let mut batch: Vec<Value> = (0..15)
        .map(|i| letting_with(&format!("P-{i}"), json!({})))
        .collect();
    batch.extend((0..8).map(|i| urgent(&format!("U-{i}"))));
    app.post_ok(&t.dwb, &json!(batch)).await;
    let alerts = expect_json(app.alerts(&t.municipality, "").await, StatusCode::OK).await;
    let id_of = |corporation: Value| {
        alerts["alerts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["metric"] == "urgent_share" && a["corporation"] == corporation)
            .unwrap_or_else(|| panic!("no urgent_share alert for {corporation}: {alerts}"))["id"]
            .as_i64()
            .unwrap()
    };
    (id_of(Value::Null), id_of(json!("dwb")))
}

async fn post_note(app: &TestApp, token: &str, alert: i64, body: &Value) -> reqwest::Response {
    app.client
        .post(app.url(&format!(
            "/api/v1/municipalities/GM0629/alerts/{alert}/notes"
        )))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .expect("request sent")
}

/// The notes of an alert as `token` reads them in the alert list.
async fn notes_of(app: &TestApp, token: &str, alert: i64) -> Vec<Value> {
    let body = expect_json(app.alerts(token, "?state=all").await, StatusCode::OK).await;
    body["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == alert)
        .unwrap_or_else(|| panic!("alert {alert} not listed: {body}"))["notes"]
        .as_array()
        .unwrap()
        .clone()
}

async fn notes_are_written_by_the_municipality_and_the_scope_s_corporation(app: TestApp) {
    let t = app.setup_wassenaar();
    let (total, dwb) = breach(&app, &t).await;
    let first = "Besproken in BO juni: verklaard door de uitstroom uit de opvang.";
    let note = expect_json(
        post_note(&app, &t.municipality, total, &json!({"text": first})).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(note["text"], first);
    assert_eq!(note["organisation"], "GM0629");
    assert!(note["created_at"].is_string());
    expect_json(
        post_note(
            &app,
            &t.dwb,
            dwb,
            &json!({"text": "Zes van de acht via de regionale urgentie."}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    expect_json(
        post_note(&app, &t.municipality, dwb, &json!({"text": "Akkoord."})).await,
        StatusCode::CREATED,
    )
    .await;

    // Who may not: a corporation on the total or another's scope, a tenant association, a
    // municipality on another's alerts.
    for (token, alert) in [
        (&t.dwb, total),
        (&t.willibrordus, dwb),
        (&t.tenants, total),
        (&t.tenants, dwb),
    ] {
        let refused = post_note(&app, token, alert, &json!({"text": "x"})).await;
        assert_eq!(
            expect_json(refused, StatusCode::FORBIDDEN).await["error"],
            "forbidden"
        );
    }
    let other = app
        .client
        .post(app.url(&format!(
            "/api/v1/municipalities/GM0629/alerts/{total}/notes"
        )))
        .bearer_auth(&t.amsterdam)
        .json(&json!({"text": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), StatusCode::FORBIDDEN);

    // What is not a note.
    let unknown = post_note(&app, &t.municipality, 999_999, &json!({"text": "x"})).await;
    assert_eq!(
        expect_json(unknown, StatusCode::NOT_FOUND).await["error"],
        "alert_not_found"
    );
    for body in [
        json!({"text": ""}),
        json!({"text": "   "}),
        json!({"text": "a".repeat(4001)}),
        json!({"text": "ok", "author": "someone else"}),
        json!({}),
        json!({"text": 5}),
    ] {
        let refused = post_note(&app, &t.municipality, total, &body).await;
        let error = expect_json(refused, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(error["error"], "validation_failed", "{body}");
    }
    let longest = expect_json(
        post_note(
            &app,
            &t.municipality,
            total,
            &json!({"text": "é".repeat(4000)}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(longest["text"].as_str().unwrap().chars().count(), 4000);

    // Listed with the alert, in order, for every reader of the alerts.
    for token in [&t.municipality, &t.dwb, &t.willibrordus, &t.tenants] {
        let notes = notes_of(&app, token, dwb).await;
        let texts: Vec<&str> = notes.iter().map(|n| n["text"].as_str().unwrap()).collect();
        assert_eq!(
            texts,
            ["Zes van de acht via de regionale urgentie.", "Akkoord."]
        );
        let authors: Vec<&str> = notes
            .iter()
            .map(|n| n["organisation"].as_str().unwrap())
            .collect();
        assert_eq!(authors, ["dwb", "GM0629"]);
        assert_eq!(notes_of(&app, token, total).await.len(), 2);
    }
}

/// The id of an organisation's only active token.
fn token_id(app: &TestApp, org: &str) -> i64 {
    let mut conn = app.pool.get().unwrap();
    let tokens = admin::list_tokens(&mut conn, org, false).unwrap();
    assert_eq!(tokens.len(), 1, "{org} has one token");
    tokens[0].id
}

/// The municipality's whole audit trail (200 OK).
async fn trail(app: &TestApp, token: &str) -> Vec<Value> {
    let body = app
        .get_json(token, "/api/v1/municipalities/GM0629/audit?limit=1000")
        .await;
    assert_eq!(body["municipality"], "GM0629");
    body["events"].as_array().unwrap().clone()
}

fn events<'a>(trail: &'a [Value], action: &str) -> Vec<&'a Value> {
    trail.iter().filter(|e| e["action"] == action).collect()
}

/// Waits until the webhook's only delivery has failed (the receiver is down and one attempt
/// is allowed); its id.
async fn failed_delivery(app: &TestApp, token: &str, webhook: i64) -> i64 {
    let started = Instant::now();
    loop {
        let deliveries = app.deliveries(token, webhook).await;
        if let Some(d) = deliveries
            .as_array()
            .and_then(|list| list.iter().find(|d| d["state"] == "failed"))
        {
            return d["id"].as_i64().unwrap();
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no failed delivery: {deliveries}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn every_kind_of_change_leaves_its_event_naming_the_token(app: TestApp) {
    let app = app.restart_with(|s| s.webhook_max_attempts = 1).await;
    let t = app.setup_wassenaar();
    let gm = token_id(&app, "GM0629");
    let dwb = token_id(&app, "dwb");
    let tenants = token_id(&app, "rozenstein");

    // A webhook to a port nobody listens on: its delivery fails after one attempt.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://{}/hook", closed.local_addr().unwrap());
    drop(closed);
    let hook = expect_json(
        app.add_webhook(&t.tenants, &dead).await,
        StatusCode::CREATED,
    )
    .await;
    let hook = hook["id"].as_i64().unwrap();

    let (total, _) = breach(&app, &t).await;
    assert_eq!(app.withdraw(&t.dwb, "P-0").await.status(), StatusCode::OK);
    let task = app
        .put_task(&t.municipality, "2026-H1", &json!({"persons": 20}))
        .await;
    assert_eq!(task.status(), StatusCode::OK);
    let placement = app
        .client
        .post(app.url("/api/v1/municipalities/GM0629/status-holder-placements"))
        .bearer_auth(&t.municipality)
        .json(&json!({"persons": 3, "date": "2026-02-01", "note": "gezinshereniging"}))
        .send()
        .await
        .unwrap();
    assert_eq!(placement.status(), StatusCode::CREATED);
    let plan = app
        .put_plan(
            &t.municipality,
            "2026",
            &json!({"expected_available": 100, "categories": {"regular": 80, "medical": 5}}),
        )
        .await;
    assert_eq!(plan.status(), StatusCode::CREATED);
    assert_eq!(
        app.publish_report(&t.municipality, "2026-H1")
            .await
            .status(),
        StatusCode::CREATED
    );
    let note = post_note(&app, &t.municipality, total, &json!({"text": "Besproken."})).await;
    let note = expect_json(note, StatusCode::CREATED).await["id"]
        .as_i64()
        .unwrap();
    let delivery = failed_delivery(&app, &t.tenants, hook).await;
    let retried = app.retry_delivery(&t.tenants, hook, delivery).await;
    assert_eq!(retried.status(), StatusCode::OK);
    assert_eq!(
        app.delete_webhook(&t.tenants, hook).await.status(),
        StatusCode::NO_CONTENT
    );
    // Tokens are made and revoked on the command line (the same service functions).
    let new_token = {
        let mut conn = app.pool.get().unwrap();
        admin::create_token(&mut conn, "GM0629").unwrap();
        let id = admin::list_tokens(&mut conn, "GM0629", false).unwrap()[1].id;
        admin::revoke_token_by_id(&mut conn, id).unwrap();
        id
    };

    let trail = trail(&app, &t.municipality).await;
    let one = |action: &str| {
        let found = events(&trail, action);
        assert_eq!(found.len(), 1, "one {action}: {trail:#?}");
        found[0].clone()
    };
    let by = |event: &Value, org: &str, token: i64| {
        assert_eq!(event["organisation"], org, "{event}");
        assert_eq!(event["token_id"], token, "{event}");
        assert_eq!(event["via"], "api", "{event}");
        assert_eq!(event["municipality"], "GM0629", "{event}");
        assert!(event["at"].is_string(), "{event}");
    };
    let batch = one("letting_batch");
    by(&batch, "dwb", dwb);
    assert_eq!(
        batch["details"],
        json!({"created": 23, "received": 23, "unchanged": 0, "updated": 0})
    );
    let withdrawn = one("letting_withdrawn");
    by(&withdrawn, "dwb", dwb);
    assert_eq!(withdrawn["subject"], "letting:P-0");
    let task = one("status_holder_target_set");
    by(&task, "GM0629", gm);
    assert_eq!(task["subject"], "status_holder_target:2026-H1");
    by(&one("status_holder_placement_added"), "GM0629", gm);
    let plan = one("allocation_plan_stored");
    by(&plan, "GM0629", gm);
    assert_eq!(plan["details"]["version"], 1);
    let published = one("report_published");
    by(&published, "GM0629", gm);
    assert_eq!(published["subject"], "report:2026-H1");
    let noted = one("alert_note_added");
    by(&noted, "GM0629", gm);
    assert_eq!(noted["subject"], format!("alert:{total}"));
    assert_eq!(noted["details"]["note"], note);
    let registered = one("webhook_registered");
    by(&registered, "rozenstein", tenants);
    assert_eq!(registered["subject"], format!("webhook:{hook}"));
    let retry = one("webhook_delivery_retried");
    by(&retry, "rozenstein", tenants);
    assert_eq!(retry["details"]["delivery"], delivery);
    by(&one("webhook_stopped"), "rozenstein", tenants);
    for action in ["token_created", "token_revoked"] {
        let event = trail
            .iter()
            .find(|e| e["action"] == action && e["subject"] == format!("token:{new_token}"))
            .unwrap_or_else(|| panic!("no {action} of token {new_token}: {trail:#?}"));
        assert_eq!(event["via"], "cli");
        assert_eq!(event["organisation"], "GM0629");
        assert_eq!(event["token_id"], Value::Null);
    }
    // In the order they happened.
    let ids: Vec<i64> = trail.iter().map(|e| e["id"].as_i64().unwrap()).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted);
}

async fn only_the_municipality_itself_reads_its_audit_trail(app: TestApp) {
    let t = app.setup_wassenaar();
    app.post_ok(&t.dwb, &json!([letting_with("A-1", json!({}))]))
        .await;
    app.post_ok(
        &t.ymere,
        &json!([letting_with("Y-1", json!({"municipality": "GM0363"}))]),
    )
    .await;
    for token in [&t.dwb, &t.willibrordus, &t.tenants, &t.amsterdam, &t.ymere] {
        let refused = app
            .get(token, "/api/v1/municipalities/GM0629/audit")
            .send()
            .await
            .unwrap();
        assert_eq!(
            expect_json(refused, StatusCode::FORBIDDEN).await["error"],
            "forbidden"
        );
    }
    let anonymous = app
        .client
        .get(app.url("/api/v1/municipalities/GM0629/audit"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    // Each municipality sees its own events only.
    let own = trail(&app, &t.municipality).await;
    assert_eq!(events(&own, "letting_batch").len(), 1);
    assert!(
        own.iter().all(|e| e["municipality"] == "GM0629"),
        "{own:#?}"
    );
    let amsterdam = app
        .get_json(&t.amsterdam, "/api/v1/municipalities/GM0363/audit")
        .await;
    let amsterdam = amsterdam["events"].as_array().unwrap();
    let batches = events(amsterdam, "letting_batch");
    assert_eq!(batches.len(), 1, "{amsterdam:#?}");
    assert_eq!(batches[0]["organisation"], "ymere");
    assert!(
        amsterdam.iter().all(|e| e["municipality"] == "GM0363"),
        "{amsterdam:#?}"
    );
}

async fn audit_events_carry_no_income_rent_or_household_value(app: TestApp) {
    let t = app.setup_wassenaar();
    // Values that appear nowhere else: a rent, an income, a household size, a note.
    let record = letting_with(
        "HH-1",
        json!({"rent": "734.19", "household_income": "48213.77", "household_size": 17,
               "excluded_reason": "sloop Zonneveld", "urgency": "medical"}),
    );
    app.post_ok(&t.dwb, &json!([record])).await;
    let changed = letting_with(
        "HH-1",
        json!({"rent": "781.06", "household_income": "39417.52", "household_size": 13}),
    );
    app.post_ok(&t.dwb, &json!([changed])).await;
    assert_eq!(app.withdraw(&t.dwb, "HH-1").await.status(), StatusCode::OK);
    let (total, _) = breach(&app, &t).await;
    post_note(
        &app,
        &t.municipality,
        total,
        &json!({"text": "Huishouden van 17 personen met inkomen 48213,77"}),
    )
    .await;

    let trail = trail(&app, &t.municipality).await;
    assert!(trail.len() >= 5, "{trail:#?}");
    let text = serde_json::to_string(&trail).unwrap();
    for value in [
        "734.19",
        "73419",
        "734,19",
        "48213",
        "4821377",
        "781.06",
        "78106",
        "39417",
        "3941752",
        "Zonneveld",
        "medical",
        "inkomen",
        "Huishouden",
    ] {
        assert!(
            !text.contains(value),
            "{value} is in the audit trail: {text}"
        );
    }
    let allowed = [
        "received",
        "created",
        "updated",
        "unchanged",
        "withdrawn",
        "version",
        "note",
        "token",
    ];
    for event in &trail {
        for (name, value) in event["details"].as_object().unwrap() {
            assert!(allowed.contains(&name.as_str()), "{name} in {event}");
            assert!(value.is_i64(), "{name} in {event}");
        }
        assert!(
            event["details"].get("household_size").is_none() && event.get("rent").is_none(),
            "{event}"
        );
    }
}

async fn the_database_refuses_to_change_audit_events_and_notes(app: TestApp) {
    let t = app.setup_wassenaar();
    let (total, _) = breach(&app, &t).await;
    expect_json(
        post_note(&app, &t.municipality, total, &json!({"text": "Besproken."})).await,
        StatusCode::CREATED,
    )
    .await;
    let mut conn = app.pool.get().unwrap();
    for statement in [
        "UPDATE audit_events SET organisation_id = 'someone else'",
        "DELETE FROM audit_events",
        "UPDATE alert_notes SET text = 'rewritten'",
        "DELETE FROM alert_notes",
    ] {
        let result = diesel::sql_query(statement).execute(&mut *conn);
        let error = result.expect_err(statement).to_string();
        assert!(error.contains("append-only"), "{statement}: {error}");
    }
    // Still there, as written.
    let trail = trail(&app, &t.municipality).await;
    assert!(trail.iter().all(|e| e["organisation"] != "someone else"));
    assert!(!events(&trail, "letting_batch").is_empty());
    let notes = notes_of(&app, &t.municipality, total).await;
    assert_eq!(notes[0]["text"], "Besproken.");
}

async fn the_audit_trail_pages_by_cursor_and_since(app: TestApp) {
    let t = app.setup_wassenaar();
    for i in 0..5 {
        app.post_ok(&t.dwb, &json!([letting_with(&format!("R-{i}"), json!({}))]))
            .await;
    }
    let base = "/api/v1/municipalities/GM0629/audit";
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            None => format!("{base}?limit=2"),
            Some(c) => format!("{base}?limit=2&cursor={c}"),
        };
        let page = app.get_json(&t.municipality, &path).await;
        let events = page["events"].as_array().unwrap();
        assert!(events.len() <= 2);
        seen.extend(events.iter().map(|e| e["id"].as_i64().unwrap()));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    let all = trail(&app, &t.municipality).await;
    assert_eq!(events(&all, "letting_batch").len(), 5);
    let every: Vec<i64> = all.iter().map(|e| e["id"].as_i64().unwrap()).collect();
    assert_eq!(seen, every, "every event once, in order");
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(seen, sorted);

    let future = app
        .get_json(&t.municipality, &format!("{base}?since=2999-01-01"))
        .await;
    assert_eq!(future["events"], json!([]));
    let past = app
        .get_json(
            &t.municipality,
            &format!("{base}?since=2000-01-01T00:00:00Z"),
        )
        .await;
    assert_eq!(past["events"].as_array().unwrap().len(), all.len());
    for (query, code) in [
        ("?limit=0", "invalid_limit"),
        ("?limit=1001", "invalid_limit"),
        ("?cursor=abc", "invalid_cursor"),
        ("?since=gisteren", "invalid_since"),
        ("?page=2", "invalid_query"),
    ] {
        let refused = app
            .get(&t.municipality, &format!("{base}{query}"))
            .send()
            .await
            .unwrap();
        assert_eq!(
            expect_json(refused, StatusCode::BAD_REQUEST).await["error"],
            code,
            "{query}"
        );
    }
}
