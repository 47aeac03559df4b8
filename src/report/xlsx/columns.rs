//! How one table of the report becomes the columns of a sheet an analyst can compute with:
//! every column holds either numbers or text, never both.
//!
//! A column of the table that holds figures becomes a number column. Where a figure is not
//! shown (a small count `<5`, a count hidden to protect one `x`, a figure withheld because it
//! would give one away) its number cell stays empty, so SUM and AVERAGE skip it, and a text
//! column right after it, "… (toelichting)", says why. That column exists only where the table
//! holds such a cell, so the municipality, which sees every figure, gets none. A column that
//! mixes text and figures (the footer's amounts) is split the same way.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use crate::report::labels::Lang;
use crate::report::tables::{Cell, Table};

/// The number format of a number cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberKind {
    /// A count or other whole number.
    Integer,
    /// A share between 0 and 1, shown as a percentage.
    Percent,
    /// An amount in euros, two decimals.
    Euro,
    /// A figure with decimals (expected pro rata, a difference).
    Decimal,
}

/// One cell of a sheet.
#[derive(Debug, Clone, PartialEq)]
pub enum Out {
    Empty,
    Text(String),
    /// Why the number beside it is not shown: `<5`, `x` or "weggelaten".
    Marker(&'static str),
    Number(f64, NumberKind),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    Text,
    Number,
    /// The text beside a number column: why a figure is not shown, or the text of a mixed
    /// column.
    Note,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub header: String,
    pub kind: ColumnKind,
    /// Characters of its longest value (the header wraps).
    pub width: usize,
}

/// A table laid out as the columns and rows of a sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Out>>,
}

fn words(lang: Lang) -> Words {
    match lang {
        Lang::Nl => Words {
            note: "toelichting",
            item: "Onderdeel",
            value: "Waarde",
            amount: "Bedrag",
            withheld: "weggelaten",
        },
        Lang::En => Words {
            note: "note",
            item: "Item",
            value: "Value",
            amount: "Amount",
            withheld: "withheld",
        },
    }
}

struct Words {
    note: &'static str,
    item: &'static str,
    value: &'static str,
    amount: &'static str,
    withheld: &'static str,
}

fn number(cell: &Cell) -> Option<Out> {
    let decimal = |d: &Decimal, kind| Out::Number(d.to_f64().unwrap_or(0.0), kind);
    Some(match cell {
        Cell::Count(Some(n)) => Out::Number(*n as f64, NumberKind::Integer),
        Cell::Int(n) => Out::Number(*n as f64, NumberKind::Integer),
        Cell::Share(Some(s)) => decimal(s, NumberKind::Percent),
        Cell::Share(None) => Out::Empty,
        Cell::Euro(e) => decimal(&e.round_dp(2), NumberKind::Euro),
        Cell::Number(d) => decimal(d, NumberKind::Decimal),
        _ => return None,
    })
}

/// Why a figure is not shown, in the words of the other formats (`<5`, `x`).
fn marker(cell: &Cell, w: &Words) -> Option<&'static str> {
    match cell {
        Cell::Count(None) => Some("<5"),
        Cell::Hidden => Some("x"),
        Cell::Withheld => Some(w.withheld),
        _ => None,
    }
}

fn text(cell: &Cell) -> Option<&str> {
    match cell {
        Cell::Text(t) if !t.is_empty() => Some(t),
        _ => None,
    }
}

/// How many characters a cell takes as a spreadsheet shows it.
fn shown_len(out: &Out) -> usize {
    match out {
        Out::Empty => 0,
        Out::Text(t) => t.chars().count(),
        Out::Marker(m) => m.chars().count(),
        Out::Number(v, NumberKind::Integer) => format!("{v:.0}").len(),
        Out::Number(v, NumberKind::Percent) => format!("{:.1}%", v * 100.0).len(),
        // "€ 1.234,56": the sign, a space and a thousands separator.
        Out::Number(v, NumberKind::Euro) => format!("{v:.2}").len() + 3,
        Out::Number(v, NumberKind::Decimal) => format!("{v:.2}").len(),
    }
}

