//! The report as titled tables of typed cells: the one layout that CSV, XLSX and HTML share.

use super::cells::{AlertShown, Disclosure, MetricShown, ScopeShown};
use super::labels::{label, label_v, state_text, Lang};
use super::model::{Report, ReportScope};
use crate::domain::disclosure::Shown;
use crate::service::small_numbers::HalfYearShown;

pub use super::grid::{scope_name, Cell, Table};

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

const HIDDEN_METRIC: MetricShown = MetricShown {
    count: Shown::Hidden,
    denominator: Shown::Hidden,
};

/// A count as shown: the number, `<5` or `x`.
fn count(value: u64, shown: Shown) -> Cell {
    match shown {
        Shown::Exact => Cell::Count(Some(value)),
        Shown::Small => Cell::Count(None),
        Shown::Hidden => Cell::Hidden,
    }
}

/// A denominator as shown: the number, `<5`, or withheld where it would give a hidden count
/// away (as the JSON's null).
fn denominator(value: u64, shown: Shown) -> Cell {
    match shown {
        Shown::Hidden => Cell::Withheld,
        other => count(value, other),
    }
}

/// A whole number that is a count of persons or lettings, as shown.
fn int(value: i64, shown: Shown) -> Cell {
    match shown {
        Shown::Exact => Cell::Int(value),
        Shown::Small => Cell::Count(None),
        Shown::Hidden => Cell::Hidden,
    }
}

/// A figure derived from counts: shown, or withheld.
fn derived(cell: Cell, shown: bool) -> Cell {
    if shown {
        cell
    } else {
        Cell::Withheld
    }
}

/// How the `i`th entry of a list is shown: exactly without a disclosure (the municipality),
/// hidden where the disclosure has no entry for it.
fn at<T: Copy>(list: Option<&[T]>, i: usize, exact: T, missing: T) -> T {
    match list {
        None => exact,
        Some(list) => list.get(i).copied().unwrap_or(missing),
    }
}

fn quota_table(
    name: &str,
    title: String,
    scopes: &[ReportScope],
    shown: Option<&[ScopeShown]>,
    report: &Report,
    lang: Lang,
) -> Table {
    let version = report.version;
    let l = |k| label(k, lang).to_string();
    let mut rows = Vec::new();
    for (i, scope) in scopes.iter().enumerate() {
        for (j, m) in scope.metrics.iter().enumerate() {
            let ms = match shown {
                None => MetricShown::EXACT,
                Some(list) => list
                    .get(i)
                    .and_then(|s| s.metrics.get(j))
                    .copied()
                    .unwrap_or(HIDDEN_METRIC),
            };
            rows.push(vec![
                text(scope_name(report, &scope.corporation, lang)),
                text(label(&m.metric, lang)),
                count(m.count, ms.count),
                denominator(m.denominator, ms.denominator),
                Cell::Share(m.share.filter(|_| ms.share())),
                Cell::Share(m.limit),
                text(label_v(version, &m.bound, lang)),
                text(state_text(version, &m.metric, &m.state, lang)),
            ]);
        }
    }
    Table {
        name: name.into(),
        title,
        headers: vec![
            l("scope"),
            l("metric"),
            l("count"),
            label_v(version, "denominator", lang),
            l("share"),
            l("limit"),
            label_v(version, "bound", lang),
            l("state"),
        ],
        rows,
        empty_note: None,
    }
}

