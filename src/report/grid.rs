//! The typed cells and titled tables every report format renders (CSV, XLSX, HTML, PDF).

use rust_decimal::Decimal;

use super::labels::{label, Lang};
use super::model::Report;

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

/// A scope as people know it: the corporation's name (layout 2 on), or its id.
pub fn scope_name(report: &Report, corporation: &Option<String>, lang: Lang) -> String {
    match corporation {
        None => label("total", lang).to_string(),
        Some(id) => report
            .corporation_names
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.clone()),
    }
}
