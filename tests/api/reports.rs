//! The half-year report: the same figures in every format, small cells, publication.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::helpers::{expect_json, letting_with, TestApp, Tokens};

on_both_backends!(
    every_format_gives_the_quota_endpoints_figures,
    small_cells_are_hidden_from_everyone_but_the_municipality,
    a_published_report_stays_byte_identical_and_lists_restatements
);

/// 24 lettings for dwb and 3 for willibrordus in 2026-H1, one in H2.
async fn load(app: &TestApp, t: &Tokens) {
    let mut batch: Vec<Value> = (0..16)
        .map(|i| {
            letting_with(
                &format!("D-{i}"),
                json!({"contract_start": format!("2026-0{}-10", 1 + i % 6)}),
            )
        })
        .collect();
    batch.extend((0..6).map(|i| {
        letting_with(
            &format!("DU-{i}"),
            json!({
                "contract_start": "2026-02-01",
                "urgency": "status_holder",
                "household_size": 3,
                "rent": 700,
            }),
        )
    }));
    batch.extend((0..2).map(|i| {
        letting_with(
            &format!("DH-{i}"),
            json!({"contract_start": "2026-03-01", "rent": 800, "household_income": 60000}),
        )
    }));
    batch.push(letting_with(
        "D-H2",
        json!({"contract_start": "2026-08-01"}),
    ));
    app.post_ok(&t.dwb, &json!(batch)).await;
    let small: Vec<Value> = (0..3)
        .map(|i| letting_with(&format!("W-{i}"), json!({"contract_start": "2026-04-01"})))
        .collect();
    app.post_ok(&t.willibrordus, &json!(small)).await;
}

/// The half year the reports are about.
const H1: &str = "2026-H1";

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap()
}

