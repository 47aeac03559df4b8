//! The printed page of a running and of a finished half year, live and frozen.

use super::*;
use crate::report::print::{print_tables, summary_tables};
use crate::report::publication::PublicationBody;
use crate::report::tables::tables;

fn report(read_at: &str) -> Report {
    let agreement = serde_json::json!({"id": "a", "version": 1, "name": "A"});
    serde_json::from_value(serde_json::json!({
        "version": 2, "municipality": "GM0629", "municipality_name": "Wassenaar",
        "half_year": "2026-H2", "from": "2026-07-01", "to": "2026-12-31",
        "year_to_date_from": "2026-01-01", "agreement": agreement,
        "quota_half_year": [], "quota_year_to_date": [], "trend": [],
        "breakdowns": {"rent_class": [], "route": [], "urgency": [], "household_size": [],
            "category": []},
        "status_holders": null, "allocation_plan": null, "alerts": [],
        "completeness": [{"corporation": "dwb", "months": {"2026-07": 9, "2026-08": 0,
            "2026-09": 0, "2026-10": 0, "2026-11": 0, "2026-12": 0}}],
        "footer": {"norms": [], "agreement": agreement, "agreement_source": "s",
            "read_at": read_at}
    }))
    .unwrap()
}

fn page(report: &Report, stamp: Stamp) -> String {
    let mut list = summary_tables(report, None, Lang::Nl);
    list.extend(print_tables(
        report,
        tables(report, None, Lang::Nl),
        Lang::Nl,
    ));
    render(report, &list, None, Lang::Nl, stamp)
}

#[test]
fn a_running_half_year_is_provisional_on_every_page_and_its_future_months_are_not_zero() {
    let running = page(&report("2026-11-16T09:00:00Z"), Stamp::Live);
    assert!(running.contains("@top-center { content: \"Voorlopig: dit halfjaar loopt nog\""));
    assert!(running.contains("Wassenaar · 2026-H2 · VOORLOPIG"));
    assert!(running.contains("Voorlopig: cijfers van 2026-11-16 09:00 UTC"));
    assert!(running.contains(">nog niet</td>"));
    assert!(running.contains("counter(page)"));
}

#[test]
fn a_frozen_report_of_a_finished_half_year_shows_its_publication_and_digest() {
    let r = report("2027-01-05T08:00:00Z");
    let publication = PublicationBody {
        municipality: "GM0629".into(),
        half_year: "2026-H2".into(),
        published_at: "2027-01-10T12:30:00Z".parse().unwrap(),
        published_by: "GM0629".into(),
        sha256: "ab".repeat(32),
        norms_years: vec![2026],
        agreement_id: "a".into(),
        agreement_version: 1,
    };
    let frozen = page(&r, Stamp::Frozen(&publication));
    assert!(frozen.contains("Vastgesteld op 2027-01-10 12:30 UTC"));
    assert!(frozen.contains(&"ab".repeat(32)));
    assert!(!frozen.contains("VOORLOPIG") && !frozen.contains("@top-center"));
    assert!(!frozen.contains(">nog niet</td>"));
    // The same report read live is provisional: its figures may still change.
    let live = page(&r, Stamp::Live);
    assert!(live.contains("VOORLOPIG") && !live.contains("@top-center"));
}
