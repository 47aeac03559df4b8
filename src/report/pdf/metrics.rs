//! Helvetica and Helvetica-Bold, two of the fourteen standard PDF fonts that every reader has,
//! in WinAnsiEncoding (Windows-1252): the text as bytes in that encoding and how wide it is,
//! so columns can be sized and numbers right-aligned without embedding a font.

use encoding_rs::WINDOWS_1252;

/// The two faces the report uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Face {
    Regular,
    Bold,
}

/// The text as WinAnsi bytes. A character that Helvetica cannot show in that encoding becomes a
/// near equivalent (`−` → `-`, `≤` → `<=`) or `?`, so no text is silently dropped.
pub(super) fn encode(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\u{2212}' => out.push(b'-'),
            '≤' => out.extend_from_slice(b"<="),
            '≥' => out.extend_from_slice(b">="),
            '→' | '⇒' => out.extend_from_slice(b"->"),
            '\t' | '\n' | '\r' => out.push(b' '),
            _ => out.push(winansi(c).unwrap_or(b'?')),
        }
    }
    out
}

/// The WinAnsi code of `c`, if Helvetica has a glyph for it there.
fn winansi(c: char) -> Option<u8> {
    let mut buf = [0u8; 4];
    let (bytes, _, had_errors) = WINDOWS_1252.encode(c.encode_utf8(&mut buf));
    match *bytes {
        [b] if !had_errors && b >= 32 && width_of(Face::Regular, b) > 0 => Some(b),
        _ => None,
    }
}

fn width_of(face: Face, code: u8) -> u16 {
    let table = match face {
        Face::Regular => &REGULAR,
        Face::Bold => &BOLD,
    };
    code.checked_sub(32)
        .and_then(|i| table.get(usize::from(i)))
        .copied()
        .unwrap_or(0)
}

/// The width in points of WinAnsi `bytes` set in `face` at `size` points.
pub(super) fn width(bytes: &[u8], face: Face, size: f32) -> f32 {
    let units: u32 = bytes.iter().map(|b| u32::from(width_of(face, *b))).sum();
    units as f32 * size / 1000.0
}

// Advance widths (1/1000 em) of the WinAnsi codes 32 to 255, from Adobe's AFM files for
// Helvetica and Helvetica-Bold (as shipped with groff); 0 where the code has no glyph.
pub(super) const REGULAR: [u16; 224] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667,
    611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500,
    222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
    0, 556, 0, 222, 556, 333, 1000, 556, 556, 333, 1000, 667, 333, 1000, 0, 611, 0, 0, 222, 222,
    333, 333, 350, 556, 1000, 333, 1000, 500, 333, 944, 0, 500, 667, 278, 333, 556, 556, 556, 556,
    260, 556, 333, 737, 370, 556, 584, 333, 737, 333, 400, 584, 333, 333, 333, 578, 537, 278, 333,
    333, 365, 556, 834, 834, 834, 611, 667, 667, 667, 667, 667, 667, 1000, 722, 667, 667, 667, 667,
    278, 278, 278, 278, 722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667,
    611, 556, 556, 556, 556, 556, 556, 889, 500, 556, 556, 556, 556, 278, 278, 278, 278, 556, 556,
    556, 556, 556, 556, 556, 584, 611, 556, 556, 556, 556, 500, 556, 500,
];
pub(super) const BOLD: [u16; 224] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667,
    611, 778, 722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556,
    278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
    0, 556, 0, 278, 556, 500, 1000, 556, 556, 333, 1000, 667, 333, 1000, 0, 611, 0, 0, 278, 278,
    500, 500, 350, 556, 1000, 333, 1000, 556, 333, 944, 0, 500, 667, 278, 333, 556, 556, 556, 556,
    280, 556, 333, 737, 370, 556, 584, 333, 737, 333, 400, 584, 333, 333, 333, 611, 556, 278, 333,
    333, 365, 556, 834, 834, 834, 611, 722, 722, 722, 722, 722, 722, 1000, 722, 667, 667, 667, 667,
    278, 278, 278, 278, 722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667,
    611, 556, 556, 556, 556, 556, 556, 889, 556, 556, 556, 556, 556, 278, 278, 278, 278, 611, 611,
    611, 611, 611, 611, 611, 584, 611, 611, 611, 611, 611, 556, 611, 556,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dutch_text_and_money_map_to_their_winansi_codes() {
        assert_eq!(encode("€ 5"), vec![0x80, b' ', b'5']);
        assert_eq!(encode("é ë –"), vec![0xE9, b' ', 0xEB, b' ', 0x96]);
        assert_eq!(encode("a−b ≤ c"), b"a-b <= c".to_vec());
        assert_eq!(encode("中\u{81}"), b"??".to_vec());
    }

    #[test]
    fn widths_are_those_of_helvetica() {
        // "Helvetica" 1000 pt: H 722, e 556, l 222, v 500, t 278, i 222, c 500, a 556.
        let w = width(b"Helvetica", Face::Regular, 1000.0);
        assert_eq!(
            w,
            (722 + 556 + 222 + 500 + 556 + 278 + 222 + 500 + 556) as f32
        );
        assert_eq!(width(&encode("€"), Face::Bold, 10.0), 5.56);
        assert!(width(b"0", Face::Bold, 8.0) == width(b"9", Face::Regular, 8.0));
    }
}
