//! Administration shared by the command line and the tests: organisations and tokens.

use std::collections::BTreeSet;

use chrono::Utc;

use crate::api::auth::{hash_token, new_token};
use crate::db::organisations::{self, OrgKind, Organisation};
use crate::db::DbConnection;
use crate::domain::letting::is_municipality_code;

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
