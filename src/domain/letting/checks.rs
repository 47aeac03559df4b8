//! The contract's rules, one check per field. Each check reads its field from the submitted
//! record and returns the parsed value or the one problem with that field; [`validate`]
//! runs them all, so a record's every problem is reported at once.
//!
//! [`validate`]: super::validate

use std::collections::BTreeSet;

use chrono::{Datelike, Days, Months, NaiveDate};
use rust_decimal::Decimal;

use super::raw::{
    optional_bool, optional_text, required_decimal, required_integer, required_text,
    required_text_or_number, RawLetting, RawValue,
};
use super::{FieldProblem, Route, FIELDS, MAX_DAYS_AHEAD};
use crate::domain::agreement::AgreementBook;
use crate::domain::norms::NormsTable;
use crate::domain::problem::echo;

const MAX_REFERENCE_CHARS: usize = 64;
const MAX_EXCLUDED_REASON_CHARS: usize = 200;
const MAX_HOUSEHOLD_SIZE: i64 = 20;

/// A problem for every field name the contract does not know, up to
/// [`MAX_LISTED_UNKNOWN_FIELDS`](super::MAX_LISTED_UNKNOWN_FIELDS) of them; then one
/// problem for the record that says how many more there were.
pub fn check_unknown_fields(raw: &RawLetting) -> Vec<FieldProblem> {
    let mut problems: Vec<FieldProblem> = raw
        .unknown_fields()
        .iter()
        .map(|name| {
            FieldProblem::new(
                name,
                format!(
                    "unknown field {name:?}; the fields are: {}",
                    FIELDS.join(", ")
                ),
            )
        })
        .collect();
    let more = raw.more_unknown_fields();
    if more > 0 {
        problems.push(FieldProblem {
            field: None,
            message: format!(
                "and {more} more unknown field{}; the fields are: {}",
                if more == 1 { "" } else { "s" },
                FIELDS.join(", ")
            ),
        });
    }
    problems
}

/// The corporation's own reference (kenmerk) of the letting: 1–64 characters of
/// `A-Z a-z 0-9 . _ / -`.
pub fn check_reference(raw: &RawLetting) -> Result<String, FieldProblem> {
    let reference = required_text(raw, "reference")?;
    if reference.is_empty() || reference.chars().count() > MAX_REFERENCE_CHARS {
        return Err(FieldProblem::new(
            "reference",
            format!(
                "reference must be 1 to {MAX_REFERENCE_CHARS} characters long; got {}",
                reference.chars().count()
            ),
        ));
    }
    if let Some(bad) = reference
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '/' | '-')))
    {
        return Err(FieldProblem::new(
            "reference",
            format!("reference {reference:?} holds {bad:?}; only letters A-Z a-z, digits and . _ / - are allowed"),
        ));
    }
    Ok(reference.to_string())
}

/// The municipality (gemeente) by its CBS code, one the posting corporation is registered for.
pub fn check_municipality(
    raw: &RawLetting,
    registered: &BTreeSet<String>,
) -> Result<String, FieldProblem> {
    let m = required_text(raw, "municipality")?;
    if !is_municipality_code(m) {
        Err(FieldProblem::new(
            "municipality",
            format!(
                "{:?} is not a CBS municipality code; use GM followed by 4 digits, e.g. GM0629",
                echo(m)
            ),
        ))
    } else if !registered.contains(m) {
        Err(FieldProblem::new(
            "municipality",
            format!("your organisation is not registered for municipality {m}; ask the service administrator to register it"),
        ))
    } else {
        Ok(m.to_string())
    }
}

/// A CBS municipality code (gemeentecode): `GM` followed by four digits.
pub fn is_municipality_code(code: &str) -> bool {
    code.len() == 6 && code.starts_with("GM") && code[2..].bytes().all(|b| b.is_ascii_digit())
}

