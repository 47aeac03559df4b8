//! The small-numbers rule on the answers that carry counts: each answer is read from the
//! protected table of its municipality-year (`domain::small_numbers`), so readers other than
//! the municipality never see a count of 1 to 4 households, nor one they could work out.
//! The status-holder and plan answers are protected as tables of their own
//! (`domain::linked_tables`), a corporation's own part of them known to it.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use diesel::QueryResult;
use serde_json::{json, Value};

use crate::config::ReferenceData;
use crate::db::month_counts::{profiles, ProfileRow};
use crate::db::quota::{count_groups, GroupCount};
use crate::db::DbConnection;
use crate::domain::agreement::Agreement;
use crate::domain::allocation_plan::category_of;
use crate::domain::disclosure::Shown;
use crate::domain::linked_tables::{
    protect_chain, protect_plan, ChainShown, HousedFromLettings, Realised,
};
use crate::domain::metric::Metric;
use crate::domain::period::{month_key, Period};
use crate::domain::quota::ScopeCounts;
use crate::domain::small_numbers::{denominator_of, Figure, ProtectedYear, Viewer};
use crate::service::plans::{
    allocation_plan, status_holder_overview, AllocationPlanBody, StatusHoldersBody,
};
use crate::service::quota::{group_of, quota_body, quota_status, QuotaBody};

/// The protected table of a municipality's quota figures for one calendar year.
pub fn protected_year(
    conn: &mut DbConnection,
    reference: &ReferenceData,
    municipality: &str,
    year: i32,
    viewer: &Viewer,
) -> QueryResult<ProtectedYear> {
    let agreement = reference.agreements.applicable(municipality, year);
    let groups = year_groups(conn, municipality, year)?;
    Ok(protect_groups(&groups, &agreement, viewer))
}

/// The group counts of a municipality's calendar year, per corporation and month.
pub fn year_groups(
    conn: &mut DbConnection,
    municipality: &str,
    year: i32,
) -> QueryResult<Vec<GroupCount>> {
    match (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) {
        (Some(first), Some(last)) => count_groups(conn, municipality, first, last),
        _ => Ok(Vec::new()),
    }
}

/// The protected table of a year from its group counts.
pub fn protect_groups(
    groups: &[GroupCount],
    agreement: &Agreement,
    viewer: &Viewer,
) -> ProtectedYear {
    let mut months: BTreeMap<String, [ScopeCounts; 12]> = BTreeMap::new();
    for g in groups {
        let month = usize::try_from(g.contract_month % 100)
            .unwrap_or(1)
            .clamp(1, 12)
            - 1;
        let n = u64::try_from(g.lettings).unwrap_or(0);
        months.entry(g.corporation.clone()).or_default()[month].add(&group_of(g), n, agreement);
    }
    ProtectedYear::new(&months, viewer)
}

/// A count as a reader sees it: the number, `"<5"` or `"x"`.
pub fn count_value(count: u64, shown: Shown) -> Value {
    match shown {
        Shown::Exact => json!(count),
        Shown::Small => json!("<5"),
        Shown::Hidden => json!("x"),
    }
}

/// A denominator as a reader sees it: the number, `"<5"`, or null where it would give a
/// hidden count away.
pub fn denominator_value(denominator: u64, shown: Shown) -> Value {
    match shown {
        Shown::Exact => json!(denominator),
        Shown::Small => json!("<5"),
        Shown::Hidden => Value::Null,
    }
}

/// The quota answer for a reader: exact for the municipality, protected for everyone else.
pub fn quota_for(
    conn: &mut DbConnection,
    reference: &ReferenceData,
    municipality: &str,
    period: Period,
    viewer: &Viewer,
) -> QueryResult<Value> {
    let to_value = |body: &QuotaBody| {
        serde_json::to_value(body)
            .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))
    };
    if viewer.is_exact() {
        return to_value(&quota_status(conn, reference, municipality, period)?);
    }
    // One read of the year serves both the protected table and the period's own figures.
    let agreement = reference.agreements.applicable(municipality, period.year());
    let groups = year_groups(conn, municipality, period.year())?;
    let table = protect_groups(&groups, &agreement, viewer);
    let months = month_key(period.first_day())..=month_key(period.last_day());
    let in_period: Vec<GroupCount> = groups
        .into_iter()
        .filter(|g| months.contains(&g.contract_month))
        .collect();
    let mut body = quota_body(municipality, period, &agreement, &in_period);
    body.norms_provisional = crate::service::quota::norms_provisional(conn, municipality, period)?;
    let mut value = to_value(&body)?;
    protect_quota(&mut value, &body, &table, period);
    Ok(value)
}

