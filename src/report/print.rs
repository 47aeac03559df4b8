//! The printed report (HTML and PDF, layout 2 on): the first page before the tables, the
//! tables as a reader on paper needs them, and what stamps the copy as live or frozen.
//!
//! The tables are the ones every format shares ([`super::tables`]); for print they lose what
//! says nothing: the year-to-date quota of H1 (the same figures as the half year), monthly
//! rows with too few lettings to judge, and months not yet passed (shown "nog niet", not 0).

use super::cells::Disclosure;
use super::grid::{Cell, Table};
use super::labels::{label, state_text, Lang};
use super::model::Report;
use super::publication::PublicationBody;
use super::summary;

/// What the copy is: live figures, live figures of a published report, or the frozen report.
#[derive(Debug, Clone, Copy)]
pub enum Stamp<'a> {
    Live,
    LiveOfPublished(&'a PublicationBody),
    Frozen(&'a PublicationBody),
}

/// Whether the half year was still running when the figures were read: then every figure is
/// provisional.
pub fn is_provisional(report: &Report) -> bool {
    report.footer.read_at.date_naive() <= report.to
}

pub use super::summary::months_passed;

/// The first page's tables: verdicts, the two one-line figures, the points for discussion.
pub fn summary_tables(report: &Report, d: Option<&Disclosure>, lang: Lang) -> Vec<Table> {
    vec![
        summary::verdict_table(report, d, lang),
        summary::lines_table(report, d, lang),
        summary::points_table(report, d, lang),
    ]
}

/// The shared tables as print shows them (see the module's note), the glossary last.
pub fn print_tables(report: &Report, tables: Vec<Table>, lang: Lang) -> Vec<Table> {
    let passed = months_passed(report);
    let h1 = report.from == report.year_to_date_from;
    let too_few = state_text(report.version, "urgent_share", "insufficient_data", lang);
    let mut out: Vec<Table> = Vec::with_capacity(tables.len() + 1);
    for mut table in tables {
        match table.name.as_str() {
            "Quota jaar" if h1 => continue,
            "Verloop" => {
                table.rows.retain(|row| {
                    let month = matches!(row.first(), Some(Cell::Text(m)) if passed.contains(m));
                    let judged = !matches!(row.get(7), Some(Cell::Text(s)) if *s == too_few);
                    month && judged
                });
                table.empty_note = Some(label("trend_none", lang).to_string());
            }
            "Volledigheid" => {
                let future: Vec<usize> = table
                    .headers
                    .iter()
                    .enumerate()
                    .skip(1)
                    .filter(|(_, h)| !passed.contains(*h))
                    .map(|(i, _)| i)
                    .collect();
                for row in &mut table.rows {
                    for &i in &future {
                        if let Some(cell) = row.get_mut(i) {
                            *cell = Cell::Text(label("not_yet", lang).to_string());
                        }
                    }
                }
            }
            "Herzieningen" => {
                // Words and names where the shared table has keys and ids.
                let (part, figure) = match lang {
                    Lang::Nl => ("Onderdeel", "Cijfer"),
                    Lang::En => ("Part", "Figure"),
                };
                if let [first, _, _, fourth, ..] = table.headers.as_mut_slice() {
                    *first = part.into();
                    *fourth = figure.into();
                }
                for row in &mut table.rows {
                    if let Some(Cell::Text(section)) = row.first_mut() {
                        let key = match section.as_str() {
                            "half_year" => "section_quota_half",
                            "year_to_date" => "section_quota_ytd",
                            other => other,
                        };
                        *section = label(key, lang).to_string();
                    }
                    if let Some(Cell::Text(scope)) = row.get_mut(1) {
                        if let Some(name) = report.corporation_names.get(scope.as_str()) {
                            *scope = name.clone();
                        }
                    }
                }
            }
            _ => {}
        }
        out.push(table);
    }
    out.push(super::explain::glossary(lang));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tables::tables;

    fn report(read_at: &str, half: &str) -> Report {
        let (from, to) = if half.ends_with("H1") {
            ("2026-01-01", "2026-06-30")
        } else {
            ("2026-07-01", "2026-12-31")
        };
        let mut value: serde_json::Value = serde_json::json!({
            "version": 2,
            "municipality": "GM0629",
            "municipality_name": "Wassenaar",
            "half_year": half,
            "from": from,
            "to": to,
            "year_to_date_from": "2026-01-01",
            "agreement": {"id": "a", "version": 1, "name": "A"},
            "quota_half_year": [], "quota_year_to_date": [], "trend": [],
            "breakdowns": {"rent_class": [], "route": [], "urgency": [], "household_size": [], "category": []},
            "status_holders": null, "allocation_plan": null, "alerts": [],
            "completeness": [{"corporation": "dwb", "months": {
                "2026-07": 3, "2026-08": 0, "2026-09": 0, "2026-10": 0, "2026-11": 0, "2026-12": 0}}],
            "footer": {"norms": [], "agreement": {"id": "a", "version": 1, "name": "A"},
                "agreement_source": "s", "read_at": read_at}
        });
        serde_json::from_value(value.take()).unwrap()
    }

    #[test]
    fn a_half_year_still_running_is_provisional_and_its_future_months_are_not_zero() {
        let r = report("2026-11-16T09:00:00Z", "2026-H2");
        assert!(is_provisional(&r));
        let passed = months_passed(&r);
        assert!(passed.contains("2026-11") && !passed.contains("2026-12"));
        let printed = print_tables(&r, tables(&r, None, Lang::Nl), Lang::Nl);
        let c = printed.iter().find(|t| t.name == "Volledigheid").unwrap();
        assert_eq!(
            c.rows[0][5],
            Cell::Count(Some(0)),
            "November passed: a real 0"
        );
        assert_eq!(
            c.rows[0][6],
            Cell::Text("nog niet".into()),
            "December not yet"
        );
        // Read on the last day, still provisional; the day after, final.
        assert!(is_provisional(&report("2026-12-31T23:00:00Z", "2026-H2")));
        assert!(!is_provisional(&report("2027-01-01T00:00:00Z", "2026-H2")));
    }
}
