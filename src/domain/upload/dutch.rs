//! The Dutch value rules of the semicolon dialect: what Dutch Excel and the housing ERPs write
//! for a date, a yes/no and an amount. Pure functions; each reads one cell.

use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::domain::problem::echo;

/// A date as `D-M-YYYY` or `DD-MM-YYYY` (`3-11-2026`, `03-11-2026`): `None` when the cell has
/// another shape (an ISO date, or no date at all), so the field's own check judges it; the
/// problem when it has this shape but is no day of the calendar (`31-2-2026`).
pub fn parse_day_month_year(cell: &str) -> Option<Result<NaiveDate, String>> {
    let text = cell.trim();
    let mut parts = text.split('-');
    let (day, month, year) = (parts.next()?, parts.next()?, parts.next()?);
    let digits = |s: &str, lengths: std::ops::RangeInclusive<usize>| {
        lengths.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    if parts.next().is_some()
        || !digits(day, 1..=2)
        || !digits(month, 1..=2)
        || !digits(year, 4..=4)
    {
        return None;
    }
    let number = |s: &str| s.parse::<u32>().unwrap_or(0);
    let year = i32::try_from(number(year)).unwrap_or(0);
    Some(
        NaiveDate::from_ymd_opt(year, number(month), number(day)).ok_or_else(|| {
            format!("{text:?} is not a date (day-month-year); use e.g. 1-3-2026 or 2026-03-01")
        }),
    )
}

/// `ja`/`nee` and `WAAR`/`ONWAAR` (Dutch Excel's TRUE and FALSE), in any case; `None` for
/// anything else, which the field's own check reads (`true`, `false`, `1`, `0`).
pub fn parse_dutch_bool(cell: &str) -> Option<bool> {
    match cell.trim().to_lowercase().as_str() {
        "ja" | "waar" => Some(true),
        "nee" | "onwaar" => Some(false),
        _ => None,
    }
}

/// An amount in euros as the semicolon dialect writes it: an optional `€` and spaces
/// (`€ 745,00`, `745,00 €`), a decimal comma or point, and a dot as thousands separator.
/// Money has at most two decimals, so a dot before a group of three digits can only separate
/// thousands: `24.500` is 24500, `1.234,56` is 1234.56, `745.50` is 745.5. A value that could
/// still be read two ways (`1,234`: a thousands comma, or three decimals) is refused, never
/// guessed.
pub fn parse_dutch_amount(cell: &str) -> Result<Decimal, String> {
    let shown = cell.trim();
    let compact: String = shown
        .chars()
        .filter(|c| *c != '€' && !c.is_whitespace())
        .collect();
    let (negative, unsigned) = match compact.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, compact.as_str()),
    };
    let not_a_number = || {
        format!(
            "{:?} is not an amount; write e.g. 745,00 or 1.234,56 or 24500",
            echo(shown)
        )
    };
    if unsigned.is_empty()
        || !unsigned
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b',')
    {
        return Err(not_a_number());
    }
    let (whole, decimals) = match unsigned.split_once(',') {
        Some((whole, decimals)) => {
            if decimals.contains([',', '.']) {
                return Err(format!(
                    "{:?} reads two ways (is the comma a thousands separator?); in a semicolon-separated file the comma is the decimal separator: write e.g. 1234,56",
                    echo(shown)
                ));
            }
            if decimals.len() == 3 && !whole.contains('.') {
                return Err(format!(
                    "{:?} reads two ways: {whole}{decimals} with a thousands comma, or {whole},{decimals} with three decimals (money has at most 2); write {whole}{decimals} or {whole}.{decimals} for the first",
                    echo(shown)
                ));
            }
            (whole, Some(decimals))
        }
        None => match unsigned.rsplit_once('.') {
            // One dot before one or two digits: a decimal point.
            Some((whole, decimals))
                if !whole.contains('.') && (1..=2).contains(&decimals.len()) =>
            {
                (whole, Some(decimals))
            }
            _ => (unsigned, None),
        },
    };
    let whole = thousands(whole).ok_or_else(|| match decimals {
        None if whole.matches('.').count() == 1
            && whole.rsplit('.').next().is_some_and(|d| d.len() > 2) =>
        {
            format!(
            "{:?} has more than 2 decimals, and its dot does not separate thousands; money has at most 2 decimals",
            echo(shown)
            )
        }
        _ => not_a_number(),
    })?;
    let decimals = decimals.unwrap_or("");
    if decimals.len() > 2 {
        return Err(format!(
            "{:?} has more than 2 decimals; money has at most 2",
            echo(shown)
        ));
    }
    if decimals.is_empty() && unsigned.ends_with([',', '.']) {
        return Err(not_a_number());
    }
    let plain = if decimals.is_empty() {
        whole
    } else {
        format!("{whole}.{decimals}")
    };
    let amount = Decimal::from_str(&plain).map_err(|_| not_a_number())?;
    Ok(if negative { -amount } else { amount })
}

/// The digits of a whole number written plainly (`24500`) or with a dot between each group of
/// three (`24.500`, `1.234.567`); `None` for any other use of dots (`2.45`, `0.500`).
fn thousands(whole: &str) -> Option<String> {
    if whole.is_empty() {
        return None;
    }
    if !whole.contains('.') {
        return Some(whole.to_string());
    }
    let mut groups = whole.split('.');
    let first = groups.next()?;
    let first_ok = (1..=3).contains(&first.len()) && !first.starts_with('0');
    let mut digits = first.to_string();
    for group in groups {
        if group.len() != 3 {
            return None;
        }
        digits.push_str(group);
    }
    first_ok.then_some(digits)
}
