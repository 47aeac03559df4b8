//! Named write locks held until the end of the transaction.
//!
//! A writer touches one row per name in `write_locks`, in name order, before it reads anything.
//! On PostgreSQL the row locks serialise writers of the same corporation or municipality across
//! service instances (and the order rules out deadlocks); on SQLite the first write takes the
//! database's write lock, so a second writer waits on `busy_timeout` instead of failing late.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::write_locks;
use super::DbConnection;
use crate::on_backend;

/// The name of the write lock of a municipality's figures (its alerts, plans, publications).
pub fn municipality(code: &str) -> String {
    format!("municipality:{code}")
}

/// Takes the named locks, in sorted order. Call inside a transaction.
pub fn take(conn: &mut DbConnection, names: &[String], now: NaiveDateTime) -> QueryResult<()> {
    let mut sorted: Vec<&String> = names.iter().collect();
    sorted.sort();
    sorted.dedup();
    for name in sorted {
        on_backend!(conn, c => diesel::insert_into(write_locks::table)
            .values((write_locks::name.eq(name), write_locks::touched_at.eq(now)))
            .on_conflict_do_nothing()
            .execute(c)?);
        diesel::update(write_locks::table.filter(write_locks::name.eq(name)))
            .set(write_locks::touched_at.eq(now))
            .execute(conn)?;
    }
    Ok(())
}
