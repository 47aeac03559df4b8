//! The one aggregate behind every quota figure: lettings of a municipality in a date range,
//! counted per corporation, month and classification. The folding into metrics is domain code.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use diesel::dsl::count_star;
use diesel::prelude::*;

use super::schema::{letting_month_counts, lettings};
use super::{summed_lettings, DbConnection};
use crate::domain::period::month_key;

/// Lettings with the same corporation, month and classification.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct GroupCount {
    pub corporation: String,
    pub contract_month: i32,
    pub is_social: bool,
    pub is_counted: bool,
    pub urgency: Option<String>,
    pub within_rent_cap: bool,
    pub income_above_limit: bool,
    pub in_passend_denominator: bool,
    pub passend_compliant: bool,
    /// Allocated with priority for local ties (route `local_priority`, lokaal maatwerk).
    pub local_priority: bool,
    pub lettings: i64,
}

/// Counts the non-withdrawn lettings of a municipality in the months from `from` to `to`
/// (whole months: periods always are), from the per-month aggregate.
pub fn count_groups(
    conn: &mut DbConnection,
    municipality: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<GroupCount>> {
    use letting_month_counts as m;
    let rows: Vec<GroupCount> = m::table
        .filter(m::municipality.eq(municipality))
        .filter(m::contract_month.ge(month_key(from)))
        .filter(m::contract_month.le(month_key(to)))
        .filter(m::lettings.gt(0))
        .select((
            m::corporation,
            m::contract_month,
            m::is_social,
            m::is_counted,
            m::urgency.nullable(),
            m::within_rent_cap,
            m::income_above_limit,
            m::in_passend_denominator,
            m::passend_compliant,
            m::local_priority,
            m::lettings,
        ))
        .order((m::corporation, m::contract_month))
        .load(conn)?;
    // The aggregate keeps "no urgency" as '' so it can be part of its key.
    Ok(rows
        .into_iter()
        .map(|g| GroupCount {
            urgency: g.urgency.filter(|u| !u.is_empty()),
            ..g
        })
        .collect())
}

/// A classification summed over months, for one corporation or one municipality (`scope`).
#[derive(Queryable)]
struct PeriodGroup {
    scope: String,
    is_social: bool,
    is_counted: bool,
    urgency: String,
    within_rent_cap: bool,
    income_above_limit: bool,
    in_passend_denominator: bool,
    passend_compliant: bool,
    local_priority: bool,
    lettings: i64,
}

/// The counts of a whole period, summed over its months by the database: one row per
/// corporation and classification, however many months and lettings the period holds.
pub fn count_period_groups(
    conn: &mut DbConnection,
    municipality: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<GroupCount>> {
    use letting_month_counts as m;
    let rows: Vec<PeriodGroup> = m::table
        .filter(m::municipality.eq(municipality))
        .filter(m::contract_month.ge(month_key(from)))
        .filter(m::contract_month.le(month_key(to)))
        .group_by((
            m::corporation,
            m::is_social,
            m::is_counted,
            m::urgency,
            m::within_rent_cap,
            m::income_above_limit,
            m::in_passend_denominator,
            m::passend_compliant,
            m::local_priority,
        ))
        .select((
            m::corporation,
            m::is_social,
            m::is_counted,
            m::urgency,
            m::within_rent_cap,
            m::income_above_limit,
            m::in_passend_denominator,
            m::passend_compliant,
            m::local_priority,
            summed_lettings(),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter(|r| r.lettings > 0)
        .map(|r| {
            let corporation = r.scope.clone();
            r.group(corporation)
        })
        .collect())
}

impl PeriodGroup {
    fn group(self, corporation: String) -> GroupCount {
        GroupCount {
            corporation,
            contract_month: 0,
            is_social: self.is_social,
            is_counted: self.is_counted,
            urgency: Some(self.urgency).filter(|u| !u.is_empty()),
            within_rent_cap: self.within_rent_cap,
            income_above_limit: self.income_above_limit,
            in_passend_denominator: self.in_passend_denominator,
            passend_compliant: self.passend_compliant,
            local_priority: self.local_priority,
            lettings: self.lettings,
        }
    }
}

/// The same counts computed from the letting rows themselves: the reference the per-month
/// aggregate is checked against.
pub fn count_groups_from_rows(
    conn: &mut DbConnection,
    municipality: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<GroupCount>> {
    use lettings as l;
    l::table
        .filter(l::municipality.eq(municipality))
        .filter(l::contract_start.ge(from))
        .filter(l::contract_start.le(to))
        .filter(l::withdrawn.eq(false))
        .group_by((
            l::corporation,
            l::contract_month,
            l::is_social,
            l::is_counted,
            l::urgency,
            l::within_rent_cap,
            l::income_above_limit,
            l::in_passend_denominator,
            l::passend_compliant,
            l::route,
        ))
        .select((
            l::corporation,
            l::contract_month,
            l::is_social,
            l::is_counted,
            l::urgency,
            l::within_rent_cap,
            l::income_above_limit,
            l::in_passend_denominator,
            l::passend_compliant,
            l::route,
            count_star(),
        ))
        .order((l::corporation, l::contract_month))
        .load::<RowGroup>(conn)
        .map(|rows| {
            // Grouped by route above; the aggregate keeps only whether it is local priority.
            let mut merged: BTreeMap<RowKey, i64> = BTreeMap::new();
            for r in rows {
                let local_priority = r.route == "local_priority";
                *merged
                    .entry((
                        r.corporation,
                        r.contract_month,
                        r.is_social,
                        r.is_counted,
                        r.urgency,
                        r.within_rent_cap,
                        r.income_above_limit,
                        r.in_passend_denominator,
                        r.passend_compliant,
                        local_priority,
                    ))
                    .or_default() += r.lettings;
            }
            merged
                .into_iter()
                .map(|(k, lettings)| GroupCount {
                    corporation: k.0,
                    contract_month: k.1,
                    is_social: k.2,
                    is_counted: k.3,
                    urgency: k.4,
                    within_rent_cap: k.5,
                    income_above_limit: k.6,
                    in_passend_denominator: k.7,
                    passend_compliant: k.8,
                    local_priority: k.9,
                    lettings,
                })
                .collect()
        })
}

/// A row group's classification, with local priority for the route.
type RowKey = (
    String,
    i32,
    bool,
    bool,
    Option<String>,
    bool,
    bool,
    bool,
    bool,
    bool,
);

#[derive(Queryable)]
struct RowGroup {
    corporation: String,
    contract_month: i32,
    is_social: bool,
    is_counted: bool,
    urgency: Option<String>,
    within_rent_cap: bool,
    income_above_limit: bool,
    in_passend_denominator: bool,
    passend_compliant: bool,
    route: String,
    lettings: i64,
}

/// One corporation's non-withdrawn lettings in the months from `from` to `to`, over every
/// municipality it lets in, summed per municipality and classification: the base of the legal
/// norms, which the law judges per corporation and calendar year.
pub fn count_corporation_groups(
    conn: &mut DbConnection,
    corporation: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<(String, GroupCount)>> {
    use letting_month_counts as m;
    let rows: Vec<PeriodGroup> = m::table
        .filter(m::corporation.eq(corporation))
        .filter(m::contract_month.ge(month_key(from)))
        .filter(m::contract_month.le(month_key(to)))
        .group_by((
            m::municipality,
            m::is_social,
            m::is_counted,
            m::urgency,
            m::within_rent_cap,
            m::income_above_limit,
            m::in_passend_denominator,
            m::passend_compliant,
            m::local_priority,
        ))
        .select((
            m::municipality,
            m::is_social,
            m::is_counted,
            m::urgency,
            m::within_rent_cap,
            m::income_above_limit,
            m::in_passend_denominator,
            m::passend_compliant,
            m::local_priority,
            summed_lettings(),
        ))
        .order(m::municipality)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter(|r| r.lettings > 0)
        .map(|r| (r.scope.clone(), r.group(corporation.to_string())))
        .collect())
}
