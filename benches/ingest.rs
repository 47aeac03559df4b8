//! Bulk ingest benchmark: posts N lettings (default 100000) in one request to the real service
//! and reports lettings per second, next to the raw multi-row insert rate of the same rows into
//! the same kind of database, measured in the same run. SQLite always; PostgreSQL when
//! QUOTAMONITOR_TEST_POSTGRES_URL is set (or the default local server answers).
//!
//!     cargo bench --bench ingest                       # 100000 lettings
//!     cargo bench --bench ingest -- --lettings 20000
//!
//! See docs/performance.md for results and how to read them.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Instant;

use chrono::Utc;
use diesel::prelude::*;
use diesel::PgConnection;
use quotamonitor::config::{ReferenceData, Settings};
use quotamonitor::db::{self, lettings};
use quotamonitor::ingest::{self, BatchContext};
use quotamonitor::{admin, Application};

const DEFAULT_POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/postgres";

struct Args {
    lettings: usize,
    skip_missing_postgres: bool,
}

fn args() -> Args {
    let mut args = Args {
        lettings: 100_000,
        skip_missing_postgres: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--lettings" => {
                args.lettings = it
                    .next()
                    .and_then(|n| n.parse().ok())
                    .expect("--lettings N")
            }
            "--no-postgres-if-missing" => args.skip_missing_postgres = true,
            _ => {} // cargo bench passes --bench
        }
    }
    args
}

/// N realistic, valid lettings for one corporation in Wassenaar, as JSON.
fn batch_json(n: usize) -> String {
    let routes = [
        "regular",
        "regular",
        "regular",
        "local_priority",
        "direct",
        "swap",
    ];
    let urgencies = [
        "null",
        "null",
        "null",
        "\"status_holder\"",
        "\"medical\"",
        "null",
        "\"social\"",
    ];
    let mut out = String::with_capacity(n * 230);
    out.push_str("{\"lettings\":[");
    for i in 0..n {
        if i > 0 {
            out.push(',');
        }
        let month = 1 + i % 11;
        let day = 1 + i % 28;
        let rent = 450 + (i * 37) % 520;
        let cents = (i * 13) % 100;
        let size = 1 + i % 5;
        let income = 14_000 + (i * 7919) % 50_000;
        out.push_str(&format!(
            "{{\"reference\":\"BENCH-{i:07}\",\"municipality\":\"GM0629\",\"contract_start\":\"2026-{month:02}-{day:02}\",\
             \"rent\":{rent}.{cents:02},\"household_size\":{size},\"household_income\":{income},\"pension_age\":{},\
             \"route\":\"{}\",\"urgency\":{}}}",
            i % 9 == 0,
            routes[i % routes.len()],
            urgencies[i % urgencies.len()],
        ));
    }
    out.push_str("]}");
    out
}

struct Database {
    url: String,
    drop: Option<(String, String)>,
    _dir: Option<tempfile::TempDir>,
}

impl Drop for Database {
    fn drop(&mut self) {
        if let Some((server, name)) = &self.drop {
            if let Ok(mut c) = PgConnection::establish(server) {
                let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut c);
            }
        }
    }
}

fn new_database(backend: &str, server: &str, label: &str) -> Database {
    match backend {
        "sqlite" => {
            let dir = tempfile::tempdir().unwrap();
            let url = format!(
                "sqlite://{}",
                dir.path().join(format!("{label}.db")).display()
            );
            Database {
                url,
                drop: None,
                _dir: Some(dir),
            }
        }
        _ => {
            let name = format!("qm_bench_{label}_{}", std::process::id());
            let mut c = PgConnection::establish(server).unwrap();
            diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut c)
                .unwrap();
            diesel::sql_query(format!("CREATE DATABASE {name}"))
                .execute(&mut c)
                .unwrap();
            let base = &server[..server.rfind('/').unwrap()];
            Database {
                url: format!("{base}/{name}"),
                drop: Some((server.to_string(), name)),
                _dir: None,
            }
        }
    }
}

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

