//! Declarations that a month is complete, and the letting records their digests are made of.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::letting_rows::LettingData;
use super::schema::{lettings, submissions};
use super::DbConnection;
use crate::on_backend;

/// A declaration as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = submissions)]
pub struct SubmissionRow {
    pub id: i64,
    pub municipality: String,
    pub corporation: String,
    /// `year * 100 + month`.
    pub month: i32,
    pub lettings: i64,
    pub digest: String,
    pub token_id: Option<i64>,
    pub declared_at: NaiveDateTime,
}

/// A declaration to store.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = submissions)]
pub struct NewSubmission<'a> {
    pub municipality: &'a str,
    pub corporation: &'a str,
    pub month: i32,
    pub lettings: i64,
    pub digest: &'a str,
    pub token_id: Option<i64>,
    pub declared_at: NaiveDateTime,
}

/// Stores a declaration.
pub fn insert(conn: &mut DbConnection, new: &NewSubmission<'_>) -> QueryResult<SubmissionRow> {
    on_backend!(conn, c => diesel::insert_into(submissions::table)
        .values(new)
        .returning(SubmissionRow::as_returning())
        .get_result(c))
}

/// A current (not withdrawn) letting of a municipality: whose it is, and its submitted facts.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = lettings)]
pub struct RecordRow {
    pub corporation: String,
    pub reference: String,
    #[diesel(embed)]
    pub data: LettingData,
}

/// The current lettings of `municipality` with a contract start from `from` to `to`
/// (inclusive), of one corporation or of all. One statement, so it reads one consistent state
/// on either backend.
pub fn current_records(
    conn: &mut DbConnection,
    municipality: &str,
    corporation: Option<&str>,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<RecordRow>> {
    let mut query = lettings::table
        .filter(lettings::municipality.eq(municipality))
        .filter(lettings::contract_start.ge(from))
        .filter(lettings::contract_start.le(to))
        .filter(lettings::withdrawn.eq(false))
        .select(RecordRow::as_select())
        .into_boxed();
    if let Some(corporation) = corporation {
        query = query.filter(lettings::corporation.eq(corporation.to_string()));
    }
    query.load(conn)
}

/// Every declaration of a municipality for the months `first..=last` (keys), oldest first.
pub fn of_months(
    conn: &mut DbConnection,
    municipality: &str,
    first: i32,
    last: i32,
) -> QueryResult<Vec<SubmissionRow>> {
    submissions::table
        .filter(submissions::municipality.eq(municipality))
        .filter(submissions::month.ge(first))
        .filter(submissions::month.le(last))
        .order(submissions::id.asc())
        .select(SubmissionRow::as_select())
        .load(conn)
}

/// A corporation's declarations, newest first, at most `limit`.
pub fn of_corporation(
    conn: &mut DbConnection,
    corporation: &str,
    limit: i64,
) -> QueryResult<Vec<SubmissionRow>> {
    submissions::table
        .filter(submissions::corporation.eq(corporation))
        .order(submissions::id.desc())
        .limit(limit)
        .select(SubmissionRow::as_select())
        .load(conn)
}

/// Runs `f` on one snapshot of the database: its reads see the same committed state however
/// many statements they take (PostgreSQL: a read-only repeatable-read transaction; SQLite: one
/// read transaction, which in WAL mode holds its snapshot from its first read).
pub fn in_snapshot<T>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> QueryResult<T>,
) -> QueryResult<T> {
    conn.transaction(|conn| {
        if matches!(conn, DbConnection::Postgresql(_)) {
            diesel::sql_query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                .execute(conn)?;
        }
        f(conn)
    })
}
