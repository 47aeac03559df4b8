//! A corporation's own lettings as it reads them back: the stored letting with its
//! classification and, when asked, every version; and the counts of a stored batch.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::QueryResult;
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::lettings::{
    self as store, IngestCounts, LettingVersion, StoredLetting, WithdrawOutcome,
};
use crate::db::DbConnection;
use crate::domain::money::from_cents;
use crate::domain::problem::Problem;

/// The result of a batch.
#[derive(Debug, Serialize, ToSchema)]
pub struct IngestBody {
    pub received: usize,
    pub created: usize,
    pub updated: usize,
    /// Records identical to the stored version: no new version was made.
    pub unchanged: usize,
    /// Present, and true, only for `dry_run=true`: the counts are what a post would have made;
    /// nothing was stored.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub dry_run: bool,
    /// Valid but unlikely values, to check (a yearly income under €5000, a monthly rent under
    /// €100 or over €2500, a household of more than 12); they never block. Absent when there
    /// are none; at most 1000 listed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Problem>,
    /// How many warnings there were in all; absent when there are none.
    #[serde(skip_serializing_if = "is_zero")]
    pub warnings_total: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl From<IngestCounts> for IngestBody {
    fn from(c: IngestCounts) -> Self {
        Self {
            received: c.received,
            created: c.created,
            updated: c.updated,
            unchanged: c.unchanged,
            dry_run: false,
            warnings: Vec::new(),
            warnings_total: 0,
        }
    }
}

/// The classification of a letting against the norms of its allocation year.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClassificationBody {
    /// The year whose norms classified the letting: its allocation year, or, while that year
    /// has no norms yet, the latest year that has them.
    pub norms_year: i32,
    /// True while the allocation year has no norms yet: the letting is classified with
    /// `norms_year`'s and reclassified when its own year's norms are added.
    pub norms_provisional: bool,
    pub social: bool,
    /// `up_to_quality_discount_limit`, `up_to_rent_cap_low`, `up_to_rent_cap_high`,
    /// `up_to_social_rent_limit` or `non_social`.
    pub rent_class: String,
    /// In every quota denominator (social, not excluded, not withdrawn).
    pub counted: bool,
    pub within_rent_cap: bool,
    pub income_above_limit: bool,
    pub in_passend_denominator: bool,
    pub passend_compliant: bool,
    pub urgent: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LettingVersionBody {
    pub version: i32,
    /// `created`, `updated`, `withdrawn` or `reinstated`.
    pub change: String,
    pub withdrawn: bool,
    #[schema(value_type = String, format = Date)]
    pub contract_start: chrono::NaiveDate,
    pub municipality: String,
    #[schema(value_type = f64)]
    pub rent: Decimal,
    pub household_size: i32,
    #[schema(value_type = f64)]
    pub household_income: Decimal,
    pub pension_age: bool,
    pub route: String,
    pub urgency: Option<String>,
    pub excluded_reason: Option<String>,
    pub passend_exception: bool,
    #[schema(value_type = String, format = Date)]
    pub allocation_date: chrono::NaiveDate,
    pub status_holder: bool,
    pub recorded_at: DateTime<Utc>,
}

/// A corporation's own letting, as stored now.
#[derive(Debug, Serialize, ToSchema)]
pub struct LettingBody {
    pub reference: String,
    pub corporation: String,
    pub municipality: String,
    #[schema(value_type = String, format = Date)]
    pub contract_start: chrono::NaiveDate,
    #[schema(value_type = f64)]
    pub rent: Decimal,
    pub household_size: i32,
    #[schema(value_type = f64)]
    pub household_income: Decimal,
    pub pension_age: bool,
    pub route: String,
    pub urgency: Option<String>,
    pub excluded_reason: Option<String>,
    pub passend_exception: bool,
    /// The day the home was allocated (datum toewijzing); its year's norms classify the
    /// letting. The contract start when not given.
    #[schema(value_type = String, format = Date)]
    pub allocation_date: chrono::NaiveDate,
    /// Housed under the status-holder task.
    pub status_holder: bool,
    /// 1 for the first version; every change adds one.
    pub version: i32,
    /// Withdrawn lettings are in no quota; they stay in the history.
    pub withdrawn: bool,
    pub classification: ClassificationBody,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// With `?history=true`: every version, oldest first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<LettingVersionBody>>,
}

fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

impl LettingBody {
    pub fn new(l: StoredLetting, history: Option<Vec<LettingVersion>>) -> Self {
        Self {
            reference: l.reference,
            corporation: l.corporation,
            municipality: l.data.municipality,
            contract_start: l.data.contract_start,
            rent: from_cents(l.data.rent_cents),
            household_size: l.data.household_size,
            household_income: from_cents(l.data.household_income_cents),
            pension_age: l.data.pension_age,
            route: l.data.route,
            urgency: l.data.urgency,
            excluded_reason: l.data.excluded_reason,
            passend_exception: l.data.passend_exception,
            allocation_date: l.data.allocation_date,
            status_holder: l.data.status_holder,
            version: l.version,
            withdrawn: l.withdrawn,
            classification: ClassificationBody {
                norms_year: l.class.norms_year,
                norms_provisional: l.class.norms_provisional,
                social: l.class.is_social,
                rent_class: l.class.rent_class,
                counted: l.class.is_counted && !l.withdrawn,
                within_rent_cap: l.class.within_rent_cap,
                income_above_limit: l.class.income_above_limit,
                in_passend_denominator: l.class.in_passend_denominator && !l.withdrawn,
                passend_compliant: l.class.passend_compliant,
                urgent: l.class.is_urgent,
            },
            created_at: utc(l.created_at),
            updated_at: utc(l.updated_at),
            history: history.map(|versions| {
                versions
                    .into_iter()
                    .map(|v| LettingVersionBody {
                        version: v.version,
                        change: v.change,
                        withdrawn: v.withdrawn,
                        contract_start: v.data.contract_start,
                        municipality: v.data.municipality,
                        rent: from_cents(v.data.rent_cents),
                        household_size: v.data.household_size,
                        household_income: from_cents(v.data.household_income_cents),
                        pension_age: v.data.pension_age,
                        route: v.data.route,
                        urgency: v.data.urgency,
                        excluded_reason: v.data.excluded_reason,
                        passend_exception: v.data.passend_exception,
                        allocation_date: v.data.allocation_date,
                        status_holder: v.data.status_holder,
                        recorded_at: utc(v.recorded_at),
                    })
                    .collect()
            }),
        }
    }
}

/// One of the corporation's lettings, with every version when `with_history`.
pub fn find(
    conn: &mut DbConnection,
    corporation: &str,
    reference: &str,
    with_history: bool,
) -> QueryResult<Option<LettingBody>> {
    let Some(letting) = store::find(conn, corporation, reference)? else {
        return Ok(None);
    };
    let history = if with_history {
        Some(store::history(conn, corporation, reference)?)
    } else {
        None
    };
    Ok(Some(LettingBody::new(letting, history)))
}

/// The letting a withdrawal left, if there was one.
pub fn after_withdrawal(outcome: WithdrawOutcome) -> Option<LettingBody> {
    match outcome {
        WithdrawOutcome::NotFound => None,
        WithdrawOutcome::Withdrawn(l) | WithdrawOutcome::AlreadyWithdrawn(l) => {
            Some(LettingBody::new(l, None))
        }
    }
}
