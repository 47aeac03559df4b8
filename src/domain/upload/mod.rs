//! The upload format (aanlevering) as corporations' systems and Dutch Excel write it: the
//! columns with their Dutch names, and how a cell of the semicolon dialect is read.
//!
//! - here: [`COLUMNS`], one row per field of a letting record (its Dutch column name, the kind
//!   of value, the template's example), and [`normalise_cell`], which turns a Dutch cell into
//!   the contract's own spelling before the field checks read it;
//! - `dutch`: the Dutch value rules (dates `D-M-YYYY`, booleans `ja`/`WAAR`, money with `€`
//!   and a thousands dot), one pure function each;
//! - `plausibility`: warnings for values that are valid but unlikely.
//!
//! A field added to [`FIELDS`](crate::domain::letting::FIELDS) needs one row here; a test
//! checks that every field has one.

use std::borrow::Cow;

use crate::domain::letting::{RawLetting, RawValue, FIELDS, REQUIRED_FIELDS};

mod dutch;
mod plausibility;

pub use dutch::{parse_day_month_year, parse_dutch_amount, parse_dutch_bool};
pub use plausibility::{figure_warnings, warnings, Warning};

/// The kind of value a column holds: how a Dutch cell of it is read, and how it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    Text,
    /// A whole number.
    Integer,
    /// An amount in euros with at most two decimals.
    Money,
    /// A calendar date.
    Date,
    Bool,
}

/// One column of the upload format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// The contract's field name.
    pub field: &'static str,
    /// The Dutch column name, accepted beside the field name.
    pub dutch: &'static str,
    pub kind: ValueKind,
    /// The template's example value, in the Dutch spelling; valid as it is.
    pub example: &'static str,
}

pub const fn column(
    field: &'static str,
    dutch: &'static str,
    kind: ValueKind,
    example: &'static str,
) -> Column {
    Column {
        field,
        dutch,
        kind,
        example,
    }
}

/// Every column, in the contract's order. Rows for fields that are not (yet) in `FIELDS` are
/// harmless: such a column is refused as unknown, like any other.
pub const COLUMNS: [Column; 14] = [
    column("reference", "referentie", ValueKind::Text, "VOORBEELD-1"),
    column("municipality", "gemeente", ValueKind::Text, "GM0629"),
    column(
        "contract_start",
        "ingangsdatum",
        ValueKind::Date,
        "1-3-2026",
    ),
    column("rent", "kale_huur", ValueKind::Money, "745,00"),
    column("household_size", "huishoudgrootte", ValueKind::Integer, "2"),
    column(
        "household_income",
        "huishoudinkomen",
        ValueKind::Money,
        "28500",
    ),
    column("pension_age", "aow", ValueKind::Bool, "nee"),
    column("route", "route", ValueKind::Text, "regular"),
    column("urgency", "urgentie", ValueKind::Text, ""),
    // The example row counts in no quota, should it be posted as it is.
    column(
        "excluded_reason",
        "reden_uitzondering",
        ValueKind::Text,
        "voorbeeldregel, vervang deze",
    ),
    column(
        "passend_exception",
        "passend_uitzondering",
        ValueKind::Bool,
        "nee",
    ),
    column("corporation", "corporatie", ValueKind::Text, ""),
    column(
        "allocation_date",
        "datum_toewijzing",
        ValueKind::Date,
        "15-2-2026",
    ),
    column("status_holder", "statushouder", ValueKind::Bool, "nee"),
];

/// A kind of record the upload format reads (a letting, a unit of the stock): its fields,
/// its columns and how a submitted value is kept. The JSON and CSV readers of
/// `service::ingest` read any kind, so every upload has the same dialects and problems.
pub trait UploadRecord: Default + Clone + std::fmt::Debug {
    /// The key of the JSON object that holds the array (`lettings`, `units`).
    const BATCH_KEY: &'static str;
    /// `[BATCH_KEY]`, for serde's message on an unknown key.
    const EXPECTED_KEYS: &'static [&'static str];
    /// One record, in the messages (`letting`, `unit`).
    const NOUN: &'static str;
    /// The fields a record may carry, in the contract's order.
    fn fields() -> &'static [&'static str];
    /// The fields a CSV header must name.
    fn required_fields() -> &'static [&'static str];
    /// The columns of the fields (Dutch names, kinds).
    fn columns() -> &'static [Column];
    /// Sets a field by name; an unknown name is remembered as a problem to report.
    fn set(&mut self, name: &str, value: RawValue);
    /// Notes a field name the contract does not know.
    fn note_unknown(&mut self, name: &str);
}

impl UploadRecord for RawLetting {
    const BATCH_KEY: &'static str = "lettings";
    const EXPECTED_KEYS: &'static [&'static str] = &["lettings"];
    const NOUN: &'static str = "letting";
    fn fields() -> &'static [&'static str] {
        &FIELDS
    }
    fn required_fields() -> &'static [&'static str] {
        &REQUIRED_FIELDS
    }
    fn columns() -> &'static [Column] {
        &COLUMNS
    }
    fn set(&mut self, name: &str, value: RawValue) {
        RawLetting::set(self, name, value)
    }
    fn note_unknown(&mut self, name: &str) {
        RawLetting::note_unknown(self, name)
    }
}

/// The column a header cell names: the field name or its Dutch name, in any case, with spaces
/// or hyphens for underscores (`Kale huur` is `kale_huur`).
pub fn column_named(name: &str) -> Option<&'static Column> {
    column_named_in(&COLUMNS, name)
}

/// [`column_named`] among the columns of any upload.
pub fn column_named_in(columns: &'static [Column], name: &str) -> Option<&'static Column> {
    let wanted: String = name
        .trim()
        .chars()
        .map(|c| match c {
            ' ' | '-' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect();
    columns
        .iter()
        .find(|c| c.field == wanted || c.dutch == wanted)
}

/// The column of a field.
pub fn column_of(field: &str) -> Option<&'static Column> {
    COLUMNS.iter().find(|c| c.field == field)
}

/// A cell of the semicolon dialect in the contract's own spelling: a Dutch date as
/// `YYYY-MM-DD`, `ja`/`WAAR` as `true`, an amount as a plain decimal (`€ 1.234,56` as
/// `1234.56`). A cell in another form is left as it is for the field's check to judge; a
/// Dutch form that is wrong, or an amount that reads two ways, is the problem returned.
pub fn normalise_cell(kind: ValueKind, cell: &str) -> Result<Cow<'_, str>, String> {
    match kind {
        ValueKind::Text | ValueKind::Integer => Ok(Cow::Borrowed(cell)),
        ValueKind::Date => match parse_day_month_year(cell) {
            None => Ok(Cow::Borrowed(cell)),
            Some(date) => date.map(|d| Cow::Owned(d.format("%Y-%m-%d").to_string())),
        },
        ValueKind::Bool => Ok(match parse_dutch_bool(cell) {
            Some(true) => Cow::Borrowed("true"),
            Some(false) => Cow::Borrowed("false"),
            None => Cow::Borrowed(cell),
        }),
        ValueKind::Money => parse_dutch_amount(cell).map(|a| Cow::Owned(a.to_string())),
    }
}

#[cfg(test)]
mod tests;
