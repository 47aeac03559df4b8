//! Organisations (municipalities, corporations, tenant associations), the municipalities they
//! belong to, and their API tokens (stored only as SHA-256 hashes).

use std::collections::BTreeSet;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{api_tokens, organisation_municipalities, organisations};
use super::DbConnection;
pub use crate::domain::organisation::{OrgKind, Organisation};

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

/// Stores a token hash for an organisation.
pub fn insert_token(
    conn: &mut DbConnection,
    org_id: &str,
    token_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::organisation_id.eq(org_id),
            api_tokens::token_hash.eq(token_hash),
            api_tokens::created_at.eq(now),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Revokes the token with this hash; returns whether an active token was found.
pub fn revoke_token(
    conn: &mut DbConnection,
    token_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let changed = diesel::update(
        api_tokens::table
            .filter(api_tokens::token_hash.eq(token_hash))
            .filter(api_tokens::revoked_at.is_null()),
    )
    .set(api_tokens::revoked_at.eq(now))
    .execute(conn)?;
    Ok(changed > 0)
}

/// The organisation owning an active token with this hash, with its municipalities, in one
/// query (this runs on every request).
pub fn organisation_by_token(
    conn: &mut DbConnection,
    token_hash: &str,
) -> QueryResult<Option<Organisation>> {
    let rows: Vec<(String, String, String, Option<String>)> = api_tokens::table
        .inner_join(organisations::table.left_join(organisation_municipalities::table))
        .filter(api_tokens::token_hash.eq(token_hash))
        .filter(api_tokens::revoked_at.is_null())
        .select((
            organisations::id,
            organisations::kind,
            organisations::name,
            organisation_municipalities::municipality.nullable(),
        ))
        .load(conn)?;
    let Some((id, kind, name, _)) = rows.first().cloned() else {
        return Ok(None);
    };
    let kind = OrgKind::parse(&kind).ok_or_else(|| {
        diesel::result::Error::DeserializationError(
            format!("unknown organisation kind {kind:?}").into(),
        )
    })?;
    Ok(Some(Organisation {
        id,
        kind,
        name,
        municipalities: rows.into_iter().filter_map(|(_, _, _, m)| m).collect(),
    }))
}