/// The quota answers of several periods of one year for a reader, as [`quota_for`] gives each,
/// from one read of the year's group counts (a page that shows the year, its half year and its
/// months needs one aggregate, not fourteen).
pub fn quota_for_periods(
    conn: &mut DbConnection,
    reference: &ReferenceData,
    municipality: &str,
    year: i32,
    periods: &[Period],
    viewer: &Viewer,
) -> QueryResult<Vec<Value>> {
    let agreement = reference.agreements.applicable(municipality, year);
    let groups = year_groups(conn, municipality, year)?;
    let table = (!viewer.is_exact()).then(|| protect_groups(&groups, &agreement, viewer));
    // Provisional norms are rare: asked per period only when the year has any.
    let year_provisional =
        crate::service::quota::norms_provisional(conn, municipality, Period::Year(year))?;
    let mut answers = Vec::with_capacity(periods.len());
    for &period in periods {
        if period.year() != year {
            answers.push(quota_for(conn, reference, municipality, period, viewer)?);
            continue;
        }
        let months = month_key(period.first_day())..=month_key(period.last_day());
        let in_period: Vec<GroupCount> = groups
            .iter()
            .filter(|g| months.contains(&g.contract_month))
            .cloned()
            .collect();
        let mut body = quota_body(municipality, period, &agreement, &in_period);
        body.norms_provisional = year_provisional
            && crate::service::quota::norms_provisional(conn, municipality, period)?;
        let mut value = serde_json::to_value(&body)
            .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
        if let Some(table) = &table {
            protect_quota(&mut value, &body, table, period);
        }
        answers.push(value);
    }
    Ok(answers)
}

/// Rewrites the counts of a serialised quota answer as `table` shows them.
pub fn protect_quota(value: &mut Value, body: &QuotaBody, table: &ProtectedYear, period: Period) {
    let Some(scopes) = value.get_mut("scopes").and_then(Value::as_array_mut) else {
        return;
    };
    for (scope_value, scope) in scopes.iter_mut().zip(&body.scopes) {
        let corporation = scope.corporation.as_deref();
        let shown = |figure: Figure| table.shown(corporation, period, figure);
        scope_value["lettings"] = count_value(scope.lettings, shown(Figure::Lettings));
        scope_value["excluded"] = count_value(scope.excluded, shown(Figure::Excluded));
        scope_value["non_social"] = count_value(scope.non_social, shown(Figure::NonSocial));
        let Some(metrics) = scope_value.get_mut("metrics").and_then(Value::as_array_mut) else {
            continue;
        };
        for (metric_value, metric) in metrics.iter_mut().zip(&scope.metrics) {
            let Some(name) = Metric::ALL.into_iter().find(|m| m.name() == metric.metric) else {
                continue;
            };
            let count_shown = shown(Figure::Count(name));
            let denominator_shown = shown(denominator_of(name));
            metric_value["count"] = count_value(metric.count, count_shown);
            metric_value["denominator"] = denominator_value(metric.denominator, denominator_shown);
            if count_shown != Shown::Exact || denominator_shown != Shown::Exact {
                metric_value["share"] = Value::Null;
            }
        }
    }
}

/// The non-withdrawn lettings of one corporation in the months from `from` to `to`, by
/// profile: what a corporation reader knows of its own records.
pub fn own_profiles(
    conn: &mut DbConnection,
    municipality: &str,
    corporation: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<ProfileRow>> {
    Ok(profiles(conn, municipality, from, to)?
        .into_iter()
        .filter(|r| r.corporation == corporation)
        .collect())
}

/// The corporation a reader is, if it is one.
fn own_corporation(viewer: &Viewer) -> Option<&str> {
    match viewer {
        Viewer::Corporation(id) => Some(id.as_str()),
        _ => None,
    }
}

fn lettings_of(row: &ProfileRow) -> u64 {
    u64::try_from(row.lettings).unwrap_or(0)
}

/// How one half year of the status-holder task is shown to a reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HalfYearShown {
    /// Persons housed from lettings; the persons housed (with those placed by hand) are shown
    /// only where this is.
    pub housed: Shown,
    /// The carry-over from the half year before, and so the corrected target and the pace's
    /// expected number: the previous balance.
    pub carry_over: bool,
    pub balance: bool,
}

