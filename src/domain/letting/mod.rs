//! A letting (verhuring, toewijzing): one new tenancy of a dwelling, as a corporation reports
//! it. This module checks a submitted record against the public contract and classifies it
//! against the national norms of the year it was allocated in. Both are pure functions.
//!
//! - here: the vocabulary (fields, [`Route`], [`RentClass`], [`LettingInput`]) and
//!   [`validate`], which runs every check on a record;
//! - `raw`: the record as submitted ([`RawLetting`]) and reading its values by type;
//! - `checks`: one check per field (`check_rent` for the kale huur, `check_income` for the
//!   huishoudinkomen, ...), each returning the parsed value or the problem;
//! - `classify`: what a valid letting is against its year's norms ([`classify()`]).

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::agreement::AgreementBook;
use super::norms::NormsTable;

mod checks;
mod classify;
mod raw;

pub use checks::{
    check_allocation_date, check_contract_start, check_corporation, check_excluded_reason,
    check_household_size, check_income, check_municipality, check_passend_exception,
    check_pension_age, check_reference, check_rent, check_route, check_status_holder,
    check_unknown_fields, check_urgency, is_municipality_code,
};
pub use classify::{classify, Classification};
pub use raw::{parse_amount, RawLetting, RawValue, MAX_LISTED_UNKNOWN_FIELDS};

/// The fields a letting record may carry, in the contract's order.
pub const FIELDS: [&str; 14] = [
    "reference",
    "municipality",
    "contract_start",
    "rent",
    "household_size",
    "household_income",
    "pension_age",
    "route",
    "urgency",
    "excluded_reason",
    "passend_exception",
    "allocation_date",
    "status_holder",
    "corporation",
];

pub const REQUIRED_FIELDS: [&str; 6] = [
    "reference",
    "municipality",
    "contract_start",
    "rent",
    "household_size",
    "household_income",
];

/// How far ahead of today a contract may start.
pub const MAX_DAYS_AHEAD: u64 = 92;

/// Allocation route (toewijzingsroute).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Route {
    /// Regular listing model (aanbodmodel).
    Regular,
    /// Lokaal maatwerk / lokale binding.
    LocalPriority,
    /// Directe bemiddeling.
    Direct,
    /// Woningruil.
    Swap,
    /// Internal move within the corporation.
    Internal,
    Other,
}

impl Route {
    pub const ALL: [Route; 6] = [
        Route::Regular,
        Route::LocalPriority,
        Route::Direct,
        Route::Swap,
        Route::Internal,
        Route::Other,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Route::Regular => "regular",
            Route::LocalPriority => "local_priority",
            Route::Direct => "direct",
            Route::Swap => "swap",
            Route::Internal => "internal",
            Route::Other => "other",
        }
    }
}

impl FromStr for Route {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Route::ALL.into_iter().find(|r| r.as_str() == s).ok_or(())
    }
}

impl fmt::Display for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Rent class (huurklasse), from cheapest to dearest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RentClass {
    /// At or below the kwaliteitskortingsgrens.
    UpToQualityDiscountLimit,
    /// Above it, at or below the 1e aftoppingsgrens.
    UpToRentCapLow,
    /// Above that, at or below the 2e aftoppingsgrens.
    UpToRentCapHigh,
    /// Above that, at or below the huurgrens DAEB-toewijzing.
    UpToSocialRentLimit,
    /// Above the huurgrens DAEB-toewijzing: not a social letting.
    NonSocial,
}

impl RentClass {
    pub const ALL: [RentClass; 5] = [
        RentClass::UpToQualityDiscountLimit,
        RentClass::UpToRentCapLow,
        RentClass::UpToRentCapHigh,
        RentClass::UpToSocialRentLimit,
        RentClass::NonSocial,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            RentClass::UpToQualityDiscountLimit => "up_to_quality_discount_limit",
            RentClass::UpToRentCapLow => "up_to_rent_cap_low",
            RentClass::UpToRentCapHigh => "up_to_rent_cap_high",
            RentClass::UpToSocialRentLimit => "up_to_social_rent_limit",
            RentClass::NonSocial => "non_social",
        }
    }
}

