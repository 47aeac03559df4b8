//! Builds the HTTP service from settings and a listener (port 0 in tests), with the webhook
//! delivery worker beside it.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::{web, App, HttpResponse, HttpServer};
use tracing_actix_web::TracingLogger;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::api;
use crate::api::error::ApiError;
use crate::api::AppState;
use crate::config::{DeliverySettings, EmailSettings, ReferenceData, Settings};
use crate::db::{Database, Pool};
use crate::service::{signal_emails, webhooks};
use crate::telemetry::metrics::Metrics;

/// A running service: its port and the server future.
pub struct Application {
    port: u16,
    server: Server,
    database: Database,
    delivery: DeliverySettings,
    /// E-mail on signals: its settings and mailer, when `smtp_url` is set.
    email: Option<(EmailSettings, signal_emails::Mailer)>,
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
        let email_settings = settings.email();
        // A wrong smtp_url or smtp_from stops the start, rather than every e-mail later.
        let email = match &email_settings.smtp_url {
            Some(url) => Some((
                email_settings.clone(),
                signal_emails::Mailer::new(url, &email_settings.from, email_settings.timeout)?,
            )),
            None => None,
        };
        let email_on = web::Data::new(crate::web::settings::EmailOn(email.is_some()));
        let database = Database::new(pool);
        let document = api::openapi::document();
        let query_names = web::Data::new(api::query_names::QueryNames::from_document(&document));
        let openapi = web::Data::new(api::openapi::Document(serde_json::to_string(&document)?));
        // One set of limiters for all workers of this instance.
        let rate_limits = web::Data::new(api::rate_limit::RateLimits::from_settings(settings)?);
        let metrics = web::Data::new(Metrics::new()?);
        // Cookies are `Secure` unless the service listens on loopback only, where it is reached
        // over plain http from the same machine (development, tests, a proxy beside it).
        let portal = web::Data::new(crate::web::WebSettings {
            secure_cookies: !listener.local_addr()?.ip().is_loopback(),
            sessions: settings.session_policy(),
        });
        let state = web::Data::new(AppState {
            database: database.clone(),
            reference,
            max_body_bytes: settings.max_body_bytes,
            max_batch_records: settings.max_batch_records,
            webhook_allow_private_addresses: settings.webhook_allow_private_addresses,
            ingest_permits: Arc::new(tokio::sync::Semaphore::new(
                settings.max_concurrent_ingests.max(1),
            )),
            body_read_timeout: Duration::from_secs(settings.body_read_timeout_seconds.max(1)),
        });
        let server = HttpServer::new(move || {
            App::new()
                .wrap(
                    actix_web::middleware::DefaultHeaders::new()
                        .add(("X-Content-Type-Options", "nosniff")),
                )
                .wrap(actix_web::middleware::from_fn(
                    api::query_names::reject_unknown,
                ))
                // Outside everything but the log and the metrics: a refused request costs no
                // more than this.
                .wrap(actix_web::middleware::from_fn(api::rate_limit::limit))
                .wrap(TracingLogger::<api::request_log::RequestSpan>::new())
                .wrap(actix_web::middleware::from_fn(api::metrics::record))
                .app_data(state.clone())
                .app_data(metrics.clone())
                .app_data(openapi.clone())
                .app_data(query_names.clone())
                .app_data(rate_limits.clone())
                .app_data(portal.clone())
                .app_data(email_on.clone())
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
                .into_utoipa_app()
                .configure(api::routes)
                .into_app()
                .service(
                    SwaggerUi::new("/docs/{_:.*}")
                        .config(utoipa_swagger_ui::Config::new(["/api/v1/openapi.json"])),
                )
                .service(web::redirect("/docs", "/docs/"))
                .configure(crate::web::routes)
                .default_service(web::to(|| async {
                    HttpResponse::NotFound().json(api::error::ErrorBody::plain(
                        "not_found",
                        "no such endpoint; see /api/v1/openapi.json or /docs/",
                    ))
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
            database,
            delivery,
            email,
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

    /// The webhook delivery worker of this instance, with the e-mail worker when `smtp_url` is
    /// set (runs until dropped).
    pub fn delivery_worker(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        let hooks = webhooks::run_worker(self.database.clone(), self.delivery);
        let email = self.email.clone().map(|(settings, mailer)| {
            signal_emails::run_worker(self.database.clone(), settings, mailer)
        });
        async move {
            match email {
                Some(email) => {
                    futures_util::future::join(hooks, email).await;
                }
                None => hooks.await,
            }
        }
    }

    pub fn into_server(self) -> Server {
        self.server
    }
}
