//! Stock snapshots: every version of a corporation's units in `stock_unit_versions` (a new
//! version only when the fields differ from every stored version), the snapshots per municipality and reference date in
//! `stock_snapshots`, and which version of each unit a snapshot holds in
//! `stock_snapshot_units`. Posting the same snapshot again writes nothing.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{stock_snapshot_units, stock_snapshots, stock_unit_versions};
use super::DbConnection;
use crate::domain::stock::Unit;
use crate::on_backend;

mod rows;

pub use rows::UnitData;
use rows::{Member, NewVersion};

/// Rows per statement when SQLite inserts: fixed-size statements are prepared once and reused
/// (as for lettings, `db::lettings::SQLITE_ROWS_PER_STATEMENT`).
const ROWS_PER_STATEMENT: usize = 64;

macro_rules! insert_in_fixed_statements {
    ($conn:expr, $table:expr, $rows:expr) => {{
        let mut chunks = $rows.chunks_exact(ROWS_PER_STATEMENT);
        for chunk in &mut chunks {
            let rows = <&[_; ROWS_PER_STATEMENT]>::try_from(chunk).map_err(|_| {
                diesel::result::Error::QueryBuilderError("a chunk of the wrong length".into())
            })?;
            diesel::insert_into($table).values(rows).execute($conn)?;
        }
        if !chunks.remainder().is_empty() {
            diesel::insert_into($table)
                .values(chunks.remainder())
                .execute($conn)?;
        }
    }};
}

/// The stored versions of one unit: the latest number, and each version by its digest.
#[derive(Debug, Default)]
struct Stored {
    latest: i32,
    versions: HashMap<String, i32>,
}

/// What a post of a snapshot did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SnapshotWrite {
    pub received: usize,
    /// Units the corporation had not posted before.
    pub created: usize,
    /// Units with a new version.
    pub updated: usize,
    /// Units equal to a stored version (the latest, or an earlier one): nothing stored.
    pub unchanged: usize,
    /// The snapshot: `created`, `replaced` (it held other versions or units) or `unchanged`.
    pub snapshot: SnapshotOutcome,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SnapshotOutcome {
    #[default]
    Created,
    Replaced,
    Unchanged,
}

impl SnapshotOutcome {
    pub fn as_str(&self) -> &'static str {
        match self {
            SnapshotOutcome::Created => "created",
            SnapshotOutcome::Replaced => "replaced",
            SnapshotOutcome::Unchanged => "unchanged",
        }
    }
}

/// Writes a valid snapshot of one corporation in one municipality. Call it inside a
/// transaction, under the corporation's write lock.
pub fn write_snapshot(
    conn: &mut DbConnection,
    corporation: &str,
    municipality: &str,
    reference_date: NaiveDate,
    units: &[Unit],
    now: NaiveDateTime,
) -> QueryResult<SnapshotWrite> {
    use stock_unit_versions as v;
    // Every stored version of each unit: a posted unit equal to any of them (a snapshot of an
    // earlier date posted again after a later one) is that version, not a new one.
    let mut stored: HashMap<String, Stored> = HashMap::new();
    for (code, version, digest) in v::table
        .filter(v::corporation.eq(corporation))
        .select((v::unit_code, v::version, v::digest))
        .load::<(String, i32, String)>(conn)?
    {
        let entry = stored.entry(code).or_default();
        entry.latest = entry.latest.max(version);
        entry.versions.insert(digest, version);
    }
    let mut write = SnapshotWrite {
        received: units.len(),
        ..SnapshotWrite::default()
    };
    let mut versions = Vec::new();
    let mut members: HashMap<&str, i32> = HashMap::with_capacity(units.len());
    for unit in units {
        let data = UnitData::of(unit);
        let digest = data.digest();
        let known = stored.get(&unit.code);
        let version = match known.and_then(|k| k.versions.get(&digest)) {
            Some(version) => {
                write.unchanged += 1;
                *version
            }
            None => {
                let version = match known {
                    Some(k) => {
                        write.updated += 1;
                        k.latest + 1
                    }
                    None => {
                        write.created += 1;
                        1
                    }
                };
                versions.push(NewVersion::of(
                    corporation,
                    &unit.code,
                    version,
                    data,
                    digest,
                    now,
                ));
                version
            }
        };
        members.insert(&unit.code, version);
    }
    match conn {
        DbConnection::Postgresql(c) => {
            if !versions.is_empty() {
                diesel::copy_from(v::table)
                    .from_insertable(&versions)
                    .execute(c)?;
            }
        }
        DbConnection::Sqlite(c) => insert_in_fixed_statements!(c, v::table, &versions),
    }
    write.snapshot = write_members(
        conn,
        corporation,
        municipality,
        reference_date,
        &members,
        now,
    )?;
    Ok(write)
}

