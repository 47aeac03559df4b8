//! A submitted unit row before any rule is checked: its fields, their columns with the Dutch
//! (VERA) names, and the reading of one value by type.

use rust_decimal::Decimal;

use crate::domain::letting::{parse_amount, FieldProblem, RawValue, MAX_LISTED_UNKNOWN_FIELDS};
use crate::domain::problem::{cut, echo};
use crate::domain::upload::{column, Column, UploadRecord, ValueKind};

/// The fields a unit row may carry, in the contract's order.
pub const UNIT_FIELDS: [&str; 16] = [
    "unit",
    "municipality",
    "unit_type",
    "status",
    "daeb",
    "wws_points",
    "target_rent",
    "energy_label",
    "label_method",
    "label_date",
    "condition_score",
    "in_service_date",
    "in_service_reason",
    "out_of_service_date",
    "out_of_service_reason",
    "planned_exit_date",
];

/// The columns a CSV header must name.
pub const UNIT_REQUIRED_FIELDS: [&str; 3] = ["unit", "status", "daeb"];

/// Every column, with the Dutch name of the VERA attribute it holds (docs/api.md has the
/// mapping).
pub const UNIT_COLUMNS: [Column; 16] = [
    column("unit", "eenheid", ValueKind::Text, "VHE-1001"),
    column("municipality", "gemeente", ValueKind::Text, "GM0629"),
    column("unit_type", "eenheidsoort", ValueKind::Text, "WOO"),
    column("status", "eenheidstatus", ValueKind::Text, "VEH"),
    column("daeb", "maatschappelijk_label", ValueKind::Text, "DAE"),
    column("wws_points", "punten", ValueKind::Integer, "141"),
    column("target_rent", "streefhuur", ValueKind::Money, "712,50"),
    column("energy_label", "energielabel", ValueKind::Text, "B"),
    column(
        "label_method",
        "energieprestatiesoort",
        ValueKind::Text,
        "NTA",
    ),
    column(
        "label_date",
        "registratiedatum_label",
        ValueKind::Date,
        "14-3-2022",
    ),
    column("condition_score", "conditiescore", ValueKind::Integer, "2"),
    column(
        "in_service_date",
        "in_exploitatiedatum",
        ValueKind::Date,
        "1-6-1978",
    ),
    column(
        "in_service_reason",
        "in_exploitatiereden",
        ValueKind::Text,
        "NIE",
    ),
    column(
        "out_of_service_date",
        "uit_exploitatiedatum",
        ValueKind::Date,
        "",
    ),
    column(
        "out_of_service_reason",
        "uit_exploitatiereden",
        ValueKind::Text,
        "",
    ),
    column(
        "planned_exit_date",
        "beoogde_uit_exploitatiedatum",
        ValueKind::Date,
        "",
    ),
];

/// One submitted unit row: the known fields by position in [`UNIT_FIELDS`], and the unknown
/// names (the first 20, cut short; the rest counted).
#[derive(Debug, Clone, Default)]
pub struct RawUnit {
    values: [Option<RawValue>; UNIT_FIELDS.len()],
    unknown_fields: Vec<String>,
    more_unknown_fields: usize,
}

impl UploadRecord for RawUnit {
    const BATCH_KEY: &'static str = "units";
    const EXPECTED_KEYS: &'static [&'static str] = &["units"];
    const NOUN: &'static str = "unit";
    fn fields() -> &'static [&'static str] {
        &UNIT_FIELDS
    }
    fn required_fields() -> &'static [&'static str] {
        &UNIT_REQUIRED_FIELDS
    }
    fn columns() -> &'static [Column] {
        &UNIT_COLUMNS
    }
    fn set(&mut self, name: &str, value: RawValue) {
        match UNIT_FIELDS.iter().position(|f| *f == name) {
            Some(i) => self.values[i] = Some(value),
            None => self.note_unknown(name),
        }
    }
    fn note_unknown(&mut self, name: &str) {
        if self.unknown_fields.len() < MAX_LISTED_UNKNOWN_FIELDS {
            self.unknown_fields.push(cut(name).to_string());
        } else {
            self.more_unknown_fields += 1;
        }
    }
}

impl RawUnit {
    pub fn get(&self, name: &str) -> Option<&RawValue> {
        UNIT_FIELDS
            .iter()
            .position(|f| *f == name)
            .and_then(|i| self.values[i].as_ref())
    }

    /// The unit code as submitted, for problem reports, when it is text.
    pub fn code_text(&self) -> Option<&str> {
        match self.get("unit") {
            Some(RawValue::Text(t)) => Some(t.as_str()),
            Some(RawValue::Number(n)) => Some(n.as_str()),
            _ => None,
        }
    }

    pub fn unknown_fields(&self) -> &[String] {
        &self.unknown_fields
    }

    pub fn more_unknown_fields(&self) -> usize {
        self.more_unknown_fields
    }
}

pub(super) fn problem(field: &str, message: impl Into<String>) -> FieldProblem {
    FieldProblem {
        field: Some(field.to_string()),
        message: message.into(),
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

/// Text (a number is taken as its text); `None` when absent, null or empty.
pub(super) fn text<'a>(raw: &'a RawUnit, field: &str) -> Result<Option<&'a str>, FieldProblem> {
    match raw.get(field) {
        None | Some(RawValue::Null) => Ok(None),
        Some(RawValue::Text(t)) if t.trim().is_empty() => Ok(None),
        Some(RawValue::Text(t)) => Ok(Some(t.trim())),
        Some(RawValue::Number(n)) => Ok(Some(n.as_str())),
        Some(other) => Err(problem(
            field,
            format!("{field} must be text, not {}", type_name(other)),
        )),
    }
}

/// A whole number in `range`; `None` when absent.
pub(super) fn integer(
    raw: &RawUnit,
    field: &str,
    range: std::ops::RangeInclusive<i32>,
) -> Result<Option<i32>, FieldProblem> {
    let Some(text) = text(raw, field)? else {
        return Ok(None);
    };
    let value: i32 = text.parse().map_err(|_| {
        problem(
            field,
            format!("{field} must be a whole number, not {:?}", echo(text)),
        )
    })?;
    if range.contains(&value) {
        Ok(Some(value))
    } else {
        Err(problem(
            field,
            format!(
                "{field} must be from {} to {}, not {value}",
                range.start(),
                range.end()
            ),
        ))
    }
}

/// An amount in euros, at least 0 and below 10000, with at most 2 decimals; `None` when absent.
pub(super) fn amount(
    raw: &RawUnit,
    field: &str,
    decimal_comma: bool,
) -> Result<Option<Decimal>, FieldProblem> {
    let Some(text) = text(raw, field)? else {
        return Ok(None);
    };
    let value =
        parse_amount(text, decimal_comma).map_err(|m| problem(field, format!("{field}: {m}")))?;
    if value < Decimal::ZERO || value >= Decimal::from(10_000) {
        return Err(problem(
            field,
            format!("{field} must be at least 0 and below 10000 euros a month, not {value}"),
        ));
    }
    Ok(Some(value))
}

/// A date `YYYY-MM-DD` (the semicolon dialect's `D-M-YYYY` arrives normalised); `None` when
/// absent.
pub(super) fn date(raw: &RawUnit, field: &str) -> Result<Option<chrono::NaiveDate>, FieldProblem> {
    let Some(text) = text(raw, field)? else {
        return Ok(None);
    };
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| {
            problem(
                field,
                format!("{field} must be a date YYYY-MM-DD, not {:?}", echo(text)),
            )
        })
}
