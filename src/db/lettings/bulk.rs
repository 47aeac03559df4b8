//! Bulk inserts for measurements only: new lettings written as plainly as the database allows,
//! with no lookups and no history. The ingest benchmark uses them as the ceiling it compares
//! the service against, and `quotamonitor generate` to write its synthetic data set; the
//! service itself writes through [`write_batch`](super::write_batch).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::letting_rows::{NewLetting, PreparedLetting, LETTING_COLUMNS};
use crate::db::month_counts::Deltas;
use crate::db::schema::lettings;
use crate::db::{BindLimit, DbConnection};
use crate::on_backend;

/// How [`insert_plain`] writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlainInsert {
    /// Multi-row `INSERT` statements sized to the bind limit.
    MultiRow,
    /// PostgreSQL binary `COPY` (multi-row inserts on SQLite, which has no COPY).
    Copy,
}

/// Inserts new lettings as plainly as the database allows, in one transaction, with no lookups
/// and no history. This is the ceiling the ingest benchmark compares the API against; the
/// service itself always goes through [`write_batch`](super::write_batch).
pub fn insert_plain(
    conn: &mut DbConnection,
    corporation: &str,
    batch: &[PreparedLetting],
    now: NaiveDateTime,
    method: PlainInsert,
) -> QueryResult<usize> {
    conn.transaction(|conn| {
        let rows: Vec<NewLetting> = batch
            .iter()
            .map(|l| NewLetting::of(corporation, l, now))
            .collect();
        match (conn, method) {
            (DbConnection::Postgresql(c), PlainInsert::Copy) => diesel::copy_from(lettings::table)
                .from_insertable(&rows)
                .execute(c),
            (conn, _) => on_backend!(conn, c => {
                let mut inserted = 0;
                for chunk in rows.chunks(c.bind_limit() / LETTING_COLUMNS) {
                    inserted += diesel::insert_into(lettings::table).values(chunk).execute(c)?;
                }
                Ok(inserted)
            }),
        }
    })
}

/// Counts lettings written with [`insert_plain`] into the per-month aggregate (the data-set
/// generator writes that way).
pub fn count_plain_inserts(
    conn: &mut DbConnection,
    corporation: &str,
    batch: &[PreparedLetting],
) -> QueryResult<()> {
    let mut deltas = Deltas::default();
    for l in batch {
        deltas.add(corporation, &l.data, &l.class, 1);
    }
    deltas.apply(conn)
}
