//! The HTTP API: thin handlers over the domain and the database.

pub mod alerts;
pub mod auth;
pub mod error;
pub mod health;
pub mod lettings;
pub mod openapi;
pub mod plans;
pub mod quota;
pub mod reports;
pub mod webhooks;

use std::sync::Arc;

use actix_web::web;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::config::ReferenceData;
use crate::db::{DbConnection, Pool, PooledConnection};
use error::ApiError;

/// What every handler can reach.
pub struct AppState {
    pub pool: Pool,
    /// One permit per pooled connection. Requests queue here, asynchronously and first come
    /// first served, before they take a connection; the pool's own wait wakes an arbitrary
    /// waiter, which under load left a few requests waiting many times their turn.
    pub connection_permits: Arc<Semaphore>,
    pub reference: Arc<ReferenceData>,
    pub max_body_bytes: usize,
    pub max_batch_records: usize,
}

impl AppState {
    /// Runs database work on the blocking pool, with a pooled connection and the request's span.
    pub async fn db<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let permit = self.connection_permit().await?;
        let pool = self.pool.clone();
        crate::telemetry::spawn_blocking_with_span(move || {
            let mut lease = Lease::take(&pool, permit)?;
            f(&mut lease)
        })
        .await?
    }

    /// Waits (in turn) for the right to take a pooled connection.
    pub async fn connection_permit(&self) -> Result<OwnedSemaphorePermit, ApiError> {
        self.connection_permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| ApiError::DatabaseUnavailable(e.to_string()))
    }
}

/// A pooled connection with the permit it was taken under. Fields drop in order: the
/// connection goes back to the pool before the permit is released, so whoever is next in line
/// finds a connection free.
pub struct Lease {
    conn: PooledConnection,
    _permit: OwnedSemaphorePermit,
}

impl Lease {
    /// Takes a connection from the pool under `permit`. Blocking: call on the blocking pool.
    pub fn take(pool: &Pool, permit: OwnedSemaphorePermit) -> Result<Self, ApiError> {
        let conn = pool
            .get()
            .map_err(|e| ApiError::DatabaseUnavailable(e.to_string()))?;
        Ok(Self {
            conn,
            _permit: permit,
        })
    }
}

impl std::ops::Deref for Lease {
    type Target = DbConnection;
    fn deref(&self) -> &DbConnection {
        &self.conn
    }
}

impl std::ops::DerefMut for Lease {
    fn deref_mut(&mut self) -> &mut DbConnection {
        &mut self.conn
    }
}

/// The `{code}` of a municipality path: a CBS code (`GM` + 4 digits), or 404.
pub fn municipality_path(code: String) -> Result<String, ApiError> {
    if crate::domain::letting::is_municipality_code(&code) {
        Ok(code)
    } else {
        Err(ApiError::not_found(
            "municipality_not_found",
            format!("{code:?} is not a CBS municipality code (GM followed by 4 digits)"),
        ))
    }
}

/// Registers every route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(health::health)
        .service(openapi::openapi_json)
        .service(lettings::post_lettings)
        .service(lettings::get_letting)
        .service(lettings::delete_letting)
        .service(quota::get_quota)
        .service(alerts::get_alerts)
        .service(plans::put_target)
        .service(plans::post_placement)
        .service(plans::get_status_holders)
        .service(plans::put_plan)
        .service(plans::get_plan)
        .service(reports::publish_report)
        .service(reports::get_report)
        .service(webhooks::post_webhook)
        .service(webhooks::list_webhooks)
        .service(webhooks::list_deliveries)
        .service(webhooks::delete_webhook);
}
