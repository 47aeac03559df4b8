//! Reading a batch of letting records from a request body (JSON or CSV), validating every
//! record, and preparing the valid batch for storage. No HTTP and no database here: the API
//! and the demo loader both use it.
//!
//! A body is read as a stream ([`read_batch`]), so that what a request costs is bounded by the
//! record limit, not by what was sent: the records are counted while they are read, and the
//! first one past the limit ends the reading with [`BodyError::TooManyRecords`].

use std::collections::{BTreeSet, HashMap};
use std::io::{Cursor, Read};

use chrono::{Datelike, NaiveDate};

use crate::config::ReferenceData;
use crate::db::lettings::{ClassificationRow, LettingData, PreparedLetting};
use crate::domain::letting::{self, classify, LettingInput, RawLetting, ValidationContext};
use crate::domain::money;
use crate::domain::period::month_key;
use crate::domain::problem::{cut, echo, Problem, ProblemList};

mod csv_body;
mod json_body;

pub use csv_body::{detect_dialect, read_csv, CsvDialect};
pub use json_body::read_json;

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
    /// The body holds more than `limit` records (413); reading stopped at the first one past it.
    TooManyRecords { limit: usize },
}

/// What the request says its body is; with [`BodyFormat::Unknown`] the body's first character
/// decides (`[` or `{` is JSON, anything else CSV).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyFormat {
    Json,
    Csv,
    Unknown,
}

/// A body read into records.
#[derive(Debug)]
pub struct ReadBatch {
    pub records: Vec<RawRecord>,
    /// CSV separated by semicolons: a decimal comma is accepted.
    pub decimal_comma: bool,
}

/// How far into a body of unknown format its first character is looked for.
const SNIFF_BYTES: usize = 64 * 1024;

/// Reads a body of at most `max_records` records as it arrives.
pub fn read_batch(
    body: impl Read,
    format: BodyFormat,
    max_records: usize,
) -> Result<ReadBatch, BodyError> {
    let (format, body) = match format {
        BodyFormat::Unknown => {
            let (head, body) = read_ahead(body, SNIFF_BYTES, |seen| {
                let partial_bom = seen.len() < BOM.len() && BOM.starts_with(seen);
                !partial_bom && strip_bom_of(seen).iter().any(|b| !b.is_ascii_whitespace())
            })
            .map_err(|e| malformed("the body could not be read", e))?;
            let first = strip_bom_of(&head)
                .iter()
                .find(|b| !b.is_ascii_whitespace());
            let format = if matches!(first, Some(b'[' | b'{')) {
                BodyFormat::Json
            } else {
                BodyFormat::Csv
            };
            (
                format,
                Box::new(Cursor::new(head).chain(body)) as Box<dyn Read>,
            )
        }
        known => (known, Box::new(body) as Box<dyn Read>),
    };
    if format == BodyFormat::Json {
        Ok(ReadBatch {
            records: read_json(body, max_records)?,
            decimal_comma: false,
        })
    } else {
        let (records, dialect) = read_csv(body, max_records)?;
        Ok(ReadBatch {
            records,
            decimal_comma: dialect == CsvDialect::Semicolon,
        })
    }
}

/// Reads `{"lettings": [...]}` or a bare array held in memory (tests and benchmarks).
pub fn parse_json(body: &[u8]) -> Result<Vec<RawRecord>, BodyError> {
    read_json(body, usize::MAX)
}

/// Reads a CSV body held in memory (tests and benchmarks).
pub fn parse_csv(body: &[u8]) -> Result<(Vec<RawRecord>, CsvDialect), BodyError> {
    read_csv(body, usize::MAX)
}

/// A 400 for a body that cannot be read; the reason is cut short, as it may quote the body.
fn malformed(context: &str, error: impl std::fmt::Display) -> BodyError {
    let reason = error.to_string();
    let short = cut_chars(&reason, 300);
    let ellipsis = if short.len() < reason.len() {
        "…"
    } else {
        ""
    };
    BodyError::Malformed(format!("{context}: {short}{ellipsis}"))
}

