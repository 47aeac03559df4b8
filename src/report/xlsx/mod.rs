//! The report as an Excel workbook.
//!
//! From layout 2 on it is made for analysts: one sheet per table, a title row and a header
//! row, figures as numbers (counts as whole numbers, shares as numbers in a percent format,
//! amounts in euros with two decimals) and never text in a number column; a figure the
//! small-numbers rule does not show is an empty number cell with `<5`, `x` or "weggelaten" in
//! the text column beside it ([`columns`]). Every sheet has an autofilter on its header row,
//! the title and header rows frozen, columns as wide as their longest value, and a print setup:
//! A4, portrait or (for a wide table) landscape, one page wide, the title and header rows
//! repeated on every page, the municipality, half year and page number in the footer.
//!
//! A report of layout 1 renders as it was published ([`v1`]), byte for byte.

mod charts;
mod columns;
mod v1;

use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet,
    XlsxError,
};

use super::cells::Disclosure;
use super::labels::Lang;
use super::model::Report;
use super::tables::Table;
use columns::{layout, ColumnKind, NumberKind, Out};

/// Widest a column gets (in characters); longer text wraps.
const MAX_WIDTH: usize = 60;
/// Characters an A4 page holds across in portrait at the default margins; a sheet wider than
/// this prints in landscape (and either way shrinks to one page wide).
const PORTRAIT_WIDTH: usize = 95;
/// A header wraps rather than widen its column beyond this, unless a word needs more.
const HEADER_WIDTH: usize = 14;
/// Room for the autofilter's button beside the header.
const FILTER_BUTTON: usize = 3;
/// Excel's code for A4 paper.
const A4: u8 = 9;

/// Renders the tables as an XLSX file. The workbook's creation time is the report's read time,
/// so the same report always gives the same bytes.
pub fn render(
    report: &Report,
    tables: &[Table],
    lang: Lang,
    disclosure: Option<&Disclosure>,
) -> Result<Vec<u8>, XlsxError> {
    if report.version < 2 {
        return v1::render(report, tables);
    }
    let mut workbook = Workbook::new();
    let read_at = report.footer.read_at;
    let created = ExcelDateTime::parse_from_str(&read_at.format("%Y-%m-%dT%H:%M:%S").to_string())?;
    let name = report
        .municipality_name
        .clone()
        .unwrap_or_else(|| report.municipality.clone());
    workbook.set_properties(
        &DocProperties::new()
            .set_title(format!("{name} {}", report.half_year))
            .set_creation_datetime(&created),
    );
    let formats = Formats::new();
    // Page numbers and what the page is of; `&` is a code in Excel's header and footer.
    let footer = format!(
        "&L{} {}&R{}",
        name.replace('&', "&&"),
        report.half_year,
        match lang {
            Lang::Nl => "Pagina &P van &N",
            Lang::En => "Page &P of &N",
        }
    );
    let mut used_names: Vec<String> = Vec::new();
    // The charts go right after the monthly table (at the end if there is none).
    let mut charts = charts::chart_table(report, disclosure, lang);
    for table in tables {
        let sheet = workbook.add_worksheet();
        sheet.set_name(sheet_name(&table.name, lang, &mut used_names))?;
        write_table(sheet, table, lang, &formats)?;
        sheet.set_footer(&footer);
        if table.name == "Verloop" {
            if let Some((table, specs)) = charts.take() {
                chart_sheet(
                    &mut workbook,
                    &table,
                    &specs,
                    lang,
                    &formats,
                    &footer,
                    &mut used_names,
                )?;
            }
        }
    }
    if let Some((table, specs)) = charts.take() {
        chart_sheet(
            &mut workbook,
            &table,
            &specs,
            lang,
            &formats,
            &footer,
            &mut used_names,
        )?;
    }
    workbook.save_to_buffer()
}

/// The sheet of the monthly trend with its charts.
fn chart_sheet(
    workbook: &mut Workbook,
    table: &Table,
    specs: &[charts::ChartSpec],
    lang: Lang,
    formats: &Formats,
    footer: &str,
    used_names: &mut Vec<String>,
) -> Result<(), XlsxError> {
    let sheet = workbook.add_worksheet();
    let name = sheet_name(&table.name, lang, used_names);
    sheet.set_name(&name)?;
    write_table(sheet, table, lang, formats)?;
    sheet.set_footer(footer);
    let months = u32::try_from(table.rows.len()).unwrap_or(u32::MAX);
    charts::draw(sheet, &name, months, specs)
}

/// A column's width in characters: its longest value, room for a header that wraps at
/// [`HEADER_WIDTH`] (its longest word whole) and for the filter button.
fn column_width(longest_value: usize, header: &str) -> usize {
    let longest_word = header
        .split_whitespace()
        .map(|w| w.chars().count())
        .max()
        .unwrap_or(0);
    let header_width = header.chars().count().min(HEADER_WIDTH).max(longest_word) + FILTER_BUTTON;
    (longest_value.min(MAX_WIDTH) + 2)
        .max(header_width)
        .clamp(6, MAX_WIDTH)
}

/// Lines `text` takes wrapped at word boundaries in `width` characters.
fn wrapped_lines(text: &str, width: usize) -> usize {
    let mut lines = 1;
    let mut used = 0;
    for word in text.split_whitespace() {
        let len = word.chars().count();
        if used > 0 && used + 1 + len > width {
            lines += 1;
            used = len;
        } else {
            used += len + usize::from(used > 0);
        }
    }
    lines
}

struct Formats {
    title: Format,
    header_text: Format,
    header_number: Format,
    note: Format,
    wrapped: Format,
    integer: Format,
    percent: Format,
    euro: Format,
    decimal: Format,
}

