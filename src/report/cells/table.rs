//! The report's own table of cells: breakdowns, plan realisation and completeness beside the
//! quota figures as the protected year shows them.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::db::month_counts::ProfileRow;
use crate::domain::allocation_plan::{
    category_of, INTERNAL, LOCAL_PRIORITY, SWAP, WITHOUT_URGENCY,
};
use crate::domain::disclosure::{is_small, Shown};
use crate::domain::linked_tables::Table;
use crate::domain::metric::Metric;
use crate::domain::period::{month_key, Period};
use crate::domain::small_numbers::{denominator_of, Figure, ProtectedYear};
use crate::report::model::{CountRow, Report, ReportMetric, ReportScope};
use crate::service::small_numbers::{own_realised, HalfYearShown};

use super::{BreakdownsShown, Disclosure, MetricShown, ScopeShown};
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
pub(super) fn protect_report(
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
    // no urgency is regular, local priority, swap and internal plus non-social ones; the route
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
            WITHOUT_URGENCY.to_vec()
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
    // A route with a category of its own holds that category (its lettings without urgency,
    // social) plus its urgent and non-social ones.
    for key in [LOCAL_PRIORITY, SWAP, INTERNAL] {
        if let (Some((i, row)), Some((j, inside))) = (find(&b.route, key), find(&b.category, key)) {
            if let Some(rest) = row.lettings.checked_sub(inside.lettings) {
                let d = cells.table.implicit(rest);
                if let Some(t) = &own_half {
                    cells
                        .table
                        .split(d, get(&t.route, key).saturating_sub(get(&t.category, key)));
                }
                cells.table.relate(route[i], vec![category[j], d]);
            }
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
        previous_half_year: Vec::new(),
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
pub(super) fn completeness(report: &Report, half: Period, year: &ProtectedYear) -> Vec<Vec<Shown>> {
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
