//! A letting (verhuring, toewijzing): one new tenancy of a dwelling, as a corporation reports
//! it. This module checks a submitted record against the public contract and classifies it
//! against the national norms of its contract year. Both are pure functions.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Days, NaiveDate};
use rust_decimal::Decimal;

use super::agreement::AgreementBook;
use super::money;
use super::norms::{NormsTable, YearNorms};

/// The fields a letting record may carry, in the contract's order.
pub const FIELDS: [&str; 12] = [
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
const MAX_REFERENCE_CHARS: usize = 64;
const MAX_EXCLUDED_REASON_CHARS: usize = 200;
const MAX_HOUSEHOLD_SIZE: i64 = 20;

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
}

/// What a letting is, judged against its year's norms. Stored with the letting so that
/// every aggregate is a plain count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Classification {
    /// The year whose norms were applied (the contract_start year).
    pub norms_year: i32,
    /// Sociale verhuring: rent at or below the huurgrens DAEB-toewijzing.
    pub is_social: bool,
    pub rent_class: RentClass,
    /// In every quota denominator: social and not excluded (withdrawal is tracked apart).
    pub is_counted: bool,
    /// Rent at or below the 2e (high) aftoppingsgrens.
    pub within_rent_cap: bool,
    /// Household income above the DAEB income limit for its size (vrije toewijzingsruimte).
    pub income_above_limit: bool,
    /// Counted, income at or below the passend-toewijzen limit and no passend exception.
    pub in_passend_denominator: bool,
    /// In the passend denominator and rent at or below the aftoppingsgrens for its size.
    pub passend_compliant: bool,
    /// Housed under an urgency category.
    pub is_urgent: bool,
}

/// Classifies a letting against the norms of its contract year. The caller picks the norms
/// by `letting.contract_start.year()`.
pub fn classify(letting: &LettingInput, norms: &YearNorms) -> Classification {
    let rent = letting.rent;
    let rent_class = if rent <= norms.quality_discount_limit {
        RentClass::UpToQualityDiscountLimit
    } else if rent <= norms.rent_cap_low {
        RentClass::UpToRentCapLow
    } else if rent <= norms.rent_cap_high {
        RentClass::UpToRentCapHigh
    } else if rent <= norms.social_rent_limit {
        RentClass::UpToSocialRentLimit
    } else {
        RentClass::NonSocial
    };
    let is_social = rent <= norms.social_rent_limit;
    let is_counted = is_social && letting.excluded_reason.is_none();
    let income_within_passend = letting.household_income
        <= norms.passend_income_limit(letting.household_size, letting.pension_age);
    let in_passend_denominator = is_counted && income_within_passend && !letting.passend_exception;
    Classification {
        norms_year: norms.year,
        is_social,
        rent_class,
        is_counted,
        within_rent_cap: rent <= norms.rent_cap_high,
        income_above_limit: letting.household_income
            > norms.social_income_limit(letting.household_size),
        in_passend_denominator,
        passend_compliant: in_passend_denominator
            && rent <= norms.passend_rent_cap(letting.household_size),
        is_urgent: letting.urgency.is_some(),
    }
}

/// One submitted value, before any check, whatever the format it came in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawValue {
    Null,
    Text(String),
    /// A JSON number, as its text.
    Number(String),
    Bool(bool),
    /// A JSON array or object: never a valid field value.
    Structured,
}

/// One submitted record: the known fields by position in [`FIELDS`], and any unknown names.
#[derive(Debug, Clone, Default)]
pub struct RawLetting {
    values: [Option<RawValue>; FIELDS.len()],
    pub unknown_fields: Vec<String>,
}

impl RawLetting {
    /// Sets a field by name; an unknown name is remembered as a problem to report.
    pub fn set(&mut self, name: &str, value: RawValue) {
        match FIELDS.iter().position(|f| *f == name) {
            Some(i) => self.values[i] = Some(value),
            None => self.unknown_fields.push(name.to_string()),
        }
    }

    pub fn get(&self, name: &str) -> Option<&RawValue> {
        FIELDS
            .iter()
            .position(|f| *f == name)
            .and_then(|i| self.values[i].as_ref())
    }

    /// The reference as submitted, for problem reports, when it is text.
    pub fn reference_text(&self) -> Option<&str> {
        match self.get("reference") {
            Some(RawValue::Text(t)) => Some(t.as_str()),
            _ => None,
        }
    }

