//! The report's first page (samenvatting, from layout 2): the five figures per corporation and
//! in total as a verdict in words ([`crate::domain::verdict`]) beside the same half year a
//! year earlier, the status-holder task and the allocation plan in one line each, and the
//! points for the meeting (bespreekpunten) drawn from the half year's signals and notes.
//!
//! Every figure is one of the report's own, shown as the reader's [`Disclosure`] shows it: a
//! tenant association reads `<5` or `x`, or a sentence without the figure, never a number the
//! detailed tables would withhold.

use std::collections::BTreeSet;

use rust_decimal::Decimal;

use super::cells::{Disclosure, MetricShown};
use super::grid::{scope_name, Cell, Table};
use super::labels::{label, Lang};
use super::model::{Report, ReportMetric, ReportScope};
use crate::domain::disclosure::Shown;
use crate::domain::verdict::{needs_discussion, plan_lags, verdict};
use crate::service::small_numbers::HalfYearShown;

/// The metrics of the summary, in the order the agreements list them.
pub const METRICS: [&str; 5] = [
    "urgent_share",
    "rent_cap_share",
    "income_exemption_share",
    "passend_share",
    "local_priority_share",
];

/// The months (`2026-07`) of the half year that had begun when the figures were read.
pub fn months_passed(report: &Report) -> BTreeSet<String> {
    let read = report.footer.read_at.date_naive();
    super::parse_half(&report.half_year)
        .map(|half| {
            half.month_periods()
                .into_iter()
                .filter(|m| m.first_day() <= read)
                .map(|m| m.to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// A verdict in the reader's language.
pub fn verdict_word(state: &str, lang: Lang) -> &'static str {
    let v = verdict(state);
    match lang {
        Lang::Nl => v.nl,
        Lang::En => v.en,
    }
}

fn pct(share: Decimal, lang: Lang) -> String {
    let text = format!("{:.1}%", (share * Decimal::ONE_HUNDRED).round_dp(1));
    match lang {
        Lang::Nl => text.replace('.', ","),
        Lang::En => text,
    }
}

/// The norm of a metric in words: "max. 45,0%" / "min. 70,0%".
fn norm(m: &ReportMetric, lang: Lang) -> String {
    match m.limit {
        Some(limit) => format!("{} {}", label(&m.bound, lang), pct(limit, lang)),
        None => "–".into(),
    }
}

fn metric_of<'a>(scope: &'a ReportScope, metric: &str) -> Option<(usize, &'a ReportMetric)> {
    scope
        .metrics
        .iter()
        .enumerate()
        .find(|(_, m)| m.metric == metric)
}

fn metric_shown(list: Option<&[super::cells::ScopeShown]>, i: usize, j: usize) -> MetricShown {
    match list {
        None => MetricShown::EXACT,
        Some(list) => list
            .get(i)
            .and_then(|s| s.metrics.get(j))
            .copied()
            .unwrap_or(MetricShown {
                count: Shown::Hidden,
                denominator: Shown::Hidden,
            }),
    }
}

/// The half year a year earlier: `2025-H1` for `2026-H1`.
pub fn previous_half(report: &Report) -> String {
    match super::parse_half(&report.half_year) {
        Some(crate::domain::period::Period::Half(y, h)) => format!("{}-H{h}", y - 1),
        _ => String::new(),
    }
}

/// The traffic-light table: per scope, each of the five figures, its verdict, and the same
/// half year a year earlier.
pub fn verdict_table(report: &Report, d: Option<&Disclosure>, lang: Lang) -> Table {
    let l = |k: &str| label(k, lang).to_string();
    let before = previous_half(report);
    let mut rows = Vec::new();
    for (i, scope) in report.quota_half_year.iter().enumerate() {
        let previous = report
            .previous_half_year
            .iter()
            .enumerate()
            .find(|(_, p)| p.corporation == scope.corporation);
        let mut first = true;
        for metric in METRICS {
            let Some((j, m)) = metric_of(scope, metric) else {
                continue;
            };
            let shown = metric_shown(d.map(|d| d.quota_half_year.as_slice()), i, j);
            let (prev_share, prev_word) = match previous.and_then(|(k, p)| {
                metric_of(p, metric).map(|(pj, pm)| {
                    let ps = metric_shown(d.map(|d| d.previous_half_year.as_slice()), k, pj);
                    (pm, ps)
                })
            }) {
                Some((pm, ps)) => (
                    Cell::Share(pm.share.filter(|_| ps.share())),
                    verdict_word(&pm.state, lang).to_string(),
                ),
                None => (Cell::Share(None), l("no_figures")),
            };
            rows.push(vec![
                Cell::Text(if first {
                    scope_name(report, &scope.corporation, lang)
                } else {
                    String::new()
                }),
                Cell::Text(l(&format!("plain_{metric}"))),
                Cell::Text(norm(m, lang)),
                Cell::Share(m.share.filter(|_| shown.share())),
                Cell::Text(verdict_word(&m.state, lang).to_string()),
                prev_share,
                Cell::Text(prev_word),
            ]);
            first = false;
        }
    }
    let mut headers = vec![
        l("scope"),
        l("agreement_figure"),
        l("limit"),
        report.half_year.clone(),
        l("verdict"),
        before.clone(),
        format!("{} {before}", l("verdict")),
    ];
    let mut title = format!("{} {}", l("summary_title"), report.half_year);
    // Nothing a year earlier (no lettings then, or a report published before the comparison
    // existed): no two columns of dashes, a note in the title instead.
    if report.previous_half_year.is_empty() {
        headers.truncate(5);
        for row in &mut rows {
            row.truncate(5);
        }
        title = format!("{title} ({} {before})", l("no_comparison"));
    }
    Table {
        name: "Samenvatting".into(),
        title,
        headers,
        rows,
        empty_note: Some(l("no_lettings")),
    }
}

/// A whole number as shown, or `<5` / `x`.
fn shown_int(value: i64, shown: Shown) -> String {
    match shown {
        Shown::Exact => value.to_string(),
        Shown::Small => "<5".into(),
        Shown::Hidden => "x".into(),
    }
}

/// The status-holder task in one line: task, placed, pace.
pub fn status_holder_line(report: &Report, d: Option<&Disclosure>, lang: Lang) -> String {
    let Some(h) = &report.status_holders else {
        return label("no_task", lang).to_string();
    };
    let s = d.map_or(HalfYearShown::EXACT, |d| d.status_holders);
    let persons = match lang {
        Lang::Nl => "personen",
        Lang::En => "persons",
    };
    let task = if s.carry_over {
        format!("{} {persons}", h.corrected_target)
    } else {
        format!("{} {persons} {}", h.target, label("plus_carry_over", lang))
    };
    let housed = if s.housed == Shown::Exact {
        h.housed.to_string()
    } else {
        // The total would give the hidden part away: the parts, as the table shows them.
        format!(
            "{} {} + {} {}",
            shown_int(h.housed_from_lettings, s.housed),
            label("via_lettings", lang),
            h.housed_by_hand,
            label("otherwise", lang)
        )
    };
    let pace = h
        .pace
        .as_ref()
        .filter(|_| pace_shown(&s))
        .map(|p| format!("; {}: {}", label("pace", lang), label(&p.state, lang)))
        .unwrap_or_default();
    match lang {
        Lang::Nl => format!("taakstelling {task}, gehuisvest {housed}{pace}"),
        Lang::En => format!("task {task}, housed {housed}{pace}"),
    }
}

/// Whether the pace's state may be shown: as the status-holder answer shows it, only where
/// the carry-over and the persons housed are (it is worked out from them).
fn pace_shown(s: &HalfYearShown) -> bool {
    s.carry_over && s.housed == Shown::Exact
}

/// The allocation plan against realisation in one line.
pub fn plan_line(report: &Report, d: Option<&Disclosure>, lang: Lang) -> String {
    let Some(p) = &report.allocation_plan else {
        return label("no_plan", lang).to_string();
    };
    let planned: i64 = p.lines.iter().map(|l| l.planned).sum();
    let expected: Decimal = p.lines.iter().map(|l| l.expected_to_date).sum();
    let all_shown =
        d.is_none_or(|d| (0..p.lines.len()).all(|i| d.plan.get(i).copied() == Some(Shown::Exact)));
    let realised: i64 = p.lines.iter().map(|l| l.realised).sum();
    let realised = if all_shown {
        realised.to_string()
    } else {
        "x".into()
    };
    let expected = expected.round_dp(0).normalize();
    let months = p.months_completed;
    match lang {
        Lang::Nl => format!(
            "gepland {planned} verhuringen in {}; naar rato van {months} maanden verwacht {expected}, gerealiseerd {realised}",
            p.year
        ),
        Lang::En => format!(
            "planned {planned} lettings in {}; {expected} expected pro rata after {months} months, realised {realised}",
            p.year
        ),
    }
}

/// The two one-line figures as a table of two columns.
pub fn lines_table(report: &Report, d: Option<&Disclosure>, lang: Lang) -> Table {
    let l = |k: &str| label(k, lang).to_string();
    Table {
        name: "Kern".into(),
        title: l("summary_lines"),
        headers: vec![String::new(), String::new()],
        rows: vec![
            vec![
                Cell::Text(l("status_holders_short")),
                Cell::Text(capitalised(&status_holder_line(report, d, lang))),
            ],
            vec![
                Cell::Text(l("plan_short")),
                Cell::Text(capitalised(&plan_line(report, d, lang))),
            ],
        ],
        empty_note: None,
    }
}

/// The points for discussion (bespreekpunten), in order: figures near or past their limit in
/// the half year (or, where the half year is fine, over the year so far), a status-holder task
/// behind pace, plan categories well behind, corporations that posted nothing in a month
/// passed, and the notes written on the half year's alerts.
pub fn points(report: &Report, d: Option<&Disclosure>, lang: Lang) -> Vec<String> {
    let mut out = Vec::new();
    for (i, (half, ytd)) in report
        .quota_half_year
        .iter()
        .zip(&report.quota_year_to_date)
        .enumerate()
    {
        let who = scope_name(report, &half.corporation, lang);
        for metric in METRICS {
            let (Some((j, h)), y) = (metric_of(half, metric), metric_of(ytd, metric)) else {
                continue;
            };
            let name = label(&format!("plain_{metric}"), lang).to_string();
            if needs_discussion(&h.state) {
                let shown = metric_shown(d.map(|d| d.quota_half_year.as_slice()), i, j);
                let figure = h
                    .share
                    .filter(|_| shown.share())
                    .map(|s| format!(" {}", pct(s, lang)))
                    .unwrap_or_default();
                out.push(format!(
                    "{who}: {}{figure} ({}), {}.",
                    name.to_lowercase(),
                    norm(h, lang),
                    verdict_word(&h.state, lang)
                ));
            } else if let Some((_, y)) = y.filter(|(_, y)| needs_discussion(&y.state)) {
                out.push(format!(
                    "{who}: {} {}: {}.",
                    name.to_lowercase(),
                    label("over_the_year", lang),
                    verdict_word(&y.state, lang)
                ));
            }
        }
    }
    let sh = d.map_or(HalfYearShown::EXACT, |d| d.status_holders);
    if let Some(p) = report
        .status_holders
        .as_ref()
        .and_then(|h| h.pace.as_ref())
        .filter(|_| pace_shown(&sh))
    {
        if p.state != "on_track" {
            out.push(format!(
                "{}: {}.",
                label("status_holders_short", lang),
                label(&p.state, lang)
            ));
        }
    }
    if let Some(plan) = &report.allocation_plan {
        for (i, line) in plan.lines.iter().enumerate() {
            let shown = d.is_none_or(|d| d.plan.get(i).copied() == Some(Shown::Exact));
            if shown && plan_lags(line.expected_to_date, line.realised) {
                out.push(format!(
                    "{}, {}: {} {}, {} {}.",
                    label("plan_short", lang),
                    label(&line.category, lang),
                    label("realised", lang).to_lowercase(),
                    line.realised,
                    label("expected_to_date", lang).to_lowercase(),
                    line.expected_to_date.round_dp(0).normalize()
                ));
            }
        }
    }
    let passed = months_passed(report);
    for c in &report.completeness {
        let missing: Vec<&str> = c
            .months
            .iter()
            .filter(|(m, n)| **n == 0 && passed.contains(*m))
            .map(|(m, _)| m.as_str())
            .collect();
        if !missing.is_empty() {
            out.push(format!(
                "{}: {} {}.",
                scope_name(report, &Some(c.corporation.clone()), lang),
                label("nothing_posted", lang),
                missing.join(", ")
            ));
        }
    }
    for note in &report.alert_notes {
        let about = report
            .alerts
            .iter()
            .find(|a| a.alert_id == note.alert_id)
            .map(|a| {
                format!(
                    "{} {}",
                    label(&a.metric, lang),
                    scope_name(report, &a.corporation, lang)
                )
            })
            .unwrap_or_default();
        out.push(format!(
            "{} ({about}, {} {}): \u{201c}{}\u{201d}",
            label("note", lang),
            if note.organisation == report.municipality {
                report
                    .municipality_name
                    .as_deref()
                    .unwrap_or(&report.municipality)
            } else {
                report
                    .corporation_names
                    .get(&note.organisation)
                    .map_or(note.organisation.as_str(), String::as_str)
            },
            note.at.format("%Y-%m-%d"),
            note.text.trim()
        ));
    }
    if out.is_empty() {
        out.push(label("no_points", lang).to_string());
    }
    out.into_iter().map(|p| capitalised(&p)).collect()
}

/// A sentence starting with a capital (a category label is written in lower case).
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The points as a table of one numbered column (the PDF lays it out like the others).
pub fn points_table(report: &Report, d: Option<&Disclosure>, lang: Lang) -> Table {
    Table {
        name: "Bespreekpunten".into(),
        title: label("points_title", lang).to_string(),
        headers: vec!["#".into(), label("point", lang).to_string()],
        rows: points(report, d, lang)
            .into_iter()
            .enumerate()
            .map(|(i, p)| vec![Cell::Int(i as i64 + 1), Cell::Text(p)])
            .collect(),
        empty_note: None,
    }
}

#[cfg(test)]
mod tests;
