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

use super::error::ApiError;
use super::AppState;
use crate::db::{DbConnection, Lease};
use crate::domain::audit::Actor;
use crate::domain::organisation::{OrgKind, Organisation};
use crate::service::admin::organisation_by_token;
use crate::telemetry::spawn_blocking_with_span;

/// The organisation behind the request's token.
///
/// On a read (GET or HEAD: no body to wait for) the extractor keeps the pooled connection that
/// checked the token, and the handler's first [`Caller::db`] runs on it: a read costs one
/// checkout and one hop to the blocking pool instead of two. On a write the connection goes
/// back to the pool at once, so no connection sits idle while a large body arrives.
pub struct Caller {
    org: Organisation,
    /// Who acts, for the audit trail: the token's id (API) or the person (portal).
    actor: Actor,
    held: Mutex<Option<Lease>>,
}

impl std::fmt::Debug for Caller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Caller")
            .field("org", &self.org)
            .field("actor", &self.actor)
            .finish()
    }
}

impl Caller {
    pub fn org(&self) -> &Organisation {
        &self.org
    }

    /// A person logged in to the web portal: the rights of their organisation, the same as
    /// its tokens have; the audit trail names the person (their e-mail address).
    pub fn for_person(org: Organisation, person_email: &str) -> Self {
        let actor = Actor::web(&org.id, person_email);
        Self {
            org,
            actor,
            held: Mutex::new(None),
        }
    }

    /// Who is acting, as the audit trail records it: the organisation and its token, or the
    /// person in the portal.
    pub fn actor(&self) -> Actor {
        self.actor.clone()
    }

    /// Runs database work on the blocking pool with the request's span: on the connection that
    /// checked the token while it is held, otherwise on one from the pool. Handlers that have a
    /// caller use this, never [`AppState::db`], so a request never holds two connections.
    pub async fn db<T, E, F>(&self, state: &AppState, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: Into<ApiError> + Send + 'static,
    {
        let held = self
            .held
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take();
        match held {
            Some(mut lease) => spawn_blocking_with_span(move || f(&mut lease))
                .await?
                .map_err(Into::into),
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
            let permit = state.connection_permit().await?;
            let database = state.database.clone();
            let (org, held) = spawn_blocking_with_span(move || {
                let mut lease = database.take(permit)?;
                let org = organisation_by_token(&mut lease, &token)?;
                Ok::<_, ApiError>((org, keep_connection.then_some(lease)))
            })
            .await??;
            let (org, token_id) = org.ok_or_else(|| {
                ApiError::Unauthorized("the API token is unknown or revoked".into())
            })?;
            Ok(Caller {
                actor: Actor::api(&org.id, token_id),
                org,
                held: Mutex::new(held),
            })
        })
    }
}
