//! Requests as a careless client or an attacker would send them: each gets a clear 4xx and
//! changes nothing.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use reqwest::{Response, StatusCode};
use serde_json::json;

use crate::helpers::{expect_json, letting, scope, TestApp};

on_both_backends!(
    the_html_report_carries_a_content_security_policy,
    a_status_holder_chain_far_in_the_past_is_refused,
    an_unknown_query_parameter_is_a_400_naming_it,
    a_query_parameter_of_another_method_is_unknown_too,
    a_token_past_its_burst_gets_429_until_retry_after,
    unknown_tokens_past_the_failure_budget_get_429_without_the_database,
    a_client_address_past_its_burst_gets_429,
    one_record_with_a_long_reference_and_many_unknown_keys_gets_a_small_422,
    a_batch_with_thousands_of_problems_lists_the_first_1000_and_counts_them_all,
    a_json_batch_past_the_record_limit_is_413_while_it_is_read,
    a_csv_batch_past_the_record_limit_is_413_while_it_is_read,
    an_ingest_past_the_concurrency_limit_is_503_with_retry_after,
    a_body_that_stops_arriving_is_408_and_the_service_stays_healthy,
    long_request_lines_get_json_and_oversized_ones_a_bare_protocol_answer
);

async fn an_unknown_query_parameter_is_a_400_naming_it(app: TestApp) {
    let t = app.setup_wassenaar();
    let misspelt = app
        .get(
            &t.municipality,
            "/api/v1/municipalities/GM0629/quota?perod=2026-H1",
        )
        .send()
        .await
        .unwrap();
    let body = expect_json(misspelt, StatusCode::BAD_REQUEST).await;
    assert_eq!(body["error"], "invalid_query");
    assert!(
        body["message"].as_str().unwrap().contains("perod"),
        "{body}"
    );
    // The documented names still work, and so does a path without a query.
    app.get_json(
        &t.municipality,
        "/api/v1/municipalities/GM0629/quota?period=2026-H1",
    )
    .await;
    app.get_json(&t.municipality, "/api/v1/municipalities/GM0629/alerts")
        .await;
    // An unknown parameter on a write is refused before anything is stored.
    let post = app
        .client
        .post(app.url("/api/v1/lettings?verbose=1"))
        .bearer_auth(&t.dwb)
        .json(&json!([letting("Q-1")]))
        .send()
        .await
        .unwrap();
    assert_eq!(
        expect_json(post, StatusCode::BAD_REQUEST).await["error"],
        "invalid_query"
    );
    let stored = app
        .get(&t.dwb, "/api/v1/lettings/Q-1")
        .send()
        .await
        .unwrap();
    assert_eq!(stored.status(), StatusCode::NOT_FOUND);
    // A long name is echoed cut short.
    let long = "x".repeat(5000);
    let answer = app
        .get(
            &t.municipality,
            &format!("/api/v1/municipalities/GM0629/quota?{long}=1"),
        )
        .send()
        .await
        .unwrap();
    let body = expect_json(answer, StatusCode::BAD_REQUEST).await;
    assert!(body["message"].as_str().unwrap().len() < 200, "{body}");
}

async fn a_query_parameter_of_another_method_is_unknown_too(app: TestApp) {
    let t = app.setup_wassenaar();
    app.post_ok(&t.dwb, &json!([letting("Q-2")])).await;
    let read = app
        .get(&t.dwb, "/api/v1/lettings/Q-2?history=true")
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), StatusCode::OK);
    let delete = app
        .client
        .delete(app.url("/api/v1/lettings/Q-2?history=true"))
        .bearer_auth(&t.dwb)
        .send()
        .await
        .unwrap();
    assert_eq!(
        expect_json(delete, StatusCode::BAD_REQUEST).await["error"],
        "invalid_query"
    );
    let still = app.get_json(&t.dwb, "/api/v1/lettings/Q-2").await;
    assert_eq!(still["withdrawn"], false);
}

