use super::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn record(reference: &str) -> CanonicalRecord {
    CanonicalRecord {
        reference: reference.into(),
        municipality: "GM0629".into(),
        contract_start: day(2026, 3, 2),
        rent_cents: 74_500,
        household_size: 2,
        household_income_cents: 2_850_000,
        pension_age: false,
        route: "regular".into(),
        urgency: Some("status_holder".into()),
        excluded_reason: None,
        passend_exception: false,
        allocation_date: day(2026, 2, 20),
        status_holder: true,
    }
}

fn odd_record() -> CanonicalRecord {
    CanonicalRecord {
        reference: "DWB-10".into(),
        contract_start: day(2026, 3, 31),
        rent_cents: 123_405,
        household_size: 1,
        household_income_cents: 0,
        pension_age: true,
        route: "local_priority".into(),
        urgency: None,
        excluded_reason: Some("tijdelijk;contract\nzie \\ notitie".into()),
        passend_exception: true,
        allocation_date: day(2026, 3, 31),
        status_holder: false,
        ..record("x")
    }
}

#[test]
fn a_canonical_line_has_every_field_in_order() {
    assert_eq!(
        canonical_line(&record("DWB-2")),
        "DWB-2;GM0629;2026-03-02;745.00;2;28500.00;false;regular;status_holder;;false;2026-02-20;true\n"
    );
    // Separators, line ends and backslashes in text are escaped; cents always two digits.
    assert_eq!(
        canonical_line(&odd_record()),
        "DWB-10;GM0629;2026-03-31;1234.05;1;0.00;true;local_priority;;tijdelijk\\;contract\\nzie \\\\ notitie;true;2026-03-31;false\n"
    );
    assert_eq!(CANONICAL_FIELDS.len(), 13);
}

#[test]
fn the_digest_hashes_the_lines_in_byte_order_of_reference() {
    // Computed apart from this code (Python's hashlib over the two lines above, DWB-10 first).
    let expected = "45dd22f0a6bfb25ac6d40830249df353844d8575e590cb824e5366ed5fb86a8b";
    let one = month_digest(vec![record("DWB-2"), odd_record()]);
    let other = month_digest(vec![odd_record(), record("DWB-2")]);
    assert_eq!(one.digest, expected);
    assert_eq!(other, one);
    assert_eq!(one.lettings, 2);
}

#[test]
fn an_empty_month_has_the_digest_of_nothing() {
    let empty = month_digest(Vec::new());
    assert_eq!(empty.lettings, 0);
    assert_eq!(
        empty.digest,
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
}

#[test]
fn any_change_to_a_record_changes_the_digest() {
    let base = month_digest(vec![record("DWB-2")]).digest;
    let mut changed = record("DWB-2");
    changed.household_income_cents += 1;
    assert_ne!(month_digest(vec![changed]).digest, base);
    let mut changed = record("DWB-2");
    changed.excluded_reason = Some(String::new());
    // An empty reason cannot be stored (it is absent), and writes as absent.
    assert_eq!(month_digest(vec![changed]).digest, base);
}

#[test]
fn months_parse_as_yyyy_mm() {
    assert_eq!(
        "2026-03".parse(),
        Ok(Month {
            year: 2026,
            month: 3
        })
    );
    assert_eq!(
        Month {
            year: 2026,
            month: 3
        }
        .to_string(),
        "2026-03"
    );
    assert_eq!(
        Month {
            year: 2026,
            month: 3
        }
        .key(),
        202603
    );
    assert_eq!(Month::from_key(202612), Month::new(2026, 12));
    for wrong in [
        "2026-3", "2026-13", "2026-00", "26-03", "2026", "2026-Q1", "0999-01", " 2026-03",
    ] {
        assert!(wrong.parse::<Month>().is_err(), "{wrong:?}");
    }
}

#[test]
fn a_month_has_ended_on_the_first_day_of_the_next() {
    let march = Month::new(2026, 3).unwrap();
    assert!(!march.has_ended(day(2026, 3, 31)));
    assert!(march.has_ended(day(2026, 4, 1)));
    assert!(!march.is_future(day(2026, 3, 1)));
    assert!(march.is_future(day(2026, 2, 28)));
    let december = Month::new(2026, 12).unwrap();
    assert!(!december.has_ended(day(2026, 12, 31)));
    assert!(december.has_ended(day(2027, 1, 1)));
}

/// Wassenaar: the data of 2026 is late from 1 March 2027.
const DEADLINE_2026: (i32, u32, u32) = (2027, 3, 1);

fn state(month: u32, today: NaiveDate, declared: Option<bool>) -> MonthState {
    let (y, m, d) = DEADLINE_2026;
    month_state(
        Month::new(2026, month).unwrap(),
        today,
        day(y, m, d),
        declared,
    )
}

#[test]
fn undeclared_is_missing_the_day_before_the_deadline_and_late_on_it() {
    assert_eq!(state(1, day(2027, 2, 28), None), MonthState::Missing);
    assert_eq!(state(12, day(2027, 2, 28), None), MonthState::Missing);
    assert_eq!(state(1, day(2027, 3, 1), None), MonthState::Late);
    assert_eq!(state(12, day(2027, 3, 1), None), MonthState::Late);
    assert_eq!(state(12, day(2031, 1, 1), None), MonthState::Late);
}

#[test]
fn a_month_not_yet_ended_is_future_and_an_ended_one_of_this_year_missing() {
    let today = day(2026, 11, 28);
    assert_eq!(state(11, today, None), MonthState::Future);
    assert_eq!(state(12, today, None), MonthState::Future);
    assert_eq!(state(10, today, None), MonthState::Missing);
    assert_eq!(state(1, today, None), MonthState::Missing);
    // The last day of a month it is still running; the next day it is missing.
    assert_eq!(state(10, day(2026, 10, 31), None), MonthState::Future);
    assert_eq!(state(10, day(2026, 11, 1), None), MonthState::Missing);
}

#[test]
fn a_declaration_decides_before_dates_do() {
    for today in [day(2026, 11, 28), day(2027, 2, 28), day(2027, 3, 1)] {
        assert_eq!(state(11, today, Some(true)), MonthState::Declared);
        assert_eq!(state(3, today, Some(true)), MonthState::Declared);
        assert_eq!(state(3, today, Some(false)), MonthState::Stale);
    }
    assert!(MonthState::Declared.is_complete());
    for other in [
        MonthState::Stale,
        MonthState::Missing,
        MonthState::Late,
        MonthState::Future,
    ] {
        assert!(!other.is_complete());
    }
}
