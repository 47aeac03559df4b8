//! Organisations (municipalities, corporations, tenant associations), the municipalities they
//! belong to, and their API tokens (stored only as SHA-256 hashes).

use std::collections::BTreeSet;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{api_tokens, organisation_municipalities, organisations};
use super::DbConnection;
pub use crate::domain::organisation::{OrgKind, Organisation};
use crate::on_backend;

#[derive(Insertable)]
#[diesel(table_name = organisations)]
struct NewOrganisation<'a> {
    id: &'a str,
    kind: &'a str,
    name: &'a str,
    created_at: NaiveDateTime,
}

/// Inserts an organisation and its municipalities in one transaction.
pub fn insert(conn: &mut DbConnection, org: &Organisation, now: NaiveDateTime) -> QueryResult<()> {
    conn.transaction(|conn| {
        diesel::insert_into(organisations::table)
            .values(NewOrganisation {
                id: &org.id,
                kind: org.kind.as_str(),
                name: &org.name,
                created_at: now,
            })
            .execute(conn)?;
        for municipality in &org.municipalities {
            diesel::insert_into(organisation_municipalities::table)
                .values((
                    organisation_municipalities::organisation_id.eq(&org.id),
                    organisation_municipalities::municipality.eq(municipality),
                ))
                .execute(conn)?;
        }
        Ok(())
    })
}

pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<Organisation>> {
    let row: Option<(String, String, String)> = organisations::table
        .filter(organisations::id.eq(id))
        .select((organisations::id, organisations::kind, organisations::name))
        .first(conn)
        .optional()?;
    let Some((id, kind, name)) = row else {
        return Ok(None);
    };
    let kind = OrgKind::parse(&kind).ok_or_else(|| {
        diesel::result::Error::DeserializationError(
            format!("unknown organisation kind {kind:?}").into(),
        )
    })?;
    let municipalities = municipalities_of(conn, &id)?;
    Ok(Some(Organisation {
        id,
        kind,
        name,
        municipalities,
    }))
}

pub fn municipalities_of(conn: &mut DbConnection, org_id: &str) -> QueryResult<BTreeSet<String>> {
    let list: Vec<String> = organisation_municipalities::table
        .filter(organisation_municipalities::organisation_id.eq(org_id))
        .select(organisation_municipalities::municipality)
        .load(conn)?;
    Ok(list.into_iter().collect())
}

/// An organisation as listed for a municipality.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct OrganisationRow {
    pub id: String,
    #[diesel(deserialize_as = String)]
    pub kind: OrgKind,
    pub name: String,
}

/// The organisations registered for a municipality, by id.
pub fn organisations_of_municipality(
    conn: &mut DbConnection,
    municipality: &str,
) -> QueryResult<Vec<OrganisationRow>> {
    organisations::table
        .inner_join(organisation_municipalities::table)
        .filter(organisation_municipalities::municipality.eq(municipality))
        .select((organisations::id, organisations::kind, organisations::name))
        .order(organisations::id)
        .load(conn)
}

/// Stores a token hash for an organisation, with the name of the system that uses it; returns
/// the token's id.
pub fn insert_token(
    conn: &mut DbConnection,
    org_id: &str,
    token_hash: &str,
    name: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    on_backend!(conn, c => diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::organisation_id.eq(org_id),
            api_tokens::token_hash.eq(token_hash),
            api_tokens::name.eq(name),
            api_tokens::created_at.eq(now),
        ))
        .returning(api_tokens::id)
        .get_result(c))
}

