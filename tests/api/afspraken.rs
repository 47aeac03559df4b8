//! The afspraken of the Wassenaar agreement: lights from the planning and from linked figures,
//! and progress updates by the municipality and the trekker.

use chrono::{Duration, NaiveDate};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{expect_json, letting, letting_with, TestApp};
use crate::portal::{add_person, browser, hidden, login, text, PASSWORD};

on_both_backends!(
    an_afspraak_not_done_turns_red_the_day_after_its_deadline,
    the_trekker_and_the_municipality_post_updates_and_others_may_not,
    an_afspraak_linked_to_the_urgent_share_takes_its_state,
    the_portal_shows_the_lights_and_the_trekker_posts_progress
);

async fn afspraken(app: &TestApp, token: &str, on: &str) -> Value {
    app.get_json(
        token,
        &format!("/api/v1/municipalities/GM0629/afspraken?on={on}"),
    )
    .await
}

fn by_key<'a>(body: &'a Value, key: &str) -> &'a Value {
    body["afspraken"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["key"] == key)
        .unwrap_or_else(|| panic!("no afspraak {key}"))
}

async fn post_update(app: &TestApp, token: &str, key: &str, body: &Value) -> reqwest::Response {
    app.client
        .post(app.url(&format!(
            "/api/v1/municipalities/GM0629/afspraken/{key}/updates"
        )))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn an_afspraak_not_done_turns_red_the_day_after_its_deadline(app: TestApp) {
    let t = app.setup_wassenaar();
    let start = afspraken(&app, &t.municipality, "2026-01-01").await;
    assert_eq!(start["agreement"], "GM0629-2026-2029");
    let list = start["afspraken"].as_array().unwrap();
    assert!(list.len() >= 10, "the Wassenaar afspraken are loaded");
    let lights = &start["lights"];
    let counted: u64 = ["green", "orange", "red", "grey"]
        .iter()
        .map(|l| lights[l].as_u64().unwrap())
        .sum();
    assert_eq!(counted as usize, list.len());

    // Every afspraak with a deadline of its own (no linked figure), at its deadline and the day
    // after, when nothing was reported.
    let dated: Vec<(String, NaiveDate)> = list
        .iter()
        .filter(|a| a["linked_metric"].is_null() && a["deadline"].is_string())
        .map(|a| {
            (
                a["key"].as_str().unwrap().to_string(),
                a["deadline"].as_str().unwrap().parse().unwrap(),
            )
        })
        .collect();
    assert!(!dated.is_empty(), "some afspraken have a deadline");
    let (key, due) = dated.iter().min_by_key(|(_, d)| *d).unwrap().clone();
    let on_the_day = afspraken(&app, &t.municipality, &due.to_string()).await;
    let afspraak = by_key(&on_the_day, &key);
    assert_eq!(afspraak["light"], "orange", "{afspraak}");
    assert_eq!(afspraak["reason"], "due_soon_not_started");
    let day_after = afspraken(
        &app,
        &t.municipality,
        &(due + Duration::days(1)).to_string(),
    )
    .await;
    let afspraak = by_key(&day_after, &key);
    assert_eq!(afspraak["light"], "red", "{afspraak}");
    assert_eq!(afspraak["reason"], "overdue");
    assert_eq!(afspraak["reason_text"], "te laat");

    // Reported done today: green from today on, still red on the day after the deadline.
    let response = post_update(
        &app,
        &t.municipality,
        &key,
        &json!({"status": "done", "note": "Vastgesteld in het bestuurlijk overleg."}),
    )
    .await;
    expect_json(response, StatusCode::CREATED).await;
    let today = chrono::Utc::now().date_naive();
    if today > due {
        let now = afspraken(&app, &t.municipality, &today.to_string()).await;
        let afspraak = by_key(&now, &key);
        assert_eq!(afspraak["status"], "done");
        // A yearly afspraak is due again next year: done or, if that is near, not yet started.
        assert_ne!(afspraak["light"], "red", "{afspraak}");
    }
    let then = afspraken(
        &app,
        &t.municipality,
        &(due + Duration::days(1)).to_string(),
    )
    .await;
    assert_eq!(by_key(&then, &key)["light"], "red");
}

async fn the_trekker_and_the_municipality_post_updates_and_others_may_not(app: TestApp) {
    let t = app.setup_wassenaar();
    let today = chrono::Utc::now().date_naive().to_string();
    let list = afspraken(&app, &t.municipality, &today).await;
    let led_by_corporations = list["afspraken"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["trekker"] == "corporaties")
        .expect("an afspraak led by the corporations")["key"]
        .as_str()
        .unwrap()
        .to_string();

    let update = json!({"status": "in_progress", "note": "Eerste inventarisatie gereed.", "escalation_level": 0});
    let stored = expect_json(
        post_update(&app, &t.dwb, &led_by_corporations, &update).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(stored["organisation"], "dwb");
    assert_eq!(stored["status"], "in_progress");

    // The municipality escalates it.
    let escalated =
        json!({"status": "delayed", "note": "Geagendeerd voor het BO.", "escalation_level": 2});
    expect_json(
        post_update(&app, &t.municipality, &led_by_corporations, &escalated).await,
        StatusCode::CREATED,
    )
    .await;
    // A tenant association is not the trekker; another municipality no reader at all.
    let refused = post_update(&app, &t.tenants, &led_by_corporations, &update).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let refused = post_update(&app, &t.amsterdam, &led_by_corporations, &update).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);

    // Every reader sees the history and the latest state.
    let seen = afspraken(&app, &t.tenants, &today).await;
    let afspraak = by_key(&seen, &led_by_corporations);
    assert_eq!(afspraak["updates"].as_array().unwrap().len(), 2);
    assert_eq!(afspraak["status"], "delayed");
    assert_eq!(afspraak["escalation_level"], 2);
    assert_eq!(afspraak["escalation_text"], "bestuurlijk overleg");

    // Faults are named per field; an unknown afspraak is a 404; nothing is stored.
    let bad = post_update(
        &app,
        &t.municipality,
        &led_by_corporations,
        &json!({"status": "finished", "note": "", "escalation_level": 7, "colour": "red"}),
    )
    .await;
    let body = expect_json(bad, StatusCode::UNPROCESSABLE_ENTITY).await;
    let fields: Vec<&str> = body["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["field"].as_str().unwrap())
        .collect();
    for field in ["status", "note", "escalation_level", "colour"] {
        assert!(fields.contains(&field), "{field} in {body}");
    }
    let unknown = post_update(&app, &t.municipality, "99.99", &update).await;
    let body = expect_json(unknown, StatusCode::NOT_FOUND).await;
    assert_eq!(body["error"], "afspraak_not_found");
    let after = afspraken(&app, &t.municipality, &today).await;
    assert_eq!(
        by_key(&after, &led_by_corporations)["updates"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // The audit trail records both updates (without their text).
    let audit = app
        .get_json(&t.municipality, "/api/v1/municipalities/GM0629/audit")
        .await;
    let updates: Vec<&Value> = audit["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "afspraak_updated")
        .collect();
    assert_eq!(updates.len(), 2);
    assert!(!audit.to_string().contains("Geagendeerd"));
}

async fn an_afspraak_linked_to_the_urgent_share_takes_its_state(app: TestApp) {
    let t = app.setup_wassenaar();
    let list = afspraken(&app, &t.municipality, "2026-06-01").await;
    let linked = list["afspraken"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["linked_metric"] == "urgent_share")
        .expect("an afspraak linked to the urgent share")["key"]
        .as_str()
        .unwrap()
        .to_string();
    // No lettings: too few to judge.
    assert_eq!(by_key(&list, &linked)["light"], "grey");

    // 24 lettings, 12 urgent: 50% against a signal value of 30%.
    let batch: Vec<Value> = (0..24)
        .map(|i| {
            let reference = format!("DWB-A{i}");
            if i % 2 == 0 {
                letting_with(&reference, json!({"urgency": "medical"}))
            } else {
                letting(&reference)
            }
        })
        .collect();
    app.post_ok(&t.dwb, &json!(batch)).await;
    for token in [&t.municipality, &t.tenants] {
        let list = afspraken(&app, token, "2026-06-01").await;
        let afspraak = by_key(&list, &linked);
        assert_eq!(afspraak["linked_state"], "breach", "{afspraak}");
        assert_eq!(afspraak["light"], "red");
        assert_eq!(afspraak["reason"], "figure");
    }
}

async fn the_portal_shows_the_lights_and_the_trekker_posts_progress(app: TestApp) {
    let tokens = app.setup_wassenaar();
    add_person(&app, "dwb", "data@dwb.nl");
    add_person(&app, "rozenstein", "piet@rozenstein.nl");
    let base = &app.address;
    let page_of = |client: reqwest::Client| async move {
        text(
            client
                .get(format!("{base}/municipalities/GM0629/afspraken"))
                .send()
                .await
                .unwrap(),
        )
        .await
    };

    // The tenant association reads every afspraak with its light, and may post only where the
    // tenant associations lead.
    let piet = browser();
    login(&piet, base, "piet@rozenstein.nl", PASSWORD).await;
    let page = page_of(piet.clone()).await;
    assert!(page.contains("Signaalwaarde: ten hoogste 30%"), "{page}");
    assert!(page.contains("state state-"), "a light on every afspraak");
    assert!(!page.contains("/afspraken/3.3-efg/updates"));

    // The corporation leads the E/F/G afspraak: its data officer posts progress.
    let data = browser();
    login(&data, base, "data@dwb.nl", PASSWORD).await;
    let page = page_of(data.clone()).await;
    assert!(page.contains("/afspraken/3.3-efg/updates"), "{page}");
    let without_csrf = data
        .post(format!(
            "{base}/municipalities/GM0629/afspraken/3.3-efg/updates"
        ))
        .form(&[
            ("status", "in_progress"),
            ("escalation_level", "0"),
            ("note", "x"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(without_csrf.status(), StatusCode::FORBIDDEN);
    let posted = data
        .post(format!(
            "{base}/municipalities/GM0629/afspraken/3.3-efg/updates"
        ))
        .form(&[
            ("csrf", hidden(&page, "csrf").as_str()),
            ("status", "in_progress"),
            ("escalation_level", "0"),
            ("note", "Twaalf woningen met label E in uitvoering."),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), StatusCode::SEE_OTHER);
    let page = page_of(piet).await;
    assert!(page.contains("Twaalf woningen met label E in uitvoering."));

    let audit = app
        .get_json(&tokens.municipality, "/api/v1/municipalities/GM0629/audit")
        .await;
    let event = audit["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "afspraak_updated")
        .expect("the update's event");
    assert_eq!(event["via"], "web");
    assert_eq!(event["person"], "data@dwb.nl");
}