    /// The `corporation` field as submitted, when present.
    pub fn corporation_text(&self) -> Option<String> {
        match self.get("corporation") {
            Some(RawValue::Text(t)) if !t.is_empty() => Some(t.clone()),
            Some(RawValue::Number(n)) => Some(n.clone()),
            _ => None,
        }
    }
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

/// Checks one record against the contract. Returns every problem found, not just the first.
pub fn validate(
    raw: &RawLetting,
    ctx: &ValidationContext<'_>,
) -> Result<LettingInput, Vec<FieldProblem>> {
    let mut problems = Vec::new();
    for name in &raw.unknown_fields {
        problems.push(FieldProblem::new(
            name,
            format!(
                "unknown field {name:?}; the fields are: {}",
                FIELDS.join(", ")
            ),
        ));
    }

    let reference = required_text(raw, "reference", &mut problems).and_then(|r| {
        check_reference(&r)
            .map_err(|m| problems.push(FieldProblem::new("reference", m)))
            .ok()?;
        Some(r)
    });

    let municipality = required_text(raw, "municipality", &mut problems).and_then(|m| {
        if !is_municipality_code(&m) {
            problems.push(FieldProblem::new(
                "municipality",
                format!("{m:?} is not a CBS municipality code; use GM followed by 4 digits, e.g. GM0629"),
            ));
            None
        } else if !ctx.registered_municipalities.contains(&m) {
            problems.push(FieldProblem::new(
                "municipality",
                format!("your organisation is not registered for municipality {m}; ask the service administrator to register it"),
            ));
            None
        } else {
            Some(m)
        }
    });

    let contract_start = required_text_or_number(raw, "contract_start", &mut problems).and_then(|text| {
        let Some(date) = parse_iso_date(&text) else {
            problems.push(FieldProblem::new(
                "contract_start",
                format!("{text:?} is not a date; use YYYY-MM-DD, e.g. 2026-03-01"),
            ));
            return None;
        };
        if ctx.norms.for_year(date.year()).is_none() {
            let known: Vec<String> = ctx.norms.years().map(|y| y.to_string()).collect();
            problems.push(FieldProblem::new(
                "contract_start",
                format!(
                    "no national norms are known for {}; lettings can be accepted for {}",
                    date.year(),
                    known.join(", ")
                ),
            ));
            return None;
        }
        let latest = ctx.today.checked_add_days(Days::new(MAX_DAYS_AHEAD)).unwrap_or(ctx.today);
        if date > latest {
            problems.push(FieldProblem::new(
                "contract_start",
                format!("{date} is more than {MAX_DAYS_AHEAD} days after today; the latest accepted date is {latest}"),
            ));
            return None;
        }
        Some(date)
    });

    let rent = required_decimal(raw, "rent", ctx.decimal_comma, &mut problems).and_then(|rent| {
        if rent <= Decimal::ZERO || rent >= Decimal::from(10_000) {
            problems.push(FieldProblem::new(
                "rent",
                format!("rent must be more than 0 and less than 10000 euros per month; got {rent}"),
            ));
            None
        } else {
            Some(rent)
        }
    });

    let household_size = required_integer(raw, "household_size", &mut problems).and_then(|size| {
        if (1..=MAX_HOUSEHOLD_SIZE).contains(&size) {
            u8::try_from(size).ok()
        } else {
            problems.push(FieldProblem::new(
                "household_size",
                format!("household_size must be a whole number from 1 to {MAX_HOUSEHOLD_SIZE}; got {size}"),
            ));
            None
        }
    });

    let household_income = required_decimal(raw, "household_income", ctx.decimal_comma, &mut problems)
        .and_then(|income| {
            if income < Decimal::ZERO || income >= Decimal::from(10_000_000) {
                problems.push(FieldProblem::new(
                    "household_income",
                    format!("household_income must be at least 0 and less than 10000000 euros per year; got {income}"),
                ));
                None
            } else {
                Some(income)
            }
        });

    let pension_age = optional_bool(raw, "pension_age", &mut problems);
    let passend_exception = optional_bool(raw, "passend_exception", &mut problems);

    let route = match optional_text(raw, "route", &mut problems) {
        Ok(None) => Some(Route::Regular),
        Ok(Some(text)) => match text.parse::<Route>() {
            Ok(route) => Some(route),
            Err(()) => {
                let names: Vec<&str> = Route::ALL.iter().map(|r| r.as_str()).collect();
                problems.push(FieldProblem::new(
                    "route",
                    format!("{text:?} is not a route; use one of {}", names.join(", ")),
                ));
                None
            }
        },
        Err(()) => None,
    };

    let urgency = match optional_text(raw, "urgency", &mut problems) {
        Ok(None) => Some(None),
        Ok(Some(category)) => {
            let year = contract_start
                .map(|d| d.year())
                .unwrap_or_else(|| ctx.today.year());
            let agreement = ctx
                .agreements
                .applicable(municipality.as_deref().unwrap_or(""), year);
            if agreement.allows_urgency(&category) {
                Some(Some(category))
            } else {
                problems.push(FieldProblem::new(
                    "urgency",
                    format!(
                        "{category:?} is not an urgency category of agreement {}; use null or one of {}",
                        agreement.id,
                        agreement.urgency_categories.join(", ")
                    ),
                ));
                None
            }
        }
        Err(()) => None,
    };

    let excluded_reason = match optional_text(raw, "excluded_reason", &mut problems) {
        Ok(reason) => {
            if reason
                .as_ref()
                .is_some_and(|r| r.chars().count() > MAX_EXCLUDED_REASON_CHARS)
            {
                problems.push(FieldProblem::new(
                    "excluded_reason",
                    format!(
                        "excluded_reason is longer than {MAX_EXCLUDED_REASON_CHARS} characters"
                    ),
                ));
                None
            } else {
                Some(reason)
            }
        }
        Err(()) => None,
    };

    // `corporation` is checked against the token by the caller; here only its type.
    if let Some(value) = raw.get("corporation") {
        if !matches!(value, RawValue::Text(_) | RawValue::Null) {
            problems.push(FieldProblem::new(
                "corporation",
                "corporation must be text: your organisation's id",
            ));
        }
    }

    match (
        reference,
        municipality,
        contract_start,
        rent,
        household_size,
        household_income,
        pension_age,
        passend_exception,
        route,
        urgency,
        excluded_reason,
    ) {
        (
            Some(reference),
            Some(municipality),
            Some(contract_start),
            Some(rent),
            Some(household_size),
            Some(household_income),
            Some(pension_age),
            Some(passend_exception),
            Some(route),
            Some(urgency),
            Some(excluded_reason),
        ) if problems.is_empty() => Ok(LettingInput {
            reference,
            municipality,
            contract_start,
            rent,
            household_size,
            household_income,
            pension_age,
            route,
            urgency,
            excluded_reason,
            passend_exception,
        }),
        _ => Err(problems),
    }
}

/// `GM` followed by four digits.
pub fn is_municipality_code(code: &str) -> bool {
    code.len() == 6 && code.starts_with("GM") && code[2..].bytes().all(|b| b.is_ascii_digit())
}

/// 1–64 characters of `A-Z a-z 0-9 . _ / -`.
pub fn check_reference(reference: &str) -> Result<(), String> {
    if reference.is_empty() || reference.chars().count() > MAX_REFERENCE_CHARS {
        return Err(format!(
            "reference must be 1 to {MAX_REFERENCE_CHARS} characters long; got {}",
            reference.chars().count()
        ));
    }
    if let Some(bad) = reference
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '/' | '-')))
    {
        return Err(format!(
            "reference {reference:?} holds {bad:?}; only letters A-Z a-z, digits and . _ / - are allowed"
        ));
    }
    Ok(())
}