/// Asserts a `429` with a JSON `rate_limited` error; its `Retry-After` in seconds.
async fn expect_rate_limited(response: Response) -> u64 {
    assert_eq!(
        response.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "{response:?}"
    );
    let retry_after = response
        .headers()
        .get("retry-after")
        .unwrap_or_else(|| panic!("429 without Retry-After: {response:?}"))
        .to_str()
        .unwrap()
        .parse::<u64>()
        .expect("Retry-After in whole seconds");
    let body = expect_json(response, StatusCode::TOO_MANY_REQUESTS).await;
    assert_eq!(body["error"], "rate_limited", "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("try again"),
        "{body}"
    );
    assert!(retry_after >= 1, "Retry-After {retry_after}");
    retry_after
}

async fn a_token_past_its_burst_gets_429_until_retry_after(app: TestApp) {
    // Three at once, then one every three seconds.
    let app = TestApp::spawn_with(app.backend, |s| {
        s.rate_limit_token_per_minute = 20;
        s.rate_limit_token_burst = 3;
    })
    .await
    .unwrap();
    let t = app.setup_wassenaar();
    let quota = "/api/v1/municipalities/GM0629/quota?period=2026";
    for i in 0..3 {
        let answer = app.get(&t.municipality, quota).send().await.unwrap();
        assert_eq!(answer.status(), StatusCode::OK, "request {i} of the burst");
    }
    let over = app.get(&t.municipality, quota).send().await.unwrap();
    let retry_after = expect_rate_limited(over).await;
    assert!(retry_after <= 3, "Retry-After {retry_after}");
    // Another token from the same address is not affected, and neither is /health.
    app.get_json(&t.tenants, quota).await;
    let health = app.client.get(app.url("/health")).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    // After Retry-After the first token is served again.
    tokio::time::sleep(Duration::from_secs(retry_after)).await;
    app.get_json(&t.municipality, quota).await;
}

async fn unknown_tokens_past_the_failure_budget_get_429_without_the_database(app: TestApp) {
    // Three failed authentications, then one every 30 seconds.
    let app = TestApp::spawn_with(app.backend, |s| {
        s.rate_limit_failed_auth_per_minute = 2;
        s.rate_limit_failed_auth_burst = 3;
        s.pool_size = 2;
    })
    .await
    .unwrap();
    let t = app.setup_wassenaar();
    let quota = "/api/v1/municipalities/GM0629/quota?period=2026";
    for i in 0..3 {
        let answer = app
            .get(&format!("qm_guess{i}"), quota)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), StatusCode::UNAUTHORIZED, "guess {i}");
    }
    let over = app.get("qm_guess3", quota).send().await.unwrap();
    let retry_after = expect_rate_limited(over).await;
    assert!(retry_after <= 30, "Retry-After {retry_after}");

    // The refusal comes before the token is looked up: with every connection of the pool
    // taken, a lookup would wait for the pool's 10 s and end in 503, but the 429 is at once.
    // The address cannot tell a valid token from a guess any more, so a valid one waits too.
    let held: Vec<_> = (0..2).map(|_| app.pool.get().unwrap()).collect();
    let impatient = reqwest::Client::builder()
        .timeout(Duration::from_secs(3))
        .build()
        .unwrap();
    for token in ["qm_guess4", t.municipality.as_str()] {
        let answer = impatient
            .get(app.url(quota))
            .bearer_auth(token)
            .send()
            .await
            .expect("answered without waiting for the database");
        expect_rate_limited(answer).await;
    }
    drop(held);

    // Without a token the address is served as before.
    let health = app.client.get(app.url("/health")).send().await.unwrap();
    assert_eq!(expect_json(health, StatusCode::OK).await["status"], "ok");
    let without = app.client.get(app.url(quota)).send().await.unwrap();
    assert_eq!(without.status(), StatusCode::UNAUTHORIZED);
}

