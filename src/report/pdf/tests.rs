use super::metrics::{encode, width, Face};
use super::table::{cell_text, columns, wrap};
use super::*;
use crate::report::tables::Cell;
use rust_decimal::Decimal;

#[test]
fn wrapping_breaks_at_spaces_and_cuts_only_a_word_too_long_for_a_line() {
    let lines = wrap(
        b"aaa bbb ccc",
        Face::Regular,
        width(b"aaa bbb", Face::Regular, CELL_SIZE),
    );
    assert_eq!(lines, vec![b"aaa bbb".to_vec(), b"ccc".to_vec()]);
    let long = wrap(
        b"abcdefgh",
        Face::Regular,
        width(b"abc", Face::Regular, CELL_SIZE),
    );
    assert_eq!(long.concat(), b"abcdefgh".to_vec());
    assert!(long.len() >= 3, "{long:?}");
    assert_eq!(wrap(b"", Face::Regular, 10.0), vec![Vec::<u8>::new()]);
}

#[test]
fn cells_read_as_in_the_html_report() {
    let d = |s: &str| s.parse::<Decimal>().unwrap();
    assert_eq!(cell_text(&Cell::Count(None), Lang::Nl), "<5");
    assert_eq!(cell_text(&Cell::Hidden, Lang::Nl), "x");
    assert_eq!(cell_text(&Cell::Withheld, Lang::Nl), "–");
    assert_eq!(
        cell_text(&Cell::Share(Some(d("0.2875"))), Lang::Nl),
        "28,8%"
    );
    assert_eq!(cell_text(&Cell::Share(Some(d("0.3"))), Lang::En), "30.0%");
    assert_eq!(cell_text(&Cell::Euro(d("932.93")), Lang::Nl), "€ 932,93");
    assert_eq!(cell_text(&Cell::Euro(d("712.5")), Lang::En), "€ 712.50");
}

#[test]
fn a_table_too_wide_for_portrait_turns_landscape_and_its_text_columns_wrap() {
    let header = |s: &str| encode(s);
    let narrow = columns(
        &[header("a"), header("b")],
        &[vec![(b"x".to_vec(), false), (b"1".to_vec(), true)]],
        false,
    );
    assert!(!narrow.landscape);
    assert_eq!(narrow.numeric, vec![false, true]);
    let long = vec![b'w'; 200];
    let wide = columns(
        &[header("a"), header("b")],
        &[vec![(long.clone(), false), (b"12345".to_vec(), true)]],
        false,
    );
    assert!(wide.landscape);
    let total: f32 = wide.widths.iter().sum();
    assert!(total <= Document::usable_width(true) + 0.01, "{total}");
    assert!(wide.widths[1] >= width(b"12345", Face::Regular, CELL_SIZE));
}

#[test]
fn the_printed_layout_wraps_text_at_spaces_before_it_turns_the_page() {
    let sentence = b"te weinig verhuringen om te beoordelen ".repeat(6);
    let rows = [vec![(sentence, false), (b"12".to_vec(), true)]];
    let headers = [encode("a"), encode("b")];
    assert!(columns(&headers, &rows, false).landscape);
    let wrapped = columns(&headers, &rows, true);
    assert!(!wrapped.landscape, "words wrap on portrait");
    // No word is cut: the text column is at least as wide as its longest word.
    assert!(wrapped.widths[0] >= width(b"verhuringen", Face::Regular, CELL_SIZE));
    // Twelve columns of long names do not fit portrait however they wrap.
    let name = b"Woningbouwvereniging".to_vec();
    let many: Vec<Vec<u8>> = (0..12).map(|_| encode("x")).collect();
    let row: Vec<(Vec<u8>, bool)> = (0..12).map(|_| (name.clone(), false)).collect();
    assert!(columns(&many, &[row], true).landscape);
}