/// Every table of the report, in order, as `disclosure` shows it (`None`: every figure).
pub fn tables(report: &Report, disclosure: Option<&Disclosure>, lang: Lang) -> Vec<Table> {
    let l = |k| label(k, lang).to_string();
    let d = disclosure;
    let mut out = Vec::new();
    let period = format!("{} ({} – {})", report.half_year, report.from, report.to);
    out.push(quota_table(
        "Quota halfjaar",
        format!(
            "{} — {} {}",
            l("section_quota"),
            l("section_quota_half"),
            period
        ),
        &report.quota_half_year,
        d.map(|d| d.quota_half_year.as_slice()),
        report,
        lang,
    ));
    out.push(quota_table(
        "Quota jaar",
        format!(
            "{} — {} ({} – {})",
            l("section_quota"),
            l("section_quota_ytd"),
            report.year_to_date_from,
            report.to
        ),
        &report.quota_year_to_date,
        d.map(|d| d.quota_year_to_date.as_slice()),
        report,
        lang,
    ));
    out.push(super::reconcile::lettings_table(report, d, lang));
    out.push(Table {
        name: "Verloop".into(),
        title: l("section_trend"),
        headers: vec![
            l("month"),
            l("scope"),
            l("metric"),
            l("count"),
            label_v(report.version, "denominator", lang),
            l("share"),
            l("limit"),
            l("state"),
        ],
        rows: report
            .trend
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let ms = at(
                    d.map(|d| d.trend.as_slice()),
                    i,
                    MetricShown::EXACT,
                    HIDDEN_METRIC,
                );
                vec![
                    text(&p.month),
                    text(scope_name(report, &p.corporation, lang)),
                    text(label(&p.metric.metric, lang)),
                    count(p.metric.count, ms.count),
                    denominator(p.metric.denominator, ms.denominator),
                    Cell::Share(p.metric.share.filter(|_| ms.share())),
                    Cell::Share(p.metric.limit),
                    text(state_text(
                        report.version,
                        &p.metric.metric,
                        &p.metric.state,
                        lang,
                    )),
                ]
            })
            .collect(),
        empty_note: None,
    });
    let b = d.map(|d| &d.breakdowns);
    for (name, key, rows, shown) in [
        (
            "Huurklasse",
            "rent_class",
            &report.breakdowns.rent_class,
            b.map(|b| b.rent_class.as_slice()),
        ),
        (
            "Route",
            "route",
            &report.breakdowns.route,
            b.map(|b| b.route.as_slice()),
        ),
        (
            "Urgentie",
            "urgency",
            &report.breakdowns.urgency,
            b.map(|b| b.urgency.as_slice()),
        ),
        (
            "Huishoudgrootte",
            "household_size",
            &report.breakdowns.household_size,
            b.map(|b| b.household_size.as_slice()),
        ),
        (
            "Categorie",
            "category",
            &report.breakdowns.category,
            b.map(|b| b.category.as_slice()),
        ),
    ] {
        out.push(Table {
            name: name.into(),
            title: format!("{} — {}", l("section_breakdowns"), l(key)),
            headers: vec![l(key), l("lettings")],
            rows: rows
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    vec![
                        text(label(&r.key, lang)),
                        count(r.lettings, at(shown, i, Shown::Exact, Shown::Hidden)),
                    ]
                })
                .collect(),
            empty_note: None,
        });
    }
    out.push(Table {
        name: "Statushouders".into(),
        title: l("section_status_holders"),
        headers: vec![
            l("period"),
            l("target"),
            l("carry_over"),
            l("corrected_target"),
            l("housed_from_lettings"),
            l("housed_by_hand"),
            l("housed"),
            l("balance"),
        ],
        rows: report
            .status_holders
            .iter()
            .map(|h| {
                let s = d.map_or(HalfYearShown::EXACT, |d| d.status_holders);
                vec![
                    text(&h.half_year),
                    Cell::Int(h.target),
                    derived(Cell::Int(h.carry_over), s.carry_over),
                    derived(Cell::Int(h.corrected_target), s.carry_over),
                    int(h.housed_from_lettings, s.housed),
                    Cell::Int(h.housed_by_hand),
                    derived(Cell::Int(h.housed), s.housed == Shown::Exact),
                    derived(Cell::Int(h.balance), s.balance),
                ]
            })
            .collect(),
        empty_note: Some(l("no_task")),
    });
    out.push(Table {
        name: "Verdeelplan".into(),
        title: match &report.allocation_plan {
            Some(p) => format!(
                "{} ({} {}, {} {})",
                l("section_plan"),
                l("version"),
                p.version,
                l("expected_available"),
                p.expected_available
            ),
            None => l("section_plan"),
        },
        headers: vec![
            l("category"),
            l("planned"),
            l("expected_to_date"),
            l("realised"),
            l("difference"),
        ],
        rows: report
            .allocation_plan
            .iter()
            .flat_map(|p| p.lines.iter())
            .enumerate()
            .map(|(i, line)| {
                let shown = at(d.map(|d| d.plan.as_slice()), i, Shown::Exact, Shown::Hidden);
                vec![
                    text(label(&line.category, lang)),
                    Cell::Int(line.planned),
                    Cell::Number(line.expected_to_date),
                    count(u64::try_from(line.realised).unwrap_or(0), shown),
                    derived(Cell::Number(line.difference), shown == Shown::Exact),
                ]
            })
            .collect(),
        empty_note: Some(l("no_plan")),
    });
    out.extend(super::reconcile::signals_table(report, lang));
    out.push(Table {
        name: "Signalen".into(),
        title: l("section_alerts"),
        headers: vec![
            l("at"),
            l("scope"),
            l("metric"),
            l("year"),
            l("change"),
            l("level"),
            l("state"),
            l("count"),
            label_v(report.version, "denominator", lang),
            l("share"),
            l("limit"),
        ],
        rows: report
            .alerts
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let hidden = AlertShown {
                    count: Shown::Hidden,
                    figures: false,
                };
                let exact = AlertShown {
                    count: Shown::Exact,
                    figures: true,
                };
                let s = at(d.map(|d| d.alerts.as_slice()), i, exact, hidden);
                vec![
                    text(a.at.format("%Y-%m-%d %H:%M").to_string()),
                    text(scope_name(report, &a.corporation, lang)),
                    text(label(&a.metric, lang)),
                    Cell::Int(i64::from(a.year)),
                    text(label(&a.change, lang)),
                    text(label(&a.level, lang)),
                    text(state_text(report.version, &a.metric, &a.metric_state, lang)),
                    count(a.count, s.count),
                    derived(Cell::Count(Some(a.denominator)), s.figures),
                    Cell::Share(a.share.filter(|_| s.figures)),
                    Cell::Share(a.limit),
                ]
            })
            .collect(),
        empty_note: Some(l("no_alerts")),
    });
    let months: Vec<String> = report
        .completeness
        .first()
        .map(|c| c.months.keys().cloned().collect())
        .unwrap_or_default();
    let mut headers = vec![l("corporation")];
    headers.extend(months.iter().cloned());
    out.push(Table {
        name: "Volledigheid".into(),
        title: l("section_completeness"),
        headers,
        rows: report
            .completeness
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let mut row = vec![text(scope_name(report, &Some(c.corporation.clone()), lang))];
                row.extend(months.iter().map(|m| {
                    let value = c.months.get(m).copied().unwrap_or(0);
                    let shown = match d {
                        None => Shown::Exact,
                        Some(d) => c
                            .months
                            .keys()
                            .position(|k| k == m)
                            .and_then(|j| d.completeness.get(i).and_then(|r| r.get(j)))
                            .copied()
                            .unwrap_or(Shown::Hidden),
                    };
                    count(value, shown)
                }));
                row
            })
            .collect(),
        empty_note: None,
    });
    out.push(super::footer::footer_table(report, d.is_some(), lang));
    out
}
