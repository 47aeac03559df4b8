//! The report as one self-contained, printable HTML page: inline CSS, inline SVG charts of each
//! share month by month against its limit, no scripts, fonts or images from elsewhere.

use std::fmt::Write;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::cells::Disclosure;
use super::labels::{label, Lang};
use super::model::Report;
use super::tables::{Cell, Table};

const CSS: &str = r#"
@page { size: A4; margin: 16mm 14mm; }
* { box-sizing: border-box; }
body { font-family: "Helvetica Neue", Arial, sans-serif; font-size: 10pt; color: #1d2733; margin: 0 auto; max-width: 190mm; padding: 8mm 0; }
h1 { font-size: 18pt; margin: 0 0 2mm; color: #123a5e; }
h2 { font-size: 12.5pt; margin: 7mm 0 2mm; color: #123a5e; border-bottom: 1.5px solid #123a5e; padding-bottom: 1mm; break-after: avoid; }
h3 { font-size: 10.5pt; margin: 4mm 0 1.5mm; break-after: avoid; }
.meta { color: #4a5866; margin: 0 0 4mm; }
table { border-collapse: collapse; width: 100%; margin: 0 0 3mm; break-inside: auto; }
tr { break-inside: avoid; }
th, td { padding: 1.2mm 1.8mm; border-bottom: 0.5px solid #cfd8e0; text-align: left; vertical-align: top; }
th { background: #e8eef4; font-weight: 600; }
td:first-child { white-space: nowrap; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.state { font-weight: 600; border-radius: 2px; padding: 0 1.5mm; }
.s-ok { color: #1e6b34; } .s-warning { color: #8a5a00; background: #fff3d6; } .s-breach { color: #a1161b; background: #fde2e2; }
.s-insufficient_data, .s-no_limit { color: #5f6b76; }
.charts { display: grid; grid-template-columns: 1fr 1fr; gap: 3mm; margin: 2mm 0 4mm; }
.chart { border: 0.5px solid #cfd8e0; padding: 2mm; break-inside: avoid; }
.chart h3 { margin: 0 0 1mm; font-size: 9.5pt; }
.note { color: #5f6b76; font-style: italic; }
footer { margin-top: 6mm; color: #4a5866; font-size: 8.5pt; }
"#;

pub(super) fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn percent(share: Decimal, lang: Lang) -> String {
    let text = format!("{:.1}%", (share * Decimal::ONE_HUNDRED).round_dp(1));
    if lang == Lang::Nl {
        text.replace('.', ",")
    } else {
        text
    }
}

fn number(value: Decimal, lang: Lang) -> String {
    let text = value.normalize().to_string();
    if lang == Lang::Nl {
        text.replace('.', ",")
    } else {
        text
    }
}

fn cell_html(cell: &Cell, lang: Lang) -> String {
    match cell {
        Cell::Text(t) => format!("<td>{}</td>", esc(t)),
        Cell::Count(Some(n)) => format!("<td class=\"n\">{n}</td>"),
        Cell::Count(None) => "<td class=\"n\">&lt;5</td>".into(),
        Cell::Hidden => "<td class=\"n\">x</td>".into(),
        Cell::Withheld => "<td class=\"n\">–</td>".into(),
        Cell::Int(n) => format!("<td class=\"n\">{n}</td>"),
        Cell::Share(Some(s)) => format!("<td class=\"n\">{}</td>", percent(*s, lang)),
        Cell::Share(None) => "<td class=\"n\">–</td>".into(),
        Cell::Number(d) => format!("<td class=\"n\">{}</td>", number(*d, lang)),
        Cell::Euro(d) => format!("<td class=\"n\">€ {}</td>", number(d.round_dp(2), lang)),
    }
}

fn table_html(out: &mut String, table: &Table, lang: Lang, state_column: Option<usize>) {
    if table.rows.is_empty() {
        if let Some(note) = &table.empty_note {
            let _ = write!(out, "<p class=\"note\">{}</p>", esc(note));
        }
        return;
    }
    out.push_str("<table><thead><tr>");
    for h in &table.headers {
        let _ = write!(out, "<th>{}</th>", esc(h));
    }
    out.push_str("</tr></thead><tbody>");
    for row in &table.rows {
        out.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            match (state_column, cell) {
                (Some(col), Cell::Text(t)) if col == i => {
                    let _ = write!(
                        out,
                        "<td><span class=\"state s-{}\">{}</span></td>",
                        state_class(t, lang),
                        esc(t)
                    );
                }
                _ => out.push_str(&cell_html(cell, lang)),
            }
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
}

/// The state key behind a translated state label, for its colour.
fn state_class(text: &str, lang: Lang) -> &'static str {
    super::labels::state_key(text, lang)
}

/// A line chart of one metric's total share per month, against its limit; a month whose share
/// is withheld has no point.
fn chart(report: &Report, metric: &str, disclosure: Option<&Disclosure>, lang: Lang) -> String {
    let points: Vec<(String, Option<f64>, Option<f64>)> = report
        .trend
        .iter()
        .enumerate()
        .filter(|(_, p)| p.corporation.is_none() && p.metric.metric == metric)
        .map(|(i, p)| {
            let share_shown = disclosure.is_none_or(|d| d.trend.get(i).is_some_and(|s| s.share()));
            (
                p.month.clone(),
                p.metric
                    .share
                    .filter(|_| share_shown)
                    .and_then(|s| s.to_f64()),
                p.metric.limit.and_then(|l| l.to_f64()),
            )
        })
        .collect();
    let (w, h, left, right, top, bottom) = (320.0, 150.0, 34.0, 8.0, 8.0, 22.0);
    let plot_w = w - left - right;
    let plot_h = h - top - bottom;
    let n = points.len().max(1) as f64;
    let x = |i: usize| left + plot_w * (i as f64 + 0.5) / n;
    let y = |v: f64| top + plot_h * (1.0 - v.clamp(0.0, 1.0));
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"100%\" role=\"img\" aria-label=\"{}\">",
        esc(label(metric, lang))
    );
    for tick in [0.0, 0.25, 0.5, 0.75, 1.0] {
        let _ = write!(
            svg,
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{y0:.1}\" y2=\"{y0:.1}\" stroke=\"#e1e7ed\" stroke-width=\"0.6\"/><text x=\"{}\" y=\"{:.1}\" font-size=\"8\" text-anchor=\"end\" fill=\"#5f6b76\">{}%</text>",
            w - right,
            left - 3.0,
            y(tick) + 3.0,
            (tick * 100.0) as i32,
            y0 = y(tick)
        );
    }
    for (i, (month, _, _)) in points.iter().enumerate() {
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"{}\" font-size=\"8\" text-anchor=\"middle\" fill=\"#5f6b76\">{}</text>",
            x(i),
            h - 8.0,
            esc(month.get(5..).unwrap_or(month))
        );
    }
    if let Some(limit) = points.iter().find_map(|(_, _, l)| *l) {
        let _ = write!(
            svg,
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{ly:.1}\" y2=\"{ly:.1}\" stroke=\"#a1161b\" stroke-width=\"1\" stroke-dasharray=\"4 3\"/><text x=\"{}\" y=\"{:.1}\" font-size=\"8\" text-anchor=\"end\" fill=\"#a1161b\">{} {}</text>",
            w - right,
            w - right,
            y(limit) - 2.5,
            esc(label("limit", lang)),
            percent(Decimal::from_f64_retain(limit).unwrap_or_default(), lang),
            ly = y(limit)
        );
    }
    let mut path = String::new();
    for (i, (_, share, _)) in points.iter().enumerate() {
        if let Some(s) = share {
            let _ = write!(
                path,
                "{}{:.1},{:.1}",
                if path.is_empty() { "M" } else { " L" },
                x(i),
                y(*s)
            );
            let _ = write!(
                svg,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"2.2\" fill=\"#123a5e\"/>",
                x(i),
                y(*s)
            );
        }
    }
    if !path.is_empty() {
        let _ = write!(
            svg,
            "<path d=\"{path}\" fill=\"none\" stroke=\"#123a5e\" stroke-width=\"1.6\"/>"
        );
    }
    svg.push_str("</svg>");
    format!(
        "<div class=\"chart\"><h3>{}</h3>{svg}</div>",
        esc(label(metric, lang))
    )
}

/// Renders the report as an HTML page.
pub fn render(
    report: &Report,
    tables: &[Table],
    disclosure: Option<&Disclosure>,
    lang: Lang,
    published: Option<&str>,
) -> String {
    let l = |k| label(k, lang);
    let mut out = String::with_capacity(64 * 1024);
    let name = report
        .municipality_name
        .clone()
        .unwrap_or_else(|| report.municipality.clone());
    let _ = write!(
        out,
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{} — {} {}</title><style>{CSS}</style></head><body>",
        lang.code(),
        esc(l("title")),
        esc(&name),
        esc(&report.half_year)
    );
    let _ = write!(out, "<h1>{}</h1>", esc(l("title")));
    let _ = write!(
        out,
        "<p class=\"meta\">{}: <strong>{}</strong> ({}) · {}: <strong>{}</strong> ({} – {}) · {}: {}{}</p>",
        esc(l("municipality")),
        esc(&name),
        esc(&report.municipality),
        esc(l("period")),
        esc(&report.half_year),
        report.from,
        report.to,
        esc(l("agreement")),
        esc(&report.agreement.name),
        published.map(|p| format!(" · {}: {}", esc(l("published")), esc(p))).unwrap_or_default()
    );
    let by_name = |n: &str| tables.iter().find(|t| t.name == n);
    let sections: [(&str, &[&str]); 8] = [
        (
            "section_quota",
            &["Quota halfjaar", "Quota jaar", "Verhuringen"],
        ),
        ("section_trend", &["Verloop"]),
        (
            "section_breakdowns",
            &[
                "Huurklasse",
                "Route",
                "Urgentie",
                "Huishoudgrootte",
                "Categorie",
            ],
        ),
        ("section_status_holders", &["Statushouders"]),
        ("section_plan", &["Verdeelplan"]),
        ("section_alerts", &["Signalen halfjaar", "Signalen"]),
        ("section_completeness", &["Volledigheid"]),
        ("section_footer", &["Verantwoording"]),
    ];
    for (section, names) in sections {
        let _ = write!(out, "<h2>{}</h2>", esc(l(section)));
        if section == "section_trend" {
            out.push_str("<div class=\"charts\">");
            for metric in [
                "urgent_share",
                "rent_cap_share",
                "income_exemption_share",
                "passend_share",
                "local_priority_share",
            ] {
                // Layout 1 had no local-priority figure.
                if metric == "local_priority_share" && report.version < 2 {
                    continue;
                }
                out.push_str(&chart(report, metric, disclosure, lang));
            }
            out.push_str("</div>");
        }
        // Sub-headings only where the section shows more than one table (a layout-1 report
        // has no half-year signals table).
        let present = names.iter().filter(|n| by_name(n).is_some()).count();
        for n in names {
            let Some(table) = by_name(n) else { continue };
            if present > 1 {
                let sub = table.title.rsplit(" — ").next().unwrap_or(&table.title);
                let _ = write!(out, "<h3>{}</h3>", esc(sub));
            }
            let state_column = table.headers.iter().position(|h| h == l("state"));
            table_html(&mut out, table, lang, state_column);
        }
    }
    let _ = write!(
        out,
        "<footer>{} {} · quotamonitor</footer></body></html>",
        esc(l("read_at")),
        report.footer.read_at.format("%Y-%m-%d %H:%M UTC")
    );
    out
}