async fn a_client_address_past_its_burst_gets_429(app: TestApp) {
    // The test's requests come from 127.0.0.1, here a proxy that is trusted.
    let app = TestApp::spawn_with(app.backend, |s| {
        s.rate_limit_address_per_minute = 2;
        s.rate_limit_address_burst = 2;
        s.trusted_proxy = vec!["127.0.0.1".into()];
    })
    .await
    .unwrap();
    let health = |client: &'static str| {
        app.client
            .get(app.url("/health"))
            .header("X-Forwarded-For", client)
            .send()
    };
    for _ in 0..2 {
        assert_eq!(
            health("203.0.113.1").await.unwrap().status(),
            StatusCode::OK
        );
    }
    let retry_after = expect_rate_limited(health("203.0.113.1").await.unwrap()).await;
    assert!(retry_after <= 30, "Retry-After {retry_after}");
    // A client cannot escape by writing the header itself: the proxy's entry is the last.
    let spoofed = health("198.51.100.9, 203.0.113.1").await.unwrap();
    expect_rate_limited(spoofed).await;
    // Another client behind the same proxy has a budget of its own.
    assert_eq!(
        health("203.0.113.2").await.unwrap().status(),
        StatusCode::OK
    );
}

async fn a_status_holder_chain_far_in_the_past_is_refused(app: TestApp) {
    let t = app.setup_wassenaar();
    for through in ["1900-H1", "2999-H2"] {
        let answer = app
            .get(
                &t.tenants,
                &format!("/api/v1/municipalities/GM0629/status-holders?through={through}"),
            )
            .send()
            .await
            .unwrap();
        let body = expect_json(answer, StatusCode::BAD_REQUEST).await;
        assert_eq!(body["error"], "invalid_half_year", "{body}");
    }
    let this_year = chrono::Datelike::year(&chrono::Utc::now().date_naive());
    app.get_json(
        &t.tenants,
        &format!("/api/v1/municipalities/GM0629/status-holders?through={this_year}-H1"),
    )
    .await;
}

/// The record of the security review: 0.4 MB that used to produce a 402 MB answer (every one of
/// 20000 unknown-field problems repeated the 200000-character reference).
fn amplification_record() -> String {
    let mut record = format!("{{\"reference\":\"{}\"", "R".repeat(200_000));
    for i in 0..20_000 {
        record.push_str(&format!(",\"k{i:05}\":0"));
    }
    record.push('}');
    record
}

async fn post_raw_json(app: &TestApp, token: &str, body: String) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/lettings"))
        .bearer_auth(token)
        .header("Content-Type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap()
}

async fn one_record_with_a_long_reference_and_many_unknown_keys_gets_a_small_422(app: TestApp) {
    let t = app.setup_wassenaar();
    let body = format!("[{}]", amplification_record());
    assert!(body.len() > 400_000);
    let response = post_raw_json(&app, &t.dwb, body).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = response.text().await.unwrap();
    assert!(text.len() < 100_000, "a 422 of {} bytes", text.len());
    let body: serde_json::Value = serde_json::from_str(&text).unwrap();
    let problems = body["problems"].as_array().unwrap();
    assert_eq!(body["problems_total"], problems.len(), "{body}");
    assert!(body.get("problems_truncated").is_none(), "{body}");
    // Every problem repeats the reference, cut to 64 characters.
    assert!(problems.iter().all(|p| p["reference"] == "R".repeat(64)));
    // The first 20 unknown keys are named, then one problem counts the others.
    let unknown: Vec<&str> = problems
        .iter()
        .filter_map(|p| p["field"].as_str().filter(|f| f.starts_with('k')))
        .collect();
    assert_eq!(unknown.len(), 20, "{unknown:?}");
    assert_eq!(unknown[0], "k00000");
    let more = problems
        .iter()
        .find(|p| {
            p["message"]
                .as_str()
                .unwrap()
                .contains("19980 more unknown fields")
        })
        .unwrap_or_else(|| panic!("no problem counts the other unknown keys: {body}"));
    assert!(more["field"].is_null());
    let reference = problems.iter().find(|p| p["field"] == "reference").unwrap();
    assert!(
        reference["message"]
            .as_str()
            .unwrap()
            .contains("got 200000"),
        "{reference}"
    );
    let quota = app.quota(&t.municipality, "GM0629", "2026").await;
    assert_eq!(scope(&quota, None)["lettings"], 0);
}