fn parse_iso_date(text: &str) -> Option<NaiveDate> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

fn type_name(value: &RawValue) -> &'static str {
    match value {
        RawValue::Null => "null",
        RawValue::Text(_) => "text",
        RawValue::Number(_) => "a number",
        RawValue::Bool(_) => "a boolean",
        RawValue::Structured => "a list or object",
    }
}

fn missing(field: &str) -> FieldProblem {
    FieldProblem::new(field, format!("{field} is required"))
}

fn required_text(
    raw: &RawLetting,
    field: &str,
    problems: &mut Vec<FieldProblem>,
) -> Option<String> {
    match raw.get(field) {
        None | Some(RawValue::Null) => {
            problems.push(missing(field));
            None
        }
        Some(RawValue::Text(t)) if t.is_empty() => {
            problems.push(missing(field));
            None
        }
        Some(RawValue::Text(t)) => Some(t.clone()),
        Some(other) => {
            problems.push(FieldProblem::new(
                field,
                format!("{field} must be text, not {}", type_name(other)),
            ));
            None
        }
    }
}

fn required_text_or_number(
    raw: &RawLetting,
    field: &str,
    problems: &mut Vec<FieldProblem>,
) -> Option<String> {
    match raw.get(field) {
        Some(RawValue::Number(n)) => Some(n.clone()),
        _ => required_text(raw, field, problems),
    }
}