/// The columns and rows of `table` as a sheet shows them.
pub fn layout(table: &Table, lang: Lang) -> Layout {
    let w = words(lang);
    let width = table
        .headers
        .len()
        .max(table.rows.iter().map(Vec::len).max().unwrap_or(0));
    let mut columns = Vec::new();
    // Per column of the sheet: the column of the table it shows and what it takes from it.
    let mut sources: Vec<(usize, ColumnKind)> = Vec::new();
    for c in 0..width {
        let cells = || table.rows.iter().filter_map(move |r| r.get(c));
        let header = table.headers.get(c).cloned().unwrap_or_default();
        let has_number = cells().any(|cell| number(cell).is_some());
        let has_marker = cells().any(|cell| marker(cell, &w).is_some());
        let has_text = cells().any(|cell| text(cell).is_some());
        let blank = header.trim().is_empty();
        if !has_number && !has_marker {
            let header = match (blank, c) {
                (false, _) => header,
                (true, 0) => w.item.to_string(),
                (true, _) => w.value.to_string(),
            };
            columns.push((header, ColumnKind::Text));
            sources.push((c, ColumnKind::Text));
            continue;
        }
        let amounts = cells().any(|cell| matches!(cell, Cell::Euro(_)));
        let number_header = match (blank, amounts) {
            (false, _) => header.clone(),
            (true, true) => w.amount.to_string(),
            (true, false) => w.value.to_string(),
        };
        let note_header = if blank {
            w.value.to_string()
        } else {
            format!("{header} ({})", w.note)
        };
        let with_note = has_marker || has_text;
        // A column without a header is mostly text with an amount here and there (the
        // footer): its text first.
        if blank && with_note {
            columns.push((note_header.clone(), ColumnKind::Note));
            sources.push((c, ColumnKind::Note));
        }
        columns.push((number_header, ColumnKind::Number));
        sources.push((c, ColumnKind::Number));
        if !blank && with_note {
            columns.push((note_header, ColumnKind::Note));
            sources.push((c, ColumnKind::Note));
        }
    }
    let rows: Vec<Vec<Out>> = table
        .rows
        .iter()
        .map(|row| {
            sources
                .iter()
                .map(|&(c, kind)| {
                    let Some(cell) = row.get(c) else {
                        return Out::Empty;
                    };
                    match kind {
                        ColumnKind::Number => number(cell).unwrap_or(Out::Empty),
                        ColumnKind::Text | ColumnKind::Note => match (text(cell), marker(cell, &w))
                        {
                            (Some(t), _) => Out::Text(t.to_string()),
                            (None, Some(m)) => Out::Marker(m),
                            (None, None) => Out::Empty,
                        },
                    }
                })
                .collect()
        })
        .collect();
    let columns = columns
        .into_iter()
        .enumerate()
        .map(|(i, (header, kind))| {
            let longest = rows
                .iter()
                .filter_map(|r| r.get(i))
                .map(shown_len)
                .max()
                .unwrap_or(0);
            Column {
                width: longest,
                header,
                kind,
            }
        })
        .collect();
    Layout { columns, rows }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(headers: &[&str], rows: Vec<Vec<Cell>>) -> Table {
        Table {
            name: "t".into(),
            title: "T".into(),
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows,
            empty_note: None,
        }
    }

    #[test]
    fn a_hidden_count_is_an_empty_number_with_its_reason_beside_it() {
        let t = table(
            &["Partij", "Aantal", "Aandeel"],
            vec![
                vec![
                    Cell::Text("dwb".into()),
                    Cell::Count(Some(24)),
                    Cell::Share(Some(Decimal::new(125, 3))),
                ],
                vec![
                    Cell::Text("willibrordus".into()),
                    Cell::Count(None),
                    Cell::Share(None),
                ],
                vec![Cell::Text("totaal".into()), Cell::Hidden, Cell::Withheld],
            ],
        );
        let l = layout(&t, Lang::Nl);
        let headers: Vec<&str> = l.columns.iter().map(|c| c.header.as_str()).collect();
        assert_eq!(
            headers,
            [
                "Partij",
                "Aantal",
                "Aantal (toelichting)",
                "Aandeel",
                "Aandeel (toelichting)"
            ]
        );
        assert_eq!(l.rows[0][1], Out::Number(24.0, NumberKind::Integer));
        assert_eq!(l.rows[0][2], Out::Empty);
        assert_eq!(l.rows[0][3], Out::Number(0.125, NumberKind::Percent));
        assert_eq!(l.rows[1][1], Out::Empty);
        assert_eq!(l.rows[1][2], Out::Marker("<5"));
        assert_eq!(l.rows[1][3], Out::Empty);
        assert_eq!(l.rows[1][4], Out::Empty);
        assert_eq!(l.rows[2][1], Out::Empty);
        assert_eq!(l.rows[2][2], Out::Marker("x"));
        assert_eq!(l.rows[2][4], Out::Marker("weggelaten"));
    }

    #[test]
    fn every_figure_shown_needs_no_note_column() {
        let t = table(
            &["Partij", "Aantal"],
            vec![vec![Cell::Text("dwb".into()), Cell::Count(Some(3))]],
        );
        let l = layout(&t, Lang::En);
        assert_eq!(l.columns.len(), 2);
        assert_eq!(l.columns[1].kind, ColumnKind::Number);
    }

    #[test]
    fn a_column_of_text_and_amounts_is_split_and_named() {
        let t = table(
            &["", ""],
            vec![
                vec![
                    Cell::Text("Bron".into()),
                    Cell::Text("Staatscourant".into()),
                ],
                vec![
                    Cell::Text("Huurgrens DAEB".into()),
                    Cell::Euro(Decimal::new(87979, 2)),
                ],
            ],
        );
        let l = layout(&t, Lang::Nl);
        let headers: Vec<(&str, ColumnKind)> = l
            .columns
            .iter()
            .map(|c| (c.header.as_str(), c.kind))
            .collect();
        assert_eq!(
            headers,
            [
                ("Onderdeel", ColumnKind::Text),
                ("Waarde", ColumnKind::Note),
                ("Bedrag", ColumnKind::Number)
            ]
        );
        assert_eq!(l.rows[0][1], Out::Text("Staatscourant".into()));
        assert_eq!(l.rows[0][2], Out::Empty);
        assert_eq!(l.rows[1][1], Out::Empty);
        assert_eq!(l.rows[1][2], Out::Number(879.79, NumberKind::Euro));
    }

    #[test]
    fn a_column_is_as_wide_as_its_longest_value() {
        let t = table(
            &["Partij", "Aantal"],
            vec![
                vec![
                    Cell::Text("Woonstichting De Key".into()),
                    Cell::Count(Some(1234)),
                ],
                vec![Cell::Text("dwb".into()), Cell::Count(Some(5))],
            ],
        );
        let l = layout(&t, Lang::Nl);
        assert_eq!(l.columns[0].width, "Woonstichting De Key".len());
        assert_eq!(l.columns[1].width, "1234".len());
    }
}
