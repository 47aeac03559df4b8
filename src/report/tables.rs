//! The report as titled tables of typed cells: the one layout that CSV, XLSX and HTML share.

use rust_decimal::Decimal;

use super::cells::{is_small, shown, shown_share};
use super::labels::{label, Lang};
use super::model::{Report, ReportScope};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    /// A number of households; `None` is a small cell shown as `<5`.
    Count(Option<u64>),
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

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn scope_name(corporation: &Option<String>, lang: Lang) -> String {
    corporation
        .clone()
        .unwrap_or_else(|| label("total", lang).to_string())
}

fn quota_table(
    name: &str,
    title: String,
    scopes: &[ReportScope],
    suppress: bool,
    lang: Lang,
) -> Table {
    let l = |k| label(k, lang).to_string();
    let mut rows = Vec::new();
    for scope in scopes {
        for m in &scope.metrics {
            rows.push(vec![
                text(scope_name(&scope.corporation, lang)),
                text(label(&m.metric, lang)),
                Cell::Count(shown(m.count, suppress)),
                Cell::Count(shown(m.denominator, suppress)),
                Cell::Share(shown_share(m, suppress)),
                Cell::Share(m.limit),
                text(label(&m.bound, lang)),
                text(label(&m.state, lang)),
            ]);
        }
    }
    Table {
        name: name.into(),
        title,
        headers: vec![
            l("scope"),
            l("metric"),
            l("count"),
            l("denominator"),
            l("share"),
            l("limit"),
            l("bound"),
            l("state"),
        ],
        rows,
        empty_note: None,
    }
}

