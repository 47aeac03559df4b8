//! A CSV body read as it streams in, one cell at a time (with `csv-core`, the parser under the
//! `csv` crate): the rows are counted as they are read and reading stops at the first row past
//! the limit, and of each row only the cells under a header column are kept, so neither a
//! batch of too many rows nor one row of millions of cells is ever held in memory.

use std::collections::BTreeSet;
use std::io::Read;

use csv_core::ReadFieldResult;

use super::{malformed, strip_bom, BodyError, RawRecord};
use crate::domain::letting::{FieldProblem, RawValue};
use crate::domain::problem::{cut, Problem, ProblemList};
use crate::domain::upload::{column_named_in, normalise_cell, Column, UploadRecord};

/// The separator and decimal style of a CSV body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvDialect {
    /// `,` separated, decimal point.
    Comma,
    /// `;` separated, as Dutch Excel writes it: a decimal comma, Dutch dates, booleans and
    /// amounts are accepted (`domain::upload`).
    Semicolon,
}

/// How much of the header line the separator is guessed from.
const HEADER_SNIFF_BYTES: usize = 64 * 1024;

/// Picks the separator from the header line (the first that is not blank, whatever the line
/// ends): whichever of `;` and `,` it holds more of.
pub fn detect_dialect(body: &[u8]) -> CsvDialect {
    let header = body
        .split(|b| matches!(b, b'\n' | b'\r'))
        .find(|line| line.iter().any(|b| !b.is_ascii_whitespace()))
        .unwrap_or(&[]);
    let semicolons = header.iter().filter(|b| **b == b';').count();
    let commas = header.iter().filter(|b| **b == b',').count();
    if semicolons > commas {
        CsvDialect::Semicolon
    } else {
        CsvDialect::Comma
    }
}

/// Reads a CSV body with a header row of field names (or their Dutch names), in any order, and
/// at most `max_records` rows under it. Rows whose cells are all empty (Excel leaves them
/// behind) are skipped; every record keeps the physical line it starts on.
pub fn read_csv(
    body: impl Read,
    max_records: usize,
) -> Result<(Vec<RawRecord>, CsvDialect), BodyError> {
    read_csv_of(body, max_records)
}

/// [`read_csv`] for records of any kind.
pub fn read_csv_of<R: UploadRecord>(
    body: impl Read,
    max_records: usize,
) -> Result<(Vec<RawRecord<R>>, CsvDialect), BodyError> {
    let unreadable = |e: std::io::Error| malformed("the body could not be read", e);
    let body = strip_bom(body).map_err(unreadable)?;
    // The separator is guessed from the header line (its first 64 KiB), read ahead.
    let (head, body) = super::read_ahead(body, HEADER_SNIFF_BYTES, |seen| {
        // Past the end of the first line that is not blank.
        let start = seen.iter().position(|b| !b.is_ascii_whitespace());
        start.is_some_and(|start| seen[start..].iter().any(|b| matches!(b, b'\n' | b'\r')))
    })
    .map_err(unreadable)?;
    let dialect = detect_dialect(&head);
    let mut cells = Cells::new(
        std::io::Cursor::new(head).chain(body),
        match dialect {
            CsvDialect::Semicolon => b';',
            CsvDialect::Comma => b',',
        },
    );
    let columns = read_header::<R, _>(&mut cells)?;

    let mut records = Vec::new();
    loop {
        let mut raw = R::default();
        let mut value_problems = Vec::new();
        let mut not_utf8 = false;
        let mut empty = true;
        let row = cells.next_row(|i, cell| match std::str::from_utf8(cell) {
            Ok(text) => {
                empty &= text.trim().is_empty();
                let Some(column) = columns.get(i) else { return };
                if text.is_empty() {
                    return;
                }
                let value = match dialect {
                    CsvDialect::Comma => Ok(text.into()),
                    CsvDialect::Semicolon => normalise_cell(column.kind, text),
                };
                match value {
                    Ok(value) => raw.set(column.field, RawValue::Text(value.into_owned())),
                    Err(message) => {
                        raw.set(column.field, RawValue::Text(text.to_string()));
                        value_problems.push(FieldProblem {
                            field: Some(column.field.to_string()),
                            message: format!("{}: {message}", column.field),
                        });
                    }
                }
            }
            Err(_) => not_utf8 = true,
        })?;
        let Some(row) = row else { break };
        if empty && !not_utf8 {
            continue;
        }
        if not_utf8 {
            return Err(BodyError::Malformed(format!(
                "cannot read the CSV: {}",
                not_utf8_text(row.line)
            )));
        }
        if records.len() == max_records {
            return Err(BodyError::TooManyRecords { limit: max_records });
        }
        let record_problem = (row.cells != columns.len()).then(|| {
            format!(
                "this row has {} cells; the header has {}",
                row.cells,
                columns.len()
            )
        });
        records.push(RawRecord {
            raw,
            line: Some(row.line),
            record_problem,
            value_problems,
        });
    }
    Ok((records, dialect))
}

