//! New build (nieuwbouw) against the agreement: the mix rule every project must hold, and the
//! regional target (regionale realisatieagenda, RRA) with what is left and the pace it needs.
//!
//! The Wassenaar agreement (§3.1) asks every new-build project for at least 30% social rent
//! and 40% middensegment (20% middenhuur up to 186 WWS points, 20% affordable purchase up to
//! €420,000 at 2026 prices), checked before the permit; and holds the municipality to the RRA
//! target of 991 homes gross, of which 297 social and 83 middenhuur. As with the quotas, a
//! share is judged on the exact fraction (`count ≥ limit × total` in decimal arithmetic), never
//! on a rounded percentage.

use std::collections::BTreeMap;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::Deserialize;

/// The per-project rule.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MixRule {
    /// At least this share of a project's homes is social rent.
    pub social_min: Decimal,
    /// At least this share is middensegment: middenhuur and affordable purchase together.
    pub middensegment_min: Decimal,
    /// Middenhuur up to this many WWS points.
    pub middenhuur_max_points: i32,
    /// Affordable purchase (betaalbare koop) up to this price, in EUR.
    pub affordable_purchase_max_price: Decimal,
    /// The price level the purchase limit is at (a year).
    pub price_year: i32,
}

/// The homes of a project per segment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectMix {
    pub social_rent: u64,
    pub middenhuur: u64,
    pub affordable_purchase: u64,
    /// Everything else (free-sector rent, dearer purchase).
    pub other: u64,
}

impl ProjectMix {
    pub fn total(&self) -> u64 {
        self.social_rent + self.middenhuur + self.affordable_purchase + self.other
    }

    pub fn middensegment(&self) -> u64 {
        self.middenhuur + self.affordable_purchase
    }
}

/// A project's mix against the rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MixCheck {
    pub total: u64,
    pub social_ok: bool,
    pub middensegment_ok: bool,
    /// The fewest social homes a project of this size needs.
    pub social_needed: u64,
    /// The fewest middensegment homes a project of this size needs.
    pub middensegment_needed: u64,
}

impl MixCheck {
    pub fn passes(&self) -> bool {
        self.social_ok && self.middensegment_ok
    }
}

/// `count / total ≥ share`, decided exactly: `count ≥ share × total`.
fn at_least(count: u64, total: u64, share: Decimal) -> bool {
    Decimal::from(count) >= share * Decimal::from(total)
}

/// The fewest homes of `total` that make `share`: `share × total` rounded up.
fn needed(total: u64, share: Decimal) -> u64 {
    (share * Decimal::from(total))
        .round_dp_with_strategy(0, RoundingStrategy::ToPositiveInfinity)
        .try_into()
        .unwrap_or(u64::MAX)
}

/// Checks a project's mix against the rule (toets nieuwbouwmix). A project of no homes passes
/// nothing.
pub fn check_mix(mix: &ProjectMix, rule: &MixRule) -> MixCheck {
    let total = mix.total();
    MixCheck {
        total,
        social_ok: total > 0 && at_least(mix.social_rent, total, rule.social_min),
        middensegment_ok: total > 0 && at_least(mix.middensegment(), total, rule.middensegment_min),
        social_needed: needed(total, rule.social_min),
        middensegment_needed: needed(total, rule.middensegment_min),
    }
}

/// The regional target for a municipality (RRA), as data with its period and source.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RraTarget {
    pub first_year: i32,
    pub last_year: i32,
    pub gross: u64,
    pub social: u64,
    pub middenhuur: u64,
    #[serde(default)]
    pub source: String,
}

/// The new-build clauses of an agreement (`[new_build]` in its file): the rule, the RRA target
/// and the realisations per year as published.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewBuildAgreement {
    pub rule: MixRule,
    pub rra: RraTarget,
    #[serde(default)]
    pub realisations: Vec<YearRealisation>,
}

/// One year's realisation as the agreement file lists it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YearRealisation {
    pub year: i32,
    pub gross: u64,
    #[serde(default)]
    pub social: Option<u64>,
    #[serde(default)]
    pub middenhuur: Option<u64>,
    #[serde(default)]
    pub source: String,
}