async fn every_format_gives_the_quota_endpoints_figures(app: TestApp) {
    let t = app.setup_wassenaar();
    load(&app, &t).await;
    let quota = app.quota(&t.municipality, "GM0629", H1).await;
    let scopes = quota["scopes"].as_array().unwrap();

    // JSON: the quota section is the quota endpoint's scopes, figure for figure.
    let json_report = expect_json(app.report(&t.municipality, H1, "").await, StatusCode::OK).await;
    assert_eq!(&json_report["quota_half_year"], &quota["scopes"]);
    // For H1 the year to date is the half year itself; for H2 it is the whole year.
    assert_eq!(
        json_report["quota_year_to_date"],
        json_report["quota_half_year"]
    );
    let h2 = expect_json(
        app.report(&t.municipality, "2026-H2", "").await,
        StatusCode::OK,
    )
    .await;
    let year = app.quota(&t.municipality, "GM0629", "2026").await;
    assert_eq!(h2["quota_year_to_date"], year["scopes"]);
    assert_eq!(h2["quota_half_year"][0]["lettings"], 1);
    assert_eq!(json_report["half_year"], H1);
    assert_eq!(json_report["trend"].as_array().unwrap().len(), 6 * 3 * 5);
    assert_eq!(json_report["footer"]["norms"][0]["year"], 2026);
    let completeness = json_report["completeness"].as_array().unwrap();
    assert_eq!(
        completeness
            .iter()
            .map(|c| c["corporation"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["dwb", "willibrordus"]
    );
    assert_eq!(completeness[1]["months"]["2026-04"], 3);
    assert_eq!(completeness[1]["months"]["2026-01"], 0);

    // CSV (English: commas, decimal points): the first table holds the same figures.
    let csv = app.report(&t.municipality, H1, "?format=csv&lang=en").await;
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(csv.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let text = csv.text().await.unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(&rows[1][0], "Scope");
    let label = |m: &str| match m {
        "urgent_share" => "Urgent share",
        "rent_cap_share" => "Rent-cap share",
        "income_exemption_share" => "Income exemption share",
        "local_priority_share" => "Local priority share",
        _ => "Passend toewijzen",
    };
    for scope in scopes {
        // The tables name a corporation as people know it (layout 2), not by its id.
        let name = scope["corporation"]
            .as_str()
            .map(|id| json_report["corporation_names"][id].as_str().unwrap_or(id))
            .unwrap_or("Municipality total");
        for m in scope["metrics"].as_array().unwrap() {
            let row = rows
                .iter()
                .take(2 + scopes.len() * 5)
                .find(|r| &r[0] == name && &r[1] == label(m["metric"].as_str().unwrap()))
                .unwrap();
            assert_eq!(row[2].parse::<u64>().unwrap(), m["count"].as_u64().unwrap());
            assert_eq!(
                row[3].parse::<u64>().unwrap(),
                m["denominator"].as_u64().unwrap()
            );
            if let Some(share) = m["share"].as_f64() {
                assert_eq!(row[4].parse::<f64>().unwrap(), share);
            }
        }
    }
    // Dutch CSV: semicolons and a decimal comma.
    let nl = app.report_text(&t.municipality, H1, "?format=csv").await;
    assert!(
        nl.contains("Gemeente totaal;Aandeel urgenten;"),
        "{}",
        &nl[..300]
    );

    // XLSX: a real workbook, one sheet per section, the same figures.
    let xlsx = app.report(&t.municipality, H1, "?format=xlsx").await;
    assert_eq!(
        xlsx.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let bytes = xlsx.bytes().await.unwrap();
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).unwrap();
    let names = workbook.sheet_names();
    for sheet in [
        "Quota halfjaar",
        "Quota jaar",
        "Verloop",
        "Huurklasse",
        "Statushouders",
        "Verdeelplan",
        "Signalen",
        "Volledigheid",
        "Verantwoording",
    ] {
        assert!(
            names.iter().any(|n| n == sheet),
            "no sheet {sheet} in {names:?}"
        );
    }
    let range = workbook.worksheet_range("Quota halfjaar").unwrap();
    let total_urgent = range
        .rows()
        .find(|r| {
            r[0] == Data::String("Gemeente totaal".into())
                && r[1] == Data::String("Aandeel urgenten".into())
        })
        .unwrap();
    let urgent = &scopes[0]["metrics"][0];
    assert_eq!(total_urgent[2], Data::Float(f(&urgent["count"])));
    assert_eq!(total_urgent[3], Data::Float(f(&urgent["denominator"])));
    match &total_urgent[4] {
        Data::Float(share) => assert!((share - f(&urgent["share"])).abs() < 1e-9),
        other => panic!("share cell is {other:?}"),
    }

    // HTML: one page, no outside resources, the same figures, a chart per share.
    let html = app.report_text(&t.municipality, H1, "?format=html").await;
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(
        !html.contains("<script")
            && !html.contains("src=\"http")
            && !html.contains("href=\"http")
            && !html.contains("@import")
    );
    assert_eq!(html.matches("<svg").count(), 5);
    let percent = format!("{:.1}%", f(&urgent["share"]) * 100.0).replace('.', ",");
    assert!(html.contains(&percent), "{percent} not in the HTML");
    let english = app
        .report_text(&t.municipality, H1, "?format=html&lang=en")
        .await;
    assert!(english.contains("Half-year allocation report") && english.contains("lang=\"en\""));
}

async fn small_cells_are_hidden_from_everyone_but_the_municipality(app: TestApp) {
    let t = app.setup_wassenaar();
    load(&app, &t).await;
    let own = expect_json(app.report(&t.municipality, H1, "").await, StatusCode::OK).await;
    let willibrordus = |r: &Value| {
        r["quota_half_year"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["corporation"] == "willibrordus")
            .unwrap()
            .clone()
    };
    assert_eq!(willibrordus(&own)["lettings"], 3);
    for token in [&t.tenants, &t.dwb] {
        let shared = expect_json(app.report(token, H1, "").await, StatusCode::OK).await;
        let w = willibrordus(&shared);
        assert_eq!(w["lettings"], "<5");
        assert_eq!(w["metrics"][0]["denominator"], "<5");
        assert_eq!(w["metrics"][0]["share"], Value::Null);
        let d = shared["quota_half_year"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["corporation"] == "dwb")
            .unwrap()
            .clone();
        let total = &shared["quota_half_year"][0];
        if token == &t.dwb {
            // dwb sees its own figures exactly, its 2 high incomes too.
            assert_eq!(d["lettings"], 24);
            assert_eq!(d["metrics"][2]["count"], 2);
        } else {
            // dwb's 24 lettings are not small, but with the total they would give
            // willibrordus's 3 away: one of them is `x`. dwb's 2 high incomes are small.
            assert!(
                d["lettings"] == "x" || total["lettings"] == "x",
                "{d} {total}"
            );
            assert_eq!(d["metrics"][2]["count"], "<5");
        }
        let csv = app.report_text(token, H1, "?format=csv").await;
        assert!(
            csv.contains("St. Willibrordus;<5;"),
            "CSV hides small cells"
        );
        let html = app.report_text(token, H1, "?format=html").await;
        assert!(html.contains("&lt;5"));
    }
    let forbidden = app.report(&t.amsterdam, H1, "").await;
    assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);
    let bad = app.report(&t.municipality, "2026-Q1", "").await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let bad_format = app.report(&t.municipality, H1, "?format=docx").await;
    assert_eq!(bad_format.status(), StatusCode::BAD_REQUEST);
}

async fn a_published_report_stays_byte_identical_and_lists_restatements(app: TestApp) {
    let t = app.setup_wassenaar();
    load(&app, &t).await;
    assert_eq!(
        app.publish_report(&t.tenants, H1).await.status(),
        StatusCode::FORBIDDEN
    );
    let publication = expect_json(
        app.publish_report(&t.municipality, H1).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(publication["norms_years"], json!([2026]));
    assert_eq!(publication["agreement_id"], "GM0629-2026-2029");
    let frozen = app.report(&t.municipality, H1, "").await;
    assert_eq!(
        frozen.headers()["x-report-sha256"],
        publication["sha256"].as_str().unwrap()
    );
    let frozen_bytes = frozen.bytes().await.unwrap().to_vec();
    assert_eq!(
        hex::encode(Sha256::digest(&frozen_bytes)),
        publication["sha256"].as_str().unwrap()
    );
    let frozen_html = app.report_bytes(&t.municipality, H1, "?format=html").await;
    let frozen_xlsx = app.report_bytes(&t.municipality, H1, "?format=xlsx").await;
    let frozen_pdf = app.report_bytes(&t.municipality, H1, "?format=pdf").await;
    assert!(frozen_pdf.starts_with(b"%PDF-"));

    // A correction: one of dwb's lettings (2 persons) is above the high rent cap after all,
    // and so above the low cap that passend toewijzen applies to a 2-person household.
    let corrected = letting_with("D-0", json!({"contract_start": "2026-01-10", "rent": 780}));
    let posted = app.post_json(&t.dwb, &json!([corrected])).await;
    assert_eq!(expect_json(posted, StatusCode::OK).await["updated"], 1);

    assert_eq!(
        app.report_bytes(&t.municipality, H1, "").await,
        frozen_bytes
    );
    assert_eq!(
        app.report_bytes(&t.municipality, H1, "?format=html").await,
        frozen_html
    );
    assert_eq!(
        app.report_bytes(&t.municipality, H1, "?format=xlsx").await,
        frozen_xlsx
    );
    assert_eq!(
        app.report_bytes(&t.municipality, H1, "?format=pdf").await,
        frozen_pdf,
        "the published PDF is the same file on every read"
    );
    assert_eq!(
        app.publish_report(&t.municipality, H1).await.status(),
        StatusCode::CONFLICT
    );

    let current = expect_json(
        app.report(&t.municipality, H1, "?current=true").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(current["publication"]["sha256"], publication["sha256"]);
    let mut restated: Vec<(String, Value, String, String)> = current["restatements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["section"].as_str().unwrap().to_string(),
                r["corporation"].clone(),
                r["metric"].as_str().unwrap().to_string(),
                r["field"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    restated.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
    let mut expected = Vec::new();
    for section in ["half_year", "year_to_date"] {
        for corporation in [Value::Null, json!("dwb")] {
            for (metric, field) in [
                ("rent_cap_share", "count"),
                ("rent_cap_share", "share"),
                ("passend_share", "count"),
                ("passend_share", "share"),
                ("passend_share", "state"),
            ] {
                expected.push((
                    section.to_string(),
                    corporation.clone(),
                    metric.to_string(),
                    field.to_string(),
                ));
            }
        }
    }
    expected.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
    assert_eq!(restated, expected);
    let one = current["restatements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| {
            r["section"] == "half_year"
                && r["corporation"].is_null()
                && r["metric"] == "rent_cap_share"
                && r["field"] == "count"
        })
        .unwrap();
    assert_eq!(f(&one["new"]), f(&one["old"]) - 1.0);
}
