//! Stock snapshots: checking a posted snapshot (every problem of every row, in the problem
//! format of the lettings upload), storing it all or nothing (or trying it, `dry_run`), and
//! reading the figures and changes back through the privacy rule (`views`, `privacy`).

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::stock::{self as store, SnapshotWrite};
use crate::db::DbConnection;
use crate::domain::audit::{count, Actor, AuditAction, AuditEvent};
use crate::domain::problem::{cut, echo, Problem, ProblemList};
use crate::domain::stock::{validate_unit, RawUnit, Unit, UnitContext};
use crate::service::ingest::RawRecord;

mod changes;
mod figures;
mod privacy;
mod shared;
mod units;

pub use changes::{changes_between, ChangesBody, ScopeChanges, SignalsBody, UnitChangeBody};
pub use figures::{stock_at, EfgPathBody, ScopeFigures, StockBody};
pub use shared::DefinitionBody;
pub use units::{own_units, OwnUnitBody, OwnUnitsBody};

/// Checks every row of a snapshot; the units, or every problem (the first 1000 listed, all
/// counted). A unit code that appears twice is a problem too.
pub fn check_snapshot(
    records: &[RawRecord<RawUnit>],
    ctx: &UnitContext<'_>,
) -> Result<Vec<Unit>, ProblemList> {
    let mut problems = ProblemList::new();
    let mut units = Vec::with_capacity(records.len());
    let mut first_index: HashMap<&str, usize> = HashMap::with_capacity(records.len());
    for (index, record) in records.iter().enumerate() {
        let reference = record.raw.code_text().map(|r| cut(r).to_string());
        let problem = |field: Option<String>, message: String| Problem {
            index: Some(index),
            reference: reference.clone(),
            field,
            message,
            line: record.line,
        };
        if let Some(message) = &record.record_problem {
            problems.push(problem(None, message.clone()));
            continue;
        }
        if let Some(code) = record.raw.code_text() {
            if let Some(first) = first_index.get(code) {
                problems.push(problem(
                    Some("unit".into()),
                    format!(
                        "unit {:?} appears more than once in this snapshot (first at index {first}); send each unit once",
                        echo(code)
                    ),
                ));
            } else {
                first_index.insert(code, index);
            }
        }
        let mut checked = validate_unit(&record.raw, ctx);
        if !record.value_problems.is_empty() {
            let mut all = record.value_problems.clone();
            if let Err(found) = checked {
                all.extend(
                    found
                        .into_iter()
                        .filter(|p| !record.value_problems.iter().any(|r| r.field == p.field)),
                );
            }
            checked = Err(all);
        }
        match checked {
            Ok(unit) if problems.is_empty() => units.push(unit),
            Ok(_) => {}
            Err(found) if problems.has_room() => {
                for p in found {
                    problems.push(problem(p.field, p.message));
                }
            }
            Err(found) => problems.count(found.len()),
        }
        if !problems.is_empty() && units.capacity() > 0 {
            units = Vec::new();
        }
    }
    if problems.is_empty() {
        Ok(units)
    } else {
        Err(problems)
    }
}

/// Whether a snapshot is stored, or only tried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Commit {
    Yes,
    /// Everything a real post does, in its transaction, which is then rolled back.
    DryRun,
}

/// What a post of a snapshot did (or, with `dry_run`, would have done).
#[derive(Debug, Serialize, ToSchema)]
pub struct SnapshotBody {
    pub municipality: String,
    pub reference_date: NaiveDate,
    pub received: usize,
    /// Units the corporation had not posted before.
    pub created: usize,
    /// Units with a changed field: a new version was stored.
    pub updated: usize,
    /// Units identical to their stored version: nothing was stored for them.
    pub unchanged: usize,
    /// `created`, `replaced` (the snapshot of this date held other units or versions) or
    /// `unchanged` (posted again as it was: nothing was written).
    pub snapshot: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub dry_run: bool,
}

/// Stores a checked snapshot (or tries it), under the corporation's write lock, with its
/// counts in the audit trail.
#[allow(clippy::too_many_arguments)]
pub fn post_snapshot(
    conn: &mut DbConnection,
    actor: &Actor,
    corporation: &str,
    municipality: &str,
    reference_date: NaiveDate,
    units: &[Unit],
    now: NaiveDateTime,
    commit: Commit,
) -> diesel::QueryResult<SnapshotBody> {
    let outcome = crate::db::write_transaction(conn, |conn| {
        crate::db::locks::take(conn, &[format!("corporation:{corporation}")], now)?;
        let write =
            store::write_snapshot(conn, corporation, municipality, reference_date, units, now)?;
        let event = AuditEvent::new(
            AuditAction::StockSnapshotPosted,
            Some(municipality),
            format!("stock_snapshot:{reference_date}"),
        )
        .with("received", count(write.received))
        .with("created", count(write.created))
        .with("updated", count(write.updated))
        .with("unchanged", count(write.unchanged));
        crate::service::audit::record(conn, actor, &event, now)?;
        match commit {
            Commit::Yes => Ok(write),
            Commit::DryRun => Err(Unkept::RolledBack(write)),
        }
    });
    let write: SnapshotWrite = match outcome {
        Ok(write) | Err(Unkept::RolledBack(write)) => write,
        Err(Unkept::Failed(e)) => return Err(e),
    };
    Ok(SnapshotBody {
        municipality: municipality.to_string(),
        reference_date,
        received: write.received,
        created: write.created,
        updated: write.updated,
        unchanged: write.unchanged,
        snapshot: write.snapshot.as_str().to_string(),
        dry_run: commit == Commit::DryRun,
    })
}

/// Why a snapshot's transaction did not commit.
enum Unkept<T> {
    Failed(diesel::result::Error),
    RolledBack(T),
}

impl<T> From<diesel::result::Error> for Unkept<T> {
    fn from(e: diesel::result::Error) -> Self {
        Self::Failed(e)
    }
}
