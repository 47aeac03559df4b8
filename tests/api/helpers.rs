//! Test harness: each test gets its own database (an SQLite file in a temporary folder, or a
//! fresh PostgreSQL database that is dropped afterwards) and a real server on a free port.

use std::net::TcpListener;
use std::sync::{Arc, Once};

use diesel::prelude::*;
use diesel::PgConnection;
use quotamonitor::config::{ReferenceData, Settings};
use quotamonitor::db::{self, Pool};
use quotamonitor::service::admin;
use quotamonitor::Application;
use reqwest::{RequestBuilder, Response, StatusCode};
use serde_json::Value;

pub const POSTGRES_URL_VAR: &str = "QUOTAMONITOR_TEST_POSTGRES_URL";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Makes the SQLite and PostgreSQL tests of scenarios: for each `async fn name(app: TestApp)` of
/// the calling module, a module `name` with the tests `sqlite` and `postgres` (skipped unless
/// PostgreSQL is configured, see `postgres_server_url`).
///
/// ```ignore
/// on_both_backends!(every_period_kind_selects_its_months, another_scenario);
///
/// async fn every_period_kind_selects_its_months(app: TestApp) { ... }
/// ```
macro_rules! on_both_backends {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                use $crate::helpers::{Backend, TestApp};

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name(TestApp::spawn(Backend::Sqlite).await).await
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    if let Some(app) = TestApp::spawn_if_available(Backend::Postgres).await {
                        super::$name(app).await
                    }
                }
            }
        )+
    };
}

/// The PostgreSQL server URL for tests, or `None` to skip (never in CI).
pub fn postgres_server_url() -> Option<String> {
    match std::env::var(POSTGRES_URL_VAR) {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("{POSTGRES_URL_VAR} is not set but CI=true: the PostgreSQL tests must run in CI");
            }
            static SAY_ONCE: Once = Once::new();
            SAY_ONCE.call_once(|| {
                use std::io::Write;
                // Written past the test harness's capture so it is seen.
                let _ = writeln!(
                    std::io::stderr(),
                    "note: PostgreSQL tests skipped: set {POSTGRES_URL_VAR}=postgres://postgres@127.0.0.1:5432/postgres to run them"
                );
            });
            None
        }
    }
}

/// A database made for one test and removed after it.
pub struct TestDatabase {
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    None,
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { server_url: String, name: String },
}

impl TestDatabase {
    pub fn create(backend: Backend) -> Option<Self> {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temporary folder");
                let url = format!("sqlite://{}", dir.path().join("test.db").display());
                Some(Self {
                    url,
                    cleanup: Cleanup::Sqlite(dir),
                })
            }
            Backend::Postgres => {
                let server_url = postgres_server_url()?;
                let name = format!("qm_test_{}", uuid::Uuid::new_v4().simple());
                quotamonitor::db::init_openssl();
                let mut conn = PgConnection::establish(&server_url)
                    .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at {server_url}: {e}"));
                diesel::sql_query(format!("CREATE DATABASE {name}"))
                    .execute(&mut conn)
                    .expect("create test database");
                let url = with_database(&server_url, &name);
                Some(Self {
                    url,
                    cleanup: Cleanup::Postgres { server_url, name },
                })
            }
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Cleanup::Postgres { server_url, name } = &self.cleanup {
            if let Ok(mut conn) = PgConnection::establish(server_url) {
                let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut conn);
            }
        }
    }
}

