//! Values that pass every rule of the contract but are unlikely, so a person should look at
//! them before declaring a month complete: most often a monthly income where a yearly one
//! belongs, or an amount whose thousands separator was read as a decimal one. A warning never
//! blocks a record.

use rust_decimal::Decimal;

use crate::domain::letting::LettingInput;

/// A yearly household income below this is probably a monthly figure or a misread amount
/// (the bijstandsnorm for a single person is about €15000 a year).
pub const LOW_YEARLY_INCOME: Decimal = Decimal::from_parts(5000, 0, 0, false, 0);
/// A monthly bare rent below this is far under any kwaliteitskortingsgrens (€498.20 in 2026).
pub const LOW_MONTHLY_RENT: Decimal = Decimal::from_parts(100, 0, 0, false, 0);
/// A monthly bare rent above this is more than twice any huurgrens DAEB: probably a yearly
/// figure.
pub const HIGH_MONTHLY_RENT: Decimal = Decimal::from_parts(2500, 0, 0, false, 0);
/// Households larger than this are rare enough to check.
pub const LARGE_HOUSEHOLD: u8 = 12;

/// One unlikely value of a valid record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub field: &'static str,
    pub message: String,
}

/// The unlikely values of a valid letting, in field order; empty for an ordinary one.
pub fn warnings(letting: &LettingInput) -> Vec<Warning> {
    figure_warnings(
        letting.rent,
        letting.household_size,
        letting.household_income,
    )
}

/// [`warnings`] on the figures it looks at (rent, household size, yearly income).
pub fn figure_warnings(
    rent: Decimal,
    household_size: u8,
    household_income: Decimal,
) -> Vec<Warning> {
    let mut found = Vec::new();
    if rent < LOW_MONTHLY_RENT {
        found.push(Warning {
            field: "rent",
            message: format!(
                "a monthly bare rent of €{} is unusually low (under €{LOW_MONTHLY_RENT}); check the amount and its decimal separator",
                rent
            ),
        });
    } else if rent > HIGH_MONTHLY_RENT {
        found.push(Warning {
            field: "rent",
            message: format!(
                "a monthly bare rent of €{} is unusually high (over €{HIGH_MONTHLY_RENT}); is it a yearly figure?",
                rent
            ),
        });
    }
    if household_size > LARGE_HOUSEHOLD {
        found.push(Warning {
            field: "household_size",
            message: format!(
                "a household of {} persons is rare (more than {LARGE_HOUSEHOLD}); check the number",
                household_size
            ),
        });
    }
    if household_income < LOW_YEARLY_INCOME {
        found.push(Warning {
            field: "household_income",
            message: format!(
                "a yearly household income of €{} is unusually low (under €{LOW_YEARLY_INCOME}); is it a monthly figure, or was a thousands separator read as a decimal one?",
                household_income
            ),
        });
    }
    found
}
