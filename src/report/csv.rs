//! The report as CSV: each table as a title row, a header row and its rows. Dutch: semicolons and a decimal comma, as Dutch Excel reads it; English:
//! commas and a decimal point.

use rust_decimal::Decimal;

use super::labels::Lang;
use super::tables::{Cell, Table};

fn decimal(value: Decimal, lang: Lang) -> String {
    let text = value.normalize().to_string();
    if lang == Lang::Nl {
        text.replace('.', ",")
    } else {
        text
    }
}

pub fn cell_text(cell: &Cell, lang: Lang) -> String {
    match cell {
        Cell::Text(t) => t.clone(),
        Cell::Count(Some(n)) => n.to_string(),
        Cell::Count(None) => "<5".into(),
        Cell::Hidden => "x".into(),
        Cell::Withheld => String::new(),
        Cell::Int(n) => n.to_string(),
        Cell::Share(Some(s)) | Cell::Number(s) => decimal(*s, lang),
        Cell::Share(None) => String::new(),
        Cell::Euro(e) => decimal(e.round_dp(2), lang),
    }
}

/// A text cell that a spreadsheet would read as a formula (it starts with `=`, `+`, `-`, `@`, a
/// tab or a carriage return) gets a leading apostrophe, so opening the report never runs
/// anything (OWASP, "CSV Injection"). Numbers are written as numbers and are never text cells.
fn inert(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// Renders the tables as one CSV document (UTF-8 with BOM, so Excel reads the accents).
pub fn render(tables: &[Table], lang: Lang) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::WriterBuilder::new()
        .delimiter(if lang == Lang::Nl { b';' } else { b',' })
        .flexible(true)
        .from_writer(vec![0xEF, 0xBB, 0xBF]);
    for table in tables {
        writer.write_record([table.title.as_str()])?;
        writer.write_record(&table.headers)?;
        if table.rows.is_empty() {
            if let Some(note) = &table.empty_note {
                writer.write_record([note.as_str()])?;
            }
        }
        for row in &table.rows {
            writer.write_record(row.iter().map(|c| match c {
                Cell::Text(t) => inert(t),
                other => cell_text(other, lang),
            }))?;
        }
    }
    writer.flush()?;
    writer
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_that_a_spreadsheet_would_run_is_written_inert() {
        let table = Table {
            name: "t".into(),
            title: "T".into(),
            headers: vec!["naam".into(), "aantal".into()],
            rows: vec![
                vec![Cell::Text("=HYPERLINK(\"http://x\")".into()), Cell::Int(-3)],
                vec![Cell::Text("@SUM(A1)".into()), Cell::Int(4)],
                vec![Cell::Text("Woonstichting".into()), Cell::Int(5)],
            ],
            empty_note: None,
        };
        let text = String::from_utf8(render(&[table], Lang::Nl).unwrap()).unwrap();
        assert!(
            text.contains("\"'=HYPERLINK(\"\"http://x\"\")\";-3"),
            "{text}"
        );
        assert!(text.contains("'@SUM(A1);4"), "{text}");
        assert!(text.contains("\nWoonstichting;5"), "{text}");
    }
}