fn required_decimal(
    raw: &RawLetting,
    field: &str,
    decimal_comma: bool,
    problems: &mut Vec<FieldProblem>,
) -> Option<Decimal> {
    let (text, from_text) = match raw.get(field) {
        None | Some(RawValue::Null) => {
            problems.push(missing(field));
            return None;
        }
        Some(RawValue::Text(t)) if t.trim().is_empty() => {
            problems.push(missing(field));
            return None;
        }
        Some(RawValue::Number(n)) => (n.as_str(), false),
        Some(RawValue::Text(t)) => (t.as_str(), true),
        Some(other) => {
            problems.push(FieldProblem::new(
                field,
                format!(
                    "{field} must be a number of euros, not {}",
                    type_name(other)
                ),
            ));
            return None;
        }
    };
    match parse_amount(text, decimal_comma && from_text) {
        Ok(amount) => Some(amount),
        Err(message) => {
            problems.push(FieldProblem::new(field, format!("{field}: {message}")));
            None
        }
    }
}

/// Parses an amount in euros with at most two decimals. With `decimal_comma`, `713,02` is read
/// as 713.02 (Dutch spreadsheets); a thousands separator is never guessed at.
pub fn parse_amount(text: &str, decimal_comma: bool) -> Result<Decimal, String> {
    let trimmed = text.trim();
    let normalised;
    let candidate = if decimal_comma && trimmed.contains(',') {
        if trimmed.contains('.') {
            return Err(format!(
                "{trimmed:?} has both a comma and a point; write the amount without a thousands separator, e.g. 1234,56"
            ));
        }
        normalised = trimmed.replace(',', ".");
        normalised.as_str()
    } else {
        trimmed
    };
    let parsed = if candidate.contains(['e', 'E']) {
        Decimal::from_scientific(candidate).ok()
    } else if candidate
        .bytes()
        .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
        && !candidate.is_empty()
    {
        Decimal::from_str(candidate).ok()
    } else {
        None
    };
    let Some(amount) = parsed else {
        let hint = if !decimal_comma && candidate.contains(',') {
            "; use a decimal point (a decimal comma is accepted only in semicolon-separated CSV)"
        } else {
            ""
        };
        return Err(format!("{trimmed:?} is not a number{hint}"));
    };
    if money::to_cents(amount).is_none() {
        return Err(format!("{trimmed} has more than 2 decimals"));
    }
    Ok(amount.normalize())
}

fn required_integer(
    raw: &RawLetting,
    field: &str,
    problems: &mut Vec<FieldProblem>,
) -> Option<i64> {
    let text = match raw.get(field) {
        None | Some(RawValue::Null) => {
            problems.push(missing(field));
            return None;
        }
        Some(RawValue::Text(t)) if t.trim().is_empty() => {
            problems.push(missing(field));
            return None;
        }
        Some(RawValue::Number(n)) => n.as_str(),
        Some(RawValue::Text(t)) => t.as_str(),
        Some(other) => {
            problems.push(FieldProblem::new(
                field,
                format!("{field} must be a whole number, not {}", type_name(other)),
            ));
            return None;
        }
    };
    let trimmed = text.trim();
    match trimmed.parse::<i64>() {
        Ok(n) => Some(n),
        Err(_) => {
            problems.push(FieldProblem::new(
                field,
                format!("{field} must be a whole number; got {trimmed:?}"),
            ));
            None
        }
    }
}

fn optional_bool(raw: &RawLetting, field: &str, problems: &mut Vec<FieldProblem>) -> Option<bool> {
    match raw.get(field) {
        None | Some(RawValue::Null) => Some(false),
        Some(RawValue::Bool(b)) => Some(*b),
        Some(RawValue::Text(t)) => match t.trim().to_ascii_lowercase().as_str() {
            "" => Some(false),
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            _ => {
                problems.push(FieldProblem::new(
                    field,
                    format!("{field} must be true or false; got {t:?}"),
                ));
                None
            }
        },
        Some(other) => {
            problems.push(FieldProblem::new(
                field,
                format!("{field} must be true or false, not {}", type_name(other)),
            ));
            None
        }
    }
}

/// `Ok(None)` when absent, null or empty; `Err(())` after recording a type problem.
fn optional_text(
    raw: &RawLetting,
    field: &str,
    problems: &mut Vec<FieldProblem>,
) -> Result<Option<String>, ()> {
    match raw.get(field) {
        None | Some(RawValue::Null) => Ok(None),
        Some(RawValue::Text(t)) if t.is_empty() => Ok(None),
        Some(RawValue::Text(t)) => Ok(Some(t.clone())),
        Some(other) => {
            problems.push(FieldProblem::new(
                field,
                format!("{field} must be text or null, not {}", type_name(other)),
            ));
            Err(())
        }
    }
}

#[cfg(test)]
mod tests;
