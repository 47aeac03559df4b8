//! People of the web portal, their sessions and their one-time password links. Secrets are
//! stored only as hashes: a session id and a link token as SHA-256, a password as Argon2id.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{password_links, people, person_sessions};
use super::DbConnection;

/// A person as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = people)]
pub struct PersonRow {
    pub id: i64,
    pub organisation_id: String,
    pub email: String,
    pub name: String,
    pub password_hash: Option<String>,
    pub created_at: NaiveDateTime,
}

/// A session as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = person_sessions)]
pub struct SessionRow {
    pub id_hash: String,
    pub person_id: i64,
    pub csrf_token: String,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
}

/// Adds a person; their id.
pub fn insert_person(
    conn: &mut DbConnection,
    organisation: &str,
    email: &str,
    name: &str,
    password_hash: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(people::table)
        .values((
            people::organisation_id.eq(organisation),
            people::email.eq(email),
            people::name.eq(name),
            people::password_hash.eq(password_hash),
            people::created_at.eq(now),
        ))
        .execute(conn)?;
    people::table
        .filter(people::email.eq(email))
        .select(people::id)
        .first(conn)
}

pub fn person_by_email(conn: &mut DbConnection, email: &str) -> QueryResult<Option<PersonRow>> {
    people::table
        .filter(people::email.eq(email))
        .select(PersonRow::as_select())
        .first(conn)
        .optional()
}

pub fn person_by_id(conn: &mut DbConnection, id: i64) -> QueryResult<Option<PersonRow>> {
    people::table
        .find(id)
        .select(PersonRow::as_select())
        .first(conn)
        .optional()
}

pub fn set_password_hash(conn: &mut DbConnection, person: i64, hash: &str) -> QueryResult<()> {
    diesel::update(people::table.find(person))
        .set(people::password_hash.eq(hash))
        .execute(conn)?;
    Ok(())
}

pub fn insert_session(
    conn: &mut DbConnection,
    id_hash: &str,
    person: i64,
    csrf_token: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(person_sessions::table)
        .values((
            person_sessions::id_hash.eq(id_hash),
            person_sessions::person_id.eq(person),
            person_sessions::csrf_token.eq(csrf_token),
            person_sessions::created_at.eq(now),
            person_sessions::last_seen_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// A session and its person, by the hash of the session id.
pub fn session(
    conn: &mut DbConnection,
    id_hash: &str,
) -> QueryResult<Option<(SessionRow, PersonRow)>> {
    person_sessions::table
        .inner_join(people::table)
        .filter(person_sessions::id_hash.eq(id_hash))
        .select((SessionRow::as_select(), PersonRow::as_select()))
        .first(conn)
        .optional()
}

pub fn touch_session(
    conn: &mut DbConnection,
    id_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(person_sessions::table.find(id_hash))
        .set(person_sessions::last_seen_at.eq(now))
        .execute(conn)?;
    Ok(())
}

pub fn delete_session(conn: &mut DbConnection, id_hash: &str) -> QueryResult<usize> {
    diesel::delete(person_sessions::table.find(id_hash)).execute(conn)
}

/// Ends every session of a person (after a new password).
pub fn delete_sessions_of(conn: &mut DbConnection, person: i64) -> QueryResult<usize> {
    diesel::delete(person_sessions::table.filter(person_sessions::person_id.eq(person)))
        .execute(conn)
}

/// Removes a person's sessions begun before `created_before` or unused since `seen_before`:
/// expired ones, which no request can use any more.
pub fn delete_expired_sessions_of(
    conn: &mut DbConnection,
    person: i64,
    created_before: NaiveDateTime,
    seen_before: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::delete(
        person_sessions::table
            .filter(person_sessions::person_id.eq(person))
            .filter(
                person_sessions::created_at
                    .lt(created_before)
                    .or(person_sessions::last_seen_at.lt(seen_before)),
            ),
    )
    .execute(conn)
}

pub fn insert_link(
    conn: &mut DbConnection,
    token_hash: &str,
    person: i64,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(password_links::table)
        .values((
            password_links::token_hash.eq(token_hash),
            password_links::person_id.eq(person),
            password_links::created_at.eq(now),
            password_links::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// The person of an unused link that has not expired at `now`.
pub fn link_person(
    conn: &mut DbConnection,
    token_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<i64>> {
    password_links::table
        .filter(password_links::token_hash.eq(token_hash))
        .filter(password_links::used_at.is_null())
        .filter(password_links::expires_at.gt(now))
        .select(password_links::person_id)
        .first(conn)
        .optional()
}

/// Marks a link used, if it still was unused and valid; whether it was. The condition is in the
/// update itself, so of two requests with the same link only one succeeds.
pub fn use_link(
    conn: &mut DbConnection,
    token_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let changed = diesel::update(
        password_links::table
            .filter(password_links::token_hash.eq(token_hash))
            .filter(password_links::used_at.is_null())
            .filter(password_links::expires_at.gt(now)),
    )
    .set(password_links::used_at.eq(now))
    .execute(conn)?;
    Ok(changed == 1)
}
