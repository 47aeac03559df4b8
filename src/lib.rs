//! quotamonitor: letting records of social rental homes in, quota status out.
//!
//! Layout: `domain` holds the rules (pure), `db` the storage, `api` the HTTP handlers,
//! `ingest` the reading and checking of batches, `quota` the assembly of quota status.

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::dbg_macro)
)]

pub mod admin;
pub mod alerts;
pub mod api;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod generate;
pub mod ingest;
pub mod letting_changes;
pub mod plans;
pub mod quota;
pub mod report;
pub mod telemetry;
pub mod webhooks;

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::{web, App, HttpResponse, HttpServer};
use tracing_actix_web::TracingLogger;
use utoipa_swagger_ui::SwaggerUi;

use api::error::ApiError;
use api::AppState;
use config::{ReferenceData, Settings};
use db::Pool;

/// A running service: its port and the server future.
pub struct Application {
    port: u16,
    server: Server,
    pool: Pool,
    delivery: webhooks::DeliverySettings,
}

impl Application {
    /// Builds the service on a listener (port 0 picks a free port).
    pub fn build(
        settings: &Settings,
        pool: Pool,
        reference: Arc<ReferenceData>,
        listener: TcpListener,
    ) -> anyhow::Result<Self> {
        let port = listener.local_addr()?.port();
        let delivery = settings.delivery();
        let worker_pool = pool.clone();
        let permits = usize::try_from(pool.max_size()).unwrap_or(1);
        let state = web::Data::new(AppState {
            pool,
            connection_permits: Arc::new(tokio::sync::Semaphore::new(permits)),
            reference,
            max_body_bytes: settings.max_body_bytes,
            max_batch_records: settings.max_batch_records,
        });
        let server = HttpServer::new(move || {
            App::new()
                .wrap(
                    actix_web::middleware::DefaultHeaders::new()
                        .add(("X-Content-Type-Options", "nosniff")),
                )
                .wrap(TracingLogger::default())
                .app_data(state.clone())
                .app_data(web::QueryConfig::default().error_handler(|err, _req| {
                    ApiError::bad_request(
                        "invalid_query",
                        format!("the query string is not valid: {err}"),
                    )
                    .into()
                }))
                .app_data(web::JsonConfig::default().limit(1024 * 1024).error_handler(
                    |err, _req| {
                        ApiError::bad_request(
                            "malformed_body",
                            format!("the body is not valid JSON for this request: {err}"),
                        )
                        .into()
                    },
                ))
                .app_data(web::PathConfig::default().error_handler(|err, _req| {
                    ApiError::bad_request("invalid_path", format!("the path is not valid: {err}"))
                        .into()
                }))
                .configure(api::configure)
                .service(
                    SwaggerUi::new("/docs/{_:.*}")
                        .config(utoipa_swagger_ui::Config::new(["/api/v1/openapi.json"])),
                )
                .service(web::redirect("/docs", "/docs/"))
                .default_service(web::to(|| async {
                    HttpResponse::NotFound().json(api::error::ErrorBody {
                        error: "not_found".into(),
                        message: "no such endpoint; see /api/v1/openapi.json or /docs/".into(),
                        problems: None,
                    })
                }))
        })
        .shutdown_timeout(settings.shutdown_timeout_seconds);
        let server = match settings.workers {
            Some(workers) => server.workers(workers.max(1)),
            None => server,
        };
        let server = server.listen(listener)?.run();
        Ok(Self {
            port,
            server,
            pool: worker_pool,
            delivery,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Runs until stopped, with the webhook delivery worker beside it; on SIGTERM or SIGINT
    /// requests in flight are finished first.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let worker = actix_web::rt::spawn(self.delivery_worker());
        let result = self.server.await;
        worker.abort();
        result
    }

    /// The webhook delivery worker of this instance (runs until dropped).
    pub fn delivery_worker(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        webhooks::run_worker(self.pool.clone(), self.delivery)
    }

    pub fn into_server(self) -> Server {
        self.server
    }
}