async fn a_batch_with_thousands_of_problems_lists_the_first_1000_and_counts_them_all(app: TestApp) {
    let t = app.setup_wassenaar();
    // 1200 records, each with a reference too long and five required fields missing.
    let records: Vec<_> = (0..1200)
        .map(|i| json!({"reference": format!("{i:04}{}", "x".repeat(5000))}))
        .collect();
    let response = app.post_json(&t.dwb, &json!(records)).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = response.text().await.unwrap();
    assert!(text.len() < 400_000, "a 422 of {} bytes", text.len());
    let body: serde_json::Value = serde_json::from_str(&text).unwrap();
    let problems = body["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1000);
    assert_eq!(body["problems_total"], 1200 * 6);
    assert_eq!(body["problems_truncated"], true);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("7200 problem(s)"),
        "{}",
        body["message"]
    );
    // In order: record by record, and the first problems are those of record 0.
    assert_eq!(problems[0]["index"], 0);
    assert_eq!(problems[0]["field"], "reference");
    assert_eq!(problems[999]["index"], 166);
    let mut last = 0;
    for p in problems {
        let index = p["index"].as_u64().unwrap();
        assert!(index >= last);
        last = index;
        let reference = p["reference"].as_str().unwrap();
        assert_eq!(reference.chars().count(), 64);
        assert_eq!(&reference[..4], format!("{index:04}"));
    }
}

/// What a raw HTTP/1.1 exchange on its own connection answered: the status and the body.
struct RawAnswer {
    status: u16,
    headers: String,
    body: String,
    /// From the end of what was sent to the end of the answer.
    waited: Duration,
}

/// Sends `head` and `body` on a new connection to the service, then waits (up to `wait`) for
/// the answer without sending anything more: a client that stops in the middle of its body.
/// Runs on the blocking pool.
async fn send_raw(app: &TestApp, head: String, body: Vec<u8>, wait: Duration) -> RawAnswer {
    let address = app.address.trim_start_matches("http://").to_string();
    tokio::task::spawn_blocking(move || {
        let mut stream = TcpStream::connect(&address).unwrap();
        stream.set_read_timeout(Some(wait)).unwrap();
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(&body).unwrap();
        let sent = Instant::now();
        let answer = read_answer(&mut stream);
        let waited = sent.elapsed();
        let text = String::from_utf8_lossy(&answer).to_string();
        let (headers, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let status = headers
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        RawAnswer {
            status,
            headers: headers.to_string(),
            body: body.to_string(),
            waited,
        }
    })
    .await
    .unwrap()
}

/// Reads one answer: its head and as much body as it declares (or up to the connection's end
/// or the read time-out).
fn read_answer(stream: &mut TcpStream) -> Vec<u8> {
    let mut answer = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        if let Some(end) = answer.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&answer[..end]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok());
            if length.is_some_and(|n| answer.len() >= end + 4 + n) {
                return answer;
            }
        }
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return answer,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
        }
    }
}

fn post_head(token: &str, content_type: &str, content_length: usize) -> String {
    format!(
        "POST /api/v1/lettings HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: {content_type}\r\nContent-Length: {content_length}\r\n\r\n"
    )
}

/// A service that takes at most 50 records a batch.
async fn with_a_limit_of_50(app: &TestApp) -> TestApp {
    TestApp::spawn_with(app.backend, |s| s.max_batch_records = 50)
        .await
        .unwrap()
}

/// A `413` for a batch past the limit of 50.
async fn too_large(response: reqwest::Response) {
    let body = expect_json(response, StatusCode::PAYLOAD_TOO_LARGE).await;
    assert_eq!(body["error"], "payload_too_large");
    assert!(body["message"].as_str().unwrap().contains("50"), "{body}");
}

