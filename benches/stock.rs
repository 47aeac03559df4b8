//! Stock snapshot benchmark: a snapshot of N units (default 80000, a large corporation) read
//! from JSON, checked and stored through the service as `POST .../stock/snapshots` does, then
//! the same snapshot posted again unchanged, each beside the ceiling of the same rows inserted
//! plainly (COPY on PostgreSQL, multi-row statements on SQLite) into a fresh database of the
//! same kind, measured in the same run. SQLite always; PostgreSQL when
//! QUOTAMONITOR_TEST_POSTGRES_URL is set (or the default local server answers).
//!
//!     cargo bench --bench stock
//!     cargo bench --bench stock -- --units 20000
//!
//! In process (no HTTP): the body is read with the same reader the endpoint streams it into.
//! See docs/performance.md.

use std::time::Instant;

use chrono::{NaiveDate, Utc};
use diesel::prelude::*;
use diesel::PgConnection;
use quotamonitor::db;
use quotamonitor::domain::audit::Actor;
use quotamonitor::domain::stock::{RawUnit, UnitContext};
use quotamonitor::service::admin;
use quotamonitor::service::ingest::{self, BodyFormat};
use quotamonitor::service::stock::{check_snapshot, post_snapshot, Commit};

const DEFAULT_POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/postgres";

fn units_arg() -> usize {
    let mut it = std::env::args().skip(1);
    let mut n = 80_000;
    while let Some(a) = it.next() {
        if a == "--units" {
            n = it.next().and_then(|v| v.parse().ok()).expect("--units N");
        }
    }
    n
}

/// N realistic units of one corporation in Wassenaar, as JSON.
fn snapshot_json(n: usize) -> String {
    let labels = ["A", "B", "B", "C", "A++", "D", "E", "B", "A+", "C", "G"];
    let statuses = [
        "VEH", "VEH", "VEH", "VEH", "VEH", "VEH", "VEH", "LEE", "VEH", "VEH",
    ];
    let mut out = String::with_capacity(n * 330);
    out.push_str("{\"units\":[");
    for i in 0..n {
        if i > 0 {
            out.push(',');
        }
        let daeb = if i % 11 == 0 { "NDA" } else { "DAE" };
        let points = 95 + (i * 37) % 110;
        let rent = 480 + (i * 53) % 560;
        let cents = (i * 13) % 100;
        let year = 1960 + i % 64;
        out.push_str(&format!(
            "{{\"unit\":\"VHE-{i:07}\",\"status\":\"{}\",\"daeb\":\"{daeb}\",\"wws_points\":{points},\
             \"target_rent\":{rent}.{cents:02},\"energy_label\":\"{}\",\"label_method\":\"NTA\",\
             \"label_date\":\"{}-{:02}-{:02}\",\"condition_score\":{},\"in_service_date\":\"{year}-06-01\",\
             \"in_service_reason\":\"NIE\"}}",
            statuses[i % statuses.len()],
            labels[i % labels.len()],
            2016 + i % 10,
            1 + i % 12,
            1 + i % 28,
            1 + i % 6,
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
    if backend == "sqlite" {
        let dir = tempfile::tempdir().unwrap();
        let url = format!(
            "sqlite://{}",
            dir.path().join(format!("{label}.db")).display()
        );
        return Database {
            url,
            drop: None,
            _dir: Some(dir),
        };
    }
    let name = format!("qm_stock_bench_{label}_{}", std::process::id());
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

fn pool_with_corporation(url: &str) -> db::Pool {
    let pool = db::connect_pool(url, 1).unwrap();
    admin::add_organisation(
        &mut pool.get().unwrap(),
        "bench",
        "corporation",
        "Bench corporation",
        &["GM0629".into()],
    )
    .unwrap();
    pool
}

fn main() {
    let n = units_arg();
    let body = snapshot_json(n);
    let server = std::env::var("QUOTAMONITOR_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| DEFAULT_POSTGRES.to_string());
    db::init_openssl();
    let date = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    println!(
        "stock benchmark: a snapshot of {n} units ({:.1} MiB of JSON), {} cores",
        body.len() as f64 / 1048576.0,
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    );
    println!(
        "{:<9} {:>14} {:>12} {:>14} {:>14} {:>10}",
        "backend", "read+check s", "first post s", "posted again s", "plain insert s", "units/s"
    );
    for backend in ["sqlite", "postgres"] {
        if backend == "postgres" && PgConnection::establish(&server).is_err() {
            println!("{backend:<9} skipped: PostgreSQL does not answer");
            continue;
        }
        let started = Instant::now();
        let batch = ingest::read_records::<RawUnit>(body.as_bytes(), BodyFormat::Json, usize::MAX)
            .unwrap_or_else(|_| panic!("bench body reads"));
        let ctx = UnitContext {
            municipality: "GM0629",
            reference_date: date,
            decimal_comma: false,
        };
        let units = check_snapshot(&batch.records, &ctx)
            .unwrap_or_else(|p| panic!("bench units valid: {:?}", &p.listed()[..1]));
        let check_seconds = started.elapsed().as_secs_f64();

        let service_db = new_database(backend, &server, "service");
        let pool = pool_with_corporation(&service_db.url);
        let mut c = pool.get().unwrap();
        let post = |c: &mut db::DbConnection| {
            let started = Instant::now();
            let answer = post_snapshot(
                c,
                &Actor::cli("bench"),
                "bench",
                "GM0629",
                date,
                &units,
                Utc::now().naive_utc(),
                Commit::Yes,
            )
            .unwrap();
            (started.elapsed().as_secs_f64(), answer)
        };
        let (first, answer) = post(&mut c);
        assert_eq!(answer.created, n);
        let (again, answer) = post(&mut c);
        assert_eq!(
            (answer.unchanged, answer.snapshot.as_str()),
            (n, "unchanged")
        );

        let plain_db = new_database(backend, &server, "plain");
        let plain_pool = pool_with_corporation(&plain_db.url);
        let started = Instant::now();
        let inserted = db::stock::insert_plain(
            &mut plain_pool.get().unwrap(),
            "bench",
            &units,
            Utc::now().naive_utc(),
        )
        .unwrap();
        let plain = started.elapsed().as_secs_f64();
        assert_eq!(inserted, n);
        println!(
            "{backend:<9} {check_seconds:>14.2} {first:>12.2} {again:>14.2} {plain:>14.2} {:>10.0}",
            n as f64 / (check_seconds + first)
        );
    }
}
