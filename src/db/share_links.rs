//! Share links to a published report: only the SHA-256 of each link's token is stored.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::share_links;
use super::DbConnection;
use crate::on_backend;

/// A share link as stored (never its token).
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = share_links)]
pub struct ShareLinkRow {
    pub id: i64,
    pub municipality: String,
    pub half_year: String,
    pub label: Option<String>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
}

/// A new link.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = share_links)]
pub struct NewShareLink<'a> {
    pub token_hash: &'a str,
    pub municipality: &'a str,
    pub half_year: &'a str,
    pub label: Option<&'a str>,
    pub created_by: &'a str,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

/// Stores a link; its id.
pub fn insert(conn: &mut DbConnection, link: &NewShareLink<'_>) -> QueryResult<i64> {
    on_backend!(conn, c => diesel::insert_into(share_links::table)
        .values(link)
        .returning(share_links::id)
        .get_result(c))
}

/// A municipality's links, newest first.
pub fn of_municipality(
    conn: &mut DbConnection,
    municipality: &str,
) -> QueryResult<Vec<ShareLinkRow>> {
    share_links::table
        .filter(share_links::municipality.eq(municipality))
        .order(share_links::id.desc())
        .select(ShareLinkRow::as_select())
        .load(conn)
}

/// The link whose token has this hash.
pub fn by_token_hash(
    conn: &mut DbConnection,
    token_hash: &str,
) -> QueryResult<Option<ShareLinkRow>> {
    share_links::table
        .filter(share_links::token_hash.eq(token_hash))
        .select(ShareLinkRow::as_select())
        .first(conn)
        .optional()
}

/// Revokes a municipality's link if it is not revoked yet; whether it was.
pub fn revoke(
    conn: &mut DbConnection,
    municipality: &str,
    id: i64,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let changed = diesel::update(
        share_links::table
            .filter(share_links::id.eq(id))
            .filter(share_links::municipality.eq(municipality))
            .filter(share_links::revoked_at.is_null()),
    )
    .set(share_links::revoked_at.eq(now))
    .execute(conn)?;
    Ok(changed == 1)
}
