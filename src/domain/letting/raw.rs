//! A submitted record before any rule is checked, and reading one of its values as the type
//! its field needs (text, amount in euros, whole number, true/false). Each reader returns the
//! value or the one problem with it; the rules of each field are in `checks`.

use std::str::FromStr;

use rust_decimal::Decimal;

use super::{FieldProblem, FIELDS};
use crate::domain::money;

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

/// Non-empty text; absent, null or empty is "required".
pub(super) fn required_text(raw: &RawLetting, field: &str) -> Result<String, FieldProblem> {
    match raw.get(field) {
        None | Some(RawValue::Null) => Err(missing(field)),
        Some(RawValue::Text(t)) if t.is_empty() => Err(missing(field)),
        Some(RawValue::Text(t)) => Ok(t.clone()),
        Some(other) => Err(FieldProblem::new(
            field,
            format!("{field} must be text, not {}", type_name(other)),
        )),
    }
}

/// Like [`required_text`], but a number is taken as its text too.
pub(super) fn required_text_or_number(
    raw: &RawLetting,
    field: &str,
) -> Result<String, FieldProblem> {
    match raw.get(field) {
        Some(RawValue::Number(n)) => Ok(n.clone()),
        _ => required_text(raw, field),
    }
}

/// An amount in euros (a number, or text read by [`parse_amount`]).
pub(super) fn required_decimal(
    raw: &RawLetting,
    field: &str,
    decimal_comma: bool,
) -> Result<Decimal, FieldProblem> {
    let (text, from_text) = match raw.get(field) {
        None | Some(RawValue::Null) => return Err(missing(field)),
        Some(RawValue::Text(t)) if t.trim().is_empty() => return Err(missing(field)),
        Some(RawValue::Number(n)) => (n.as_str(), false),
        Some(RawValue::Text(t)) => (t.as_str(), true),
        Some(other) => {
            return Err(FieldProblem::new(
                field,
                format!(
                    "{field} must be a number of euros, not {}",
                    type_name(other)
                ),
            ));
        }
    };
    parse_amount(text, decimal_comma && from_text)
        .map_err(|message| FieldProblem::new(field, format!("{field}: {message}")))
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

/// A whole number, given as a number or as text.
pub(super) fn required_integer(raw: &RawLetting, field: &str) -> Result<i64, FieldProblem> {
    let text = match raw.get(field) {
        None | Some(RawValue::Null) => return Err(missing(field)),
        Some(RawValue::Text(t)) if t.trim().is_empty() => return Err(missing(field)),
        Some(RawValue::Number(n)) => n.as_str(),
        Some(RawValue::Text(t)) => t.as_str(),
        Some(other) => {
            return Err(FieldProblem::new(
                field,
                format!("{field} must be a whole number, not {}", type_name(other)),
            ));
        }
    };
    let trimmed = text.trim();
    trimmed.parse::<i64>().map_err(|_| {
        FieldProblem::new(
            field,
            format!("{field} must be a whole number; got {trimmed:?}"),
        )
    })
}

/// True or false; absent, null or empty is false. Text may say true/false/1/0 in any case.
pub(super) fn optional_bool(raw: &RawLetting, field: &str) -> Result<bool, FieldProblem> {
    match raw.get(field) {
        None | Some(RawValue::Null) => Ok(false),
        Some(RawValue::Bool(b)) => Ok(*b),
        Some(RawValue::Text(t)) => match t.trim().to_ascii_lowercase().as_str() {
            "" => Ok(false),
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            _ => Err(FieldProblem::new(
                field,
                format!("{field} must be true or false; got {t:?}"),
            )),
        },
        Some(other) => Err(FieldProblem::new(
            field,
            format!("{field} must be true or false, not {}", type_name(other)),
        )),
    }
}

/// `Ok(None)` when absent, null or empty.
pub(super) fn optional_text(raw: &RawLetting, field: &str) -> Result<Option<String>, FieldProblem> {
    match raw.get(field) {
        None | Some(RawValue::Null) => Ok(None),
        Some(RawValue::Text(t)) if t.is_empty() => Ok(None),
        Some(RawValue::Text(t)) => Ok(Some(t.clone())),
        Some(other) => Err(FieldProblem::new(
            field,
            format!("{field} must be text or null, not {}", type_name(other)),
        )),
    }
}
