//! Which addresses a webhook may reach, checked where names become addresses.
//!
//! The rules themselves are in [`crate::domain::webhook`]; here they meet the resolver. A URL is
//! checked at registration (its name resolved then) and again at every connection a delivery
//! makes: the delivery client resolves names through [`CheckedResolver`], which refuses a name
//! with any address that may not be reached and hands the connector only the addresses it
//! checked. A name that resolved to a public address at registration and resolves to a private
//! one later (DNS rebinding) is refused when it matters.

use std::net::SocketAddr;
use std::time::Duration;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use crate::domain::webhook;

/// Longest wait for a name to resolve at registration.
const LOOKUP_TIMEOUT: Duration = Duration::from_secs(5);

/// Checks a URL before it is registered: the rules of [`webhook::check_url`] and, unless
/// private addresses are allowed, every address its name resolves to now. The message is for
/// the person registering it; it never says which addresses a name resolved to, which would
/// tell an outsider about names only the service's resolver knows.
pub async fn vet(url: &str, allow_private: bool) -> Result<url::Url, String> {
    let parsed = webhook::check_url(url, allow_private)?;
    if allow_private {
        return Ok(parsed);
    }
    if let Some(url::Host::Domain(name)) = parsed.host() {
        if !resolves_to_public_only(name).await {
            return Err(format!("{name} must resolve, and only to public addresses"));
        }
    }
    Ok(parsed)
}

/// Whether `name` resolves, within [`LOOKUP_TIMEOUT`], and only to public addresses.
async fn resolves_to_public_only(name: &str) -> bool {
    let lookup = tokio::time::timeout(LOOKUP_TIMEOUT, tokio::net::lookup_host((name, 0)));
    match lookup.await {
        Ok(Ok(addresses)) => {
            let addresses: Vec<SocketAddr> = addresses.collect();
            !addresses.is_empty()
                && addresses
                    .iter()
                    .all(|a| webhook::may_connect(a.ip(), false))
        }
        Ok(Err(_)) | Err(_) => false,
    }
}

/// The error a [`CheckedResolver`] gives for a name with an address that may not be reached;
/// found again in the source chain of the delivery's error.
#[derive(Debug, thiserror::Error)]
#[error("the name resolves to an address that is not allowed")]
pub struct AddressNotAllowed;

/// The error a [`CheckedResolver`] gives for a name it could not resolve.
#[derive(Debug, thiserror::Error)]
#[error("the name could not be resolved: {0}")]
pub struct NameNotResolved(#[source] std::io::Error);

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The delivery client's resolver: the system resolver, refusing a name when any of its
/// addresses may not be reached.
#[derive(Debug, Clone, Copy)]
pub struct CheckedResolver {
    pub allow_private: bool,
}

impl Resolve for CheckedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        let host = name.as_str().to_string();
        Box::pin(async move {
            // The connector puts the URL's port on the addresses.
            let addresses: Vec<SocketAddr> = match tokio::net::lookup_host((host.as_str(), 0)).await
            {
                Ok(addresses) => addresses.collect(),
                Err(e) => return Err(Box::new(NameNotResolved(e)) as BoxError),
            };
            if addresses
                .iter()
                .any(|a| !webhook::may_connect(a.ip(), allow_private))
            {
                return Err(Box::new(AddressNotAllowed) as BoxError);
            }
            Ok(Box::new(addresses.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn localhost_is_refused_by_name_and_by_its_addresses() {
        assert!(vet("https://localhost/x", false).await.is_err());
        assert!(vet("http://localhost/x", true).await.is_ok());
        // Past the name check: what it resolves to decides.
        assert!(!resolves_to_public_only("localhost").await);
        let name: Name = "localhost".parse().unwrap();
        let refused = CheckedResolver {
            allow_private: false,
        }
        .resolve(name)
        .await;
        assert!(refused.is_err());
        let name: Name = "localhost".parse().unwrap();
        let allowed = CheckedResolver {
            allow_private: true,
        }
        .resolve(name)
        .await;
        assert!(allowed.is_ok_and(|mut a| a.next().is_some()));
    }
}