/// What an administrator sees of a token: never its secret, never its hash.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = api_tokens)]
pub struct TokenRow {
    pub id: i64,
    pub name: Option<String>,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

/// The tokens of an organisation, oldest first; revoked ones only when asked for.
pub fn tokens_of(
    conn: &mut DbConnection,
    org_id: &str,
    with_revoked: bool,
) -> QueryResult<Vec<TokenRow>> {
    let mut query = api_tokens::table
        .filter(api_tokens::organisation_id.eq(org_id))
        .select(TokenRow::as_select())
        .order(api_tokens::id)
        .into_boxed();
    if !with_revoked {
        query = query.filter(api_tokens::revoked_at.is_null());
    }
    query.load(conn)
}

/// Revokes the token with this hash; returns the id and organisation of the active token it
/// revoked, if there was one.
pub fn revoke_token(
    conn: &mut DbConnection,
    token_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<(i64, String)>> {
    on_backend!(conn, c => diesel::update(
        api_tokens::table
            .filter(api_tokens::token_hash.eq(token_hash))
            .filter(api_tokens::revoked_at.is_null()),
    )
    .set(api_tokens::revoked_at.eq(now))
    .returning((api_tokens::id, api_tokens::organisation_id))
    .get_result(c)
    .optional())
}

/// Revokes the token with this id; returns its organisation if it was active.
pub fn revoke_token_by_id(
    conn: &mut DbConnection,
    id: i64,
    now: NaiveDateTime,
) -> QueryResult<Option<(i64, String)>> {
    on_backend!(conn, c => diesel::update(
        api_tokens::table
            .filter(api_tokens::id.eq(id))
            .filter(api_tokens::revoked_at.is_null()),
    )
    .set(api_tokens::revoked_at.eq(now))
    .returning((api_tokens::id, api_tokens::organisation_id))
    .get_result(c)
    .optional())
}

/// Revokes an organisation's active token with this id; whether there was one.
pub fn revoke_token_of(
    conn: &mut DbConnection,
    org_id: &str,
    id: i64,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let changed = diesel::update(
        api_tokens::table
            .filter(api_tokens::id.eq(id))
            .filter(api_tokens::organisation_id.eq(org_id))
            .filter(api_tokens::revoked_at.is_null()),
    )
    .set(api_tokens::revoked_at.eq(now))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Records that a token was used at `now`, unless that was already recorded at or after
/// `used_since`: the condition is in the statement, so concurrent requests write at most once.
/// On SQLite it does not wait for the write lock (a running ingest holds it): when the database
/// is busy nothing is written and `Ok(false)` is returned, and a later request records the use.
pub fn touch_token(
    conn: &mut DbConnection,
    id: i64,
    now: NaiveDateTime,
    used_since: NaiveDateTime,
) -> QueryResult<bool> {
    let update = diesel::update(
        api_tokens::table.filter(api_tokens::id.eq(id)).filter(
            api_tokens::last_used_at
                .is_null()
                .or(api_tokens::last_used_at.lt(used_since)),
        ),
    )
    .set(api_tokens::last_used_at.eq(now));
    match conn {
        DbConnection::Sqlite(c) => {
            use diesel::connection::SimpleConnection;
            c.batch_execute("PRAGMA busy_timeout = 0")?;
            let result = update.execute(c);
            c.batch_execute(&format!(
                "PRAGMA busy_timeout = {}",
                super::SQLITE_BUSY_TIMEOUT_MS
            ))?;
            match result {
                Ok(changed) => Ok(changed > 0),
                Err(diesel::result::Error::DatabaseError(_, info))
                    if info.message().contains("locked") || info.message().contains("busy") =>
                {
                    Ok(false)
                }
                Err(e) => Err(e),
            }
        }
        DbConnection::Postgresql(c) => update.execute(c).map(|changed| changed > 0),
    }
}

/// The token behind a request, as [`organisation_by_token`] finds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenUse {
    pub id: i64,
    pub last_used_at: Option<NaiveDateTime>,
}

/// Organisation id, kind, name, one of its municipalities, token id, token's last use.
type TokenOrganisationRow = (
    String,
    String,
    String,
    Option<String>,
    i64,
    Option<NaiveDateTime>,
);

/// The organisation owning an active token with this hash, with its municipalities, and the
/// token's id and last use, in one query (this runs on every request).
pub fn organisation_by_token(
    conn: &mut DbConnection,
    token_hash: &str,
) -> QueryResult<Option<(Organisation, TokenUse)>> {
    let rows: Vec<TokenOrganisationRow> = api_tokens::table
        .inner_join(organisations::table.left_join(organisation_municipalities::table))
        .filter(api_tokens::token_hash.eq(token_hash))
        .filter(api_tokens::revoked_at.is_null())
        .select((
            organisations::id,
            organisations::kind,
            organisations::name,
            organisation_municipalities::municipality.nullable(),
            api_tokens::id,
            api_tokens::last_used_at,
        ))
        .load(conn)?;
    let Some((id, kind, name, _, token_id, last_used_at)) = rows.first().cloned() else {
        return Ok(None);
    };
    let kind = OrgKind::parse(&kind).ok_or_else(|| {
        diesel::result::Error::DeserializationError(
            format!("unknown organisation kind {kind:?}").into(),
        )
    })?;
    let org = Organisation {
        id,
        kind,
        name,
        municipalities: rows
            .into_iter()
            .filter_map(|(_, _, _, m, _, _)| m)
            .collect(),
    };
    Ok(Some((
        org,
        TokenUse {
            id: token_id,
            last_used_at,
        },
    )))
}