impl FromStr for RentClass {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        RentClass::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or(())
    }
}

/// A letting record that passed every check of the contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LettingInput {
    pub reference: String,
    pub municipality: String,
    pub contract_start: NaiveDate,
    /// Kale huur, EUR per month, at most two decimals.
    pub rent: Decimal,
    pub household_size: u8,
    /// Huishoudinkomen, EUR per year, at most two decimals.
    pub household_income: Decimal,
    pub pension_age: bool,
    pub route: Route,
    pub urgency: Option<String>,
    pub excluded_reason: Option<String>,
    pub passend_exception: bool,
    /// Datum toewijzing: its year's norms classify the letting (the contract start when not
    /// given).
    pub allocation_date: NaiveDate,
    /// Housed under the status-holder task.
    pub status_holder: bool,
}

/// One problem with one field of one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    pub field: Option<String>,
    pub message: String,
}

impl FieldProblem {
    fn new(field: &str, message: impl Into<String>) -> Self {
        Self {
            field: Some(field.to_string()),
            message: message.into(),
        }
    }
}

/// What validation needs to know besides the record.
pub struct ValidationContext<'a> {
    pub norms: &'a NormsTable,
    pub agreements: &'a AgreementBook,
    /// The municipalities the posting corporation is registered for.
    pub registered_municipalities: &'a BTreeSet<String>,
    pub today: NaiveDate,
    /// CSV with semicolons: a decimal comma is accepted.
    pub decimal_comma: bool,
}

/// Checks one record against the contract. Returns every problem found, not just the first:
/// every field's check runs whatever the others found, the problems come in the order below
/// (unknown fields first), and the record is valid only when none found a problem.
pub fn validate(
    raw: &RawLetting,
    ctx: &ValidationContext<'_>,
) -> Result<LettingInput, Vec<FieldProblem>> {
    let mut found = Problems(check_unknown_fields(raw));
    let reference = found.keep(check_reference(raw));
    let municipality = found.keep(check_municipality(raw, ctx.registered_municipalities));
    let contract_start = found.keep(check_contract_start(raw, ctx.today));
    let allocation_date = found.keep(check_allocation_date(raw, contract_start, ctx.norms));
    let rent = found.keep(check_rent(raw, ctx.decimal_comma));
    let household_size = found.keep(check_household_size(raw));
    let household_income = found.keep(check_income(raw, ctx.decimal_comma));
    let pension_age = found.keep(check_pension_age(raw));
    let passend_exception = found.keep(check_passend_exception(raw));
    let route = found.keep(check_route(raw));
    // The urgency categories are those of the agreement for the letting's municipality and
    // contract year. A municipality that failed its check has no agreement (the national
    // defaults apply); a contract start that failed its check counts as this year.
    let urgency = found.keep(check_urgency(
        raw,
        ctx.agreements,
        municipality.as_deref().unwrap_or(""),
        contract_start.map_or_else(|| ctx.today.year(), |d| d.year()),
    ));
    let status_holder = found.keep(check_status_holder(raw, urgency.as_ref()));
    let excluded_reason = found.keep(check_excluded_reason(raw));
    found.keep(check_corporation(raw));

    let letting = (|| {
        Some(LettingInput {
            reference: reference?,
            municipality: municipality?,
            contract_start: contract_start?,
            rent: rent?,
            household_size: household_size?,
            household_income: household_income?,
            pension_age: pension_age?,
            route: route?,
            urgency: urgency?,
            excluded_reason: excluded_reason?,
            passend_exception: passend_exception?,
            allocation_date: allocation_date??,
            status_holder: status_holder?,
        })
    })();
    match letting {
        Some(letting) if found.0.is_empty() => Ok(letting),
        _ => Err(found.0),
    }
}

/// The problems found so far in one record.
struct Problems(Vec<FieldProblem>);

impl Problems {
    /// The value of a check that passed; the problem of one that failed is noted.
    fn keep<T>(&mut self, checked: Result<T, FieldProblem>) -> Option<T> {
        checked.map_err(|problem| self.0.push(problem)).ok()
    }
}

#[cfg(test)]
mod tests;
