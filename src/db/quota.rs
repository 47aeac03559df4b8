//! The one aggregate behind every quota figure: lettings of a municipality in a date range,
//! counted per corporation, month and classification. The folding into metrics is domain code.

use chrono::NaiveDate;
use diesel::dsl::count_star;
use diesel::prelude::*;

use super::schema::lettings;
use super::DbConnection;

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
    pub lettings: i64,
}

/// Counts the non-withdrawn lettings of a municipality with contract_start in `from..=to`.
pub fn count_groups(
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
            count_star(),
        ))
        .order((l::corporation, l::contract_month))
        .load(conn)
}
