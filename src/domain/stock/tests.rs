use chrono::NaiveDate;

use super::*;
use crate::domain::agreement::StockAgreement;
use crate::domain::letting::RawValue;
use crate::domain::upload::UploadRecord;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn rules() -> StockRules {
    // 2026: huurgrens DAEB-toewijzing 932.93.
    StockAgreement::default().rules(rust_decimal::Decimal::new(93293, 2))
}

fn home(code: &str) -> Unit {
    Unit {
        code: code.into(),
        municipality: "GM0629".into(),
        kind: UnitKind::Dwelling,
        status: UnitStatus::Let,
        daeb: DaebLabel::Daeb,
        wws_points: Some(140),
        target_rent_cents: Some(71_250),
        energy_label: Some(EnergyLabel::B),
        label_method: Some(LabelMethod::Nta8800),
        label_date: Some(day(2022, 3, 14)),
        condition_score: Some(2),
        in_service_date: Some(day(1978, 6, 1)),
        in_service_reason: Some(InServiceReason::NewBuild),
        out_of_service_date: None,
        out_of_service_reason: None,
        planned_exit_date: None,
    }
}

fn raw(pairs: &[(&str, &str)]) -> RawUnit {
    let mut raw = RawUnit::default();
    for (k, v) in pairs {
        raw.set(k, RawValue::Text((*v).into()));
    }
    raw
}

fn ctx() -> UnitContext<'static> {
    UnitContext {
        municipality: "GM0629",
        reference_date: day(2026, 1, 1),
        decimal_comma: false,
    }
}

#[test]
fn a_vera_row_reads_as_a_unit() {
    let unit = validate_unit(
        &raw(&[
            ("unit", "VHE-1"),
            ("status", "veh"),
            ("daeb", "DAE"),
            ("wws_points", "140"),
            ("target_rent", "712.50"),
            ("energy_label", "A++"),
            ("label_date", "2022-03-14"),
            ("condition_score", "2"),
        ]),
        &ctx(),
    )
    .unwrap();
    assert_eq!(unit.status, UnitStatus::Let);
    assert_eq!(unit.energy_label, Some(EnergyLabel::APlus2));
    assert_eq!(unit.target_rent_cents, Some(71_250));
    assert_eq!(unit.kind, UnitKind::Dwelling);
    assert_eq!(unit.municipality, "GM0629");
}

#[test]
fn every_problem_of_a_row_is_listed() {
    let problems = validate_unit(
        &raw(&[
            ("status", "UIT"),
            ("daeb", "sociaal"),
            ("energy_label", "H"),
            ("condition_score", "7"),
            ("household_income", "20000"),
            ("municipality", "GM0363"),
        ]),
        &ctx(),
    )
    .unwrap_err();
    let fields: Vec<_> = problems.iter().filter_map(|p| p.field.as_deref()).collect();
    for field in [
        "household_income",
        "unit",
        "municipality",
        "daeb",
        "energy_label",
        "condition_score",
        "out_of_service_reason",
        "out_of_service_date",
    ] {
        assert!(fields.contains(&field), "{field} missing in {fields:?}");
    }
}

#[test]
fn a_home_in_service_needs_points_and_target_rent_and_a_label_its_date() {
    let problems = validate_unit(
        &raw(&[
            ("unit", "V"),
            ("status", "LEE"),
            ("daeb", "NDA"),
            ("energy_label", "C"),
        ]),
        &ctx(),
    )
    .unwrap_err();
    let fields: Vec<_> = problems.iter().filter_map(|p| p.field.as_deref()).collect();
    assert_eq!(fields, ["wws_points", "target_rent", "label_date"]);
    // A parking space needs neither.
    assert!(validate_unit(
        &raw(&[
            ("unit", "P"),
            ("status", "VEH"),
            ("daeb", "NDA"),
            ("unit_type", "PAR")
        ]),
        &ctx()
    )
    .is_ok());
}

#[test]
fn no_date_after_the_reference_date() {
    let problems = validate_unit(
        &raw(&[
            ("unit", "V"),
            ("status", "ONT"),
            ("daeb", "DAE"),
            ("in_service_date", "2026-01-02"),
        ]),
        &ctx(),
    )
    .unwrap_err();
    assert_eq!(problems[0].field.as_deref(), Some("in_service_date"));
    assert!(validate_unit(
        &raw(&[
            ("unit", "V"),
            ("status", "ONT"),
            ("daeb", "DAE"),
            ("in_service_date", "2026-01-01"),
        ]),
        &ctx()
    )
    .is_ok());
}