fn csv_batch(references: impl Iterator<Item = String>) -> String {
    let mut csv = String::from(
        "reference,municipality,contract_start,rent,household_size,household_income\n",
    );
    for reference in references {
        csv.push_str(&format!("{reference},GM0629,2026-03-15,650.00,2,30000\n"));
    }
    csv
}

async fn a_json_batch_past_the_record_limit_is_413_while_it_is_read(app: TestApp) {
    let small = with_a_limit_of_50(&app).await;
    let t = small.setup_wassenaar();
    // 51 empty records: 413, not a 422 about their missing fields.
    too_large(small.post_json(&t.dwb, &json!(vec![json!({}); 51])).await).await;
    // 51 valid records, bare and wrapped: 413, and not one is stored.
    let valid: Vec<_> = (0..51).map(|i| letting(&format!("J-{i}"))).collect();
    too_large(small.post_json(&t.dwb, &json!(valid)).await).await;
    too_large(small.post_json(&t.dwb, &json!({ "lettings": valid })).await).await;
    let first = small
        .get(&t.dwb, "/api/v1/lettings/J-0")
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), StatusCode::NOT_FOUND);

    // The reading stops at the 51st record: what follows is never read. Broken JSON after it
    // is not a 400, and a client that has not sent the rest gets its answer at once.
    let records: Vec<String> = (0..51)
        .map(|i| letting(&format!("J-{i}")).to_string())
        .collect();
    let start = format!("[{}, {{\"reference\": ", records.join(", "));
    let answer = send_raw(
        &small,
        post_head(&t.dwb, "application/json", start.len() + 10_000_000),
        start.into_bytes(),
        Duration::from_secs(20),
    )
    .await;
    assert_eq!(answer.status, 413, "{} {}", answer.headers, answer.body);
    assert!(answer.body.contains("payload_too_large"), "{}", answer.body);
    assert!(
        answer.waited < Duration::from_secs(10),
        "{:?}",
        answer.waited
    );

    // 50 is still a batch.
    let fifty: Vec<_> = (0..50).map(|i| letting(&format!("J-{i}"))).collect();
    let body = small.post_ok(&t.dwb, &json!(fifty)).await;
    assert_eq!(body["created"], 50);
    drop(app);
}

async fn a_csv_batch_past_the_record_limit_is_413_while_it_is_read(app: TestApp) {
    let small = with_a_limit_of_50(&app).await;
    let t = small.setup_wassenaar();
    // 51 valid rows, and 51 rows of one character (each a row with too few cells).
    too_large(
        small
            .post_csv(&t.dwb, &csv_batch((0..51).map(|i| format!("C-{i}"))))
            .await,
    )
    .await;
    let mut short_rows = csv_batch(std::iter::empty());
    short_rows.push_str(&"x\n".repeat(51));
    too_large(small.post_csv(&t.dwb, &short_rows).await).await;
    // A 52nd row that is not even UTF-8 is never read.
    let mut then_garbage = csv_batch((0..51).map(|i| format!("C-{i}"))).into_bytes();
    then_garbage.extend_from_slice(b"\xff\xfe,\xff\n");
    let response = small
        .client
        .post(small.url("/api/v1/lettings"))
        .bearer_auth(&t.dwb)
        .header("Content-Type", "text/csv")
        .body(then_garbage)
        .send()
        .await
        .unwrap();
    too_large(response).await;
    let first = small
        .get(&t.dwb, "/api/v1/lettings/C-0")
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), StatusCode::NOT_FOUND);
    let quota = small.quota(&t.municipality, "GM0629", "2026").await;
    assert_eq!(scope(&quota, None)["lettings"], 0);

    let body = expect_json(
        small
            .post_csv(&t.dwb, &csv_batch((0..50).map(|i| format!("C-{i}"))))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(body["created"], 50);
    drop(app);
}

