//! The quota metrics of the performance agreement and their states.
//!
//! - `urgent_share` (aandeel urgenten, signaalwaarde): counted lettings to an urgent target group.
//! - `rent_cap_share` (aandeel tot de aftoppingsgrens): counted lettings at or below the 2e
//!   aftoppingsgrens.
//! - `income_exemption_share` (vrije toewijzingsruimte): counted lettings to households above the
//!   DAEB income limit.
//! - `passend_share` (passend toewijzen): of the counted lettings to households at or below the
//!   passend-toewijzen income limit (without exception), those at or below the aftoppingsgrens
//!   for their size.
//! - `local_priority_share` (lokaal maatwerk): counted lettings with priority for local ties.
//!
//! Shares are reported rounded half-up to 4 decimals; states are decided on the exact fraction.

use rust_decimal::{Decimal, RoundingStrategy};

use super::agreement::Agreement;
pub use super::metric::{Bound, Metric};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum State {
    Ok,
    Warning,
    Breach,
    InsufficientData,
    NoLimit,
}

impl State {
    pub fn as_str(&self) -> &'static str {
        match self {
            State::Ok => "ok",
            State::Warning => "warning",
            State::Breach => "breach",
            State::InsufficientData => "insufficient_data",
            State::NoLimit => "no_limit",
        }
    }

    /// Warning and breach are signals (signaal); the others are not.
    pub fn is_signal(&self) -> bool {
        matches!(self, State::Warning | State::Breach)
    }
}

/// A group of lettings with the same classification, as the database counts them.
#[derive(Debug, Clone, Copy)]
pub struct LettingGroup<'a> {
    pub is_social: bool,
    pub is_counted: bool,
    pub urgency: Option<&'a str>,
    pub within_rent_cap: bool,
    pub income_above_limit: bool,
    pub in_passend_denominator: bool,
    pub passend_compliant: bool,
    /// Route `local_priority` (lokaal maatwerk).
    pub local_priority: bool,
}

/// The counts behind the metrics for one scope (total or one corporation) and period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScopeCounts {
    /// Counted lettings: social, not excluded, not withdrawn. The denominator of every quota.
    pub lettings: u64,
    /// Social lettings with an `excluded_reason`.
    pub excluded: u64,
    /// Lettings above the huurgrens DAEB-toewijzing.
    pub non_social: u64,
    pub urgent: u64,
    pub within_rent_cap: u64,
    pub income_above_limit: u64,
    pub passend_denominator: u64,
    pub passend_compliant: u64,
    pub local_priority: u64,
}

impl ScopeCounts {
    /// Adds `n` withdrawn-free lettings of one classification group. Which urgency categories
    /// count as urgent is part of the agreement.
    pub fn add(&mut self, group: &LettingGroup<'_>, n: u64, agreement: &Agreement) {
        if !group.is_social {
            self.non_social += n;
            return;
        }
        if !group.is_counted {
            self.excluded += n;
            return;
        }
        self.lettings += n;
        if group.urgency.is_some_and(|c| agreement.counts_as_urgent(c)) {
            self.urgent += n;
        }
        if group.within_rent_cap {
            self.within_rent_cap += n;
        }
        if group.income_above_limit {
            self.income_above_limit += n;
        }
        if group.local_priority {
            self.local_priority += n;
        }
        if group.in_passend_denominator {
            self.passend_denominator += n;
            if group.passend_compliant {
                self.passend_compliant += n;
            }
        }
    }

    /// `(count, denominator)` of a metric.
    pub fn fraction(&self, metric: Metric) -> (u64, u64) {
        match metric {
            Metric::UrgentShare => (self.urgent, self.lettings),
            Metric::RentCapShare => (self.within_rent_cap, self.lettings),
            Metric::IncomeExemptionShare => (self.income_above_limit, self.lettings),
            Metric::PassendShare => (self.passend_compliant, self.passend_denominator),
            Metric::LocalPriorityShare => (self.local_priority, self.lettings),
        }
    }

    /// Every metric judged against an agreement.
    pub fn evaluate(&self, agreement: &Agreement) -> Vec<MetricFigures> {
        Metric::ALL
            .into_iter()
            .map(|metric| {
                let (count, denominator) = self.fraction(metric);
                MetricFigures::judge(metric, count, denominator, agreement)
            })
            .collect()
    }
}

/// One metric for one scope and period, judged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricFigures {
    pub metric: Metric,
    pub count: u64,
    pub denominator: u64,
    /// `count / denominator` rounded half-up to 4 decimals; `None` when the denominator is 0.
    pub share: Option<Decimal>,
    pub limit: Option<Decimal>,
    pub bound: Bound,
    pub state: State,
}

impl MetricFigures {
    pub fn judge(metric: Metric, count: u64, denominator: u64, agreement: &Agreement) -> Self {
        let limit = agreement.limits.for_metric(metric);
        let bound = metric.bound();
        let state = match limit {
            None => State::NoLimit,
            Some(limit) => judge_state(
                count,
                denominator,
                limit,
                bound,
                agreement.warning_margin,
                agreement.min_lettings,
            ),
        };
        Self {
            metric,
            count,
            denominator,
            share: rounded_share(count, denominator),
            limit,
            bound,
            state,
        }
    }
}

/// `count / denominator`, rounded half-up (away from zero) to 4 decimals.
pub fn rounded_share(count: u64, denominator: u64) -> Option<Decimal> {
    if denominator == 0 {
        return None;
    }
    let share = Decimal::from(count).checked_div(Decimal::from(denominator))?;
    Some(
        share
            .round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero)
            .normalize(),
    )
}

