//! Administration shared by the command line and the tests: organisations and tokens.

use std::collections::BTreeSet;

use chrono::{NaiveDateTime, TimeDelta, Utc};
use sha2::{Digest, Sha256};

pub use crate::db::organisations::TokenRow;
use crate::db::organisations::{self, OrgKind, Organisation};
use crate::db::DbConnection;
use crate::domain::audit::{Actor, AuditAction, AuditEvent};
use crate::domain::letting::is_municipality_code;
use crate::service::audit;

/// The prefix of every API token, so a leaked token is recognisable.
pub const TOKEN_PREFIX: &str = "qm_";

/// A token's last use is written at most this often, so a busy token does not write on every
/// request.
pub const LAST_USED_EVERY: TimeDelta = TimeDelta::seconds(60);

/// Longest token name, in characters.
pub const TOKEN_NAME_MAX: usize = 100;

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
    #[error("there is no active token with id {0}")]
    UnknownTokenId(i64),
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
    create_named_token(conn, org_id, None)
}

/// Creates a token for an organisation, named after the system that will use it, and returns
/// it; only its hash and the name are stored.
pub fn create_named_token(
    conn: &mut DbConnection,
    org_id: &str,
    name: Option<&str>,
) -> Result<String, AdminError> {
    let name = name.map(check_token_name).transpose()?;
    if organisations::find(conn, org_id)?.is_none() {
        return Err(AdminError::UnknownOrganisation(org_id.to_string()));
    }
    let token = new_token();
    let now = Utc::now().naive_utc();
    crate::db::write_transaction(conn, |conn| {
        let id = organisations::insert_token(conn, org_id, &hash_token(&token), name, now)?;
        record_token_event(
            conn,
            AuditAction::TokenCreated,
            &Actor::cli(org_id),
            org_id,
            id,
            now,
        )
    })?;
    Ok(token)
}

/// The most active tokens an organisation may make itself in the portal: enough for every
/// system it runs, few enough that a forgotten form in a loop does not fill the table.
pub const PORTAL_TOKENS_MAX: usize = 50;

/// A person in the portal makes a named token for their own organisation (the actor's): its
/// id and the token, shown once. The audit trail names the person.
pub fn create_token_as(
    conn: &mut DbConnection,
    actor: &Actor,
    name: &str,
) -> Result<(i64, String), AdminError> {
    let name = check_token_name(name)?;
    let org_id = actor.organisation.as_str();
    let token = new_token();
    let now = Utc::now().naive_utc();
    let id = crate::db::write_transaction(conn, |conn| {
        if organisations::tokens_of(conn, org_id, false)?.len() >= PORTAL_TOKENS_MAX {
            return Err(AdminError::Invalid(format!(
                "an organisation has at most {PORTAL_TOKENS_MAX} active tokens; revoke one first"
            )));
        }
        let id = organisations::insert_token(conn, org_id, &hash_token(&token), Some(name), now)?;
        record_token_event(conn, AuditAction::TokenCreated, actor, org_id, id, now)?;
        Ok(id)
    })?;
    Ok((id, token))
}

/// A person in the portal revokes a token of their own organisation by its id; false when the
/// organisation has no active token with that id.
pub fn revoke_token_as(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i64,
) -> Result<bool, AdminError> {
    let org_id = actor.organisation.as_str();
    let now = Utc::now().naive_utc();
    crate::db::write_transaction(conn, |conn| {
        if !organisations::revoke_token_of(conn, org_id, id, now)? {
            return Ok(false);
        }
        record_token_event(conn, AuditAction::TokenRevoked, actor, org_id, id, now)?;
        Ok(true)
    })
}

/// A token's creation or revocation in the audit trail: on the command line the operator,
/// acting on the token's organisation; in the portal the person.
fn record_token_event(
    conn: &mut DbConnection,
    action: AuditAction,
    actor: &Actor,
    org_id: &str,
    token_id: i64,
    now: NaiveDateTime,
) -> Result<(), AdminError> {
    let municipality = organisations::find(conn, org_id)?
        .filter(|org| org.kind == OrgKind::Municipality)
        .map(|org| org.id);
    let event = AuditEvent::new(action, municipality.as_deref(), format!("token:{token_id}"))
        .with("token", token_id);
    audit::record(conn, actor, &event, now)?;
    Ok(())
}

