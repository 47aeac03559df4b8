//! Declaring a month complete (gereedmelding) and the completeness of a year: per corporation
//! and month, `declared`, `stale`, `missing`, `late` or `future` (`domain::submission`).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, SubsecRound, Utc};
use diesel::QueryResult;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::organisations::organisations_of_municipality;
use crate::db::submissions::{self as store, NewSubmission, RecordRow, SubmissionRow};
use crate::db::{write_transaction, DbConnection};
use crate::domain::audit::{count, Actor, AuditAction, AuditEvent};
use crate::domain::organisation::OrgKind;
use crate::domain::period::month_key;
use crate::domain::small_numbers::Viewer;
use crate::domain::submission::{month_digest, month_state, CanonicalRecord, Month, MonthDigest};
use crate::service::audit;

/// The receipt of a declaration (ontvangstbewijs).
#[derive(Debug, Serialize, ToSchema)]
pub struct ReceiptBody {
    pub municipality: String,
    pub corporation: String,
    /// `YYYY-MM`.
    pub month: String,
    /// The corporation's current (not withdrawn) lettings of the municipality with their
    /// contract start in the month.
    pub lettings: usize,
    /// SHA-256, lowercase hexadecimal, of those lettings in the canonical form of the API
    /// guide ("Declaring a month complete"): recompute it from your own records to check.
    pub digest: String,
    pub declared_at: DateTime<Utc>,
}

fn canonical(row: RecordRow) -> CanonicalRecord {
    let d = row.data;
    CanonicalRecord {
        reference: row.reference,
        municipality: d.municipality,
        contract_start: d.contract_start,
        rent_cents: d.rent_cents,
        household_size: d.household_size,
        household_income_cents: d.household_income_cents,
        pension_age: d.pension_age,
        route: d.route,
        urgency: d.urgency,
        excluded_reason: d.excluded_reason,
        passend_exception: d.passend_exception,
        allocation_date: d.allocation_date,
        status_holder: d.status_holder,
    }
}

/// Declares `month` of `municipality` complete for `corporation`: the digest of its records
/// as they are in this transaction, stored with the audit event.
pub fn declare(
    conn: &mut DbConnection,
    actor: &Actor,
    corporation: &str,
    municipality: &str,
    month: Month,
    now: NaiveDateTime,
) -> QueryResult<ReceiptBody> {
    // PostgreSQL keeps microseconds: the receipt states the moment as it is stored.
    let now = now.trunc_subsecs(6);
    write_transaction(conn, |conn| {
        let rows = store::current_records(
            conn,
            municipality,
            Some(corporation),
            month.first_day(),
            month.last_day(),
        )?;
        let MonthDigest { lettings, digest } =
            month_digest(rows.into_iter().map(canonical).collect());
        let row = store::insert(
            conn,
            &NewSubmission {
                municipality,
                corporation,
                month: month.key(),
                lettings: count(lettings),
                digest: &digest,
                token_id: actor.token_id,
                declared_at: now,
            },
        )?;
        let event = AuditEvent::new(
            AuditAction::SubmissionDeclared,
            Some(municipality),
            format!("submission:{month}"),
        )
        .with("submission", row.id)
        .with("lettings", count(lettings));
        audit::record(conn, actor, &event, now)?;
        Ok(ReceiptBody {
            municipality: municipality.to_string(),
            corporation: corporation.to_string(),
            month: month.to_string(),
            lettings,
            digest,
            declared_at: row.declared_at.and_utc(),
        })
    })
}

/// A corporation's receipts, newest first (the last `limit`): what it declared and when.
pub fn receipts(
    conn: &mut DbConnection,
    corporation: &str,
    limit: i64,
) -> QueryResult<Vec<ReceiptBody>> {
    Ok(store::of_corporation(conn, corporation, limit)?
        .into_iter()
        .map(|row| ReceiptBody {
            municipality: row.municipality,
            corporation: row.corporation,
            month: Month::from_key(row.month)
                .map(|m| m.to_string())
                .unwrap_or_else(|| row.month.to_string()),
            lettings: usize::try_from(row.lettings).unwrap_or(0),
            digest: row.digest,
            declared_at: row.declared_at.and_utc(),
        })
        .collect())
}

