//! The status-holder task and the allocation plan, against what the lettings show.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::QueryResult;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::config::ReferenceData;
use crate::db::plans as store;
use crate::db::{locks, DbConnection};
use crate::domain::allocation_plan::{
    categories, check_urgent_share, compare, fraction_of_year, PlanInput,
};
use crate::domain::audit::{count, Actor, AuditAction, AuditEvent};
use crate::domain::period::Period;
use crate::domain::status_holders::{carry_over, pace, HalfYearInput, Placement};
use crate::service::audit;

/// Pace of the current half year.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct PaceBody {
    pub months_completed: u32,
    /// Persons expected by now: corrected_target × months_completed / 6.
    #[schema(value_type = f64)]
    pub expected: Decimal,
    /// `on_track`, `slightly_behind` (at least 80% of expected) or `behind`.
    pub state: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct HalfYearBody {
    /// `2026-H1`.
    pub half_year: String,
    /// The task set by the municipality (persons); 0 when none was set.
    pub target: i64,
    pub target_set: bool,
    /// The previous half year's shortfall (negative: surplus).
    pub carry_over: i64,
    pub corrected_target: i64,
    /// Persons in lettings under urgency `status_holder`.
    pub housed_from_lettings: i64,
    /// Persons in placements recorded by hand.
    pub housed_by_hand: i64,
    pub housed: i64,
    /// housed − corrected_target (negative: a shortfall that carries over).
    pub balance: i64,
    /// Only for the half year that holds today.
    pub pace: Option<PaceBody>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct PlacementBody {
    pub id: i64,
    #[schema(value_type = String, format = Date)]
    pub date: NaiveDate,
    pub persons: i32,
    pub note: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct StatusHoldersBody {
    pub municipality: String,
    /// Oldest first; the carry-over chain starts at the first half year with a task.
    pub half_years: Vec<HalfYearBody>,
    pub placements: Vec<PlacementBody>,
}

fn next_half(p: Period) -> Period {
    match p {
        Period::Half(y, 1) => Period::Half(y, 2),
        Period::Half(y, _) => Period::Half(y + 1, 1),
        other => other,
    }
}

pub fn half_of(date: NaiveDate) -> Period {
    Period::Half(date.year(), if date.month() <= 6 { 1 } else { 2 })
}

/// Months of the half year completed on `today` (0–6); 6 for a past half year.
pub fn months_completed(half: Period, today: NaiveDate) -> u32 {
    if today > half.last_day() {
        6
    } else if today < half.first_day() {
        0
    } else {
        today.month() - half.first_day().month()
    }
}

/// The status-holder overview, from the first half year with a task up to the later of today's
/// half year and `through` (when given).
pub fn status_holder_overview(
    conn: &mut DbConnection,
    municipality: &str,
    today: NaiveDate,
    through: Option<Period>,
) -> QueryResult<StatusHoldersBody> {
    let targets = store::targets(conn, municipality)?;
    let placements = store::placements(conn, municipality)?;
    let target_of: BTreeMap<Period, i64> = targets
        .iter()
        .filter_map(|t| Some((t.half_year.parse::<Period>().ok()?, i64::from(t.persons))))
        .collect();
    let current = half_of(today);
    // The chain starts at the first half year with a task: persons housed before any task
    // was set build no surplus (domain reference, "Status holders"). Without a task the
    // half year asked for (or the current one) is shown alone.
    let first = target_of
        .keys()
        .next()
        .copied()
        .or(through)
        .unwrap_or(current);
    let last = [Some(current), through, target_of.keys().last().copied()]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(current);

    let mut halves = Vec::new();
    let mut half = first;
    while half <= last && halves.len() < 200 {
        halves.push(half);
        half = next_half(half);
    }
    let mut inputs = Vec::with_capacity(halves.len());
    let mut housed_parts = Vec::with_capacity(halves.len());
    for h in &halves {
        let from_lettings: i64 =
            store::status_holder_persons_by_month(conn, municipality, h.first_day(), h.last_day())?
                .values()
                .sum();
        let by_hand: i64 = placements
            .iter()
            .filter(|p| h.contains(p.placed_on))
            .map(|p| i64::from(p.persons))
            .sum();
        housed_parts.push((from_lettings, by_hand));
        inputs.push(HalfYearInput {
            target: target_of.get(h).copied(),
            housed: from_lettings + by_hand,
        });
    }
    let balances = carry_over(&inputs);
    let half_years = halves
        .iter()
        .zip(balances)
        .zip(housed_parts)
        .map(|((h, b), (from_lettings, by_hand))| HalfYearBody {
            half_year: h.to_string(),
            target: b.target,
            target_set: target_of.contains_key(h),
            carry_over: b.carry_over,
            corrected_target: b.corrected_target,
            housed_from_lettings: from_lettings,
            housed_by_hand: by_hand,
            housed: b.housed,
            balance: b.balance,
            pace: (*h == current).then(|| {
                let p = pace(b.corrected_target, b.housed, months_completed(*h, today));
                PaceBody {
                    months_completed: p.months_completed,
                    expected: p.expected,
                    state: p.state.as_str().to_string(),
                }
            }),
        })
        .collect();
    Ok(StatusHoldersBody {
        municipality: municipality.to_string(),
        half_years,
        placements: placements
            .into_iter()
            .map(|p| PlacementBody {
                id: p.id,
                date: p.placed_on,
                persons: p.persons,
                note: p.note,
            })
            .collect(),
    })
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct PlanVersionBody {
    pub version: i32,
    pub expected_available: i32,
    pub note: Option<String>,
    pub created_by: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct PlanLineBody {
    pub category: String,
    pub planned: i64,
    /// planned × the part of the year passed.
    #[schema(value_type = f64)]
    pub expected_to_date: Decimal,
    pub realised: i64,
    /// realised − expected_to_date.
    #[schema(value_type = f64)]
    pub difference: Decimal,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct AllocationPlanBody {
    pub municipality: String,
    pub year: i32,
    /// The version shown.
    pub version: i32,
    pub expected_available: i32,
    /// expected_available minus the planned categories.
    pub unallocated: i64,
    pub note: Option<String>,
    /// Months of the year the comparison covers (12 for a past year).
    pub months_completed: u32,
    #[schema(value_type = f64)]
    pub fraction_of_year: Decimal,
    pub lines: Vec<PlanLineBody>,
    /// The total line: the planned lettings of every category, against `expected_available`.
    pub planned_total: i64,
    /// Counted lettings of the year so far (the realisation of every category together);
    /// null for a reader who may not see it exactly.
    pub realised_total: Option<i64>,
    /// The plan's own check against the agreement's urgent limit; null without one.
    pub urgent_check: Option<UrgentCheckBody>,
    pub versions: Vec<PlanVersionBody>,
}

/// The planned urgent categories together against the urgent limit × expected available
/// homes ("uitgangspunt is dat maximaal 30% wordt toegewezen aan urgenten").
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct UrgentCheckBody {
    pub planned_urgent: i64,
    #[schema(value_type = f64)]
    pub limit: Decimal,
    /// True when the planned urgent lettings exceed the limit (exactly on it is within).
    pub above_limit: bool,
}

/// A year's plan (the latest version, or the one asked for) against realisation up to the end
/// of `months_completed` months of the year. `None` when the year has no plan or no such version.
pub fn allocation_plan(
    conn: &mut DbConnection,
    reference: &ReferenceData,
    municipality: &str,
    year: i32,
    version: Option<i32>,
    months_completed: u32,
) -> QueryResult<Option<AllocationPlanBody>> {
    let versions = store::plan_versions(conn, municipality, year)?;
    let chosen = match version {
        Some(v) => versions.iter().find(|p| p.version == v),
        None => versions.last(),
    };
    let Some(plan) = chosen.cloned() else {
        return Ok(None);
    };
    let planned = store::plan_lines(conn, plan.id)?;
    let months = months_completed.min(12);
    let realised = if months == 0 {
        BTreeMap::new()
    } else {
        let from = Period::Year(year).first_day();
        let to = Period::Month(year, months as u8).last_day();
        store::realised_by_category(conn, municipality, from, to)?
    };
    let fraction = fraction_of_year(months);
    let agreement = reference.agreements.applicable(municipality, year);
    let order = categories(&agreement);
    let urgent_check = check_urgent_share(&planned, i64::from(plan.expected_available), &agreement)
        .map(|c| UrgentCheckBody {
            planned_urgent: c.planned_urgent,
            limit: c.limit,
            above_limit: c.above_limit,
        });
    let planned_total: i64 = planned.values().sum();
    let realised_total: i64 = realised.values().sum();
    let lines = compare(&planned, &realised, fraction, &order)
        .into_iter()
        .map(|l| PlanLineBody {
            category: l.category,
            planned: l.planned,
            expected_to_date: l.expected_to_date,
            realised: l.realised,
            difference: l.difference,
        })
        .collect();
    Ok(Some(AllocationPlanBody {
        municipality: municipality.to_string(),
        year,
        version: plan.version,
        expected_available: plan.expected_available,
        unallocated: i64::from(plan.expected_available) - planned.values().sum::<i64>(),
        note: plan.note.clone(),
        months_completed: months,
        fraction_of_year: fraction.round_dp(4).normalize(),
        lines,
        planned_total,
        realised_total: Some(realised_total),
        urgent_check,
        versions: versions
            .into_iter()
            .map(|p| PlanVersionBody {
                version: p.version,
                expected_available: p.expected_available,
                note: p.note,
                created_by: p.created_by,
                created_at: p.created_at.and_utc(),
            })
            .collect(),
    }))
}

/// Months of `year` completed on `today`.
pub fn months_of_year_completed(year: i32, today: NaiveDate) -> u32 {
    match today.year().cmp(&year) {
        std::cmp::Ordering::Greater => 12,
        std::cmp::Ordering::Less => 0,
        std::cmp::Ordering::Equal => today.month() - 1,
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TargetBody {
    pub municipality: String,
    pub half_year: String,
    pub persons: i32,
    pub note: Option<String>,
}

/// Sets the status-holder task of a half year, with its audit event.
pub fn set_target(
    conn: &mut DbConnection,
    municipality: &str,
    half: Period,
    persons: i32,
    note: Option<String>,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<TargetBody> {
    let row = store::TargetRow {
        municipality: municipality.to_string(),
        half_year: half.to_string(),
        persons,
        note: note.filter(|n| !n.trim().is_empty()),
        set_by: actor.organisation.clone(),
        set_at: now,
    };
    crate::db::write_transaction(conn, |conn| {
        store::set_target(conn, &row)?;
        let event = AuditEvent::new(
            AuditAction::StatusHolderTargetSet,
            Some(municipality),
            format!("status_holder_target:{half}"),
        );
        audit::record(conn, actor, &event, now)
    })?;
    Ok(TargetBody {
        municipality: row.municipality,
        half_year: row.half_year,
        persons: row.persons,
        note: row.note,
    })
}

/// Records a checked placement by hand, with its audit event (the placement's id, not its
/// persons: a placement is one household).
pub fn add_placement(
    conn: &mut DbConnection,
    municipality: &str,
    placement: &Placement,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<PlacementBody> {
    let row = crate::db::write_transaction(conn, |conn| {
        let row = store::add_placement(
            conn,
            municipality,
            placement.date,
            placement.persons,
            &placement.note,
            &actor.organisation,
            now,
        )?;
        let event = AuditEvent::new(
            AuditAction::StatusHolderPlacementAdded,
            Some(municipality),
            format!("status_holder_placement:{}", row.id),
        );
        audit::record(conn, actor, &event, now)?;
        Ok::<_, diesel::result::Error>(row)
    })?;
    Ok(PlacementBody {
        id: row.id,
        date: row.placed_on,
        persons: row.persons,
        note: row.note,
    })
}

/// Stores a new version of a year's allocation plan under the municipality's write lock, and
/// answers it compared with realisation.
pub fn store_plan(
    conn: &mut DbConnection,
    reference: &ReferenceData,
    municipality: &str,
    year: i32,
    plan: &PlanInput,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<Option<AllocationPlanBody>> {
    let months = months_of_year_completed(year, now.date());
    crate::db::write_transaction(conn, |conn| {
        locks::take(conn, &[locks::municipality(municipality)], now)?;
        let stored = store::insert_plan(
            conn,
            &store::NewPlan {
                municipality,
                year,
                expected_available: plan.expected_available,
                note: plan.note.as_deref(),
                lines: &plan.lines,
                created_by: &actor.organisation,
            },
            now,
        )?;
        let event = AuditEvent::new(
            AuditAction::AllocationPlanStored,
            Some(municipality),
            format!("allocation_plan:{year}"),
        )
        .with("version", i64::from(stored.version))
        .with("lines", count(plan.lines.len()));
        audit::record(conn, actor, &event, now)?;
        allocation_plan(conn, reference, municipality, year, None, months)
    })
}
