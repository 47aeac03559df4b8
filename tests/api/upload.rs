//! Uploads as corporations' systems and Dutch Excel write them: the semicolon dialect with
//! Dutch names and values, physical line numbers, dry runs, the template, the own-lettings
//! list and its CSV export, and the warnings.

use diesel::prelude::*;
use quotamonitor::db::schema;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{expect_json, letting_with, TestApp};

on_both_backends!(
    a_dutch_excel_export_is_read_exactly,
    problems_name_the_physical_line_whatever_the_line_ends,
    an_amount_that_reads_two_ways_is_refused_never_guessed,
    a_dry_run_answers_as_a_post_and_changes_nothing,
    the_template_posts_back_as_it_is,
    the_own_lettings_list_pages_by_reference_and_filters,
    the_csv_export_posts_back_unchanged,
    only_a_corporation_lists_and_only_its_own,
    unlikely_values_warn_and_never_block,
);

/// The Dutch header of every column a letting record has, in the template's order.
const DUTCH_HEADER: &str = "referentie;gemeente;ingangsdatum;kale_huur;huishoudgrootte;huishoudinkomen;aow;route;urgentie;reden_uitzondering;passend_uitzondering";

async fn get_letting(app: &TestApp, token: &str, reference: &str) -> Value {
    app.get_json(token, &format!("/api/v1/lettings/{reference}"))
        .await
}

async fn a_dutch_excel_export_is_read_exactly(app: TestApp) {
    let t = app.setup_wassenaar();
    // As Excel writes "CSV (puntkomma-gescheiden)" with a BOM and CRLF, after an ERP export
    // with euro signs, thousands dots and WAAR/ONWAAR; a blank line and the rows of empty
    // cells Excel leaves behind.
    let csv = format!(
        "\u{feff}{DUTCH_HEADER}\r\n\
         NL-1;GM0629;3-11-2026;€ 745,00;3;24.500;ONWAAR;regular;;;nee\r\n\
         \r\n\
         NL-2;GM0629;03-02-2026;1.234,56;4;€ 1.234.567,89;WAAR;local_priority;medical;;Ja\r\n\
         NL-3;GM0629;2026-02-01;612.5;1;31000,50;ja;direct;;wisselwoning;NEE\r\n\
         ;;;;;;;;;;\r\n\
         ;;;;;;;;;;\r\n"
    );
    let body = expect_json(app.post_csv(&t.dwb, &csv).await, StatusCode::OK).await;
    assert_eq!(body["received"], 3, "{body}");
    assert_eq!(body["created"], 3);

    let one = get_letting(&app, &t.dwb, "NL-1").await;
    assert_eq!(one["contract_start"], "2026-11-03");
    assert_eq!(one["rent"].to_string(), "745.00");
    // Twenty-four thousand five hundred, not €24.50.
    assert_eq!(one["household_income"].to_string(), "24500.00");
    assert_eq!(one["pension_age"], false);
    assert_eq!(one["passend_exception"], false);
    assert_eq!(one["classification"]["passend_compliant"], true);

    let two = get_letting(&app, &t.dwb, "NL-2").await;
    assert_eq!(two["contract_start"], "2026-02-03");
    assert_eq!(two["rent"].to_string(), "1234.56");
    assert_eq!(two["household_income"].to_string(), "1234567.89");
    assert_eq!(two["pension_age"], true);
    assert_eq!(two["passend_exception"], true);
    assert_eq!(two["route"], "local_priority");
    assert_eq!(two["urgency"], "medical");
    assert_eq!(two["classification"]["social"], false);

    let three = get_letting(&app, &t.dwb, "NL-3").await;
    assert_eq!(three["rent"].to_string(), "612.50");
    assert_eq!(three["household_income"].to_string(), "31000.50");
    assert_eq!(three["pension_age"], true);
    assert_eq!(three["excluded_reason"], "wisselwoning");
}

