//! Reading a batch of letting records from a request body (JSON or CSV), validating every
//! record, and preparing the valid batch for storage. No HTTP and no database here: the API
//! and the demo loader both use it.

use std::collections::{BTreeSet, HashMap};
use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use crate::config::ReferenceData;
use crate::db::lettings::{ClassificationRow, LettingData, PreparedLetting};
use crate::domain::letting::{
    self, classify, LettingInput, RawLetting, RawValue, ValidationContext, FIELDS, REQUIRED_FIELDS,
};
use crate::domain::money;
use crate::domain::period::month_key;
use crate::domain::problem::{cut, echo, Problem, ProblemList};

/// One record as read from the body, with where it came from.
#[derive(Debug, Clone, Default)]
pub struct RawRecord {
    pub raw: RawLetting,
    /// CSV: the line the record starts on (header = 1).
    pub line: Option<u64>,
    /// A problem with the record as a whole (not an object, wrong number of cells).
    pub record_problem: Option<String>,
}

#[derive(Debug)]
pub enum BodyError {
    /// The body cannot be read as the format it claims (400).
    Malformed(String),
    /// The CSV header is unusable (422), so no record can be read.
    Header(ProblemList),
}

// --- JSON ----------------------------------------------------------------------------------

impl<'de> Deserialize<'de> for RawRecord {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct RecordVisitor;
        impl<'de> Visitor<'de> for RecordVisitor {
            type Value = RawRecord;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a letting record (a JSON object)")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawRecord, A::Error> {
                let mut raw = RawLetting::default();
                while let Some(key) = map.next_key::<String>()? {
                    let value: serde_json::Value = map.next_value()?;
                    // serde_json's arbitrary_precision hands a bare number over as a map.
                    if key == "$serde_json::private::Number" {
                        return Ok(not_an_object());
                    }
                    raw.set(&key, raw_value(value));
                }
                Ok(RawRecord {
                    raw,
                    line: None,
                    record_problem: None,
                })
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawRecord, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(not_an_object())
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<RawRecord, E> {
                Ok(not_an_object())
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<RawRecord, E> {
                Ok(not_an_object())
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<RawRecord, E> {
                Ok(not_an_object())
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<RawRecord, E> {
                Ok(not_an_object())
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<RawRecord, E> {
                Ok(not_an_object())
            }
            fn visit_unit<E: de::Error>(self) -> Result<RawRecord, E> {
                Ok(not_an_object())
            }
        }
        deserializer.deserialize_any(RecordVisitor)
    }
}

fn not_an_object() -> RawRecord {
    RawRecord {
        record_problem: Some(
            "a letting record must be a JSON object with the letting's fields".into(),
        ),
        ..RawRecord::default()
    }
}

fn raw_value(value: serde_json::Value) -> RawValue {
    match value {
        serde_json::Value::Null => RawValue::Null,
        serde_json::Value::Bool(b) => RawValue::Bool(b),
        serde_json::Value::Number(n) => RawValue::Number(n.to_string()),
        serde_json::Value::String(s) => RawValue::Text(s),
        serde_json::Value::Array(_) | serde_json::Value::Object(_) => RawValue::Structured,
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Wrapped {
    lettings: Vec<RawRecord>,
}

/// Reads `{"lettings": [...]}` or a bare array.
pub fn parse_json(body: &[u8]) -> Result<Vec<RawRecord>, BodyError> {
    let body = strip_bom(body);
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    let result = match first {
        Some(b'[') => serde_json::from_slice::<Vec<RawRecord>>(body),
        Some(b'{') => serde_json::from_slice::<Wrapped>(body).map(|w| w.lettings),
        _ => return Err(BodyError::Malformed(
            "the body must be a JSON array of letting records or an object {\"lettings\": [...]}"
                .into(),
        )),
    };
    result.map_err(|e| {
        BodyError::Malformed(format!(
            "the body is not valid JSON for a batch of lettings: {e}"
        ))
    })
}

// --- CSV -----------------------------------------------------------------------------------

/// The separator and decimal style of a CSV body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvDialect {
    /// `,` separated, decimal point.
    Comma,
    /// `;` separated, as Dutch Excel writes it; a decimal comma is accepted.
    Semicolon,
}

/// Picks the separator from the header line: whichever of `;` and `,` it holds more of.
pub fn detect_dialect(body: &[u8]) -> CsvDialect {
    let header = body.split(|b| *b == b'\n').next().unwrap_or(&[]);
    let semicolons = header.iter().filter(|b| **b == b';').count();
    let commas = header.iter().filter(|b| **b == b',').count();
    if semicolons > commas {
        CsvDialect::Semicolon
    } else {
        CsvDialect::Comma
    }
}

/// Reads a CSV body with a header row of field names, in any order.
pub fn parse_csv(body: &[u8]) -> Result<(Vec<RawRecord>, CsvDialect), BodyError> {
    let body = strip_bom(body);
    let dialect = detect_dialect(body);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(if dialect == CsvDialect::Semicolon {
            b';'
        } else {
            b','
        })
        .has_headers(true)
        .flexible(true)
        .from_reader(body);
    let headers = reader
        .headers()
        .map_err(|e| {
            BodyError::Malformed(format!(
                "cannot read the CSV header: {}",
                csv_error_text(&e)
            ))
        })?
        .clone();
    let columns: Vec<String> = headers
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();

    let mut header_problems = ProblemList::new();
    let header_problem = |field: &str, message: String| Problem {
        index: None,
        reference: None,
        field: Some(cut(field).to_string()),
        message,
        line: Some(1),
    };
    let mut seen = BTreeSet::new();
    for name in &columns {
        if !FIELDS.contains(&name.as_str()) {
            header_problems.push(header_problem(
                name,
                format!(
                    "unknown column {:?}; the columns are: {}",
                    echo(name),
                    FIELDS.join(", ")
                ),
            ));
        } else if !seen.insert(name.clone()) {
            header_problems.push(header_problem(
                name,
                format!("column {name:?} appears more than once"),
            ));
        }
    }
    for required in REQUIRED_FIELDS {
        if !columns.iter().any(|c| c == required) {
            header_problems.push(header_problem(
                required,
                format!("required column {required:?} is missing"),
            ));
        }
    }
    if !header_problems.is_empty() {
        return Err(BodyError::Header(header_problems));
    }

    let mut records = Vec::new();
    for row in reader.records() {
        let row = row.map_err(|e| {
            BodyError::Malformed(format!("cannot read the CSV: {}", csv_error_text(&e)))
        })?;
        let line = row.position().map(|p| p.line());
        let mut raw = RawLetting::default();
        let mut record_problem = None;
        if row.len() != columns.len() {
            record_problem = Some(format!(
                "this row has {} cells; the header has {}",
                row.len(),
                columns.len()
            ));
        }
        for (name, cell) in columns.iter().zip(row.iter()) {
            if !cell.is_empty() {
                raw.set(name, RawValue::Text(cell.to_string()));
            }
        }
        records.push(RawRecord {
            raw,
            line,
            record_problem,
        });
    }
    Ok((records, dialect))
}

fn csv_error_text(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { pos, .. } => format!(
            "line {} is not UTF-8 text; export the file as 'CSV UTF-8'",
            pos.as_ref().map(|p| p.line()).unwrap_or(0)
        ),
        _ => e.to_string(),
    }
}

fn strip_bom(body: &[u8]) -> &[u8] {
    body.strip_prefix(&[0xEF, 0xBB, 0xBF][..]).unwrap_or(body)
}

// --- validation and preparation --------------------------------------------------------------

/// What batch validation needs besides the records.
pub struct BatchContext<'a> {
    pub reference: &'a ReferenceData,
    pub registered_municipalities: &'a BTreeSet<String>,
    pub today: NaiveDate,
    pub decimal_comma: bool,
}

/// Validates every record and classifies the valid ones. Returns the problems of every record
/// when any is invalid (the first 1000 listed, all counted; see [`ProblemList`]); a reference
/// that appears twice in one batch is a problem too.
pub fn validate_batch(
    records: &[RawRecord],
    ctx: &BatchContext<'_>,
) -> Result<Vec<PreparedLetting>, ProblemList> {
    let validation = ValidationContext {
        norms: &ctx.reference.norms,
        agreements: &ctx.reference.agreements,
        registered_municipalities: ctx.registered_municipalities,
        today: ctx.today,
        decimal_comma: ctx.decimal_comma,
    };
    let mut problems = ProblemList::new();
    let mut prepared = Vec::with_capacity(records.len());
    let mut first_index: HashMap<&str, usize> = HashMap::with_capacity(records.len());
    for (index, record) in records.iter().enumerate() {
        // Cut once, here: every problem of the record repeats it.
        let reference = record.raw.reference_text().map(|r| cut(r).to_string());
        let problem = |field: Option<String>, message: String| Problem {
            index: Some(index),
            reference: reference.clone(),
            field,
            message,
            line: record.line,
        };
        if let Some(message) = &record.record_problem {
            problems.push(problem(None, message.clone()));
            continue;
        }
        if let Some(r) = record.raw.reference_text() {
            if let Some(first) = first_index.get(r) {
                problems.push(problem(
                    Some("reference".into()),
                    format!("reference {:?} appears more than once in this batch (first at index {first}); send each letting once", echo(r)),
                ));
            } else {
                first_index.insert(r, index);
            }
        }
        match letting::validate(&record.raw, &validation) {
            Ok(input) => {
                if problems.is_empty() {
                    match prepare(&input, ctx.reference) {
                        Some(p) => prepared.push(p),
                        None => problems.push(problem(
                            Some("contract_start".into()),
                            "no norms for this year".into(),
                        )),
                    }
                }
            }
            Err(found) if problems.has_room() => {
                for p in found {
                    problems.push(problem(p.field, p.message));
                }
            }
            // Far past what is listed: only counted.
            Err(found) => problems.count(found.len()),
        }
        if !problems.is_empty() && prepared.capacity() > 0 {
            // Nothing will be stored; what was prepared is not needed.
            prepared = Vec::new();
        }
    }
    if problems.is_empty() {
        Ok(prepared)
    } else {
        Err(problems)
    }
}

/// Classifies a valid letting with its year's norms and turns it into database form.
pub fn prepare(input: &LettingInput, reference: &ReferenceData) -> Option<PreparedLetting> {
    let norms = reference.norms.for_year(input.contract_start.year())?;
    let class = classify(input, norms);
    Some(PreparedLetting {
        reference: input.reference.clone(),
        data: LettingData {
            municipality: input.municipality.clone(),
            contract_start: input.contract_start,
            rent_cents: money::to_cents(input.rent)?,
            household_size: i32::from(input.household_size),
            household_income_cents: money::to_cents(input.household_income)?,
            pension_age: input.pension_age,
            route: input.route.as_str().to_string(),
            urgency: input.urgency.clone(),
            excluded_reason: input.excluded_reason.clone(),
            passend_exception: input.passend_exception,
        },
        class: ClassificationRow {
            contract_month: month_key(input.contract_start),
            norms_year: class.norms_year,
            is_social: class.is_social,
            rent_class: class.rent_class.as_str().to_string(),
            is_counted: class.is_counted,
            within_rent_cap: class.within_rent_cap,
            income_above_limit: class.income_above_limit,
            in_passend_denominator: class.in_passend_denominator,
            passend_compliant: class.passend_compliant,
            is_urgent: class.is_urgent,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_accepts_a_wrapped_object_and_a_bare_array() {
        let wrapped = parse_json(br#"{"lettings": [{"reference": "A", "rent": 713.02}]}"#).unwrap();
        let bare = parse_json(br#"[{"reference": "A", "rent": 713.02}]"#).unwrap();
        for records in [wrapped, bare] {
            assert_eq!(records.len(), 1);
            assert_eq!(
                records[0].raw.get("rent"),
                Some(&RawValue::Number("713.02".into()))
            );
        }
    }

    #[test]
    fn json_numbers_keep_their_exact_text() {
        let records = parse_json(br#"[{"rent": 713.0200000000000001}]"#).unwrap();
        assert_eq!(
            records[0].raw.get("rent"),
            Some(&RawValue::Number("713.0200000000000001".into()))
        );
    }

    #[test]
    fn a_record_that_is_not_an_object_is_a_record_problem_not_a_malformed_body() {
        let records = parse_json(br#"[{"reference": "A"}, 42, "x"]"#).unwrap();
        assert!(records[0].record_problem.is_none());
        assert!(records[1].record_problem.is_some());
        assert!(records[2].record_problem.is_some());
    }

    #[test]
    fn broken_json_is_malformed() {
        assert!(matches!(parse_json(b"[{"), Err(BodyError::Malformed(_))));
        assert!(matches!(parse_json(b"42"), Err(BodyError::Malformed(_))));
        assert!(matches!(
            parse_json(br#"{"letings": []}"#),
            Err(BodyError::Malformed(_))
        ));
    }

    #[test]
    fn semicolon_csv_with_bom_any_column_order_and_lines() {
        let body =
            "\u{feff}rent;reference;municipality;contract_start;household_size;household_income\n\
                    713,02;A;GM0629;2026-03-01;2;31000\n\
                    \"650,00\";B;GM0629;2026-03-02;1;20000,50\n";
        let (records, dialect) = parse_csv(body.as_bytes()).unwrap();
        assert_eq!(dialect, CsvDialect::Semicolon);
        assert_eq!(records.len(), 2);
        assert_eq!(
            records[0].raw.get("rent"),
            Some(&RawValue::Text("713,02".into()))
        );
        assert_eq!(records[0].line, Some(2));
        assert_eq!(records[1].line, Some(3));
        assert_eq!(records[1].raw.reference_text(), Some("B"));
    }

    #[test]
    fn an_empty_csv_cell_is_an_absent_value() {
        let body = "reference,municipality,contract_start,rent,household_size,household_income,urgency\nA,GM0629,2026-03-01,700,2,30000,\n";
        let (records, dialect) = parse_csv(body.as_bytes()).unwrap();
        assert_eq!(dialect, CsvDialect::Comma);
        assert_eq!(records[0].raw.get("urgency"), None);
    }

    #[test]
    fn unknown_and_missing_columns_are_header_problems() {
        let body = "reference,municipality,contract_start,rent,household_size,colour\n";
        let Err(BodyError::Header(problems)) = parse_csv(body.as_bytes()) else {
            panic!("expected header problems");
        };
        let fields: Vec<_> = problems
            .listed()
            .iter()
            .map(|p| p.field.clone().unwrap())
            .collect();
        assert_eq!(fields, ["colour", "household_income"]);
        assert!(problems
            .listed()
            .iter()
            .all(|p| p.line == Some(1) && p.index.is_none()));
    }

    #[test]
    fn a_row_with_the_wrong_number_of_cells_is_a_record_problem() {
        let body = "reference,municipality,contract_start,rent,household_size,household_income\nA,GM0629,2026-03-01,700,2\n";
        let (records, _) = parse_csv(body.as_bytes()).unwrap();
        assert!(records[0]
            .record_problem
            .as_deref()
            .unwrap()
            .contains("5 cells"));
    }
}
