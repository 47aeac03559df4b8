//! Bearer-token authentication and the access rules.
//!
//! - A corporation writes and reads only its own letting records, and only for municipalities
//!   it is registered for.
//! - A municipality, the corporations registered for it and its tenant associations read its
//!   aggregates. Nobody else reads anything.

use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;

use actix_web::http::Method;
use actix_web::{web, FromRequest, HttpRequest};
use sha2::{Digest, Sha256};

use super::error::ApiError;
use super::{AppState, Lease};
use crate::db::organisations::{self, OrgKind, Organisation};
use crate::db::DbConnection;
use crate::telemetry::spawn_blocking_with_span;

/// The prefix of every API token, so a leaked token is recognisable.
pub const TOKEN_PREFIX: &str = "qm_";

/// Hex SHA-256 of a token: what the database stores.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A new random token: `qm_` and 64 hex characters (256 bits).
pub fn new_token() -> String {
    let bytes: [u8; 32] = rand::random();
    format!("{TOKEN_PREFIX}{}", hex::encode(bytes))
}

/// The organisation behind the request's token.
///
/// On a read (GET or HEAD: no body to wait for) the extractor keeps the pooled connection that
/// checked the token, and the handler's first [`Caller::db`] runs on it: a read costs one
/// checkout and one hop to the blocking pool instead of two. On a write the connection goes
/// back to the pool at once, so no connection sits idle while a large body arrives.
pub struct Caller {
    org: Organisation,
    held: Mutex<Option<Lease>>,
}

impl std::fmt::Debug for Caller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Caller").field("org", &self.org).finish()
    }
}

impl Caller {
    pub fn org(&self) -> &Organisation {
        &self.org
    }

    /// Runs database work on the blocking pool with the request's span: on the connection that
    /// checked the token while it is held, otherwise on one from the pool. Handlers that have a
    /// caller use this, never [`AppState::db`], so a request never holds two connections.
    pub async fn db<T, F>(&self, state: &AppState, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let held = self
            .held
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take();
        match held {
            Some(mut lease) => spawn_blocking_with_span(move || f(&mut lease)).await?,
            None => state.db(f).await,
        }
    }

    /// May this caller read the municipality's aggregates?
    pub fn may_read_municipality(&self, code: &str) -> bool {
        let org = &self.org;
        match org.kind {
            OrgKind::Municipality => org.id == code || org.municipalities.contains(code),
            OrgKind::Corporation | OrgKind::TenantAssociation => org.municipalities.contains(code),
        }
    }

    pub fn require_municipality_reader(&self, code: &str) -> Result<(), ApiError> {
        if self.may_read_municipality(code) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!(
                "organisation {} may not read the figures of municipality {code}",
                self.org.id
            )))
        }
    }

    /// Only the municipality itself sets its task and plans, and publishes its reports.
    pub fn require_municipality_itself(&self, code: &str) -> Result<(), ApiError> {
        if self.org.kind == OrgKind::Municipality && self.org.id == code {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!(
                "only municipality {code} itself may do this; {} is a {}",
                self.org.id,
                self.org.kind.as_str()
            )))
        }
    }

    /// Only corporations hold letting records.
    pub fn require_corporation(&self) -> Result<&str, ApiError> {
        if self.org.kind == OrgKind::Corporation {
            Ok(&self.org.id)
        } else {
            Err(ApiError::Forbidden(format!(
                "only a corporation can post or read letting records; {} is a {}",
                self.org.id,
                self.org.kind.as_str()
            )))
        }
    }
}

fn bearer_token(req: &HttpRequest) -> Result<String, ApiError> {
    let header = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .ok_or_else(|| {
            ApiError::Unauthorized("send an API token as 'Authorization: Bearer <token>'".into())
        })?;
    let value = header.to_str().map_err(|_| {
        ApiError::Unauthorized("the Authorization header is not readable text".into())
    })?;
    let (scheme, token) = value
        .trim()
        .split_once(' ')
        .ok_or_else(|| ApiError::Unauthorized("use 'Authorization: Bearer <token>'".into()))?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(ApiError::Unauthorized(
            "use 'Authorization: Bearer <token>'".into(),
        ));
    }
    Ok(token.trim().to_string())
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _payload: &mut actix_web::dev::Payload) -> Self::Future {
        let token = bearer_token(req);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let keep_connection = req.method() == Method::GET || req.method() == Method::HEAD;
        Box::pin(async move {
            let token = token?;
            let state =
                state.ok_or_else(|| ApiError::Internal("application state missing".into()))?;
            let hash = hash_token(&token);
            let permit = state.connection_permit().await?;
            let pool = state.pool.clone();
            let (org, held) = spawn_blocking_with_span(move || {
                let mut lease = Lease::take(&pool, permit)?;
                let org = organisations::organisation_by_token(&mut lease, &hash)?;
                Ok::<_, ApiError>((org, keep_connection.then_some(lease)))
            })
            .await??;
            let org = org.ok_or_else(|| {
                ApiError::Unauthorized("the API token is unknown or revoked".into())
            })?;
            Ok(Caller {
                org,
                held: Mutex::new(held),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_prefixed_random_and_hashed() {
        let a = new_token();
        let b = new_token();
        assert!(a.starts_with(TOKEN_PREFIX));
        assert_eq!(a.len(), TOKEN_PREFIX.len() + 64);
        assert_ne!(a, b);
        assert_eq!(hash_token(&a).len(), 64);
        assert_ne!(hash_token(&a), a);
        assert_eq!(hash_token("qm_x"), hash_token("qm_x"));
    }
}
