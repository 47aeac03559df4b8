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
mod print;
mod table;
#[cfg(test)]
mod tests;

use super::labels::{label, Lang};
use super::model::Report;
use super::tables::Table;
use metrics::{encode, width, Face};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
pub use print::render_print;

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
        table::draw_table(&mut doc, table, lang, &[state]);
    }
    doc.finish(report, lang, "")
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
    /// The printed layout (report layout 2 on): no header bar over unnamed columns.
    plain: bool,
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

    /// Numbers every page and writes the file; `mark` follows the title in every footer.
    fn finish(mut self, report: &Report, lang: Lang, mark: &str) -> Vec<u8> {
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
            "{} · {} {}{mark}",
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