/// Stores which versions the snapshot holds: nothing when it already holds exactly these.
fn write_members(
    conn: &mut DbConnection,
    corporation: &str,
    municipality: &str,
    reference_date: NaiveDate,
    members: &HashMap<&str, i32>,
    now: NaiveDateTime,
) -> QueryResult<SnapshotOutcome> {
    use stock_snapshot_units as m;
    use stock_snapshots as s;
    let existing: Option<i64> = s::table
        .filter(s::corporation.eq(corporation))
        .filter(s::municipality.eq(municipality))
        .filter(s::reference_date.eq(reference_date))
        .select(s::id)
        .first(conn)
        .optional()?;
    let count = i64::try_from(members.len()).unwrap_or(i64::MAX);
    let (id, outcome) = match existing {
        Some(id) => {
            let held: HashMap<String, i32> = m::table
                .filter(m::snapshot_id.eq(id))
                .select((m::unit_code, m::version))
                .load::<(String, i32)>(conn)?
                .into_iter()
                .collect();
            let same = held.len() == members.len()
                && members
                    .iter()
                    .all(|(code, version)| held.get(*code) == Some(version));
            if same {
                return Ok(SnapshotOutcome::Unchanged);
            }
            diesel::delete(m::table.filter(m::snapshot_id.eq(id))).execute(conn)?;
            diesel::update(s::table.filter(s::id.eq(id)))
                .set((s::units.eq(count), s::updated_at.eq(now)))
                .execute(conn)?;
            (id, SnapshotOutcome::Replaced)
        }
        None => {
            let values = (
                s::corporation.eq(corporation),
                s::municipality.eq(municipality),
                s::reference_date.eq(reference_date),
                s::units.eq(count),
                s::posted_at.eq(now),
                s::updated_at.eq(now),
            );
            let id: i64 = on_backend!(conn, c => diesel::insert_into(s::table)
                .values(values)
                .returning(s::id)
                .get_result(c)?);
            (id, SnapshotOutcome::Created)
        }
    };
    let mut rows: Vec<Member> = members
        .iter()
        .map(|(code, version)| Member {
            snapshot_id: id,
            unit_code: code.to_string(),
            version: *version,
        })
        .collect();
    rows.sort_by(|a, b| a.unit_code.cmp(&b.unit_code));
    match conn {
        DbConnection::Postgresql(c) => {
            if !rows.is_empty() {
                diesel::copy_from(m::table)
                    .from_insertable(&rows)
                    .execute(c)?;
            }
        }
        DbConnection::Sqlite(c) => insert_in_fixed_statements!(c, m::table, &rows),
    }
    Ok(outcome)
}

/// A stored snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = stock_snapshots)]
pub struct SnapshotRow {
    pub id: i64,
    pub corporation: String,
    pub municipality: String,
    pub reference_date: NaiveDate,
    pub units: i64,
    pub posted_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Every snapshot of a municipality, by corporation and reference date.
pub fn snapshots(conn: &mut DbConnection, municipality: &str) -> QueryResult<Vec<SnapshotRow>> {
    use stock_snapshots as s;
    s::table
        .filter(s::municipality.eq(municipality))
        .order((s::corporation.asc(), s::reference_date.asc()))
        .select(SnapshotRow::as_select())
        .load(conn)
}

/// The units a snapshot holds, each as the version it holds; `None` for a stored row the rules
/// cannot read (not expected).
pub fn snapshot_units(conn: &mut DbConnection, snapshot: &SnapshotRow) -> QueryResult<Vec<Unit>> {
    use stock_snapshot_units as m;
    use stock_unit_versions as v;
    let rows: Vec<(String, UnitData)> = m::table
        .inner_join(
            v::table.on(v::unit_code
                .eq(m::unit_code)
                .and(v::version.eq(m::version))
                .and(v::corporation.eq(&snapshot.corporation))),
        )
        .filter(m::snapshot_id.eq(snapshot.id))
        .order(m::unit_code.asc())
        .select((m::unit_code, UnitData::as_select()))
        .load(conn)?;
    rows.iter()
        .map(|(code, data)| {
            data.to_unit(code).ok_or_else(|| {
                diesel::result::Error::DeserializationError(
                    format!("stored unit {code} has a code the rules do not know").into(),
                )
            })
        })
        .collect()
}

/// How many versions the corporation's units have in all (tests and benchmarks).
pub fn version_count(conn: &mut DbConnection, corporation: &str) -> QueryResult<i64> {
    use stock_unit_versions as v;
    v::table
        .filter(v::corporation.eq(corporation))
        .count()
        .get_result(conn)
}

/// Inserts units as new versions as plainly as the database allows (PostgreSQL COPY, SQLite
/// fixed-size multi-row statements), with no lookup, no comparison and no snapshot: the
/// ceiling the stock benchmark compares a posted snapshot against. Not used by the service.
pub fn insert_plain(
    conn: &mut DbConnection,
    corporation: &str,
    units: &[Unit],
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let rows: Vec<NewVersion> = units
        .iter()
        .map(|u| {
            let data = UnitData::of(u);
            let digest = data.digest();
            NewVersion::of(corporation, &u.code, 1, data, digest, now)
        })
        .collect();
    conn.transaction(|conn| {
        match conn {
            DbConnection::Postgresql(c) => {
                diesel::copy_from(stock_unit_versions::table)
                    .from_insertable(&rows)
                    .execute(c)?;
            }
            DbConnection::Sqlite(c) => {
                insert_in_fixed_statements!(c, stock_unit_versions::table, &rows)
            }
        }
        Ok(rows.len())
    })
}
