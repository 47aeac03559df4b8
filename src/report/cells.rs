//! The small-numbers rule on the half-year report, for every reader but the municipality
//! itself: how each count of one report is shown to one reader ([`Disclosure`]).
//!
//! - **Quota figures** (half year, year to date, the monthly trend) are shown as the quota
//!   answers of that year show them: read from the year's protected table
//!   ([`ProtectedYear`]), so the report gives nothing away that combining it with the quota
//!   answers would not (and a corporation sees its own scope exactly).
//! - **Breakdowns** (rent class, route, urgency, household size, plan category), the **plan's
//!   realisation** and **completeness** are cells of one more table, protected with the same
//!   engine over the relations a reader could use: each breakdown adds up to the lettings of
//!   the half year; the rent class `non_social` is the non-social lettings; an urgency's
//!   lettings are its plan category's plus non-social ones; the plan's categories add up to
//!   the counted lettings and (for H1 at the end of June) differ from the breakdown by the
//!   excluded ones. The quota figures enter that table as the quota answers show them, so
//!   protecting it never changes them.
//! - **Status holders**: the half year's row of the protected status-holder chain (see
//!   `service::small_numbers::status_holders_shown`).
//! - **Alerts**: as the alert answer shows them: the level and state, not the figures.
//!
//! A published report is protected the same way when it is rendered: figures that still
//! match the live ones are shown as the live quota answers show them; figures corrected since
//! are cells of their own.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use diesel::QueryResult;
use serde_json::Value;

use super::model::{CountRow, Report, ReportMetric, ReportScope};
use crate::config::ReferenceData;
use crate::db::month_counts::ProfileRow;
use crate::db::DbConnection;
use crate::domain::allocation_plan::{category_of, LOCAL_PRIORITY, REGULAR};
use crate::domain::disclosure::{is_small, Shown};
use crate::domain::linked_tables::Table;
use crate::domain::metric::Metric;
use crate::domain::period::{month_key, Period};
use crate::domain::small_numbers::{denominator_of, Figure, ProtectedYear, Viewer};
use crate::service::small_numbers::{
    count_value, denominator_value, own_profiles, own_realised, protect_half_year,
    protect_plan_lines, protected_year, status_holders_shown, HalfYearShown,
};

/// How a metric's count and denominator are shown; its share only where both are exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetricShown {
    pub count: Shown,
    pub denominator: Shown,
}

impl MetricShown {
    pub const EXACT: Self = Self {
        count: Shown::Exact,
        denominator: Shown::Exact,
    };

    /// Whether the share may be shown: not when it would reveal a hidden count or denominator.
    pub fn share(&self) -> bool {
        self.count == Shown::Exact && self.denominator == Shown::Exact
    }
}

/// How the figures of one scope of a quota section are shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeShown {
    pub lettings: Shown,
    pub excluded: Shown,
    pub non_social: Shown,
    pub metrics: Vec<MetricShown>,
}

/// How an alert change's figures are shown: as the alert answer shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlertShown {
    /// `0`, `<5` or `x` where not exact.
    pub count: Shown,
    /// Denominator and share.
    pub figures: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BreakdownsShown {
    pub rent_class: Vec<Shown>,
    pub route: Vec<Shown>,
    pub urgency: Vec<Shown>,
    pub household_size: Vec<Shown>,
    pub category: Vec<Shown>,
}

/// How each count of one report is shown to one reader; the vectors run parallel to the
/// report's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disclosure {
    pub quota_half_year: Vec<ScopeShown>,
    pub quota_year_to_date: Vec<ScopeShown>,
    pub trend: Vec<MetricShown>,
    pub breakdowns: BreakdownsShown,
    pub status_holders: HalfYearShown,
    /// Per line of the plan: its realisation.
    pub plan: Vec<Shown>,
    pub alerts: Vec<AlertShown>,
    /// Per corporation, per month in the order of its `months`.
    pub completeness: Vec<Vec<Shown>>,
}

/// How one reader may see what was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Protection {
    /// The municipality itself: every figure.
    Exact,
    /// Everyone else: the report as `report` shows it; for a live view of a publication,
    /// `published` is how the publication shows its own figures (the restatements' old values).
    Protected {
        report: Box<Disclosure>,
        published: Option<Box<Disclosure>>,
    },
}

