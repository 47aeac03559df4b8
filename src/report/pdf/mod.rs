//! The report as a PDF for the administrative meeting (bestuurlijk overleg): A4, a title block,
//! then every table of [`super::tables`] with its title and headers, numbers right-aligned. A
//! table that does not fit the page goes on the next with its title and header repeated; a
//! table too wide for portrait gets a landscape page. Every page ends with "pagina N van M".
//!
//! The figures are exactly the cells of [`super::tables::tables`], which already carry the
//! small-numbers rule for the reader; this module only lays them out. The text is set in the
//! standard Helvetica (nothing embedded) and marked as a table (`H2`, `TR`, `TH`, `TD`), with
//! what pagination repeats marked `Artifact`, so the text reads back in table order.
//! The output depends only on its input: a published report gives the same bytes every time.

mod metrics;
#[cfg(test)]
mod tests;

use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use rust_decimal::Decimal;

use super::labels::{label, state_key, Lang};
use super::model::Report;
use super::tables::{Cell, Table};
use metrics::{encode, width, Face};

/// A4 in points, portrait.
const A4: (f32, f32) = (595.28, 841.89);
const MARGIN: f32 = 40.0;
/// Room under the last row for the page number.
const BOTTOM: f32 = 48.0;
const CELL_SIZE: f32 = 8.0;
const LEADING: f32 = 10.0;
const PAD_X: f32 = 3.5;
const PAD_Y: f32 = 3.0;
const TITLE_SIZE: f32 = 11.0;
/// The narrowest a wrapped text column is made.
const MIN_TEXT_COLUMN: f32 = 48.0;

const INK: [f32; 3] = [0.114, 0.153, 0.2];
const NAVY: [f32; 3] = [0.071, 0.227, 0.369];
const GREY: [f32; 3] = [0.373, 0.420, 0.463];
const RULE: [f32; 3] = [0.812, 0.847, 0.878];
const HEADER_FILL: [f32; 3] = [0.910, 0.933, 0.957];

/// Renders the report's tables as a PDF. `published` is the date of publication, if any.
pub fn render(report: &Report, tables: &[Table], lang: Lang, published: Option<&str>) -> Vec<u8> {
    let mut doc = Document::default();
    doc.new_page(false);
    title_block(&mut doc, report, lang, published);
    let state = label("state", lang);
    for table in tables {
        draw_table(&mut doc, table, lang, state);
    }
    doc.finish(report, lang)
}

/// One page being laid out.
struct Page {
    landscape: bool,
    content: Content,
}

impl Page {
    fn size(&self) -> (f32, f32) {
        if self.landscape {
            (A4.1, A4.0)
        } else {
            A4
        }
    }
}

#[derive(Default)]
struct Document {
    pages: Vec<Page>,
    /// The baseline area's top: where the next thing is drawn, from the bottom of the page.
    y: f32,
}

impl Document {
    fn new_page(&mut self, landscape: bool) {
        let page = Page {
            landscape,
            content: Content::new(),
        };
        self.y = page.size().1 - MARGIN;
        self.pages.push(page);
    }

