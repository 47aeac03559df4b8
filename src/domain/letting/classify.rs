//! Classifying a valid letting against the national norms of its allocation year: sociale
//! verhuring or not, huurklasse, within the aftoppingsgrens, income above the DAEB limit
//! (vrije toewijzingsruimte), passend toewijzen, urgency.

use super::{LettingInput, RentClass};
use crate::domain::norms::ApplicableNorms;

/// What a letting is, judged against its year's norms. Stored with the letting so that
/// every aggregate is a plain count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Classification {
    /// The year whose norms were applied: the allocation year, or the latest known year when
    /// that has none yet.
    pub norms_year: i32,
    /// The allocation year had no norms yet; reclassified when they are added.
    pub norms_provisional: bool,
    /// Sociale verhuring: rent at or below the huurgrens DAEB-toewijzing.
    pub is_social: bool,
    pub rent_class: RentClass,
    /// In every quota denominator: social and not excluded (withdrawal is tracked apart).
    pub is_counted: bool,
    /// Rent at or below the 2e (high) aftoppingsgrens.
    pub within_rent_cap: bool,
    /// Household income above the DAEB income limit for its size (vrije toewijzingsruimte).
    pub income_above_limit: bool,
    /// Counted, income at or below the passend-toewijzen limit and no passend exception.
    pub in_passend_denominator: bool,
    /// In the passend denominator and rent at or below the aftoppingsgrens for its size.
    pub passend_compliant: bool,
    /// Housed under an urgency category.
    pub is_urgent: bool,
}

/// Classifies a letting against the norms that apply to its allocation year
/// ([`NormsTable::applicable`](crate::domain::norms::NormsTable::applicable) of
/// `letting.allocation_date.year()`).
pub fn classify(letting: &LettingInput, applicable: ApplicableNorms<'_>) -> Classification {
    let norms = applicable.norms;
    let rent = letting.rent;
    let rent_class = if rent <= norms.quality_discount_limit {
        RentClass::UpToQualityDiscountLimit
    } else if rent <= norms.rent_cap_low {
        RentClass::UpToRentCapLow
    } else if rent <= norms.rent_cap_high {
        RentClass::UpToRentCapHigh
    } else if rent <= norms.social_rent_limit {
        RentClass::UpToSocialRentLimit
    } else {
        RentClass::NonSocial
    };
    let is_social = rent <= norms.social_rent_limit;
    let is_counted = is_social && letting.excluded_reason.is_none();
    let income_within_passend = letting.household_income
        <= norms.passend_income_limit(letting.household_size, letting.pension_age);
    let in_passend_denominator = is_counted && income_within_passend && !letting.passend_exception;
    Classification {
        norms_year: norms.year,
        norms_provisional: applicable.provisional,
        is_social,
        rent_class,
        is_counted,
        within_rent_cap: rent <= norms.rent_cap_high,
        income_above_limit: letting.household_income
            > norms.social_income_limit(letting.household_size),
        in_passend_denominator,
        passend_compliant: in_passend_denominator
            && rent <= norms.passend_rent_cap(letting.household_size),
        is_urgent: letting.urgency.is_some(),
    }
}