impl Protection {
    pub fn report(&self) -> Option<&Disclosure> {
        match self {
            Protection::Exact => None,
            Protection::Protected { report, .. } => Some(report.as_ref()),
        }
    }
}

/// How `viewer` may see `report`: `None` for the municipality itself, which sees every figure.
pub fn disclosure(
    conn: &mut DbConnection,
    reference: &ReferenceData,
    report: &Report,
    viewer: &Viewer,
    today: NaiveDate,
) -> QueryResult<Option<Disclosure>> {
    if viewer.is_exact() {
        return Ok(None);
    }
    let Some(half) = super::parse_half(&report.half_year) else {
        return Ok(Some(withheld(report)));
    };
    let year = half.year();
    let table = protected_year(conn, reference, &report.municipality, year, viewer)?;
    let own = match viewer {
        Viewer::Corporation(id) => Some(own_profiles(
            conn,
            &report.municipality,
            id,
            Period::Year(year).first_day(),
            half.last_day(),
        )?),
        _ => None,
    };
    let status_holders = match &report.status_holders {
        None => HalfYearShown::EXACT,
        Some(frozen) => {
            let (live, shown) =
                status_holders_shown(conn, &report.municipality, today, Some(half), viewer)?;
            let at = live
                .half_years
                .iter()
                .position(|h| h.half_year == report.half_year);
            match (at, shown) {
                (Some(k), Some(shown))
                    if live.half_years[k].housed_from_lettings == frozen.housed_from_lettings
                        && live.half_years[k].carry_over == frozen.carry_over
                        && live.half_years[k].balance == frozen.balance =>
                {
                    shown[k]
                }
                _ => HalfYearShown::withheld(frozen.housed_from_lettings),
            }
        }
    };
    let mut out = protect_report(report, half, &table, own.as_deref());
    out.status_holders = status_holders;
    out.alerts = report
        .alerts
        .iter()
        .map(|a| {
            let own_scope = matches!(viewer, Viewer::Corporation(id) if a.corporation.as_deref() == Some(id.as_str()));
            if own_scope {
                AlertShown {
                    count: Shown::Exact,
                    figures: true,
                }
            } else {
                AlertShown {
                    count: if a.count == 0 {
                        Shown::Exact
                    } else if is_small(a.count) {
                        Shown::Small
                    } else {
                        Shown::Hidden
                    },
                    figures: false,
                }
            }
        })
        .collect();
    out.completeness = completeness(report, half, &table);
    Ok(Some(out))
}

/// Everything that could single anyone out withheld: for a report that names no half year.
fn withheld(report: &Report) -> Disclosure {
    let hide = |n: u64| {
        if n == 0 {
            Shown::Exact
        } else if is_small(n) {
            Shown::Small
        } else {
            Shown::Hidden
        }
    };
    let scope = |s: &ReportScope| ScopeShown {
        lettings: hide(s.lettings),
        excluded: hide(s.excluded),
        non_social: hide(s.non_social),
        metrics: s
            .metrics
            .iter()
            .map(|m| MetricShown {
                count: hide(m.count),
                denominator: hide(m.denominator),
            })
            .collect(),
    };
    let rows = |rows: &[CountRow]| rows.iter().map(|r| hide(r.lettings)).collect();
    Disclosure {
        quota_half_year: report.quota_half_year.iter().map(scope).collect(),
        quota_year_to_date: report.quota_year_to_date.iter().map(scope).collect(),
        trend: report
            .trend
            .iter()
            .map(|p| MetricShown {
                count: hide(p.metric.count),
                denominator: hide(p.metric.denominator),
            })
            .collect(),
        breakdowns: BreakdownsShown {
            rent_class: rows(&report.breakdowns.rent_class),
            route: rows(&report.breakdowns.route),
            urgency: rows(&report.breakdowns.urgency),
            household_size: rows(&report.breakdowns.household_size),
            category: rows(&report.breakdowns.category),
        },
        status_holders: HalfYearShown::withheld(
            report
                .status_holders
                .as_ref()
                .map_or(0, |h| h.housed_from_lettings),
        ),
        plan: report
            .allocation_plan
            .iter()
            .flat_map(|p| &p.lines)
            .map(|l| hide(u64::try_from(l.realised).unwrap_or(0)))
            .collect(),
        alerts: report
            .alerts
            .iter()
            .map(|a| AlertShown {
                count: hide(a.count),
                figures: false,
            })
            .collect(),
        completeness: report
            .completeness
            .iter()
            .map(|c| c.months.values().map(|n| hide(*n)).collect())
            .collect(),
    }
}

