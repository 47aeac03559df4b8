//! National norms loaded by an operator (`quotamonitor norms import`), and the lettings that
//! were classified provisionally because their allocation year had none yet.
//!
//! The built-in years live in `config/norms.toml`; the years stored here are added to them by
//! every instance each time it classifies, so an import reaches all instances at once.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::upsert::excluded;

use super::letting_rows::{ClassificationRow, LettingData};
use super::schema::{lettings, national_norms, organisations};
use super::DbConnection;
use crate::domain::period::month_key;
use crate::on_backend;

/// One year's norms as stored: amounts in cents (rents per month, incomes per year).
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = national_norms)]
pub struct NormsRow {
    pub year: i32,
    pub source: String,
    pub quality_discount_limit_cents: i64,
    pub rent_cap_low_cents: i64,
    pub rent_cap_high_cents: i64,
    pub social_rent_limit_cents: i64,
    pub social_income_limit_single_cents: i64,
    pub social_income_limit_multi_cents: i64,
    pub passend_income_limit_single_cents: i64,
    pub passend_income_limit_single_pension_cents: i64,
    pub passend_income_limit_multi_cents: i64,
    pub passend_income_limit_multi_pension_cents: i64,
    pub imported_at: NaiveDateTime,
}

/// Every imported year, oldest first.
pub fn imported(conn: &mut DbConnection) -> QueryResult<Vec<NormsRow>> {
    national_norms::table
        .order(national_norms::year)
        .select(NormsRow::as_select())
        .load(conn)
}

/// Stores a year's norms, replacing an earlier import of the same year.
pub fn store(conn: &mut DbConnection, row: &NormsRow) -> QueryResult<()> {
    on_backend!(conn, c => diesel::insert_into(national_norms::table)
        .values(row)
        .on_conflict(national_norms::year)
        .do_update()
        .set((
            national_norms::source.eq(excluded(national_norms::source)),
            national_norms::quality_discount_limit_cents.eq(excluded(national_norms::quality_discount_limit_cents)),
            national_norms::rent_cap_low_cents.eq(excluded(national_norms::rent_cap_low_cents)),
            national_norms::rent_cap_high_cents.eq(excluded(national_norms::rent_cap_high_cents)),
            national_norms::social_rent_limit_cents.eq(excluded(national_norms::social_rent_limit_cents)),
            national_norms::social_income_limit_single_cents.eq(excluded(national_norms::social_income_limit_single_cents)),
            national_norms::social_income_limit_multi_cents.eq(excluded(national_norms::social_income_limit_multi_cents)),
            national_norms::passend_income_limit_single_cents.eq(excluded(national_norms::passend_income_limit_single_cents)),
            national_norms::passend_income_limit_single_pension_cents.eq(excluded(national_norms::passend_income_limit_single_pension_cents)),
            national_norms::passend_income_limit_multi_cents.eq(excluded(national_norms::passend_income_limit_multi_cents)),
            national_norms::passend_income_limit_multi_pension_cents.eq(excluded(national_norms::passend_income_limit_multi_pension_cents)),
            national_norms::imported_at.eq(excluded(national_norms::imported_at)),
        ))
        .execute(c)?);
    Ok(())
}

/// The ids of every corporation: an import takes their write locks, so no batch classified
/// with the old norms commits after the reclassification.
pub fn corporation_ids(conn: &mut DbConnection) -> QueryResult<Vec<String>> {
    organisations::table
        .filter(organisations::kind.eq("corporation"))
        .select(organisations::id)
        .order(organisations::id)
        .load(conn)
}

/// A letting classified with provisional norms, as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = lettings)]
pub struct ProvisionalLetting {
    pub id: i64,
    pub corporation: String,
    pub reference: String,
    pub withdrawn: bool,
    #[diesel(embed)]
    pub data: LettingData,
    #[diesel(embed)]
    pub class: ClassificationRow,
}

/// Every letting classified with provisional norms (withdrawn ones too: reinstating one must
/// not bring back an old classification).
pub fn provisional_lettings(conn: &mut DbConnection) -> QueryResult<Vec<ProvisionalLetting>> {
    lettings::table
        .filter(lettings::norms_provisional.eq(true))
        .order(lettings::id)
        .select(ProvisionalLetting::as_select())
        .load(conn)
}

/// Replaces a letting's stored classification.
pub fn set_classification(
    conn: &mut DbConnection,
    id: i64,
    class: &ClassificationRow,
) -> QueryResult<()> {
    diesel::update(lettings::table.filter(lettings::id.eq(id)))
        .set(class)
        .execute(conn)?;
    Ok(())
}

/// How many of a municipality's current lettings with a contract start in `from..=to` were
/// classified with provisional norms (corporation `None`: all).
pub fn provisional_count(
    conn: &mut DbConnection,
    municipality: &str,
    corporation: Option<&str>,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> QueryResult<i64> {
    let query = lettings::table
        .filter(lettings::norms_provisional.eq(true))
        .filter(lettings::municipality.eq(municipality))
        .filter(lettings::withdrawn.eq(false))
        .filter(lettings::contract_month.ge(month_key(from)))
        .filter(lettings::contract_month.le(month_key(to)));
    match corporation {
        Some(corporation) => query
            .filter(lettings::corporation.eq(corporation))
            .count()
            .get_result(conn),
        None => query.count().get_result(conn),
    }
}

/// The norms years (and whether provisional) that classified a municipality's current
/// lettings with a contract start in `from..=to`.
pub fn years_used(
    conn: &mut DbConnection,
    municipality: &str,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> QueryResult<Vec<(i32, bool)>> {
    lettings::table
        .filter(lettings::municipality.eq(municipality))
        .filter(lettings::withdrawn.eq(false))
        .filter(lettings::contract_month.ge(month_key(from)))
        .filter(lettings::contract_month.le(month_key(to)))
        .select((lettings::norms_year, lettings::norms_provisional))
        .distinct()
        .order((lettings::norms_year, lettings::norms_provisional))
        .load(conn)
}
