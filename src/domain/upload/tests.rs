use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::str::FromStr;

use super::*;
use crate::domain::letting::FIELDS;

fn amount(text: &str) -> Result<String, String> {
    parse_dutch_amount(text).map(|d| d.to_string())
}

fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

#[test]
fn every_field_has_a_column_and_names_are_unique() {
    for field in FIELDS {
        assert!(column_of(field).is_some(), "no column row for {field}");
    }
    let mut names: Vec<&str> = COLUMNS.iter().flat_map(|c| [c.field, c.dutch]).collect();
    names.sort_unstable();
    names.dedup();
    // `route` is its own Dutch name; every other name is distinct.
    assert_eq!(names.len(), COLUMNS.len() * 2 - 1);
}

#[test]
fn header_names_in_either_language_any_case_and_with_spaces() {
    assert_eq!(column_named("kale_huur").unwrap().field, "rent");
    assert_eq!(column_named(" Kale huur ").unwrap().field, "rent");
    assert_eq!(column_named("RENT").unwrap().field, "rent");
    assert_eq!(
        column_named("datum-toewijzing").unwrap().field,
        "allocation_date"
    );
    assert_eq!(column_named("statushouder").unwrap().field, "status_holder");
    assert!(column_named("huur").is_none());
}

#[test]
fn day_month_year_dates() {
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    assert_eq!(parse_day_month_year("3-11-2026"), Some(Ok(d(2026, 11, 3))));
    assert_eq!(parse_day_month_year("03-11-2026"), Some(Ok(d(2026, 11, 3))));
    assert_eq!(
        parse_day_month_year(" 31-12-2026 "),
        Some(Ok(d(2026, 12, 31)))
    );
    assert_eq!(parse_day_month_year("1-1-2026"), Some(Ok(d(2026, 1, 1))));
    // The right shape, but no day of the calendar.
    assert!(matches!(parse_day_month_year("29-2-2026"), Some(Err(_))));
    assert!(matches!(parse_day_month_year("0-1-2026"), Some(Err(_))));
    assert!(matches!(parse_day_month_year("1-13-2026"), Some(Err(_))));
    // Other shapes are left to the field's own check.
    assert_eq!(parse_day_month_year("2026-11-03"), None);
    assert_eq!(parse_day_month_year("3-11-26"), None);
    assert_eq!(parse_day_month_year("003-11-2026"), None);
    assert_eq!(parse_day_month_year("3/11/2026"), None);
    assert_eq!(parse_day_month_year("3-11-2026-1"), None);
    assert_eq!(parse_day_month_year(""), None);
}

#[test]
fn dutch_booleans_in_any_case() {
    for yes in ["ja", "JA", "Ja", "WAAR", "waar", " Waar "] {
        assert_eq!(parse_dutch_bool(yes), Some(true), "{yes}");
    }
    for no in ["nee", "NEE", "ONWAAR", "onwaar"] {
        assert_eq!(parse_dutch_bool(no), Some(false), "{no}");
    }
    for other in ["true", "1", "j", "n", "yes", ""] {
        assert_eq!(parse_dutch_bool(other), None, "{other}");
    }
}

#[test]
fn amounts_with_euro_sign_spaces_and_decimal_comma() {
    assert_eq!(amount("745,00"), Ok("745.00".into()));
    assert_eq!(amount("€ 745,00"), Ok("745.00".into()));
    assert_eq!(amount("745,00 €"), Ok("745.00".into()));
    assert_eq!(amount("€\u{a0}745,5"), Ok("745.5".into()));
    assert_eq!(amount("1 234,56"), Ok("1234.56".into()));
    assert_eq!(amount("-€ 5"), Ok("-5".into()));
    assert_eq!(amount("745"), Ok("745".into()));
    assert_eq!(amount("0"), Ok("0".into()));
}

#[test]
fn a_dot_before_three_digits_separates_thousands() {
    assert_eq!(amount("24.500"), Ok("24500".into()));
    assert_eq!(amount("1.234,56"), Ok("1234.56".into()));
    assert_eq!(amount("1.234.567"), Ok("1234567".into()));
    assert_eq!(amount("€ 1.234.567,89"), Ok("1234567.89".into()));
    assert_eq!(amount("999.999"), Ok("999999".into()));
    // A dot before one or two digits is a decimal point.
    assert_eq!(amount("745.5"), Ok("745.5".into()));
    assert_eq!(amount("745.50"), Ok("745.50".into()));
}

#[test]
fn an_amount_that_reads_two_ways_is_refused() {
    for ambiguous in ["1,234", "24,500", "1,234.56", "1,234,567"] {
        let message = amount(ambiguous).unwrap_err();
        assert!(message.contains("reads two ways"), "{ambiguous}: {message}");
    }
}

#[test]
fn malformed_amounts_are_refused_never_guessed() {
    for wrong in [
        "1234.567",
        "0.500",
        "1.2345",
        "12.34.5",
        "1.23.456",
        "1.234.56",
        "1.2345,00",
        "745,",
        "745.",
        ",50",
        ".50",
        "",
        "€",
        "abc",
        "7a5",
        "--5",
        "1,2345",
    ] {
        assert!(
            amount(wrong).is_err(),
            "{wrong:?} was read as {:?}",
            amount(wrong)
        );
    }
    assert!(amount("1,234.5").unwrap_err().contains("two ways"));
    assert!(amount("1.234,567")
        .unwrap_err()
        .contains("more than 2 decimals"));
    assert!(amount("0.500")
        .unwrap_err()
        .contains("more than 2 decimals"));
}

#[test]
fn cells_are_put_in_the_contracts_spelling() {
    assert_eq!(
        normalise_cell(ValueKind::Date, "3-11-2026").unwrap(),
        "2026-11-03"
    );
    assert_eq!(
        normalise_cell(ValueKind::Date, "2026-11-03").unwrap(),
        "2026-11-03"
    );
    assert!(normalise_cell(ValueKind::Date, "31-11-2026").is_err());
    assert_eq!(normalise_cell(ValueKind::Bool, "WAAR").unwrap(), "true");
    assert_eq!(normalise_cell(ValueKind::Bool, "onwaar").unwrap(), "false");
    assert_eq!(normalise_cell(ValueKind::Bool, "maybe").unwrap(), "maybe");
    assert_eq!(normalise_cell(ValueKind::Money, "24.500").unwrap(), "24500");
    assert_eq!(normalise_cell(ValueKind::Text, "24.500").unwrap(), "24.500");
    assert_eq!(normalise_cell(ValueKind::Integer, "3").unwrap(), "3");
}

#[test]
fn template_examples_read_in_the_dialect() {
    for c in COLUMNS {
        assert!(normalise_cell(c.kind, c.example).is_ok(), "{}", c.field);
    }
}

#[test]
fn warnings_at_their_boundaries() {
    let fields = |rent: &str, size: u8, income: &str| -> Vec<&'static str> {
        figure_warnings(dec(rent), size, dec(income))
            .into_iter()
            .map(|w| w.field)
            .collect()
    };
    assert!(fields("745", 2, "28500").is_empty());
    assert!(fields("100", 12, "5000").is_empty());
    assert!(fields("2500", 1, "5000").is_empty());
    assert_eq!(fields("99.99", 2, "28500"), ["rent"]);
    assert_eq!(fields("2500.01", 2, "28500"), ["rent"]);
    assert_eq!(fields("745", 13, "28500"), ["household_size"]);
    assert_eq!(fields("745", 2, "4999.99"), ["household_income"]);
    assert_eq!(
        fields("24.50", 13, "24.50"),
        ["rent", "household_size", "household_income"]
    );
}
