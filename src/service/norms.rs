//! National norms as the running installation knows them: the built-in years of
//! `config/norms.toml` and the years an operator imported (`quotamonitor norms import`),
//! which every instance reads from the database. Importing a year reclassifies, in one
//! transaction, the lettings that were classified provisionally for it, and re-evaluates the
//! alerts their figures touch.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDateTime};

use crate::config::ReferenceData;
use crate::db::lettings::PreparedLetting;
use crate::db::month_counts::Deltas;
use crate::db::norms::{self as store, NormsRow};
use crate::db::{locks, DbConnection};
use crate::domain::money;
use crate::domain::norms::{NormsError, NormsTable, YearNorms};
use crate::service::alerts::{evaluate_touched, AlertChange};
use crate::service::ingest::reclassify;
use crate::service::webhooks;

/// The norms known now: the built-in years and the imported ones.
pub fn current(
    conn: &mut DbConnection,
    reference: &ReferenceData,
) -> diesel::QueryResult<NormsTable> {
    let imported = imported_table(conn)?;
    Ok(reference.norms.merged_with(&imported))
}

fn imported_table(conn: &mut DbConnection) -> diesel::QueryResult<NormsTable> {
    let years: Vec<YearNorms> = store::imported(conn)?.iter().map(year_of).collect();
    NormsTable::from_years(years).map_err(|e| {
        diesel::result::Error::DeserializationError(format!("stored national norms: {e}").into())
    })
}

fn year_of(row: &NormsRow) -> YearNorms {
    let e = money::from_cents;
    YearNorms {
        year: row.year,
        source: row.source.clone(),
        quality_discount_limit: e(row.quality_discount_limit_cents),
        rent_cap_low: e(row.rent_cap_low_cents),
        rent_cap_high: e(row.rent_cap_high_cents),
        social_rent_limit: e(row.social_rent_limit_cents),
        social_income_limit_single: e(row.social_income_limit_single_cents),
        social_income_limit_multi: e(row.social_income_limit_multi_cents),
        passend_income_limit_single: e(row.passend_income_limit_single_cents),
        passend_income_limit_single_pension: e(row.passend_income_limit_single_pension_cents),
        passend_income_limit_multi: e(row.passend_income_limit_multi_cents),
        passend_income_limit_multi_pension: e(row.passend_income_limit_multi_pension_cents),
    }
}

fn row_of(n: &YearNorms, now: NaiveDateTime) -> Result<NormsRow, NormsImportError> {
    let c = |amount| {
        money::to_cents(amount).ok_or_else(|| {
            NormsImportError::Invalid(format!(
                "{}: {amount} is not an amount in euros with at most two decimals",
                n.year
            ))
        })
    };
    Ok(NormsRow {
        year: n.year,
        source: n.source.clone(),
        quality_discount_limit_cents: c(n.quality_discount_limit)?,
        rent_cap_low_cents: c(n.rent_cap_low)?,
        rent_cap_high_cents: c(n.rent_cap_high)?,
        social_rent_limit_cents: c(n.social_rent_limit)?,
        social_income_limit_single_cents: c(n.social_income_limit_single)?,
        social_income_limit_multi_cents: c(n.social_income_limit_multi)?,
        passend_income_limit_single_cents: c(n.passend_income_limit_single)?,
        passend_income_limit_single_pension_cents: c(n.passend_income_limit_single_pension)?,
        passend_income_limit_multi_cents: c(n.passend_income_limit_multi)?,
        passend_income_limit_multi_pension_cents: c(n.passend_income_limit_multi_pension)?,
        imported_at: now,
    })
}