impl HalfYearShown {
    pub const EXACT: Self = Self {
        housed: Shown::Exact,
        carry_over: true,
        balance: true,
    };

    /// For figures that no longer match the live chain (a report published before they were
    /// corrected): the housed figure hidden unless it is zero, and what follows from it.
    pub fn withheld(housed_from_lettings: i64) -> Self {
        let persons = u64::try_from(housed_from_lettings).unwrap_or(0);
        Self {
            housed: if persons == 0 {
                Shown::Exact
            } else if crate::domain::disclosure::is_small(persons) {
                Shown::Small
            } else {
                Shown::Hidden
            },
            carry_over: false,
            balance: false,
        }
    }
}

/// The status-holder overview and, for a reader other than the municipality, how each of its
/// half years is shown.
pub fn status_holders_shown(
    conn: &mut DbConnection,
    municipality: &str,
    today: NaiveDate,
    through: Option<Period>,
    viewer: &Viewer,
) -> QueryResult<(StatusHoldersBody, Option<Vec<HalfYearShown>>)> {
    let body = status_holder_overview(conn, municipality, today, through)?;
    if viewer.is_exact() {
        return Ok((body, None));
    }
    let halves: Vec<Period> = body
        .half_years
        .iter()
        .filter_map(|h| h.half_year.parse::<Period>().ok())
        .collect();
    let own: Option<BTreeMap<Period, u64>> =
        match (own_corporation(viewer), halves.first(), halves.last()) {
            (Some(corporation), Some(first), Some(last)) => {
                let mut persons: BTreeMap<Period, u64> = BTreeMap::new();
                for row in own_profiles(
                    conn,
                    municipality,
                    corporation,
                    first.first_day(),
                    last.last_day(),
                )? {
                    if !row.status_holder {
                        continue;
                    }
                    let Some(half) = halves.iter().find(|h| {
                        let key = crate::domain::period::month_key(h.first_day());
                        let end = crate::domain::period::month_key(h.last_day());
                        (key..=end).contains(&row.contract_month)
                    }) else {
                        continue;
                    };
                    let size = u64::try_from(row.household_size).unwrap_or(0);
                    *persons.entry(*half).or_default() += size * lettings_of(&row);
                }
                Some(persons)
            }
            (Some(_), _, _) => Some(BTreeMap::new()),
            _ => None,
        };
    let chain: Vec<HousedFromLettings> = body
        .half_years
        .iter()
        .map(|h| HousedFromLettings {
            persons: u64::try_from(h.housed_from_lettings).unwrap_or(0),
            own: own.as_ref().map(|own| {
                h.half_year
                    .parse::<Period>()
                    .ok()
                    .and_then(|p| own.get(&p).copied())
                    .unwrap_or(0)
            }),
        })
        .collect();
    let ChainShown { housed, balance } = protect_chain(&chain);
    let shown = (0..chain.len())
        .map(|k| HalfYearShown {
            housed: housed[k],
            carry_over: k == 0 || balance[k - 1],
            balance: balance[k],
        })
        .collect();
    Ok((body, Some(shown)))
}

/// Rewrites one serialised half year of the status-holder task as `shown` allows: persons
/// housed from lettings as a count; persons housed, the carry-over, the corrected target, the
/// balance and the pace's figures null where they would give a hidden one away.
pub fn protect_half_year(value: &mut Value, housed_from_lettings: i64, shown: &HalfYearShown) {
    let persons = u64::try_from(housed_from_lettings).unwrap_or(0);
    value["housed_from_lettings"] = count_value(persons, shown.housed);
    if shown.housed != Shown::Exact {
        value["housed"] = Value::Null;
    }
    if !shown.carry_over {
        value["carry_over"] = Value::Null;
        value["corrected_target"] = Value::Null;
    }
    if !shown.balance {
        value["balance"] = Value::Null;
    }
    if let Some(pace) = value.get_mut("pace").filter(|p| p.is_object()) {
        if !shown.carry_over {
            pace["expected"] = Value::Null;
        }
        if !shown.carry_over || shown.housed != Shown::Exact {
            pace["state"] = Value::Null;
        }
    }
}