/// The cells of the report's table, with the quota figures as the protected year shows them.
struct Cells<'a> {
    year: &'a ProtectedYear,
    table: Table,
    /// Quota cells by period, scope and figure.
    quota: BTreeMap<(Period, Option<String>, Figure), usize>,
    /// How the quota answers show a quota cell (where its value is the table's).
    answered: BTreeMap<usize, Shown>,
}

impl Cells<'_> {
    /// The cell of a quota figure shown in the report with `value`.
    fn quota(
        &mut self,
        period: Period,
        corporation: Option<&str>,
        figure: Figure,
        value: u64,
    ) -> usize {
        let key = (period, corporation.map(str::to_string), figure);
        if let Some(&cell) = self.quota.get(&key) {
            if self.table.value(cell) == value {
                return cell;
            }
            // The same figure with another value (should not happen): a cell of its own that
            // must equal it.
            let other = self.table.shown(value);
            self.table.relate(cell, vec![other]);
            return other;
        }
        let cell = self
            .table
            .add(self.year.cell_for(corporation, period, figure, value));
        if !matches!(figure, Figure::Complement(_)) {
            if let Some(shown) = self.year.shown_for(corporation, period, figure, value) {
                self.answered.insert(cell, shown);
            }
        }
        self.quota.insert(key, cell);
        cell
    }

    /// A metric's count and denominator, with its complement (never shown) between them.
    fn metric(
        &mut self,
        period: Period,
        corporation: Option<&str>,
        m: &ReportMetric,
    ) -> (usize, usize) {
        let Some(metric) = Metric::ALL.into_iter().find(|x| x.name() == m.metric) else {
            // A metric this code does not know: its own cells, related to nothing.
            return (self.table.shown(m.count), self.table.shown(m.denominator));
        };
        let count = self.quota(period, corporation, Figure::Count(metric), m.count);
        let denominator = self.quota(period, corporation, denominator_of(metric), m.denominator);
        let complement = self.quota(
            period,
            corporation,
            Figure::Complement(metric),
            m.denominator.saturating_sub(m.count),
        );
        self.table.relate(denominator, vec![count, complement]);
        (count, denominator)
    }

    fn scope(
        &mut self,
        period: Period,
        s: &ReportScope,
    ) -> (usize, usize, usize, Vec<(usize, usize)>) {
        let corporation = s.corporation.as_deref();
        let lettings = self.quota(period, corporation, Figure::Lettings, s.lettings);
        let excluded = self.quota(period, corporation, Figure::Excluded, s.excluded);
        let non_social = self.quota(period, corporation, Figure::NonSocial, s.non_social);
        let metrics = s
            .metrics
            .iter()
            .map(|m| self.metric(period, corporation, m))
            .collect();
        (lettings, excluded, non_social, metrics)
    }

    /// How a cell is shown: a quota figure never more than the quota answers show it.
    fn shown(&self, protected: &[Shown], cell: usize) -> Shown {
        match self.answered.get(&cell) {
            Some(answer) if *answer != Shown::Exact => *answer,
            _ => protected.get(cell).copied().unwrap_or(Shown::Hidden),
        }
    }
}

/// Breakdown sums of profile rows: what a corporation knows of its own share of each.
#[derive(Debug, Default)]
struct Tally {
    rent_class: BTreeMap<String, u64>,
    route: BTreeMap<String, u64>,
    urgency: BTreeMap<String, u64>,
    household_size: BTreeMap<String, u64>,
    category: BTreeMap<String, u64>,
}

impl Tally {
    /// The rows of the months from `from` to `to`, summed as `build` sums the report's.
    fn of(rows: &[ProfileRow], from: NaiveDate, to: NaiveDate) -> Self {
        let (first, last) = (month_key(from), month_key(to));
        let mut t = Tally::default();
        for row in rows
            .iter()
            .filter(|r| (first..=last).contains(&r.contract_month))
        {
            let n = u64::try_from(row.lettings).unwrap_or(0);
            *t.rent_class.entry(row.rent_class.clone()).or_default() += n;
            *t.route.entry(row.route.clone()).or_default() += n;
            *t.urgency
                .entry(row.urgency.clone().unwrap_or_else(|| "none".into()))
                .or_default() += n;
            *t.household_size
                .entry(row.household_size.to_string())
                .or_default() += n;
            if row.rent_class != "non_social" {
                *t.category
                    .entry(category_of(&row.route, row.urgency.as_deref()))
                    .or_default() += n;
            }
        }
        t
    }
}

