//! The allocation plan (woonruimteverdelingslijst): at the start of a year the parties estimate
//! how many social homes will become available and divide them over categories of home
//! seekers. Realisation is compared with the plan pro rata for the part of the year passed.
//!
//! A letting's category: its urgency category when it has one; otherwise `local_priority`,
//! `swap` (woningruil) or `internal` (interne verhuizing) for those routes, which free a home
//! as they fill one and are planned apart; otherwise `regular` (the listing model, direct
//! allocation and other routes). Only counted (social, not excluded, not withdrawn) lettings are
//! realisation.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::agreement::Agreement;
use super::problem::Problem;

pub const REGULAR: &str = "regular";
pub const LOCAL_PRIORITY: &str = "local_priority";
pub const SWAP: &str = "swap";
pub const INTERNAL: &str = "internal";

/// The categories of lettings without an urgency category, by route.
pub const WITHOUT_URGENCY: [&str; 4] = [REGULAR, LOCAL_PRIORITY, SWAP, INTERNAL];

/// The categories a plan may name under an agreement: regular, local priority and each urgency
/// category.
pub fn categories(agreement: &Agreement) -> Vec<String> {
    let mut list: Vec<String> = WITHOUT_URGENCY.iter().map(|c| c.to_string()).collect();
    list.extend(agreement.urgency_categories.iter().cloned());
    list
}

/// The plan category of a letting.
pub fn category_of(route: &str, urgency: Option<&str>) -> String {
    match urgency {
        Some(category) => category.to_string(),
        None if route == "local_priority" => LOCAL_PRIORITY.to_string(),
        None if route == "swap" => SWAP.to_string(),
        None if route == "internal" => INTERNAL.to_string(),
        None => REGULAR.to_string(),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanLine {
    pub category: String,
    pub planned: i64,
    /// planned × the fraction of the year passed.
    pub expected_to_date: Decimal,
    pub realised: i64,
    /// realised − expected_to_date.
    pub difference: Decimal,
}

/// Compares realisation with the plan, pro rata. Categories realised but not planned appear
/// with planned 0, so nothing is lost.
pub fn compare(
    planned: &BTreeMap<String, i64>,
    realised: &BTreeMap<String, i64>,
    fraction: Decimal,
    order: &[String],
) -> Vec<PlanLine> {
    let mut names: Vec<String> = order.to_vec();
    for name in planned.keys().chain(realised.keys()) {
        if !names.contains(name) {
            names.push(name.clone());
        }
    }
    names
        .into_iter()
        .map(|category| {
            let planned_n = planned.get(&category).copied().unwrap_or(0);
            let realised_n = realised.get(&category).copied().unwrap_or(0);
            let expected = (Decimal::from(planned_n) * fraction)
                .round_dp(2)
                .normalize();
            PlanLine {
                difference: (Decimal::from(realised_n) - expected).normalize(),
                category,
                planned: planned_n,
                expected_to_date: expected,
                realised: realised_n,
            }
        })
        .collect()
}

/// Months completed of a year (0–12) as a fraction, given the year and the number of months of
/// it that have passed.
pub fn fraction_of_year(months_completed: u32) -> Decimal {
    Decimal::from(months_completed.min(12)) / Decimal::from(12)
}

/// The plan's own check against the agreement's urgent limit (the seed: "uitgangspunt is dat
/// maximaal 30% wordt toegewezen aan urgenten (inclusief statushouders)"): the planned lettings
/// of the categories that count as urgent, against the expected available homes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrgentPlanCheck {
    pub planned_urgent: i64,
    pub expected_available: i64,
    pub limit: Decimal,
    /// Planned urgent above `limit × expected_available` (exactly on it is within).
    pub above_limit: bool,
}

/// The urgent check of a plan; `None` when the agreement sets no urgent limit.
pub fn check_urgent_share(
    planned: &BTreeMap<String, i64>,
    expected_available: i64,
    agreement: &Agreement,
) -> Option<UrgentPlanCheck> {
    let limit = agreement.limits.urgent_share?;
    let planned_urgent: i64 = planned
        .iter()
        .filter(|(category, _)| agreement.counts_as_urgent(category))
        .map(|(_, n)| *n)
        .sum();
    Some(UrgentPlanCheck {
        planned_urgent,
        expected_available,
        limit,
        above_limit: Decimal::from(planned_urgent) > limit * Decimal::from(expected_available),
    })
}

/// A plan as the municipality sets it, checked: the expected available homes and the planned
/// lettings per category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanInput {
    pub expected_available: i32,
    pub lines: BTreeMap<String, i32>,
    pub note: Option<String>,
}