/// The start of the tenancy (ingangsdatum huurcontract): an ISO date at most
/// [`MAX_DAYS_AHEAD`] days after `today`. It decides the period the letting counts in; the
/// norms that classify it follow the allocation date (see [`check_allocation_date`]).
pub fn check_contract_start(raw: &RawLetting, today: NaiveDate) -> Result<NaiveDate, FieldProblem> {
    let text = required_text_or_number(raw, "contract_start")?;
    let Some(date) = parse_iso_date(text) else {
        return Err(FieldProblem::new(
            "contract_start",
            format!(
                "{:?} is not a date; use YYYY-MM-DD, e.g. 2026-03-01",
                echo(text)
            ),
        ));
    };
    let latest = today
        .checked_add_days(Days::new(MAX_DAYS_AHEAD))
        .unwrap_or(today);
    if date > latest {
        return Err(FieldProblem::new(
            "contract_start",
            format!("{date} is more than {MAX_DAYS_AHEAD} days after today; the latest accepted date is {latest}"),
        ));
    }
    Ok(date)
}

/// The day the home was allocated (datum toewijzing): corporations test income and rent at
/// that moment, so its year's norms classify the letting. At or before the contract start and
/// at most a year before it; absent, it is the contract start. `contract_start` is `None` when
/// that field failed its own check; then only the form of this one is checked.
///
/// A year after the latest with known norms is accepted (classified provisionally, see
/// [`NormsTable::applicable`]); a year before the earliest is refused, since no norms will
/// ever be added for it. The problem is reported on the field that carries the date.
pub fn check_allocation_date(
    raw: &RawLetting,
    contract_start: Option<NaiveDate>,
    norms: &NormsTable,
) -> Result<Option<NaiveDate>, FieldProblem> {
    let given = match optional_text(raw, "allocation_date")? {
        None => None,
        Some(text) => Some(parse_iso_date(text).ok_or_else(|| {
            FieldProblem::new(
                "allocation_date",
                format!(
                    "{:?} is not a date; use YYYY-MM-DD, e.g. 2026-02-15",
                    echo(text)
                ),
            )
        })?),
    };
    let Some(contract_start) = contract_start else {
        return Ok(given);
    };
    let field = if given.is_some() {
        "allocation_date"
    } else {
        "contract_start"
    };
    let date = given.unwrap_or(contract_start);
    if date > contract_start {
        return Err(FieldProblem::new(
            field,
            format!("allocation_date {date} is after contract_start {contract_start}; a home is allocated before its tenancy starts"),
        ));
    }
    let earliest = contract_start
        .checked_sub_months(Months::new(12))
        .unwrap_or(contract_start);
    if date < earliest {
        return Err(FieldProblem::new(
            field,
            format!("allocation_date {date} is more than a year before contract_start {contract_start}; the earliest accepted date is {earliest}"),
        ));
    }
    if norms.applicable(date.year()).is_none() {
        let known: Vec<String> = norms.years().map(|y| y.to_string()).collect();
        return Err(FieldProblem::new(
            field,
            format!(
                "no national norms are known for {}, the year of the allocation date; lettings can be classified from {} on",
                date.year(),
                known.first().map_or("(none)", String::as_str)
            ),
        ));
    }
    Ok(Some(date))
}

fn parse_iso_date(text: &str) -> Option<NaiveDate> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// The rent (kale huur), EUR per month: more than 0 and less than 10000, at most two decimals.
pub fn check_rent(raw: &RawLetting, decimal_comma: bool) -> Result<Decimal, FieldProblem> {
    let rent = required_decimal(raw, "rent", decimal_comma)?;
    if rent <= Decimal::ZERO || rent >= Decimal::from(10_000) {
        return Err(FieldProblem::new(
            "rent",
            format!("rent must be more than 0 and less than 10000 euros per month; got {rent}"),
        ));
    }
    Ok(rent)
}

/// The household size (huishoudgrootte), persons: a whole number from 1 to 20.
pub fn check_household_size(raw: &RawLetting) -> Result<u8, FieldProblem> {
    let size = required_integer(raw, "household_size")?;
    match u8::try_from(size) {
        Ok(persons) if (1..=MAX_HOUSEHOLD_SIZE).contains(&size) => Ok(persons),
        _ => Err(FieldProblem::new(
            "household_size",
            format!(
                "household_size must be a whole number from 1 to {MAX_HOUSEHOLD_SIZE}; got {size}"
            ),
        )),
    }
}

