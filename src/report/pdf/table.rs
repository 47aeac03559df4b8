//! A table on the pages: its columns sized to the text, its cells wrapped, its rows carried over
//! to the next page with the title and header repeated.

use rust_decimal::Decimal;

use super::metrics::{encode, width, Face};
use super::{
    Document, CELL_SIZE, GREY, HEADER_FILL, INK, LEADING, MARGIN, MIN_TEXT_COLUMN, NAVY, PAD_X,
    PAD_Y, RULE, TITLE_SIZE,
};
use crate::report::labels::{state_key, Lang};
use crate::report::tables::{Cell, Table};

/// A cell as the reader sees it: like the HTML report (`<5`, `x`, `–` for a withheld figure,
/// shares in percent), Dutch with a decimal comma.
pub(super) fn cell_text(cell: &Cell, lang: Lang) -> String {
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
pub(super) fn wrap(text: &[u8], face: Face, max: f32) -> Vec<Vec<u8>> {
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

/// A cell wrapped into its lines, with the colour of its text.
type LaidCell = (Vec<Vec<u8>>, [f32; 3]);

/// A table laid out: column widths, which columns are numbers, on which orientation.
pub(super) struct Columns {
    pub(super) widths: Vec<f32>,
    pub(super) numeric: Vec<bool>,
    pub(super) landscape: bool,
}

/// `wrap_first`: the printed layout turns a page only when the table does not fit portrait
/// with its text wrapped at spaces (each text column as wide as its longest word); otherwise a
/// table wider than portrait unwrapped turns landscape.
pub(super) fn columns(
    headers: &[Vec<u8>],
    rows: &[Vec<(Vec<u8>, bool)>],
    wrap_first: bool,
) -> Columns {
    let n = headers
        .len()
        .max(rows.iter().map(Vec::len).max().unwrap_or(0));
    let mut natural = vec![0.0f32; n];
    let mut numeric = vec![true; n];
    let mut any = vec![false; n];
    let mut word = vec![0.0f32; n];
    let longest = |text: &[u8], face: Face| {
        text.split(|b| *b == b' ')
            .map(|w| width(w, face, CELL_SIZE))
            .fold(0.0, f32::max)
    };
    for (i, h) in headers.iter().enumerate() {
        natural[i] = width(h, Face::Bold, CELL_SIZE);
        word[i] = longest(h, Face::Bold);
    }
    for row in rows {
        for (i, (text, number)) in row.iter().enumerate() {
            word[i] = word[i].max(longest(text, Face::Regular));
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
    let fixed: f32 = (0..n).filter(|i| numeric[*i]).map(|i| natural[i]).sum();
    // The narrowest the text columns go: their longest words (or the narrowest column).
    let least: Vec<f32> = (0..n)
        .map(|i| (word[i] + 2.0 * PAD_X).max(MIN_TEXT_COLUMN).min(natural[i]))
        .collect();
    let wrapped: f32 = fixed
        + (0..n)
            .filter(|i| !numeric[*i])
            .map(|i| least[i])
            .sum::<f32>();
    let landscape = if wrap_first {
        wrapped > Document::usable_width(false)
    } else {
        total > Document::usable_width(false)
    };
    let available = Document::usable_width(landscape);
    let mut widths = natural.clone();
    if total > available && wrap_first {
        // Each text column gets its longest word; what is left goes in equal parts, a column
        // that needs less than its part taking only what it needs: short columns stay whole,
        // long ones wrap.
        let mut text: Vec<usize> = (0..n).filter(|i| !numeric[*i]).collect();
        text.sort_by(|a, b| (natural[*a] - least[*a]).total_cmp(&(natural[*b] - least[*b])));
        let mut left = (available - wrapped).max(0.0);
        for (k, &i) in text.iter().enumerate() {
            let part = left / (text.len() - k) as f32;
            let extra = (natural[i] - least[i]).min(part);
            widths[i] = least[i] + extra;
            left -= extra;
        }
    } else if total > available {
        // Numbers keep their width; text columns share what is left and wrap.
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
    cells: &[LaidCell],
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

fn row_height(cells: &[LaidCell]) -> f32 {
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

pub(super) fn draw_table(doc: &mut Document, table: &Table, lang: Lang, state_headers: &[&str]) {
    let is_state = |i: usize| {
        table.headers.get(i).is_some_and(|h| {
            state_headers.iter().any(|s| match s.strip_suffix('*') {
                Some(prefix) => h.starts_with(prefix),
                None => h == s,
            })
        })
    };
    let headers: Vec<Vec<u8>> = table.headers.iter().map(|h| encode(h)).collect();
    let rows: Vec<Vec<(Vec<u8>, bool)>> = table
        .rows
        .iter()
        .map(|row| {
            row.iter()
                .map(|c| {
                    // The printed layout groups thousands (€ 47.699,00).
                    let text = match c {
                        Cell::Euro(amount) if doc.plain => crate::report::grid::euro(*amount, lang),
                        _ => cell_text(c, lang),
                    };
                    (encode(&text), !matches!(c, Cell::Text(_)))
                })
                .collect()
        })
        .collect();
    let cols = columns(&headers, &rows, doc.plain);
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
    let body: Vec<Vec<LaidCell>> = rows
        .iter()
        .zip(&table.rows)
        .map(|(row, cells)| {
            let texts: Vec<Vec<u8>> = row.iter().map(|(t, _)| t.clone()).collect();
            wrap_cells(&texts, Face::Regular, &|i| match cells.get(i) {
                Some(Cell::Text(t)) if is_state(i) => state_color(t, lang),
                _ => INK,
            })
        })
        .collect();

    // A table of two unnamed columns (label and value) has no header bar in print.
    let header = !(doc.plain && table.headers.iter().all(String::is_empty));
    // Title, header and the first row (or the note) stay together.
    let head = TITLE_SIZE
        + 8.0
        + if header {
            row_height(&header_cells)
        } else {
            0.0
        };
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
    if header {
        draw_row(
            doc,
            &cols,
            &header_cells,
            Face::Bold,
            b"TR",
            Some(HEADER_FILL),
        );
    }
    for row in &body {
        if !doc.fits(row_height(row)) {
            doc.end();
            doc.new_page(cols.landscape);
            draw_title(doc, &table.title, true, lang);
            doc.begin(b"Table");
            if header {
                draw_row(
                    doc,
                    &cols,
                    &header_cells,
                    Face::Bold,
                    b"Artifact",
                    Some(HEADER_FILL),
                );
            }
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