fn get(map: &BTreeMap<String, u64>, key: &str) -> u64 {
    map.get(key).copied().unwrap_or(0)
}

fn find<'r>(rows: &'r [CountRow], key: &str) -> Option<(usize, &'r CountRow)> {
    rows.iter().enumerate().find(|(_, r)| r.key == key)
}

/// The report's own table for a reader other than the municipality.
fn protect_report(
    report: &Report,
    half: Period,
    year: &ProtectedYear,
    own: Option<&[ProfileRow]>,
) -> Disclosure {
    let y = half.year();
    let ytd = if half == Period::Half(y, 1) {
        half
    } else {
        Period::Year(y)
    };
    let mut cells = Cells {
        year,
        table: Table::new(),
        quota: BTreeMap::new(),
        answered: BTreeMap::new(),
    };

    // 1–2. Quota figures.
    let half_cells: Vec<_> = report
        .quota_half_year
        .iter()
        .map(|s| cells.scope(half, s))
        .collect();
    let ytd_cells: Vec<_> = report
        .quota_year_to_date
        .iter()
        .map(|s| cells.scope(ytd, s))
        .collect();
    let trend_cells: Vec<(usize, usize)> = report
        .trend
        .iter()
        .map(|p| {
            let period = p
                .month
                .parse::<Period>()
                .ok()
                .filter(|m| matches!(m, Period::Month(..)))
                .unwrap_or(half);
            cells.metric(period, p.corporation.as_deref(), &p.metric)
        })
        .collect();
    // The relations between them: a total and its corporations; a half year and its months;
    // for H2, the year and its halves.
    let keys: Vec<(Period, Option<String>, Figure)> = cells.quota.keys().cloned().collect();
    for (period, corporation, figure) in &keys {
        let key = |p: Period, c: Option<String>| (p, c, *figure);
        if corporation.is_none() {
            let parts: Vec<usize> = keys
                .iter()
                .filter(|(p, c, f)| p == period && c.is_some() && f == figure)
                .filter_map(|k| cells.quota.get(k).copied())
                .collect();
            if let Some(&total) = cells.quota.get(&key(*period, None)) {
                if !parts.is_empty() {
                    cells.table.relate(total, parts);
                }
            }
        }
        if *period == half {
            let months: Vec<usize> = half
                .month_periods()
                .into_iter()
                .filter_map(|m| cells.quota.get(&key(m, corporation.clone())).copied())
                .collect();
            if let (false, Some(&whole)) = (
                months.is_empty(),
                cells.quota.get(&key(half, corporation.clone())),
            ) {
                cells.table.relate(whole, months);
            }
        }
        if *period == ytd && ytd != half {
            let (Some(&whole), second) = (
                cells.quota.get(&key(ytd, corporation.clone())),
                cells.quota.get(&key(half, corporation.clone())).copied(),
            ) else {
                continue;
            };
            let second_value = second.map_or(0, |c| cells.table.value(c));
            let whole_value = cells.table.value(whole);
            if whole_value >= second_value {
                let first = cells.quota(
                    Period::Half(y, 1),
                    corporation.as_deref(),
                    *figure,
                    whole_value - second_value,
                );
                let mut parts = vec![first];
                parts.extend(second);
                cells.table.relate(whole, parts);
            }
        }
    }

    // 3. Breakdowns.
    let b = &report.breakdowns;
    let own_half = own.map(|rows| Tally::of(rows, half.first_day(), half.last_day()));
    let row_cells = |cells: &mut Cells, rows: &[CountRow], own: Option<&BTreeMap<String, u64>>| {
        rows.iter()
            .map(|r| {
                let cell = cells.table.shown(r.lettings);
                if let Some(own) = own {
                    cells.table.split(cell, get(own, &r.key));
                }
                cell
            })
            .collect::<Vec<usize>>()
    };
    let rent_class = row_cells(
        &mut cells,
        &b.rent_class,
        own_half.as_ref().map(|t| &t.rent_class),
    );
    let route = row_cells(&mut cells, &b.route, own_half.as_ref().map(|t| &t.route));
    let urgency = row_cells(
        &mut cells,
        &b.urgency,
        own_half.as_ref().map(|t| &t.urgency),
    );
    let household_size = row_cells(
        &mut cells,
        &b.household_size,
        own_half.as_ref().map(|t| &t.household_size),
    );
    let category = row_cells(
        &mut cells,
        &b.category,
        own_half.as_ref().map(|t| &t.category),
    );
    // Each adds up to the lettings of the half year (the category to its social lettings):
    // totals the quota answers give, entered as known.
    for (rows, list) in [
        (&rent_class, &b.rent_class),
        (&route, &b.route),
        (&urgency, &b.urgency),
        (&household_size, &b.household_size),
        (&category, &b.category),
    ] {
        let sum: u64 = list.iter().map(|r| r.lettings).sum();
        let margin = cells.table.known(sum);
        cells.table.relate(margin, rows.clone());
    }
    // The rent class `non_social` is the non-social lettings of the quota section.
    if let (Some((i, row)), Some(&non_social)) = (
        find(&b.rent_class, "non_social"),
        cells.quota.get(&(half, None, Figure::NonSocial)),
    ) {
        if cells.table.value(non_social) == row.lettings {
            cells.table.relate(non_social, vec![rent_class[i]]);
        }
    }
    // Nested rows: an urgency's lettings are its category's (social) plus non-social ones;
    // no urgency is regular plus local priority plus non-social ones; the route
    // local_priority holds the category local_priority.
    let own_d = |urgency_key: &str, categories: &[&str]| {
        own_half.as_ref().map(|t| {
            get(&t.urgency, urgency_key)
                .saturating_sub(categories.iter().map(|c| get(&t.category, c)).sum())
        })
    };
    let mut non_social_parts: Vec<usize> = Vec::new();
    let mut non_social_sum = 0u64;
    for (i, row) in b.urgency.iter().enumerate() {
        let categories: Vec<&str> = if row.key == "none" {
            vec![REGULAR, LOCAL_PRIORITY]
        } else {
            vec![row.key.as_str()]
        };
        let inside: Vec<(usize, &CountRow)> = categories
            .iter()
            .filter_map(|c| find(&b.category, c))
            .collect();
        let inside_sum: u64 = inside.iter().map(|(_, r)| r.lettings).sum();
        let Some(rest) = row.lettings.checked_sub(inside_sum) else {
            continue;
        };
        let d = cells.table.implicit(rest);
        if let Some(own) = own_d(&row.key, &categories) {
            cells.table.split(d, own);
        }
        let mut parts: Vec<usize> = inside.iter().map(|(j, _)| category[*j]).collect();
        parts.push(d);
        cells.table.relate(urgency[i], parts);
        non_social_parts.push(d);
        non_social_sum += rest;
    }
    if let Some((i, row)) = find(&b.rent_class, "non_social") {
        if row.lettings == non_social_sum {
            cells.table.relate(rent_class[i], non_social_parts);
        }
    }
    if let (Some((i, row)), Some((j, inside))) = (
        find(&b.route, LOCAL_PRIORITY),
        find(&b.category, LOCAL_PRIORITY),
    ) {
        if let Some(rest) = row.lettings.checked_sub(inside.lettings) {
            let d = cells.table.implicit(rest);
            if let Some(t) = &own_half {
                cells.table.split(
                    d,
                    get(&t.route, LOCAL_PRIORITY).saturating_sub(get(&t.category, LOCAL_PRIORITY)),
                );
            }
            cells.table.relate(route[i], vec![category[j], d]);
        }
    }

    // 5. The plan's realisation: categories adding up to the counted lettings of the months
    // compared (known); at the end of June, H1's categories are those plus excluded ones.
    let mut plan_cells = Vec::new();
    if let Some(plan) = &report.allocation_plan {
        let own_plan = own.map(|rows| {
            let to = Period::Month(
                y,
                u8::try_from(plan.months_completed.clamp(1, 12)).unwrap_or(12),
            )
            .last_day();
            own_realised(rows, Period::Year(y).first_day(), to)
        });
        let total: u64 = plan
            .lines
            .iter()
            .map(|l| u64::try_from(l.realised).unwrap_or(0))
            .sum();
        let margin = cells.table.known(total);
        for line in &plan.lines {
            let value = u64::try_from(line.realised).unwrap_or(0);
            let cell = cells.table.shown(value);
            if let Some(own) = &own_plan {
                cells.table.split(cell, get(own, &line.category));
            }
            plan_cells.push(cell);
        }
        cells.table.relate(margin, plan_cells.clone());
        if half == Period::Half(y, 1) && plan.months_completed == 6 {
            let mut excluded_parts = Vec::new();
            let mut excluded_sum = 0u64;
            for (line, &cell) in plan.lines.iter().zip(&plan_cells) {
                let realised = u64::try_from(line.realised).unwrap_or(0);
                let Some((j, row)) = find(&b.category, &line.category) else {
                    continue;
                };
                let Some(rest) = row.lettings.checked_sub(realised) else {
                    continue;
                };
                let d = cells.table.implicit(rest);
                if let (Some(t), Some(own)) = (&own_half, &own_plan) {
                    cells.table.split(
                        d,
                        get(&t.category, &line.category).saturating_sub(get(own, &line.category)),
                    );
                }
                cells.table.relate(category[j], vec![cell, d]);
                excluded_parts.push(d);
                excluded_sum += rest;
            }
            if let Some(&excluded) = cells.quota.get(&(half, None, Figure::Excluded)) {
                if cells.table.value(excluded) == excluded_sum && !excluded_parts.is_empty() {
                    cells.table.relate(excluded, excluded_parts);
                }
            }
        }
    }

    let protected = cells.table.protect();
    let shown = |cell: usize| cells.shown(&protected, cell);
    let metric = |(count, denominator): (usize, usize)| MetricShown {
        count: shown(count),
        denominator: shown(denominator),
    };
    let scope =
        |(lettings, excluded, non_social, metrics): &(usize, usize, usize, Vec<(usize, usize)>)| {
            ScopeShown {
                lettings: shown(*lettings),
                excluded: shown(*excluded),
                non_social: shown(*non_social),
                metrics: metrics.iter().copied().map(metric).collect(),
            }
        };
    let rows = |list: &[usize]| list.iter().map(|&c| shown(c)).collect();
    Disclosure {
        quota_half_year: half_cells.iter().map(scope).collect(),
        quota_year_to_date: ytd_cells.iter().map(scope).collect(),
        trend: trend_cells.into_iter().map(metric).collect(),
        breakdowns: BreakdownsShown {
            rent_class: rows(&rent_class),
            route: rows(&route),
            urgency: rows(&urgency),
            household_size: rows(&household_size),
            category: rows(&category),
        },
        status_holders: HalfYearShown::EXACT,
        plan: rows(&plan_cells),
        alerts: Vec::new(),
        completeness: Vec::new(),
    }
}