/// The state of a share against a limit, decided on the exact fraction: the comparison
/// `count / denominator > limit` is done as `count > limit * denominator`, which is exact in
/// decimal arithmetic.
pub fn judge_state(
    count: u64,
    denominator: u64,
    limit: Decimal,
    bound: Bound,
    warning_margin: Decimal,
    min_lettings: u32,
) -> State {
    if denominator < u64::from(min_lettings) || denominator == 0 {
        return State::InsufficientData;
    }
    let count = Decimal::from(count);
    let denominator = Decimal::from(denominator);
    let scaled = |share: Decimal| share * denominator;
    match bound {
        Bound::Max => {
            if count > scaled(limit) {
                State::Breach
            } else if count > scaled(limit - warning_margin) {
                State::Warning
            } else {
                State::Ok
            }
        }
        Bound::Min => {
            if count < scaled(limit) {
                State::Breach
            } else if count < scaled(limit + warning_margin) {
                State::Warning
            } else {
                State::Ok
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    const MARGIN: &str = "0.02";

    fn max_state(count: u64, denominator: u64) -> State {
        judge_state(count, denominator, d("0.30"), Bound::Max, d(MARGIN), 20)
    }

    fn min_state(count: u64, denominator: u64) -> State {
        judge_state(count, denominator, d("0.70"), Bound::Min, d(MARGIN), 20)
    }

    #[test]
    fn a_max_share_exactly_on_the_limit_is_a_warning_not_a_breach() {
        assert_eq!(max_state(30, 100), State::Warning);
        assert_eq!(max_state(31, 100), State::Breach);
        // exactly on limit - margin (0.28) is ok; just above it is a warning
        assert_eq!(max_state(28, 100), State::Ok);
        assert_eq!(max_state(29, 100), State::Warning);
    }

    #[test]
    fn a_min_share_exactly_on_the_limit_is_a_warning_not_a_breach() {
        assert_eq!(min_state(70, 100), State::Warning);
        assert_eq!(min_state(69, 100), State::Breach);
        assert_eq!(min_state(72, 100), State::Ok);
        assert_eq!(min_state(71, 100), State::Warning);
    }

    #[test]
    fn the_state_uses_the_exact_fraction_not_the_rounded_share() {
        // 3000001 / 10000000 rounds to 0.3000 but is above 0.30.
        assert_eq!(rounded_share(3_000_001, 10_000_000), Some(d("0.3")));
        assert_eq!(max_state(3_000_001, 10_000_000), State::Breach);
        // 2/3 of passend against 0.95: breach; 0.6667 shown.
        assert_eq!(rounded_share(2, 3), Some(d("0.6667")));
    }

    #[test]
    fn shares_round_half_up_to_four_decimals() {
        assert_eq!(rounded_share(1, 32), Some(d("0.0313"))); // 0.03125
        assert_eq!(rounded_share(60, 62), Some(d("0.9677")));
        assert_eq!(rounded_share(30, 120), Some(d("0.25")));
        assert_eq!(rounded_share(0, 5), Some(d("0")));
        assert_eq!(rounded_share(0, 0), None);
        assert_eq!(rounded_share(1, 80000), Some(d("0"))); // 0.0000125
        assert_eq!(rounded_share(1, 20000), Some(d("0.0001"))); // 0.00005
    }

    #[test]
    fn below_the_minimum_number_of_lettings_data_is_insufficient() {
        assert_eq!(max_state(19, 19), State::InsufficientData);
        assert_eq!(max_state(0, 0), State::InsufficientData);
        assert_eq!(max_state(20, 20), State::Breach);
    }

    #[test]
    fn no_limit_means_no_judgement() {
        let national = Agreement::national("GM0363");
        let f = MetricFigures::judge(Metric::UrgentShare, 90, 100, &national);
        assert_eq!(f.state, State::NoLimit);
        assert_eq!(f.limit, None);
        assert_eq!(f.share, Some(d("0.9")));
        let income = MetricFigures::judge(Metric::IncomeExemptionShare, 8, 100, &national);
        assert_eq!(income.state, State::Breach); // 8% > 7.5%
    }

    #[test]
    fn counts_fold_by_classification() {
        let agreement = Agreement::national("GM0629");
        let mut counts = ScopeCounts::default();
        let base = LettingGroup {
            is_social: true,
            is_counted: true,
            urgency: Some("medical"),
            within_rent_cap: true,
            income_above_limit: false,
            in_passend_denominator: true,
            passend_compliant: false,
            local_priority: false,
        };
        counts.add(&base, 3, &agreement);
        counts.add(
            &LettingGroup {
                is_counted: false,
                ..base
            },
            2,
            &agreement,
        );
        counts.add(
            &LettingGroup {
                is_social: false,
                is_counted: false,
                ..base
            },
            4,
            &agreement,
        );
        counts.add(
            &LettingGroup {
                urgency: None,
                passend_compliant: true,
                ..base
            },
            5,
            &agreement,
        );
        assert_eq!(counts.lettings, 8);
        assert_eq!(counts.excluded, 2);
        assert_eq!(counts.non_social, 4);
        assert_eq!(counts.fraction(Metric::UrgentShare), (3, 8));
        assert_eq!(counts.fraction(Metric::RentCapShare), (8, 8));
        assert_eq!(counts.fraction(Metric::PassendShare), (5, 8));
    }
}
