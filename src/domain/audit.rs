//! The audit trail (*audittrail*): who changed what, and when. An event names the organisation,
//! the token (or, for the portal to come, the person) and the channel, the municipality where
//! there is one, an action, its subject, and details that are counts and ids only: the type of
//! [`AuditEvent::details`] admits no text, so a submitted value (a rent, an income, a household,
//! a note's words) cannot end up in the trail.
//!
//! Notes on alerts (*notities bij een signaal*) are checked here too: 1 to
//! [`NOTE_MAX_CHARS`] characters.

use std::collections::BTreeMap;

/// How a change reached the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// An API request with a bearer token.
    Api,
    /// The command line, run by an operator on the server.
    Cli,
    /// The web portal, by a person logged in with their organisation's rights.
    Web,
}

impl Via {
    pub fn as_str(&self) -> &'static str {
        match self {
            Via::Api => "api",
            Via::Cli => "cli",
            Via::Web => "web",
        }
    }
}

/// Who made a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The organisation acting; on the command line, the organisation the change concerns.
    pub organisation: String,
    /// The API token used, when there was one.
    pub token_id: Option<i64>,
    /// The person (their e-mail address) who acted in the web portal.
    pub person: Option<String>,
    pub via: Via,
}

impl Actor {
    /// A request authenticated by token `token_id` of `organisation`.
    pub fn api(organisation: &str, token_id: i64) -> Self {
        Self {
            organisation: organisation.to_string(),
            token_id: Some(token_id),
            person: None,
            via: Via::Api,
        }
    }

    /// A person logged in to the web portal, acting for `organisation`.
    pub fn web(organisation: &str, person: &str) -> Self {
        Self {
            organisation: organisation.to_string(),
            token_id: None,
            person: Some(person.to_string()),
            via: Via::Web,
        }
    }

    /// An operator on the command line, acting on `organisation`.
    pub fn cli(organisation: &str) -> Self {
        Self {
            organisation: organisation.to_string(),
            token_id: None,
            person: None,
            via: Via::Cli,
        }
    }
}

/// What was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    LettingBatch,
    LettingWithdrawn,
    StatusHolderTargetSet,
    StatusHolderPlacementAdded,
    AllocationPlanStored,
    ReportPublished,
    AlertNoteAdded,
    WebhookRegistered,
    WebhookStopped,
    WebhookDeliveryRetried,
    TokenCreated,
    TokenRevoked,
    /// A corporation declared a month of a municipality complete (gereedmelding).
    SubmissionDeclared,
    /// The municipality made a share link (deellink) to a published report.
    ShareLinkCreated,
    /// The municipality revoked a share link.
    ShareLinkRevoked,
    /// A corporation gave its expected available homes for a year (portal).
    ExpectedHomesSet,
    /// A party posted a progress update on an afspraak of the agreement.
    AfspraakUpdated,
    /// A corporation posted a stock snapshot (its counts, never its units).
    StockSnapshotPosted,
}

impl AuditAction {
    pub const ALL: [AuditAction; 18] = [
        AuditAction::LettingBatch,
        AuditAction::LettingWithdrawn,
        AuditAction::StatusHolderTargetSet,
        AuditAction::StatusHolderPlacementAdded,
        AuditAction::AllocationPlanStored,
        AuditAction::ReportPublished,
        AuditAction::AlertNoteAdded,
        AuditAction::WebhookRegistered,
        AuditAction::WebhookStopped,
        AuditAction::WebhookDeliveryRetried,
        AuditAction::TokenCreated,
        AuditAction::TokenRevoked,
        AuditAction::SubmissionDeclared,
        AuditAction::ShareLinkCreated,
        AuditAction::ShareLinkRevoked,
        AuditAction::ExpectedHomesSet,
        AuditAction::AfspraakUpdated,
        AuditAction::StockSnapshotPosted,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            AuditAction::LettingBatch => "letting_batch",
            AuditAction::LettingWithdrawn => "letting_withdrawn",
            AuditAction::StatusHolderTargetSet => "status_holder_target_set",
            AuditAction::StatusHolderPlacementAdded => "status_holder_placement_added",
            AuditAction::AllocationPlanStored => "allocation_plan_stored",
            AuditAction::ReportPublished => "report_published",
            AuditAction::AlertNoteAdded => "alert_note_added",
            AuditAction::WebhookRegistered => "webhook_registered",
            AuditAction::WebhookStopped => "webhook_stopped",
            AuditAction::WebhookDeliveryRetried => "webhook_delivery_retried",
            AuditAction::TokenCreated => "token_created",
            AuditAction::TokenRevoked => "token_revoked",
            AuditAction::SubmissionDeclared => "submission_declared",
            AuditAction::ShareLinkCreated => "share_link_created",
            AuditAction::ShareLinkRevoked => "share_link_revoked",
            AuditAction::ExpectedHomesSet => "expected_homes_set",
            AuditAction::AfspraakUpdated => "afspraak_updated",
            AuditAction::StockSnapshotPosted => "stock_snapshot_posted",
        }
    }
}

