//! Reporting periods: a month `2026-03`, a quarter `2026-Q2`, a half year `2026-H1` or a
//! year `2026`. A letting belongs to the period that holds its contract_start.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Period {
    Year(i32),
    Half(i32, u8),
    Quarter(i32, u8),
    Month(i32, u8),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a period; use a year (2026), a half year (2026-H1), a quarter (2026-Q2) or a month (2026-03)")]
pub struct PeriodParseError(pub String);

/// Years a period may name; wide enough for any history, narrow enough for valid dates.
const YEARS: std::ops::RangeInclusive<i32> = 1900..=2999;

impl FromStr for Period {
    type Err = PeriodParseError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let err = || PeriodParseError(text.to_string());
        let trimmed = text.trim();
        let (year_text, rest) = match trimmed.split_once('-') {
            Some((y, r)) => (y, Some(r)),
            None => (trimmed, None),
        };
        if year_text.len() != 4 || !year_text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err());
        }
        let year: i32 = year_text.parse().map_err(|_| err())?;
        if !YEARS.contains(&year) {
            return Err(err());
        }
        let Some(rest) = rest else {
            return Ok(Period::Year(year));
        };
        let number = |digits: &str, max: u8| -> Result<u8, PeriodParseError> {
            if digits.is_empty() || digits.len() > 2 || !digits.bytes().all(|b| b.is_ascii_digit())
            {
                return Err(err());
            }
            let n: u8 = digits.parse().map_err(|_| err())?;
            if (1..=max).contains(&n) {
                Ok(n)
            } else {
                Err(err())
            }
        };
        match rest.as_bytes().first() {
            Some(b'H' | b'h') if rest.len() == 2 => Ok(Period::Half(year, number(&rest[1..], 2)?)),
            Some(b'Q' | b'q') if rest.len() == 2 => {
                Ok(Period::Quarter(year, number(&rest[1..], 4)?))
            }
            Some(b'0'..=b'9') if rest.len() == 2 => Ok(Period::Month(year, number(rest, 12)?)),
            _ => Err(err()),
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Year(y) => write!(f, "{y}"),
            Period::Half(y, h) => write!(f, "{y}-H{h}"),
            Period::Quarter(y, q) => write!(f, "{y}-Q{q}"),
            Period::Month(y, m) => write!(f, "{y}-{m:02}"),
        }
    }
}

impl Period {
    pub fn year(&self) -> i32 {
        match *self {
            Period::Year(y) | Period::Half(y, _) | Period::Quarter(y, _) | Period::Month(y, _) => y,
        }
    }

    /// First and last month (1–12) of the period.
    fn months(&self) -> (u32, u32) {
        match *self {
            Period::Year(_) => (1, 12),
            Period::Half(_, h) => (u32::from(h) * 6 - 5, u32::from(h) * 6),
            Period::Quarter(_, q) => (u32::from(q) * 3 - 2, u32::from(q) * 3),
            Period::Month(_, m) => (u32::from(m), u32::from(m)),
        }
    }

    /// The first day of the period.
    pub fn first_day(&self) -> NaiveDate {
        let (first, _) = self.months();
        first_of_month(self.year(), first)
    }

    /// The last day of the period (inclusive).
    pub fn last_day(&self) -> NaiveDate {
        let (_, last) = self.months();
        let next = if last == 12 {
            first_of_month(self.year() + 1, 1)
        } else {
            first_of_month(self.year(), last + 1)
        };
        next.pred_opt().unwrap_or(next)
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        self.first_day() <= date && date <= self.last_day()
    }

    /// The months of the period, in order.
    pub fn month_periods(&self) -> Vec<Period> {
        let (first, last) = self.months();
        (first..=last)
            .map(|m| Period::Month(self.year(), m as u8))
            .collect()
    }
}

/// The month key stored with every letting: `year * 100 + month`, e.g. 202603.
pub fn month_key(date: NaiveDate) -> i32 {
    date.year() * 100 + date.month() as i32
}

fn first_of_month(year: i32, month: u32) -> NaiveDate {
    // Years are limited to YEARS and months to 1..=12, so the date always exists.
    NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(NaiveDate::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn every_period_form_parses_with_its_bounds() {
        let cases = [
            ("2026", "2026-01-01", "2026-12-31"),
            ("2026-H1", "2026-01-01", "2026-06-30"),
            ("2026-H2", "2026-07-01", "2026-12-31"),
            ("2026-Q1", "2026-01-01", "2026-03-31"),
            ("2026-Q4", "2026-10-01", "2026-12-31"),
            ("2026-02", "2026-02-01", "2026-02-28"),
            ("2028-02", "2028-02-01", "2028-02-29"),
            ("2026-12", "2026-12-01", "2026-12-31"),
        ];
        for (text, from, to) in cases {
            let p: Period = text.parse().unwrap();
            assert_eq!(p.to_string(), text);
            assert_eq!(p.first_day(), date(from), "{text}");
            assert_eq!(p.last_day(), date(to), "{text}");
        }
    }

    #[test]
    fn lower_case_half_and_quarter_are_accepted() {
        assert_eq!("2026-h2".parse::<Period>().unwrap(), Period::Half(2026, 2));
        assert_eq!(
            "2026-q3".parse::<Period>().unwrap(),
            Period::Quarter(2026, 3)
        );
    }

    #[test]
    fn nonsense_is_refused() {
        for bad in [
            "",
            "26",
            "2026-H3",
            "2026-Q0",
            "2026-13",
            "2026-00",
            "2026-1",
            "2026-H",
            "20260",
            "2026-03-01",
            "abcd",
            "2026-Q12",
        ] {
            assert!(bad.parse::<Period>().is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn year_boundary_dates_fall_in_their_own_year() {
        let h2: Period = "2025-H2".parse().unwrap();
        assert!(h2.contains(date("2025-12-31")));
        assert!(!h2.contains(date("2026-01-01")));
        assert_eq!(month_key(date("2025-12-31")), 202512);
        assert_eq!(month_key(date("2026-01-01")), 202601);
    }

    #[test]
    fn months_of_a_quarter() {
        let q: Period = "2026-Q2".parse().unwrap();
        let months: Vec<String> = q.month_periods().iter().map(|p| p.to_string()).collect();
        assert_eq!(months, ["2026-04", "2026-05", "2026-06"]);
    }
}
