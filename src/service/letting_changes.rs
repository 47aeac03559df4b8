//! Every change to letting records as one transaction: write the lettings, re-evaluate the
//! alerts of each municipality-year the change touched, and queue the alert changes for the
//! webhooks. Either all of it is committed or
//! none of it.

use chrono::NaiveDateTime;

use crate::config::ReferenceData;
use crate::db::lettings::{self, IngestCounts, PreparedLetting, WithdrawOutcome};
use crate::db::DbConnection;
use crate::domain::audit::{count, Actor, AuditAction, AuditEvent};
use crate::service::alerts::{evaluate_touched, AlertChange};
use crate::service::audit;
use crate::service::webhooks;
use crate::telemetry::metrics;

/// Stores a validated batch for a corporation and updates the alerts. The audit trail gets
/// one event per municipality the batch's records name, with that municipality's counts.
pub fn store_batch(
    conn: &mut DbConnection,
    reference: &ReferenceData,
    actor: &Actor,
    corporation: &str,
    batch: &[PreparedLetting],
    now: NaiveDateTime,
) -> diesel::QueryResult<(IngestCounts, Vec<AlertChange>)> {
    post_batch(conn, reference, actor, corporation, batch, now, Commit::Yes)
}

/// Whether a batch is stored, or only tried (`dry_run=true`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Commit {
    Yes,
    /// Everything a real post does, in its transaction, which is then rolled back: the counts
    /// and the alert changes are what a real post would have made, and nothing is kept.
    DryRun,
}

/// [`store_batch`], or its dry run: one code path, so a dry run answers exactly what the post
/// would, down to `unchanged` and a failure in the database.
pub fn post_batch(
    conn: &mut DbConnection,
    reference: &ReferenceData,
    actor: &Actor,
    corporation: &str,
    batch: &[PreparedLetting],
    now: NaiveDateTime,
    commit: Commit,
) -> diesel::QueryResult<(IngestCounts, Vec<AlertChange>)> {
    let outcome = crate::db::write_transaction(conn, |conn| {
        // Under the corporation's lock an import of norms cannot run; the norms read now are
        // the ones the batch is stored with.
        crate::db::locks::take(conn, &[format!("corporation:{corporation}")], now)?;
        let norms = super::norms::current(conn, reference)?;
        let settled = super::norms::settle_batch(batch, &norms);
        let batch = settled.as_deref().unwrap_or(batch);
        let write = lettings::write_batch(conn, corporation, batch, now)?;
        let changes = evaluate_touched(conn, reference, &write.touched, now)?;
        webhooks::enqueue(conn, &changes, now)?;
        if write.by_municipality.is_empty() {
            audit::record(conn, actor, &batch_event(None, &write.counts), now)?;
        }
        for (municipality, counts) in &write.by_municipality {
            audit::record(conn, actor, &batch_event(Some(municipality), counts), now)?;
        }
        match commit {
            Commit::Yes => Ok((write.counts, changes)),
            // An error is what makes the transaction roll back.
            Commit::DryRun => Err(Unkept::RolledBack((write.counts, changes))),
        }
    });
    match outcome {
        Ok(stored) => count_batch(Ok(stored)),
        Err(Unkept::RolledBack(tried)) => Ok(tried),
        Err(Unkept::Failed(e)) => Err(e),
    }
}

/// Why a batch's transaction did not commit.
enum Unkept<T> {
    Failed(diesel::result::Error),
    RolledBack(T),
}

impl<T> From<diesel::result::Error> for Unkept<T> {
    fn from(e: diesel::result::Error) -> Self {
        Self::Failed(e)
    }
}

/// A batch's audit event: its counts, never its records.
fn batch_event(municipality: Option<&str>, counts: &IngestCounts) -> AuditEvent {
    AuditEvent::new(AuditAction::LettingBatch, municipality, "lettings".into())
        .with("received", count(counts.received))
        .with("created", count(counts.created))
        .with("updated", count(counts.updated))
        .with("unchanged", count(counts.unchanged))
}

/// Withdraws a letting and updates the alerts.
pub fn withdraw(
    conn: &mut DbConnection,
    reference: &ReferenceData,
    actor: &Actor,
    corporation: &str,
    letting_reference: &str,
    now: NaiveDateTime,
) -> diesel::QueryResult<(WithdrawOutcome, Vec<AlertChange>)> {
    count_withdrawal(crate::db::write_transaction(conn, |conn| {
        let outcome = lettings::withdraw(conn, corporation, letting_reference, now)?;
        let changes = match &outcome {
            WithdrawOutcome::Withdrawn(l) => {
                let event = AuditEvent::new(
                    AuditAction::LettingWithdrawn,
                    Some(&l.data.municipality),
                    format!("letting:{letting_reference}"),
                )
                .with("withdrawn", 1)
                .with("version", i64::from(l.version));
                audit::record(conn, actor, &event, now)?;
                let touched = [(
                    l.data.municipality.clone(),
                    chrono::Datelike::year(&l.data.contract_start),
                )]
                .into();
                evaluate_touched(conn, reference, &touched, now)?
            }
            _ => Vec::new(),
        };
        webhooks::enqueue(conn, &changes, now)?;
        Ok((outcome, changes))
    }))
}

/// Recomputes the alerts of a municipality for a year from the lettings as they are.
pub fn recompute_alerts(
    conn: &mut DbConnection,
    reference: &ReferenceData,
    municipality: &str,
    year: i32,
    now: NaiveDateTime,
) -> diesel::QueryResult<Vec<AlertChange>> {
    count_changes(crate::db::write_transaction(conn, |conn| {
        let touched = [(municipality.to_string(), year)].into();
        let changes = evaluate_touched(conn, reference, &touched, now)?;
        webhooks::enqueue(conn, &changes, now)?;
        Ok(changes)
    }))
}

/// Counts a committed batch for `/metrics`; a rolled-back one changed nothing.
fn count_batch(
    result: diesel::QueryResult<(IngestCounts, Vec<AlertChange>)>,
) -> diesel::QueryResult<(IngestCounts, Vec<AlertChange>)> {
    if let Ok((counts, changes)) = &result {
        metrics::lettings_stored("created", counts.created);
        metrics::lettings_stored("updated", counts.updated);
        metrics::lettings_stored("unchanged", counts.unchanged);
        count_alert_changes(changes);
    }
    result
}

fn count_withdrawal(
    result: diesel::QueryResult<(WithdrawOutcome, Vec<AlertChange>)>,
) -> diesel::QueryResult<(WithdrawOutcome, Vec<AlertChange>)> {
    if let Ok((outcome, changes)) = &result {
        if matches!(outcome, WithdrawOutcome::Withdrawn(_)) {
            metrics::lettings_stored("withdrawn", 1);
        }
        count_alert_changes(changes);
    }
    result
}

fn count_changes(
    result: diesel::QueryResult<Vec<AlertChange>>,
) -> diesel::QueryResult<Vec<AlertChange>> {
    if let Ok(changes) = &result {
        count_alert_changes(changes);
    }
    result
}

fn count_alert_changes(changes: &[AlertChange]) {
    for change in changes {
        metrics::alert_changed(change.change, change.level);
    }
}
