//! Webhooks on a municipality's signal alerts: which addresses may be registered, who sees
//! which webhook, and the states of a delivery in the outbox.

use super::organisation::{OrgKind, Organisation};

/// The longest webhook URL accepted.
pub const MAX_URL_LENGTH: usize = 2000;

/// Checks a webhook URL: `http` or `https`, with a host, at most [`MAX_URL_LENGTH`] characters.
/// The message says what is wrong, for the person who registered it.
pub fn check_url(url: &str) -> Result<url::Url, String> {
    let parsed = url::Url::parse(url)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
    match parsed {
        Some(parsed) if url.len() <= MAX_URL_LENGTH => Ok(parsed),
        _ => Err(format!("{url:?} is not an http or https URL")),
    }
}

/// The municipality sees every webhook on its alerts; another reader only its own.
pub fn may_see(reader: &Organisation, owner: &str, municipality: &str) -> bool {
    owner == reader.id || (reader.kind == OrgKind::Municipality && reader.id == municipality)
}

/// Where a delivery in the outbox stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DeliveryState {
    /// Waiting for its (next) attempt.
    Pending,
    Delivered,
}

impl DeliveryState {
    pub fn as_str(&self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Delivered => "delivered",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "pending" => Some(DeliveryState::Pending),
            "delivered" => Some(DeliveryState::Delivered),
            _ => None,
        }
    }
}

impl TryFrom<String> for DeliveryState {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        Self::parse(&text).ok_or_else(|| format!("unknown delivery state {text:?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_webhook_url_is_http_or_https_with_a_host_and_not_too_long() {
        assert!(check_url("https://example.org/hook").is_ok());
        assert!(check_url("http://127.0.0.1:8080/x").is_ok());
        assert!(check_url("ftp://example.org/").is_err());
        assert!(check_url("not a url").is_err());
        let long = format!("https://example.org/{}", "a".repeat(MAX_URL_LENGTH));
        assert!(check_url(&long).is_err());
        let exactly = format!("https://e.org/{}", "a".repeat(MAX_URL_LENGTH - 14));
        assert_eq!(exactly.len(), MAX_URL_LENGTH);
        assert!(check_url(&exactly).is_ok());
    }

    #[test]
    fn the_municipality_sees_every_hook_others_their_own() {
        let org = |id: &str, kind| Organisation {
            id: id.into(),
            kind,
            name: id.into(),
            municipalities: Default::default(),
        };
        let gemeente = org("GM0629", OrgKind::Municipality);
        let tenants = org("rozenstein", OrgKind::TenantAssociation);
        assert!(may_see(&gemeente, "rozenstein", "GM0629"));
        assert!(!may_see(&gemeente, "rozenstein", "GM0518"));
        assert!(may_see(&tenants, "rozenstein", "GM0629"));
        assert!(!may_see(&tenants, "dwb", "GM0629"));
        assert_eq!(
            DeliveryState::parse("pending"),
            Some(DeliveryState::Pending)
        );
        assert_eq!(DeliveryState::parse("x"), None);
    }
}
