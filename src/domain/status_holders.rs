//! The status-holder task (taakstelling huisvesting vergunninghouders).
//!
//! The municipality must house a number of persons per half year. Persons housed are the
//! household sizes of lettings under urgency `status_holder` (counted or not, not withdrawn)
//! plus placements the municipality records by hand. A shortfall carries over to the next half
//! year; a surplus (negative shortfall) lowers it.
//!
//! Pace in the current half year: after `m` completed months, `m/6` of the corrected target is
//! expected. `on_track` when housed >= expected; `slightly_behind` when housed >= 80% of the
//! expected number; `behind` below that.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::problem::Problem;

/// What is known of one half year, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HalfYearInput {
    /// The task set for the half year; `None` counts as 0 (no task set).
    pub target: Option<i64>,
    /// Persons housed in the half year (lettings and by hand).
    pub housed: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HalfYearBalance {
    pub target: i64,
    /// The previous half year's shortfall (negative: its surplus).
    pub carry_over: i64,
    /// target + carry_over.
    pub corrected_target: i64,
    pub housed: i64,
    /// housed − corrected_target: negative is a shortfall that carries over.
    pub balance: i64,
}

/// Chains consecutive half years, oldest first: each half year's shortfall is carried into the
/// next one's corrected target.
pub fn carry_over(halves: &[HalfYearInput]) -> Vec<HalfYearBalance> {
    let mut carried = 0;
    halves
        .iter()
        .map(|h| {
            let target = h.target.unwrap_or(0);
            let corrected_target = target + carried;
            let balance = h.housed - corrected_target;
            let result = HalfYearBalance {
                target,
                carry_over: carried,
                corrected_target,
                housed: h.housed,
                balance,
            };
            carried = -balance;
            result
        })
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaceState {
    OnTrack,
    SlightlyBehind,
    Behind,
}

impl PaceState {
    pub fn as_str(&self) -> &'static str {
        match self {
            PaceState::OnTrack => "on_track",
            PaceState::SlightlyBehind => "slightly_behind",
            PaceState::Behind => "behind",
        }
    }
}

/// Share of the expected number below which the pace is `behind` rather than `slightly_behind`.
pub const SLIGHTLY_BEHIND_FLOOR: Decimal = Decimal::from_parts(8, 0, 0, false, 1);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pace {
    pub months_completed: u32,
    /// corrected_target × months_completed / 6, exact.
    pub expected: Decimal,
    pub state: PaceState,
}

/// The pace after `months_completed` (0–6) months of the half year.
pub fn pace(corrected_target: i64, housed: i64, months_completed: u32) -> Pace {
    let months = months_completed.min(6);
    let expected =
        Decimal::from(corrected_target.max(0)) * Decimal::from(months) / Decimal::from(6);
    let housed = Decimal::from(housed);
    let state = if housed >= expected {
        PaceState::OnTrack
    } else if housed >= expected * SLIGHTLY_BEHIND_FLOOR {
        PaceState::SlightlyBehind
    } else {
        PaceState::Behind
    };
    Pace {
        months_completed: months,
        expected: expected.round_dp(2).normalize(),
        state,
    }
}

/// The most persons a half year's task may name.
pub const MAX_TARGET_PERSONS: i32 = 1_000_000;
/// The most persons one placement by hand may record.
pub const MAX_PLACEMENT_PERSONS: i32 = 100;
/// The longest note of a placement.
pub const MAX_PLACEMENT_NOTE: usize = 500;

/// The persons of a half year's task (taakstelling): a whole number from 0.
pub fn check_target_persons(persons: i64) -> Result<i32, Problem> {
    i32::try_from(persons)
        .ok()
        .filter(|p| (0..=MAX_TARGET_PERSONS).contains(p))
        .ok_or_else(|| {
            Problem::of_field(
                "persons",
                format!(
                    "persons must be a whole number from 0 to {MAX_TARGET_PERSONS}; got {persons}"
                ),
            )
        })
}

/// A placement recorded by hand (gezinshereniging, a home outside the corporations), checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    pub persons: i32,
    pub date: NaiveDate,
    pub note: String,
}

/// Checks a placement by hand: 1 to 100 persons, a date that has passed, a note that says what
/// it was. The first problem found is returned.
pub fn check_placement(
    persons: i64,
    date: &str,
    note: &str,
    today: NaiveDate,
) -> Result<Placement, Problem> {
    let persons = i32::try_from(persons)
        .ok()
        .filter(|p| (1..=MAX_PLACEMENT_PERSONS).contains(p))
        .ok_or_else(|| {
            Problem::of_field(
                "persons",
                format!(
                    "persons must be a whole number from 1 to {MAX_PLACEMENT_PERSONS}; got {persons}"
                ),
            )
        })?;
    let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| {
        Problem::of_field("date", format!("{date:?} is not a date; use YYYY-MM-DD"))
    })?;
    if date > today {
        return Err(Problem::of_field(
            "date",
            format!("{date} is in the future; record placements once they happened"),
        ));
    }
    let note = note.trim();
    if note.is_empty() || note.chars().count() > MAX_PLACEMENT_NOTE {
        return Err(Problem::of_field(
            "note",
            format!(
                "note must say what the placement was, in 1 to {MAX_PLACEMENT_NOTE} characters"
            ),
        ));
    }
    Ok(Placement {
        persons,
        date,
        note: note.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shortfall_and_a_surplus_carry_over_across_three_half_years() {
        let halves = [
            HalfYearInput {
                target: Some(20),
                housed: 14,
            }, // 6 short
            HalfYearInput {
                target: Some(18),
                housed: 30,
            }, // corrected 24, 6 surplus
            HalfYearInput {
                target: Some(20),
                housed: 10,
            }, // corrected 14, 4 short
        ];
        let result = carry_over(&halves);
        assert_eq!(
            result
                .iter()
                .map(|h| (h.carry_over, h.corrected_target, h.balance))
                .collect::<Vec<_>>(),
            [(0, 20, -6), (6, 24, 6), (-6, 14, -4)]
        );
    }

    #[test]
    fn a_half_year_without_a_task_still_carries_the_shortfall() {
        let halves = [
            HalfYearInput {
                target: Some(10),
                housed: 4,
            },
            HalfYearInput {
                target: None,
                housed: 2,
            },
        ];
        let result = carry_over(&halves);
        assert_eq!(result[1].corrected_target, 6);
        assert_eq!(result[1].balance, -4);
    }

    #[test]
    fn pace_thresholds() {
        // 24 persons over the half year: after 3 months 12 are expected.
        assert_eq!(pace(24, 12, 3).state, PaceState::OnTrack);
        assert_eq!(pace(24, 12, 3).expected, Decimal::from(12));
        assert_eq!(pace(24, 10, 3).state, PaceState::SlightlyBehind); // 10 >= 9.6
        assert_eq!(pace(24, 9, 3).state, PaceState::Behind);
        assert_eq!(pace(24, 0, 0).state, PaceState::OnTrack);
        assert_eq!(pace(7, 1, 1).expected, "1.17".parse::<Decimal>().unwrap());
    }
}
