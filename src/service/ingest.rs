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
use crate::domain::letting::{
    self, classify, FieldProblem, LettingInput, RawLetting, ValidationContext,
};
use crate::domain::money;
use crate::domain::norms::NormsTable;
use crate::domain::period::month_key;
use crate::domain::problem::{cut, echo, Problem, ProblemList};
use crate::domain::upload::{self, UploadRecord};

mod csv_body;
mod json_body;

pub use csv_body::{detect_dialect, read_csv, read_csv_of, CsvDialect};
pub use json_body::{read_json, read_json_of};

/// One record as read from the body, with where it came from.
#[derive(Debug, Clone, Default)]
pub struct RawRecord<R = RawLetting> {
    pub raw: R,
    /// CSV: the line the record starts on (header = 1).
    pub line: Option<u64>,
    /// A problem with the record as a whole (not an object, wrong number of cells).
    pub record_problem: Option<String>,
    /// Cells that could not be read in their dialect (an amount that reads two ways, a Dutch
    /// date that is no day): each replaces whatever the field's check finds.
    pub value_problems: Vec<FieldProblem>,
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
pub struct ReadBatch<R = RawLetting> {
    pub records: Vec<RawRecord<R>>,
    /// CSV separated by semicolons: a decimal comma is accepted.
    pub decimal_comma: bool,
}

/// How far into a body of unknown format its first character is looked for.
const SNIFF_BYTES: usize = 64 * 1024;

/// Reads a body of at most `max_records` letting records as it arrives.
pub fn read_batch(
    body: impl Read,
    format: BodyFormat,
    max_records: usize,
) -> Result<ReadBatch, BodyError> {
    read_records(body, format, max_records)
}

/// Reads a body of at most `max_records` records of any kind (`R`) as it arrives.
pub fn read_records<R: UploadRecord>(
    body: impl Read,
    format: BodyFormat,
    max_records: usize,
) -> Result<ReadBatch<R>, BodyError> {
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
            records: read_json_of(body, max_records)?,
            decimal_comma: false,
        })
    } else {
        let (records, dialect) = read_csv_of(body, max_records)?;
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

/// What batch validation needs besides the records. Records are classified with the built-in
/// norms (which decide what is refused: no year before the earliest); a letting of a year
/// only an operator's import knows is classified provisionally here and settled against the
/// imported norms under the corporation's write lock (`service::norms::settle_batch`).
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
    check_batch(records, ctx).map(|valid| valid.lettings)
}

/// A valid batch, ready to store, with the warnings of its valid but unlikely values.
#[derive(Debug)]
pub struct ValidBatch {
    pub lettings: Vec<PreparedLetting>,
    /// Shaped as problems (index, reference, field, message, and `line` for CSV); the first
    /// 1000 listed, all counted. They never make a batch invalid.
    pub warnings: ProblemList,
}

/// [`validate_batch`] with the warnings (`domain::upload::warnings`) of the valid records.
pub fn check_batch(
    records: &[RawRecord],
    ctx: &BatchContext<'_>,
) -> Result<ValidBatch, ProblemList> {
    let mut warnings = ProblemList::new();
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
        let checked = letting::validate(&record.raw, &validation);
        let checked = if record.value_problems.is_empty() {
            checked
        } else {
            Err(with_value_problems(&record.value_problems, checked.err()))
        };
        match checked {
            Ok(input) => {
                for warning in upload::warnings(&input) {
                    warnings.push(problem(Some(warning.field.to_string()), warning.message));
                }
                if problems.is_empty() {
                    match prepare(&input, &ctx.reference.norms) {
                        Some(p) => prepared.push(p),
                        None => problems.push(problem(
                            Some("contract_start".into()),
                            "no national norms apply to the year of this allocation date".into(),
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
        Ok(ValidBatch {
            lettings: prepared,
            warnings,
        })
    } else {
        Err(problems)
    }
}

/// The problems of a record with cells its dialect could not read: those first, then what the
/// checks found in the other fields (a field's check would only repeat, less exactly, that
/// its value is wrong).
fn with_value_problems(
    read: &[FieldProblem],
    checked: Option<Vec<FieldProblem>>,
) -> Vec<FieldProblem> {
    let mut all = read.to_vec();
    all.extend(
        checked
            .unwrap_or_default()
            .into_iter()
            .filter(|p| !read.iter().any(|r| r.field == p.field)),
    );
    all
}

/// Classifies a valid letting with the norms of its allocation year (provisionally with the
/// latest known year's when its own has none yet) and turns it into database form.
pub fn prepare(input: &LettingInput, norms: &NormsTable) -> Option<PreparedLetting> {
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
            allocation_date: input.allocation_date,
            status_holder: input.status_holder,
        },
        class: classification_row(input, norms)?,
    })
}

/// The classification of a stored letting against `norms`: what it is when they change.
/// `None` when the stored values are not a valid letting any more (not expected) or its
/// allocation year has no applicable norms.
pub fn reclassify(data: &LettingData, norms: &NormsTable) -> Option<ClassificationRow> {
    let input = LettingInput {
        reference: String::new(),
        municipality: data.municipality.clone(),
        contract_start: data.contract_start,
        rent: money::from_cents(data.rent_cents),
        household_size: u8::try_from(data.household_size).ok()?,
        household_income: money::from_cents(data.household_income_cents),
        pension_age: data.pension_age,
        route: data.route.parse().ok()?,
        urgency: data.urgency.clone(),
        excluded_reason: data.excluded_reason.clone(),
        passend_exception: data.passend_exception,
        allocation_date: data.allocation_date,
        status_holder: data.status_holder,
    };
    classification_row(&input, norms)
}

fn classification_row(input: &LettingInput, norms: &NormsTable) -> Option<ClassificationRow> {
    let class = classify(input, norms.applicable(input.allocation_date.year())?);
    Some(ClassificationRow {
        // A letting counts in the month of its contract start, whatever norms classify it.
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
        norms_provisional: class.norms_provisional,
    })
}

#[cfg(test)]
mod tests;
