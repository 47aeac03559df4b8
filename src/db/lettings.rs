//! Letting records: the current version in `lettings`, every version in `letting_versions`.
//!
//! A batch is written in one transaction: new references are inserted, changed ones get a new
//! version, identical ones are left alone. Nothing is written when anything fails.
//!
//! The queries are here; the row types are in [`super::letting_rows`] (shared with the
//! per-month aggregates) and the bench-only bulk inserts in `bulk`. Both are re-exported, so
//! `db::lettings::X` names every one.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Datelike, NaiveDateTime};
use diesel::prelude::*;

use super::letting_rows::{NewLetting, NewVersion};
use super::month_counts::Deltas;
use super::schema::{letting_versions, lettings};
use super::DbConnection;
use crate::on_backend;

mod bulk;

pub use super::letting_rows::{
    ClassificationRow, LettingData, LettingVersion, PreparedLetting, StoredLetting,
};
pub use bulk::{count_plain_inserts, insert_plain, PlainInsert};

/// Rows per statement when SQLite inserts a batch. Statements of a fixed number of rows are
/// prepared once and reused (diesel caches them by type); statements sized to the bind limit
/// vary with each batch and SQLite parses every one anew, which perf put at a fifth of the
/// ingest time on 100000 lettings.
pub const SQLITE_ROWS_PER_STATEMENT: usize = 64;

/// Inserts `$rows` on SQLite in statements of [`SQLITE_ROWS_PER_STATEMENT`] rows, the rest in
/// one last statement. Evaluates to the number of rows inserted.
macro_rules! insert_in_cached_statements {
    ($conn:expr, $table:expr, $rows:expr) => {{
        let mut chunks = $rows.chunks_exact(SQLITE_ROWS_PER_STATEMENT);
        let mut inserted = 0;
        for chunk in &mut chunks {
            let rows = <&[_; SQLITE_ROWS_PER_STATEMENT]>::try_from(chunk).map_err(|_| {
                diesel::result::Error::QueryBuilderError("a chunk of the wrong length".into())
            })?;
            inserted += diesel::insert_into($table).values(rows).execute($conn)?;
        }
        if !chunks.remainder().is_empty() {
            inserted += diesel::insert_into($table)
                .values(chunks.remainder())
                .execute($conn)?;
        }
        inserted
    }};
}

/// References looked up per query when checking which already exist.
const LOOKUP_CHUNK: usize = 10_000;

/// What a batch did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IngestCounts {
    pub received: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// What a write did, and which municipality-years it touched (for the alerts).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchWrite {
    pub counts: IngestCounts,
    /// Every (municipality, contract year) of a new, changed or previous version.
    pub touched: BTreeSet<(String, i32)>,
    /// The counts split by the municipality each record names (for the audit trail, which
    /// shows a municipality only its own part of a batch).
    pub by_municipality: BTreeMap<String, IngestCounts>,
}

