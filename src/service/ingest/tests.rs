//! Reading and checking batches: JSON and CSV bodies, limits, problems.

use super::*;
use crate::domain::letting::RawValue;

#[test]
fn json_accepts_a_wrapped_object_and_a_bare_array() {
    let wrapped = parse_json(br#"{"lettings": [{"reference": "A", "rent": 713.02}]}"#).unwrap();
    let bare = parse_json(br#"[{"reference": "A", "rent": 713.02}]"#).unwrap();
    for records in [wrapped, bare] {
        assert_eq!(records.len(), 1);
        assert_eq!(
            records[0].raw.get("rent"),
            Some(&RawValue::Number("713.02".into()))
        );
    }
}

#[test]
fn json_numbers_keep_their_exact_text() {
    let records = parse_json(br#"[{"rent": 713.0200000000000001}]"#).unwrap();
    assert_eq!(
        records[0].raw.get("rent"),
        Some(&RawValue::Number("713.0200000000000001".into()))
    );
}

#[test]
fn a_record_that_is_not_an_object_is_a_record_problem_not_a_malformed_body() {
    let records = parse_json(br#"[{"reference": "A"}, 42, "x"]"#).unwrap();
    assert!(records[0].record_problem.is_none());
    assert!(records[1].record_problem.is_some());
    assert!(records[2].record_problem.is_some());
}

#[test]
fn broken_json_is_malformed() {
    assert!(matches!(parse_json(b"[{"), Err(BodyError::Malformed(_))));
    assert!(matches!(parse_json(b"42"), Err(BodyError::Malformed(_))));
    assert!(matches!(
        parse_json(br#"{"letings": []}"#),
        Err(BodyError::Malformed(_))
    ));
}

#[test]
fn semicolon_csv_with_bom_any_column_order_and_lines() {
    let body =
        "\u{feff}rent;reference;municipality;contract_start;household_size;household_income\n\
                713,02;A;GM0629;2026-03-01;2;31000\n\
                \"650,00\";B;GM0629;2026-03-02;1;20000,50\n";
    let (records, dialect) = parse_csv(body.as_bytes()).unwrap();
    assert_eq!(dialect, CsvDialect::Semicolon);
    assert_eq!(records.len(), 2);
    // In the contract's spelling, as `domain::upload` reads the semicolon dialect.
    assert_eq!(
        records[0].raw.get("rent"),
        Some(&RawValue::Text("713.02".into()))
    );
    assert_eq!(records[0].line, Some(2));
    assert_eq!(records[1].line, Some(3));
    assert_eq!(records[1].raw.reference_text(), Some("B"));
}

#[test]
fn an_empty_csv_cell_is_an_absent_value() {
    let body = "reference,municipality,contract_start,rent,household_size,household_income,urgency\nA,GM0629,2026-03-01,700,2,30000,\n";
    let (records, dialect) = parse_csv(body.as_bytes()).unwrap();
    assert_eq!(dialect, CsvDialect::Comma);
    assert_eq!(records[0].raw.get("urgency"), None);
}

#[test]
fn unknown_and_missing_columns_are_header_problems() {
    let body = "reference,municipality,contract_start,rent,household_size,colour\n";
    let Err(BodyError::Header(problems)) = parse_csv(body.as_bytes()) else {
        panic!("expected header problems");
    };
    let fields: Vec<_> = problems
        .listed()
        .iter()
        .map(|p| p.field.clone().unwrap())
        .collect();
    assert_eq!(fields, ["colour", "household_income"]);
    assert!(problems
        .listed()
        .iter()
        .all(|p| p.line == Some(1) && p.index.is_none()));
}

#[test]
fn a_row_with_the_wrong_number_of_cells_is_a_record_problem() {
    let body = "reference,municipality,contract_start,rent,household_size,household_income\nA,GM0629,2026-03-01,700,2\n";
    let (records, _) = parse_csv(body.as_bytes()).unwrap();
    assert!(records[0]
        .record_problem
        .as_deref()
        .unwrap()
        .contains("5 cells"));
}

/// The required columns, in the contract's order: six cells a row.
const HEADER: &str = "reference,municipality,contract_start,rent,household_size,household_income";

#[test]
fn json_records_are_counted_while_read_and_one_past_the_limit_stops_the_reading() {
    let bare = br#"[{}, {}, {}]"#;
    let wrapped = br#"{"lettings": [{}, {}, {}]}"#;
    for body in [&bare[..], &wrapped[..]] {
        assert_eq!(read_json(body, 3).unwrap().len(), 3);
        assert!(matches!(
            read_json(body, 2),
            Err(BodyError::TooManyRecords { limit: 2 })
        ));
    }
    // What follows the first record past the limit is never read: not even checked.
    let broken_after = br#"[{}, {}, {}, {"#;
    assert!(matches!(
        read_json(&broken_after[..], 2),
        Err(BodyError::TooManyRecords { limit: 2 })
    ));
    assert!(matches!(
        read_json(&broken_after[..], 5),
        Err(BodyError::Malformed(_))
    ));
}

#[test]
fn csv_rows_are_counted_while_read() {
    let body = format!("{HEADER}\nA,,,,,\nB,,,,,\nC,,,,,\n");
    assert_eq!(read_csv(body.as_bytes(), 3).unwrap().0.len(), 3);
    assert!(matches!(
        read_csv(body.as_bytes(), 2),
        Err(BodyError::TooManyRecords { limit: 2 })
    ));
}

#[test]
fn a_value_that_is_a_list_or_object_is_noted_not_built() {
    let records = parse_json(br#"[{"rent": [1, [2, {"a": 3}]], "route": {"x": {"y": 1}}, "urgency": null, "pension_age": true, "household_size": -2}]"#).unwrap();
    let raw = &records[0].raw;
    assert_eq!(raw.get("rent"), Some(&RawValue::Structured));
    assert_eq!(raw.get("route"), Some(&RawValue::Structured));
    assert_eq!(raw.get("urgency"), Some(&RawValue::Null));
    assert_eq!(raw.get("pension_age"), Some(&RawValue::Bool(true)));
    assert_eq!(
        raw.get("household_size"),
        Some(&RawValue::Number("-2".into()))
    );
}

#[test]
fn unknown_keys_are_kept_cut_short_and_only_the_first_twenty() {
    let mut body = String::from("[{");
    for i in 0..30 {
        body.push_str(&format!("\"{}{i:02}\": [1, 2], ", "k".repeat(100)));
    }
    body.push_str("\"reference\": \"A\"}]");
    let records = parse_json(body.as_bytes()).unwrap();
    let raw = &records[0].raw;
    assert_eq!(raw.unknown_fields().len(), 20);
    assert!(raw.unknown_fields().iter().all(|f| f.chars().count() == 64));
    assert_eq!(raw.more_unknown_fields(), 10);
    assert_eq!(raw.reference_text(), Some("A"));
}

#[test]
fn a_malformed_json_message_does_not_repeat_a_long_body() {
    let body = format!("{{\"lettings\": \"{}\"}}", "x".repeat(100_000));
    let Err(BodyError::Malformed(message)) = parse_json(body.as_bytes()) else {
        panic!("expected a malformed body");
    };
    assert!(message.len() < 400, "{message}");
    let body = format!("\"{}\"", "x".repeat(100_000));
    let Err(BodyError::Malformed(message)) = parse_json(body.as_bytes()) else {
        panic!("expected a malformed body");
    };
    assert!(message.len() < 400, "{message}");
}

/// The cells are those the `csv` crate reads; the lines are the physical lines the records
/// start on, which the crate's own `Position` gets wrong after a CRLF or a blank line (it takes
/// the line before it steps over them), and rows of empty cells are skipped.
#[test]
fn csv_records_keep_their_physical_line_and_the_csv_crates_cells() {
    for (rows, lines) in [
        ("\r\nA,,,1,,\r\nB,,,2,,\r\n", &[2, 3][..]),
        (
            "\nA,,,1,,\n\n\nB,\"2\n3\",,,,\nC,\"x\"\"y\",,,,\n",
            &[2, 5, 7],
        ),
        (
            "\r\nA,,,1,,\r\n\r\n\r\nB,\"2\r\n3\",,,,\r\nC,,,,,\r\n",
            &[2, 5, 7],
        ),
        ("\rA,,,1,,\r\rB,,,2,,", &[2, 4]),
        ("\nA,,,1,,,extra\nB\n", &[2, 3]),
        ("\r\n,,,,,\r\n ,,, ,,\r\nA,,,1,,\r\n,,,,,\r\n", &[4]),
    ] {
        let body = format!("{HEADER}{rows}");
        let (records, _) = parse_csv(body.as_bytes()).unwrap();
        let mut reader = ::csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(body.as_bytes());
        let expected: Vec<Vec<String>> = reader
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect::<Vec<_>>())
            .filter(|cells| cells.iter().any(|c| !c.trim().is_empty()))
            .collect();
        assert_eq!(records.len(), expected.len(), "{body:?}");
        let found: Vec<u64> = records.iter().map(|r| r.line.unwrap()).collect();
        assert_eq!(found, lines, "{body:?}");
        for (record, cells) in records.iter().zip(&expected) {
            assert_eq!(
                record.raw.reference_text(),
                Some(cells[0].as_str()).filter(|c| !c.is_empty()),
                "{body:?}"
            );
            assert_eq!(record.record_problem.is_some(), cells.len() != 6);
        }
    }
}

#[test]
fn the_csv_crates_own_position_is_off_after_crlf_and_blank_lines() {
    // Why the reader counts its own way: this is what `csv::Position` says for the record on
    // physical line 4 after a CRLF header and a blank line.
    let body = "a,b\r\n\r\n\r\nx,y\r\n";
    let mut reader = ::csv::ReaderBuilder::new().from_reader(body.as_bytes());
    let record = reader.records().next().unwrap().unwrap();
    assert_ne!(record.position().unwrap().line(), 4);
    let (records, _) = parse_csv(b"reference,municipality,contract_start,rent,household_size,household_income\r\n\r\n\r\nA,,,,,\r\n").unwrap();
    assert_eq!(records[0].line, Some(4));
}

#[test]
fn a_row_of_many_cells_keeps_only_those_under_the_header() {
    let mut body = format!("{HEADER}\nA,GM0629,2026-01-01,1,2,3");
    body.push_str(&",x".repeat(100_000));
    body.push('\n');
    let (records, _) = parse_csv(body.as_bytes()).unwrap();
    assert_eq!(
        records[0].record_problem.as_deref(),
        Some("this row has 100006 cells; the header has 6")
    );
    assert_eq!(
        records[0].raw.get("rent"),
        Some(&RawValue::Text("1".into()))
    );
}

#[test]
fn a_header_of_many_unknown_columns_lists_the_first_thousand_problems() {
    let mut body = String::from("reference");
    for i in 0..5000 {
        body.push_str(&format!(",c{i}{}", "y".repeat(100)));
    }
    body.push('\n');
    let Err(BodyError::Header(problems)) = parse_csv(body.as_bytes()) else {
        panic!("expected header problems");
    };
    // 5000 unknown columns and 5 required ones missing.
    assert_eq!(problems.total(), 5005);
    assert_eq!(problems.listed().len(), 1000);
    assert!(problems
        .listed()
        .iter()
        .all(|p| p.field.as_ref().unwrap().chars().count() <= 64));
}

#[test]
fn a_body_of_unknown_format_is_json_when_it_starts_with_a_bracket() {
    let json = read_batch(
        &b"\xEF\xBB\xBF  [{\"reference\": \"A\"}]"[..],
        BodyFormat::Unknown,
        10,
    )
    .unwrap();
    assert_eq!(json.records[0].raw.reference_text(), Some("A"));
    let body = format!("{}\nA;;;1,5;;\n", HEADER.replace(',', ";"));
    let csv = read_batch(body.as_bytes(), BodyFormat::Unknown, 10).unwrap();
    assert!(csv.decimal_comma);
    assert_eq!(csv.records[0].line, Some(2));
}

#[test]
fn a_csv_row_that_is_not_utf8_is_malformed_naming_its_line() {
    let Err(BodyError::Malformed(message)) =
        parse_csv(&[HEADER.as_bytes(), b"\nA,,,,,\nB,\xff,,,,\n"].concat())
    else {
        panic!("expected a malformed body");
    };
    assert!(message.contains("line 3"), "{message}");
}