/// The header's columns, each a field of the contract; or every problem with the header.
fn read_header<K: UploadRecord, R: Read>(
    cells: &mut Cells<R>,
) -> Result<Vec<&'static Column>, BodyError> {
    let mut problems = ProblemList::new();
    let mut columns = Vec::new();
    let mut seen = BTreeSet::new();
    let mut not_utf8 = false;
    // The header is the first row that is not blank.
    let header_line = cells.skip_line_ends()?;
    let header_problem = |field: &str, message: String| Problem {
        index: None,
        reference: None,
        field: Some(field.to_string()),
        message,
        line: Some(header_line),
    };
    let header = cells.next_row(|_, cell| {
        let Ok(text) = std::str::from_utf8(cell) else {
            not_utf8 = true;
            return;
        };
        let name = text.trim();
        let known = column_named_in(K::columns(), name).filter(|c| K::fields().contains(&c.field));
        match known {
            Some(column) if seen.insert(column.field) => columns.push(column),
            Some(column) => problems.push(header_problem(
                column.field,
                format!(
                    "column {:?} ({}) appears more than once",
                    column.field, column.dutch
                ),
            )),
            // A header of a million unknown columns makes a million problems: past what is
            // listed they are only counted.
            None if !problems.has_room() => problems.count(1),
            None => {
                let short = cut(name).to_ascii_lowercase();
                let shown = if short.len() < name.len() {
                    format!("{short}…")
                } else {
                    short.clone()
                };
                problems.push(header_problem(
                    &short,
                    format!(
                        "unknown column {shown:?}; the columns are: {} (or in Dutch: {})",
                        K::fields().join(", "),
                        dutch_names::<K>().join(", ")
                    ),
                ))
            }
        }
    })?;
    if not_utf8 {
        return Err(BodyError::Malformed(format!(
            "cannot read the CSV header: {}",
            not_utf8_text(header.map_or(1, |h| h.line))
        )));
    }
    for &required in K::required_fields() {
        if !columns.iter().any(|c| c.field == required) {
            problems.push(header_problem(
                required,
                format!("required column {required:?} is missing"),
            ));
        }
    }
    if problems.is_empty() {
        Ok(columns)
    } else {
        Err(BodyError::Header(problems))
    }
}

/// The Dutch names of the contract's fields, in its order.
fn dutch_names<K: UploadRecord>() -> Vec<&'static str> {
    K::fields()
        .iter()
        .filter_map(|f| K::columns().iter().find(|c| c.field == *f).map(|c| c.dutch))
        .collect()
}

fn not_utf8_text(line: u64) -> String {
    format!("line {line} is not UTF-8 text; export the file as 'CSV UTF-8'")
}

/// Where a row ended: how many cells it had and the line it started on.
struct Row {
    cells: usize,
    line: u64,
}

/// The cells of a CSV body, one at a time, with the quoting rules of the `csv` crate.
struct Cells<R> {
    parser: csv_core::Reader,
    body: R,
    input: Vec<u8>,
    start: usize,
    end: usize,
    /// One cell's unquoted bytes; as long as the longest cell.
    cell: Vec<u8>,
    /// The last byte consumed was a `\r`: a `\n` after it ends the same line.
    after_cr: bool,
}

impl<R: Read> Cells<R> {
    fn new(body: R, delimiter: u8) -> Self {
        Self {
            parser: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            body,
            input: vec![0; 64 * 1024],
            start: 0,
            end: 0,
            cell: vec![0; 256],
            after_cr: false,
        }
    }

    /// Consumes the line ends before a row and returns the physical line the row starts on.
    ///
    /// csv-core (like the `csv` crate's `Position`, which reads its counter) takes a record's
    /// line when reading of it begins: before the blank lines it skips, and, with CRLF, before
    /// the `\n` of the previous line's end, which it consumes only then. Stepping over the line
    /// ends here keeps its counter exact at the row's first byte. The counter counts `\n`; here
    /// a `\r` counts as the line end and a `\n` right after it does not, so CRLF, LF and the
    /// lone CR of old Mac Excel each end one line.
    fn skip_line_ends(&mut self) -> Result<u64, BodyError> {
        loop {
            if self.start == self.end {
                self.end = read_some(&mut self.body, &mut self.input)
                    .map_err(|e| malformed("the body could not be read", e))?;
                self.start = 0;
                if self.end == 0 {
                    return Ok(self.parser.line());
                }
            }
            let byte = self.input[self.start];
            let line = self.parser.line();
            match byte {
                b'\n' => {
                    if !self.after_cr {
                        self.parser.set_line(line + 1);
                    }
                    self.after_cr = false;
                }
                b'\r' => {
                    self.parser.set_line(line + 1);
                    self.after_cr = true;
                }
                _ => {
                    self.after_cr = false;
                    return Ok(line);
                }
            }
            self.start += 1;
        }
    }

    /// Reads one row, handing each cell to `each` with its position; `None` at the end.
    fn next_row(&mut self, mut each: impl FnMut(usize, &[u8])) -> Result<Option<Row>, BodyError> {
        let line = self.skip_line_ends()?;
        let mut cells = 0;
        let mut written = 0;
        loop {
            if self.start == self.end {
                self.end = read_some(&mut self.body, &mut self.input)
                    .map_err(|e| malformed("the body could not be read", e))?;
                self.start = 0;
            }
            if written == self.cell.len() {
                self.cell.resize(self.cell.len() * 2, 0);
            }
            // An empty input tells the parser the body has ended.
            let (result, read, wrote) = self
                .parser
                .read_field(&self.input[self.start..self.end], &mut self.cell[written..]);
            self.start += read;
            written += wrote;
            match result {
                ReadFieldResult::InputEmpty | ReadFieldResult::OutputFull => {}
                ReadFieldResult::Field { record_end } => {
                    each(cells, &self.cell[..written]);
                    cells += 1;
                    written = 0;
                    if record_end {
                        // A row ended by `\r` (CRLF or CR): its line end is counted in
                        // `skip_line_ends`, where the `\n` that may follow is seen.
                        if read > 0 && self.input[self.start - 1] == b'\r' {
                            self.parser.set_line(self.parser.line() + 1);
                            self.after_cr = true;
                        }
                        return Ok(Some(Row { cells, line }));
                    }
                }
                ReadFieldResult::End => return Ok(None),
            }
        }
    }
}

/// Reads what is there, retrying an interrupted read; 0 at the end.
fn read_some(body: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    loop {
        match body.read(buf) {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}