/// The same server URL with another database name.
pub fn with_database(server_url: &str, name: &str) -> String {
    let (base, query) = match server_url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (server_url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

pub struct TestApp {
    pub backend: Backend,
    server: actix_web::dev::ServerHandle,
    worker: tokio::task::JoinHandle<()>,
    pub address: String,
    pub pool: Pool,
    pub client: reqwest::Client,
    /// The settings it runs with; a restart or a second instance runs with the same.
    pub settings: Settings,
    /// Kept so the database lives as long as the app and is removed after it.
    _database: TestDatabase,
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> Self {
        Self::spawn_if_available(backend)
            .await
            .expect("backend available")
    }

    pub async fn spawn_if_available(backend: Backend) -> Option<Self> {
        Self::spawn_with(backend, |_| {}).await
    }

    /// Stops this instance (server and delivery worker) and starts a new one on the same
    /// database, as a restart of the service would.
    pub async fn restart(self) -> Self {
        self.restart_with(|_| {}).await
    }

    /// A restart with settings changed.
    pub async fn restart_with(mut self, adjust: impl FnOnce(&mut Settings)) -> Self {
        self.server.stop(true).await;
        self.worker.abort();
        let database = std::mem::replace(
            &mut self._database,
            TestDatabase {
                url: String::new(),
                cleanup: Cleanup::None,
            },
        );
        let mut settings = self.settings.clone();
        adjust(&mut settings);
        Self::spawn_on(self.backend, database, settings).await
    }

    /// A second service instance on the same database (no cleanup of its own), with the same
    /// settings.
    pub async fn second_instance(&self) -> Self {
        let database = TestDatabase {
            url: self._database.url.clone(),
            cleanup: Cleanup::None,
        };
        Self::spawn_on(self.backend, database, self.settings.clone()).await
    }

    /// Spawns with adjusted settings (for limits). The tests' receivers listen on loopback, so
    /// the settings allow webhooks to private addresses unless `adjust` says otherwise.
    pub async fn spawn_with(backend: Backend, adjust: impl FnOnce(&mut Settings)) -> Option<Self> {
        let database = TestDatabase::create(backend)?;
        let mut settings = Settings::built_in(&database.url).expect("settings");
        settings.workers = Some(2);
        settings.pool_size = 4;
        settings.shutdown_timeout_seconds = 1;
        settings.webhook_poll_ms = 50;
        settings.webhook_retry_base_ms = 100;
        settings.webhook_retry_max_seconds = 1;
        settings.webhook_allow_private_addresses = true;
        // A receiver that is down for a while in a test must not run out of attempts.
        settings.webhook_max_attempts = 1000;
        adjust(&mut settings);
        Some(Self::spawn_on(backend, database, settings).await)
    }

    async fn spawn_on(backend: Backend, database: TestDatabase, settings: Settings) -> Self {
        let url = database.url.clone();
        let pool_size = settings.pool_size;
        let pool = tokio::task::spawn_blocking(move || db::connect_pool(&url, pool_size))
            .await
            .expect("join")
            .expect("database opens and migrates");
        let reference = Arc::new(
            ReferenceData::load(Some(std::path::Path::new("config"))).expect("reference data"),
        );
        let listener = TcpListener::bind("127.0.0.1:0").expect("free port");
        let app = Application::build(&settings, pool.clone(), reference, listener)
            .expect("application builds");
        let address = format!("http://127.0.0.1:{}", app.port());
        let worker = tokio::spawn(app.delivery_worker());
        let server = app.into_server();
        let handle = server.handle();
        tokio::spawn(server);
        Self {
            backend,
            server: handle,
            worker,
            address,
            pool,
            client: reqwest::Client::new(),
            settings,
            _database: database,
        }
    }

    /// The URL of this app's database, for the command line on the same data.
    pub fn database_url(&self) -> &str {
        &self._database.url
    }

    pub fn add_org(&self, id: &str, kind: &str, name: &str, municipalities: &[&str]) {
        let list: Vec<String> = municipalities.iter().map(|m| m.to_string()).collect();
        let mut conn = self.pool.get().expect("connection");
        admin::add_organisation(&mut conn, id, kind, name, &list).expect("organisation added");
    }

    pub fn token(&self, org: &str) -> String {
        let mut conn = self.pool.get().expect("connection");
        admin::create_token(&mut conn, org).expect("token created")
    }

    /// Wassenaar with two corporations and a tenant association, and Amsterdam with one
    /// corporation of its own. Returns their tokens.
    pub fn setup_wassenaar(&self) -> Tokens {
        self.add_org("GM0629", "municipality", "Gemeente Wassenaar", &[]);
        self.add_org(
            "dwb",
            "corporation",
            "De Wassenaarsche Bouwstichting",
            &["GM0629"],
        );
        self.add_org(
            "willibrordus",
            "corporation",
            "St. Willibrordus",
            &["GM0629"],
        );
        self.add_org(
            "rozenstein",
            "tenant_association",
            "Rozenstein",
            &["GM0629"],
        );
        self.add_org("GM0363", "municipality", "Gemeente Amsterdam", &[]);
        self.add_org("ymere", "corporation", "Ymere", &["GM0363"]);
        Tokens {
            municipality: self.token("GM0629"),
            dwb: self.token("dwb"),
            willibrordus: self.token("willibrordus"),
            tenants: self.token("rozenstein"),
            amsterdam: self.token("GM0363"),
            ymere: self.token("ymere"),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub fn get(&self, token: &str, path: &str) -> RequestBuilder {
        self.client.get(self.url(path)).bearer_auth(token)
    }

    pub async fn post_json(&self, token: &str, body: &Value) -> Response {
        self.client
            .post(self.url("/api/v1/lettings"))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("request sent")
    }

    /// Posts lettings that must be taken (200 OK); the JSON answer.
    pub async fn post_ok(&self, token: &str, body: &Value) -> Value {
        expect_json(self.post_json(token, body).await, StatusCode::OK).await
    }

    pub async fn post_csv(&self, token: &str, csv: &str) -> Response {
        self.client
            .post(self.url("/api/v1/lettings"))
            .bearer_auth(token)
            .header("Content-Type", "text/csv")
            .body(csv.to_string())
            .send()
            .await
            .expect("request sent")
    }

    pub async fn quota(&self, token: &str, municipality: &str, period: &str) -> Value {
        let response = self
            .get(
                token,
                &format!("/api/v1/municipalities/{municipality}/quota?period={period}"),
            )
            .send()
            .await
            .expect("request sent");
        expect_json(response, StatusCode::OK).await
    }

    /// A GET that must answer 200 OK; its JSON body.
    pub async fn get_json(&self, token: &str, path: &str) -> Value {
        let response = self.get(token, path).send().await.expect("request sent");
        expect_json(response, StatusCode::OK).await
    }

    pub async fn put_json(&self, token: &str, path: &str, body: &Value) -> Response {
        self.client
            .put(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("request sent")
    }

    /// Withdraws a letting (DELETE).
    pub async fn withdraw(&self, token: &str, reference: &str) -> Response {
        self.client
            .delete(self.url(&format!("/api/v1/lettings/{reference}")))
            .bearer_auth(token)
            .send()
            .await
            .expect("request sent")
    }
}

/// Requests on Wassenaar (GM0629, see `setup_wassenaar`) that the alert, report, plan and
/// webhook tests repeat. `query` is empty or starts with `?`.
impl TestApp {
    fn wassenaar(path: &str) -> String {
        format!("/api/v1/municipalities/GM0629{path}")
    }

    pub async fn alerts(&self, token: &str, query: &str) -> Response {
        let path = Self::wassenaar(&format!("/alerts{query}"));
        self.get(token, &path).send().await.expect("request sent")
    }

    pub async fn report(&self, token: &str, half_year: &str, query: &str) -> Response {
        let path = Self::wassenaar(&format!("/reports/{half_year}{query}"));
        self.get(token, &path).send().await.expect("request sent")
    }

    /// A report's body as text, whatever the status.
    pub async fn report_text(&self, token: &str, half_year: &str, query: &str) -> String {
        let response = self.report(token, half_year, query).await;
        response.text().await.expect("body")
    }

    /// A report's body as bytes, whatever the status.
    pub async fn report_bytes(&self, token: &str, half_year: &str, query: &str) -> Vec<u8> {
        let response = self.report(token, half_year, query).await;
        response.bytes().await.expect("body").to_vec()
    }

    pub async fn publish_report(&self, token: &str, half_year: &str) -> Response {
        let path = Self::wassenaar(&format!("/reports/{half_year}/publish"));
        self.client
            .post(self.url(&path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request sent")
    }

    /// Sets the status-holder task of a half year.
    pub async fn put_task(&self, token: &str, half_year: &str, body: &Value) -> Response {
        let path = Self::wassenaar(&format!("/status-holder-targets/{half_year}"));
        self.put_json(token, &path, body).await
    }

    /// Puts a new version of the allocation plan of a year.
    pub async fn put_plan(&self, token: &str, year: &str, body: &Value) -> Response {
        let path = Self::wassenaar(&format!("/allocation-plans/{year}"));
        self.put_json(token, &path, body).await
    }

    pub async fn plan(&self, token: &str, year: &str, query: &str) -> Response {
        let path = Self::wassenaar(&format!("/allocation-plans/{year}{query}"));
        self.get(token, &path).send().await.expect("request sent")
    }

    pub async fn add_webhook(&self, token: &str, url: &str) -> Response {
        self.client
            .post(self.url(&Self::wassenaar("/webhooks")))
            .bearer_auth(token)
            .json(&serde_json::json!({ "url": url }))
            .send()
            .await
            .expect("request sent")
    }

    /// The webhooks the token's organisation may see (200 OK).
    pub async fn webhooks(&self, token: &str) -> Value {
        self.get_json(token, &Self::wassenaar("/webhooks")).await
    }

    /// The deliveries of a webhook (200 OK).
    pub async fn deliveries(&self, token: &str, webhook: i64) -> Value {
        let path = Self::wassenaar(&format!("/webhooks/{webhook}/deliveries"));
        self.get_json(token, &path).await
    }

    /// Asks for a failed delivery to be retried.
    pub async fn retry_delivery(&self, token: &str, webhook: i64, delivery: i64) -> Response {
        let path = Self::wassenaar(&format!("/webhooks/{webhook}/deliveries/{delivery}/retry"));
        self.client
            .post(self.url(&path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request sent")
    }

    pub async fn delete_webhook(&self, token: &str, webhook: i64) -> Response {
        let path = Self::wassenaar(&format!("/webhooks/{webhook}"));
        self.client
            .delete(self.url(&path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request sent")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Stop the delivery worker before the database goes: a worker waiting for a connection
        // to a dropped database would hold the test's runtime for the pool's time-out.
        self.worker.abort();
    }
}

pub struct Tokens {
    pub municipality: String,
    pub dwb: String,
    pub willibrordus: String,
    pub tenants: String,
    pub amsterdam: String,
    pub ymere: String,
}

/// Asserts the status and returns the JSON body.
pub async fn expect_json(response: Response, status: StatusCode) -> Value {
    let actual = response.status();
    let text = response.text().await.expect("body");
    assert_eq!(actual, status, "unexpected status; body: {text}");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("body is not JSON ({e}): {text}"))
}

/// A valid letting record in Wassenaar, 2026.
pub fn letting(reference: &str) -> Value {
    serde_json::json!({
        "reference": reference,
        "municipality": "GM0629",
        "contract_start": "2026-03-15",
        "rent": 650.00,
        "household_size": 2,
        "household_income": 30000,
    })
}

/// `letting` with fields replaced.
pub fn letting_with(reference: &str, changes: Value) -> Value {
    let mut base = letting(reference);
    if let (Some(map), Some(changes)) = (base.as_object_mut(), changes.as_object()) {
        for (k, v) in changes {
            map.insert(k.clone(), v.clone());
        }
    }
    base
}

/// The metric of a scope in a quota response.
pub fn metric<'a>(quota: &'a Value, corporation: Option<&str>, name: &str) -> &'a Value {
    let scope = scope(quota, corporation);
    scope["metrics"]
        .as_array()
        .expect("metrics")
        .iter()
        .find(|m| m["metric"] == name)
        .unwrap_or_else(|| panic!("no metric {name}"))
}

pub fn scope<'a>(quota: &'a Value, corporation: Option<&str>) -> &'a Value {
    quota["scopes"]
        .as_array()
        .expect("scopes")
        .iter()
        .find(|s| match corporation {
            None => s["scope"] == "total",
            Some(c) => s["corporation"] == c,
        })
        .unwrap_or_else(|| panic!("no scope {corporation:?} in {quota}"))
}

/// A JSON number as f64 (the service writes exact decimals).
pub fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}
