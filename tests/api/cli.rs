//! The `quotamonitor` binary as an administrator uses it.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::StatusCode;

use crate::helpers::{expect_json, Backend, TestDatabase};

const BIN: &str = env!("CARGO_BIN_EXE_quotamonitor");

fn quotamonitor(database_url: &str, args: &[&str]) -> std::process::Output {
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
