//! The pure parts of ingest, per batch of 1000 records: parsing JSON and CSV, validating and
//! classifying. `cargo bench --bench domain`; divan prints the time per batch (divide by 1000
//! for a record).

use std::collections::BTreeSet;

use chrono::NaiveDate;
use quotamonitor::config::ReferenceData;
use quotamonitor::domain::letting::{classify, LettingInput, Route};
use quotamonitor::service::ingest::{self, BatchContext};

const RECORDS: usize = 1000;

fn main() {
    divan::main();
}

fn json_batch() -> String {
    let records: Vec<String> = (0..RECORDS)
        .map(|i| {
            format!(
                r#"{{"reference":"B-{i:06}","municipality":"GM0629","contract_start":"2026-{:02}-{:02}","rent":{}.{:02},"household_size":{},"household_income":{},"urgency":{}}}"#,
                1 + i % 11,
                1 + i % 28,
                450 + (i * 37) % 520,
                (i * 13) % 100,
                1 + i % 5,
                14_000 + (i * 7919) % 50_000,
                if i % 4 == 0 { "\"medical\"" } else { "null" }
            )
        })
        .collect();
    format!("[{}]", records.join(","))
}

fn csv_batch() -> String {
    let mut out = String::from(
        "reference;municipality;contract_start;rent;household_size;household_income;urgency\n",
    );
    for i in 0..RECORDS {
        out.push_str(&format!(
            "B-{i:06};GM0629;2026-{:02}-{:02};{},{:02};{};{};{}\n",
            1 + i % 11,
            1 + i % 28,
            450 + (i * 37) % 520,
            (i * 13) % 100,
            1 + i % 5,
            14_000 + (i * 7919) % 50_000,
            if i % 4 == 0 { "medical" } else { "" }
        ));
    }
    out
}

#[divan::bench]
fn parse_json_1000(bencher: divan::Bencher) {
    let body = json_batch();
    bencher.bench(|| {
        ingest::parse_json(divan::black_box(body.as_bytes()))
            .map(|r| r.len())
            .unwrap_or(0)
    });
}

#[divan::bench]
fn parse_csv_1000(bencher: divan::Bencher) {
    let body = csv_batch();
    bencher.bench(|| {
        ingest::parse_csv(divan::black_box(body.as_bytes()))
            .map(|(r, _)| r.len())
            .unwrap_or(0)
    });
}

#[divan::bench]
fn validate_and_classify_1000(bencher: divan::Bencher) {
    let reference = ReferenceData::built_in().unwrap();
    let records = ingest::parse_json(json_batch().as_bytes()).unwrap_or_default();
    let registered: BTreeSet<String> = ["GM0629".to_string()].into();
    let ctx = BatchContext {
        reference: &reference,
        registered_municipalities: &registered,
        today: NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
        decimal_comma: false,
    };
    bencher.bench(|| {
        ingest::validate_batch(divan::black_box(&records), &ctx)
            .map(|p| p.len())
            .unwrap_or(0)
    });
}

#[divan::bench]
fn classify_one(bencher: divan::Bencher) {
    let reference = ReferenceData::built_in().unwrap();
    let letting = LettingInput {
        reference: "B-1".into(),
        municipality: "GM0629".into(),
        contract_start: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
        rent: "713.02".parse().unwrap(),
        household_size: 2,
        household_income: "31000".parse().unwrap(),
        pension_age: false,
        route: Route::Regular,
        urgency: None,
        excluded_reason: None,
        passend_exception: false,
        allocation_date: NaiveDate::from_ymd_opt(2026, 2, 10).unwrap(),
        status_holder: false,
    };
    let norms = reference.norms.applicable(2026).unwrap();
    bencher.bench(|| classify(divan::black_box(&letting), norms));
}
