//! Letting records: the current version in `lettings`, every version in `letting_versions`.
//!
//! A batch is written in one transaction: new references are inserted, changed ones get a new
//! version, identical ones are left alone. Nothing is written when anything fails.

use std::collections::{BTreeSet, HashMap};

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::month_counts::Deltas;
use super::schema::{letting_versions, lettings};
use super::{BindLimit, DbConnection};
use crate::on_backend;

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

/// Columns written per `lettings` row (all but `id`).
const LETTING_COLUMNS: usize = 26;
/// References looked up per query when checking which already exist.
const LOOKUP_CHUNK: usize = 10_000;

/// The submitted facts of a letting in database form: money in cents.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = lettings)]
#[diesel(treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct LettingData {
    pub municipality: String,
    pub contract_start: NaiveDate,
    pub rent_cents: i64,
    pub household_size: i32,
    pub household_income_cents: i64,
    pub pension_age: bool,
    pub route: String,
    pub urgency: Option<String>,
    pub excluded_reason: Option<String>,
    pub passend_exception: bool,
}

/// The stored classification of a letting against its year's norms.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = lettings)]
pub struct ClassificationRow {
    pub contract_month: i32,
    pub norms_year: i32,
    pub is_social: bool,
    pub rent_class: String,
    pub is_counted: bool,
    pub within_rent_cap: bool,
    pub income_above_limit: bool,
    pub in_passend_denominator: bool,
    pub passend_compliant: bool,
    pub is_urgent: bool,
}

/// One validated and classified record, ready to store.
#[derive(Debug, Clone)]
pub struct PreparedLetting {
    pub reference: String,
    pub data: LettingData,
    pub class: ClassificationRow,
}

/// A new `lettings` row: flat, so PostgreSQL can take it through binary COPY, and owned, so
/// SQLite can insert it in statements diesel prepares once (a cached statement's type must
/// not borrow from the request). The copies cost about 35 MiB at 100000 lettings.
#[derive(Insertable)]
#[diesel(table_name = lettings)]
#[diesel(treat_none_as_default_value = false)]
struct NewLetting {
    corporation: String,
    reference: String,
    version: i32,
    withdrawn: bool,
    municipality: String,
    contract_start: NaiveDate,
    rent_cents: i64,
    household_size: i32,
    household_income_cents: i64,
    pension_age: bool,
    route: String,
    urgency: Option<String>,
    excluded_reason: Option<String>,
    passend_exception: bool,
    contract_month: i32,
    norms_year: i32,
    is_social: bool,
    rent_class: String,
    is_counted: bool,
    within_rent_cap: bool,
    income_above_limit: bool,
    in_passend_denominator: bool,
    passend_compliant: bool,
    is_urgent: bool,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl NewLetting {
    fn of(corporation: &str, l: &PreparedLetting, now: NaiveDateTime) -> Self {
        let (d, c) = (&l.data, &l.class);
        Self {
            corporation: corporation.to_string(),
            reference: l.reference.clone(),
            version: 1,
            withdrawn: false,
            municipality: d.municipality.clone(),
            contract_start: d.contract_start,
            rent_cents: d.rent_cents,
            household_size: d.household_size,
            household_income_cents: d.household_income_cents,
            pension_age: d.pension_age,
            route: d.route.clone(),
            urgency: d.urgency.clone(),
            excluded_reason: d.excluded_reason.clone(),
            passend_exception: d.passend_exception,
            contract_month: c.contract_month,
            norms_year: c.norms_year,
            is_social: c.is_social,
            rent_class: c.rent_class.clone(),
            is_counted: c.is_counted,
            within_rent_cap: c.within_rent_cap,
            income_above_limit: c.income_above_limit,
            in_passend_denominator: c.in_passend_denominator,
            passend_compliant: c.passend_compliant,
            is_urgent: c.is_urgent,
            created_at: now,
            updated_at: now,
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = letting_versions)]
#[diesel(treat_none_as_default_value = false)]
struct NewVersion {
    corporation: String,
    reference: String,
    version: i32,
    change: &'static str,
    withdrawn: bool,
    municipality: String,
    contract_start: NaiveDate,
    rent_cents: i64,
    household_size: i32,
    household_income_cents: i64,
    pension_age: bool,
    route: String,
    urgency: Option<String>,
    excluded_reason: Option<String>,
    passend_exception: bool,
    recorded_at: NaiveDateTime,
}

impl NewVersion {
    fn of(
        corporation: &str,
        reference: &str,
        version: i32,
        change: &'static str,
        withdrawn: bool,
        data: &LettingData,
        recorded_at: NaiveDateTime,
    ) -> Self {
        Self {
            corporation: corporation.to_string(),
            reference: reference.to_string(),
            version,
            change,
            withdrawn,
            municipality: data.municipality.clone(),
            contract_start: data.contract_start,
            rent_cents: data.rent_cents,
            household_size: data.household_size,
            household_income_cents: data.household_income_cents,
            pension_age: data.pension_age,
            route: data.route.clone(),
            urgency: data.urgency.clone(),
            excluded_reason: data.excluded_reason.clone(),
            passend_exception: data.passend_exception,
            recorded_at,
        }
    }
}

/// What a batch did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IngestCounts {
    pub received: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// A letting as stored now, with its classification.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = lettings)]
pub struct StoredLetting {
    pub corporation: String,
    pub reference: String,
    pub version: i32,
    pub withdrawn: bool,
    #[diesel(embed)]
    pub data: LettingData,
    #[diesel(embed)]
    pub class: ClassificationRow,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// One stored version of a letting.
#[derive(Debug, Clone, Queryable)]
pub struct LettingVersion {
    pub version: i32,
    pub change: String,
    pub withdrawn: bool,
    pub data: LettingData,
    pub recorded_at: NaiveDateTime,
}

/// What a write did, and which municipality-years it touched (for the alerts).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchWrite {
    pub counts: IngestCounts,
    /// Every (municipality, contract year) of a new, changed or previous version.
    pub touched: BTreeSet<(String, i32)>,
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
    };
    let mut new_rows = Vec::new();
    let mut versions = Vec::new();
    let mut deltas = Deltas::default();
    for letting in batch {
        let touched_now = (
            letting.data.municipality.clone(),
            letting.data.contract_start.year(),
        );
        match existing.get(&letting.reference) {
            None => {
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
                write.counts.unchanged += 1
            }
            Some((id, version, withdrawn, stored, stored_class)) => {
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

impl PartialEq for StoredLetting {
    fn eq(&self, other: &Self) -> bool {
        self.corporation == other.corporation
            && self.reference == other.reference
            && self.version == other.version
            && self.withdrawn == other.withdrawn
            && self.data == other.data
    }
}
impl Eq for StoredLetting {}

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
/// service itself always goes through [`write_batch`].
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