async fn an_ingest_past_the_concurrency_limit_is_503_with_retry_after(app: TestApp) {
    let one = TestApp::spawn_with(app.backend, |s| s.max_concurrent_ingests = 1)
        .await
        .unwrap();
    let t = one.setup_wassenaar();
    // A slow ingest: the head and half the body now, the rest later.
    let body = json!([letting("S-1")]).to_string().into_bytes();
    let (first_half, second_half) = body.split_at(body.len() / 2);
    let (first_half, second_half) = (first_half.to_vec(), second_half.to_vec());
    let address = one.address.trim_start_matches("http://").to_string();
    let head = post_head(&t.dwb, "application/json", body.len());
    // Opens the slow ingest: the head and the first half of its body.
    let open_slow = || {
        let (address, head, first_half) = (address.clone(), head.clone(), first_half.clone());
        tokio::task::spawn_blocking(move || {
            let mut stream = TcpStream::connect(&address).unwrap();
            stream.write_all(head.as_bytes()).unwrap();
            stream.write_all(&first_half).unwrap();
            stream
        })
    };
    // Whether the service has already answered the slow ingest: it arrived while one of the
    // ingests below held the only permit, and was refused itself.
    fn answered(stream: &TcpStream) -> bool {
        stream.set_nonblocking(true).unwrap();
        let mut byte = [0u8; 1];
        let answered = matches!(stream.peek(&mut byte), Ok(n) if n > 0);
        stream.set_nonblocking(false).unwrap();
        answered
    }
    let mut slow = open_slow().await.unwrap();

    // Another ingest while it is in progress is refused at once. (Until the slow one has been
    // let in, another may get through: it is an invalid batch, so it stores nothing. If the
    // slow one came in while such a batch held the permit, it was refused: open it again.)
    // On a loaded machine the slow one may take a while to be let in: wait up to 30 s.
    let mut refused = None;
    for _ in 0..300 {
        if answered(&slow) {
            slow = open_slow().await.unwrap();
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let started = Instant::now();
        let response = one.post_json(&t.willibrordus, &json!([{}])).await;
        if response.status() == StatusCode::SERVICE_UNAVAILABLE {
            refused = Some((response, started.elapsed()));
            break;
        }
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (response, took) = refused.expect("a second ingest was never refused");
    assert!(took < Duration::from_secs(2), "refused after {took:?}");
    let retry_after = response
        .headers()
        .get("Retry-After")
        .expect("Retry-After")
        .to_str()
        .unwrap()
        .parse::<u64>()
        .unwrap();
    assert!(retry_after >= 1);
    let body = expect_json(response, StatusCode::SERVICE_UNAVAILABLE).await;
    assert_eq!(body["error"], "busy");
    assert!(body["message"].is_string());
    // Reads are not ingests.
    one.quota(&t.municipality, "GM0629", "2026").await;

    // The slow one still succeeds once the rest arrives.
    let answer = tokio::task::spawn_blocking(move || {
        slow.write_all(&second_half).unwrap();
        slow.set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        String::from_utf8_lossy(&read_answer(&mut slow)).to_string()
    })
    .await
    .unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"created\":1"), "{answer}");
    // And the limit is free again.
    let body = one.post_ok(&t.willibrordus, &json!([letting("S-2")])).await;
    assert_eq!(body["created"], 1);
    drop(app);
}

async fn a_body_that_stops_arriving_is_408_and_the_service_stays_healthy(app: TestApp) {
    let strict = TestApp::spawn_with(app.backend, |s| {
        s.body_read_timeout_seconds = 1;
        s.max_concurrent_ingests = 1;
    })
    .await
    .unwrap();
    let t = strict.setup_wassenaar();
    let body = json!([letting("T-1"), letting("T-2")]).to_string();
    let part = body.as_bytes()[..20].to_vec();
    let answer = send_raw(
        &strict,
        post_head(&t.dwb, "application/json", body.len()),
        part,
        Duration::from_secs(15),
    )
    .await;
    assert_eq!(answer.status, 408, "{} {}", answer.headers, answer.body);
    assert!(
        answer.waited >= Duration::from_millis(900) && answer.waited < Duration::from_secs(5),
        "answered after {:?}",
        answer.waited
    );
    let error: serde_json::Value = serde_json::from_str(&answer.body).unwrap();
    assert_eq!(error["error"], "request_timeout");
    assert!(error["message"].is_string());

    // Still healthy: the next ingests go through (the stopped one let go of the only ingest
    // permit), and nothing of the stopped one was stored.
    let health = strict
        .client
        .get(strict.url("/health"))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    let stopped = strict
        .get(&t.dwb, "/api/v1/lettings/T-1")
        .send()
        .await
        .unwrap();
    assert_eq!(stopped.status(), StatusCode::NOT_FOUND);
    for i in 0..3 {
        let body = strict
            .post_ok(&t.dwb, &json!([letting(&format!("T-{i}"))]))
            .await;
        assert_eq!(body["received"], 1);
    }
    drop(app);
}

