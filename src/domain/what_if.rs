//! Wat als (what if): planned lettings (geplande verhuringen) added to the real counts of a
//! scope, so the states and the headroom they would give can be judged by the same rules as
//! the real figures, without storing anything.
//!
//! A plan is a number of lettings with, among them, how many go to an urgent target group
//! (urgent), to a household above the DAEB income limit (boven de inkomensgrens: vrije
//! toewijzingsruimte), at a rent above the aftoppingsgrens, not passend (niet passend
//! toegewezen) and with priority for local ties (lokaal maatwerk). Every planned letting is a
//! counted social letting. For passend toewijzen, where the real denominator holds only
//! households at or below the passend-toewijzen income limit, a plan cannot say more than the
//! fields above: every planned letting *not* above the income limit is taken into the passend
//! denominator, and of those, the ones not marked "not passend" as passend.

use super::quota::ScopeCounts;

/// The most lettings a plan may hold: far above any municipality's month or half year, low
/// enough that no sum overflows.
pub const PLANNED_MAX: u64 = 100_000;

/// Geplande verhuringen: counts per kind, each a part of `lettings`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Planned {
    /// All planned lettings (counted social lettings).
    pub lettings: u64,
    /// To an urgent target group (urgent as the agreement counts it).
    pub urgent: u64,
    /// To a household above the DAEB income limit (vrije toewijzingsruimte).
    pub income_above_limit: u64,
    /// At a rent above the (2e) aftoppingsgrens.
    pub above_rent_cap: u64,
    /// In the passend-toewijzen denominator but not passend.
    pub not_passend: u64,
    /// With priority for local ties (lokaal maatwerk).
    pub local_priority: u64,
}

/// Why a plan cannot be judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlannedProblem {
    /// More lettings than [`PLANNED_MAX`].
    TooMany,
    /// A kind has more lettings than the plan as a whole.
    PartExceedsTotal(PlannedKind),
    /// More not-passend lettings than lettings not above the income limit.
    NotPassendExceedsDenominator,
}

/// A kind of planned letting, to say which field is wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlannedKind {
    Urgent,
    IncomeAboveLimit,
    AboveRentCap,
    NotPassend,
    LocalPriority,
}

impl PlannedKind {
    /// The form field of this kind.
    pub fn field(&self) -> &'static str {
        match self {
            PlannedKind::Urgent => "urgent",
            PlannedKind::IncomeAboveLimit => "income_above_limit",
            PlannedKind::AboveRentCap => "above_rent_cap",
            PlannedKind::NotPassend => "not_passend",
            PlannedKind::LocalPriority => "local_priority",
        }
    }
}

impl Planned {
    /// Checks that every kind is a part of the whole.
    pub fn check(&self) -> Result<(), PlannedProblem> {
        if self.lettings > PLANNED_MAX {
            return Err(PlannedProblem::TooMany);
        }
        for (kind, n) in [
            (PlannedKind::Urgent, self.urgent),
            (PlannedKind::IncomeAboveLimit, self.income_above_limit),
            (PlannedKind::AboveRentCap, self.above_rent_cap),
            (PlannedKind::NotPassend, self.not_passend),
            (PlannedKind::LocalPriority, self.local_priority),
        ] {
            if n > self.lettings {
                return Err(PlannedProblem::PartExceedsTotal(kind));
            }
        }
        if self.not_passend > self.passend_denominator() {
            return Err(PlannedProblem::NotPassendExceedsDenominator);
        }
        Ok(())
    }

    /// No lettings planned.
    pub fn is_empty(&self) -> bool {
        self.lettings == 0
    }

    /// The planned lettings taken into the passend-toewijzen denominator: those not above the
    /// income limit.
    pub fn passend_denominator(&self) -> u64 {
        self.lettings.saturating_sub(self.income_above_limit)
    }
}

