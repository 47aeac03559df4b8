//! People of the web portal: accounts, passwords (Argon2id), sessions in the database and
//! one-time links to set a password. The web layer keeps only the cookie; every rule about
//! when a session ends is in [`crate::domain::session`].
//!
//! Single sign-on (OpenID Connect) would plug in at [`start_session`]: once an identity
//! provider has vouched for an e-mail address, the same session is begun for the person with
//! that address, and nothing after login changes (docs/portal.md, "Single sign-on").

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{NaiveDateTime, TimeDelta};

use crate::db::organisations;
use crate::db::people::{self as store, PersonRow};
use crate::db::DbConnection;
use crate::domain::organisation::Organisation;
use crate::domain::session::{self, PasswordProblem, SessionPolicy, SessionState};
use crate::service::admin::hash_token;

#[derive(Debug, thiserror::Error)]
pub enum PeopleError {
    #[error("{0:?} is not an e-mail address")]
    InvalidEmail(String),
    #[error("a name is 1 to 200 characters")]
    InvalidName,
    #[error("there is already a person with e-mail address {0}")]
    Exists(String),
    #[error("no organisation {0:?}")]
    UnknownOrganisation(String),
    #[error("no person with e-mail address {0}")]
    UnknownPerson(String),
    #[error("{0}")]
    Password(#[from] PasswordProblem),
    #[error("the password could not be hashed: {0}")]
    Hash(String),
    #[error("database error: {0}")]
    Database(#[from] diesel::result::Error),
}

/// A new random secret: 64 hex characters (256 bits).
fn new_secret() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

/// Argon2id with the crate's default cost (19 MiB, 2 passes: OWASP's minimum), salted.
pub fn hash_password(password: &str) -> Result<String, PeopleError> {
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>())
        .map_err(|e| PeopleError::Hash(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| PeopleError::Hash(e.to_string()))
}

fn password_matches(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|hash| {
            Argon2::default()
                .verify_password(password.as_bytes(), &hash)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A person added: their id, and the token of the link to set their password when none was given.
#[derive(Debug)]
pub struct AddedPerson {
    pub id: i64,
    pub link_token: Option<String>,
}

/// Adds a person to an organisation: with a password, or with a one-time link to set one that
/// is valid for `link_valid`.
pub fn add_person(
    conn: &mut DbConnection,
    organisation: &str,
    email: &str,
    name: &str,
    password: Option<&str>,
    link_valid: TimeDelta,
    now: NaiveDateTime,
) -> Result<AddedPerson, PeopleError> {
    let email =
        session::normalise_email(email).ok_or_else(|| PeopleError::InvalidEmail(email.into()))?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(PeopleError::InvalidName);
    }
    let hash = match password {
        Some(password) => {
            session::check_new_password(password, password)?;
            Some(hash_password(password)?)
        }
        None => None,
    };
    crate::db::write_transaction(conn, |conn| {
        if organisations::find(conn, organisation)?.is_none() {
            return Err(PeopleError::UnknownOrganisation(organisation.into()));
        }
        if store::person_by_email(conn, &email)?.is_some() {
            return Err(PeopleError::Exists(email.clone()));
        }
        let id = store::insert_person(conn, organisation, &email, name, hash.as_deref(), now)?;
        let link_token = match hash {
            Some(_) => None,
            None => Some(new_link(conn, id, link_valid, now)?),
        };
        Ok(AddedPerson { id, link_token })
    })
}

fn new_link(
    conn: &mut DbConnection,
    person: i64,
    valid: TimeDelta,
    now: NaiveDateTime,
) -> diesel::QueryResult<String> {
    let token = new_secret();
    store::insert_link(conn, &hash_token(&token), person, now, now + valid)?;
    Ok(token)
}

/// A new one-time link for an existing person (a forgotten password); its token.
pub fn password_link(
    conn: &mut DbConnection,
    email: &str,
    valid: TimeDelta,
    now: NaiveDateTime,
) -> Result<String, PeopleError> {
    let normal =
        session::normalise_email(email).ok_or_else(|| PeopleError::InvalidEmail(email.into()))?;
    let person = store::person_by_email(conn, &normal)?
        .ok_or_else(|| PeopleError::UnknownPerson(normal.clone()))?;
    Ok(new_link(conn, person.id, valid, now)?)
}

/// The person a link is for, while it is unused and valid (to greet them on its form).
pub fn link_person(
    conn: &mut DbConnection,
    token: &str,
    now: NaiveDateTime,
) -> diesel::QueryResult<Option<PersonRow>> {
    match store::link_person(conn, &hash_token(token), now)? {
        Some(id) => store::person_by_id(conn, id),
        None => Ok(None),
    }
}

/// What setting a password through a link came to.
#[derive(Debug, PartialEq, Eq)]
pub enum LinkOutcome {
    /// Set; every session the person had is ended.
    Set,
    /// The link is unknown, used or expired.
    Invalid,
}

/// Sets a password through a one-time link: the link is used up, and every session of the
/// person ends (a reset after a stolen password must throw the thief out).
pub fn set_password_with_link(
    conn: &mut DbConnection,
    token: &str,
    password: &str,
    repeated: &str,
    now: NaiveDateTime,
) -> Result<LinkOutcome, PeopleError> {
    session::check_new_password(password, repeated)?;
    let hash = hash_password(password)?;
    let token_hash = hash_token(token);
    crate::db::write_transaction(conn, |conn| {
        let Some(person) = store::link_person(conn, &token_hash, now)? else {
            return Ok(LinkOutcome::Invalid);
        };
        if !store::use_link(conn, &token_hash, now)? {
            return Ok(LinkOutcome::Invalid);
        }
        store::set_password_hash(conn, person, &hash)?;
        store::delete_sessions_of(conn, person)?;
        Ok(LinkOutcome::Set)
    })
}

/// A session just begun: the id for the cookie (only its hash is stored).
#[derive(Debug)]
pub struct NewSession {
    pub id: String,
}

/// Checks an e-mail address and password; a new session when they match. An unknown address
/// costs the same Argon2 work as a wrong password, so the time taken does not tell which.
pub fn login(
    conn: &mut DbConnection,
    email: &str,
    password: &str,
    policy: &SessionPolicy,
    now: NaiveDateTime,
) -> Result<Option<NewSession>, PeopleError> {
    let person = match session::normalise_email(email) {
        Some(email) => store::person_by_email(conn, &email)?,
        None => None,
    };
    let stored = person.as_ref().and_then(|p| p.password_hash.clone());
    let matches = match &stored {
        Some(stored) => password_matches(password, stored),
        None => {
            let _ = hash_password(password);
            false
        }
    };
    match person {
        Some(person) if matches => Ok(Some(start_session(conn, person.id, policy, now)?)),
        _ => Ok(None),
    }
}

/// Begins a session for a person whose identity is established (by password here; by an
/// identity provider once single sign-on is added), with a fresh id and CSRF token, and clears
/// the person's expired sessions.
pub fn start_session(
    conn: &mut DbConnection,
    person: i64,
    policy: &SessionPolicy,
    now: NaiveDateTime,
) -> diesel::QueryResult<NewSession> {
    let id = new_secret();
    store::delete_expired_sessions_of(conn, person, now - policy.absolute, now - policy.idle)?;
    store::insert_session(conn, &hash_token(&id), person, &new_secret(), now)?;
    Ok(NewSession { id })
}

/// The person behind a live session.
#[derive(Debug, Clone)]
pub struct PersonSession {
    pub person_id: i64,
    pub email: String,
    pub name: String,
    pub organisation: Organisation,
    /// The token every form that changes something must carry.
    pub csrf_token: String,
}

/// The session with this id, if it is alive at `now`; its use is recorded now and then. An
/// expired session is removed.
pub fn session(
    conn: &mut DbConnection,
    id: &str,
    policy: &SessionPolicy,
    now: NaiveDateTime,
) -> diesel::QueryResult<Option<PersonSession>> {
    let id_hash = hash_token(id);
    let Some((row, person)) = store::session(conn, &id_hash)? else {
        return Ok(None);
    };
    if policy.state(row.created_at, row.last_seen_at, now) != SessionState::Alive {
        store::delete_session(conn, &id_hash)?;
        return Ok(None);
    }
    if policy.needs_touch(row.last_seen_at, now) {
        store::touch_session(conn, &id_hash, now)?;
    }
    let Some(organisation) = organisations::find(conn, &person.organisation_id)? else {
        return Ok(None);
    };
    Ok(Some(PersonSession {
        person_id: person.id,
        email: person.email,
        name: person.name,
        organisation,
        csrf_token: row.csrf_token,
    }))
}

/// Ends a session, for every instance at once (they all read it from the database).
pub fn logout(conn: &mut DbConnection, id: &str) -> diesel::QueryResult<()> {
    store::delete_session(conn, &hash_token(id))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_hash_is_argon2id_salted_and_verifies_only_its_password() {
        let one = hash_password("correct horse battery").unwrap();
        let two = hash_password("correct horse battery").unwrap();
        assert!(one.starts_with("$argon2id$"), "{one}");
        assert_ne!(one, two, "salted");
        assert!(password_matches("correct horse battery", &one));
        assert!(!password_matches("correct horse batterij", &one));
        assert!(!password_matches("correct horse battery", "not a hash"));
    }
}
