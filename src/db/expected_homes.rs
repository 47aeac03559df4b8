//! Corporations' expected available homes per municipality and year.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::expected_homes;
use super::DbConnection;
use crate::on_backend;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = expected_homes)]
pub struct ExpectedHomesRow {
    pub municipality: String,
    pub year: i32,
    pub corporation: String,
    pub homes: i32,
    pub note: Option<String>,
    pub set_at: NaiveDateTime,
}

/// The figures of a municipality's year, by corporation.
pub fn of_year(
    conn: &mut DbConnection,
    municipality: &str,
    year: i32,
) -> QueryResult<Vec<ExpectedHomesRow>> {
    expected_homes::table
        .filter(expected_homes::municipality.eq(municipality))
        .filter(expected_homes::year.eq(year))
        .order(expected_homes::corporation)
        .select(ExpectedHomesRow::as_select())
        .load(conn)
}

/// Sets (or replaces) a corporation's figure.
pub fn set(conn: &mut DbConnection, row: &ExpectedHomesRow) -> QueryResult<()> {
    on_backend!(conn, c => diesel::insert_into(expected_homes::table)
        .values((
            expected_homes::municipality.eq(&row.municipality),
            expected_homes::year.eq(row.year),
            expected_homes::corporation.eq(&row.corporation),
            expected_homes::homes.eq(row.homes),
            expected_homes::note.eq(&row.note),
            expected_homes::set_at.eq(row.set_at),
        ))
        .on_conflict((
            expected_homes::municipality,
            expected_homes::year,
            expected_homes::corporation,
        ))
        .do_update()
        .set((
            expected_homes::homes.eq(row.homes),
            expected_homes::note.eq(&row.note),
            expected_homes::set_at.eq(row.set_at),
        ))
        .execute(c))
    .map(|_| ())
}
