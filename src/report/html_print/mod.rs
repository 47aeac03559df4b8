//! The report as a printable HTML page from layout 2 on (a layout-1 report keeps the page of
//! [`super::html`], byte for byte): a first page with the summary, a stamp that says live or
//! frozen, an explanation under each table, charts per corporation, a glossary, and print
//! rules so every table fits A4 portrait or its section gets a landscape page, with the
//! municipality, half year and page number in every page's footer.

mod chart;
mod css;

use std::fmt::Write;

use rust_decimal::Decimal;

use super::cells::Disclosure;
use super::explain::explanation;
use super::grid::euro;
use super::labels::{label, state_key, Lang};
use super::model::Report;
use super::print::{is_provisional, months_passed, Stamp};
use super::tables::{Cell, Table};

pub(super) fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Text for a CSS `content` string.
fn css_string(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('<', "\\3C ")
}

fn decimal(text: String, lang: Lang) -> String {
    match lang {
        Lang::Nl => text.replace('.', ","),
        Lang::En => text,
    }
}

fn cell_html(cell: &Cell, lang: Lang) -> String {
    match cell {
        Cell::Text(t) => format!("<td>{}</td>", esc(t)),
        Cell::Count(Some(n)) => format!("<td class=\"n\">{n}</td>"),
        Cell::Count(None) => "<td class=\"n\">&lt;5</td>".into(),
        Cell::Hidden => "<td class=\"n\">x</td>".into(),
        Cell::Withheld | Cell::Share(None) => "<td class=\"n\">–</td>".into(),
        Cell::Int(n) => format!("<td class=\"n\">{n}</td>"),
        Cell::Share(Some(s)) => format!(
            "<td class=\"n\">{}</td>",
            decimal(
                format!("{:.1}%", (s * Decimal::ONE_HUNDRED).round_dp(1)),
                lang
            )
        ),
        Cell::Number(d) => format!(
            "<td class=\"n\">{}</td>",
            decimal(d.normalize().to_string(), lang)
        ),
        Cell::Euro(d) => format!("<td class=\"n\">{}</td>", euro(*d, lang)),
    }
}

/// Whether a column holds states or verdicts (coloured, with a dot and the word).
fn is_state_header(header: &str, lang: Lang) -> bool {
    header == label("state", lang) || header.starts_with(label("verdict", lang))
}

/// The width a table asks for on paper, roughly: the widest cell of each column at 9.5pt
/// (about 5.6 px a character), text columns wrapping at 14 characters, plus padding.
fn natural_width(table: &Table) -> f64 {
    let mut widths: Vec<f64> = table
        .headers
        .iter()
        .map(|h| h.split(' ').map(str::len).max().unwrap_or(0) as f64)
        .collect();
    for row in &table.rows {
        for (i, cell) in row.iter().enumerate() {
            let chars = match cell {
                Cell::Text(t) => t.chars().count().min(14),
                _ => 9,
            } as f64;
            if let Some(w) = widths.get_mut(i) {
                *w = w.max(chars);
            }
        }
    }
    widths.iter().map(|c| c * 5.6 + 13.0).sum()
}

/// The page's margin boxes (footer, provisional mark) in the body's face.
const MARGIN_FONT: &str =
    "font-family: Arial, \"Helvetica Neue\", \"DejaVu Sans\", sans-serif; font-size: 8pt; color: #4a5866;";

/// A4 portrait's printable width in CSS pixels (190 mm less a margin of error).
const PORTRAIT: f64 = 700.0;

