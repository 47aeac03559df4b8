//! The `quotamonitor` binary as an administrator uses it.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::StatusCode;

use crate::helpers::{expect_json, Backend, TestApp, TestDatabase};

const BIN: &str = env!("CARGO_BIN_EXE_quotamonitor");

on_both_backends!(
    tokens_are_named_listed_and_revoked_by_id,
    a_token_use_is_recorded_at_most_once_a_minute,
);

pub(crate) fn quotamonitor(database_url: &str, args: &[&str]) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    Command::new(BIN)
        .args(args)
        // Run from an empty folder: the binary must work without the repository's config/.
        .current_dir(dir.path())
        .env("QUOTAMONITOR_DATABASE_URL", database_url)
        .env_remove("QUOTAMONITOR_CONFIG_DIR")
        .output()
        .expect("binary runs")
}

/// Runs a command that must succeed; its stdout.
pub(crate) fn quotamonitor_ok(database_url: &str, args: &[&str]) -> String {
    let out = quotamonitor(database_url, args);
    assert!(
        out.status.success(),
        "quotamonitor {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Runs a command that must fail; its stderr.
pub(crate) fn quotamonitor_fails(database_url: &str, args: &[&str]) -> String {
    let out = quotamonitor(database_url, args);
    assert!(
        !out.status.success(),
        "quotamonitor {args:?} succeeded: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8(out.stderr).unwrap()
}

/// `token list` as rows of cells, the header first.
fn token_rows(listing: &str) -> Vec<Vec<String>> {
    listing
        .lines()
        .map(|line| line.split('\t').map(str::to_string).collect())
        .collect()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn cli_round_trip(backend: Backend) {
    let Some(db) = TestDatabase::create(backend) else {
        return;
    };
    let url = db.url.as_str();
    let ok = |out: &std::process::Output| {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        )
    };

    ok(&quotamonitor(
        url,
        &[
            "org",
            "add",
            "--id",
            "GM0629",
            "--kind",
            "municipality",
            "--name",
            "Gemeente Wassenaar",
            "--municipality",
            "GM0629",
        ],
    ));
    ok(&quotamonitor(
        url,
        &[
            "org",
            "add",
            "--id",
            "dwb",
            "--kind",
            "corporation",
            "--name",
            "De Wassenaarsche Bouwstichting",
            "--municipality",
            "GM0629",
            "--municipality",
            "GM0637",
        ],
    ));
    let duplicate = quotamonitor(
        url,
        &[
            "org",
            "add",
            "--id",
            "dwb",
            "--kind",
            "corporation",
            "--name",
            "Again",
            "--municipality",
            "GM0629",
        ],
    );
    assert!(!duplicate.status.success());
    assert!(String::from_utf8_lossy(&duplicate.stderr).contains("already exists"));
    let bad_kind = quotamonitor(
        url,
        &[
            "org",
            "add",
            "--id",
            "x",
            "--kind",
            "bank",
            "--name",
            "X",
            "--municipality",
            "GM0629",
        ],
    );
    assert!(!bad_kind.status.success());

    let created = quotamonitor(url, &["token", "create", "--org", "dwb"]);
    ok(&created);
    let stdout = String::from_utf8(created.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "the token is alone on one line: {stdout:?}");
    let token = lines[0].to_string();
    assert!(token.starts_with("qm_"));
    let unknown_org = quotamonitor(url, &["token", "create", "--org", "nobody"]);
    assert!(!unknown_org.status.success());

    let port = free_port();
    let dir = tempfile::tempdir().unwrap();
    let mut server = Command::new(BIN)
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .current_dir(dir.path())
        .env("QUOTAMONITOR_DATABASE_URL", url)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let client = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    loop {
        if let Ok(r) = client.get(format!("{base}/health")).send().await {
            if r.status() == StatusCode::OK {
                break;
            }
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the service did not start"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let letting = serde_json::json!([{
        "reference": "CLI-1",
        "municipality": "GM0629",
        "contract_start": "2026-03-01",
        "rent": 650,
        "household_size": 2,
        "household_income": 30000,
    }]);
    let posted = client
        .post(format!("{base}/api/v1/lettings"))
        .bearer_auth(&token)
        .json(&letting)
        .send()
        .await
        .unwrap();
    assert_eq!(expect_json(posted, StatusCode::OK).await["created"], 1);

    ok(&quotamonitor(url, &["token", "revoke", "--token", &token]));
    let after = client
        .get(format!("{base}/api/v1/lettings/CLI-1"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), StatusCode::UNAUTHORIZED);
    let again = quotamonitor(url, &["token", "revoke", "--token", &token]);
    assert!(!again.status.success());

    // SIGTERM: the service stops cleanly.
    let pid = server.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = server.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the service did not stop on SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(status.success(), "exit status after SIGTERM: {status}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_adds_organisations_and_tokens_and_serves_sqlite() {
    cli_round_trip(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_adds_organisations_and_tokens_and_serves_postgres() {
    cli_round_trip(Backend::Postgres).await;
}

async fn tokens_are_named_listed_and_revoked_by_id(app: TestApp) {
    let tokens = app.setup_wassenaar();
    let url = app.database_url().to_string();
    let url = url.as_str();

    let created = quotamonitor_ok(
        url,
        &["token", "create", "--org", "dwb", "--name", "ERP Woonstad"],
    );
    let lines: Vec<&str> = created.lines().collect();
    assert_eq!(
        lines.len(),
        1,
        "the token is alone on one line: {created:?}"
    );
    let named = lines[0].to_string();
    assert!(named.starts_with("qm_"));

    let listing = quotamonitor_ok(url, &["token", "list", "--org", "dwb"]);
    let rows = token_rows(&listing);
    assert_eq!(rows[0], ["id", "name", "created", "last used"]);
    assert_eq!(
        rows.len(),
        3,
        "the set-up token and the named one: {listing}"
    );
    let row = rows
        .iter()
        .find(|r| r[1] == "ERP Woonstad")
        .unwrap_or_else(|| panic!("no named token in {listing}"));
    assert_eq!(row[3], "never");
    let id = row[0].clone();
    let unnamed = rows.iter().find(|r| r[0] != id && r[0] != "id").unwrap();
    assert_eq!(unnamed[1], "-");
    for secret in [&named, &tokens.dwb] {
        assert!(!listing.contains(secret.as_str()), "a secret is listed");
        assert!(
            !listing.contains(&quotamonitor::service::admin::hash_token(secret)),
            "a token hash is listed"
        );
    }

    // A request with the token shows in its last use.
    let used = app
        .get(&named, "/api/v1/lettings/NOT-THERE")
        .send()
        .await
        .unwrap();
    assert_eq!(used.status(), StatusCode::NOT_FOUND);
    let listing = quotamonitor_ok(url, &["token", "list", "--org", "dwb"]);
    let row = token_rows(&listing)
        .into_iter()
        .find(|r| r[0] == id)
        .unwrap();
    assert!(row[3].ends_with(" UTC"), "last use recorded: {listing}");

    // Revoked by id: refused at once, gone from the list, shown with --all.
    quotamonitor_ok(url, &["token", "revoke", "--id", &id]);
    let after = app
        .get(&named, "/api/v1/lettings/NOT-THERE")
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), StatusCode::UNAUTHORIZED);
    let still = app
        .get(&tokens.dwb, "/api/v1/lettings/NOT-THERE")
        .send()
        .await
        .unwrap();
    assert_eq!(
        still.status(),
        StatusCode::NOT_FOUND,
        "the other token works"
    );
    let again = quotamonitor_fails(url, &["token", "revoke", "--id", &id]);
    assert!(
        again.contains(&format!("no active token with id {id}")),
        "{again}"
    );
    let listing = quotamonitor_ok(url, &["token", "list", "--org", "dwb"]);
    assert!(
        !token_rows(&listing).iter().any(|r| r[0] == id),
        "{listing}"
    );
    let all = quotamonitor_ok(url, &["token", "list", "--org", "dwb", "--all"]);
    let rows = token_rows(&all);
    assert_eq!(rows[0].last().unwrap(), "revoked");
    let row = rows.iter().find(|r| r[0] == id).unwrap();
    assert!(row[4].ends_with(" UTC"), "{all}");

    // Both are in the audit trail, as done on the command line.
    let audit = quotamonitor_ok(url, &["audit", "list", "--limit", "1000"]);
    let rows = token_rows(&audit);
    assert_eq!(
        rows[0],
        [
            "id",
            "at",
            "organisation",
            "token",
            "via",
            "municipality",
            "action",
            "subject",
            "details"
        ]
    );
    for action in ["token_created", "token_revoked"] {
        let row = rows
            .iter()
            .find(|r| r[6] == action && r[7] == format!("token:{id}"))
            .unwrap_or_else(|| panic!("no {action} of token {id} in {audit}"));
        assert_eq!(&row[2..5], ["dwb", "-", "cli"], "{audit}");
    }
    assert!(!audit.contains(&named), "a secret is in the audit listing");
    let wassenaar = quotamonitor_ok(url, &["audit", "list", "--municipality", "GM0629"]);
    assert!(
        token_rows(&wassenaar)
            .iter()
            .skip(1)
            .all(|r| r[5] == "GM0629"),
        "{wassenaar}"
    );

    // What the command line refuses.
    quotamonitor_fails(url, &["token", "revoke"]);
    quotamonitor_fails(url, &["token", "revoke", "--id", &id, "--token", &named]);
    quotamonitor_fails(url, &["token", "revoke", "--id", "not-a-number"]);
    quotamonitor_fails(url, &["token", "list", "--org", "nobody"]);
    let empty = quotamonitor_fails(url, &["token", "create", "--org", "dwb", "--name", " "]);
    assert!(empty.contains("must not be empty"), "{empty}");
    quotamonitor_fails(url, &["token", "create", "--org", "dwb", "--name", "a\tb"]);
}

/// The last use of dwb's only token, straight from the database.
fn last_used(app: &TestApp) -> Option<chrono::NaiveDateTime> {
    let mut conn = app.pool.get().unwrap();
    let tokens = quotamonitor::service::admin::list_tokens(&mut conn, "dwb", false).unwrap();
    assert_eq!(tokens.len(), 1);
    tokens[0].last_used_at
}

async fn a_token_use_is_recorded_at_most_once_a_minute(app: TestApp) {
    let tokens = app.setup_wassenaar();
    assert_eq!(last_used(&app), None);
    let read = || async {
        let response = app
            .get(&tokens.dwb, "/api/v1/lettings/NOT-THERE")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
    };
    read().await;
    let first = last_used(&app).expect("the first use is recorded");
    read().await;
    app.post_ok(
        &tokens.dwb,
        &serde_json::json!([crate::helpers::letting("USE-1")]),
    )
    .await;
    assert_eq!(
        last_used(&app),
        Some(first),
        "no second write within a minute"
    );

    // A minute later the next request records it again.
    let earlier = first - chrono::TimeDelta::seconds(61);
    {
        use diesel::prelude::*;
        use quotamonitor::db::schema::api_tokens;
        let mut conn = app.pool.get().unwrap();
        diesel::update(api_tokens::table.filter(api_tokens::organisation_id.eq("dwb")))
            .set(api_tokens::last_used_at.eq(earlier))
            .execute(&mut *conn)
            .unwrap();
    }
    assert_eq!(last_used(&app), Some(earlier));
    read().await;
    let recorded = last_used(&app).expect("recorded");
    assert!(
        recorded >= first,
        "{recorded} is the time of the new request"
    );
}

/// `quotamonitor serve` on a database, as a separate process; stopped when dropped.
struct ServedBinary {
    child: std::process::Child,
    base: String,
}

impl ServedBinary {
    async fn start(database_url: &str) -> Self {
        let port = free_port();
        let dir = tempfile::tempdir().unwrap();
        let child = Command::new(BIN)
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .current_dir(dir.path())
            .env("QUOTAMONITOR_DATABASE_URL", database_url)
            .env_remove("QUOTAMONITOR_CONFIG_DIR")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let served = Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
        };
        let client = reqwest::Client::new();
        let started = Instant::now();
        loop {
            if let Ok(r) = client.get(format!("{}/health", served.base)).send().await {
                if r.status() == StatusCode::OK {
                    break;
                }
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "the service did not start"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        served
    }
}

impl Drop for ServedBinary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_of_a_running_sqlite_service_serves_the_same_quota() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let tokens = app.setup_wassenaar();
    let lettings: Vec<serde_json::Value> = (0..12)
        .map(|i| {
            crate::helpers::letting_with(
                &format!("BACKUP-{i}"),
                serde_json::json!({
                    "rent": 600 + 25 * i,
                    "household_income": 25000 + 2500 * i,
                    "urgency": if i % 4 == 0 { serde_json::json!("medical") } else { serde_json::Value::Null },
                }),
            )
        })
        .collect();
    app.post_ok(&tokens.dwb, &serde_json::Value::Array(lettings))
        .await;
    let quota = app.quota(&tokens.municipality, "GM0629", "2026").await;
    assert_eq!(
        crate::helpers::scope(&quota, Some("dwb"))["corporation"],
        "dwb"
    );

    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("copy.db");
    let copy_arg = copy.to_str().unwrap();
    // The copy is made while the service runs and while a writer is in the middle of a
    // transaction: it does not wait for the writer, and holds nothing of what is not committed.
    use diesel::connection::SimpleConnection;
    use diesel::prelude::*;
    use quotamonitor::db::schema::lettings;
    let database_path = app
        .database_url()
        .trim_start_matches("sqlite://")
        .to_string();
    let mut writer = diesel::SqliteConnection::establish(&database_path).unwrap();
    writer
        .batch_execute("BEGIN IMMEDIATE; DELETE FROM letting_versions; DELETE FROM lettings;")
        .unwrap();
    let url = app.database_url().to_string();
    let target = copy_arg.to_string();
    let started = Instant::now();
    tokio::task::spawn_blocking(move || quotamonitor_ok(&url, &["backup", "--to", &target]))
        .await
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "the backup waited for the writer"
    );
    writer.batch_execute("ROLLBACK").unwrap();
    let mut in_copy = diesel::SqliteConnection::establish(copy_arg).unwrap();
    let count: i64 = lettings::table.count().get_result(&mut in_copy).unwrap();
    assert_eq!(count, 12, "the copy holds the committed lettings only");
    drop(in_copy);
    let written = std::fs::read(&copy).unwrap();
    assert!(written.starts_with(b"SQLite format 3\0"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&copy).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "the copy is for its owner only: {mode:o}");
    }

    // Never over an existing file, even an empty one (which VACUUM INTO itself would take).
    let refused = quotamonitor_fails(app.database_url(), &["backup", "--to", copy_arg]);
    assert!(refused.contains("already exists"), "{refused}");
    assert_eq!(
        std::fs::read(&copy).unwrap(),
        written,
        "the copy is untouched"
    );
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    quotamonitor_fails(
        app.database_url(),
        &["backup", "--to", empty.to_str().unwrap()],
    );
    assert_eq!(std::fs::metadata(&empty).unwrap().len(), 0);
    // A folder that does not exist: an error, and nothing left behind.
    let nowhere = dir.path().join("missing").join("copy.db");
    quotamonitor_fails(
        app.database_url(),
        &["backup", "--to", nowhere.to_str().unwrap()],
    );

    // Restore: a second service on the copy answers the same, with the same tokens.
    let restored = ServedBinary::start(&format!("sqlite://{copy_arg}")).await;
    let client = reqwest::Client::new();
    let answer = client
        .get(format!(
            "{}/api/v1/municipalities/GM0629/quota?period=2026",
            restored.base
        ))
        .bearer_auth(&tokens.municipality)
        .send()
        .await
        .unwrap();
    assert_eq!(expect_json(answer, StatusCode::OK).await, quota);
    let letting = client
        .get(format!("{}/api/v1/lettings/BACKUP-3", restored.base))
        .bearer_auth(&tokens.dwb)
        .send()
        .await
        .unwrap();
    assert_eq!(
        expect_json(letting, StatusCode::OK).await["reference"],
        "BACKUP-3"
    );
}

#[test]
fn backup_of_postgresql_says_to_use_pg_dump() {
    let Some(db) = TestDatabase::create(Backend::Postgres) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("copy.db");
    let out = quotamonitor(&db.url, &["backup", "--to", target.to_str().unwrap()]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("pg_dump"), "{stderr}");
    assert!(out.stdout.is_empty());
    assert!(!target.exists());
}

/// `serve --demo` with its stdout in a file (not a terminal), as a log collector takes it.
async fn demo_log(format: &str) -> String {
    let db = TestDatabase::create(Backend::Sqlite).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let log_path = dir.path().join("stdout.log");
    let port = free_port();
    let mut server = Command::new(BIN)
        .args(["serve", "--demo", "--bind", &format!("127.0.0.1:{port}")])
        .current_dir(dir.path())
        .env("QUOTAMONITOR_DATABASE_URL", &db.url)
        .env("QUOTAMONITOR_LOG_FORMAT", format)
        .env("QUOTAMONITOR_LOG_LEVEL", "info")
        .env_remove("QUOTAMONITOR_CONFIG_DIR")
        .env_remove("NO_COLOR")
        .stdout(std::fs::File::create(&log_path).unwrap())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let client = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    while !matches!(client.get(format!("{base}/health")).send().await, Ok(r) if r.status() == StatusCode::OK)
    {
        assert!(started.elapsed() < Duration::from_secs(60), "no start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let printed = std::fs::read_to_string(&log_path).unwrap();
    let dwb = printed
        .lines()
        .find_map(|l| l.trim_start().strip_prefix("export QM_DWB="))
        .and_then(|rest| rest.split_whitespace().next())
        .expect("the demo prints dwb's token")
        .to_string();

    let query_secret = client
        .get(format!(
            "{base}/api/v1/lettings/DEMO-X?token=SECRET-IN-QUERY"
        ))
        .bearer_auth(&dwb)
        .send()
        .await
        .unwrap();
    assert_eq!(query_secret.status(), StatusCode::BAD_REQUEST);
    let bad_token = client
        .get(format!("{base}/api/v1/lettings/DEMO-X"))
        .bearer_auth("qm_SECRET-IN-HEADER")
        .send()
        .await
        .unwrap();
    assert_eq!(bad_token.status(), StatusCode::UNAUTHORIZED);
    let invalid = client
        .post(format!("{base}/api/v1/lettings"))
        .bearer_auth(&dwb)
        .json(&serde_json::json!([{
            "reference": "PRIVATE-REF-77",
            "municipality": "GM0629",
            "contract_start": "2026-03-01",
            "rent": "twelve hundred",
            "household_size": 2,
            "household_income": 31234.56,
            "income_source": "nosy field",
        }]))
        .send()
        .await
        .unwrap();
    assert_eq!(invalid.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let pid = server.id().to_string();
    Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    let started = Instant::now();
    while server.try_wait().unwrap().is_none() {
        assert!(started.elapsed() < Duration::from_secs(30), "no stop");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    std::fs::read_to_string(&log_path).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn served_logs_are_plain_and_hold_no_secrets_or_submitted_values() {
    for format in ["pretty", "json"] {
        let log = demo_log(format).await;
        assert!(
            !log.contains('\u{1b}'),
            "colour codes in a {format} log:\n{log}"
        );
        // The demo's tokens are printed once each, on their export lines, and never logged.
        let tokens: Vec<&str> = log
            .lines()
            .filter_map(|l| l.trim_start().strip_prefix("export QM_"))
            .filter_map(|rest| rest.split_once('=')?.1.split_whitespace().next())
            .collect();
        assert_eq!(tokens.len(), 5, "{log}");
        for token in tokens {
            assert_eq!(
                log.matches(token).count(),
                1,
                "{token} in the {format} log:\n{log}"
            );
        }
        for secret in [
            "SECRET-IN-QUERY",
            "SECRET-IN-HEADER",
            "PRIVATE-REF-77",
            "twelve hundred",
            "31234",
            "income_source",
            "nosy field",
        ] {
            assert!(
                !log.contains(secret),
                "{secret:?} in the {format} log:\n{log}"
            );
        }
        // Each refused request is one line, with its status and code.
        for (status, code) in [
            ("400", "invalid_query"),
            ("401", "unauthorized"),
            ("422", "validation_failed"),
        ] {
            let lines: Vec<&str> = log
                .lines()
                .filter(|l| {
                    l.contains(code)
                        || l.contains(&format!("={status}"))
                        // JSON logs; not just ":401", which a port such as 40147 holds.
                        || l.contains(&format!("\"status\":{status}"))
                })
                .collect();
            assert_eq!(lines.len(), 1, "{status} in the {format} log: {lines:#?}");
            assert!(lines[0].contains("request refused"), "{}", lines[0]);
            assert!(lines[0].contains(code), "{}", lines[0]);
        }
        assert!(
            log.contains("/api/v1/lettings/DEMO-X") && !log.contains("DEMO-X?"),
            "the path is logged without its query:\n{log}"
        );
    }
}