impl Formats {
    fn new() -> Self {
        let header = Format::new()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Top)
            .set_background_color("#E8EEF4")
            .set_border_bottom(FormatBorder::Thin);
        Self {
            title: Format::new().set_bold().set_font_size(12),
            header_number: header.clone().set_align(FormatAlign::Right),
            header_text: header,
            note: Format::new()
                .set_font_color(Color::RGB(0x5F6B76))
                .set_align(FormatAlign::Right),
            wrapped: Format::new().set_text_wrap().set_align(FormatAlign::Top),
            integer: Format::new().set_num_format("0"),
            percent: Format::new().set_num_format("0.0%"),
            euro: Format::new().set_num_format("€ #,##0.00"),
            decimal: Format::new().set_num_format("#,##0.00"),
        }
    }
}

/// A sheet name Excel accepts (at most 31 characters, none of `[]:*?/\`), unique in the
/// workbook, in the report's language.
fn sheet_name(name: &str, lang: Lang, used: &mut Vec<String>) -> String {
    let name = match lang {
        Lang::Nl => name,
        Lang::En => english_sheet_name(name),
    };
    let mut name: String = name
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect();
    if used.contains(&name) {
        name = format!(
            "{} {}",
            name.chars().take(27).collect::<String>(),
            used.len()
        );
    }
    used.push(name.clone());
    name
}

fn english_sheet_name(name: &str) -> &str {
    match name {
        "Quota halfjaar" => "Quota half year",
        "Quota jaar" => "Quota year to date",
        "Verhuringen" => "Lettings",
        "Verloop" => "Month by month",
        "Huurklasse" => "Rent class",
        "Urgentie" => "Urgency",
        "Huishoudgrootte" => "Household size",
        "Categorie" => "Category",
        "Statushouders" => "Status holders",
        "Verdeelplan" => "Allocation plan",
        "Signalen halfjaar" => "Signals half year",
        "Signalen" => "Alerts",
        "Volledigheid" => "Completeness",
        "Verantwoording" => "Sources",
        "Herzieningen" => "Restatements",
        "Grafieken" => "Charts",
        other => other,
    }
}

/// One table on its sheet: title in row 1, headers in row 2, then its rows.
fn write_table(
    sheet: &mut Worksheet,
    table: &Table,
    lang: Lang,
    f: &Formats,
) -> Result<(), XlsxError> {
    let mut layout = layout(table, lang);
    if let (true, Some(note), Some(first)) = (
        layout.rows.is_empty(),
        &table.empty_note,
        layout.columns.first_mut(),
    ) {
        first.width = first.width.max(note.chars().count());
    }
    sheet.write_string_with_format(0, 0, &table.title, &f.title)?;
    let last_col = u16::try_from(layout.columns.len().max(1) - 1).unwrap_or(u16::MAX);
    let mut total_width = 0;
    let mut header_lines = 1;
    for (c, column) in layout.columns.iter().enumerate() {
        let c = c as u16;
        let header = match column.kind {
            ColumnKind::Number => &f.header_number,
            ColumnKind::Text | ColumnKind::Note => &f.header_text,
        };
        sheet.write_string_with_format(1, c, &column.header, header)?;
        let width = column_width(column.width, &column.header);
        header_lines = header_lines.max(wrapped_lines(&column.header, width - FILTER_BUTTON));
        total_width += width;
        sheet.set_column_width(c, width as f64)?;
    }
    for (r, row) in layout.rows.iter().enumerate() {
        let r = u32::try_from(r + 2).unwrap_or(u32::MAX);
        for (c, out) in row.iter().enumerate() {
            let c = c as u16;
            match out {
                Out::Empty => {}
                Out::Text(t) if t.chars().count() > MAX_WIDTH => {
                    sheet.write_string_with_format(r, c, t, &f.wrapped)?;
                }
                Out::Marker(m) => {
                    sheet.write_string_with_format(r, c, *m, &f.note)?;
                }
                Out::Text(t) => {
                    sheet.write_string(r, c, t)?;
                }
                Out::Number(v, kind) => {
                    let format = match kind {
                        NumberKind::Integer => &f.integer,
                        NumberKind::Percent => &f.percent,
                        NumberKind::Euro => &f.euro,
                        NumberKind::Decimal => &f.decimal,
                    };
                    sheet.write_number_with_format(r, c, *v, format)?;
                }
            }
        }
    }
    let last_row = if layout.rows.is_empty() {
        if let Some(note) = &table.empty_note {
            sheet.write_string(2, 0, note)?;
        }
        1
    } else {
        u32::try_from(layout.rows.len() + 1).unwrap_or(u32::MAX)
    };
    sheet.autofilter(1, 0, last_row, last_col)?;
    sheet.set_freeze_panes(2, 0)?;
    sheet.set_paper_size(A4);
    // Row heights are not computed when the file is opened: the header's, for its wrapped
    // lines, is set here (15 points a line in the default font).
    sheet.set_row_height(1, 15.0 * header_lines as f64)?;
    if total_width > PORTRAIT_WIDTH {
        sheet.set_landscape();
    } else {
        sheet.set_portrait();
    }
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_repeat_rows(0, 1)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_header_wraps_instead_of_widening_its_column() {
        let header = "Totaal (geteld + uitgezonderd + niet-sociaal)";
        let width = column_width(3, header);
        assert_eq!(width, HEADER_WIDTH + FILTER_BUTTON);
        assert_eq!(wrapped_lines(header, width - FILTER_BUTTON), 4);
        // A value wider than the header sets the width; a short header takes one line.
        assert_eq!(column_width(30, "Partij"), 32);
        assert_eq!(wrapped_lines("Partij", 30), 1);
        // A word is never broken.
        assert_eq!(column_width(2, "Huishoudgrootte-categorie"), 28);
    }
}