/// The counts of a scope with a (checked) plan added: every planned letting is a counted
/// social letting of the scope.
pub fn with_planned(counts: &ScopeCounts, plan: &Planned) -> ScopeCounts {
    let passend_denominator = plan.passend_denominator();
    ScopeCounts {
        lettings: counts.lettings + plan.lettings,
        urgent: counts.urgent + plan.urgent,
        within_rent_cap: counts.within_rent_cap + plan.lettings.saturating_sub(plan.above_rent_cap),
        income_above_limit: counts.income_above_limit + plan.income_above_limit,
        passend_denominator: counts.passend_denominator + passend_denominator,
        passend_compliant: counts.passend_compliant
            + passend_denominator.saturating_sub(plan.not_passend),
        local_priority: counts.local_priority + plan.local_priority,
        ..*counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::agreement::Agreement;
    use crate::domain::quota::{Metric, MetricFigures, State};

    fn plan(lettings: u64) -> Planned {
        Planned {
            lettings,
            ..Planned::default()
        }
    }

    #[test]
    fn every_kind_is_a_part_of_the_whole() {
        assert_eq!(plan(0).check(), Ok(()));
        let full = Planned {
            lettings: 3,
            urgent: 3,
            income_above_limit: 1,
            above_rent_cap: 3,
            not_passend: 2,
            local_priority: 3,
        };
        assert_eq!(full.check(), Ok(()));
        assert_eq!(
            Planned { urgent: 4, ..full }.check(),
            Err(PlannedProblem::PartExceedsTotal(PlannedKind::Urgent))
        );
        // Two lettings below the income limit cannot hold three not passend.
        assert_eq!(
            Planned {
                not_passend: 3,
                ..full
            }
            .check(),
            Err(PlannedProblem::NotPassendExceedsDenominator)
        );
        assert_eq!(plan(PLANNED_MAX).check(), Ok(()));
        assert_eq!(plan(PLANNED_MAX + 1).check(), Err(PlannedProblem::TooMany));
    }

    #[test]
    fn planned_lettings_move_each_metric_as_real_ones_would() {
        let real = ScopeCounts {
            lettings: 20,
            excluded: 2,
            non_social: 1,
            urgent: 5,
            within_rent_cap: 18,
            income_above_limit: 1,
            passend_denominator: 15,
            passend_compliant: 15,
            local_priority: 0,
        };
        let planned = Planned {
            lettings: 4,
            urgent: 2,
            income_above_limit: 1,
            above_rent_cap: 1,
            not_passend: 1,
            local_priority: 1,
        };
        let after = with_planned(&real, &planned);
        assert_eq!(after.fraction(Metric::UrgentShare), (7, 24));
        assert_eq!(after.fraction(Metric::RentCapShare), (21, 24));
        assert_eq!(after.fraction(Metric::IncomeExemptionShare), (2, 24));
        // Three not above the income limit join the denominator, one of them not passend.
        assert_eq!(after.fraction(Metric::PassendShare), (17, 18));
        assert_eq!(after.fraction(Metric::LocalPriorityShare), (1, 24));
        assert_eq!((after.excluded, after.non_social), (2, 1));
        assert_eq!(with_planned(&real, &Planned::default()), real);
    }

    #[test]
    fn two_more_urgent_lettings_tip_the_signal_value_exactly_at_the_line() {
        // Wassenaar-like: at most 30% urgent, warning from 28%, judged from 20 lettings on.
        let mut agreement = Agreement::national("GM0629");
        agreement.limits.urgent_share = Some("0.30".parse().unwrap());
        agreement.warning_margin = "0.02".parse().unwrap();
        agreement.min_lettings = 20;
        let real = ScopeCounts {
            lettings: 28,
            urgent: 7,
            ..ScopeCounts::default()
        };
        let judge = |p: Planned| {
            let c = with_planned(&real, &p);
            let (n, d) = c.fraction(Metric::UrgentShare);
            MetricFigures::judge(Metric::UrgentShare, n, d, &agreement).state
        };
        let urgent = |k: u64| Planned {
            lettings: k,
            urgent: k,
            ..Planned::default()
        };
        // 9 of 30 is exactly 30%: a warning, not yet a breach; 10 of 31 is one.
        assert_eq!(judge(urgent(2)), State::Warning);
        assert_eq!(judge(urgent(3)), State::Breach);
        assert_eq!(judge(Planned::default()), State::Ok);
    }
}