async fn the_html_report_carries_a_content_security_policy(app: TestApp) {
    let t = app.setup_wassenaar();
    app.post_ok(&t.dwb, &json!([letting("R-1")])).await;
    let html = app.report(&t.municipality, "2026-H1", "?format=html").await;
    assert_eq!(html.status(), StatusCode::OK);
    let csp = html
        .headers()
        .get("content-security-policy")
        .expect("a Content-Security-Policy")
        .to_str()
        .unwrap()
        .to_string();
    assert!(csp.contains("default-src 'none'"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(!html.text().await.unwrap().contains("<script"));
}

/// A request line up to 64 KiB reaches the service and gets its JSON error. Past that,
/// actix-http refuses it in the protocol layer, before any middleware or handler runs: a URI
/// over 65534 bytes (the `http` crate's limit) is a bare `400`, a request head over 128 KiB a
/// bare `431`, and actix-web 4 has no setting to change either (see docs/operations.md). What
/// matters then is that the refusal is quick and the service keeps serving.
async fn long_request_lines_get_json_and_oversized_ones_a_bare_protocol_answer(app: TestApp) {
    let t = app.setup_wassenaar();
    let quota = "/api/v1/municipalities/GM0629/quota";
    // 60 KB: through to the service, which names the unknown parameter (cut) in JSON.
    let long = app
        .get(
            &t.municipality,
            &format!("{quota}?period=2026&{}=1", "q".repeat(60_000)),
        )
        .send()
        .await
        .unwrap();
    let body = expect_json(long, StatusCode::BAD_REQUEST).await;
    assert_eq!(body["error"], "invalid_query");
    assert!(body["message"].as_str().unwrap().len() < 1000, "{body}");
    let long_path = app
        .get(&t.municipality, &format!("/{}", "p".repeat(60_000)))
        .send()
        .await
        .unwrap();
    assert_eq!(
        expect_json(long_path, StatusCode::NOT_FOUND).await["error"],
        "not_found"
    );

    // 100 KB: the URI is too long for the protocol layer.
    let head = |target: String| {
        format!(
            "GET {target} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {}\r\n\r\n",
            t.municipality
        )
    };
    let wait = Duration::from_secs(10);
    let query = send_raw(
        &app,
        head(format!("{quota}?period=2026&q={}", "q".repeat(100_000))),
        Vec::new(),
        wait,
    )
    .await;
    assert_eq!(query.status, 400, "{}", query.headers);
    let path = send_raw(
        &app,
        head(format!("/{}", "p".repeat(100_000))),
        Vec::new(),
        wait,
    )
    .await;
    assert_eq!(path.status, 400, "{}", path.headers);
    // 200 KB of head: too large to parse at all.
    let huge = send_raw(
        &app,
        head(format!("{quota}?period=2026&q={}", "q".repeat(200_000))),
        Vec::new(),
        wait,
    )
    .await;
    assert_eq!(huge.status, 431, "{}", huge.headers);
    for refused in [&query, &path, &huge] {
        assert!(refused.waited < Duration::from_secs(5), "answered at once");
    }

    // And the service goes on.
    let after = app.quota(&t.municipality, "GM0629", "2026").await;
    assert_eq!(after["municipality"], "GM0629");
}
