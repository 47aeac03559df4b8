//! Two tables that (from report layout 2) that let a reader check the report against itself:
//!
//! - **Verhuringen**: the lettings of the half year, counted in every quota, left out by an
//!   exclusion reason, above the huurgrens DAEB (in no quota), and their total; the breakdowns
//!   count all of them, the category table the social ones, the quotas and the plan the
//!   counted ones. Withdrawn lettings count nowhere.
//! - **Signalen in dit halfjaar**: every figure that was in warning or breach over the half
//!   year or the year to date at its end, whenever its alert was recorded (alerts are dated
//!   when the data arrived, which may be months later).

use super::cells::{Disclosure, ScopeShown};
use super::grid::{scope_name, Cell, Table};
use super::labels::{label, state_text, Lang};
use super::model::{Report, ReportScope};
use crate::domain::disclosure::Shown;

fn name(report: &Report, scope: &ReportScope, lang: Lang) -> String {
    scope_name(report, &scope.corporation, lang)
}

fn shown_count(value: u64, shown: Shown) -> Cell {
    match shown {
        Shown::Exact => Cell::Count(Some(value)),
        Shown::Small => Cell::Count(None),
        Shown::Hidden => Cell::Hidden,
    }
}

/// The lettings of the half year per scope: counted, excluded, non-social, and from layout 2
/// their total, which every breakdown table adds up to.
pub fn lettings_table(report: &Report, disclosure: Option<&Disclosure>, lang: Lang) -> Table {
    let l = |k| label(k, lang).to_string();
    let exact = ScopeShown {
        lettings: Shown::Exact,
        excluded: Shown::Exact,
        non_social: Shown::Exact,
        metrics: Vec::new(),
    };
    let hidden = HIDDEN;
    let with_total = report.version >= 2;
    let rows = report
        .quota_half_year
        .iter()
        .enumerate()
        .map(|(i, scope)| {
            let shown = match disclosure {
                None => &exact,
                Some(d) => d.quota_half_year.get(i).unwrap_or(&hidden),
            };
            let mut row = vec![
                Cell::Text(name(report, scope, lang)),
                shown_count(scope.lettings, shown.lettings),
                shown_count(scope.excluded, shown.excluded),
                shown_count(scope.non_social, shown.non_social),
            ];
            if with_total {
                // The sum is shown only where every part is: otherwise it would give one away.
                let parts_exact = [shown.lettings, shown.excluded, shown.non_social]
                    .iter()
                    .all(|s| *s == Shown::Exact);
                row.push(if parts_exact {
                    Cell::Count(Some(scope.lettings + scope.excluded + scope.non_social))
                } else {
                    Cell::Hidden
                });
            }
            row
        })
        .collect();
    let mut headers = vec![l("scope"), l("lettings"), l("excluded"), l("non_social")];
    if with_total {
        headers.push(l("posted"));
    }
    Table {
        name: "Verhuringen".into(),
        title: format!("{} — {}", l("section_quota"), l("lettings")),
        headers,
        rows,
        empty_note: None,
    }
}

const HIDDEN: ScopeShown = ScopeShown {
    lettings: Shown::Hidden,
    excluded: Shown::Hidden,
    non_social: Shown::Hidden,
    metrics: Vec::new(),
};

/// From layout 2: every figure in warning or breach over the half year or the year to date.
pub fn signals_table(report: &Report, lang: Lang) -> Option<Table> {
    if report.version < 2 {
        return None;
    }
    let l = |k| label(k, lang).to_string();
    let mut rows = Vec::new();
    for (half, ytd) in report
        .quota_half_year
        .iter()
        .zip(&report.quota_year_to_date)
    {
        for (h, y) in half.metrics.iter().zip(&ytd.metrics) {
            let signal = |s: &str| s == "warning" || s == "breach";
            if signal(&h.state) || signal(&y.state) {
                rows.push(vec![
                    Cell::Text(name(report, half, lang)),
                    Cell::Text(label(&h.metric, lang).to_string()),
                    Cell::Text(state_text(report.version, &h.metric, &h.state, lang)),
                    Cell::Text(state_text(report.version, &y.metric, &y.state, lang)),
                ]);
            }
        }
    }
    Some(Table {
        name: "Signalen halfjaar".into(),
        title: l("section_signals_half"),
        headers: vec![
            l("scope"),
            l("metric"),
            l("section_quota_half"),
            l("section_quota_ytd"),
        ],
        rows,
        empty_note: Some(l("no_signals_half")),
    })
}