#[derive(Debug, thiserror::Error)]
pub enum NormsImportError {
    #[error("{0}")]
    File(#[from] NormsError),
    #[error("{0}")]
    Invalid(String),
    #[error("database: {0}")]
    Database(#[from] diesel::result::Error),
}

/// What an import did.
#[derive(Debug, Clone, Default)]
pub struct ImportOutcome {
    pub years: Vec<i32>,
    /// Lettings that were provisional and are now classified with their own year's norms.
    pub reclassified: usize,
    /// Lettings still provisional (their year is still missing).
    pub still_provisional: usize,
    pub alert_changes: Vec<AlertChange>,
}

/// Loads the years of a norms file (the layout of `config/norms.toml`) into the database and
/// reclassifies the provisional lettings, all in one transaction. A built-in year cannot be
/// replaced (a release ships it); a year before the earliest built-in one is refused (no
/// letting can be allocated in it). Importing a year again replaces the earlier import.
pub fn import(
    conn: &mut DbConnection,
    reference: &ReferenceData,
    text: &str,
    now: NaiveDateTime,
) -> Result<ImportOutcome, NormsImportError> {
    let file = NormsTable::from_toml(text)?;
    let earliest = reference.norms.years().next();
    let mut rows = Vec::new();
    for n in file.iter() {
        if reference.norms.for_year(n.year).is_some() {
            return Err(NormsImportError::Invalid(format!(
                "the norms for {} are built in; a release corrects them, an import cannot replace them",
                n.year
            )));
        }
        if earliest.is_some_and(|e| n.year < e) {
            return Err(NormsImportError::Invalid(format!(
                "{} is before {}, the first year the register holds",
                n.year,
                earliest.unwrap_or_default()
            )));
        }
        if n.source.trim().is_empty() {
            return Err(NormsImportError::Invalid(format!(
                "the norms for {} name no source; give the announcement or Staatscourant they come from",
                n.year
            )));
        }
        rows.push(row_of(n, now)?);
    }
    crate::db::write_transaction(conn, |conn| {
        // Every corporation's write lock: no batch classified with the old norms commits
        // after this reclassification, and none starts classifying until it is done.
        let names: Vec<String> = store::corporation_ids(conn)?
            .iter()
            .map(|c| format!("corporation:{c}"))
            .collect();
        locks::take(conn, &names, now)?;
        for row in &rows {
            store::store(conn, row)?;
        }
        let norms = current(conn, reference)?;
        let mut outcome = reclassify_provisional(conn, reference, &norms, now)?;
        outcome.years = rows.iter().map(|r| r.year).collect();
        Ok(outcome)
    })
}

/// Reclassifies every provisionally classified letting with `norms`, keeping the per-month
/// aggregates in step, and re-evaluates the alerts of every municipality-year whose figures
/// changed. Call inside a write transaction that holds the corporations' locks.
fn reclassify_provisional(
    conn: &mut DbConnection,
    reference: &ReferenceData,
    norms: &NormsTable,
    now: NaiveDateTime,
) -> Result<ImportOutcome, NormsImportError> {
    let mut outcome = ImportOutcome::default();
    let mut deltas = Deltas::default();
    let mut touched: BTreeSet<(String, i32)> = BTreeSet::new();
    for letting in store::provisional_lettings(conn)? {
        let Some(class) = reclassify(&letting.data, norms) else {
            continue;
        };
        if class.norms_provisional {
            outcome.still_provisional += 1;
        } else {
            outcome.reclassified += 1;
        }
        if class == letting.class {
            continue;
        }
        if !letting.withdrawn {
            deltas.add(&letting.corporation, &letting.data, &letting.class, -1);
            deltas.add(&letting.corporation, &letting.data, &class, 1);
            touched.insert((
                letting.data.municipality.clone(),
                letting.data.contract_start.year(),
            ));
        }
        store::set_classification(conn, letting.id, &class)?;
    }
    deltas.apply(conn)?;
    outcome.alert_changes = evaluate_touched(conn, reference, &touched, now)?;
    webhooks::enqueue(conn, &outcome.alert_changes, now)?;
    Ok(outcome)
}

/// A batch validated before the write lock was taken may have been classified provisionally
/// with norms that an import has since completed. Called under the lock, with the norms
/// read under it: the lettings whose classification changed, or `None` when none did.
pub fn settle_batch(batch: &[PreparedLetting], norms: &NormsTable) -> Option<Vec<PreparedLetting>> {
    if !batch.iter().any(|l| l.class.norms_provisional) {
        return None;
    }
    let settled: Vec<PreparedLetting> = batch
        .iter()
        .map(|l| {
            let mut l = l.clone();
            if l.class.norms_provisional {
                if let Some(class) = reclassify(&l.data, norms) {
                    l.class = class;
                }
            }
            l
        })
        .collect();
    Some(settled)
}

/// One year the installation knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownYear {
    pub year: i32,
    pub source: String,
    /// `None` for a built-in year; when it was imported otherwise.
    pub imported_at: Option<NaiveDateTime>,
}

/// Every year known, oldest first, built-in and imported.
pub fn list(
    conn: &mut DbConnection,
    reference: &ReferenceData,
) -> diesel::QueryResult<Vec<KnownYear>> {
    let mut years: Vec<KnownYear> = reference
        .norms
        .iter()
        .map(|n| KnownYear {
            year: n.year,
            source: n.source.clone(),
            imported_at: None,
        })
        .collect();
    for row in store::imported(conn)? {
        if reference.norms.for_year(row.year).is_none() {
            years.push(KnownYear {
                year: row.year,
                source: row.source,
                imported_at: Some(row.imported_at),
            });
        }
    }
    years.sort_by_key(|y| y.year);
    Ok(years)
}
