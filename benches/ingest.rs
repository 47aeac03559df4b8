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
use quotamonitor::config::ReferenceData;
use quotamonitor::db::lettings::PlainInsert;
use quotamonitor::db::{self, lettings};
use quotamonitor::service::admin;
use quotamonitor::service::ingest::{self, BatchContext};

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

struct Figures {
    api: f64,
    api_peak_rss_mib: f64,
    multi_row: f64,
    copy: Option<f64>,
}

fn vm_hwm_mib(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
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
) -> Figures {
    // Through the API: a fresh database and the real `quotamonitor serve` in its own process,
    // so its peak memory is its own.
    let api_db = new_database(backend, server, "api");
    let pool = db::connect_pool(&api_db.url, 2).unwrap();
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
    drop(pool);
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_quotamonitor"))
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .env("QUOTAMONITOR_DATABASE_URL", &api_db.url)
        .env("QUOTAMONITOR_MAX_BATCH_RECORDS", n.max(100_000).to_string())
        .env("QUOTAMONITOR_LOG_LEVEL", "warn")
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let client = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    for _ in 0..200 {
        if client
            .get(format!("{base}/health"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let started = Instant::now();
    let response = client
        .post(format!("{base}/api/v1/lettings"))
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
    let api_peak_rss_mib = vm_hwm_mib(child.id());
    let _ = child.kill();
    let _ = child.wait();

    // The ceilings: the same rows, already validated, into a fresh database of the same kind.
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
        .unwrap_or_else(|p| panic!("bench rows valid: {:?}", &p.listed()[..1]));
    let ceiling = |label: &str, method: PlainInsert| -> f64 {
        let raw_db = new_database(backend, server, label);
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
        let started = Instant::now();
        let inserted =
            lettings::insert_plain(&mut c, "bench", &prepared, Utc::now().naive_utc(), method)
                .unwrap();
        let seconds = started.elapsed().as_secs_f64();
        assert_eq!(inserted, n);
        n as f64 / seconds
    };
    let multi_row = ceiling("multirow", PlainInsert::MultiRow);
    let copy = (backend == "postgres").then(|| ceiling("copy", PlainInsert::Copy));
    Figures {
        api: n as f64 / api_seconds,
        api_peak_rss_mib,
        multi_row,
        copy,
    }
}

fn main() {
    let args = args();
    let reference = Arc::new(ReferenceData::load(Some(std::path::Path::new("config"))).unwrap());
    let body = batch_json(args.lettings);
    let server = std::env::var("QUOTAMONITOR_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| DEFAULT_POSTGRES.to_string());
    db::init_openssl();
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
        "{:<9} {:>15} {:>17} {:>14} {:>12} {:>9} {:>16}",
        "backend",
        "API lettings/s",
        "multi-row rows/s",
        "API/multi-row",
        "COPY rows/s",
        "API/COPY",
        "server peak RSS"
    );
    for backend in ["sqlite", "postgres"] {
        if backend == "postgres" && !postgres_reachable {
            println!("{backend:<9} skipped: PostgreSQL does not answer");
            continue;
        }
        let f = runtime.block_on(run(
            backend,
            &server,
            args.lettings,
            &body,
            reference.clone(),
        ));
        let (copy, versus_copy) = match f.copy {
            Some(c) => (format!("{c:.0}"), format!("{:.0}%", 100.0 * f.api / c)),
            None => ("-".into(), "-".into()),
        };
        println!(
            "{backend:<9} {:>15.0} {:>17.0} {:>13.0}% {:>12} {:>9} {:>12.0} MiB",
            f.api,
            f.multi_row,
            100.0 * f.api / f.multi_row,
            copy,
            versus_copy,
            f.api_peak_rss_mib
        );
    }
}
