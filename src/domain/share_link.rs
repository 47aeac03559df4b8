//! Deellink (share link): a read-only link to a published half-year report that the
//! municipality hands to the council or the public. It lasts a chosen number of days (default
//! [`DEFAULT_DAYS`], at most [`MAX_DAYS`]) and opens until it expires or is revoked.

use chrono::{NaiveDateTime, TimeDelta};

/// How long a link lasts when no other number of days is chosen.
pub const DEFAULT_DAYS: u32 = 90;
/// The longest a link may last: a year, so a forgotten link does not stay open for good.
pub const MAX_DAYS: u32 = 365;
/// Longest label (for whom the link is), in characters.
pub const LABEL_MAX: usize = 100;

/// Why a link cannot be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShareLinkProblem {
    /// Days outside 1 to [`MAX_DAYS`].
    Days,
    /// A label over [`LABEL_MAX`] characters or with control characters.
    Label,
}

/// How long a link of `days` lasts: 1 to [`MAX_DAYS`] days.
pub fn lifetime(days: u32) -> Result<TimeDelta, ShareLinkProblem> {
    if (1..=MAX_DAYS).contains(&days) {
        Ok(TimeDelta::days(i64::from(days)))
    } else {
        Err(ShareLinkProblem::Days)
    }
}

/// A label is optional (empty is none), one line of at most [`LABEL_MAX`] characters.
pub fn check_label(label: &str) -> Result<Option<&str>, ShareLinkProblem> {
    let label = label.trim();
    if label.is_empty() {
        return Ok(None);
    }
    if label.chars().count() > LABEL_MAX || label.chars().any(char::is_control) {
        return Err(ShareLinkProblem::Label);
    }
    Ok(Some(label))
}

/// Whether a link opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkState {
    Open,
    Revoked,
    /// From `expires_at` on.
    Expired,
}

/// The state of a link at `now`; a revoked link stays revoked after it would have expired.
pub fn link_state(
    expires_at: NaiveDateTime,
    revoked_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> LinkState {
    if revoked_at.is_some_and(|at| at <= now) {
        LinkState::Revoked
    } else if now >= expires_at {
        LinkState::Expired
    } else {
        LinkState::Open
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(hour: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 11, 30)
            .unwrap()
            .and_hms_opt(hour, 0, 0)
            .unwrap()
    }

    #[test]
    fn a_link_lasts_one_to_365_days() {
        assert_eq!(lifetime(0), Err(ShareLinkProblem::Days));
        assert_eq!(lifetime(1), Ok(TimeDelta::days(1)));
        assert_eq!(lifetime(DEFAULT_DAYS), Ok(TimeDelta::days(90)));
        assert_eq!(lifetime(365), Ok(TimeDelta::days(365)));
        assert_eq!(lifetime(366), Err(ShareLinkProblem::Days));
    }

    #[test]
    fn a_link_opens_until_the_moment_it_expires_or_is_revoked() {
        assert_eq!(link_state(at(12), None, at(11)), LinkState::Open);
        assert_eq!(link_state(at(12), None, at(12)), LinkState::Expired);
        assert_eq!(link_state(at(12), Some(at(10)), at(11)), LinkState::Revoked);
        assert_eq!(link_state(at(12), Some(at(10)), at(13)), LinkState::Revoked);
    }

    #[test]
    fn a_label_is_optional_and_one_line() {
        assert_eq!(check_label("  "), Ok(None));
        assert_eq!(check_label(" gemeenteraad "), Ok(Some("gemeenteraad")));
        assert_eq!(check_label("a\nb"), Err(ShareLinkProblem::Label));
        assert!(check_label(&"x".repeat(LABEL_MAX)).is_ok());
        assert_eq!(
            check_label(&"x".repeat(LABEL_MAX + 1)),
            Err(ShareLinkProblem::Label)
        );
    }
}