/// Lettings per corporation and month: shown only where the quota answers show each of its
/// parts (counted, excluded, non-social) exactly, so they add nothing a reader could not add
/// up; elsewhere `<5` or `x`.
fn completeness(report: &Report, half: Period, year: &ProtectedYear) -> Vec<Vec<Shown>> {
    report
        .completeness
        .iter()
        .map(|row| {
            row.months
                .iter()
                .map(|(month, &n)| {
                    let period = month.parse::<Period>().unwrap_or(half);
                    let parts = [Figure::Lettings, Figure::Excluded, Figure::NonSocial]
                        .map(|f| year.cell(Some(&row.corporation), period, f));
                    let sum: u64 = parts.iter().map(|(c, _)| c.value).sum();
                    let all_exact = parts.iter().all(|(_, s)| *s == Shown::Exact);
                    if n == 0 || (sum == n && all_exact) {
                        Shown::Exact
                    } else if is_small(n) {
                        Shown::Small
                    } else {
                        Shown::Hidden
                    }
                })
                .collect()
        })
        .collect()
}

/// A serialised metric rewritten as shown.
fn protect_metric(value: &mut Value, m: &ReportMetric, shown: &MetricShown) {
    value["count"] = count_value(m.count, shown.count);
    value["denominator"] = denominator_value(m.denominator, shown.denominator);
    if !shown.share() {
        value["share"] = Value::Null;
    }
}

