//! Money is exact: euros as [`Decimal`] in the domain, integer cents in the database.

use rust_decimal::Decimal;

/// Converts an amount in euros with at most two decimals to cents.
/// Returns `None` when the amount has more than two decimals or does not fit.
pub fn to_cents(euros: Decimal) -> Option<i64> {
    let cents = euros.checked_mul(Decimal::ONE_HUNDRED)?;
    if cents.fract() != Decimal::ZERO {
        return None;
    }
    i64::try_from(cents.trunc()).ok()
}

/// Converts cents back to euros, exactly.
pub fn from_cents(cents: i64) -> Decimal {
    Decimal::new(cents, 2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn cents_round_trip_is_exact() {
        let amount = Decimal::from_str("713.02").unwrap();
        assert_eq!(to_cents(amount), Some(71302));
        assert_eq!(from_cents(71302), amount);
    }

    #[test]
    fn more_than_two_decimals_has_no_cents() {
        assert_eq!(to_cents(Decimal::from_str("713.025").unwrap()), None);
        assert_eq!(to_cents(Decimal::from_str("713.020").unwrap()), Some(71302));
    }
}
