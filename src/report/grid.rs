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

/// Money always with two decimals and thousands grouped: € 1.234,50 / € 1,234.50.
pub fn euro(amount: Decimal, lang: Lang) -> String {
    let fixed = format!("{:.2}", amount.round_dp(2));
    let (whole, cents) = fixed.split_once('.').unwrap_or((&fixed, "00"));
    let (sign, digits) = match whole.strip_prefix('-') {
        Some(d) => ("-", d),
        None => ("", whole),
    };
    let (group, point) = match lang {
        Lang::Nl => ('.', ','),
        Lang::En => (',', '.'),
    };
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(group);
        }
        grouped.push(c);
    }
    format!("€ {sign}{grouped}{point}{cents}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_has_two_decimals_and_grouped_thousands() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(euro(d("498.2"), Lang::Nl), "€ 498,20");
        assert_eq!(euro(d("47699"), Lang::Nl), "€ 47.699,00");
        assert_eq!(euro(d("1234567.891"), Lang::En), "€ 1,234,567.89");
        assert_eq!(euro(d("0"), Lang::Nl), "€ 0,00");
    }
}
