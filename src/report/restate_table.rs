//! The restatements since publication as one more table after the report's own: in words a
//! reader knows (the section, the corporation's name, the figure) and with typed cells, so a
//! count stays a number, a share a percentage and a hidden figure `<5` or `x`.

use rust_decimal::Decimal;
use serde_json::Value;

use super::grid::{scope_name, Cell, Table};
use super::labels::{label, state_text, Lang};
use super::model::Report;
use super::restate::Restatement;

/// The value of a restated figure as a cell: `field` says what it is.
fn cell(value: &Value, field: &str, metric: Option<&str>, report: &Report, lang: Lang) -> Cell {
    match value {
        Value::Number(n) if field == "share" => match n.to_string().parse::<Decimal>() {
            Ok(d) => Cell::Share(Some(d)),
            Err(_) => Cell::Text(n.to_string()),
        },
        Value::Number(n) => match n.as_u64() {
            Some(n) => Cell::Count(Some(n)),
            None => Cell::Text(n.to_string()),
        },
        Value::String(s) if s == "<5" => Cell::Count(None),
        Value::String(s) if s == "x" => Cell::Hidden,
        Value::String(s) if s.is_empty() => Cell::Text(String::new()),
        Value::String(s) if field == "state" => Cell::Text(state_text(
            report.version,
            metric.unwrap_or_default(),
            s,
            lang,
        )),
        Value::String(s) => Cell::Text(label(s, lang).to_string()),
        Value::Null if field == "share" => Cell::Share(None),
        Value::Null => Cell::Withheld,
        other => Cell::Text(other.to_string()),
    }
}

/// The restatements of `report` (the live figures of a published one) as a table.
pub fn restatement_table(list: &[Restatement], report: &Report, lang: Lang) -> Table {
    let l = |k| label(k, lang).to_string();
    let (title, section, figure, old, new) = match lang {
        Lang::Nl => (
            "Herzieningen sinds vaststelling",
            "Onderdeel",
            "Gegeven",
            "Oud",
            "Nieuw",
        ),
        Lang::En => (
            "Restatements since publication",
            "Section",
            "Figure",
            "Old",
            "New",
        ),
    };
    Table {
        name: "Herzieningen".into(),
        title: title.into(),
        headers: vec![
            section.into(),
            l("scope"),
            l("metric"),
            figure.into(),
            old.into(),
            new.into(),
        ],
        rows: list
            .iter()
            .map(|r| {
                let metric = r.metric.as_deref();
                vec![
                    Cell::Text(match r.section.as_str() {
                        "half_year" => l("section_quota_half"),
                        "year_to_date" => l("section_quota_ytd"),
                        other => other.to_string(),
                    }),
                    Cell::Text(scope_name(report, &r.corporation, lang)),
                    Cell::Text(metric.map(l).unwrap_or_default()),
                    Cell::Text(l(&r.field)),
                    cell(&r.old, &r.field, metric, report, lang),
                    cell(&r.new, &r.field, metric, report, lang),
                ]
            })
            .collect(),
        empty_note: None,
    }
}