/// The problems of a 422, as (index, field, line).
fn located(body: &Value) -> Vec<(i64, String, i64)> {
    body["problems"]
        .as_array()
        .unwrap_or_else(|| panic!("no problems in {body}"))
        .iter()
        .map(|p| {
            (
                p["index"].as_i64().unwrap_or(-1),
                p["field"].as_str().unwrap_or("").to_string(),
                p["line"].as_i64().unwrap_or(-1),
            )
        })
        .collect()
}

async fn problems_name_the_physical_line_whatever_the_line_ends(app: TestApp) {
    let t = app.setup_wassenaar();
    let rows = [
        "OK-1;GM0629;1-3-2026;700;2;30000",
        "",
        "BAD-1;GM0629;1-3-2026;700;twee;30000",
        "",
        "",
        ";;;;;",
        "BAD-2;GM0629;31-2-2026;700;2;30000",
        "OK-2;GM0629;1-3-2026;700;2;30000",
        "BAD-3;GM0629;1-3-2026;0;2;30000",
    ];
    let header = "reference;municipality;contract_start;rent;household_size;household_income";
    // The same file with the line ends of Windows, Unix and old Mac Excel: the same lines.
    for ending in ["\r\n", "\n", "\r"] {
        let csv = format!("{header}{ending}{}{ending}", rows.join(ending));
        let body = expect_json(
            app.post_csv(&t.dwb, &csv).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert_eq!(
            located(&body),
            [
                (1, "household_size".to_string(), 4),
                (2, "contract_start".to_string(), 8),
                (4, "rent".to_string(), 10),
            ],
            "line ends {ending:?}: {body}"
        );
    }
    // A quoted cell over two lines moves the lines after it.
    let csv = "reference;municipality;contract_start;rent;household_size;household_income;excluded_reason\r\n\
         Q-1;GM0629;1-3-2026;700;2;30000;\"wissel\r\nwoning\"\r\n\
         \r\n\
         Q-2;GM0629;1-3-2026;700;0;30000;\r\n";
    let body = expect_json(
        app.post_csv(&t.dwb, csv).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(located(&body), [(1, "household_size".to_string(), 5)]);
}

async fn an_amount_that_reads_two_ways_is_refused_never_guessed(app: TestApp) {
    let t = app.setup_wassenaar();
    let csv = "referentie;gemeente;ingangsdatum;kale_huur;huishoudgrootte;huishoudinkomen\r\n\
               A-1;GM0629;1-3-2026;700;2;24,500\r\n\
               A-2;GM0629;1-3-2026;1.234,567;2;30000\r\n";
    let body = expect_json(
        app.post_csv(&t.dwb, csv).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let problems = body["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 2, "{body}");
    assert_eq!(problems[0]["field"], "household_income");
    assert_eq!(problems[0]["line"], 2);
    assert_eq!(
        problems[0]["message"],
        "household_income: \"24,500\" reads two ways: 24500 with a thousands comma, or 24,500 with three decimals (money has at most 2); write 24500 or 24.500 for the first"
    );
    assert_eq!(problems[1]["field"], "rent");
    assert_eq!(problems[1]["line"], 3);
    assert!(
        problems[1]["message"]
            .as_str()
            .unwrap()
            .contains("more than 2 decimals"),
        "{body}"
    );
    // Nothing was stored.
    let response = app
        .get(&t.dwb, "/api/v1/lettings/A-1")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

/// Everything a post may change: the rows of lettings, versions, both aggregates, alerts and
/// their events and the webhook outbox, and the figures and alerts as the municipality reads
/// them (the aggregate's values, the alerts' states).
async fn everything(app: &TestApp, municipality_token: &str) -> Value {
    let mut conn = app.pool.get().expect("connection");
    let rows = json!({
        "lettings": schema::lettings::table.count().get_result::<i64>(&mut conn).unwrap(),
        "versions": schema::letting_versions::table.count().get_result::<i64>(&mut conn).unwrap(),
        "month_counts": schema::letting_month_counts::table.count().get_result::<i64>(&mut conn).unwrap(),
        "month_profiles": schema::letting_month_profiles::table.count().get_result::<i64>(&mut conn).unwrap(),
        "alerts": schema::alerts::table.count().get_result::<i64>(&mut conn).unwrap(),
        "alert_events": schema::alert_events::table.count().get_result::<i64>(&mut conn).unwrap(),
        "outbox": schema::webhook_deliveries::table.count().get_result::<i64>(&mut conn).unwrap(),
    });
    drop(conn);
    let quota = app.quota(municipality_token, "GM0629", "2026").await;
    let alerts = app.alerts(municipality_token, "?state=all").await;
    json!({"rows": rows, "quota": quota, "alerts": alerts.text().await.unwrap()})
}

async fn post_dry(app: &TestApp, token: &str, body: &Value) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/lettings?dry_run=true"))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .expect("request sent")
}

async fn a_dry_run_answers_as_a_post_and_changes_nothing(app: TestApp) {
    let t = app.setup_wassenaar();
    let hook = app
        .add_webhook(&t.municipality, "http://127.0.0.1:9/hook")
        .await;
    assert_eq!(hook.status(), StatusCode::CREATED);
    // 5 of 20 urgent: no alert yet.
    let urgent = |r: &str| letting_with(r, json!({"urgency": "status_holder"}));
    let mut first: Vec<Value> = (0..15)
        .map(|i| letting_with(&format!("P-{i}"), json!({})))
        .collect();
    first.extend((0..5).map(|i| urgent(&format!("U-{i}"))));
    app.post_ok(&t.dwb, &json!(first)).await;
    let before = everything(&app, &t.municipality).await;
    assert_eq!(before["rows"]["outbox"], 0);

    // One correction, one unchanged, two new urgent lettings: 7 of 22 urgent is a breach,
    // an alert and a webhook delivery, if it were stored.
    let batch = json!([
        letting_with("P-0", json!({"rent": 701.5})),
        letting_with("P-1", json!({})),
        urgent("U-5"),
        urgent("U-6"),
    ]);
    let tried = expect_json(post_dry(&app, &t.dwb, &batch).await, StatusCode::OK).await;
    assert_eq!(
        tried,
        json!({"received": 4, "created": 2, "updated": 1, "unchanged": 1, "dry_run": true})
    );
    assert_eq!(everything(&app, &t.municipality).await, before);

    // An invalid batch: the same 422 as a real post.
    let invalid = json!([letting_with("X-1", json!({"rent": 0})), urgent("U-7")]);
    let dry = expect_json(
        post_dry(&app, &t.dwb, &invalid).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let real = expect_json(
        app.post_json(&t.dwb, &invalid).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(dry, real);
    assert_eq!(everything(&app, &t.municipality).await, before);

    // Posted for real, the same batch makes what the dry run said, and changes all of it.
    let stored = app.post_ok(&t.dwb, &batch).await;
    assert_eq!(
        stored,
        json!({"received": 4, "created": 2, "updated": 1, "unchanged": 1})
    );
    let after = everything(&app, &t.municipality).await;
    assert_eq!(after["rows"]["lettings"], 22);
    assert_eq!(after["rows"]["versions"], 23);
    // A breach in the total and in the corporation's scope, each queued for the webhook.
    assert_eq!(after["rows"]["alerts"], 2);
    assert_eq!(after["rows"]["outbox"], 2);
    assert_ne!(after["quota"], before["quota"]);
}

async fn get_text(
    app: &TestApp,
    token: &str,
    path: &str,
    accept: Option<&str>,
) -> (StatusCode, String) {
    let mut request = app.get(token, path);
    if let Some(accept) = accept {
        request = request.header("Accept", accept);
    }
    let response = request.send().await.expect("request sent");
    (response.status(), response.text().await.expect("body"))
}

async fn the_template_posts_back_as_it_is(app: TestApp) {
    let t = app.setup_wassenaar();
    let (status, template) = get_text(&app, &t.dwb, "/api/v1/lettings/template.csv", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        template.starts_with(&format!("\u{feff}{DUTCH_HEADER}")),
        "{template:?}"
    );
    assert_eq!(template.matches("\r\n").count(), 2, "{template:?}");
    let tried = app.post_csv(&t.dwb, &template).await;
    let body = expect_json(tried, StatusCode::OK).await;
    assert_eq!(body["created"], 1, "{body}");
    let example = get_letting(&app, &t.dwb, "VOORBEELD-1").await;
    assert_eq!(example["municipality"], "GM0629");
    assert_eq!(example["contract_start"], "2026-03-01");
    assert_eq!(example["rent"].to_string(), "745.00");
    // Posted as it is, the example counts in no quota.
    assert_eq!(example["classification"]["counted"], false);
}

fn references(page: &Value) -> Vec<String> {
    page["lettings"]
        .as_array()
        .unwrap_or_else(|| panic!("no lettings in {page}"))
        .iter()
        .map(|l| l["reference"].as_str().unwrap().to_string())
        .collect()
}

async fn the_own_lettings_list_pages_by_reference_and_filters(app: TestApp) {
    let t = app.setup_wassenaar();
    let batch: Vec<Value> = (1..=5)
        .rev()
        .map(|i| {
            letting_with(
                &format!("L-0{i}"),
                json!({"contract_start": format!("2026-0{i}-10")}),
            )
        })
        .collect();
    app.post_ok(&t.dwb, &json!(batch)).await;
    app.post_ok(&t.willibrordus, &json!([letting_with("W-01", json!({}))]))
        .await;
    assert_eq!(app.withdraw(&t.dwb, "L-04").await.status(), StatusCode::OK);

    let first = app.get_json(&t.dwb, "/api/v1/lettings?limit=2").await;
    assert_eq!(references(&first), ["L-01", "L-02"]);
    assert_eq!(first["next_cursor"], "L-02");
    assert_eq!(
        first["lettings"][0]["household_income"].to_string(),
        "30000.00"
    );
    let second = app
        .get_json(&t.dwb, "/api/v1/lettings?limit=2&cursor=L-02")
        .await;
    // The withdrawn L-04 is left out unless asked for.
    assert_eq!(references(&second), ["L-03", "L-05"]);
    assert_eq!(second["next_cursor"], Value::Null);
    let all = app
        .get_json(&t.dwb, "/api/v1/lettings?withdrawn=true")
        .await;
    assert_eq!(references(&all), ["L-01", "L-02", "L-03", "L-04", "L-05"]);
    assert_eq!(all["lettings"][3]["withdrawn"], true);
    let march = app
        .get_json(&t.dwb, "/api/v1/lettings?month=2026-03&municipality=GM0629")
        .await;
    assert_eq!(references(&march), ["L-03"]);
    let elsewhere = app
        .get_json(&t.dwb, "/api/v1/lettings?municipality=GM0363")
        .await;
    assert_eq!(references(&elsewhere), Vec::<String>::new());

    for bad in [
        "limit=0",
        "limit=10001",
        "month=2026",
        "month=maart",
        "municipality=0629",
    ] {
        let (status, body) = get_text(&app, &t.dwb, &format!("/api/v1/lettings?{bad}"), None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
    }
}

async fn the_csv_export_posts_back_unchanged(app: TestApp) {
    let t = app.setup_wassenaar();
    let batch = json!([
        letting_with(
            "E-01",
            json!({"rent": "712.5", "household_income": "24500.75", "pension_age": true})
        ),
        letting_with(
            "E-02",
            json!({"urgency": "status_holder", "route": "direct", "passend_exception": true})
        ),
        letting_with(
            "E-03",
            json!({"excluded_reason": "wisselwoning; tijdelijk", "contract_start": "2026-04-01"})
        ),
    ]);
    app.post_ok(&t.dwb, &batch).await;
    let (status, csv) = get_text(&app, &t.dwb, "/api/v1/lettings", Some("text/csv")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        csv.starts_with(&format!("\u{feff}{DUTCH_HEADER}")),
        "{csv:?}"
    );
    assert!(
        csv.contains("\r\nE-01;GM0629;2026-03-15;712,50;2;24500,75;ja;regular;;;nee"),
        "{csv:?}"
    );
    // The semicolon inside a cell is quoted.
    assert!(csv.contains("\"wisselwoning; tijdelijk\""), "{csv:?}");

    let again = expect_json(app.post_csv(&t.dwb, &csv).await, StatusCode::OK).await;
    assert_eq!(
        again,
        json!({"received": 3, "created": 0, "updated": 0, "unchanged": 3})
    );
    // Pages of the CSV carry their cursor in a header.
    let response = app
        .get(&t.dwb, "/api/v1/lettings?limit=2")
        .header("Accept", "text/csv")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-next-cursor"], "E-02");
    assert_eq!(response.text().await.unwrap().matches("\r\n").count(), 3);
}

async fn only_a_corporation_lists_and_only_its_own(app: TestApp) {
    let t = app.setup_wassenaar();
    app.post_ok(&t.dwb, &json!([letting_with("D-01", json!({}))]))
        .await;
    for token in [&t.municipality, &t.tenants] {
        for path in ["/api/v1/lettings", "/api/v1/lettings/template.csv"] {
            let (status, body) = get_text(&app, token, path, None).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {body}");
        }
    }
    let theirs = app.get_json(&t.willibrordus, "/api/v1/lettings").await;
    assert_eq!(references(&theirs), Vec::<String>::new());
    let (_, csv) = get_text(&app, &t.willibrordus, "/api/v1/lettings", Some("text/csv")).await;
    assert!(!csv.contains("D-01"), "{csv:?}");
}

async fn unlikely_values_warn_and_never_block(app: TestApp) {
    let t = app.setup_wassenaar();
    let batch = json!([
        letting_with("W-1", json!({})),
        letting_with(
            "W-2",
            json!({"household_income": 2450, "household_size": 13})
        ),
        letting_with("W-3", json!({"rent": 99.5})),
    ]);
    let tried = expect_json(post_dry(&app, &t.dwb, &batch).await, StatusCode::OK).await;
    let stored = app.post_ok(&t.dwb, &batch).await;
    assert_eq!(tried["warnings"], stored["warnings"]);
    assert_eq!(stored["created"], 3);
    assert_eq!(stored["warnings_total"], 3);
    let warnings: Vec<(i64, &str, &str)> = stored["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["index"].as_i64().unwrap(),
                w["reference"].as_str().unwrap(),
                w["field"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        warnings,
        [
            (1, "W-2", "household_size"),
            (1, "W-2", "household_income"),
            (2, "W-3", "rent"),
        ]
    );
    assert!(stored["warnings"][1]["message"]
        .as_str()
        .unwrap()
        .contains("monthly figure"));
    // An ordinary batch has none.
    let plain = app
        .post_ok(&t.dwb, &json!([letting_with("W-4", json!({}))]))
        .await;
    assert!(plain.get("warnings").is_none(), "{plain}");
    // In CSV a warning names its line too.
    let csv = "referentie;gemeente;ingangsdatum;kale_huur;huishoudgrootte;huishoudinkomen\r\n\r\nW-5;GM0629;1-3-2026;700;2;24,50\r\n";
    let body = expect_json(app.post_csv(&t.dwb, csv).await, StatusCode::OK).await;
    assert_eq!(body["warnings"][0]["line"], 3, "{body}");
}
