//! The corporation's legal view: the free allocation room and passend toewijzen over all its
//! municipalities in a calendar year, readable by that corporation only; and the quota answer
//! saying which of its metrics are only signals toward a legal norm.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{expect_json, letting_with, metric, TestApp};

on_both_backends!(
    the_free_room_is_judged_over_all_municipalities_each_with_its_own_room,
    only_the_corporation_itself_reads_its_legal_view
);

fn many(prefix: &str, n: usize, fields: Value) -> Vec<Value> {
    (0..n)
        .map(|i| letting_with(&format!("{prefix}-{i}"), fields.clone()))
        .collect()
}

const HIGH_INCOME: u32 = 60_000;

async fn the_free_room_is_judged_over_all_municipalities_each_with_its_own_room(app: TestApp) {
    let _ = app.setup_wassenaar();
    app.add_org(
        "multi",
        "corporation",
        "Woonstichting in twee gemeenten",
        &["GM0629", "GM0363"],
    );
    let token = app.token("multi");
    // Wassenaar (agreement: 15%): 6 of 40 above the DAEB income limit.
    let mut batch = many("W", 34, json!({}));
    batch.extend(many("WH", 6, json!({"household_income": HIGH_INCOME})));
    // Amsterdam (no agreement: the law's 7.5%): 3 of 40, and one letting not passend.
    batch.extend(many("A", 36, json!({"municipality": "GM0363"})));
    batch.push(letting_with(
        "A-NP",
        json!({"municipality": "GM0363", "rent": 740}),
    ));
    batch.extend(many(
        "AH",
        3,
        json!({"municipality": "GM0363", "household_income": HIGH_INCOME}),
    ));
    app.post_ok(&token, &json!(batch)).await;

    let legal = app
        .get_json(&token, "/api/v1/corporations/multi/legal?year=2026")
        .await;
    assert_eq!(legal["corporation"], "multi");
    let codes: Vec<&str> = legal["municipalities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["municipality"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["GM0363", "GM0629"]);
    assert_eq!(
        legal["municipalities"][0]["income_exemption_room"],
        json!(0.075)
    );
    assert_eq!(
        legal["municipalities"][1]["income_exemption_room"],
        json!(0.15)
    );
    // 9 of 80 against 6 + 3 allowed (11.25%): within, but in the warning band.
    let room = &legal["metrics"][0];
    assert_eq!(room["metric"], "income_exemption_share");
    assert_eq!(room["count"], 9);
    assert_eq!(room["denominator"], 80);
    assert_eq!(room["limit"], json!(0.1125));
    assert_eq!(room["state"], "warning");
    assert_eq!(room["judged_per"], "corporation_year");
    let passend = &legal["metrics"][1];
    assert_eq!(passend["metric"], "passend_share");
    assert_eq!(passend["count"], 70);
    assert_eq!(passend["denominator"], 71);
    assert_eq!(passend["state"], "ok");

    // Wassenaar's own figure for this corporation is 15%, a signal toward the legal norm.
    let t = app.token("GM0629");
    let quota = app.quota(&t, "GM0629", "2026").await;
    let municipal = metric(&quota, Some("multi"), "income_exemption_share");
    assert_eq!(municipal["count"], 6);
    assert_eq!(municipal["judged_per"], "corporation_year");
    assert_eq!(
        metric(&quota, Some("multi"), "urgent_share")["judged_per"],
        "municipality"
    );

    // One more above the limit in Amsterdam: 10 of 81 against 9.075 allowed, a breach,
    // though Wassenaar's 6 of 40 has not moved.
    app.post_ok(
        &token,
        &json!([letting_with(
            "AH-3",
            json!({"municipality": "GM0363", "household_income": HIGH_INCOME})
        )]),
    )
    .await;
    let legal = app
        .get_json(&token, "/api/v1/corporations/multi/legal?year=2026")
        .await;
    assert_eq!(legal["metrics"][0]["state"], "breach");
    assert_eq!(legal["metrics"][0]["count"], 10);
    // Another year holds nothing.
    let empty = app
        .get_json(&token, "/api/v1/corporations/multi/legal?year=2025")
        .await;
    assert_eq!(empty["metrics"][0]["state"], "insufficient_data");
    assert_eq!(empty["municipalities"], json!([]));
}

async fn only_the_corporation_itself_reads_its_legal_view(app: TestApp) {
    let t = app.setup_wassenaar();
    app.get_json(&t.dwb, "/api/v1/corporations/dwb/legal?year=2026")
        .await;
    for token in [&t.willibrordus, &t.municipality, &t.tenants, &t.ymere] {
        let response = app
            .get(token, "/api/v1/corporations/dwb/legal?year=2026")
            .send()
            .await
            .unwrap();
        assert_eq!(
            expect_json(response, StatusCode::FORBIDDEN).await["error"],
            "forbidden"
        );
    }
    let response = app
        .get(&t.dwb, "/api/v1/corporations/dwb/legal?year=0")
        .send()
        .await
        .unwrap();
    assert_eq!(
        expect_json(response, StatusCode::BAD_REQUEST).await["error"],
        "invalid_year"
    );
}