/// Every table of the report, in order.
pub fn tables(report: &Report, suppress: bool, lang: Lang) -> Vec<Table> {
    let l = |k| label(k, lang).to_string();
    let mut out = Vec::new();
    let period = format!("{} ({} – {})", report.half_year, report.from, report.to);
    out.push(quota_table(
        "Quota halfjaar",
        format!(
            "{} — {} {}",
            l("section_quota"),
            l("section_quota_half"),
            period
        ),
        &report.quota_half_year,
        suppress,
        lang,
    ));
    out.push(quota_table(
        "Quota jaar",
        format!(
            "{} — {} ({} – {})",
            l("section_quota"),
            l("section_quota_ytd"),
            report.year_to_date_from,
            report.to
        ),
        &report.quota_year_to_date,
        suppress,
        lang,
    ));
    out.push(Table {
        name: "Verhuringen".into(),
        title: format!("{} — {}", l("section_quota"), l("lettings")),
        headers: vec![l("scope"), l("lettings"), l("excluded"), l("non_social")],
        rows: report
            .quota_half_year
            .iter()
            .map(|s| {
                vec![
                    text(scope_name(&s.corporation, lang)),
                    Cell::Count(shown(s.lettings, suppress)),
                    Cell::Count(shown(s.excluded, suppress)),
                    Cell::Count(shown(s.non_social, suppress)),
                ]
            })
            .collect(),
        empty_note: None,
    });
    out.push(Table {
        name: "Verloop".into(),
        title: l("section_trend"),
        headers: vec![
            l("month"),
            l("scope"),
            l("metric"),
            l("count"),
            l("denominator"),
            l("share"),
            l("limit"),
            l("state"),
        ],
        rows: report
            .trend
            .iter()
            .map(|p| {
                vec![
                    text(&p.month),
                    text(scope_name(&p.corporation, lang)),
                    text(label(&p.metric.metric, lang)),
                    Cell::Count(shown(p.metric.count, suppress)),
                    Cell::Count(shown(p.metric.denominator, suppress)),
                    Cell::Share(shown_share(&p.metric, suppress)),
                    Cell::Share(p.metric.limit),
                    text(label(&p.metric.state, lang)),
                ]
            })
            .collect(),
        empty_note: None,
    });
    for (name, key, rows) in [
        ("Huurklasse", "rent_class", &report.breakdowns.rent_class),
        ("Route", "route", &report.breakdowns.route),
        ("Urgentie", "urgency", &report.breakdowns.urgency),
        (
            "Huishoudgrootte",
            "household_size",
            &report.breakdowns.household_size,
        ),
        ("Categorie", "category", &report.breakdowns.category),
    ] {
        out.push(Table {
            name: name.into(),
            title: format!("{} — {}", l("section_breakdowns"), l(key)),
            headers: vec![l(key), l("lettings")],
            rows: rows
                .iter()
                .map(|r| {
                    vec![
                        text(label(&r.key, lang)),
                        Cell::Count(shown(r.lettings, suppress)),
                    ]
                })
                .collect(),
            empty_note: None,
        });
    }
    out.push(Table {
        name: "Statushouders".into(),
        title: l("section_status_holders"),
        headers: vec![
            l("period"),
            l("target"),
            l("carry_over"),
            l("corrected_target"),
            l("housed_from_lettings"),
            l("housed_by_hand"),
            l("housed"),
            l("balance"),
        ],
        rows: report
            .status_holders
            .iter()
            .map(|h| {
                vec![
                    text(&h.half_year),
                    Cell::Int(h.target),
                    Cell::Int(h.carry_over),
                    Cell::Int(h.corrected_target),
                    Cell::Int(h.housed_from_lettings),
                    Cell::Int(h.housed_by_hand),
                    Cell::Int(h.housed),
                    Cell::Int(h.balance),
                ]
            })
            .collect(),
        empty_note: Some(l("no_task")),
    });
    out.push(Table {
        name: "Verdeelplan".into(),
        title: match &report.allocation_plan {
            Some(p) => format!(
                "{} ({} {}, {} {})",
                l("section_plan"),
                l("version"),
                p.version,
                l("expected_available"),
                p.expected_available
            ),
            None => l("section_plan"),
        },
        headers: vec![
            l("category"),
            l("planned"),
            l("expected_to_date"),
            l("realised"),
            l("difference"),
        ],
        rows: report
            .allocation_plan
            .iter()
            .flat_map(|p| p.lines.iter())
            .map(|line| {
                vec![
                    text(label(&line.category, lang)),
                    Cell::Int(line.planned),
                    Cell::Number(line.expected_to_date),
                    Cell::Count(shown(u64::try_from(line.realised).unwrap_or(0), suppress)),
                    Cell::Number(line.difference),
                ]
            })
            .collect(),
        empty_note: Some(l("no_plan")),
    });
    out.push(Table {
        name: "Signalen".into(),
        title: l("section_alerts"),
        headers: vec![
            l("at"),
            l("scope"),
            l("metric"),
            l("year"),
            l("change"),
            l("level"),
            l("state"),
            l("count"),
            l("denominator"),
            l("share"),
            l("limit"),
        ],
        rows: report
            .alerts
            .iter()
            .map(|a| {
                let suppressed = suppress && (is_small(a.count) || is_small(a.denominator));
                vec![
                    text(a.at.format("%Y-%m-%d %H:%M").to_string()),
                    text(scope_name(&a.corporation, lang)),
                    text(label(&a.metric, lang)),
                    Cell::Int(i64::from(a.year)),
                    text(label(&a.change, lang)),
                    text(label(&a.level, lang)),
                    text(label(&a.metric_state, lang)),
                    Cell::Count(shown(a.count, suppress)),
                    Cell::Count(shown(a.denominator, suppress)),
                    Cell::Share(if suppressed { None } else { a.share }),
                    Cell::Share(a.limit),
                ]
            })
            .collect(),
        empty_note: Some(l("no_alerts")),
    });
    let months: Vec<String> = report
        .completeness
        .first()
        .map(|c| c.months.keys().cloned().collect())
        .unwrap_or_default();
    let mut headers = vec![l("corporation")];
    headers.extend(months.iter().cloned());
    out.push(Table {
        name: "Volledigheid".into(),
        title: l("section_completeness"),
        headers,
        rows: report
            .completeness
            .iter()
            .map(|c| {
                let mut row = vec![text(&c.corporation)];
                row.extend(
                    months.iter().map(|m| {
                        Cell::Count(shown(c.months.get(m).copied().unwrap_or(0), suppress))
                    }),
                );
                row
            })
            .collect(),
        empty_note: None,
    });
    let mut footer = vec![
        vec![
            text(l("agreement")),
            text(format!(
                "{} (versie {}): {}",
                report.footer.agreement.id,
                report.footer.agreement.version,
                report.footer.agreement.name
            )),
        ],
        vec![text(l("source")), text(&report.footer.agreement_source)],
    ];
    for n in &report.footer.norms {
        footer.push(vec![text(l("norms_year")), text(n.year.to_string())]);
        footer.push(vec![text(l("source")), text(&n.source)]);
        footer.push(vec![
            text(l("quality_discount_limit")),
            Cell::Euro(n.quality_discount_limit),
        ]);
        footer.push(vec![text(l("rent_cap_low")), Cell::Euro(n.rent_cap_low)]);
        footer.push(vec![text(l("rent_cap_high")), Cell::Euro(n.rent_cap_high)]);
        footer.push(vec![
            text(l("social_rent_limit")),
            Cell::Euro(n.social_rent_limit),
        ]);
    }
    footer.push(vec![
        text(l("read_at")),
        text(
            report
                .footer
                .read_at
                .format("%Y-%m-%d %H:%M:%S UTC")
                .to_string(),
        ),
    ]);
    if suppress {
        footer.push(vec![text(""), text(l("small_cells"))]);
    }
    out.push(Table {
        name: "Verantwoording".into(),
        title: l("section_footer"),
        headers: vec![String::new(), String::new()],
        rows: footer,
        empty_note: None,
    });
    out
}