fn cut_chars(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

/// Reads the start of a body until `enough` says so, `limit` bytes are read, or the body ends;
/// returns what was read and the rest of the body.
fn read_ahead<R: Read>(
    mut body: R,
    limit: usize,
    enough: impl Fn(&[u8]) -> bool,
) -> std::io::Result<(Vec<u8>, R)> {
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while head.len() < limit && !enough(&head) {
        let n = match body.read(&mut buf[..(limit - head.len()).min(4096)]) {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            other => other?,
        };
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
    }
    Ok((head, body))
}

const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

fn strip_bom_of(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(&BOM[..]).unwrap_or(bytes)
}

/// The body without a leading UTF-8 byte order mark.
fn strip_bom<R: Read>(body: R) -> std::io::Result<std::io::Chain<Cursor<Vec<u8>>, R>> {
    let (mut head, body) = read_ahead(body, BOM.len(), |_| false)?;
    if head == BOM {
        head.clear();
    }
    Ok(Cursor::new(head).chain(body))
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
    use crate::domain::letting::RawValue;

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

    /// The required columns, in the contract's order: six cells a row.
    const HEADER: &str =
        "reference,municipality,contract_start,rent,household_size,household_income";

    #[test]
    fn json_records_are_counted_while_read_and_one_past_the_limit_stops_the_reading() {
        let bare = br#"[{}, {}, {}]"#;
        let wrapped = br#"{"lettings": [{}, {}, {}]}"#;
        for body in [&bare[..], &wrapped[..]] {
            assert_eq!(read_json(body, 3).unwrap().len(), 3);
            assert!(matches!(
                read_json(body, 2),
                Err(BodyError::TooManyRecords { limit: 2 })
            ));
        }
        // What follows the first record past the limit is never read: not even checked.
        let broken_after = br#"[{}, {}, {}, {"#;
        assert!(matches!(
            read_json(&broken_after[..], 2),
            Err(BodyError::TooManyRecords { limit: 2 })
        ));
        assert!(matches!(
            read_json(&broken_after[..], 5),
            Err(BodyError::Malformed(_))
        ));
    }

    #[test]
    fn csv_rows_are_counted_while_read() {
        let body = format!("{HEADER}\nA,,,,,\nB,,,,,\nC,,,,,\n");
        assert_eq!(read_csv(body.as_bytes(), 3).unwrap().0.len(), 3);
        assert!(matches!(
            read_csv(body.as_bytes(), 2),
            Err(BodyError::TooManyRecords { limit: 2 })
        ));
    }

    #[test]
    fn a_value_that_is_a_list_or_object_is_noted_not_built() {
        let records = parse_json(br#"[{"rent": [1, [2, {"a": 3}]], "route": {"x": {"y": 1}}, "urgency": null, "pension_age": true, "household_size": -2}]"#).unwrap();
        let raw = &records[0].raw;
        assert_eq!(raw.get("rent"), Some(&RawValue::Structured));
        assert_eq!(raw.get("route"), Some(&RawValue::Structured));
        assert_eq!(raw.get("urgency"), Some(&RawValue::Null));
        assert_eq!(raw.get("pension_age"), Some(&RawValue::Bool(true)));
        assert_eq!(
            raw.get("household_size"),
            Some(&RawValue::Number("-2".into()))
        );
    }

    #[test]
    fn unknown_keys_are_kept_cut_short_and_only_the_first_twenty() {
        let mut body = String::from("[{");
        for i in 0..30 {
            body.push_str(&format!("\"{}{i:02}\": [1, 2], ", "k".repeat(100)));
        }
        body.push_str("\"reference\": \"A\"}]");
        let records = parse_json(body.as_bytes()).unwrap();
        let raw = &records[0].raw;
        assert_eq!(raw.unknown_fields().len(), 20);
        assert!(raw.unknown_fields().iter().all(|f| f.chars().count() == 64));
        assert_eq!(raw.more_unknown_fields(), 10);
        assert_eq!(raw.reference_text(), Some("A"));
    }

    #[test]
    fn a_malformed_json_message_does_not_repeat_a_long_body() {
        let body = format!("{{\"lettings\": \"{}\"}}", "x".repeat(100_000));
        let Err(BodyError::Malformed(message)) = parse_json(body.as_bytes()) else {
            panic!("expected a malformed body");
        };
        assert!(message.len() < 400, "{message}");
        let body = format!("\"{}\"", "x".repeat(100_000));
        let Err(BodyError::Malformed(message)) = parse_json(body.as_bytes()) else {
            panic!("expected a malformed body");
        };
        assert!(message.len() < 400, "{message}");
    }

    #[test]
    fn csv_lines_quoting_and_blank_lines_are_read_as_the_csv_crate_reads_them() {
        for rows in [
            "\r\nA,,,1,,\r\nB,,,2,,\r\n",
            "\nA,,,1,,\n\n\nB,\"2\n3\",,,,\nC,\"x\"\"y\",,,,\n",
            "\rA,,,1,,\rB,,,2,,",
            "\nA,,,1,,,extra\nB\n",
        ] {
            let body = format!("{HEADER}{rows}");
            let (records, dialect) = parse_csv(body.as_bytes()).unwrap();
            let delimiter = if dialect == CsvDialect::Semicolon {
                b';'
            } else {
                b','
            };
            let mut reader = ::csv::ReaderBuilder::new()
                .delimiter(delimiter)
                .flexible(true)
                .from_reader(body.trim_start_matches('\u{feff}').as_bytes());
            let expected: Vec<(u64, Vec<String>)> = reader
                .records()
                .map(|r| {
                    let r = r.unwrap();
                    (
                        r.position().unwrap().line(),
                        r.iter().map(str::to_string).collect(),
                    )
                })
                .collect();
            assert_eq!(records.len(), expected.len(), "{body:?}");
            for (record, (line, cells)) in records.iter().zip(&expected) {
                assert_eq!(record.line, Some(*line), "{body:?}");
                assert_eq!(
                    record.raw.reference_text(),
                    Some(cells[0].as_str()).filter(|c| !c.is_empty()),
                    "{body:?}"
                );
                assert_eq!(record.record_problem.is_some(), cells.len() != 6);
            }
        }
    }

    #[test]
    fn a_row_of_many_cells_keeps_only_those_under_the_header() {
        let mut body = format!("{HEADER}\nA,GM0629,2026-01-01,1,2,3");
        body.push_str(&",x".repeat(100_000));
        body.push('\n');
        let (records, _) = parse_csv(body.as_bytes()).unwrap();
        assert_eq!(
            records[0].record_problem.as_deref(),
            Some("this row has 100006 cells; the header has 6")
        );
        assert_eq!(
            records[0].raw.get("rent"),
            Some(&RawValue::Text("1".into()))
        );
    }

    #[test]
    fn a_header_of_many_unknown_columns_lists_the_first_thousand_problems() {
        let mut body = String::from("reference");
        for i in 0..5000 {
            body.push_str(&format!(",c{i}{}", "y".repeat(100)));
        }
        body.push('\n');
        let Err(BodyError::Header(problems)) = parse_csv(body.as_bytes()) else {
            panic!("expected header problems");
        };
        // 5000 unknown columns and 5 required ones missing.
        assert_eq!(problems.total(), 5005);
        assert_eq!(problems.listed().len(), 1000);
        assert!(problems
            .listed()
            .iter()
            .all(|p| p.field.as_ref().unwrap().chars().count() <= 64));
    }

    #[test]
    fn a_body_of_unknown_format_is_json_when_it_starts_with_a_bracket() {
        let json = read_batch(
            &b"\xEF\xBB\xBF  [{\"reference\": \"A\"}]"[..],
            BodyFormat::Unknown,
            10,
        )
        .unwrap();
        assert_eq!(json.records[0].raw.reference_text(), Some("A"));
        let body = format!("{}\nA;;;1,5;;\n", HEADER.replace(',', ";"));
        let csv = read_batch(body.as_bytes(), BodyFormat::Unknown, 10).unwrap();
        assert!(csv.decimal_comma);
        assert_eq!(csv.records[0].line, Some(2));
    }

    #[test]
    fn a_csv_row_that_is_not_utf8_is_malformed_naming_its_line() {
        let Err(BodyError::Malformed(message)) =
            parse_csv(&[HEADER.as_bytes(), b"\nA,,,,,\nB,\xff,,,,\n"].concat())
        else {
            panic!("expected a malformed body");
        };
        assert!(message.contains("line 3"), "{message}");
    }
}
