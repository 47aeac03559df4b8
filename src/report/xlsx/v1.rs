//! The workbook of a report of layout 1, as it was published: one sheet per table, headers
//! bold and frozen, shares as percentages and amounts in euros, small cells as the text `<5`,
//! cells hidden to protect them as `x`, figures that would give one away left empty. Kept
//! unchanged so a published report of layout 1 reads back byte for byte.

use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};

use crate::report::model::Report;
use crate::report::tables::{Cell, Table};

/// Renders the tables as an XLSX file. The workbook's creation time is the report's read time,
/// so the same report always gives the same bytes.
pub fn render(report: &Report, tables: &[Table]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let read_at = report.footer.read_at;
    let created = ExcelDateTime::parse_from_str(&read_at.format("%Y-%m-%dT%H:%M:%S").to_string())?;
    workbook.set_properties(
        &DocProperties::new()
            .set_title(format!("{} {}", report.municipality, report.half_year))
            .set_creation_datetime(&created),
    );
    let title = Format::new().set_bold().set_font_size(12);
    let header = Format::new()
        .set_bold()
        .set_background_color("#E8EEF4")
        .set_border_bottom(rust_xlsxwriter::FormatBorder::Thin);
    let percent = Format::new().set_num_format("0.0%");
    let euro = Format::new().set_num_format("€ #,##0.00");
    let number = Format::new().set_num_format("0.##");
    let right = Format::new().set_align(rust_xlsxwriter::FormatAlign::Right);
    let mut used_names: Vec<String> = Vec::new();
    for table in tables {
        let sheet = workbook.add_worksheet();
        let mut name: String = table
            .name
            .chars()
            .filter(|c| !"[]:*?/\\".contains(*c))
            .take(31)
            .collect();
        if used_names.contains(&name) {
            name = format!(
                "{} {}",
                name.chars().take(27).collect::<String>(),
                used_names.len()
            );
        }
        used_names.push(name.clone());
        sheet.set_name(&name)?;
        sheet.write_string_with_format(0, 0, &table.title, &title)?;
        for (col, h) in table.headers.iter().enumerate() {
            sheet.write_string_with_format(1, col as u16, h, &header)?;
            sheet.set_column_width(col as u16, if col == 0 { 28 } else { 16 })?;
        }
        sheet.set_freeze_panes(2, 0)?;
        if table.rows.is_empty() {
            if let Some(note) = &table.empty_note {
                sheet.write_string(2, 0, note)?;
            }
        }
        for (r, row) in table.rows.iter().enumerate() {
            let r = (r + 2) as u32;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Text(t) => {
                        sheet.write_string(r, c, t)?;
                    }
                    Cell::Count(Some(n)) => {
                        sheet.write_number(r, c, *n as f64)?;
                    }
                    Cell::Count(None) => {
                        sheet.write_string_with_format(r, c, "<5", &right)?;
                    }
                    Cell::Hidden => {
                        sheet.write_string_with_format(r, c, "x", &right)?;
                    }
                    Cell::Withheld => {}
                    Cell::Int(n) => {
                        sheet.write_number(r, c, *n as f64)?;
                    }
                    Cell::Share(Some(s)) => {
                        sheet.write_number_with_format(
                            r,
                            c,
                            s.to_f64().unwrap_or(0.0),
                            &percent,
                        )?;
                    }
                    Cell::Share(None) => {}
                    Cell::Number(d) => {
                        sheet.write_number_with_format(r, c, d.to_f64().unwrap_or(0.0), &number)?;
                    }
                    Cell::Euro(d) => {
                        sheet.write_number_with_format(r, c, d.to_f64().unwrap_or(0.0), &euro)?;
                    }
                }
            }
        }
    }
    workbook.save_to_buffer()
}