#[test]
fn the_social_stock_is_daeb_at_or_below_the_limit_by_default() {
    let r = rules();
    let mut at_limit = home("A");
    at_limit.target_rent_cents = Some(93_293);
    let mut above = home("B");
    above.target_rent_cents = Some(93_294);
    above.wws_points = Some(180);
    let mut non_daeb = home("C");
    non_daeb.daeb = DaebLabel::NonDaeb;
    non_daeb.wws_points = Some(200);
    let mut vacant = home("D");
    vacant.status = UnitStatus::Vacant;
    let mut sold = home("E");
    sold.status = UnitStatus::OutOfService;
    assert!(r.is_social(&at_limit));
    assert!(!r.is_social(&above));
    assert!(r.is_middenhuur(&above));
    assert!(!r.is_social(&non_daeb) && !r.is_middenhuur(&non_daeb));
    assert!(r.is_social(&vacant));
    assert!(!r.is_social(&sold));
    let f = stock_figures(
        &[at_limit, above, non_daeb, vacant, sold],
        &r,
        day(2026, 1, 1),
    );
    assert_eq!(
        (f.units, f.homes, f.social, f.middenhuur, f.other_homes),
        (5, 4, 2, 1, 1)
    );
    assert_eq!(f.labels.get("B"), Some(&4));
}

#[test]
fn a_label_expires_exactly_ten_years_after_its_registration() {
    let registered = day(2016, 3, 14);
    assert_eq!(label_expiry(registered, 10), day(2026, 3, 14));
    // The day before its expiry it is valid, and expiring within 12 months.
    assert_eq!(
        LabelValidity::on(registered, 10, day(2026, 3, 13), 12),
        LabelValidity::Expiring
    );
    assert_eq!(
        LabelValidity::on(registered, 10, day(2026, 3, 14), 12),
        LabelValidity::Expired
    );
    // Expiring exactly 12 months after the day is within the window; a day later is not.
    assert_eq!(
        LabelValidity::on(registered, 10, day(2025, 3, 14), 12),
        LabelValidity::Expiring
    );
    assert_eq!(
        LabelValidity::on(registered, 10, day(2025, 3, 13), 12),
        LabelValidity::Valid
    );
    // 29 February: expires on 28 February ten years on.
    assert_eq!(label_expiry(day(2016, 2, 29), 10), day(2026, 2, 28));

    let mut unit = home("A");
    unit.label_date = Some(registered);
    let on = |d| stock_figures([&unit], &rules(), d);
    assert_eq!(
        (
            on(day(2026, 3, 13)).labels_expiring,
            on(day(2026, 3, 13)).labels_expired
        ),
        (1, 0)
    );
    assert_eq!(
        (
            on(day(2026, 3, 14)).labels_expiring,
            on(day(2026, 3, 14)).labels_expired
        ),
        (0, 1)
    );
}

#[test]
fn the_efg_path_reaches_zero_on_its_deadline() {
    let start = day(2026, 1, 1);
    let deadline = day(2029, 1, 1);
    assert_eq!(efg_allowed(30, start, start, deadline), 30);
    assert_eq!(efg_allowed(30, start, day(2025, 6, 1), deadline), 30);
    // The day before the deadline one home may be left; on the deadline none.
    assert_eq!(efg_allowed(30, start, day(2028, 12, 31), deadline), 1);
    assert_eq!(efg_allowed(30, start, deadline, deadline), 0);
    assert_eq!(efg_allowed(30, start, day(2030, 1, 1), deadline), 0);
    // Half way (548 of 1096 days left): exactly half.
    assert_eq!(efg_allowed(30, start, day(2027, 7, 3), deadline), 15);
    // One day past half way: 14.97 rounded up.
    assert_eq!(efg_allowed(30, start, day(2027, 7, 4), deadline), 15);
    assert_eq!(efg_allowed(0, start, day(2027, 7, 4), deadline), 0);
}

#[test]
fn an_efg_home_with_a_planned_exit_is_off_the_path() {
    let r = rules();
    let mut g = home("G");
    g.energy_label = Some(EnergyLabel::G);
    let mut leaving = g.clone();
    leaving.code = "G2".into();
    leaving.planned_exit_date = Some(day(2029, 12, 31));
    let mut later = g.clone();
    later.code = "G3".into();
    later.planned_exit_date = Some(day(2030, 1, 1));
    let mut not_social = g.clone();
    not_social.code = "G4".into();
    not_social.daeb = DaebLabel::NonDaeb;
    let f = stock_figures(&[g, leaving, later, not_social], &r, day(2026, 1, 1));
    assert_eq!((f.efg, f.efg_planned_exit), (2, 1));
}

