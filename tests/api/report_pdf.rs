//! The half-year report as a PDF: a file every reader opens, with the same figures as the CSV,
//! and no small count for a tenant association.

use lopdf::content::Content;
use lopdf::{Document, Object};
use reqwest::StatusCode;
use rust_decimal::Decimal;

use crate::helpers::TestApp;

on_both_backends!(the_pdf_report_shows_the_figures_of_the_csv_on_numbered_pages);

const H1: &str = "2026-H1";

/// A PDF read back: its tables (title and data rows, header rows left out) in order, the other
/// text, and what pagination added (page numbers, repeated titles and headers).
#[derive(Debug, Default)]
pub(crate) struct PdfText {
    pub tables: Vec<(String, Vec<Vec<String>>)>,
    pub text: Vec<String>,
    pub artifacts: Vec<String>,
    pub pages: usize,
}

/// Reads a PDF by its marked content: `H2` is a table's title, `TR` a row, `TD` a cell (`TH` a
/// header cell), `Artifact` what pagination repeats.
pub(crate) fn read_pdf(bytes: &[u8]) -> PdfText {
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
    let doc = Document::load_mem(bytes).expect("a PDF that parses");
    let mut out = PdfText::default();
    for (_, page) in doc.get_pages() {
        out.pages += 1;
        let content = Content::decode(&doc.get_page_content(page)).expect("page content");
        let mut stack: Vec<String> = Vec::new();
        let mut cell = String::new();
        let mut row: Vec<String> = Vec::new();
        let mut header_row = false;
        for op in &content.operations {
            match op.operator.as_str() {
                "BMC" => {
                    let tag = op.operands[0].as_name().expect("a tag");
                    stack.push(String::from_utf8_lossy(tag).into_owned());
                }
                "EMC" => match stack.pop().as_deref() {
                    Some("TD") => row.push(std::mem::take(&mut cell)),
                    Some("TH") => {
                        header_row = true;
                        cell.clear();
                    }
                    Some("TR") => {
                        let cells = std::mem::take(&mut row);
                        if !std::mem::take(&mut header_row) {
                            out.tables
                                .last_mut()
                                .expect("a row under a title")
                                .1
                                .push(cells);
                        }
                    }
                    Some("H2") => out.tables.push((std::mem::take(&mut cell), Vec::new())),
                    // Fills and rules are artifacts without text.
                    Some("Artifact")
                        if !stack.iter().any(|t| t == "Artifact") && !cell.is_empty() =>
                    {
                        out.artifacts.push(std::mem::take(&mut cell));
                    }
                    Some("H1" | "P") => out.text.push(std::mem::take(&mut cell)),
                    _ => {}
                },
                "Tj" => {
                    let Some(Object::String(bytes, _)) = op.operands.first() else {
                        panic!("Tj without a string: {op:?}");
                    };
                    let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
                    // The lines of a wrapped cell, or the parts of a line, joined by a space.
                    if !cell.is_empty() {
                        cell.push(' ');
                    }
                    cell.push_str(&text);
                }
                _ => {}
            }
        }
    }
    out
}

/// The data rows of each table with rows, in order, footer left out, as the other formats'
/// checks read them (a withheld figure, `–`, as an empty cell).
pub(crate) fn pdf_tables(bytes: &[u8]) -> Vec<Vec<Vec<String>>> {
    let mut tables: Vec<Vec<Vec<String>>> = read_pdf(bytes)
        .tables
        .into_iter()
        .map(|(_, rows)| rows)
        .filter(|rows| !rows.is_empty())
        .map(|rows| {
            rows.into_iter()
                .map(|r| {
                    r.into_iter()
                        .map(|c| if c == "–" { String::new() } else { c })
                        .collect()
                })
                .collect()
        })
        .collect();
    tables.pop();
    tables
}

/// The tables of an English CSV report: title and data rows.
fn csv_tables(text: &str) -> Vec<(String, Vec<Vec<String>>)> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    let mut tables: Vec<(String, Vec<Vec<String>>)> = Vec::new();
    let mut i = 0;
    while i < rows.len() {
        if rows[i].len() == 1 && rows.get(i + 1).is_some_and(|r| r.len() >= 2) {
            tables.push((rows[i][0].clone(), Vec::new()));
            i += 2;
            continue;
        }
        if let Some((_, t)) = tables.last_mut() {
            // A one-cell row after the header is a table's note ("no alerts"), not a row.
            if rows[i].len() >= 2 {
                t.push(rows[i].clone());
            }
        }
        i += 1;
    }
    tables
}

/// Whether the PDF cell shows the CSV cell's figure: the same text, or the same share in
/// percent, or the same amount in euros.
fn same_figure(csv: &str, pdf: &str) -> bool {
    let csv = csv.trim_start_matches('\'');
    // The time the data was read differs between two live reads.
    if csv.ends_with(" UTC") && pdf.ends_with(" UTC") {
        return true;
    }
    if csv == pdf || csv.is_empty() && pdf == "–" {
        return true;
    }
    let Ok(value) = csv.parse::<Decimal>() else {
        return false;
    };
    if let Some(percent) = pdf.strip_suffix('%') {
        return percent.parse::<Decimal>().ok() == Some((value * Decimal::ONE_HUNDRED).round_dp(1));
    }
    // Printed amounts group thousands (English: `€ 47,699.00`).
    pdf.strip_prefix("€ ")
        .and_then(|amount| amount.replace(',', "").parse::<Decimal>().ok())
        == Some(value.round_dp(2))
}

