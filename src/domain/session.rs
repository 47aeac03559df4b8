//! Sessions and passwords of people in the web portal (*inloggen op het portaal*): when a
//! session has expired, when its last use is worth writing down, what a password and an e-mail
//! address must be. Pure rules; hashing and storage are the services'.

use chrono::{NaiveDateTime, TimeDelta};

/// How long a session lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    /// Unused this long, the session ends (idle expiry).
    pub idle: TimeDelta,
    /// This long after login, the session ends however busy it is (absolute expiry).
    pub absolute: TimeDelta,
}

/// Whether a session may still be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionState {
    Alive,
    /// Not used for longer than the idle time.
    Idle,
    /// Older than the absolute lifetime.
    TooOld,
}

impl SessionPolicy {
    /// The state at `now` of a session begun at `created` and last used at `last_seen`. A session
    /// is alive up to and including the very moment its limit is reached.
    pub fn state(
        &self,
        created: NaiveDateTime,
        last_seen: NaiveDateTime,
        now: NaiveDateTime,
    ) -> SessionState {
        if now - created > self.absolute {
            SessionState::TooOld
        } else if now - last_seen > self.idle {
            SessionState::Idle
        } else {
            SessionState::Alive
        }
    }

    /// Whether a use at `now` should be written down: at most once a minute, or sooner for an
    /// idle time under two minutes, so a busy person does not write on every page.
    pub fn needs_touch(&self, last_seen: NaiveDateTime, now: NaiveDateTime) -> bool {
        let every = (self.idle / 2).min(TimeDelta::seconds(60));
        now - last_seen >= every
    }
}

/// Shortest password, in characters (NCSC: length over composition rules).
pub const PASSWORD_MIN_CHARS: usize = 12;
/// Longest password, in characters: Argon2 hashes any length, but a limit keeps a login cheap.
pub const PASSWORD_MAX_CHARS: usize = 256;

/// Why a new password is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordProblem {
    #[error("a password has at least {PASSWORD_MIN_CHARS} characters")]
    TooShort,
    #[error("a password has at most {PASSWORD_MAX_CHARS} characters")]
    TooLong,
    #[error("the two passwords differ")]
    Differs,
}

/// Checks a new password and its repetition.
pub fn check_new_password(password: &str, repeated: &str) -> Result<(), PasswordProblem> {
    let chars = password.chars().count();
    if chars < PASSWORD_MIN_CHARS {
        Err(PasswordProblem::TooShort)
    } else if chars > PASSWORD_MAX_CHARS {
        Err(PasswordProblem::TooLong)
    } else if password != repeated {
        Err(PasswordProblem::Differs)
    } else {
        Ok(())
    }
}

/// An e-mail address as stored and compared: trimmed, lower case; `None` when it is not an
/// address (one `@` with text on both sides, a dot in the domain, no spaces, at most 254).
pub fn normalise_email(email: &str) -> Option<String> {
    let email = email.trim().to_lowercase();
    let (local, domain) = email.split_once('@')?;
    let valid = !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !email.chars().any(char::is_whitespace)
        && email.len() <= 254;
    valid.then_some(email)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(minutes: i64) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, 29)
            .unwrap()
            .and_hms_opt(8, 0, 0)
            .unwrap()
            + TimeDelta::minutes(minutes)
    }

    const POLICY: SessionPolicy = SessionPolicy {
        idle: TimeDelta::minutes(30),
        absolute: TimeDelta::hours(12),
    };

    #[test]
    fn a_session_is_alive_up_to_its_idle_limit_and_not_a_second_past_it() {
        assert_eq!(POLICY.state(at(0), at(10), at(40)), SessionState::Alive);
        let past = at(40) + TimeDelta::seconds(1);
        assert_eq!(POLICY.state(at(0), at(10), past), SessionState::Idle);
    }

    #[test]
    fn a_busy_session_still_ends_at_its_absolute_limit() {
        assert_eq!(POLICY.state(at(0), at(720), at(720)), SessionState::Alive);
        assert_eq!(POLICY.state(at(0), at(721), at(721)), SessionState::TooOld);
    }

    #[test]
    fn a_use_is_written_at_most_once_a_minute_or_at_half_a_short_idle_time() {
        assert!(!POLICY.needs_touch(at(0), at(0) + TimeDelta::seconds(59)));
        assert!(POLICY.needs_touch(at(0), at(1)));
        let short = SessionPolicy {
            idle: TimeDelta::seconds(20),
            ..POLICY
        };
        assert!(short.needs_touch(at(0), at(0) + TimeDelta::seconds(10)));
        assert!(!short.needs_touch(at(0), at(0) + TimeDelta::seconds(9)));
    }

    #[test]
    fn a_password_has_twelve_to_256_characters_counted_as_characters_not_bytes() {
        let eleven = "ééééééééééé";
        assert_eq!(
            check_new_password(eleven, eleven),
            Err(PasswordProblem::TooShort)
        );
        let twelve = "éééééééééééé";
        assert_eq!(check_new_password(twelve, twelve), Ok(()));
        let long = "a".repeat(257);
        assert_eq!(
            check_new_password(&long, &long),
            Err(PasswordProblem::TooLong)
        );
        assert_eq!(check_new_password(&long[1..], &long[1..]), Ok(()));
        assert_eq!(
            check_new_password("correct horse battery", "correct horse batterij"),
            Err(PasswordProblem::Differs)
        );
    }

    #[test]
    fn an_email_address_is_compared_in_lower_case_and_must_look_like_one() {
        assert_eq!(
            normalise_email("  Anna.de.Vries@Wassenaar.NL "),
            Some("anna.de.vries@wassenaar.nl".into())
        );
        for bad in [
            "anna",
            "@wassenaar.nl",
            "anna@",
            "anna@nl",
            "an na@x.nl",
            "a@b@c.nl",
            "a@.nl",
        ] {
            assert_eq!(normalise_email(bad), None, "{bad}");
        }
    }
}
