//! A submitted record before any rule is checked, and reading one of its values as the type
//! its field needs (text, amount in euros, whole number, true/false). Each reader returns the
//! value or the one problem with it; the rules of each field are in `checks`.

use std::str::FromStr;

use rust_decimal::Decimal;

use super::{FieldProblem, FIELDS};
use crate::domain::money;
use crate::domain::problem::{cut, echo};

/// The most unknown field names of one record that are kept (and reported one by one); the
/// rest are only counted.
pub const MAX_LISTED_UNKNOWN_FIELDS: usize = 20;

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

/// One submitted record: the known fields by position in [`FIELDS`], and the unknown names
/// (the first [`MAX_LISTED_UNKNOWN_FIELDS`], cut short; the rest counted).
#[derive(Debug, Clone, Default)]
pub struct RawLetting {
    values: [Option<RawValue>; FIELDS.len()],
    unknown_fields: Vec<String>,
    more_unknown_fields: usize,
}

impl RawLetting {
    /// Sets a field by name; an unknown name is remembered as a problem to report.
    pub fn set(&mut self, name: &str, value: RawValue) {
        match FIELDS.iter().position(|f| *f == name) {
            Some(i) => self.values[i] = Some(value),
            None => self.note_unknown(name),
        }
    }

    /// Notes a field name the contract does not know: kept, cut short, while fewer than
    /// [`MAX_LISTED_UNKNOWN_FIELDS`] are; counted after that.
    pub fn note_unknown(&mut self, name: &str) {
        if self.unknown_fields.len() < MAX_LISTED_UNKNOWN_FIELDS {
            self.unknown_fields.push(cut(name).to_string());
        } else {
            self.more_unknown_fields += 1;
        }
    }

    /// The unknown field names kept, each at most 64 characters.
    pub fn unknown_fields(&self) -> &[String] {
        &self.unknown_fields
    }

    /// How many unknown field names there were beyond those kept.
    pub fn more_unknown_fields(&self) -> usize {
        self.more_unknown_fields
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
    pub fn corporation_text(&self) -> Option<&str> {
        match self.get("corporation") {
            Some(RawValue::Text(t)) if !t.is_empty() => Some(t.as_str()),
            Some(RawValue::Number(n)) => Some(n.as_str()),
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

/// Non-empty text; absent, null or empty is "required". Borrowed: a check copies the value
/// only once it is valid.
pub(super) fn required_text<'a>(raw: &'a RawLetting, field: &str) -> Result<&'a str, FieldProblem> {
    match raw.get(field) {
        None | Some(RawValue::Null) => Err(missing(field)),
        Some(RawValue::Text(t)) if t.is_empty() => Err(missing(field)),
        Some(RawValue::Text(t)) => Ok(t.as_str()),
        Some(other) => Err(FieldProblem::new(
            field,
            format!("{field} must be text, not {}", type_name(other)),
        )),
    }
}

/// Like [`required_text`], but a number is taken as its text too.
pub(super) fn required_text_or_number<'a>(
    raw: &'a RawLetting,
    field: &str,
) -> Result<&'a str, FieldProblem> {
    match raw.get(field) {
        Some(RawValue::Number(n)) => Ok(n.as_str()),
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
                "{:?} has both a comma and a point; write the amount without a thousands separator, e.g. 1234,56",
                echo(trimmed)
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
        return Err(format!("{:?} is not a number{hint}", echo(trimmed)));
    };
    if money::to_cents(amount).is_none() {
        return Err(format!("{} has more than 2 decimals", echo(trimmed)));
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
            format!("{field} must be a whole number; got {:?}", echo(trimmed)),
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
                format!("{field} must be true or false; got {:?}", echo(t)),
            )),
        },
        Some(other) => Err(FieldProblem::new(
            field,
            format!("{field} must be true or false, not {}", type_name(other)),
        )),
    }
}

/// `Ok(None)` when absent, null or empty. Borrowed, like [`required_text`].
pub(super) fn optional_text<'a>(
    raw: &'a RawLetting,
    field: &str,
) -> Result<Option<&'a str>, FieldProblem> {
    match raw.get(field) {
        None | Some(RawValue::Null) => Ok(None),
        Some(RawValue::Text(t)) if t.is_empty() => Ok(None),
        Some(RawValue::Text(t)) => Ok(Some(t.as_str())),
        Some(other) => Err(FieldProblem::new(
            field,
            format!("{field} must be text or null, not {}", type_name(other)),
        )),
    }
}