/// The household income (huishoudinkomen), EUR per year: at least 0 and less than 10000000,
/// at most two decimals.
pub fn check_income(raw: &RawLetting, decimal_comma: bool) -> Result<Decimal, FieldProblem> {
    let income = required_decimal(raw, "household_income", decimal_comma)?;
    if income < Decimal::ZERO || income >= Decimal::from(10_000_000) {
        return Err(FieldProblem::new(
            "household_income",
            format!("household_income must be at least 0 and less than 10000000 euros per year; got {income}"),
        ));
    }
    Ok(income)
}

/// Whether the household has reached the state pension age (AOW-leeftijd), which lowers its
/// passend-toewijzen income limit. Absent is false.
pub fn check_pension_age(raw: &RawLetting) -> Result<bool, FieldProblem> {
    optional_bool(raw, "pension_age")
}

/// Whether the letting is an exception to passend toewijzen, leaving the passend
/// denominator. Absent is false.
pub fn check_passend_exception(raw: &RawLetting) -> Result<bool, FieldProblem> {
    optional_bool(raw, "passend_exception")
}

/// Whether the household is housed under the status-holder task (taakstelling huisvesting
/// vergunninghouders). Absent, it is true exactly when the urgency category is
/// `status_holder`; a status holder housed under another category or route says so here.
pub fn check_status_holder(
    raw: &RawLetting,
    urgency: Option<&Option<String>>,
) -> Result<bool, FieldProblem> {
    match raw.get("status_holder") {
        None | Some(RawValue::Null) => Ok(urgency
            .and_then(Option::as_deref)
            .is_some_and(|u| u == "status_holder")),
        Some(_) => optional_bool(raw, "status_holder"),
    }
}

/// The allocation route (toewijzingsroute), one of [`Route::ALL`]; absent is
/// [`Route::Regular`] (aanbodmodel).
pub fn check_route(raw: &RawLetting) -> Result<Route, FieldProblem> {
    let Some(text) = optional_text(raw, "route")? else {
        return Ok(Route::Regular);
    };
    text.parse::<Route>().map_err(|()| {
        let names: Vec<&str> = Route::ALL.iter().map(|r| r.as_str()).collect();
        FieldProblem::new(
            "route",
            format!(
                "{:?} is not a route; use one of {}",
                echo(text),
                names.join(", ")
            ),
        )
    })
}

/// The urgency category (urgentiecategorie) the household was housed under, if any: one of
/// the categories of the performance agreement (prestatieafspraak) that applies to
/// `municipality` in `year`.
pub fn check_urgency(
    raw: &RawLetting,
    agreements: &AgreementBook,
    municipality: &str,
    year: i32,
) -> Result<Option<String>, FieldProblem> {
    let Some(category) = optional_text(raw, "urgency")? else {
        return Ok(None);
    };
    let agreement = agreements.applicable(municipality, year);
    if agreement.allows_urgency(category) {
        Ok(Some(category.to_string()))
    } else {
        Err(FieldProblem::new(
            "urgency",
            format!(
                "{:?} is not an urgency category of agreement {}; use null or one of {}",
                echo(category),
                agreement.id,
                agreement.urgency_categories.join(", ")
            ),
        ))
    }
}

/// Why the letting is left out of every quota (e.g. a wisselwoning), if it is: free text of
/// at most 200 characters.
pub fn check_excluded_reason(raw: &RawLetting) -> Result<Option<String>, FieldProblem> {
    let reason = optional_text(raw, "excluded_reason")?;
    if reason.is_some_and(|r| r.chars().count() > MAX_EXCLUDED_REASON_CHARS) {
        return Err(FieldProblem::new(
            "excluded_reason",
            format!("excluded_reason is longer than {MAX_EXCLUDED_REASON_CHARS} characters"),
        ));
    }
    Ok(reason.map(str::to_string))
}

/// The posting corporation (woningcorporatie): here only that it is text, when given; the
/// caller checks it against the token.
pub fn check_corporation(raw: &RawLetting) -> Result<(), FieldProblem> {
    match raw.get("corporation") {
        Some(RawValue::Text(_) | RawValue::Null) | None => Ok(()),
        Some(_) => Err(FieldProblem::new(
            "corporation",
            "corporation must be text: your organisation's id",
        )),
    }
}