/// One change, as the trail records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    pub action: AuditAction,
    /// The municipality whose figures or settings changed, if the change has one.
    pub municipality: Option<String>,
    /// What changed, as `kind:id` (`letting:DWB-1`, `webhook:4`, `report:2026-H1`).
    pub subject: String,
    /// Counts and ids under fixed names; never text.
    pub details: BTreeMap<&'static str, i64>,
}

impl AuditEvent {
    pub fn new(action: AuditAction, municipality: Option<&str>, subject: String) -> Self {
        Self {
            action,
            municipality: municipality.map(str::to_string),
            subject,
            details: BTreeMap::new(),
        }
    }

    /// Adds a count or an id under a fixed name.
    pub fn with(mut self, name: &'static str, value: i64) -> Self {
        self.details.insert(name, value);
        self
    }
}

/// Counts as the trail stores them (a count past `i64::MAX` cannot happen; it saturates).
pub fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Longest note on an alert, in characters.
pub const NOTE_MAX_CHARS: usize = 4000;

/// Why a note is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoteProblem {
    Empty,
    TooLong { chars: usize },
}

impl std::fmt::Display for NoteProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NoteProblem::Empty => write!(f, "a note needs some text"),
            NoteProblem::TooLong { chars } => write!(
                f,
                "a note has at most {NOTE_MAX_CHARS} characters; this one has {chars}"
            ),
        }
    }
}

/// A note is 1 to [`NOTE_MAX_CHARS`] characters (Unicode scalar values) and not only
/// white space. It is kept as written.
pub fn check_note(text: &str) -> Result<&str, NoteProblem> {
    if text.trim().is_empty() {
        return Err(NoteProblem::Empty);
    }
    let chars = text.chars().count();
    if chars > NOTE_MAX_CHARS {
        return Err(NoteProblem::TooLong { chars });
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_note_is_one_to_4000_characters() {
        assert_eq!(check_note(""), Err(NoteProblem::Empty));
        assert_eq!(check_note(" \n\t"), Err(NoteProblem::Empty));
        assert_eq!(check_note("x"), Ok("x"));
        let longest = "é".repeat(NOTE_MAX_CHARS);
        assert_eq!(check_note(&longest), Ok(longest.as_str()));
        assert_eq!(
            check_note(&"é".repeat(NOTE_MAX_CHARS + 1)),
            Err(NoteProblem::TooLong { chars: 4001 })
        );
    }

    #[test]
    fn action_names_are_distinct() {
        let names: std::collections::BTreeSet<_> =
            AuditAction::ALL.iter().map(AuditAction::as_str).collect();
        assert_eq!(names.len(), AuditAction::ALL.len());
    }

    #[test]
    fn details_hold_counts_under_fixed_names() {
        let event = AuditEvent::new(AuditAction::LettingBatch, Some("GM0629"), "lettings".into())
            .with("created", 3)
            .with("unchanged", count(2));
        assert_eq!(event.details.get("created"), Some(&3));
        assert_eq!(event.details.get("unchanged"), Some(&2));
        assert_eq!(event.municipality.as_deref(), Some("GM0629"));
    }
}