/// The status-holder answer for a reader: exact for the municipality; for everyone else a
/// housed figure of 1 to 4 persons from lettings is `<5`, and what would give it away is null.
/// The targets and the placements by hand are the municipality's own public figures.
pub fn status_holders_for(
    conn: &mut DbConnection,
    municipality: &str,
    today: NaiveDate,
    through: Option<Period>,
    viewer: &Viewer,
) -> QueryResult<Value> {
    let (body, shown) = status_holders_shown(conn, municipality, today, through, viewer)?;
    let mut value = serde_json::to_value(&body)
        .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
    let (Some(shown), Some(halves)) = (
        shown,
        value.get_mut("half_years").and_then(Value::as_array_mut),
    ) else {
        return Ok(value);
    };
    for ((half_value, half), shown) in halves.iter_mut().zip(&body.half_years).zip(&shown) {
        protect_half_year(half_value, half.housed_from_lettings, shown);
    }
    Ok(value)
}

/// A corporation's own counted lettings per plan category in the months from `from` to `to`.
pub fn own_realised(rows: &[ProfileRow], from: NaiveDate, to: NaiveDate) -> BTreeMap<String, u64> {
    let (first, last) = (
        crate::domain::period::month_key(from),
        crate::domain::period::month_key(to),
    );
    let mut out: BTreeMap<String, u64> = BTreeMap::new();
    for row in rows {
        if row.is_counted && (first..=last).contains(&row.contract_month) {
            *out.entry(category_of(&row.route, row.urgency.as_deref()))
                .or_default() += lettings_of(row);
        }
    }
    out
}

/// How the realisation of each line of a plan is shown to `viewer`; `None` for the
/// municipality.
pub fn plan_shown(
    conn: &mut DbConnection,
    plan: &AllocationPlanBody,
    viewer: &Viewer,
) -> QueryResult<Option<Vec<Shown>>> {
    if viewer.is_exact() {
        return Ok(None);
    }
    let own = match own_corporation(viewer) {
        Some(corporation) if plan.months_completed > 0 => {
            let from = Period::Year(plan.year).first_day();
            let to = Period::Month(
                plan.year,
                u8::try_from(plan.months_completed.min(12)).unwrap_or(12),
            )
            .last_day();
            let rows = own_profiles(conn, &plan.municipality, corporation, from, to)?;
            Some(own_realised(&rows, from, to))
        }
        Some(_) => Some(BTreeMap::new()),
        None => None,
    };
    let categories: Vec<Realised> = plan
        .lines
        .iter()
        .map(|l| Realised {
            lettings: u64::try_from(l.realised).unwrap_or(0),
            own: own
                .as_ref()
                .map(|own| own.get(&l.category).copied().unwrap_or(0)),
        })
        .collect();
    Ok(Some(protect_plan(&categories)))
}

/// Rewrites the serialised lines of a plan: realisation as a count as shown, the difference
/// with the plan null wherever the realisation is not shown exactly.
pub fn protect_plan_lines(lines: &mut [Value], realised: &[i64], shown: &[Shown]) {
    for ((line, realised), shown) in lines.iter_mut().zip(realised).zip(shown) {
        line["realised"] = count_value(u64::try_from(*realised).unwrap_or(0), *shown);
        if *shown != Shown::Exact {
            line["difference"] = Value::Null;
        }
    }
}

/// The plan answer for a reader: exact for the municipality; for everyone else the
/// realisation per category protected as a table whose categories add up to the counted
/// lettings of the months compared. Planned figures are public (the municipality sets them).
pub fn plan_for(
    conn: &mut DbConnection,
    reference: &ReferenceData,
    municipality: &str,
    year: i32,
    version: Option<i32>,
    months_completed: u32,
    viewer: &Viewer,
) -> QueryResult<Option<Value>> {
    let Some(plan) = allocation_plan(
        conn,
        reference,
        municipality,
        year,
        version,
        months_completed,
    )?
    else {
        return Ok(None);
    };
    let mut value = serde_json::to_value(&plan)
        .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
    let shown = plan_shown(conn, &plan, viewer)?;
    if let (Some(shown), Some(lines)) = (
        shown.as_ref(),
        value.get_mut("lines").and_then(Value::as_array_mut),
    ) {
        let realised: Vec<i64> = plan.lines.iter().map(|l| l.realised).collect();
        protect_plan_lines(lines, &realised, shown);
    }
    if shown.is_some() {
        // The sum of the lines would give a hidden line away.
        value["realised_total"] = Value::Null;
    }
    Ok(Some(value))
}