async fn the_pdf_report_shows_the_figures_of_the_csv_on_numbered_pages(app: TestApp) {
    let t = app.setup_wassenaar();
    crate::small_numbers_answers::load(&app, &t).await;

    let response = app.report(&t.municipality, H1, "?format=pdf&lang=en").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    assert_eq!(
        response.headers()["content-disposition"],
        "attachment; filename=\"rapportage-GM0629-2026-H1.pdf\""
    );
    let pdf = read_pdf(&response.bytes().await.unwrap());
    let csv = csv_tables(
        &app.report_text(&t.municipality, H1, "?format=csv&lang=en")
            .await,
    );

    // Layout 2 prints a first page (the verdicts, the task and the plan in one line each, the
    // points for discussion) and ends with the glossary.
    let first: Vec<&str> = pdf.tables[..3].iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        first,
        [
            // Nothing was let a year earlier: no columns to compare with.
            "The agreements in 2026-H1 (nothing to compare with in 2025-H1)",
            "Status holders and allocation plan",
            "Points for discussion"
        ]
    );
    assert_eq!(pdf.tables.last().map(|(t, _)| t.as_str()), Some("Glossary"));
    let verdicts = &pdf.tables[0].1;
    assert!(
        verdicts.iter().all(|r| [
            "met",
            "close to the limit",
            "not met",
            "too few lettings to judge",
            "no limit"
        ]
        .contains(&r[4].as_str())),
        "{verdicts:?}"
    );
    // Between them every table of the CSV, in order, with the same rows and figures, as print
    // shows them: H1's year to date (the same period as the half year) once, and only the
    // months with enough lettings to judge.
    let csv: Vec<(String, Vec<Vec<String>>)> = csv
        .into_iter()
        .filter(|(t, _)| !t.contains("Year to date"))
        .map(|(t, rows)| {
            let rows = if t.contains("Month by month") {
                rows.into_iter()
                    .filter(|r| r[7] != "too few lettings to judge")
                    .collect()
            } else {
                rows
            };
            (t, rows)
        })
        .collect();
    let printed = &pdf.tables[3..pdf.tables.len() - 1];
    let titles: Vec<&str> = printed.iter().map(|(t, _)| t.as_str()).collect();
    let csv_titles: Vec<&str> = csv.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(titles, csv_titles);
    for ((title, rows), (_, want)) in printed.iter().zip(&csv) {
        assert_eq!(rows.len(), want.len(), "{title}: rows");
        for (r, (row, want)) in rows.iter().zip(want).enumerate() {
            assert_eq!(row.len(), want.len(), "{title} row {r}: {row:?} {want:?}");
            for (c, (got, want)) in row.iter().zip(want).enumerate() {
                assert!(
                    same_figure(want, got),
                    "{title} row {r} column {c}: PDF {got:?}, CSV {want:?}"
                );
            }
        }
    }
    assert!(
        pdf.tables.iter().map(|(_, r)| r.len()).sum::<usize>() > 60,
        "a report of many rows"
    );
    // Long tables go on: each page numbered, and a table continued on a page says so.
    assert!(pdf.pages >= 2, "{} pages", pdf.pages);
    for n in 1..=pdf.pages {
        let number = format!("page {n} of {}", pdf.pages);
        assert!(
            pdf.artifacts.iter().any(|a| a.ends_with(&number)),
            "{number}: {:?}",
            pdf.artifacts
        );
    }
    assert!(
        pdf.artifacts.iter().any(|a| a.ends_with("(continued)")),
        "{:?}",
        pdf.artifacts
    );
    assert!(pdf.text.iter().any(|l| l == "Half-year allocation report"));

    // Dutch by default: Dutch words, decimal commas, euro signs and accents as written.
    let nl = read_pdf(&app.report_bytes(&t.municipality, H1, "?format=pdf").await);
    assert!(nl
        .text
        .contains(&"Halfjaarrapportage woonruimteverdeling".to_string()));
    assert!(
        nl.text
            .iter()
            .any(|l| l.starts_with("Gemeente:") && l.ends_with("Wassenaar (GM0629)")),
        "{:?}",
        nl.text
    );
    let first = format!("pagina 1 van {}", nl.pages);
    assert!(nl.artifacts.iter().any(|a| a.ends_with(&first)));
    let cells: Vec<&String> = nl
        .tables
        .iter()
        .flat_map(|(_, r)| r.iter().flatten())
        .collect();
    assert!(
        cells.iter().any(|c| c.starts_with("€ ") && c.contains(',')),
        "{cells:?}"
    );
    assert!(cells.iter().any(|c| c.ends_with('%') && c.contains(',')));
}
