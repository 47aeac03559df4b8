//! The PDF of a report of layout 2 on: the same printed report as the HTML page (the first
//! page with the summary, an explanation under each table, the glossary), stamped live or
//! frozen in its title block and, while the half year runs, provisional in every footer.

use super::metrics::{encode, width, Face};
use super::table::{draw_table, wrap};
use super::{Document, CELL_SIZE, GREY, INK, LEADING, MARGIN, NAVY};
use crate::report::explain::explanation;
use crate::report::labels::{label, Lang};
use crate::report::model::Report;
use crate::report::print::{is_provisional, Stamp};
use crate::report::tables::Table;

/// A paragraph of wrapped text (`P`), starting a new page when it does not fit.
fn paragraph(doc: &mut Document, text: &str, face: Face, color: [f32; 3]) {
    let max = Document::usable_width(doc.landscape()).min(480.0);
    let lines = wrap(&encode(text), face, max);
    let height = lines.len() as f32 * LEADING + 4.0;
    if !doc.fits(height) {
        let landscape = doc.landscape();
        doc.new_page(landscape);
    }
    doc.begin(b"P");
    for line in lines {
        doc.y -= LEADING;
        let y = doc.y;
        doc.text(MARGIN, y, face, CELL_SIZE, color, &line);
    }
    doc.end();
    doc.y -= 4.0;
}

/// The stamp lines of the title block.
fn stamp_lines(report: &Report, stamp: Stamp, lang: Lang) -> Vec<(String, String)> {
    let l = |k| label(k, lang).to_string();
    let read = report
        .footer
        .read_at
        .format("%Y-%m-%d %H:%M UTC")
        .to_string();
    let status = l("state");
    let at = |t: &chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%d %H:%M UTC").to_string();
    let mut lines = Vec::new();
    match stamp {
        Stamp::Frozen(p) => {
            lines.push((
                status.clone(),
                format!("{} {}", l("frozen"), at(&p.published_at)),
            ));
            lines.push((l("digest"), p.sha256.clone()));
        }
        Stamp::LiveOfPublished(p) => {
            lines.push((status.clone(), format!("{} {read}", l("live"))));
            lines.push((
                String::new(),
                format!(
                    "{} {} ({})",
                    l("frozen"),
                    at(&p.published_at),
                    l("section_restatements")
                ),
            ));
        }
        Stamp::Live => lines.push((status.clone(), format!("{} {read}", l("live")))),
    }
    if is_provisional(report) {
        lines.push((String::new(), l("provisional")));
    }
    lines
}

fn title_block(doc: &mut Document, report: &Report, lang: Lang, stamp: Stamp) {
    let l = |k| label(k, lang);
    let name = report
        .municipality_name
        .clone()
        .unwrap_or_else(|| report.municipality.clone());
    doc.begin(b"H1");
    doc.y -= 18.0;
    let y = doc.y;
    doc.text(MARGIN, y, Face::Bold, 18.0, NAVY, &encode(l("title")));
    doc.end();
    doc.y -= 8.0;
    let mut lines = vec![
        (
            l("municipality").to_string(),
            format!("{name} ({})", report.municipality),
        ),
        (
            l("period").to_string(),
            format!("{} ({} – {})", report.half_year, report.from, report.to),
        ),
        (l("agreement").to_string(), report.agreement.name.clone()),
    ];
    lines.extend(stamp_lines(report, stamp, lang));
    let key_width = lines
        .iter()
        .map(|(k, _)| width(&encode(&format!("{k}:")), Face::Regular, 9.5))
        .fold(0.0, f32::max);
    for (key, value) in lines {
        doc.y -= 13.0;
        let y = doc.y;
        doc.begin(b"P");
        if !key.is_empty() {
            doc.text(
                MARGIN,
                y,
                Face::Regular,
                9.5,
                GREY,
                &encode(&format!("{key}:")),
            );
        }
        doc.text(
            MARGIN + key_width + 6.0,
            y,
            Face::Bold,
            9.5,
            INK,
            &encode(&value),
        );
        doc.end();
    }
    doc.y -= 6.0;
}

/// Renders the printed report: `tables` are the first page's, then the print tables.
pub fn render_print(report: &Report, tables: &[Table], lang: Lang, stamp: Stamp) -> Vec<u8> {
    let mut doc = Document {
        plain: true,
        ..Document::default()
    };
    doc.new_page(false);
    title_block(&mut doc, report, lang, stamp);
    let verdict = format!("{}*", label("verdict", lang));
    let states = [label("state", lang), verdict.as_str()];
    let first_page = ["Samenvatting", "Kern", "Bespreekpunten"];
    let mut summary_done = false;
    for table in tables {
        if !summary_done && !first_page.contains(&table.name.as_str()) {
            // The summary is a page of its own.
            summary_done = true;
            doc.new_page(false);
        }
        draw_table(&mut doc, table, lang, &states);
        if let Some(text) = explanation(&table.name, lang) {
            doc.y -= 2.0;
            paragraph(&mut doc, text, Face::Regular, GREY);
        }
    }
    // Live figures are provisional, as is a half year still running.
    let mark = if is_provisional(report) || !matches!(stamp, Stamp::Frozen(_)) {
        format!(" · {}", label("provisional_short", lang))
    } else {
        String::new()
    };
    doc.finish(report, lang, &mark)
}