/// Checks a plan against the agreement's categories: every category known, every number a
/// whole number of 0 or more. Every problem is listed.
pub fn check_plan(
    expected_available: i64,
    planned: &BTreeMap<String, i64>,
    note: Option<String>,
    allowed: &[String],
) -> Result<PlanInput, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut lines = BTreeMap::new();
    for (category, n) in planned {
        let field = format!("categories.{category}");
        if !allowed.contains(category) {
            problems.push(Problem::of_field(
                &field,
                format!("{category:?} is not a category; use {}", allowed.join(", ")),
            ));
        } else if let Some(n) = i32::try_from(*n).ok().filter(|n| *n >= 0) {
            lines.insert(category.clone(), n);
        } else {
            problems.push(Problem::of_field(
                &field,
                format!("planned lettings must be a whole number of 0 or more; got {n}"),
            ));
        }
    }
    let expected = i32::try_from(expected_available).ok().filter(|n| *n >= 0);
    if expected.is_none() {
        problems.push(Problem::of_field(
            "expected_available",
            format!(
                "expected_available must be a whole number of 0 or more; got {expected_available}"
            ),
        ));
    }
    match expected {
        Some(expected_available) if problems.is_empty() => Ok(PlanInput {
            expected_available,
            lines,
            note,
        }),
        _ => Err(problems),
    }
}

/// The most homes a corporation can expect to become available in one municipality in a year:
/// more is a typing error (the largest corporations let some 10,000 a year in all).
pub const MAX_EXPECTED_HOMES: i32 = 100_000;

/// Checks a corporation's expected available homes (verwacht vrijkomende woningen) for the
/// plan: a whole number from 0 to [`MAX_EXPECTED_HOMES`].
pub fn check_expected_homes(homes: i64) -> Result<i32, Problem> {
    i32::try_from(homes)
        .ok()
        .filter(|h| (0..=MAX_EXPECTED_HOMES).contains(h))
        .ok_or_else(|| {
            Problem::of_field(
                "homes",
                format!("expected homes must be a whole number from 0 to {MAX_EXPECTED_HOMES}; got {homes}"),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lettings_fall_in_their_category() {
        assert_eq!(category_of("regular", None), "regular");
        assert_eq!(category_of("direct", None), "regular");
        assert_eq!(category_of("local_priority", None), "local_priority");
        assert_eq!(category_of("swap", None), "swap");
        assert_eq!(category_of("internal", None), "internal");
        assert_eq!(category_of("other", None), "regular");
        assert_eq!(category_of("swap", Some("medical")), "medical");
        assert_eq!(category_of("local_priority", Some("medical")), "medical");
        assert_eq!(
            category_of("direct", Some("status_holder")),
            "status_holder"
        );
    }

    #[test]
    fn a_plan_with_more_urgent_lettings_than_the_limit_is_flagged_exactly_past_it() {
        let wassenaar = crate::domain::agreement::AgreementBook::from_files([(
            "GM0629.toml".to_string(),
            include_str!("../../config/agreements/GM0629.toml"),
        )])
        .unwrap()
        .applicable("GM0629", 2026);
        let plan = |medical: i64, restructuring: i64| -> BTreeMap<String, i64> {
            [
                ("regular".to_string(), 100),
                ("medical".to_string(), medical),
                ("status_holder".to_string(), 10),
                ("restructuring".to_string(), restructuring),
            ]
            .into()
        };
        // 20 + 10 = 30 of 100 expected: exactly on the 30% is within.
        let on = check_urgent_share(&plan(20, 0), 100, &wassenaar).unwrap();
        assert_eq!(on.planned_urgent, 30);
        assert!(!on.above_limit);
        assert!(
            check_urgent_share(&plan(21, 0), 100, &wassenaar)
                .unwrap()
                .above_limit
        );
        // A category that does not count toward the urgent share does not count here either.
        assert!(
            !check_urgent_share(&plan(20, 5), 100, &wassenaar)
                .unwrap()
                .above_limit
        );
        let national = Agreement::national("GM0363");
        assert!(check_urgent_share(&plan(90, 0), 100, &national).is_none());
    }

    #[test]
    fn realisation_is_compared_pro_rata() {
        let planned: BTreeMap<String, i64> = [
            ("regular".to_string(), 120),
            ("status_holder".to_string(), 24),
        ]
        .into();
        let realised: BTreeMap<String, i64> =
            [("regular".to_string(), 50), ("medical".to_string(), 3)].into();
        let half = fraction_of_year(6);
        let lines = compare(
            &planned,
            &realised,
            half,
            &["regular".to_string(), "local_priority".to_string()],
        );
        let by = |c: &str| lines.iter().find(|l| l.category == c).unwrap().clone();
        assert_eq!(by("regular").expected_to_date, Decimal::from(60));
        assert_eq!(by("regular").difference, Decimal::from(-10));
        assert_eq!(by("local_priority").planned, 0);
        assert_eq!(by("status_holder").realised, 0);
        assert_eq!(by("medical").planned, 0);
        assert_eq!(by("medical").realised, 3);
        assert_eq!(lines[0].category, "regular");
    }

    #[test]
    fn expected_homes_are_a_whole_number_from_zero_to_the_maximum() {
        assert_eq!(check_expected_homes(0), Ok(0));
        assert_eq!(check_expected_homes(100_000), Ok(100_000));
        assert!(check_expected_homes(-1).is_err());
        assert!(check_expected_homes(100_001).is_err());
    }
}
