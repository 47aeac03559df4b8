//! Submissions (aanleveringen) and completeness (volledigheid): a corporation declares a month
//! of a municipality complete, and receives a receipt with the SHA-256 digest of the month's
//! records in a canonical form ([`canonical_line`], documented in `docs/api.md`, "Declaring a
//! month complete"), so it can prove later what it delivered. A month is then `declared` while
//! its records still give that digest, `stale` once they do not; an undeclared month is
//! `future` until it has ended, `missing` until the agreement's data deadline, and `late` from
//! that day ([`month_state`]).
//!
//! Why a digest and no change counter: the digest is computed from the records as committed,
//! at the moment of reading, so it is right whichever instance wrote the records or the
//! declaration, and whatever path changed them; a declaration racing a correction stores the
//! digest of what it read, and the correction then shows as `stale`.

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

/// The submitted facts of one letting, as the canonical form writes them (money in cents).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CanonicalRecord {
    pub reference: String,
    pub municipality: String,
    pub contract_start: NaiveDate,
    pub rent_cents: i64,
    pub household_size: i32,
    pub household_income_cents: i64,
    pub pension_age: bool,
    pub route: String,
    pub urgency: Option<String>,
    pub excluded_reason: Option<String>,
    pub passend_exception: bool,
    pub allocation_date: NaiveDate,
    pub status_holder: bool,
}

/// The fields of a canonical line, in order.
pub const CANONICAL_FIELDS: [&str; 13] = [
    "reference",
    "municipality",
    "contract_start",
    "rent",
    "household_size",
    "household_income",
    "pension_age",
    "route",
    "urgency",
    "excluded_reason",
    "passend_exception",
    "allocation_date",
    "status_holder",
];

/// A text value: `\` `;` line feed and carriage return escaped as `\\` `\;` `\n` `\r`, so a
/// line always has 13 fields and ends at its one line feed.
fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out
}

/// An amount in cents as euros with a decimal point and exactly two decimals (`745.00`).
fn money(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

fn boolean(value: bool) -> &'static str {
    if value {
        "true"
    } else {
        "false"
    }
}

/// One record as its canonical line: the fields of [`CANONICAL_FIELDS`] separated by `;`,
/// ended by a line feed. Dates `YYYY-MM-DD`; money with a point and two decimals; integers in
/// plain digits; booleans `true`/`false`; an absent value empty.
pub fn canonical_line(r: &CanonicalRecord) -> String {
    let optional = |v: &Option<String>| v.as_deref().map(text).unwrap_or_default();
    let fields = [
        text(&r.reference),
        text(&r.municipality),
        r.contract_start.format("%Y-%m-%d").to_string(),
        money(r.rent_cents),
        r.household_size.to_string(),
        money(r.household_income_cents),
        boolean(r.pension_age).to_string(),
        text(&r.route),
        optional(&r.urgency),
        optional(&r.excluded_reason),
        boolean(r.passend_exception).to_string(),
        r.allocation_date.format("%Y-%m-%d").to_string(),
        boolean(r.status_holder).to_string(),
    ];
    let mut line = fields.join(";");
    line.push('\n');
    line
}

/// The records of a month as a receipt states them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthDigest {
    pub lettings: usize,
    /// SHA-256 of the canonical lines, in lowercase hexadecimal.
    pub digest: String,
}

/// The digest of a month's records: their canonical lines in the byte order of their
/// references (references are unique per corporation), concatenated. No records: the digest
/// of nothing (`e3b0c442…b855`).
pub fn month_digest(mut records: Vec<CanonicalRecord>) -> MonthDigest {
    // Byte order, never a database collation: PostgreSQL's may sort `-` and `.` otherwise.
    records.sort_by(|a, b| a.reference.as_bytes().cmp(b.reference.as_bytes()));
    let mut hasher = Sha256::new();
    for record in &records {
        hasher.update(canonical_line(record).as_bytes());
    }
    MonthDigest {
        lettings: records.len(),
        digest: hex::encode(hasher.finalize()),
    }
}

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    pub year: i32,
    /// 1 to 12.
    pub month: u32,
}

