//! Share links (deellinks) to a published report: made and revoked by the municipality, opened
//! by anyone who has one, without logging in. The token (256 random bits, 64 hex characters)
//! is shown once; the database keeps its SHA-256. Whoever opens a link reads the report as the
//! public does (`Viewer::Protected`: the same as a tenant association).

use chrono::NaiveDateTime;
use diesel::QueryResult;
use sha2::{Digest, Sha256};

use super::publication::PublicationBody;
use crate::db::report as reports;
use crate::db::share_links::{self as store, NewShareLink};
use crate::db::DbConnection;
use crate::domain::audit::{Actor, AuditAction, AuditEvent};
use crate::domain::period::Period;
use crate::domain::share_link::{link_state, LinkState};
use crate::service::audit;

pub use crate::db::share_links::ShareLinkRow;

/// A new token: 64 hex characters (256 random bits).
pub fn new_token() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

/// What the database keeps of a token.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Whether a text can be a token at all (so a wrong address costs no query).
fn looks_like_token(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The outcome of making a link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Created {
    /// The link's id and its token (shown once).
    Link { id: i64, token: String },
    /// The half year has no publication to link to.
    NotPublished,
}

/// Makes a link to the publication of `half`, valid until `expires_at`, in one transaction
/// with its audit event.
pub fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    municipality: &str,
    half: Period,
    label: Option<&str>,
    expires_at: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<Created> {
    let half_year = half.to_string();
    crate::db::write_transaction(conn, |conn| {
        if reports::published(conn, municipality, &half_year)?.is_none() {
            return Ok(Created::NotPublished);
        }
        let token = new_token();
        let hash = hash_token(&token);
        let created_by = actor.person.as_deref().unwrap_or(&actor.organisation);
        let id = store::insert(
            conn,
            &NewShareLink {
                token_hash: &hash,
                municipality,
                half_year: &half_year,
                label,
                created_by,
                created_at: now,
                expires_at,
            },
        )?;
        let days = (expires_at - now).num_days();
        let event = AuditEvent::new(
            AuditAction::ShareLinkCreated,
            Some(municipality),
            format!("share_link:{id}"),
        )
        .with("share_link", id)
        .with("days", days);
        audit::record(conn, actor, &event, now)?;
        Ok(Created::Link { id, token })
    })
}

/// A municipality's links, newest first.
pub fn list(conn: &mut DbConnection, municipality: &str) -> QueryResult<Vec<ShareLinkRow>> {
    store::of_municipality(conn, municipality)
}

/// Revokes a municipality's link; false when it has no such link or it was revoked already.
pub fn revoke(
    conn: &mut DbConnection,
    actor: &Actor,
    municipality: &str,
    id: i64,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    crate::db::write_transaction(conn, |conn| {
        if !store::revoke(conn, municipality, id, now)? {
            return Ok(false);
        }
        let event = AuditEvent::new(
            AuditAction::ShareLinkRevoked,
            Some(municipality),
            format!("share_link:{id}"),
        )
        .with("share_link", id);
        audit::record(conn, actor, &event, now)?;
        Ok(true)
    })
}

/// What a token opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opened {
    /// The link and its report's half year.
    Open(ShareLinkRow, Period),
    /// Revoked or expired.
    Gone(LinkState),
    Unknown,
}

/// The link a token opens at `now`.
pub fn open(conn: &mut DbConnection, token: &str, now: NaiveDateTime) -> QueryResult<Opened> {
    if !looks_like_token(token) {
        return Ok(Opened::Unknown);
    }
    let Some(row) = store::by_token_hash(conn, &hash_token(&token.to_ascii_lowercase()))? else {
        return Ok(Opened::Unknown);
    };
    let Some(half) = super::parse_half(&row.half_year) else {
        return Ok(Opened::Unknown);
    };
    Ok(match link_state(row.expires_at, row.revoked_at, now) {
        LinkState::Open => Opened::Open(row, half),
        gone => Opened::Gone(gone),
    })
}

/// The publications of a municipality's half years, where there is one.
pub fn publications(
    conn: &mut DbConnection,
    municipality: &str,
    halves: &[String],
) -> QueryResult<Vec<PublicationBody>> {
    let mut out = Vec::new();
    for half in halves {
        if let Some(p) = reports::published(conn, municipality, half)? {
            out.push(PublicationBody::from(&p));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_256_random_bits_in_hex_and_only_its_hash_is_kept() {
        let a = new_token();
        assert!(looks_like_token(&a));
        assert_ne!(a, new_token());
        assert_ne!(hash_token(&a), a);
        assert_eq!(hash_token(&a).len(), 64);
        assert!(!looks_like_token("../etc/passwd"));
        assert!(!looks_like_token(&"g".repeat(64)));
    }
}
