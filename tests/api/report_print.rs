//! The printed half-year report (HTML and PDF, layout 2): a first page that says in words what
//! the JSON says in figures, for the municipality and for a tenant association, beside the same
//! half year a year earlier; a copy that says whether it is live or frozen; money in cents.

use reqwest::StatusCode;
use rust_decimal::Decimal;
use serde_json::{json, Value};

use crate::helpers::{expect_json, letting_with, TestApp};
use crate::report_pdf::read_pdf;

on_both_backends!(
    the_first_page_says_in_words_what_the_json_says_in_figures,
    a_printed_copy_says_whether_it_is_live_or_frozen
);

const H1: &str = "2026-H1";
const METRICS: [&str; 5] = [
    "urgent_share",
    "rent_cap_share",
    "income_exemption_share",
    "passend_share",
    "local_priority_share",
];

/// A share as the English print shows it: `28.8%`, or `–` when withheld.
fn percent(share: &Value) -> String {
    match share {
        Value::Null => "–".into(),
        v => {
            let d: Decimal = v.to_string().parse().expect("a decimal share");
            format!("{:.1}%", (d * Decimal::ONE_HUNDRED).round_dp(1))
        }
    }
}

fn verdict(state: &Value) -> &'static str {
    match state.as_str().unwrap_or_default() {
        "ok" => "met",
        "warning" => "close to the limit",
        "breach" => "not met",
        "insufficient_data" => "too few lettings to judge",
        _ => "no limit",
    }
}

fn metric<'a>(scope: &'a Value, name: &str) -> Option<&'a Value> {
    scope["metrics"]
        .as_array()?
        .iter()
        .find(|m| m["metric"] == name)
}

async fn the_first_page_says_in_words_what_the_json_says_in_figures(app: TestApp) {
    let t = app.setup_wassenaar();
    // The same half year a year earlier: eight of dwb's lettings.
    let last_year: Vec<Value> = (0..8)
        .map(|i| letting_with(&format!("L-{i}"), json!({"contract_start": "2025-03-10"})))
        .collect();
    let posted = app.post_json(&t.dwb, &json!(last_year)).await;
    assert_eq!(posted.status(), StatusCode::OK);
    crate::small_numbers_answers::load(&app, &t).await;

    for (reader, token) in [("municipality", &t.municipality), ("tenants", &t.tenants)] {
        let report = expect_json(app.report(token, H1, "").await, StatusCode::OK).await;
        let previous = report["previous_half_year"].as_array().cloned();
        assert!(
            previous.as_ref().is_some_and(|p| !p.is_empty()),
            "{reader}: last year's H1 in the model"
        );
        let pdf = read_pdf(&app.report_bytes(token, H1, "?format=pdf&lang=en").await);
        let (title, rows) = &pdf.tables[0];
        assert_eq!(title, "The agreements in 2026-H1");
        let mut k = 0;
        for scope in report["quota_half_year"].as_array().unwrap() {
            let before = previous
                .iter()
                .flatten()
                .find(|p| p["corporation"] == scope["corporation"]);
            for name in METRICS {
                let Some(m) = metric(scope, name) else {
                    continue;
                };
                let row = &rows[k];
                let what = format!("{reader} {} {name}: {row:?}", scope["corporation"]);
                assert_eq!(row[3], percent(&m["share"]), "{what}");
                assert_eq!(row[4], verdict(&m["state"]), "{what}");
                match before.and_then(|b| metric(b, name)) {
                    Some(b) => {
                        assert_eq!(row[5], percent(&b["share"]), "{what}");
                        assert_eq!(row[6], verdict(&b["state"]), "{what}");
                    }
                    None => assert_eq!((row[5].as_str(), row[6].as_str()), ("–", "no figures")),
                }
                k += 1;
            }
        }
        assert_eq!(k, rows.len(), "{reader}: one row per scope and figure");

        // Last year's figures pass through the same rule: no count of 1 to 4 for the tenants.
        if reader == "tenants" {
            for scope in previous.iter().flatten() {
                let mut counts = vec![&scope["lettings"], &scope["excluded"], &scope["non_social"]];
                for m in scope["metrics"].as_array().unwrap() {
                    counts.push(&m["count"]);
                    counts.push(&m["denominator"]);
                }
                for c in counts {
                    assert!(
                        !c.as_u64().is_some_and(|n| (1..5).contains(&n)),
                        "a small count of last year: {scope}"
                    );
                }
            }
        }

        // The HTML says the same in Dutch, with colour and word, and explains itself.
        let html = app.report_text(token, H1, "?format=html").await;
        for part in [
            "<h2>Samenvatting</h2>",
            "De afspraken in 2026-H1",
            "Bespreekpunten",
            "<h2>Begrippen</h2>",
            "class=\"explain\"",
            "class=\"v v-",
        ] {
            assert!(html.contains(part), "{reader}: {part}");
        }
        // Money always in cents.
        for amount in html.split("€ ").skip(1) {
            let figure: String = amount
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ',')
                .collect();
            let cents = figure.rsplit_once(',').map(|(_, c)| c.len());
            assert_eq!(cents, Some(2), "€ {figure}");
        }
    }
}

async fn a_printed_copy_says_whether_it_is_live_or_frozen(app: TestApp) {
    let t = app.setup_wassenaar();
    crate::small_numbers_answers::load(&app, &t).await;
    let live = app.report_text(&t.municipality, H1, "?format=html").await;
    assert!(live.contains("Voorlopig: cijfers van"));
    assert!(!live.contains("Vastgesteld op"));

    let publication = expect_json(
        app.publish_report(&t.municipality, H1).await,
        StatusCode::CREATED,
    )
    .await;
    let sha = publication["sha256"].as_str().unwrap();
    let frozen = app.report_text(&t.municipality, H1, "?format=html").await;
    assert!(frozen.contains("Vastgesteld op"), "the publication's time");
    assert!(frozen.contains(sha), "the digest");
    assert!(!frozen.contains("Voorlopig: cijfers van"));
    let pdf = app.report_bytes(&t.municipality, H1, "?format=pdf").await;
    assert_eq!(
        app.report_bytes(&t.municipality, H1, "?format=pdf").await,
        pdf,
        "the same file on every read"
    );
    let text = read_pdf(&pdf).text.join("\n");
    assert!(text.contains(sha), "{text}");
    assert!(text.contains("Vastgesteld op"), "{text}");

    // The live figures of a published report: stamped live, with the restatements.
    let current = app
        .report_text(&t.municipality, H1, "?format=html&current=true")
        .await;
    assert!(current.contains("Voorlopig: cijfers van"));
    assert!(current.contains("<h2>Herzieningen sinds vaststelling</h2>"));
}
