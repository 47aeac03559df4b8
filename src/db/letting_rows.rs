//! The rows of `lettings` and `letting_versions`: what the queries of [`super::lettings`] read
//! and write, and what the per-month aggregates of [`super::month_counts`] count. Types only,
//! no queries, so both can use them without using each other.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{letting_versions, lettings};

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
    /// Datum toewijzing: its year's norms classify the letting.
    pub allocation_date: NaiveDate,
    /// Housed under the status-holder task (taakstelling vergunninghouders).
    pub status_holder: bool,
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
    /// Classified with the latest known norms because its own year had none yet.
    pub norms_provisional: bool,
}

/// One validated and classified record, ready to store.
#[derive(Debug, Clone)]
pub struct PreparedLetting {
    pub reference: String,
    pub data: LettingData,
    pub class: ClassificationRow,
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

/// Columns written per `lettings` row (all but `id`).
pub(super) const LETTING_COLUMNS: usize = 29;

/// A new `lettings` row: flat, so PostgreSQL can take it through binary COPY, and owned, so
/// SQLite can insert it in statements diesel prepares once (a cached statement's type must
/// not borrow from the request). The copies cost about 35 MiB at 100000 lettings.
#[derive(Insertable)]
#[diesel(table_name = lettings)]
#[diesel(treat_none_as_default_value = false)]
pub(super) struct NewLetting {
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
    allocation_date: NaiveDate,
    status_holder: bool,
    norms_provisional: bool,
}

impl NewLetting {
    pub(super) fn of(corporation: &str, l: &PreparedLetting, now: NaiveDateTime) -> Self {
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
            allocation_date: d.allocation_date,
            status_holder: d.status_holder,
            norms_provisional: c.norms_provisional,
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = letting_versions)]
#[diesel(treat_none_as_default_value = false)]
pub(super) struct NewVersion {
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
    allocation_date: NaiveDate,
    status_holder: bool,
}

impl NewVersion {
    pub(super) fn of(
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
            allocation_date: data.allocation_date,
            status_holder: data.status_holder,
        }
    }
}
