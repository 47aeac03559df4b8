//! A corporation's own lettings as a list, page by page, and as a CSV in the upload format;
//! and the upload template. Both CSVs are what Dutch Excel opens as it is (semicolons, a BOM,
//! CRLF) with the Dutch column names, and both post back as they are: the export as
//! `unchanged` for every row.
//!
//! The columns come from `domain::upload::COLUMNS` and the values from the letting as the
//! API shows it, by field name, so a field added to the contract (and to the letting's JSON)
//! needs no code here.

use diesel::QueryResult;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

pub use crate::db::letting_list::ListFilter;

use crate::db::letting_list;
use crate::db::DbConnection;
use crate::domain::letting::FIELDS;
use crate::domain::upload::{Column, ValueKind, COLUMNS};
use crate::service::letting_views::LettingBody;

/// How many lettings a page holds when the request does not say.
pub const DEFAULT_PAGE: i64 = 1000;
/// The most lettings one page holds.
pub const MAX_PAGE: i64 = 10_000;

/// One page of the corporation's lettings.
#[derive(Debug, Serialize, ToSchema)]
pub struct LettingListBody {
    pub lettings: Vec<LettingBody>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// A page of the corporation's own lettings in reference order, and the cursor of the next
/// page when there is one.
pub fn page(
    conn: &mut DbConnection,
    corporation: &str,
    filter: &ListFilter,
) -> QueryResult<LettingListBody> {
    // One more than asked for says whether another page follows.
    let mut asked = filter.clone();
    asked.limit = filter.limit + 1;
    let mut rows = letting_list::page(conn, corporation, &asked)?;
    let more = rows.len() as i64 > filter.limit;
    rows.truncate(usize::try_from(filter.limit).unwrap_or(0));
    let next_cursor = more
        .then(|| rows.last().map(|l| l.reference.clone()))
        .flatten();
    Ok(LettingListBody {
        lettings: rows
            .into_iter()
            .map(|l| LettingBody::new(l, None))
            .collect(),
        next_cursor,
    })
}

/// The columns a CSV of lettings holds: every field of the contract but `corporation`, which
/// is always the poster itself.
fn csv_columns() -> impl Iterator<Item = &'static Column> {
    COLUMNS
        .iter()
        .filter(|c| FIELDS.contains(&c.field) && c.field != "corporation")
}

const BOM: &str = "\u{feff}";

fn writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer(BOM.as_bytes().to_vec())
}

/// The upload template: the Dutch header and one example row, valid as it is (its
/// `reden_uitzondering` keeps it out of every quota should it be posted unchanged).
pub fn template(municipality: &str) -> Result<Vec<u8>, csv::Error> {
    let mut out = writer();
    out.write_record(csv_columns().map(|c| c.dutch))?;
    out.write_record(csv_columns().map(|c| match c.field {
        "municipality" => municipality,
        _ => c.example,
    }))?;
    out.into_inner().map_err(|e| e.into_error().into())
}

/// The lettings as a CSV in the upload format: the Dutch header, ISO dates, amounts with a
/// decimal comma, `ja`/`nee`.
pub fn lettings_csv(lettings: &[LettingBody]) -> Result<Vec<u8>, csv::Error> {
    let mut out = writer();
    out.write_record(csv_columns().map(|c| c.dutch))?;
    for letting in lettings {
        let fields = serde_json::to_value(letting)
            .map_err(|e| csv::Error::from(std::io::Error::other(e)))?;
        out.write_record(csv_columns().map(|c| cell(c.kind, &fields[c.field])))?;
    }
    out.into_inner().map_err(|e| e.into_error().into())
}

/// One value as the semicolon dialect writes it.
fn cell(kind: ValueKind, value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::Bool(true) => "ja".into(),
        Value::Bool(false) => "nee".into(),
        Value::String(text) => text.clone(),
        // An exact decimal (serde_json keeps its digits): a decimal comma in this dialect.
        Value::Number(n) if kind == ValueKind::Money => n.to_string().replace('.', ","),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_in_the_semicolon_dialect() {
        let money: Value = serde_json::from_str("1234.50").unwrap();
        assert_eq!(cell(ValueKind::Money, &money), "1234,50");
        assert_eq!(cell(ValueKind::Integer, &Value::from(3)), "3");
        assert_eq!(cell(ValueKind::Bool, &Value::Bool(true)), "ja");
        assert_eq!(cell(ValueKind::Text, &Value::Null), "");
        assert_eq!(
            cell(ValueKind::Date, &Value::from("2026-03-01")),
            "2026-03-01"
        );
    }

    #[test]
    fn the_template_is_excel_csv_with_the_dutch_header() {
        let bytes = template("GM0629").unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.starts_with("\u{feff}referentie;gemeente;ingangsdatum;kale_huur;"));
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(lines.len(), 3, "{text:?}");
        assert!(lines[1].starts_with("VOORBEELD-1;GM0629;1-3-2026;745,00;2;28500;nee;"));
        assert_eq!(lines[2], "");
    }
}