/// Writes a validated batch for one corporation. Call it inside a transaction: it takes the
/// corporation's write lock first, and leaves committing (or rolling back) to the caller.
pub fn write_batch(
    conn: &mut DbConnection,
    corporation: &str,
    batch: &[PreparedLetting],
    now: NaiveDateTime,
) -> QueryResult<BatchWrite> {
    super::locks::take(conn, &[format!("corporation:{corporation}")], now)?;
    let mut existing: HashMap<String, (i64, i32, bool, LettingData, ClassificationRow)> =
        HashMap::with_capacity(batch.len());
    let references: Vec<&str> = batch.iter().map(|l| l.reference.as_str()).collect();
    for chunk in references.chunks(LOOKUP_CHUNK) {
        let rows: Vec<(i64, String, i32, bool, LettingData, ClassificationRow)> = on_backend!(conn, c => lettings::table
            .filter(lettings::corporation.eq(corporation))
            .filter(lettings::reference.eq_any(chunk))
            .select((lettings::id, lettings::reference, lettings::version, lettings::withdrawn, LettingData::as_select(), ClassificationRow::as_select()))
            .load(c)?);
        for (id, reference, version, withdrawn, data, class) in rows {
            existing.insert(reference, (id, version, withdrawn, data, class));
        }
    }

    let mut write = BatchWrite {
        counts: IngestCounts {
            received: batch.len(),
            ..IngestCounts::default()
        },
        touched: BTreeSet::new(),
        by_municipality: BTreeMap::new(),
    };
    let mut new_rows = Vec::new();
    let mut versions = Vec::new();
    let mut deltas = Deltas::default();
    for letting in batch {
        let touched_now = (
            letting.data.municipality.clone(),
            letting.data.contract_start.year(),
        );
        if !write
            .by_municipality
            .contains_key(&letting.data.municipality)
        {
            write
                .by_municipality
                .insert(letting.data.municipality.clone(), IngestCounts::default());
        }
        let part = write
            .by_municipality
            .get_mut(&letting.data.municipality)
            .ok_or_else(|| {
                diesel::result::Error::QueryBuilderError("a municipality's counts vanished".into())
            })?;
        part.received += 1;
        match existing.get(&letting.reference) {
            None => {
                part.created += 1;
                write.counts.created += 1;
                write.touched.insert(touched_now);
                deltas.add(corporation, &letting.data, &letting.class, 1);
                new_rows.push(NewLetting::of(corporation, letting, now));
                versions.push(NewVersion::of(
                    corporation,
                    &letting.reference,
                    1,
                    "created",
                    false,
                    &letting.data,
                    now,
                ));
            }
            Some((_, _, false, stored, _)) if *stored == letting.data => {
                part.unchanged += 1;
                write.counts.unchanged += 1
            }
            Some((id, version, withdrawn, stored, stored_class)) => {
                part.updated += 1;
                write.counts.updated += 1;
                if !*withdrawn {
                    deltas.add(corporation, stored, stored_class, -1);
                }
                deltas.add(corporation, &letting.data, &letting.class, 1);
                write.touched.insert(touched_now);
                write
                    .touched
                    .insert((stored.municipality.clone(), stored.contract_start.year()));
                let change = if *withdrawn { "reinstated" } else { "updated" };
                diesel::update(lettings::table.filter(lettings::id.eq(*id)))
                    .set((
                        &letting.data,
                        &letting.class,
                        lettings::version.eq(version + 1),
                        lettings::withdrawn.eq(false),
                        lettings::updated_at.eq(now),
                    ))
                    .execute(conn)?;
                versions.push(NewVersion::of(
                    corporation,
                    &letting.reference,
                    version + 1,
                    change,
                    false,
                    &letting.data,
                    now,
                ));
            }
        }
    }
    deltas.apply(conn)?;
    match conn {
        // PostgreSQL takes many rows fastest through COPY (binary), within the transaction.
        DbConnection::Postgresql(c) => {
            if !new_rows.is_empty() {
                diesel::copy_from(lettings::table)
                    .from_insertable(&new_rows)
                    .execute(c)?;
            }
            if !versions.is_empty() {
                diesel::copy_from(letting_versions::table)
                    .from_insertable(&versions)
                    .execute(c)?;
            }
        }
        DbConnection::Sqlite(c) => {
            insert_in_cached_statements!(c, lettings::table, &new_rows);
            insert_in_cached_statements!(c, letting_versions::table, &versions);
        }
    }
    Ok(write)
}

/// The current version of one of a corporation's lettings.
pub fn find(
    conn: &mut DbConnection,
    corporation: &str,
    reference: &str,
) -> QueryResult<Option<StoredLetting>> {
    lettings::table
        .filter(lettings::corporation.eq(corporation))
        .filter(lettings::reference.eq(reference))
        .select(StoredLetting::as_select())
        .first(conn)
        .optional()
}

/// Every version of one of a corporation's lettings, oldest first.
pub fn history(
    conn: &mut DbConnection,
    corporation: &str,
    reference: &str,
) -> QueryResult<Vec<LettingVersion>> {
    use letting_versions as v;
    v::table
        .filter(v::corporation.eq(corporation))
        .filter(v::reference.eq(reference))
        .order(v::version.asc())
        .select((
            v::version,
            v::change,
            v::withdrawn,
            (
                v::municipality,
                v::contract_start,
                v::rent_cents,
                v::household_size,
                v::household_income_cents,
                v::pension_age,
                v::route,
                v::urgency,
                v::excluded_reason,
                v::passend_exception,
                v::allocation_date,
                v::status_holder,
            ),
            v::recorded_at,
        ))
        .load(conn)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WithdrawOutcome {
    NotFound,
    AlreadyWithdrawn(StoredLetting),
    Withdrawn(StoredLetting),
}

/// Withdraws a letting: it leaves every quota and its history gains a version. Call it inside
/// a transaction; it takes the corporation's write lock first.
pub fn withdraw(
    conn: &mut DbConnection,
    corporation: &str,
    reference: &str,
    now: NaiveDateTime,
) -> QueryResult<WithdrawOutcome> {
    super::locks::take(conn, &[format!("corporation:{corporation}")], now)?;
    let Some(mut current) = find(conn, corporation, reference)? else {
        return Ok(WithdrawOutcome::NotFound);
    };
    if current.withdrawn {
        return Ok(WithdrawOutcome::AlreadyWithdrawn(current));
    }
    current.version += 1;
    current.withdrawn = true;
    current.updated_at = now;
    diesel::update(
        lettings::table
            .filter(lettings::corporation.eq(corporation))
            .filter(lettings::reference.eq(reference)),
    )
    .set((
        lettings::version.eq(current.version),
        lettings::withdrawn.eq(true),
        lettings::updated_at.eq(now),
    ))
    .execute(conn)?;
    let mut deltas = Deltas::default();
    deltas.add(corporation, &current.data, &current.class, -1);
    deltas.apply(conn)?;
    let version = NewVersion::of(
        corporation,
        reference,
        current.version,
        "withdrawn",
        true,
        &current.data,
        now,
    );
    on_backend!(conn, c => diesel::insert_into(letting_versions::table).values(&version).execute(c)?);
    Ok(WithdrawOutcome::Withdrawn(current))
}