impl NewBuildAgreement {
    /// The realisations by year.
    pub fn realisations_by_year(&self) -> BTreeMap<i32, Realisation> {
        self.realisations
            .iter()
            .map(|r| {
                (
                    r.year,
                    Realisation {
                        gross: r.gross,
                        social: r.social,
                        middenhuur: r.middenhuur,
                    },
                )
            })
            .collect()
    }
}

/// The homes realised in one year; a segment the source does not give is `None`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Realisation {
    pub gross: u64,
    #[serde(default)]
    pub social: Option<u64>,
    #[serde(default)]
    pub middenhuur: Option<u64>,
}

/// What is left of one segment of the target and the pace it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentProgress {
    pub target: u64,
    /// `None` when a year with a realisation does not give this segment.
    pub realised: Option<u64>,
    /// Target − realised, at least 0.
    pub remaining: Option<u64>,
    /// Homes a year over the years left (`as_of` to the last year, both included); `None`
    /// when nothing is known or no year is left.
    pub pace_needed: Option<Decimal>,
}

/// The target against the realisations, as of the start of a year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RraProgress {
    pub gross: SegmentProgress,
    pub social: SegmentProgress,
    pub middenhuur: SegmentProgress,
    /// The years of the period still to come, `as_of` included.
    pub years_left: u32,
    /// Homes a year realised so far, over the years of the period before `as_of` that have a
    /// figure; `None` without one.
    pub pace_so_far: Option<Decimal>,
    /// Years of the period before `as_of` without a figure: not counted as zero.
    pub missing_years: Vec<i32>,
}

