use super::*;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// The urgent share of Wassenaar: at most 30%, warning from 28%.
fn urgent(count: u64, denominator: u64) -> Headroom {
    headroom(count, denominator, d("0.30"), Bound::Max, d("0.02"))
}

/// The rent cap share of Wassenaar: at least 70%, warning below 72%.
fn rent_cap(count: u64, denominator: u64) -> Headroom {
    headroom(count, denominator, d("0.70"), Bound::Min, d("0.02"))
}

#[test]
fn a_max_limit_reached_exactly_after_k_lettings_allows_k_and_not_one_more() {
    // 6 of 27, then 3 urgent lettings: 9 of 30 is exactly 30%, still within; a 4th is 10 of 31.
    assert_eq!(urgent(6, 27).breach_after, Room::Lettings(3));
    // 28 of 100 sits exactly on the warning line: within; two more urgent (30 of 102) stay
    // below 30%, a third (31 of 103) is above.
    let on_the_line = urgent(28, 100);
    assert_eq!(on_the_line.warning_after, Room::Lettings(0));
    assert_eq!(on_the_line.breach_after, Room::Lettings(2));
    assert_eq!(on_the_line.recovery_needed, Recovery::NotNeeded);
}

#[test]
fn a_max_figure_on_the_limit_and_one_past_it() {
    // 30 of 100: exactly on the limit (a warning), no room left; 8 lettings without urgency
    // bring it to 30 of 108 (27.8%), 7 leave it at 30 of 107 (28.04%).
    let on_limit = urgent(30, 100);
    assert_eq!(on_limit.breach_after, Room::Lettings(0));
    assert_eq!(on_limit.warning_after, Room::Lettings(0));
    assert_eq!(on_limit.recovery_needed, Recovery::Lettings(8));
    // 31 of 100: a breach; 31 of 111 is 27.93%, 31 of 110 is 28.18%.
    let past = urgent(31, 100);
    assert_eq!(past.breach_after, Room::Lettings(0));
    assert_eq!(past.recovery_needed, Recovery::Lettings(11));
}

#[test]
fn a_min_limit_reached_exactly_after_k_lettings_allows_k_and_not_one_more() {
    // 77 of 100 within the cap; 10 lettings above it make 77 of 110, exactly 70%.
    assert_eq!(rent_cap(77, 100).breach_after, Room::Lettings(10));
    // 72 of 100 is exactly on the warning line: the next letting above the cap crosses it;
    // 72 of 102 is 70.6%, 72 of 103 is 69.9%.
    let on_the_line = rent_cap(72, 100);
    assert_eq!(on_the_line.warning_after, Room::Lettings(0));
    assert_eq!(on_the_line.breach_after, Room::Lettings(2));
    assert_eq!(on_the_line.recovery_needed, Recovery::NotNeeded);
}

#[test]
fn a_min_figure_on_the_limit_and_one_past_it() {
    // 70 of 100: on the limit (a warning); 78 of 108 is 72.2%, 77 of 107 is 71.96%.
    let on_limit = rent_cap(70, 100);
    assert_eq!(on_limit.breach_after, Room::Lettings(0));
    assert_eq!(on_limit.warning_after, Room::Lettings(0));
    assert_eq!(on_limit.recovery_needed, Recovery::Lettings(8));
    // 69 of 100: a breach; 80 of 111 is 72.07%, 79 of 110 is 71.8%.
    let past = rent_cap(69, 100);
    assert_eq!(past.breach_after, Room::Lettings(0));
    assert_eq!(past.recovery_needed, Recovery::Lettings(11));
}

#[test]
fn without_lettings_no_limit_is_crossed_until_the_first_one() {
    // One urgent letting out of one is 100%: the first crosses a max limit below 1.
    let max = urgent(0, 0);
    assert_eq!(max.breach_after, Room::Lettings(0));
    assert_eq!(max.warning_after, Room::Lettings(0));
    assert_eq!(max.recovery_needed, Recovery::NotNeeded);
    // One letting above the cap out of one is 0% within it: the first crosses a min limit.
    let min = rent_cap(0, 0);
    assert_eq!(min.breach_after, Room::Lettings(0));
    assert_eq!(min.recovery_needed, Recovery::NotNeeded);
    // A max limit of 1 is never crossed, even from nothing.
    let all = headroom(0, 0, d("1"), Bound::Max, d("0.02"));
    assert_eq!(all.breach_after, Room::Unlimited);
}

