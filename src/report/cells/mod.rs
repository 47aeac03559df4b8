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

use chrono::NaiveDate;
use diesel::QueryResult;

use super::model::{CountRow, Report, ReportScope};
use crate::config::ReferenceData;
use crate::db::DbConnection;
use crate::domain::disclosure::{is_small, Shown};
use crate::domain::period::Period;
use crate::domain::small_numbers::Viewer;
use crate::service::small_numbers::{
    own_profiles, protected_year, status_holders_shown, HalfYearShown,
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
    /// The same half year a year earlier (the summary's comparison).
    pub previous_half_year: Vec<ScopeShown>,
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
    if let (Period::Half(y, h), false) = (half, report.previous_half_year.is_empty()) {
        let before = protected_year(conn, reference, &report.municipality, y - 1, viewer)?;
        out.previous_half_year =
            previous_shown(&report.previous_half_year, Period::Half(y - 1, h), &before);
    }
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
        previous_half_year: report.previous_half_year.iter().map(scope).collect(),
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

mod json;
mod previous;
mod table;
#[cfg(test)]
mod tests;

pub use json::protect_json;
use previous::previous_shown;
use table::{completeness, protect_report};
