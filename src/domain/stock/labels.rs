//! The validity of an energy label, and the path of the E/F/G count to zero.
//!
//! An energy label (energielabel, energieprestatiecertificaat) is valid for 10 years from its
//! registration (Besluit energieprestatie gebouwen art. 2.1; Regeling energieprestatie
//! gebouwen): registered on 14 March 2016, it is valid up to and including 13 March 2026 and
//! has expired on 14 March 2026.

use chrono::{Months, NaiveDate};

/// How a label stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelValidity {
    Valid,
    /// Valid on the day, and expiring within the window after it.
    Expiring,
    Expired,
}

/// The first day a label registered on `registered` is no longer valid: `validity_years` later
/// (a label of 29 February expires on 28 February).
pub fn label_expiry(registered: NaiveDate, validity_years: u32) -> NaiveDate {
    registered
        .checked_add_months(Months::new(validity_years.saturating_mul(12)))
        .unwrap_or(NaiveDate::MAX)
}

impl LabelValidity {
    /// How a label registered on `registered` stands on `day`: expired from its expiry day on,
    /// expiring when it expires within `window_months` after `day` (its expiry day at most
    /// `window_months` later), valid otherwise.
    pub fn on(
        registered: NaiveDate,
        validity_years: u32,
        day: NaiveDate,
        window_months: u32,
    ) -> Self {
        let expiry = label_expiry(registered, validity_years);
        let window_end = day
            .checked_add_months(Months::new(window_months))
            .unwrap_or(NaiveDate::MAX);
        if expiry <= day {
            LabelValidity::Expired
        } else if expiry <= window_end {
            LabelValidity::Expiring
        } else {
            LabelValidity::Valid
        }
    }
}

/// The most E/F/G homes allowed on `day` on a straight path from `baseline` homes on
/// `baseline_date` to none on `deadline` (from 1 January 2029 none: Prestatieafspraken
/// Wassenaar §3.3; Nationale prestatieafspraken 2022): the baseline up to its date, zero from
/// the deadline on, and in between the baseline times the share of the span still to go,
/// rounded up (exact integer arithmetic, so the path never asks for a fraction of a home
/// too many).
pub fn efg_allowed(
    baseline: u64,
    baseline_date: NaiveDate,
    day: NaiveDate,
    deadline: NaiveDate,
) -> u64 {
    if day >= deadline {
        return 0;
    }
    if day <= baseline_date {
        return baseline;
    }
    let span = u128::try_from((deadline - baseline_date).num_days())
        .unwrap_or(1)
        .max(1);
    let left = u128::try_from((deadline - day).num_days()).unwrap_or(0);
    let allowed = (u128::from(baseline) * left).div_ceil(span);
    u64::try_from(allowed).unwrap_or(baseline)
}