#[test]
fn a_limit_of_zero() {
    // At most 0%: no letting with the property fits, and the warning line (−2%) is crossed by
    // any figure at all, so no number of other lettings makes it ok.
    let none_yet = headroom(0, 10, d("0"), Bound::Max, d("0.02"));
    assert_eq!(none_yet.breach_after, Room::Lettings(0));
    assert_eq!(none_yet.warning_after, Room::Lettings(0));
    assert_eq!(none_yet.recovery_needed, Recovery::Impossible);
    let one = headroom(1, 10, d("0"), Bound::Max, d("0.02"));
    assert_eq!(one.breach_after, Room::Lettings(0));
    assert_eq!(one.recovery_needed, Recovery::Impossible);
    // At least 0%: never breached; the warning line is 2%, which one letting with the property
    // out of 11 (9.1%) clears.
    let min = headroom(0, 10, d("0"), Bound::Min, d("0.02"));
    assert_eq!(min.breach_after, Room::Unlimited);
    assert_eq!(min.warning_after, Room::Lettings(0));
    assert_eq!(min.recovery_needed, Recovery::Lettings(1));
}

#[test]
fn a_limit_of_one() {
    // At most 100%: never breached; the warning line is 98%: 490 more of 500 is exactly 98%.
    let max = headroom(0, 10, d("1"), Bound::Max, d("0.02"));
    assert_eq!(max.breach_after, Room::Unlimited);
    assert_eq!(max.warning_after, Room::Lettings(490));
    assert_eq!(max.recovery_needed, Recovery::NotNeeded);
    // At least 100%: 10 of 10 holds it with no room; its warning line of 102% is out of reach.
    let min = headroom(10, 10, d("1"), Bound::Min, d("0.02"));
    assert_eq!(min.breach_after, Room::Lettings(0));
    assert_eq!(min.warning_after, Room::Lettings(0));
    assert_eq!(min.recovery_needed, Recovery::Impossible);
    let short = headroom(9, 10, d("1"), Bound::Min, d("0.02"));
    assert_eq!(short.recovery_needed, Recovery::Impossible);
}

/// An independent oracle: whether c / d is on the right side of a line of `hundredths` / 100,
/// in integers (an empty figure is).
fn within(c: u64, d: u64, hundredths: i64, bound: Bound) -> bool {
    let (c, d) = (i64::try_from(c).unwrap(), i64::try_from(d).unwrap());
    d == 0
        || match bound {
            Bound::Max => c * 100 <= hundredths * d,
            Bound::Min => c * 100 >= hundredths * d,
        }
}

#[test]
fn the_answers_agree_with_counting_one_letting_at_a_time() {
    // Walk the lettings one by one on a grid and compare, with the comparisons done apart.
    for (limit, margin) in [(30i64, 2i64), (15, 2), (95, 2), (50, 0), (0, 2), (100, 2)] {
        for denominator in 0..40u64 {
            for count in 0..=denominator {
                for bound in [Bound::Max, Bound::Min] {
                    let h = headroom(
                        count,
                        denominator,
                        Decimal::new(limit, 2),
                        bound,
                        Decimal::new(margin, 2),
                    );
                    let warning_line = match bound {
                        Bound::Max => limit - margin,
                        Bound::Min => limit + margin,
                    };
                    let step = |k: u64| match bound {
                        Bound::Max => (count + k, denominator + k),
                        Bound::Min => (count, denominator + k),
                    };
                    let back = |j: u64| match bound {
                        Bound::Max => (count, denominator + j),
                        Bound::Min => (count + j, denominator + j),
                    };
                    let walk = |line: i64| {
                        let (c, d) = step(0);
                        if !within(c, d, line, bound) {
                            return Room::Lettings(0);
                        }
                        let mut k = 0;
                        while k < 5_000 {
                            let (c, d) = step(k + 1);
                            if !within(c, d, line, bound) {
                                return Room::Lettings(k);
                            }
                            k += 1;
                        }
                        Room::Unlimited
                    };
                    let case = format!("{count}/{denominator} {bound:?} {limit}");
                    assert_eq!(h.breach_after, walk(limit), "{case}");
                    assert_eq!(h.warning_after, walk(warning_line), "{case}");
                    let expected = if within(count, denominator, warning_line, bound) {
                        Recovery::NotNeeded
                    } else {
                        (1..5_000)
                            .find(|&j| {
                                let (c, d) = back(j);
                                within(c, d, warning_line, bound)
                            })
                            .map_or(Recovery::Impossible, Recovery::Lettings)
                    };
                    assert_eq!(h.recovery_needed, expected, "{case}");
                }
            }
        }
    }
}

#[test]
fn the_year_end_projection_carries_the_pace_of_the_months_with_data() {
    // 12 of 40 over 4 months: 36 of 120 at year end, the same 30%.
    assert_eq!(project_year_end(12, 40, 4), Some((d("36"), d("120"))));
    assert_eq!(project_year_end(5, 7, 12), Some((d("5"), d("7"))));
    assert_eq!(project_year_end(0, 0, 0), None);
}