fn table_html(out: &mut String, table: &Table, lang: Lang) {
    if table.rows.is_empty() {
        if let Some(note) = &table.empty_note {
            let _ = write!(out, "<p class=\"note\">{}</p>", esc(note));
        }
        return;
    }
    let states: Vec<bool> = table
        .headers
        .iter()
        .map(|h| is_state_header(h, lang))
        .collect();
    // Columns of figures (no text in any row) keep their header on one line; a norm ("max.
    // 30,0%") too.
    let numeric: Vec<bool> = (0..table.headers.len())
        .map(|i| {
            table
                .rows
                .iter()
                .all(|r| !matches!(r.get(i), Some(Cell::Text(_))))
        })
        .collect();
    let short: Vec<bool> = (0..table.headers.len())
        .map(|i| {
            table.rows.iter().all(|r| match r.get(i) {
                Some(Cell::Text(t)) => t.chars().count() <= 12 && t.split(' ').count() <= 2,
                _ => true,
            })
        })
        .collect();
    let narrow = table.headers.len() <= 2 && numeric.last().copied().unwrap_or(false);
    out.push_str(if narrow {
        "<table class=\"narrow\">"
    } else {
        "<table>"
    });
    if table.headers.iter().any(|h| !h.is_empty()) {
        out.push_str("<thead><tr>");
        for (i, h) in table.headers.iter().enumerate() {
            if numeric.get(i).copied().unwrap_or(false) {
                let _ = write!(out, "<th class=\"n\">{}</th>", esc(h));
            } else {
                let _ = write!(out, "<th>{}</th>", esc(h));
            }
        }
        out.push_str("</tr></thead>");
    }
    out.push_str("<tbody>");
    for row in &table.rows {
        out.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            match cell {
                Cell::Text(t) if states.get(i).copied().unwrap_or(false) => {
                    let _ = write!(
                        out,
                        "<td><span class=\"v v-{}{}\">{}</span></td>",
                        state_key(t, lang),
                        if t.chars().count() <= 20 { " nw" } else { "" },
                        esc(t)
                    );
                }
                Cell::Text(t) if short.get(i).copied().unwrap_or(false) => {
                    let _ = write!(out, "<td class=\"nw\">{}</td>", esc(t));
                }
                _ => out.push_str(&cell_html(cell, lang)),
            }
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
}

fn explain(out: &mut String, name: &str, lang: Lang) {
    if let Some(text) = explanation(name, lang) {
        let _ = write!(out, "<p class=\"explain\">{}</p>", esc(text));
    }
}

/// The stamp at the top: live ("Voorlopig: cijfers van …") or frozen (publication and digest).
fn stamp_html(report: &Report, stamp: Stamp, lang: Lang) -> String {
    let read = report.footer.read_at.format("%Y-%m-%d %H:%M UTC");
    let l = |k| esc(label(k, lang));
    match stamp {
        Stamp::Frozen(p) => format!(
            "<div class=\"stamp frozen\">{} {}<small>{}: {}</small></div>",
            l("frozen"),
            p.published_at.format("%Y-%m-%d %H:%M UTC"),
            l("digest"),
            esc(&p.sha256)
        ),
        Stamp::LiveOfPublished(p) => format!(
            "<div class=\"stamp\">{} {read}<small>{} {} {}; {}.</small></div>",
            l("live"),
            l("live_note"),
            l("frozen"),
            p.published_at.format("%Y-%m-%d %H:%M UTC"),
            l("restated_below"),
        ),
        Stamp::Live => format!(
            "<div class=\"stamp\">{} {read}<small>{}</small></div>",
            l("live"),
            l("live_note")
        ),
    }
}

/// Renders the page. `tables` are the first page's and then the print tables, in order.
pub fn render(
    report: &Report,
    tables: &[Table],
    disclosure: Option<&Disclosure>,
    lang: Lang,
    stamp: Stamp,
) -> String {
    let l = |k| label(k, lang);
    let name = report
        .municipality_name
        .clone()
        .unwrap_or_else(|| report.municipality.clone());
    let provisional = is_provisional(report) || !matches!(stamp, Stamp::Frozen(_));
    let mut footer_left = format!("{name} · {}", report.half_year);
    if provisional {
        let _ = write!(footer_left, " · {}", l("provisional_short"));
    }
    let page_rules = format!(
        "@page {{ @bottom-left {{ content: \"{}\"; {MARGIN_FONT} }} @bottom-right {{ content: \"{} \" counter(page) \" / \" counter(pages); {MARGIN_FONT} }}{} }}",
        css_string(&footer_left),
        css_string(l("page")),
        if is_provisional(report) {
            format!(
                " @top-center {{ content: \"{}\"; {MARGIN_FONT} font-weight: 600; color: #8a5a00; }}",
                css_string(l("provisional"))
            )
        } else {
            String::new()
        }
    );
    let mut out = String::with_capacity(96 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{} — {} {}</title><style>{}{page_rules}\n@page wide {{ @bottom-left {{ content: \"{}\"; {MARGIN_FONT} }} }}</style></head><body>",
        lang.code(),
        esc(l("title")),
        esc(&name),
        esc(&report.half_year),
        css::CSS,
        css_string(&footer_left),
    );
    out.push_str(&stamp_html(report, stamp, lang));
    let _ = write!(out, "<h1>{}</h1>", esc(l("title")));
    let _ = write!(
        out,
        "<p class=\"meta\">{}: <strong>{}</strong> · {}: <strong>{}</strong> ({} – {}){} · {}: {}</p>",
        esc(l("municipality")),
        esc(&name),
        esc(l("period")),
        esc(&report.half_year),
        report.from,
        report.to,
        if is_provisional(report) {
            format!(" · <strong>{}</strong>", esc(l("provisional")))
        } else {
            String::new()
        },
        esc(l("agreement")),
        esc(&report.agreement.name),
    );
    let by_name = |n: &str| tables.iter().find(|t| t.name == n);

    // The first page.
    out.push_str("<section class=\"summary\">");
    let _ = write!(out, "<h2>{}</h2>", esc(l("summary")));
    if let Some(t) = by_name("Samenvatting") {
        let _ = write!(out, "<h3>{}</h3>", esc(&t.title));
        table_html(&mut out, t, lang);
        explain(&mut out, &t.name, lang);
    }
    if let Some(t) = by_name("Kern") {
        let _ = write!(out, "<h3>{}</h3><div class=\"lines\">", esc(&t.title));
        table_html(&mut out, t, lang);
        out.push_str("</div>");
    }
    if let Some(t) = by_name("Bespreekpunten") {
        let _ = write!(out, "<h3>{}</h3><ol class=\"points\">", esc(&t.title));
        for row in &t.rows {
            if let Some(Cell::Text(p)) = row.get(1) {
                let _ = write!(out, "<li>{}</li>", esc(p));
            }
        }
        out.push_str("</ol>");
        explain(&mut out, &t.name, lang);
    }
    out.push_str("</section>");

    let sections: [(&str, &[&str]); 11] = [
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
        ("section_alerts", &["Signalen halfjaar"]),
        ("section_alerts_log", &["Signalen"]),
        ("section_completeness", &["Volledigheid"]),
        ("section_footer", &["Verantwoording"]),
        ("section_restatements", &["Herzieningen"]),
        ("section_glossary", &["Begrippen"]),
    ];
    let months: Vec<String> = months_passed(report).into_iter().collect();
    for (section, names) in sections {
        let present: Vec<&Table> = names.iter().filter_map(|n| by_name(n)).collect();
        if present.is_empty() && section != "section_trend" {
            continue;
        }
        let wide = present.iter().any(|t| natural_width(t) > PORTRAIT);
        let _ = write!(
            out,
            "<section{}><h2>{}</h2>",
            if wide { " class=\"wide\"" } else { "" },
            esc(l(section))
        );
        if section == "section_trend" {
            out.push_str("<div class=\"charts\">");
            for metric in super::summary::METRICS {
                out.push_str(&chart::chart(report, metric, disclosure, &months, lang));
            }
            out.push_str("</div>");
            let _ = write!(out, "<p class=\"explain\">{}</p>", esc(l("charts_note")));
        }
        for table in &present {
            if present.len() > 1 {
                let sub = table.title.rsplit(" — ").next().unwrap_or(&table.title);
                let _ = write!(out, "<h3>{}</h3>", esc(sub));
            }
            table_html(&mut out, table, lang);
            if !table.rows.is_empty() {
                explain(&mut out, &table.name, lang);
            }
        }
        out.push_str("</section>");
    }
    let _ = write!(
        out,
        "<footer>{} {} · quotamonitor</footer></body></html>",
        esc(l("read_at")),
        report.footer.read_at.format("%Y-%m-%d %H:%M UTC")
    );
    out
}

#[cfg(test)]
mod tests;
