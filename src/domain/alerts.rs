//! Signal alerts (signalering): when a year-to-date share nears or crosses its limit
//! (signaalwaarde), an alert opens; it changes level when the state does, and is resolved when
//! the state is no longer warning or breach. At most one alert is open per metric, scope and
//! year.

use super::quota::State;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum AlertLevel {
    Warning,
    Breach,
}

impl AlertLevel {
    pub fn as_str(&self) -> &'static str {
        match self {
            AlertLevel::Warning => "warning",
            AlertLevel::Breach => "breach",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "warning" => Some(AlertLevel::Warning),
            "breach" => Some(AlertLevel::Breach),
            _ => None,
        }
    }

    /// The alert level a metric state calls for, if any.
    pub fn for_state(state: State) -> Option<Self> {
        match state {
            State::Warning => Some(AlertLevel::Warning),
            State::Breach => Some(AlertLevel::Breach),
            State::Ok | State::InsufficientData | State::NoLimit => None,
        }
    }
}

/// Whether an alert is still open (at most one per metric, scope and year) or resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertState {
    Open,
    Resolved,
}

impl AlertState {
    pub fn as_str(&self) -> &'static str {
        match self {
            AlertState::Open => "open",
            AlertState::Resolved => "resolved",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "open" => Some(AlertState::Open),
            "resolved" => Some(AlertState::Resolved),
            _ => None,
        }
    }
}

/// One recorded change of an alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertChangeKind {
    Opened,
    LevelChanged,
    Resolved,
}

impl AlertChangeKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            AlertChangeKind::Opened => "opened",
            AlertChangeKind::LevelChanged => "level_changed",
            AlertChangeKind::Resolved => "resolved",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "opened" => Some(AlertChangeKind::Opened),
            "level_changed" => Some(AlertChangeKind::LevelChanged),
            "resolved" => Some(AlertChangeKind::Resolved),
            _ => None,
        }
    }
}

/// Reading the stored spelling back: an unknown word is an error, never a guess.
macro_rules! stored_spelling {
    ($($kind:ty),*) => {$(
        impl TryFrom<String> for $kind {
            type Error = String;
            fn try_from(text: String) -> Result<Self, String> {
                Self::parse(&text)
                    .ok_or_else(|| format!("unknown {} {text:?}", stringify!($kind)))
            }
        }
    )*};
}
stored_spelling!(AlertLevel, AlertState, AlertChangeKind);

/// What to do with the alert of one metric, scope and year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertTransition {
    Open(AlertLevel),
    ChangeLevel(AlertLevel),
    Resolve,
    Nothing,
}

impl AlertTransition {
    pub fn change(&self) -> Option<AlertChangeKind> {
        match self {
            AlertTransition::Open(_) => Some(AlertChangeKind::Opened),
            AlertTransition::ChangeLevel(_) => Some(AlertChangeKind::LevelChanged),
            AlertTransition::Resolve => Some(AlertChangeKind::Resolved),
            AlertTransition::Nothing => None,
        }
    }
}

/// The transition from the open alert's level (if one is open) given the metric's new state.
pub fn transition(open: Option<AlertLevel>, state: State) -> AlertTransition {
    match (open, AlertLevel::for_state(state)) {
        (None, None) => AlertTransition::Nothing,
        (None, Some(level)) => AlertTransition::Open(level),
        (Some(_), None) => AlertTransition::Resolve,
        (Some(current), Some(level)) if current == level => AlertTransition::Nothing,
        (Some(_), Some(level)) => AlertTransition::ChangeLevel(level),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_alert_opens_changes_level_and_resolves() {
        use AlertLevel::*;
        assert_eq!(transition(None, State::Ok), AlertTransition::Nothing);
        assert_eq!(
            transition(None, State::Warning),
            AlertTransition::Open(Warning)
        );
        assert_eq!(
            transition(None, State::Breach),
            AlertTransition::Open(Breach)
        );
        assert_eq!(
            transition(Some(Warning), State::Warning),
            AlertTransition::Nothing
        );
        assert_eq!(
            transition(Some(Warning), State::Breach),
            AlertTransition::ChangeLevel(Breach)
        );
        assert_eq!(
            transition(Some(Breach), State::Warning),
            AlertTransition::ChangeLevel(Warning)
        );
        assert_eq!(
            transition(Some(Breach), State::Ok),
            AlertTransition::Resolve
        );
        // Withdrawals can bring the denominator below the minimum: the signal is gone.
        assert_eq!(
            transition(Some(Warning), State::InsufficientData),
            AlertTransition::Resolve
        );
        assert_eq!(
            transition(None, State::InsufficientData),
            AlertTransition::Nothing
        );
        assert_eq!(
            transition(Some(Breach), State::NoLimit),
            AlertTransition::Resolve
        );
    }
}