/// A token name is what `token list` shows on one line: 1 to 100 characters, no control
/// characters (a tab or a newline would break the listing).
fn check_token_name(name: &str) -> Result<&str, AdminError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AdminError::Invalid("a token name must not be empty".into()));
    }
    if name.chars().count() > TOKEN_NAME_MAX {
        return Err(AdminError::Invalid(format!(
            "a token name has at most {TOKEN_NAME_MAX} characters"
        )));
    }
    if name.chars().any(char::is_control) {
        return Err(AdminError::Invalid(
            "a token name must not hold tabs, line breaks or other control characters".into(),
        ));
    }
    Ok(name)
}

/// The organisation's tokens, oldest first: id, name, when created, last used and revoked.
/// Never the secret or its hash.
pub fn list_tokens(
    conn: &mut DbConnection,
    org_id: &str,
    with_revoked: bool,
) -> Result<Vec<TokenRow>, AdminError> {
    if organisations::find(conn, org_id)?.is_none() {
        return Err(AdminError::UnknownOrganisation(org_id.to_string()));
    }
    Ok(organisations::tokens_of(conn, org_id, with_revoked)?)
}

/// Revokes a token given the secret itself.
pub fn revoke_token(conn: &mut DbConnection, token: &str) -> Result<(), AdminError> {
    let now = Utc::now().naive_utc();
    crate::db::write_transaction(conn, |conn| {
        let (id, org) = organisations::revoke_token(conn, &hash_token(token.trim()), now)?
            .ok_or(AdminError::UnknownToken)?;
        record_token_event(
            conn,
            AuditAction::TokenRevoked,
            &Actor::cli(&org),
            &org,
            id,
            now,
        )
    })
}

/// Revokes a token by the id `token list` shows.
pub fn revoke_token_by_id(conn: &mut DbConnection, id: i64) -> Result<(), AdminError> {
    let now = Utc::now().naive_utc();
    crate::db::write_transaction(conn, |conn| {
        let (id, org) = organisations::revoke_token_by_id(conn, id, now)?
            .ok_or(AdminError::UnknownTokenId(id))?;
        record_token_event(
            conn,
            AuditAction::TokenRevoked,
            &Actor::cli(&org),
            &org,
            id,
            now,
        )
    })
}

/// The organisation owning an active token, with the token's id (for the audit trail), if any
/// (this runs on every request). Records the token's use when the last record is older than
/// [`LAST_USED_EVERY`]; a use that cannot be recorded now (the database is busy) never fails
/// the request.
pub fn organisation_by_token(
    conn: &mut DbConnection,
    token: &str,
) -> diesel::QueryResult<Option<(Organisation, i64)>> {
    let Some((org, used)) = organisations::organisation_by_token(conn, &hash_token(token))? else {
        return Ok(None);
    };
    let now = Utc::now().naive_utc();
    if needs_touch(used.last_used_at, now) {
        if let Err(e) = organisations::touch_token(conn, used.id, now, now - LAST_USED_EVERY) {
            tracing::debug!(error = %e, "the token's last use was not recorded this time");
        }
    }
    Ok(Some((org, used.id)))
}

/// Whether a token last used at `last_used` should have its use recorded at `now`.
fn needs_touch(last_used: Option<NaiveDateTime>, now: NaiveDateTime) -> bool {
    last_used.is_none_or(|at| at < now - LAST_USED_EVERY)
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

    #[test]
    fn token_names_are_one_line_of_at_most_100_characters() {
        assert_eq!(check_token_name("  ERP Woonstad ").unwrap(), "ERP Woonstad");
        assert!(check_token_name("").is_err());
        assert!(check_token_name("   ").is_err());
        assert!(check_token_name("a\tb").is_err());
        assert!(check_token_name("a\nb").is_err());
        assert!(check_token_name(&"x".repeat(100)).is_ok());
        assert!(check_token_name(&"x".repeat(101)).is_err());
    }

    #[test]
    fn a_token_use_is_recorded_at_most_once_a_minute() {
        let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 28)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap();
        assert!(needs_touch(None, now));
        assert!(!needs_touch(Some(now), now));
        assert!(!needs_touch(Some(now - TimeDelta::seconds(59)), now));
        assert!(!needs_touch(Some(now - TimeDelta::seconds(60)), now));
        assert!(needs_touch(Some(now - TimeDelta::seconds(61)), now));
    }
}
