//! The first page for both readers.

use super::*;
use crate::report::cells::BreakdownsShown;

fn report() -> Report {
    let scope = serde_json::json!({"scope": "total", "corporation": null, "lettings": 40,
        "excluded": 0, "non_social": 0, "metrics": [{"metric": "urgent_share", "count": 3,
        "denominator": 40, "share": 0.075, "limit": 0.3, "bound": "max", "state": "breach"}]});
    let agreement = serde_json::json!({"id": "a", "version": 1, "name": "A"});
    serde_json::from_value(serde_json::json!({
        "version": 2, "municipality": "GM0629", "municipality_name": "Wassenaar",
        "half_year": "2026-H2", "from": "2026-07-01", "to": "2026-12-31",
        "year_to_date_from": "2026-01-01", "agreement": agreement,
        "quota_half_year": [scope], "quota_year_to_date": [scope], "trend": [],
        "breakdowns": {"rent_class": [], "route": [], "urgency": [], "household_size": [],
            "category": []},
        "status_holders": {"half_year": "2026-H2", "target": 20, "target_set": true,
            "carry_over": 2, "corrected_target": 22, "housed_from_lettings": 3,
            "housed_by_hand": 6, "housed": 9, "balance": -13,
            "pace": {"months_completed": 4, "expected": 14.67, "state": "behind"}},
        "allocation_plan": null, "alerts": [], "completeness": [],
        "footer": {"norms": [], "agreement": agreement, "agreement_source": "s",
            "read_at": "2026-11-16T09:00:00Z"}
    }))
    .unwrap()
}

fn hiding(status_holders: HalfYearShown) -> Disclosure {
    let hidden = crate::report::cells::ScopeShown {
        lettings: Shown::Exact,
        excluded: Shown::Exact,
        non_social: Shown::Exact,
        metrics: vec![MetricShown {
            count: Shown::Small,
            denominator: Shown::Exact,
        }],
    };
    Disclosure {
        quota_half_year: vec![hidden.clone()],
        quota_year_to_date: vec![hidden],
        previous_half_year: Vec::new(),
        trend: Vec::new(),
        breakdowns: BreakdownsShown {
            rent_class: Vec::new(),
            route: Vec::new(),
            urgency: Vec::new(),
            household_size: Vec::new(),
            category: Vec::new(),
        },
        status_holders,
        plan: Vec::new(),
        alerts: Vec::new(),
        completeness: Vec::new(),
    }
}

#[test]
fn the_municipality_reads_every_figure_on_the_first_page() {
    let r = report();
    assert_eq!(
        status_holder_line(&r, None, Lang::Nl),
        "taakstelling 22 personen, gehuisvest 9; tempo: achter op schema"
    );
    let points = points(&r, None, Lang::Nl);
    assert_eq!(
        points[0],
        "Gemeente totaal: urgent woningzoekenden 7,5% (max. 30,0%), niet gehaald."
    );
    assert!(points
        .iter()
        .any(|p| p == "Statushouders: achter op schema."));
}

#[test]
fn a_hidden_count_leaves_no_figure_on_the_first_page_that_gives_it_away() {
    let r = report();
    // 3 persons housed through lettings: `<5`; the total, the carry-over and so the pace
    // would give them away.
    let d = hiding(HalfYearShown::withheld(3));
    let line = status_holder_line(&r, Some(&d), Lang::Nl);
    assert_eq!(
        line,
        "taakstelling 20 personen plus wat is doorgeschoven, gehuisvest <5 via verhuringen + 6 op andere wijze"
    );
    let points = points(&r, Some(&d), Lang::Nl);
    // The urgent count is `<5`: the point names the verdict, not the share.
    assert_eq!(
        points[0],
        "Gemeente totaal: urgent woningzoekenden (max. 30,0%), niet gehaald."
    );
    assert!(!points.iter().any(|p| p.contains("Statushouders")));
    let table = verdict_table(&r, Some(&d), Lang::Nl);
    assert_eq!(table.rows[0][3], Cell::Share(None));
    assert_eq!(table.rows[0][4], Cell::Text("niet gehaald".into()));
}