    fn page(&mut self) -> &mut Page {
        if self.pages.is_empty() {
            self.new_page(false);
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn content(&mut self) -> &mut Content {
        &mut self.page().content
    }

    fn landscape(&self) -> bool {
        self.pages.last().is_some_and(|p| p.landscape)
    }

    fn usable_width(landscape: bool) -> f32 {
        (if landscape { A4.1 } else { A4.0 }) - 2.0 * MARGIN
    }

    /// Whether `height` more points fit above the bottom margin of this page.
    fn fits(&self, height: f32) -> bool {
        self.y - height >= BOTTOM
    }

    /// One run of text with its left edge at `x` and its baseline at `y`.
    fn text(&mut self, x: f32, y: f32, face: Face, size: f32, color: [f32; 3], text: &[u8]) {
        show(self.content(), (x, y), face, size, color, text);
    }

    /// Decoration (fills and rules): an artifact, not part of the text.
    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, color: [f32; 3]) {
        let c = self.content();
        c.begin_marked_content(Name(b"Artifact"));
        c.set_fill_rgb(color[0], color[1], color[2]);
        c.rect(x, y, w, h);
        c.fill_nonzero();
        c.end_marked_content();
    }

    fn begin(&mut self, tag: &'static [u8]) {
        self.content().begin_marked_content(Name(tag));
    }

    fn end(&mut self) {
        self.content().end_marked_content();
    }

    /// Numbers every page and writes the file.
    fn finish(mut self, report: &Report, lang: Lang) -> Vec<u8> {
        let total = self.pages.len();
        let words = match lang {
            Lang::Nl => ("pagina", "van"),
            Lang::En => ("page", "of"),
        };
        let name = report
            .municipality_name
            .clone()
            .unwrap_or_else(|| report.municipality.clone());
        let left = encode(&format!(
            "{} · {} {}",
            label("title", lang),
            name,
            report.half_year
        ));
        for (i, page) in self.pages.iter_mut().enumerate() {
            let number = encode(&format!("{} {} {} {total}", words.0, i + 1, words.1));
            let (w, _) = page.size();
            let y = MARGIN * 0.6;
            let right = w - MARGIN - width(&number, Face::Regular, 7.5);
            let c = &mut page.content;
            c.begin_marked_content(Name(b"Artifact"));
            show(c, (MARGIN, y), Face::Regular, 7.5, GREY, &left);
            show(c, (right, y), Face::Regular, 7.5, GREY, &number);
            c.end_marked_content();
        }
        write_pdf(self.pages, report, lang)
    }
}

/// One run of text with its left edge and baseline at `at`.
fn show(c: &mut Content, at: (f32, f32), face: Face, size: f32, color: [f32; 3], text: &[u8]) {
    let font = match face {
        Face::Regular => Name(b"F1"),
        Face::Bold => Name(b"F2"),
    };
    c.set_fill_rgb(color[0], color[1], color[2]);
    c.begin_text();
    c.set_font(font, size);
    c.next_line(at.0, at.1);
    c.show(Str(text));
    c.end_text();
}

/// The objects of the file: catalog, page tree, the two fonts, each page and its stream.
fn write_pdf(pages: Vec<Page>, report: &Report, lang: Lang) -> Vec<u8> {
    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let regular = Ref::new(3);
    let bold = Ref::new(4);
    let info = Ref::new(5);
    let first = 6;
    let ids: Vec<(Ref, Ref)> = (0..pages.len() as i32)
        .map(|i| (Ref::new(first + 2 * i), Ref::new(first + 2 * i + 1)))
        .collect();
    pdf.catalog(catalog).pages(tree).lang(TextStr(lang.code()));
    pdf.pages(tree)
        .kids(ids.iter().map(|(page, _)| *page))
        .count(pages.len() as i32);
    for (id, base) in [(regular, &b"Helvetica"[..]), (bold, b"Helvetica-Bold")] {
        pdf.type1_font(id)
            .base_font(Name(base))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
    }
    let title = format!(
        "{} {} {}",
        label("title", lang),
        report
            .municipality_name
            .as_deref()
            .unwrap_or(&report.municipality),
        report.half_year
    );
    pdf.document_info(info)
        .title(TextStr(&title))
        .producer(TextStr("quotamonitor"));
    for (page, (page_id, content_id)) in pages.into_iter().zip(ids) {
        let (w, h) = page.size();
        let mut writer = pdf.page(page_id);
        writer.media_box(Rect::new(0.0, 0.0, w, h));
        writer.parent(tree);
        writer.contents(content_id);
        let mut resources = writer.resources();
        resources
            .fonts()
            .pair(Name(b"F1"), regular)
            .pair(Name(b"F2"), bold);
        resources.finish();
        writer.finish();
        let raw = page.content.finish();
        let packed = miniz_oxide::deflate::compress_to_vec_zlib(&raw, 6);
        pdf.stream(content_id, &packed).filter(Filter::FlateDecode);
    }
    pdf.finish()
}

/// The report's title, then who, what and when, as the HTML report's heading shows it.
fn title_block(doc: &mut Document, report: &Report, lang: Lang, published: Option<&str>) {
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
            l("municipality"),
            format!("{name} ({})", report.municipality),
        ),
        (
            l("period"),
            format!("{} ({} – {})", report.half_year, report.from, report.to),
        ),
        (l("agreement"), report.agreement.name.clone()),
        (
            l("read_at"),
            report
                .footer
                .read_at
                .format("%Y-%m-%d %H:%M UTC")
                .to_string(),
        ),
    ];
    if let Some(date) = published {
        lines.push((l("published"), date.to_string()));
    }
    let key_width = lines
        .iter()
        .map(|(k, _)| width(&encode(&format!("{k}:")), Face::Regular, 9.5))
        .fold(0.0, f32::max);
    for (key, value) in lines {
        doc.y -= 13.0;
        let y = doc.y;
        doc.begin(b"P");
        doc.text(
            MARGIN,
            y,
            Face::Regular,
            9.5,
            GREY,
            &encode(&format!("{key}:")),
        );
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
    doc.y -= 10.0;
}

