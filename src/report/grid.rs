//! The typed cells and titled tables every report format renders (CSV, XLSX, HTML, PDF).

use rust_decimal::Decimal;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    /// A number of households; `None` is a small cell shown as `<5`.
    Count(Option<u64>),
    /// A count hidden to protect another cell: `x`.
    Hidden,
    /// A figure withheld because it would give a hidden count away: empty.
    Withheld,
    Int(i64),
    /// A share between 0 and 1; `None` is not available or withheld.
    Share(Option<Decimal>),
    Euro(Decimal),
    Number(Decimal),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// Short name (an XLSX sheet name: at most 31 characters).
    pub name: String,
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// Shown when there are no rows.
    pub empty_note: Option<String>,
}
