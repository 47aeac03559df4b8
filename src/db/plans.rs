//! The status-holder task, hand-recorded placements and versioned allocation plans, and the
//! counts from the lettings they are compared with.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::month_counts::{self, counted_by_route_and_urgency};
use super::schema::{
    allocation_plan_lines, allocation_plans, status_holder_placements, status_holder_targets,
};
use super::DbConnection;
use crate::domain::allocation_plan::category_of;
use crate::on_backend;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = status_holder_targets)]
pub struct TargetRow {
    pub municipality: String,
    pub half_year: String,
    pub persons: i32,
    pub note: Option<String>,
    pub set_by: String,
    pub set_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = status_holder_placements)]
pub struct PlacementRow {
    pub id: i64,
    pub municipality: String,
    pub placed_on: NaiveDate,
    pub persons: i32,
    pub note: String,
    pub recorded_by: String,
    pub recorded_at: NaiveDateTime,
}

/// Sets (or replaces) the task of a half year.
pub fn set_target(conn: &mut DbConnection, row: &TargetRow) -> QueryResult<()> {
    let values = (
        status_holder_targets::municipality.eq(&row.municipality),
        status_holder_targets::half_year.eq(&row.half_year),
        status_holder_targets::persons.eq(row.persons),
        status_holder_targets::note.eq(&row.note),
        status_holder_targets::set_by.eq(&row.set_by),
        status_holder_targets::set_at.eq(row.set_at),
    );
    on_backend!(conn, c => diesel::insert_into(status_holder_targets::table)
        .values(values)
        .on_conflict((status_holder_targets::municipality, status_holder_targets::half_year))
        .do_update()
        .set((
            status_holder_targets::persons.eq(row.persons),
            status_holder_targets::note.eq(&row.note),
            status_holder_targets::set_by.eq(&row.set_by),
            status_holder_targets::set_at.eq(row.set_at),
        ))
        .execute(c)
        .map(|_| ()))
}

pub fn targets(conn: &mut DbConnection, municipality: &str) -> QueryResult<Vec<TargetRow>> {
    status_holder_targets::table
        .filter(status_holder_targets::municipality.eq(municipality))
        .order(status_holder_targets::half_year)
        .select(TargetRow::as_select())
        .load(conn)
}

pub fn add_placement(
    conn: &mut DbConnection,
    municipality: &str,
    placed_on: NaiveDate,
    persons: i32,
    note: &str,
    recorded_by: &str,
    now: NaiveDateTime,
) -> QueryResult<PlacementRow> {
    on_backend!(conn, c => diesel::insert_into(status_holder_placements::table)
        .values((
            status_holder_placements::municipality.eq(municipality),
            status_holder_placements::placed_on.eq(placed_on),
            status_holder_placements::persons.eq(persons),
            status_holder_placements::note.eq(note),
            status_holder_placements::recorded_by.eq(recorded_by),
            status_holder_placements::recorded_at.eq(now),
        ))
        .returning(PlacementRow::as_returning())
        .get_result(c))
}

pub fn placements(conn: &mut DbConnection, municipality: &str) -> QueryResult<Vec<PlacementRow>> {
    status_holder_placements::table
        .filter(status_holder_placements::municipality.eq(municipality))
        .order((
            status_holder_placements::placed_on,
            status_holder_placements::id,
        ))
        .select(PlacementRow::as_select())
        .load(conn)
}

/// Persons housed through lettings under the status-holder task (withdrawn ones left out),
/// per contract month (yyyymm).
pub fn status_holder_persons_by_month(
    conn: &mut DbConnection,
    municipality: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<BTreeMap<i32, i64>> {
    Ok(
        month_counts::status_holder_persons_by_month(conn, municipality, from, to)?
            .into_iter()
            .filter(|(_, persons)| *persons > 0)
            .collect(),
    )
}

/// Counted lettings per allocation-plan category.
pub fn realised_by_category(
    conn: &mut DbConnection,
    municipality: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<BTreeMap<String, i64>> {
    let mut by_category = BTreeMap::new();
    for (route, urgency, lettings) in counted_by_route_and_urgency(conn, municipality, from, to)? {
        *by_category
            .entry(category_of(&route, urgency.as_deref()))
            .or_insert(0) += lettings;
    }
    Ok(by_category)
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = allocation_plans)]
pub struct PlanRow {
    pub id: i64,
    pub municipality: String,
    pub year: i32,
    pub version: i32,
    pub expected_available: i32,
    pub note: Option<String>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

/// A plan version to store.
#[derive(Debug, Clone, Copy)]
pub struct NewPlan<'a> {
    pub municipality: &'a str,
    pub year: i32,
    pub expected_available: i32,
    pub note: Option<&'a str>,
    pub lines: &'a BTreeMap<String, i32>,
    pub created_by: &'a str,
}

/// Stores a new version of a year's plan; returns it. Call inside a transaction holding the
/// municipality's write lock.
pub fn insert_plan(
    conn: &mut DbConnection,
    plan: &NewPlan<'_>,
    now: NaiveDateTime,
) -> QueryResult<PlanRow> {
    let NewPlan {
        municipality,
        year,
        expected_available,
        note,
        lines,
        created_by,
    } = *plan;
    let latest: Option<i32> = allocation_plans::table
        .filter(allocation_plans::municipality.eq(municipality))
        .filter(allocation_plans::year.eq(year))
        .select(diesel::dsl::max(allocation_plans::version))
        .first(conn)?;
    let version = latest.unwrap_or(0) + 1;
    let plan: PlanRow = on_backend!(conn, c => diesel::insert_into(allocation_plans::table)
        .values((
            allocation_plans::municipality.eq(municipality),
            allocation_plans::year.eq(year),
            allocation_plans::version.eq(version),
            allocation_plans::expected_available.eq(expected_available),
            allocation_plans::note.eq(note),
            allocation_plans::created_by.eq(created_by),
            allocation_plans::created_at.eq(now),
        ))
        .returning(PlanRow::as_returning())
        .get_result(c)?);
    for (category, planned) in lines {
        diesel::insert_into(allocation_plan_lines::table)
            .values((
                allocation_plan_lines::plan_id.eq(plan.id),
                allocation_plan_lines::category.eq(category),
                allocation_plan_lines::planned.eq(planned),
            ))
            .execute(conn)?;
    }
    Ok(plan)
}

/// Every version of a year's plan, oldest first.
pub fn plan_versions(
    conn: &mut DbConnection,
    municipality: &str,
    year: i32,
) -> QueryResult<Vec<PlanRow>> {
    allocation_plans::table
        .filter(allocation_plans::municipality.eq(municipality))
        .filter(allocation_plans::year.eq(year))
        .order(allocation_plans::version)
        .select(PlanRow::as_select())
        .load(conn)
}

pub fn plan_lines(conn: &mut DbConnection, plan_id: i64) -> QueryResult<BTreeMap<String, i64>> {
    let rows: Vec<(String, i32)> = allocation_plan_lines::table
        .filter(allocation_plan_lines::plan_id.eq(plan_id))
        .select((
            allocation_plan_lines::category,
            allocation_plan_lines::planned,
        ))
        .load(conn)?;
    Ok(rows.into_iter().map(|(c, n)| (c, i64::from(n))).collect())
}