/// A cell as the reader sees it: like the HTML report (`<5`, `x`, `–` for a withheld figure,
/// shares in percent), Dutch with a decimal comma.
fn cell_text(cell: &Cell, lang: Lang) -> String {
    let decimal = |text: String| match lang {
        Lang::Nl => text.replace('.', ","),
        Lang::En => text,
    };
    match cell {
        Cell::Text(t) => t.clone(),
        Cell::Count(Some(n)) => n.to_string(),
        Cell::Count(None) => "<5".into(),
        Cell::Hidden => "x".into(),
        Cell::Withheld | Cell::Share(None) => "–".into(),
        Cell::Int(n) => n.to_string(),
        Cell::Share(Some(s)) => decimal(format!("{:.1}%", (s * Decimal::ONE_HUNDRED).round_dp(1))),
        Cell::Number(d) => decimal(d.normalize().to_string()),
        Cell::Euro(d) => decimal(format!("€ {:.2}", d.round_dp(2))),
    }
}

/// Splits `text` into lines no wider than `max` points, at spaces where it can; a word longer
/// than a line is cut.
fn wrap(text: &[u8], face: Face, max: f32) -> Vec<Vec<u8>> {
    // A column is as wide as its widest cell: let rounding never break that cell.
    let max = max + 0.01;
    let mut lines: Vec<Vec<u8>> = Vec::new();
    let mut line: Vec<u8> = Vec::new();
    for word in text.split(|b| *b == b' ') {
        let candidate = if line.is_empty() {
            word.to_vec()
        } else {
            [&line[..], b" ", word].concat()
        };
        if width(&candidate, face, CELL_SIZE) <= max || line.is_empty() && word.is_empty() {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        for b in word {
            if !line.is_empty() && width(&[&line[..], &[*b]].concat(), face, CELL_SIZE) > max {
                lines.push(std::mem::take(&mut line));
            }
            line.push(*b);
        }
    }
    lines.push(line);
    lines
}

/// A table laid out: column widths, which columns are numbers, on which orientation.
struct Columns {
    widths: Vec<f32>,
    numeric: Vec<bool>,
    landscape: bool,
}

fn columns(headers: &[Vec<u8>], rows: &[Vec<(Vec<u8>, bool)>]) -> Columns {
    let n = headers
        .len()
        .max(rows.iter().map(Vec::len).max().unwrap_or(0));
    let mut natural = vec![0.0f32; n];
    let mut numeric = vec![true; n];
    let mut any = vec![false; n];
    for (i, h) in headers.iter().enumerate() {
        natural[i] = width(h, Face::Bold, CELL_SIZE);
    }
    for row in rows {
        for (i, (text, number)) in row.iter().enumerate() {
            natural[i] = natural[i].max(width(text, Face::Regular, CELL_SIZE));
            if !text.is_empty() {
                any[i] = true;
                numeric[i] &= *number;
            }
        }
    }
    for i in 0..n {
        numeric[i] &= any[i];
        natural[i] += 2.0 * PAD_X;
    }
    let total: f32 = natural.iter().sum();
    let landscape = total > Document::usable_width(false);
    let available = Document::usable_width(landscape);
    let mut widths = natural.clone();
    if total > available {
        // Numbers keep their width; text columns share what is left and wrap.
        let fixed: f32 = (0..n).filter(|i| numeric[*i]).map(|i| natural[i]).sum();
        let flexible: f32 = total - fixed;
        let room = (available - fixed).max(0.0);
        for i in (0..n).filter(|i| !numeric[*i]) {
            widths[i] = (natural[i] * room / flexible)
                .max(MIN_TEXT_COLUMN)
                .min(natural[i]);
        }
    }
    Columns {
        widths,
        numeric,
        landscape,
    }
}

/// One row of wrapped cells, each cell its own `TH`/`TD` (also an empty one, so the columns
/// read back in place), under `tag` (`TR`, or `Artifact` for a repeated header).
fn draw_row(
    doc: &mut Document,
    cols: &Columns,
    cells: &[(Vec<Vec<u8>>, [f32; 3])],
    face: Face,
    tag: &'static [u8],
    fill: Option<[f32; 3]>,
) {
    let lines = cells.iter().map(|(l, _)| l.len()).max().unwrap_or(1).max(1);
    let height = lines as f32 * LEADING + 2.0 * PAD_Y;
    let total: f32 = cols.widths.iter().sum();
    let top = doc.y;
    match fill {
        Some(color) => doc.rect(MARGIN, top - height, total, height, color),
        None => doc.rect(MARGIN, top - height, total, 0.5, RULE),
    }
    doc.begin(tag);
    let mut x = MARGIN;
    for (i, (cell_lines, color)) in cells.iter().enumerate() {
        let w = cols.widths.get(i).copied().unwrap_or(0.0);
        if tag != b"Artifact" {
            doc.begin(if face == Face::Bold { b"TH" } else { b"TD" });
        }
        for (k, line) in cell_lines.iter().enumerate() {
            let baseline = top - PAD_Y - (k as f32 + 1.0) * LEADING + 2.5;
            let left = if cols.numeric.get(i).copied().unwrap_or(false) {
                x + w - PAD_X - width(line, face, CELL_SIZE)
            } else {
                x + PAD_X
            };
            doc.text(left, baseline, face, CELL_SIZE, *color, line);
        }
        if tag != b"Artifact" {
            doc.end();
        }
        x += w;
    }
    doc.end();
    doc.y -= height;
}

fn row_height(cells: &[(Vec<Vec<u8>>, [f32; 3])]) -> f32 {
    let lines = cells.iter().map(|(l, _)| l.len()).max().unwrap_or(1).max(1);
    lines as f32 * LEADING + 2.0 * PAD_Y
}

/// The table's title (`H2`, or an artifact with "(vervolg)" on a following page).
fn draw_title(doc: &mut Document, title: &str, continued: bool, lang: Lang) {
    doc.y -= TITLE_SIZE + 3.0;
    let y = doc.y;
    if continued {
        let more = match lang {
            Lang::Nl => "(vervolg)",
            Lang::En => "(continued)",
        };
        doc.begin(b"Artifact");
        doc.text(
            MARGIN,
            y,
            Face::Bold,
            TITLE_SIZE,
            NAVY,
            &encode(&format!("{title} {more}")),
        );
    } else {
        doc.begin(b"H2");
        doc.text(MARGIN, y, Face::Bold, TITLE_SIZE, NAVY, &encode(title));
    }
    doc.end();
    doc.y -= 5.0;
}

fn draw_table(doc: &mut Document, table: &Table, lang: Lang, state_header: &str) {
    let state_column = table.headers.iter().position(|h| h == state_header);
    let headers: Vec<Vec<u8>> = table.headers.iter().map(|h| encode(h)).collect();
    let rows: Vec<Vec<(Vec<u8>, bool)>> = table
        .rows
        .iter()
        .map(|row| {
            row.iter()
                .map(|c| (encode(&cell_text(c, lang)), !matches!(c, Cell::Text(_))))
                .collect()
        })
        .collect();
    let cols = columns(&headers, &rows);
    let wrap_cells = |texts: &[Vec<u8>], face: Face, colors: &dyn Fn(usize) -> [f32; 3]| {
        texts
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let w = cols.widths.get(i).copied().unwrap_or(0.0) - 2.0 * PAD_X;
                (wrap(t, face, w), colors(i))
            })
            .collect::<Vec<_>>()
    };
    let header_cells = wrap_cells(&headers, Face::Bold, &|_| INK);
    let body: Vec<Vec<(Vec<Vec<u8>>, [f32; 3])>> = rows
        .iter()
        .zip(&table.rows)
        .map(|(row, cells)| {
            let texts: Vec<Vec<u8>> = row.iter().map(|(t, _)| t.clone()).collect();
            wrap_cells(
                &texts,
                Face::Regular,
                &|i| match (state_column, cells.get(i)) {
                    (Some(col), Some(Cell::Text(t))) if col == i => state_color(t, lang),
                    _ => INK,
                },
            )
        })
        .collect();

    // Title, header and the first row (or the note) stay together.
    let head = TITLE_SIZE + 8.0 + row_height(&header_cells);
    let first = body
        .first()
        .map_or(LEADING + 2.0 * PAD_Y, |r| row_height(r));
    if cols.landscape && !doc.landscape() {
        doc.new_page(true);
    } else if !doc.fits(head + first + 10.0) {
        doc.new_page(cols.landscape);
    }
    doc.y -= 10.0;
    draw_title(doc, &table.title, false, lang);
    if table.rows.is_empty() {
        if let Some(note) = &table.empty_note {
            doc.y -= LEADING;
            let y = doc.y;
            doc.begin(b"P");
            doc.text(
                MARGIN,
                y,
                Face::Regular,
                CELL_SIZE + 1.0,
                GREY,
                &encode(note),
            );
            doc.end();
        }
        return;
    }
    doc.begin(b"Table");
    draw_row(
        doc,
        &cols,
        &header_cells,
        Face::Bold,
        b"TR",
        Some(HEADER_FILL),
    );
    for row in &body {
        if !doc.fits(row_height(row)) {
            doc.end();
            doc.new_page(cols.landscape);
            draw_title(doc, &table.title, true, lang);
            doc.begin(b"Table");
            draw_row(
                doc,
                &cols,
                &header_cells,
                Face::Bold,
                b"Artifact",
                Some(HEADER_FILL),
            );
        }
        draw_row(doc, &cols, row, Face::Regular, b"TR", None);
    }
    doc.end();
}

/// The colour of a state, as the HTML report marks it.
fn state_color(text: &str, lang: Lang) -> [f32; 3] {
    match state_key(text, lang) {
        "warning" => [0.541, 0.353, 0.0],
        "breach" => [0.631, 0.086, 0.106],
        "ok" => [0.118, 0.420, 0.204],
        _ => GREY,
    }
}