/// One month of a corporation.
#[derive(Debug, Serialize, ToSchema)]
pub struct MonthCompleteness {
    /// `YYYY-MM`.
    pub month: String,
    /// `declared`, `stale`, `missing`, `late` or `future`.
    pub state: String,
    /// When the latest declaration of the month was made; null when there is none.
    pub declared_at: Option<DateTime<Utc>>,
    /// The corporation's current lettings of the month. Only for the municipality and the
    /// corporation itself; absent for every other reader, who sees states, not counts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lettings: Option<usize>,
}

/// The year of one corporation registered for the municipality.
#[derive(Debug, Serialize, ToSchema)]
pub struct CorporationCompleteness {
    pub corporation: String,
    /// Every month of the year `declared` (and none stale).
    pub complete: bool,
    /// January to December.
    pub months: Vec<MonthCompleteness>,
}

/// Which corporation declared which month of a year.
#[derive(Debug, Serialize, ToSchema)]
pub struct CompletenessBody {
    pub municipality: String,
    pub year: i32,
    /// The agreement's data deadline for this year: from this day on, a month of the year that
    /// is not declared is `late`.
    #[schema(value_type = String, format = Date)]
    pub deadline: NaiveDate,
    /// The day the states are judged for (today unless `on` was given).
    #[schema(value_type = String, format = Date)]
    pub on: NaiveDate,
    /// Every corporation registered for the municipality, by id.
    pub corporations: Vec<CorporationCompleteness>,
}

/// The completeness of `year` of `municipality` on the day `on`, as `viewer` may see it.
/// Declarations and records are read as they are now, in one snapshot.
pub fn completeness(
    conn: &mut DbConnection,
    municipality: &str,
    year: i32,
    deadline: NaiveDate,
    on: NaiveDate,
    viewer: &Viewer,
) -> QueryResult<CompletenessBody> {
    let (corporations, declarations, records) = store::in_snapshot(conn, |conn| {
        let corporations: Vec<String> = organisations_of_municipality(conn, municipality)?
            .into_iter()
            .filter(|o| o.kind == OrgKind::Corporation)
            .map(|o| o.id)
            .collect();
        let first = Month { year, month: 1 };
        let last = Month { year, month: 12 };
        let declarations = store::of_months(conn, municipality, first.key(), last.key())?;
        let records =
            store::current_records(conn, municipality, None, first.first_day(), last.last_day())?;
        Ok((corporations, declarations, records))
    })?;

    // The latest declaration per corporation and month (rows come oldest first).
    let latest: BTreeMap<(String, i32), SubmissionRow> = declarations
        .into_iter()
        .map(|d| ((d.corporation.clone(), d.month), d))
        .collect();
    let mut by_month: BTreeMap<(String, i32), Vec<CanonicalRecord>> = BTreeMap::new();
    for row in records {
        let key = (row.corporation.clone(), month_key(row.data.contract_start));
        by_month.entry(key).or_default().push(canonical(row));
    }

    let corporations = corporations
        .into_iter()
        .map(|corporation| {
            let sees_counts = match viewer {
                Viewer::Exact => true,
                Viewer::Corporation(id) => *id == corporation,
                Viewer::Protected => false,
            };
            let mut complete = true;
            let months: Vec<MonthCompleteness> = Month::of_year(year)
                .map(|month| {
                    let key = (corporation.clone(), month.key());
                    let records = by_month.remove(&key).unwrap_or_default();
                    let lettings = records.len();
                    let declaration = latest.get(&key);
                    // Hash only what was declared: an undeclared month's digest decides nothing.
                    let current = declaration.map(|d| month_digest(records).digest == d.digest);
                    let state = month_state(month, on, deadline, current);
                    complete &= state.is_complete();
                    MonthCompleteness {
                        month: month.to_string(),
                        state: state.as_str().to_string(),
                        declared_at: declaration.map(|d| d.declared_at.and_utc()),
                        lettings: sees_counts.then_some(lettings),
                    }
                })
                .collect();
            CorporationCompleteness {
                complete,
                corporation,
                months,
            }
        })
        .collect();
    Ok(CompletenessBody {
        municipality: municipality.to_string(),
        year,
        deadline,
        on,
        corporations,
    })
}
