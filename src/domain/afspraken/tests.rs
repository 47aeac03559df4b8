use super::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn update(status: ProgressStatus, on: NaiveDate) -> UpdateFact {
    UpdateFact { status, on }
}

const Q2_2026: Schedule = Schedule::Once {
    due: match NaiveDate::from_ymd_opt(2026, 6, 30) {
        Some(d) => d,
        None => panic!(),
    },
};

#[test]
fn a_one_off_afspraak_not_done_turns_red_the_day_after_its_deadline() {
    let started = [update(ProgressStatus::InProgress, day(2026, 3, 1))];
    assert_eq!(
        planning_light(Q2_2026, &started, day(2026, 6, 30)),
        (Light::Green, LightReason::InProgress)
    );
    assert_eq!(
        planning_light(Q2_2026, &started, day(2026, 7, 1)),
        (Light::Red, LightReason::Overdue)
    );
}

#[test]
fn not_started_turns_orange_sixty_days_before_the_deadline() {
    let due = day(2026, 6, 30);
    assert_eq!(
        planning_light(Q2_2026, &[], due - Duration::days(DUE_SOON_DAYS + 1)),
        (Light::Grey, LightReason::NothingDue)
    );
    assert_eq!(
        planning_light(Q2_2026, &[], due - Duration::days(DUE_SOON_DAYS)),
        (Light::Orange, LightReason::DueSoonNotStarted)
    );
    assert_eq!(
        planning_light(Q2_2026, &[], due),
        (Light::Orange, LightReason::DueSoonNotStarted)
    );
    assert_eq!(
        planning_light(Q2_2026, &[], due + Duration::days(1)),
        (Light::Red, LightReason::Overdue)
    );
}

#[test]
fn done_is_green_even_after_the_deadline_and_an_update_after_the_day_does_not_count_yet() {
    let done_late = [
        update(ProgressStatus::InProgress, day(2026, 1, 10)),
        update(ProgressStatus::Done, day(2026, 8, 1)),
    ];
    assert_eq!(
        planning_light(Q2_2026, &done_late, day(2026, 7, 15)),
        (Light::Red, LightReason::Overdue)
    );
    assert_eq!(
        planning_light(Q2_2026, &done_late, day(2026, 8, 1)),
        (Light::Green, LightReason::Done)
    );
}

#[test]
fn a_delay_reported_is_orange_until_the_deadline_passes() {
    let delayed = [update(ProgressStatus::Delayed, day(2026, 2, 1))];
    assert_eq!(
        planning_light(Q2_2026, &delayed, day(2026, 2, 1)),
        (Light::Orange, LightReason::Delayed)
    );
    assert_eq!(
        planning_light(Q2_2026, &delayed, day(2026, 7, 1)),
        (Light::Red, LightReason::Overdue)
    );
}

#[test]
fn continuous_work_is_never_overdue() {
    let schedule = Schedule::Continuous;
    assert_eq!(
        planning_light(schedule, &[], day(2029, 12, 31)),
        (Light::Grey, LightReason::NothingDue)
    );
    let going = [update(ProgressStatus::InProgress, day(2026, 5, 1))];
    assert_eq!(
        planning_light(schedule, &going, day(2027, 1, 1)),
        (Light::Green, LightReason::InProgress)
    );
}

/// The yearly evaluation "voor 1 april": due 31 March each year.
const BEFORE_1_APRIL: Schedule = Schedule::Yearly {
    month: 3,
    day: 31,
    first_year: 2027,
};

#[test]
fn a_yearly_afspraak_done_this_year_is_green_until_next_year_s_deadline_passes() {
    let done_2027 = [update(ProgressStatus::Done, day(2027, 3, 20))];
    assert_eq!(
        planning_light(BEFORE_1_APRIL, &done_2027, day(2027, 3, 31)),
        (Light::Green, LightReason::Done)
    );
    // The 2027 cycle is met; the 2028 one is due on 31 March 2028.
    assert_eq!(
        current_deadline(BEFORE_1_APRIL, &done_2027, day(2027, 4, 1)),
        Some((day(2028, 3, 31), false))
    );
    assert_eq!(
        planning_light(BEFORE_1_APRIL, &done_2027, day(2027, 12, 1)),
        (Light::Grey, LightReason::NothingDue)
    );
    assert_eq!(
        planning_light(BEFORE_1_APRIL, &done_2027, day(2028, 3, 31)),
        (Light::Orange, LightReason::DueSoonNotStarted)
    );
    assert_eq!(
        planning_light(BEFORE_1_APRIL, &done_2027, day(2028, 4, 1)),
        (Light::Red, LightReason::Overdue)
    );
}

#[test]
fn a_yearly_afspraak_missed_stays_red_until_it_is_done() {
    assert_eq!(
        planning_light(BEFORE_1_APRIL, &[], day(2027, 4, 1)),
        (Light::Red, LightReason::Overdue)
    );
    // Still the 2027 cycle a year later: nothing was done.
    assert_eq!(
        current_deadline(BEFORE_1_APRIL, &[], day(2028, 5, 1)),
        Some((day(2027, 3, 31), false))
    );
    let done_late = [update(ProgressStatus::Done, day(2027, 5, 2))];
    assert_eq!(
        planning_light(BEFORE_1_APRIL, &done_late, day(2027, 5, 2)),
        (Light::Green, LightReason::Done)
    );
}

#[test]
fn a_yearly_deadline_on_29_february_falls_on_28_february_in_other_years() {
    let schedule = Schedule::Yearly {
        month: 2,
        day: 29,
        first_year: 2027,
    };
    assert_eq!(
        current_deadline(schedule, &[], day(2027, 1, 1)),
        Some((day(2027, 2, 28), false))
    );
}

#[test]
fn statuses_and_metrics_read_back_from_their_names() {
    for status in ProgressStatus::ALL {
        assert_eq!(ProgressStatus::parse(status.as_str()), Some(status));
    }
    assert_eq!(ProgressStatus::parse("finished"), None);
    assert_eq!(Metric::from_name("urgent_share"), Some(Metric::UrgentShare));
    assert_eq!(Metric::from_name("urgent"), None);
}

fn org(id: &str, kind: OrgKind) -> Organisation {
    Organisation {
        id: id.into(),
        kind,
        name: id.into(),
        municipalities: ["GM0629".to_string()].into(),
    }
}

#[test]
fn the_municipality_and_the_trekker_post_updates_and_others_do_not() {
    let gm = org("GM0629", OrgKind::Municipality);
    let dwb = org("dwb", OrgKind::Corporation);
    let wil = org("willibrordus", OrgKind::Corporation);
    let hv = org("rozenstein", OrgKind::TenantAssociation);
    assert!(may_update(&gm, "GM0629", "dwb"));
    assert!(!may_update(&gm, "GM0363", "dwb"));
    assert!(may_update(&dwb, "GM0629", "dwb"));
    assert!(!may_update(&wil, "GM0629", "dwb"));
    assert!(may_update(&wil, "GM0629", "corporaties"));
    assert!(!may_update(&hv, "GM0629", "corporaties"));
    assert!(may_update(&hv, "GM0629", "huurdersorganisaties"));
    assert!(may_update(&hv, "GM0629", "alle partijen"));
    assert!(!may_update(&dwb, "GM0363", "alle partijen"));
    assert!(!may_update(&dwb, "GM0629", "gemeente"));
}