fn protect_scopes(value: Option<&mut Value>, scopes: &[ReportScope], shown: &[ScopeShown]) {
    let Some(list) = value.and_then(Value::as_array_mut) else {
        return;
    };
    for ((v, s), shown) in list.iter_mut().zip(scopes).zip(shown) {
        v["lettings"] = count_value(s.lettings, shown.lettings);
        v["excluded"] = count_value(s.excluded, shown.excluded);
        v["non_social"] = count_value(s.non_social, shown.non_social);
        if let Some(metrics) = v.get_mut("metrics").and_then(Value::as_array_mut) {
            for ((mv, m), ms) in metrics.iter_mut().zip(&s.metrics).zip(&shown.metrics) {
                protect_metric(mv, m, ms);
            }
        }
    }
}

fn protect_rows(value: Option<&mut Value>, rows: &[CountRow], shown: &[Shown]) {
    let Some(list) = value.and_then(Value::as_array_mut) else {
        return;
    };
    for ((v, r), s) in list.iter_mut().zip(rows).zip(shown) {
        v["lettings"] = count_value(r.lettings, *s);
    }
}

/// Rewrites a serialised report as `d` shows it.
pub fn protect_json(value: &mut Value, report: &Report, d: &Disclosure) {
    protect_scopes(
        value.get_mut("quota_half_year"),
        &report.quota_half_year,
        &d.quota_half_year,
    );
    protect_scopes(
        value.get_mut("quota_year_to_date"),
        &report.quota_year_to_date,
        &d.quota_year_to_date,
    );
    if let Some(trend) = value.get_mut("trend").and_then(Value::as_array_mut) {
        for ((v, p), s) in trend.iter_mut().zip(&report.trend).zip(&d.trend) {
            protect_metric(&mut v["metric"], &p.metric, s);
        }
    }
    let b = &report.breakdowns;
    if let Some(v) = value.get_mut("breakdowns") {
        protect_rows(
            v.get_mut("rent_class"),
            &b.rent_class,
            &d.breakdowns.rent_class,
        );
        protect_rows(v.get_mut("route"), &b.route, &d.breakdowns.route);
        protect_rows(v.get_mut("urgency"), &b.urgency, &d.breakdowns.urgency);
        protect_rows(
            v.get_mut("household_size"),
            &b.household_size,
            &d.breakdowns.household_size,
        );
        protect_rows(v.get_mut("category"), &b.category, &d.breakdowns.category);
    }
    if let (Some(h), Some(v)) = (
        &report.status_holders,
        value.get_mut("status_holders").filter(|v| v.is_object()),
    ) {
        protect_half_year(v, h.housed_from_lettings, &d.status_holders);
    }
    if let (Some(plan), Some(lines)) = (
        &report.allocation_plan,
        value
            .get_mut("allocation_plan")
            .and_then(|p| p.get_mut("lines"))
            .and_then(Value::as_array_mut),
    ) {
        let realised: Vec<i64> = plan.lines.iter().map(|l| l.realised).collect();
        protect_plan_lines(lines, &realised, &d.plan);
    }
    if let Some(alerts) = value.get_mut("alerts").and_then(Value::as_array_mut) {
        for ((v, a), s) in alerts.iter_mut().zip(&report.alerts).zip(&d.alerts) {
            v["count"] = count_value(a.count, s.count);
            if !s.figures {
                v["denominator"] = Value::Null;
                v["share"] = Value::Null;
            }
        }
    }
    if let Some(rows) = value.get_mut("completeness").and_then(Value::as_array_mut) {
        for ((v, c), shown) in rows
            .iter_mut()
            .zip(&report.completeness)
            .zip(&d.completeness)
        {
            let Some(months) = v.get_mut("months").and_then(Value::as_object_mut) else {
                continue;
            };
            for ((key, n), s) in c.months.iter().zip(shown) {
                if let Some(m) = months.get_mut(key) {
                    *m = count_value(*n, *s);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_share_is_shown_only_with_its_count_and_denominator() {
        assert!(MetricShown::EXACT.share());
        assert!(!MetricShown {
            count: Shown::Small,
            denominator: Shown::Exact
        }
        .share());
        assert!(!MetricShown {
            count: Shown::Exact,
            denominator: Shown::Hidden
        }
        .share());
    }
}
