//! The HTTP API: thin handlers over the domain and the database.

pub mod afspraken;
pub mod alerts;
pub mod audit;
pub mod auth;
pub mod body;
pub mod error;
pub mod guards;
pub mod health;
pub mod legal;
pub mod letting_list;
pub mod lettings;
pub mod metrics;
pub mod new_build;
pub mod openapi;
pub mod plans;
pub mod query_names;
pub mod quota;
pub mod rate_limit;
pub mod reports;
pub mod request_log;
pub mod stock;
pub mod submissions;
pub mod webhooks;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::config::ReferenceData;
use crate::db::{Database, DbConnection};
use error::ApiError;

/// What every handler can reach.
pub struct AppState {
    pub database: Database,
    pub reference: Arc<ReferenceData>,
    pub max_body_bytes: usize,
    pub max_batch_records: usize,
    /// See [`crate::config::Settings::webhook_allow_private_addresses`].
    pub webhook_allow_private_addresses: bool,
    /// One permit per ingest that may run at once (`max_concurrent_ingests`).
    pub ingest_permits: Arc<Semaphore>,
    /// How long a client has to send a whole request body.
    pub body_read_timeout: Duration,
}

impl AppState {
    /// Runs database work on the blocking pool, with a pooled connection and the request's span.
    pub async fn db<T, E, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: Into<ApiError> + Send + 'static,
    {
        let permit = self.connection_permit().await?;
        let database = self.database.clone();
        crate::telemetry::spawn_blocking_with_span(move || {
            let mut lease = database.take(permit)?;
            f(&mut lease).map_err(Into::into)
        })
        .await?
    }

    /// Waits (in turn) for the right to take a pooled connection.
    pub async fn connection_permit(&self) -> Result<OwnedSemaphorePermit, ApiError> {
        self.database
            .permit()
            .await
            .map_err(|e| ApiError::DatabaseUnavailable(e.to_string()))
    }
}

/// The one route list: the router and the OpenAPI document are both built from it.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.configure(health::routes)
        .configure(metrics::routes)
        .configure(openapi::routes)
        .configure(letting_list::routes)
        .configure(lettings::routes)
        .configure(quota::routes)
        .configure(legal::routes)
        .configure(alerts::routes)
        .configure(afspraken::routes)
        .configure(audit::routes)
        .configure(plans::routes)
        .configure(reports::routes)
        .configure(stock::routes)
        .configure(new_build::routes)
        .configure(submissions::routes)
        .configure(webhooks::routes);
}
