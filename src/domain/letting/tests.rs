use super::*;
use crate::domain::agreement::AgreementBook;
use crate::domain::norms::NormsTable;

fn norms() -> NormsTable {
    NormsTable::from_toml(include_str!("../../../config/norms.toml")).unwrap()
}

fn agreements() -> AgreementBook {
    AgreementBook::from_files([(
        "GM0629.toml".to_string(),
        include_str!("../../../config/agreements/GM0629.toml"),
    )])
    .unwrap()
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn letting(contract_start: &str, rent: &str, size: u8, income: &str) -> LettingInput {
    LettingInput {
        reference: "L-1".into(),
        municipality: "GM0629".into(),
        contract_start: contract_start.parse().unwrap(),
        rent: d(rent),
        household_size: size,
        household_income: d(income),
        pension_age: false,
        route: Route::Regular,
        urgency: None,
        excluded_reason: None,
        passend_exception: false,
        allocation_date: contract_start.parse().unwrap(),
        status_holder: false,
    }
}

/// Classifies with the norms of the letting's allocation year, as ingest does.
fn classify_by_year(l: &LettingInput) -> Classification {
    let table = norms();
    classify(l, table.applicable(l.allocation_date.year()).unwrap())
}

#[test]
fn rent_exactly_on_the_high_cap_is_within_it_one_cent_more_is_not() {
    let on = classify_by_year(&letting("2026-03-01", "764.14", 3, "30000"));
    assert!(on.within_rent_cap);
    assert_eq!(on.rent_class, RentClass::UpToRentCapHigh);
    let above = classify_by_year(&letting("2026-03-01", "764.15", 3, "30000"));
    assert!(!above.within_rent_cap);
    assert_eq!(above.rent_class, RentClass::UpToSocialRentLimit);
}

#[test]
fn rent_exactly_on_the_social_rent_limit_is_social_one_cent_more_is_not() {
    let on = classify_by_year(&letting("2026-03-01", "932.93", 2, "30000"));
    assert!(on.is_social && on.is_counted);
    let above = classify_by_year(&letting("2026-03-01", "932.94", 2, "30000"));
    assert!(!above.is_social);
    assert!(!above.is_counted);
    assert!(!above.in_passend_denominator);
    assert_eq!(above.rent_class, RentClass::NonSocial);
}

#[test]
fn rent_classes_follow_each_boundary() {
    let class = |rent: &str| classify_by_year(&letting("2026-05-01", rent, 1, "20000")).rent_class;
    assert_eq!(class("498.20"), RentClass::UpToQualityDiscountLimit);
    assert_eq!(class("498.21"), RentClass::UpToRentCapLow);
    assert_eq!(class("713.02"), RentClass::UpToRentCapLow);
    assert_eq!(class("713.03"), RentClass::UpToRentCapHigh);
}

#[test]
fn income_exactly_on_the_daeb_limit_is_not_above_it() {
    assert!(!classify_by_year(&letting("2026-03-01", "700", 1, "51537")).income_above_limit);
    assert!(classify_by_year(&letting("2026-03-01", "700", 1, "51537.01")).income_above_limit);
    assert!(!classify_by_year(&letting("2026-03-01", "700", 2, "56910")).income_above_limit);
    assert!(classify_by_year(&letting("2026-03-01", "700", 2, "56910.01")).income_above_limit);
}

#[test]
fn one_person_and_two_persons_have_different_income_limits() {
    // 52000 is above the single limit (51537) but below the multi limit (56910).
    assert!(classify_by_year(&letting("2026-03-01", "700", 1, "52000")).income_above_limit);
    assert!(!classify_by_year(&letting("2026-03-01", "700", 2, "52000")).income_above_limit);
}

#[test]
fn passend_rent_cap_is_low_for_two_persons_and_high_for_three() {
    let two_on = classify_by_year(&letting("2026-03-01", "713.02", 2, "30000"));
    assert!(two_on.in_passend_denominator && two_on.passend_compliant);
    let two_above = classify_by_year(&letting("2026-03-01", "713.03", 2, "30000"));
    assert!(two_above.in_passend_denominator && !two_above.passend_compliant);
    let three = classify_by_year(&letting("2026-03-01", "764.14", 3, "30000"));
    assert!(three.in_passend_denominator && three.passend_compliant);
}

#[test]
fn passend_income_limit_exactly_on_it_is_in_the_denominator() {
    assert!(classify_by_year(&letting("2026-03-01", "600", 1, "29400")).in_passend_denominator);
    assert!(!classify_by_year(&letting("2026-03-01", "600", 1, "29400.01")).in_passend_denominator);
    assert!(classify_by_year(&letting("2026-03-01", "600", 4, "39925")).in_passend_denominator);
    assert!(!classify_by_year(&letting("2026-03-01", "600", 4, "39925.01")).in_passend_denominator);
}

#[test]
fn pension_age_lowers_the_passend_income_limit() {
    let mut l = letting("2026-03-01", "600", 1, "29000");
    assert!(classify_by_year(&l).in_passend_denominator);
    l.pension_age = true; // limit 28775
    assert!(!classify_by_year(&l).in_passend_denominator);
    l.household_income = d("28775");
    assert!(classify_by_year(&l).in_passend_denominator);
    let mut couple = letting("2026-03-01", "600", 2, "38650");
    couple.pension_age = true;
    assert!(classify_by_year(&couple).in_passend_denominator);
    couple.household_income = d("38650.01");
    assert!(!classify_by_year(&couple).in_passend_denominator);
}

#[test]
fn passend_exception_and_exclusion_leave_the_denominator() {
    let mut l = letting("2026-03-01", "800", 2, "20000");
    l.passend_exception = true;
    let c = classify_by_year(&l);
    assert!(c.is_counted && !c.in_passend_denominator && !c.passend_compliant);
    let mut excluded = letting("2026-03-01", "600", 2, "20000");
    excluded.excluded_reason = Some("wisselwoning".into());
    let c = classify_by_year(&excluded);
    assert!(c.is_social && !c.is_counted && !c.in_passend_denominator);
}

#[test]
fn thirty_one_december_and_one_january_use_their_own_years_norms() {
    // 740 is above the 2025 high cap (731.93) and below the 2026 one (764.14).
    let dec = classify_by_year(&letting("2025-12-31", "740.00", 3, "30000"));
    let jan = classify_by_year(&letting("2026-01-01", "740.00", 3, "30000"));
    assert_eq!(dec.norms_year, 2025);
    assert_eq!(jan.norms_year, 2026);
    assert!(!dec.within_rent_cap);
    assert!(jan.within_rent_cap);
    // 50000 for one person: above the 2025 DAEB limit (49669), not the 2026 one (51537).
    assert!(classify_by_year(&letting("2025-12-31", "700", 1, "50000")).income_above_limit);
    assert!(!classify_by_year(&letting("2026-01-01", "700", 1, "50000")).income_above_limit);
}

#[test]
fn allocated_on_31_december_starting_on_2_january_takes_the_allocation_years_norms() {
    // The example of the domain reference: one person with 50000, allocated in December 2025
    // under the 2025 DAEB limit (49669), contract from 2 January 2026 (2026 limit: 51537).
    let mut l = letting("2026-01-02", "700", 1, "50000");
    l.allocation_date = "2025-12-31".parse().unwrap();
    let c = classify_by_year(&l);
    assert_eq!((c.norms_year, c.norms_provisional), (2025, false));
    assert!(c.income_above_limit, "above the 2025 limit");
    // 740 is above the 2025 high cap (731.93), below the 2026 one.
    l.rent = d("740.00");
    assert!(!classify_by_year(&l).within_rent_cap);
    l.allocation_date = "2026-01-01".parse().unwrap();
    let c = classify_by_year(&l);
    assert_eq!(c.norms_year, 2026);
    assert!(c.within_rent_cap && !c.income_above_limit);
}

#[test]
fn a_letting_allocated_in_a_year_without_norms_is_classified_provisionally() {
    let l = letting("2027-01-04", "740.00", 3, "30000");
    let c = classify_by_year(&l);
    assert_eq!((c.norms_year, c.norms_provisional), (2026, true));
    assert!(c.within_rent_cap, "judged on the 2026 high cap meanwhile");
}

// --- validation ---------------------------------------------------------------------------

fn registered() -> BTreeSet<String> {
    ["GM0629".to_string()].into()
}

fn check(raw: &RawLetting, decimal_comma: bool) -> Result<LettingInput, Vec<FieldProblem>> {
    let (n, a, r) = (norms(), agreements(), registered());
    let ctx = ValidationContext {
        norms: &n,
        agreements: &a,
        registered_municipalities: &r,
        today: "2026-11-27".parse().unwrap(),
        decimal_comma,
    };
    validate(raw, &ctx)
}

fn raw(fields: &[(&str, RawValue)]) -> RawLetting {
    let mut raw = RawLetting::default();
    for (name, value) in fields {
        raw.set(name, value.clone());
    }
    raw
}

fn text(s: &str) -> RawValue {
    RawValue::Text(s.into())
}

fn num(s: &str) -> RawValue {
    RawValue::Number(s.into())
}

fn valid_raw() -> RawLetting {
    raw(&[
        ("reference", text("WBS-2026/0001")),
        ("municipality", text("GM0629")),
        ("contract_start", text("2026-03-01")),
        ("rent", num("713.02")),
        ("household_size", num("2")),
        ("household_income", num("31000")),
    ])
}

fn fields_of(problems: &[FieldProblem]) -> Vec<&str> {
    problems.iter().filter_map(|p| p.field.as_deref()).collect()
}

#[test]
fn a_minimal_record_gets_the_defaults() {
    let l = check(&valid_raw(), false).unwrap();
    assert_eq!(l.route, Route::Regular);
    assert!(!l.pension_age && !l.passend_exception);
    assert_eq!(l.urgency, None);
    assert_eq!(l.rent, d("713.02"));
}

#[test]
fn every_problem_of_a_record_is_reported_at_once() {
    let bad = raw(&[
        ("reference", text("bad ref!")),
        ("municipality", text("0629")),
        ("contract_start", text("01-03-2026")),
        ("rent", num("0")),
        ("household_size", num("21")),
        ("household_income", num("-1")),
        ("route", text("lottery")),
        ("urgency", text("vip")),
        ("pension_age", text("yes")),
        ("colour", text("blue")),
    ]);
    let problems = check(&bad, false).unwrap_err();
    let fields = fields_of(&problems);
    for f in [
        "colour",
        "reference",
        "municipality",
        "contract_start",
        "rent",
        "household_size",
        "household_income",
        "pension_age",
        "route",
        "urgency",
    ] {
        assert!(fields.contains(&f), "no problem for {f}: {problems:?}");
    }
}

#[test]
fn missing_required_fields_are_named() {
    let problems = check(&RawLetting::default(), false).unwrap_err();
    assert_eq!(fields_of(&problems), REQUIRED_FIELDS.to_vec());
    assert!(problems.iter().all(|p| p.message.ends_with("is required")));
}

#[test]
fn a_year_before_the_earliest_norms_is_refused_naming_the_year() {
    let mut r = valid_raw();
    r.set("contract_start", text("2023-12-31"));
    let problems = check(&r, false).unwrap_err();
    assert_eq!(fields_of(&problems), ["contract_start"]);
    assert!(
        problems[0].message.contains("2023"),
        "{}",
        problems[0].message
    );
    r.set("contract_start", text("2024-01-02"));
    r.set("allocation_date", text("2023-12-28"));
    let problems = check(&r, false).unwrap_err();
    assert_eq!(fields_of(&problems), ["allocation_date"]);
}

#[test]
fn a_year_after_the_latest_norms_is_accepted() {
    let mut r = valid_raw();
    r.set("contract_start", text("2027-01-04"));
    let letting = check(&r, false).unwrap();
    assert_eq!(letting.allocation_date, letting.contract_start);
}

#[test]
fn the_allocation_date_is_at_or_before_the_start_and_at_most_a_year_before_it() {
    let mut r = valid_raw();
    r.set("contract_start", text("2026-03-01"));
    r.set("allocation_date", text("2026-03-01"));
    assert!(check(&r, false).is_ok());
    r.set("allocation_date", text("2026-03-02"));
    let problems = check(&r, false).unwrap_err();
    assert_eq!(fields_of(&problems), ["allocation_date"]);
    assert!(problems[0].message.contains("after contract_start"));
    r.set("allocation_date", text("2025-03-01"));
    assert_eq!(
        check(&r, false).unwrap().allocation_date,
        "2025-03-01".parse::<chrono::NaiveDate>().unwrap()
    );
    r.set("allocation_date", text("2025-02-28"));
    let problems = check(&r, false).unwrap_err();
    assert!(problems[0].message.contains("more than a year before"));
    r.set("allocation_date", text("1-3-2026x"));
    assert_eq!(
        fields_of(&check(&r, false).unwrap_err()),
        ["allocation_date"]
    );
}

#[test]
fn status_holder_follows_the_urgency_unless_given() {
    let mut r = valid_raw();
    assert!(!check(&r, false).unwrap().status_holder);
    r.set("urgency", text("status_holder"));
    assert!(check(&r, false).unwrap().status_holder);
    r.set("status_holder", RawValue::Bool(false));
    assert!(!check(&r, false).unwrap().status_holder);
    r.set("urgency", text("medical"));
    r.set("status_holder", RawValue::Bool(true));
    assert!(check(&r, false).unwrap().status_holder);
    r.set("status_holder", text("perhaps"));
    assert_eq!(fields_of(&check(&r, false).unwrap_err()), ["status_holder"]);
}

#[test]
fn a_contract_may_start_at_most_92_days_ahead() {
    let mut r = valid_raw();
    r.set("contract_start", text("2026-12-31"));
    assert!(check(&r, false).is_ok());
    let table = norms();
    let a = agreements();
    let reg = registered();
    let ctx = ValidationContext {
        norms: &table,
        agreements: &a,
        registered_municipalities: &reg,
        today: "2026-01-01".parse().unwrap(),
        decimal_comma: false,
    };
    r.set("contract_start", text("2026-04-03")); // 92 days after 1 January
    assert!(validate(&r, &ctx).is_ok());
    r.set("contract_start", text("2026-04-04"));
    let problems = validate(&r, &ctx).unwrap_err();
    assert!(problems[0].message.contains("92 days"));
}

#[test]
fn amounts_have_at_most_two_decimals_and_stay_exact() {
    let mut r = valid_raw();
    r.set("rent", num("713.025"));
    assert_eq!(fields_of(&check(&r, false).unwrap_err()), ["rent"]);
    r.set("rent", text("713.020"));
    assert_eq!(check(&r, false).unwrap().rent, d("713.02"));
    r.set("rent", num("9999.99"));
    assert!(check(&r, false).is_ok());
    r.set("rent", num("10000"));
    assert!(check(&r, false).is_err());
    r.set("household_income", num("0"));
    r.set("rent", num("0.01"));
    assert!(check(&r, false).is_ok());
}

#[test]
fn a_decimal_comma_is_accepted_only_where_dutch_excel_writes_it() {
    let mut r = valid_raw();
    r.set("rent", text("713,02"));
    assert_eq!(check(&r, true).unwrap().rent, d("713.02"));
    let problems = check(&r, false).unwrap_err();
    assert!(
        problems[0].message.contains("decimal point"),
        "{}",
        problems[0].message
    );
    r.set("rent", text("1.713,02"));
    assert!(check(&r, true).is_err());
}

#[test]
fn an_unregistered_municipality_is_refused() {
    let mut r = valid_raw();
    r.set("municipality", text("GM0363"));
    let problems = check(&r, false).unwrap_err();
    assert!(problems[0].message.contains("not registered"));
}

#[test]
fn urgency_must_be_a_category_of_the_agreement() {
    let mut r = valid_raw();
    r.set("urgency", text("status_holder"));
    assert_eq!(
        check(&r, false).unwrap().urgency.as_deref(),
        Some("status_holder")
    );
    r.set("urgency", RawValue::Null);
    assert_eq!(check(&r, false).unwrap().urgency, None);
    r.set("urgency", text("Medical"));
    assert!(check(&r, false).is_err());
}

#[test]
fn references_allow_only_the_contract_characters() {
    let reference = |r: &str| check_reference(&raw(&[("reference", text(r))]));
    assert_eq!(reference("WBS-2026/0001_a.b").unwrap(), "WBS-2026/0001_a.b");
    assert!(reference(&"x".repeat(64)).is_ok());
    assert!(reference(&"x".repeat(65)).is_err());
    assert!(reference("").is_err());
    assert!(reference("a b").is_err());
    assert!(reference("é").is_err());
}

#[test]
fn booleans_in_text_accept_true_false_one_zero_in_any_case() {
    let mut r = valid_raw();
    for (t, expected) in [("TRUE", true), ("False", false), ("1", true), ("0", false)] {
        r.set("pension_age", text(t));
        assert_eq!(check(&r, false).unwrap().pension_age, expected, "{t}");
    }
}

#[test]
fn household_size_must_be_whole() {
    let mut r = valid_raw();
    r.set("household_size", num("2.5"));
    assert!(check(&r, false).is_err());
    r.set("household_size", num("0"));
    assert!(check(&r, false).is_err());
    r.set("household_size", num("20"));
    assert!(check(&r, false).is_ok());
}