#[test]
fn condition_five_or_six_counts_every_home_in_service() {
    let mut five = home("5");
    five.condition_score = Some(5);
    let mut six = home("6");
    six.condition_score = Some(6);
    six.daeb = DaebLabel::NonDaeb;
    let mut four = home("4");
    four.condition_score = Some(4);
    let f = stock_figures(&[five, six, four], &rules(), day(2026, 1, 1));
    assert_eq!(f.condition_5_or_6, 2);
}

fn side<'a>(units: &'a [Unit], date: NaiveDate, rules: &'static StockRules) -> Side<'a> {
    Side { units, date, rules }
}

fn static_rules() -> &'static StockRules {
    Box::leak(Box::new(rules()))
}

#[test]
fn a_sale_a_demolition_and_a_new_build_are_exactly_those_changes() {
    let r = static_rules();
    let before = vec![home("A"), home("B"), home("C"), home("D")];
    let mut sold = home("B");
    sold.status = UnitStatus::OutOfService;
    sold.out_of_service_reason = Some(OutOfServiceReason::SaleToTenant);
    sold.out_of_service_date = Some(day(2026, 5, 1));
    let mut demolished = home("C");
    demolished.status = UnitStatus::OutOfService;
    demolished.out_of_service_reason = Some(OutOfServiceReason::Demolition);
    demolished.out_of_service_date = Some(day(2026, 9, 1));
    let mut new = home("N");
    new.in_service_date = Some(day(2026, 11, 1));
    new.in_service_reason = Some(InServiceReason::NewBuild);
    let after = vec![home("A"), sold, demolished, home("D"), new];
    let c = stock_changes(
        side(&before, day(2026, 1, 1), r),
        side(&after, day(2027, 1, 1), r),
    );
    assert_eq!((c.begin, c.end), (4, 3));
    assert_eq!(
        c.additions.into_iter().collect::<Vec<_>>(),
        [(ChangeCause::NewBuild, 1)]
    );
    assert_eq!(
        c.removals.into_iter().collect::<Vec<_>>(),
        [(ChangeCause::Sale, 1), (ChangeCause::Demolition, 1)]
    );
    assert_eq!(c.correction, 0);
    assert_eq!(c.units.len(), 3);
}

#[test]
fn what_the_snapshots_do_not_explain_is_a_correction_line() {
    let r = static_rules();
    let before = vec![home("A"), home("B")];
    // B is missing without an exit; X appears with an in-service date before the period.
    let after = vec![home("A"), home("X"), home("Y")];
    let c = stock_changes(
        side(&before, day(2026, 1, 1), r),
        side(&after, day(2027, 1, 1), r),
    );
    assert_eq!((c.begin, c.end), (2, 3));
    assert_eq!(c.added() + c.removed(), 0);
    assert_eq!((c.unexplained_additions, c.unexplained_removals), (2, 1));
    assert_eq!(c.correction, 1);
    assert_eq!(
        i128::from(c.begin) + i128::from(c.added()) - i128::from(c.removed())
            + i128::from(c.correction),
        i128::from(c.end)
    );
}

#[test]
fn a_change_dated_on_the_first_reference_date_is_not_in_the_period() {
    let r = static_rules();
    let mut on_start = home("N");
    on_start.in_service_date = Some(day(2026, 1, 1));
    let mut on_end = home("M");
    on_end.in_service_date = Some(day(2027, 1, 1));
    let c = stock_changes(
        side(&[], day(2026, 1, 1), r),
        side(&[on_start, on_end], day(2027, 1, 1), r),
    );
    assert_eq!(c.additions.get(&ChangeCause::NewBuild), Some(&1));
    assert_eq!(c.unexplained_additions, 1);
}

#[test]
fn liberalisation_and_reclassification_keep_the_unit_in_service() {
    let r = static_rules();
    let mut dear = home("A");
    dear.target_rent_cents = Some(95_000);
    let mut cheap = home("B");
    cheap.daeb = DaebLabel::NonDaeb;
    let mut now_daeb = cheap.clone();
    now_daeb.daeb = DaebLabel::Daeb;
    let c = stock_changes(
        side(&[home("A"), cheap], day(2026, 1, 1), r),
        side(&[dear, now_daeb], day(2027, 1, 1), r),
    );
    assert_eq!(c.removals.get(&ChangeCause::Liberalisation), Some(&1));
    assert_eq!(c.additions.get(&ChangeCause::Reclassification), Some(&1));
    assert_eq!(c.correction, 0);
}
