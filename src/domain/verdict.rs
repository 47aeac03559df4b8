//! Het oordeel op de eerste pagina van de halfjaarrapportage (verkeerslicht in woorden): each
//! state of a metric said the same way for every metric, so a reader who is not a specialist
//! reads the summary at a glance. The detailed tables keep the words that fit the direction of
//! each limit (see the report's labels); the summary uses these four, with a colour that never
//! stands alone.

use rust_decimal::Decimal;

/// The colour of a verdict. The word always goes with it: colour alone is lost in a black and
/// white print and on a colour-blind reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Light {
    Green,
    Amber,
    Red,
    Grey,
}

impl Light {
    /// `green`, `amber`, `red`, `grey` (a CSS class, a PDF colour).
    pub fn as_str(&self) -> &'static str {
        match self {
            Light::Green => "green",
            Light::Amber => "amber",
            Light::Red => "red",
            Light::Grey => "grey",
        }
    }
}

/// Het oordeel over één cijfer: gehaald, bijna aan de grens, niet gehaald, te weinig
/// verhuringen om te beoordelen (or no limit). `state` is the quota state (`ok`, `warning`,
/// `breach`, `insufficient_data`, `no_limit`); a state this code does not know is judged as
/// no limit, never as met.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    pub light: Light,
    pub nl: &'static str,
    pub en: &'static str,
}

/// The verdict ("oordeel") of a quota state on the summary page.
pub fn verdict(state: &str) -> Verdict {
    let (light, nl, en) = match state {
        "ok" => (Light::Green, "gehaald", "met"),
        "warning" => (Light::Amber, "bijna aan de grens", "close to the limit"),
        "breach" => (Light::Red, "niet gehaald", "not met"),
        "insufficient_data" => (
            Light::Grey,
            "te weinig verhuringen om te beoordelen",
            "too few lettings to judge",
        ),
        _ => (Light::Grey, "geen norm", "no limit"),
    };
    Verdict { light, nl, en }
}

/// Whether a state asks for the meeting's attention (a bespreekpunt): near or past its limit.
pub fn needs_discussion(state: &str) -> bool {
    matches!(state, "warning" | "breach")
}

/// Whether a category of the woonruimteverdelingslijst lags its plan enough to discuss:
/// fewer than 80% of the lettings expected pro rata (the same margin as the status-holder
/// task's "slightly behind"), and at least 5 expected, so one letting more or less in a small
/// category is no point for the meeting.
pub fn plan_lags(expected_to_date: Decimal, realised: i64) -> bool {
    expected_to_date >= Decimal::from(5)
        && Decimal::from(realised) < expected_to_date * Decimal::new(8, 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_has_one_word_and_a_colour() {
        assert_eq!(verdict("ok").nl, "gehaald");
        assert_eq!(verdict("ok").light, Light::Green);
        assert_eq!(verdict("warning").nl, "bijna aan de grens");
        assert_eq!(verdict("warning").light, Light::Amber);
        assert_eq!(verdict("breach").nl, "niet gehaald");
        assert_eq!(verdict("breach").light, Light::Red);
        assert_eq!(
            verdict("insufficient_data").nl,
            "te weinig verhuringen om te beoordelen"
        );
        assert_eq!(verdict("no_limit").nl, "geen norm");
    }

    #[test]
    fn an_unknown_state_is_never_read_as_met() {
        let v = verdict("something_new");
        assert_eq!(v.light, Light::Grey);
        assert_ne!(v.nl, "gehaald");
        assert!(!needs_discussion("something_new"));
        assert!(needs_discussion("warning") && needs_discussion("breach"));
        assert!(!needs_discussion("ok") && !needs_discussion("insufficient_data"));
    }

    #[test]
    fn a_plan_category_lags_below_eighty_percent_of_at_least_five_expected() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        // 8 of 10 expected is exactly 80%: not lagging; 7 is.
        assert!(!plan_lags(d("10"), 8));
        assert!(plan_lags(d("10"), 7));
        // Under 5 expected: never a point, however few were let.
        assert!(!plan_lags(d("4.99"), 0));
        assert!(plan_lags(d("5"), 3));
        assert!(!plan_lags(d("5"), 4));
    }
}
