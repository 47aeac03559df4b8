//! Wat als (what if): the states and headroom a plan of lettings would give a municipality's
//! month, half year and year, computed by the domain rules on the real figures with the plan
//! added ([`with_planned`]), and nothing stored: no letting, no alert, no webhook.
//!
//! A reader other than the municipality gets a scope only where every figure behind it is one
//! it may see exactly (see [`ProtectedYear`]): the planned lettings are its own numbers, so
//! anything shown with them added would give the real figure away.

use diesel::QueryResult;

use crate::config::ReferenceData;
use crate::db::organisations::{organisations_of_municipality, OrgKind};
use crate::db::quota::GroupCount;
use crate::db::DbConnection;
use crate::domain::agreement::Agreement;
use crate::domain::disclosure::Shown;
use crate::domain::headroom::{headroom, Headroom};
use crate::domain::metric::Metric;
use crate::domain::period::{month_key, Period};
use crate::domain::quota::{MetricFigures, ScopeCounts};
use crate::domain::small_numbers::{denominator_of, Figure, ProtectedYear, Viewer};
use crate::domain::what_if::{with_planned, Planned};
use crate::service::quota::fold;
use crate::service::small_numbers::{protect_groups, year_groups};

/// One period of a scope: every metric judged before and after the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodOutcome {
    pub period: Period,
    pub before: Vec<MetricFigures>,
    pub after: Vec<MetricFigures>,
}

/// A metric with a limit: its year's state and headroom once the plan is made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeadroomAfter {
    pub figures: MetricFigures,
    pub headroom: Headroom,
}

/// What the plan does to one scope, or that the reader may not see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScopeOutcome {
    Shown {
        /// `None` for the municipality total.
        corporation: Option<String>,
        /// The month, its half year and its year.
        periods: Vec<PeriodOutcome>,
        /// The year's headroom after the plan, per metric with a limit.
        headroom: Vec<HeadroomAfter>,
    },
    Withheld {
        corporation: Option<String>,
    },
}

/// The outcome of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhatIf {
    pub municipality: String,
    /// The month the lettings are planned in.
    pub month: Period,
    pub agreement: Agreement,
    /// The scope the lettings are planned for first (a corporation), then the total.
    pub scopes: Vec<ScopeOutcome>,
}

/// The three periods a plan in `month` falls in.
fn periods_of(year: i32, month: u8) -> [Period; 3] {
    [
        Period::Month(year, month),
        Period::Half(year, if month <= 6 { 1 } else { 2 }),
        Period::Year(year),
    ]
}

/// The counts of one scope in one period.
fn counts_in(
    groups: &[GroupCount],
    agreement: &Agreement,
    corporation: Option<&str>,
    period: Period,
) -> ScopeCounts {
    let months = month_key(period.first_day())..=month_key(period.last_day());
    let in_period: Vec<GroupCount> = groups
        .iter()
        .filter(|g| months.contains(&g.contract_month))
        .cloned()
        .collect();
    let (total, per_corporation) = fold(&in_period, agreement);
    match corporation {
        None => total,
        Some(id) => per_corporation.get(id).copied().unwrap_or_default(),
    }
}

/// Whether the reader may see every figure of a scope in these periods exactly.
fn all_exact(table: &ProtectedYear, corporation: Option<&str>, periods: &[Period]) -> bool {
    periods.iter().all(|&period| {
        let figure_exact = |figure| table.shown(corporation, period, figure) == Shown::Exact;
        figure_exact(Figure::Lettings)
            && Metric::ALL
                .into_iter()
                .all(|m| figure_exact(Figure::Count(m)) && figure_exact(denominator_of(m)))
    })
}

/// The corporations registered for a municipality, `(id, name)` by id: whom the municipality
/// can plan lettings for.
pub fn corporations_of(
    conn: &mut DbConnection,
    municipality: &str,
) -> QueryResult<Vec<(String, String)>> {
    Ok(organisations_of_municipality(conn, municipality)?
        .into_iter()
        .filter(|o| o.kind == OrgKind::Corporation)
        .map(|o| (o.id, o.name))
        .collect())
}

/// What `plan`, made in `month` of `year` for `corporation` (or for the municipality as a
/// whole when `None`), would do to the figures of `municipality`, as `viewer` may see it.
/// Reads only; the plan must have passed [`Planned::check`].
#[allow(clippy::too_many_arguments)]
pub fn what_if(
    conn: &mut DbConnection,
    reference: &ReferenceData,
    municipality: &str,
    year: i32,
    month: u8,
    corporation: Option<&str>,
    plan: &Planned,
    viewer: &Viewer,
) -> QueryResult<WhatIf> {
    let agreement = reference.agreements.applicable(municipality, year);
    let groups = year_groups(conn, municipality, year)?;
    let periods = periods_of(year, month);
    let table = (!viewer.is_exact()).then(|| protect_groups(&groups, &agreement, viewer));
    let mut scopes_shown: Vec<Option<&str>> = Vec::new();
    if let Some(id) = corporation {
        scopes_shown.push(Some(id));
    }
    scopes_shown.push(None);
    let scopes = scopes_shown
        .into_iter()
        .map(|scope| {
            let owned = scope.map(str::to_string);
            if let Some(table) = &table {
                if !all_exact(table, scope, &periods) {
                    return ScopeOutcome::Withheld { corporation: owned };
                }
            }
            let mut outcomes = Vec::new();
            let mut year_after = ScopeCounts::default();
            for period in periods {
                let before = counts_in(&groups, &agreement, scope, period);
                let after = with_planned(&before, plan);
                if matches!(period, Period::Year(_)) {
                    year_after = after;
                }
                outcomes.push(PeriodOutcome {
                    period,
                    before: before.evaluate(&agreement),
                    after: after.evaluate(&agreement),
                });
            }
            let headroom = year_after
                .evaluate(&agreement)
                .into_iter()
                .filter_map(|figures| {
                    let limit = figures.limit?;
                    let headroom = headroom(
                        figures.count,
                        figures.denominator,
                        limit,
                        figures.bound,
                        agreement.warning_margin,
                    );
                    Some(HeadroomAfter { figures, headroom })
                })
                .collect();
            ScopeOutcome::Shown {
                corporation: owned,
                periods: outcomes,
                headroom,
            }
        })
        .collect();
    Ok(WhatIf {
        municipality: municipality.to_string(),
        month: Period::Month(year, month),
        agreement,
        scopes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plan_falls_in_its_month_its_half_year_and_its_year() {
        assert_eq!(
            periods_of(2026, 6),
            [
                Period::Month(2026, 6),
                Period::Half(2026, 1),
                Period::Year(2026)
            ]
        );
        assert_eq!(periods_of(2026, 7)[1], Period::Half(2026, 2));
    }
}