impl Month {
    pub fn new(year: i32, month: u32) -> Option<Self> {
        NaiveDate::from_ymd_opt(year, month, 1).map(|_| Self { year, month })
    }

    /// The month as stored with lettings and declarations: `year * 100 + month` (202603).
    pub fn key(&self) -> i32 {
        self.year * 100 + self.month as i32
    }

    pub fn from_key(key: i32) -> Option<Self> {
        u32::try_from(key % 100)
            .ok()
            .and_then(|m| Self::new(key / 100, m))
    }

    pub fn first_day(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(NaiveDate::MIN)
    }

    /// The first day of the month after this one.
    pub fn next_first_day(&self) -> NaiveDate {
        let (year, month) = if self.month == 12 {
            (self.year + 1, 1)
        } else {
            (self.year, self.month + 1)
        };
        NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(NaiveDate::MAX)
    }

    /// The last day of the month.
    pub fn last_day(&self) -> NaiveDate {
        self.next_first_day().pred_opt().unwrap_or(NaiveDate::MIN)
    }

    /// The twelve months of a year.
    pub fn of_year(year: i32) -> impl Iterator<Item = Month> {
        (1..=12).map(move |month| Month { year, month })
    }

    /// Not begun on `today`: nothing to declare yet.
    pub fn is_future(&self, today: NaiveDate) -> bool {
        self.first_day() > today
    }

    /// Over on `today`: its last day has passed.
    pub fn has_ended(&self, today: NaiveDate) -> bool {
        self.next_first_day() <= today
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl std::str::FromStr for Month {
    type Err = String;
    /// `YYYY-MM`, a year from 1900 to 2999.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let wrong = || format!("{text:?} is not a month; write it as YYYY-MM, e.g. 2026-03");
        let (year, month) = text.split_once('-').ok_or_else(wrong)?;
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(year, 4) || !digits(month, 2) {
            return Err(wrong());
        }
        let year: i32 = year.parse().map_err(|_| wrong())?;
        let month: u32 = month.parse().map_err(|_| wrong())?;
        if !(1900..=2999).contains(&year) {
            return Err(wrong());
        }
        Month::new(year, month).ok_or_else(wrong)
    }
}

/// Where a corporation's month stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MonthState {
    /// Declared complete, and the records still give the declared digest.
    Declared,
    /// Declared, but the records changed since: to be declared again.
    Stale,
    /// Ended, not declared, before the data deadline.
    Missing,
    /// Not declared, on or after the data deadline.
    Late,
    /// Not ended yet, and not declared.
    Future,
}

impl MonthState {
    pub fn as_str(&self) -> &'static str {
        match self {
            MonthState::Declared => "declared",
            MonthState::Stale => "stale",
            MonthState::Missing => "missing",
            MonthState::Late => "late",
            MonthState::Future => "future",
        }
    }

    /// Declared with the current records: the only state in which a month counts as complete.
    pub fn is_complete(&self) -> bool {
        *self == MonthState::Declared
    }
}

/// The state of `month` on `today`. `declared` is `None` without a declaration, otherwise
/// whether the latest declaration's digest is the current one; `deadline` is the first day on
/// which the month's year is late ([`crate::domain::agreement::DataDeadline::for_year`]).
///
/// A declaration decides first: a month declared early (while it runs) is `declared` until
/// its records change. A stale month stays `stale` after the deadline: it was declared, and
/// the answer says so; it is not complete either way.
pub fn month_state(
    month: Month,
    today: NaiveDate,
    deadline: NaiveDate,
    declared: Option<bool>,
) -> MonthState {
    match declared {
        Some(true) => MonthState::Declared,
        Some(false) => MonthState::Stale,
        None if !month.has_ended(today) => MonthState::Future,
        None if today >= deadline => MonthState::Late,
        None => MonthState::Missing,
    }
}

#[cfg(test)]
mod tests;