/// The RRA target against the realisations of the years before `as_of` (the remainder and the
/// pace it needs from `as_of` on). A year without a figure is listed as missing, never taken
/// as zero.
pub fn rra_progress(
    target: &RraTarget,
    realisations: &BTreeMap<i32, Realisation>,
    as_of: i32,
) -> RraProgress {
    let past: Vec<i32> = (target.first_year..as_of.min(target.last_year + 1)).collect();
    let known: Vec<&Realisation> = past.iter().filter_map(|y| realisations.get(y)).collect();
    let missing_years = past
        .iter()
        .copied()
        .filter(|y| !realisations.contains_key(y))
        .collect();
    let first_left = as_of.max(target.first_year);
    let years_left = u32::try_from(target.last_year - first_left + 1).unwrap_or(0);
    let segment = |goal: u64, realised: Option<u64>| {
        let remaining = realised.map(|r| goal.saturating_sub(r));
        SegmentProgress {
            target: goal,
            realised,
            remaining,
            pace_needed: remaining
                .filter(|_| years_left > 0)
                .map(|r| Decimal::from(r) / Decimal::from(years_left)),
        }
    };
    let gross: u64 = known.iter().map(|r| r.gross).sum();
    let sum_of = |f: fn(&Realisation) -> Option<u64>| -> Option<u64> {
        known.iter().map(|r| f(r)).sum::<Option<u64>>()
    };
    RraProgress {
        gross: segment(target.gross, Some(gross)),
        social: segment(target.social, sum_of(|r| r.social)),
        middenhuur: segment(target.middenhuur, sum_of(|r| r.middenhuur)),
        years_left,
        pace_so_far: (!known.is_empty())
            .then(|| Decimal::from(gross) / Decimal::from(known.len() as u64)),
        missing_years,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn wassenaar_rule() -> MixRule {
        MixRule {
            social_min: d("0.30"),
            middensegment_min: d("0.40"),
            middenhuur_max_points: 186,
            affordable_purchase_max_price: d("420000"),
            price_year: 2026,
        }
    }

    fn mix(social_rent: u64, middenhuur: u64, affordable_purchase: u64, other: u64) -> ProjectMix {
        ProjectMix {
            social_rent,
            middenhuur,
            affordable_purchase,
            other,
        }
    }

    #[test]
    fn a_project_exactly_at_30_percent_social_passes_and_one_home_fewer_fails() {
        let rule = wassenaar_rule();
        let exact = check_mix(&mix(30, 20, 20, 30), &rule);
        assert!(exact.social_ok && exact.middensegment_ok && exact.passes());
        // One social home fewer, the project one home smaller: 29 of 99 is 29.29%.
        let smaller = check_mix(&mix(29, 20, 20, 30), &rule);
        assert!(!smaller.social_ok && !smaller.passes());
        // One social home fewer, let as other: 29 of 100.
        let moved = check_mix(&mix(29, 20, 20, 31), &rule);
        assert!(!moved.social_ok);
        assert_eq!(moved.social_needed, 30);
        // 3 of 10 passes; 0.3 × 7 = 2.1, so 2 of 7 fails and 3 of 7 is needed.
        assert!(check_mix(&mix(3, 4, 0, 3), &rule).social_ok);
        let seven = check_mix(&mix(2, 3, 0, 2), &rule);
        assert!(!seven.social_ok);
        assert_eq!(seven.social_needed, 3);
    }

    #[test]
    fn middensegment_is_middenhuur_and_affordable_purchase_together_exactly_at_40_percent() {
        let rule = wassenaar_rule();
        assert!(check_mix(&mix(30, 10, 30, 30), &rule).middensegment_ok);
        assert!(!check_mix(&mix(30, 10, 29, 31), &rule).middensegment_ok);
        assert_eq!(check_mix(&mix(3, 1, 1, 0), &rule).middensegment_needed, 2);
        assert!(!check_mix(&ProjectMix::default(), &rule).passes());
    }

    fn wassenaar_target() -> (RraTarget, BTreeMap<i32, Realisation>) {
        let target = RraTarget {
            first_year: 2022,
            last_year: 2030,
            gross: 991,
            social: 297,
            middenhuur: 83,
            source: String::new(),
        };
        let realisations = BTreeMap::from([
            (
                2023,
                Realisation {
                    gross: 121,
                    ..Realisation::default()
                },
            ),
            (
                2024,
                Realisation {
                    gross: 93,
                    ..Realisation::default()
                },
            ),
        ]);
        (target, realisations)
    }

    #[test]
    fn the_rra_remainder_and_pace_of_wassenaar() {
        let (target, realisations) = wassenaar_target();
        let p = rra_progress(&target, &realisations, 2025);
        assert_eq!(p.gross.realised, Some(214));
        assert_eq!(p.gross.remaining, Some(777));
        // 2025 to 2030: six years, 129.5 a year.
        assert_eq!(p.years_left, 6);
        assert_eq!(p.gross.pace_needed, Some(d("129.5")));
        // So far 107 a year over the two years with a figure; 2022 is missing, not zero.
        assert_eq!(p.pace_so_far, Some(d("107")));
        assert_eq!(p.missing_years, [2022]);
        // The segments are not given per year: unknown, not zero.
        assert_eq!(p.social.realised, None);
        assert_eq!(p.social.pace_needed, None);
    }

    #[test]
    fn the_pace_in_the_last_year_and_after_the_period() {
        let (target, mut realisations) = wassenaar_target();
        let last = rra_progress(&target, &realisations, 2030);
        assert_eq!(last.years_left, 1);
        assert_eq!(last.gross.pace_needed, Some(d("777")));
        assert_eq!(last.missing_years, [2022, 2025, 2026, 2027, 2028, 2029]);
        let after = rra_progress(&target, &realisations, 2031);
        assert_eq!(after.years_left, 0);
        assert_eq!(after.gross.pace_needed, None);
        // A segment known in every year with a figure is summed; more than the target is 0 left.
        realisations.insert(
            2023,
            Realisation {
                gross: 121,
                social: Some(200),
                middenhuur: Some(50),
            },
        );
        realisations.insert(
            2024,
            Realisation {
                gross: 93,
                social: Some(100),
                middenhuur: Some(3),
            },
        );
        let p = rra_progress(&target, &realisations, 2025);
        assert_eq!(p.social.remaining, Some(0));
        assert_eq!(p.middenhuur.remaining, Some(30));
        assert_eq!(p.middenhuur.pace_needed, Some(d("5")));
    }
}
