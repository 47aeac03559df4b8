//! Signal alerts on the year-to-date figures.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{expect_json, letting_with, num, TestApp};

on_both_backends!(
    the_urgent_share_goes_ok_warning_breach_warning_ok_in_one_alert,
    reposting_and_recomputing_change_no_alert,
    withdrawals_resolve_an_alert,
    alerts_are_for_the_municipalitys_readers_only,
    two_instances_ingesting_at_once_keep_one_open_alert
);

fn urgent(reference: &str) -> Value {
    letting_with(reference, json!({"urgency": "status_holder"}))
}

fn plain(reference: &str) -> Value {
    letting_with(reference, json!({}))
}

/// The alerts in Wassenaar (200 OK).
async fn alerts(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    let response = app.alerts(token, query).await;
    let body = expect_json(response, StatusCode::OK).await;
    assert_eq!(body["municipality"], "GM0629");
    body["alerts"].as_array().unwrap().clone()
}

fn of<'a>(list: &'a [Value], metric: &str, corporation: Option<&str>) -> Vec<&'a Value> {
    list.iter()
        .filter(|a| {
            a["metric"] == metric
                && a["corporation"] == corporation.map(Value::from).unwrap_or(Value::Null)
        })
        .collect()
}

fn changes(alert: &Value) -> Vec<(String, String)> {
    alert["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["change"].as_str().unwrap().to_string(),
                e["level"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

async fn the_urgent_share_goes_ok_warning_breach_warning_ok_in_one_alert(app: TestApp) {
    let t = app.setup_wassenaar();
    let post = |batch: Vec<Value>| {
        let app = &app;
        let token = t.dwb.clone();
        async move { app.post_ok(&token, &json!(batch)).await }
    };
    // 5 of 20 urgent: 0.25, ok.
    let mut first: Vec<Value> = (0..15).map(|i| plain(&format!("P-{i}"))).collect();
    first.extend((0..5).map(|i| urgent(&format!("U-{i}"))));
    post(first).await;
    assert!(alerts(&app, &t.municipality, "?state=all").await.is_empty());
    // 6 of 21: 0.2857 > 0.28, warning.
    post(vec![urgent("U-5")]).await;
    let open = alerts(&app, &t.municipality, "").await;
    let total = of(&open, "urgent_share", None);
    assert_eq!(total.len(), 1);
    assert_eq!(total[0]["level"], "warning");
    assert_eq!(total[0]["state"], "open");
    assert_eq!(total[0]["scope"], "total");
    assert_eq!(total[0]["year"], 2026);
    assert_eq!(num(&total[0]["share"]), 0.2857);
    assert_eq!(num(&total[0]["limit"]), 0.3);
    // 8 of 23: 0.3478, breach.
    post(vec![urgent("U-6"), urgent("U-7")]).await;
    // 8 of 27: 0.2963, back to warning.
    post((15..19).map(|i| plain(&format!("P-{i}"))).collect()).await;
    // 8 of 30: 0.2667, ok: resolved.
    post((19..22).map(|i| plain(&format!("P-{i}"))).collect()).await;

    let open = alerts(&app, &t.municipality, "").await;
    assert!(of(&open, "urgent_share", None).is_empty());
    let all = alerts(&app, &t.municipality, "?state=all&year=2026").await;
    for corporation in [None, Some("dwb")] {
        let list = of(&all, "urgent_share", corporation);
        assert_eq!(list.len(), 1, "exactly one alert for {corporation:?}");
        let alert = list[0];
        assert_eq!(alert["state"], "resolved");
        assert!(alert["resolved_at"].is_string());
        let expected: Vec<(String, String)> = [
            ("opened", "warning"),
            ("level_changed", "breach"),
            ("level_changed", "warning"),
            ("resolved", "warning"),
        ]
        .iter()
        .map(|(c, l)| (c.to_string(), l.to_string()))
        .collect();
        assert_eq!(changes(alert), expected);
        let history = alert["history"].as_array().unwrap();
        assert_eq!(
            (
                history[1]["count"].clone(),
                history[1]["denominator"].clone()
            ),
            (json!(8), json!(23))
        );
        assert_eq!(history[3]["metric_state"], "ok");
    }
    // The other metrics never signalled.
    assert_eq!(all.len(), 2);
    let resolved = alerts(&app, &t.tenants, "?state=resolved").await;
    assert_eq!(resolved.len(), 2);
    assert!(alerts(&app, &t.municipality, "?state=all&year=2025")
        .await
        .is_empty());
}

async fn reposting_and_recomputing_change_no_alert(app: TestApp) {
    let t = app.setup_wassenaar();
    let mut batch: Vec<Value> = (0..14).map(|i| plain(&format!("P-{i}"))).collect();
    batch.extend((0..7).map(|i| urgent(&format!("U-{i}"))));
    app.post_ok(&t.dwb, &json!(batch)).await;
    let before = alerts(&app, &t.municipality, "?state=all").await;
    assert_eq!(of(&before, "urgent_share", None)[0]["level"], "breach");
    app.post_ok(&t.dwb, &json!(batch)).await;
    let mut conn = app.pool.get().unwrap();
    let reference =
        quotamonitor::config::ReferenceData::load(Some(std::path::Path::new("config"))).unwrap();
    let changes = quotamonitor::service::letting_changes::recompute_alerts(
        &mut conn,
        &reference,
        "GM0629",
        2026,
        chrono::Utc::now().naive_utc(),
    )
    .unwrap();
    assert!(changes.is_empty(), "{changes:?}");
    drop(conn);
    assert_eq!(alerts(&app, &t.municipality, "?state=all").await, before);
}

async fn withdrawals_resolve_an_alert(app: TestApp) {
    let t = app.setup_wassenaar();
    let mut batch: Vec<Value> = (0..14).map(|i| plain(&format!("P-{i}"))).collect();
    batch.extend((0..7).map(|i| urgent(&format!("U-{i}"))));
    app.post_ok(&t.dwb, &json!(batch)).await;
    let open = alerts(&app, &t.municipality, "").await;
    assert_eq!(of(&open, "urgent_share", None).len(), 1);
    // Withdrawing two lettings brings the denominator below 20: insufficient data, resolved.
    for r in ["P-0", "P-1"] {
        assert_eq!(app.withdraw(&t.dwb, r).await.status(), StatusCode::OK);
    }
    let all = alerts(&app, &t.municipality, "?state=all").await;
    let alert = of(&all, "urgent_share", None)[0];
    assert_eq!(alert["state"], "resolved");
    assert_eq!(
        alert["history"].as_array().unwrap().last().unwrap()["metric_state"],
        "insufficient_data"
    );
}

async fn alerts_are_for_the_municipalitys_readers_only(app: TestApp) {
    let t = app.setup_wassenaar();
    let response = app.alerts(&t.amsterdam, "").await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let bad = app.alerts(&t.municipality, "?state=closed").await;
    assert_eq!(
        expect_json(bad, StatusCode::BAD_REQUEST).await["error"],
        "invalid_state"
    );
}

async fn two_instances_ingesting_at_once_keep_one_open_alert(app: TestApp) {
    let t = app.setup_wassenaar();
    let second = app.second_instance().await;
    // Each corporation alone is urgent-heavy; together they push every scope into breach.
    let batch = |prefix: &str| -> Value {
        let mut list: Vec<Value> = (0..12).map(|i| plain(&format!("{prefix}-P-{i}"))).collect();
        list.extend((0..10).map(|i| urgent(&format!("{prefix}-U-{i}"))));
        json!(list)
    };
    for round in 0..3 {
        let (batch_a, batch_b) = (batch(&format!("A{round}")), batch(&format!("B{round}")));
        let a = app.post_json(&t.dwb, &batch_a);
        let b = second.post_json(&t.willibrordus, &batch_b);
        let (a, b) = tokio::join!(a, b);
        assert_eq!(a.status(), StatusCode::OK);
        assert_eq!(b.status(), StatusCode::OK);
    }
    // Conflicting batches: both instances post the same references of one corporation at
    // once, with different rents. Both succeed, one after the other; nothing is duplicated.
    let clash = |rent: u32| -> Value {
        json!((0..10)
            .map(|i| letting_with(
                &format!("CLASH-{i}"),
                json!({"rent": rent, "urgency": "medical"})
            ))
            .collect::<Vec<_>>())
    };
    let (x, y) = (clash(600), clash(610));
    let (a, b) = tokio::join!(app.post_json(&t.dwb, &x), second.post_json(&t.dwb, &y));
    let (a, b) = (
        expect_json(a, StatusCode::OK).await,
        expect_json(b, StatusCode::OK).await,
    );
    assert_eq!(
        a["created"].as_u64().unwrap() + b["created"].as_u64().unwrap(),
        10
    );
    assert_eq!(
        a["updated"].as_u64().unwrap() + b["updated"].as_u64().unwrap(),
        10
    );
    let one = app
        .get_json(&t.dwb, "/api/v1/lettings/CLASH-0?history=true")
        .await;
    assert_eq!(one["history"].as_array().unwrap().len(), 2);

    let open = alerts(&app, &t.municipality, "").await;
    for corporation in [None, Some("dwb"), Some("willibrordus")] {
        assert_eq!(
            of(&open, "urgent_share", corporation).len(),
            1,
            "{corporation:?}: {open:?}"
        );
    }
    let all = alerts(&app, &t.municipality, "?state=all").await;
    assert_eq!(of(&all, "urgent_share", None).len(), 1);
}
