//! Administration shared by the command line and the tests: organisations and tokens.

use std::collections::BTreeSet;

use chrono::Utc;
use sha2::{Digest, Sha256};

use crate::db::organisations::{self, OrgKind, Organisation};
use crate::db::DbConnection;
use crate::domain::letting::is_municipality_code;

/// The prefix of every API token, so a leaked token is recognisable.
pub const TOKEN_PREFIX: &str = "qm_";

/// Hex SHA-256 of a token: what the database stores.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A new random token: `qm_` and 64 hex characters (256 bits).
pub fn new_token() -> String {
    let bytes: [u8; 32] = rand::random();
    format!("{TOKEN_PREFIX}{}", hex::encode(bytes))
}

#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error("{0}")]
    Invalid(String),
    #[error("organisation {0:?} already exists")]
    Exists(String),
    #[error("no organisation {0:?}")]
    UnknownOrganisation(String),
    #[error("that token is unknown or already revoked")]
    UnknownToken,
    #[error("database error: {0}")]
    Database(#[from] diesel::result::Error),
}

/// Checks and stores a new organisation. A municipality's id is its CBS code and it belongs to
/// itself; a corporation names one or more municipalities; a tenant association names its own.
pub fn add_organisation(
    conn: &mut DbConnection,
    id: &str,
    kind: &str,
    name: &str,
    municipalities: &[String],
) -> Result<Organisation, AdminError> {
    let kind = OrgKind::parse(kind).ok_or_else(|| {
        AdminError::Invalid(format!(
            "kind {kind:?} is not one of municipality, corporation, tenant_association"
        ))
    })?;
    let id = id.trim();
    if id.is_empty()
        || id.len() > 64
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return Err(AdminError::Invalid(format!(
            "id {id:?} must be 1 to 64 characters of A-Z a-z 0-9 . _ -"
        )));
    }
    if name.trim().is_empty() {
        return Err(AdminError::Invalid("name must not be empty".into()));
    }
    let mut set: BTreeSet<String> = BTreeSet::new();
    for code in municipalities {
        let code = code.trim().to_ascii_uppercase();
        if !is_municipality_code(&code) {
            return Err(AdminError::Invalid(format!(
                "{code:?} is not a CBS municipality code (GM followed by 4 digits)"
            )));
        }
        set.insert(code);
    }
    match kind {
        OrgKind::Municipality => {
            if !is_municipality_code(id) {
                return Err(AdminError::Invalid(format!(
                    "a municipality's id is its CBS code (GM followed by 4 digits), not {id:?}"
                )));
            }
            if set.iter().any(|m| m != id) {
                return Err(AdminError::Invalid(
                    "a municipality can only name itself with --municipality".into(),
                ));
            }
            set.insert(id.to_string());
        }
        OrgKind::Corporation | OrgKind::TenantAssociation => {
            if set.is_empty() {
                return Err(AdminError::Invalid(format!(
                    "a {} needs --municipality CODE at least once",
                    kind.as_str()
                )));
            }
        }
    }
    if organisations::find(conn, id)?.is_some() {
        return Err(AdminError::Exists(id.to_string()));
    }
    let org = Organisation {
        id: id.to_string(),
        kind,
        name: name.trim().to_string(),
        municipalities: set,
    };
    organisations::insert(conn, &org, Utc::now().naive_utc())?;
    Ok(org)
}

/// Creates a token for an organisation and returns it; only its hash is stored.
pub fn create_token(conn: &mut DbConnection, org_id: &str) -> Result<String, AdminError> {
    if organisations::find(conn, org_id)?.is_none() {
        return Err(AdminError::UnknownOrganisation(org_id.to_string()));
    }
    let token = new_token();
    organisations::insert_token(conn, org_id, &hash_token(&token), Utc::now().naive_utc())?;
    Ok(token)
}

pub fn revoke_token(conn: &mut DbConnection, token: &str) -> Result<(), AdminError> {
    if organisations::revoke_token(conn, &hash_token(token.trim()), Utc::now().naive_utc())? {
        Ok(())
    } else {
        Err(AdminError::UnknownToken)
    }
}

/// The organisation owning an active token, if any (this runs on every request).
pub fn organisation_by_token(
    conn: &mut DbConnection,
    token: &str,
) -> diesel::QueryResult<Option<Organisation>> {
    organisations::organisation_by_token(conn, &hash_token(token))
}

/// Whether the database answers.
pub fn database_answers(conn: &mut DbConnection) -> diesel::QueryResult<()> {
    crate::db::ping(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_prefixed_random_and_hashed() {
        let a = new_token();
        let b = new_token();
        assert!(a.starts_with(TOKEN_PREFIX));
        assert_eq!(a.len(), TOKEN_PREFIX.len() + 64);
        assert_ne!(a, b);
        assert_eq!(hash_token(&a).len(), 64);
        assert_ne!(hash_token(&a), a);
        assert_eq!(hash_token("qm_x"), hash_token("qm_x"));
    }
}