async fn run(
    backend: &str,
    server: &str,
    n: usize,
    body: &str,
    reference: Arc<ReferenceData>,
) -> (f64, f64) {
    // Through the API: a fresh database, the real server, one request.
    let api_db = new_database(backend, server, "api");
    let pool = db::connect_pool(&api_db.url, 4).unwrap();
    {
        let mut c = pool.get().unwrap();
        admin::add_organisation(
            &mut c,
            "bench",
            "corporation",
            "Bench corporation",
            &["GM0629".into()],
        )
        .unwrap();
    }
    let token = admin::create_token(&mut pool.get().unwrap(), "bench").unwrap();
    let mut settings = Settings::built_in(&api_db.url).unwrap();
    settings.workers = Some(2);
    settings.max_batch_records = n.max(100_000);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let app = Application::build(&settings, pool.clone(), reference.clone(), listener).unwrap();
    let url = format!("http://127.0.0.1:{}/api/v1/lettings", app.port());
    let server_handle = tokio::spawn(app.into_server());
    let client = reqwest::Client::new();
    let started = Instant::now();
    let response = client
        .post(&url)
        .bearer_auth(&token)
        .header("Content-Type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    let api_seconds = started.elapsed().as_secs_f64();
    assert!(
        status.is_success(),
        "ingest failed: {status} {}",
        &text[..text.len().min(500)]
    );
    server_handle.abort();

    // The ceiling: the same rows, already validated, multi-row inserted into a fresh database.
    let raw_db = new_database(backend, server, "raw");
    let raw_pool = db::connect_pool(&raw_db.url, 1).unwrap();
    let mut c = raw_pool.get().unwrap();
    admin::add_organisation(
        &mut c,
        "bench",
        "corporation",
        "Bench corporation",
        &["GM0629".into()],
    )
    .unwrap();
    let records =
        ingest::parse_json(body.as_bytes()).unwrap_or_else(|_| panic!("bench body parses"));
    let registered = ["GM0629".to_string()].into();
    let ctx = BatchContext {
        reference: &reference,
        registered_municipalities: &registered,
        today: Utc::now().date_naive(),
        decimal_comma: false,
    };
    let prepared = ingest::validate_batch(&records, &ctx)
        .unwrap_or_else(|p| panic!("bench rows valid: {:?}", &p[..1]));
    let started = Instant::now();
    let inserted =
        lettings::insert_plain(&mut c, "bench", &prepared, Utc::now().naive_utc()).unwrap();
    let raw_seconds = started.elapsed().as_secs_f64();
    assert_eq!(inserted, n);
    (n as f64 / api_seconds, n as f64 / raw_seconds)
}

fn main() {
    let args = args();
    let reference = Arc::new(ReferenceData::load(Some(std::path::Path::new("config"))).unwrap());
    let body = batch_json(args.lettings);
    let server = std::env::var("QUOTAMONITOR_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| DEFAULT_POSTGRES.to_string());
    let postgres_reachable = PgConnection::establish(&server).is_ok();
    if !postgres_reachable && !args.skip_missing_postgres {
        panic!("PostgreSQL at {server} does not answer; set QUOTAMONITOR_TEST_POSTGRES_URL or pass --no-postgres-if-missing");
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    println!(
        "ingest benchmark: {} lettings in one request ({:.1} MiB of JSON), {} cores",
        args.lettings,
        body.len() as f64 / 1048576.0,
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    );
    println!(
        "{:<10} {:>18} {:>22} {:>10}",
        "backend", "API lettings/s", "raw insert rows/s", "API/raw"
    );
    for backend in ["sqlite", "postgres"] {
        if backend == "postgres" && !postgres_reachable {
            println!("{backend:<10} skipped: PostgreSQL does not answer");
            continue;
        }
        let (api, raw) = runtime.block_on(run(
            backend,
            &server,
            args.lettings,
            &body,
            reference.clone(),
        ));
        println!(
            "{backend:<10} {api:>18.0} {raw:>22.0} {:>9.0}%",
            100.0 * api / raw
        );
    }
    println!(
        "peak resident memory of the whole benchmark process: {:.0} MiB",
        peak_rss_mib()
    );
}
