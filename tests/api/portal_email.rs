//! E-mail on signals: asked for in the portal, sent over SMTP to a receiver the test runs (a
//! few lines of SMTP on a loopback port), one per signal change, only to those who asked.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

use crate::helpers::{letting_with, TestApp};
use crate::portal_session::Person;

on_both_backends!(
    one_e_mail_per_signal_change_for_each_person_who_asked_and_none_for_others,
    without_a_mail_server_e_mail_is_not_offered,
    e_mail_waits_while_the_mail_server_is_down_and_arrives_once
);

/// One e-mail as it arrived: its recipients and its message (headers and body).
#[derive(Debug, Clone)]
struct Received {
    to: Vec<String>,
    message: String,
}

type Inbox = Arc<Mutex<Vec<Received>>>;

/// An SMTP server on a free loopback port that takes every e-mail.
async fn smtp_receiver() -> (u16, Inbox) {
    smtp_receiver_on(0).await
}

/// The same on a given port (0: a free one).
async fn smtp_receiver_on(port: u16) -> (u16, Inbox) {
    let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let inbox = Inbox::default();
    let kept = inbox.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            tokio::spawn(smtp_session(socket, kept.clone()));
        }
    });
    (port, inbox)
}

async fn smtp_session(socket: TcpStream, inbox: Inbox) -> std::io::Result<()> {
    let (read, mut write) = socket.into_split();
    let mut read = BufReader::new(read);
    write.write_all(b"220 test ESMTP\r\n").await?;
    let mut to = Vec::new();
    loop {
        let mut line = String::new();
        if read.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.to_ascii_uppercase();
        let answer: &[u8] = if command.starts_with("EHLO") {
            b"250-test\r\n250 8BITMIME\r\n"
        } else if command.starts_with("HELO") || command.starts_with("NOOP") {
            b"250 OK\r\n"
        } else if command.starts_with("MAIL FROM") || command.starts_with("RSET") {
            to.clear();
            b"250 OK\r\n"
        } else if command.starts_with("RCPT TO") {
            let address = line
                .split(['<', '>'])
                .nth(1)
                .unwrap_or_default()
                .to_string();
            to.push(address);
            b"250 OK\r\n"
        } else if command.starts_with("DATA") {
            write.write_all(b"354 go ahead\r\n").await?;
            let mut message = String::new();
            loop {
                let mut data = String::new();
                if read.read_line(&mut data).await? == 0 {
                    return Ok(());
                }
                if data == ".\r\n" {
                    break;
                }
                message.push_str(&data);
            }
            inbox.lock().unwrap().push(Received {
                to: std::mem::take(&mut to),
                message,
            });
            b"250 OK queued\r\n"
        } else if command.starts_with("QUIT") {
            write.write_all(b"221 bye\r\n").await?;
            return Ok(());
        } else {
            b"502 not implemented\r\n"
        };
        write.write_all(answer).await?;
    }
}

/// The text of a message's body, quoted-printable decoded when it is so encoded.
fn body_text(message: &str) -> String {
    let (headers, body) = message.split_once("\r\n\r\n").unwrap_or(("", message));
    if !headers
        .to_ascii_lowercase()
        .contains("content-transfer-encoding: quoted-printable")
    {
        return body.replace("\r\n", "\n");
    }
    let joined = body.replace("=\r\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&joined[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap().replace("\r\n", "\n")
}

fn mails_to(inbox: &Inbox, address: &str) -> Vec<String> {
    inbox
        .lock()
        .unwrap()
        .iter()
        .filter(|m| m.to.iter().any(|t| t == address))
        .map(|m| body_text(&m.message))
        .collect()
}

async fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let started = Instant::now();
    while !check() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn post(app: &TestApp, token: &str, batch: Vec<Value>) {
    let response = app.post_json(token, &json!(batch)).await;
    assert_eq!(response.status(), StatusCode::OK);
}

fn urgent(r: &str) -> Value {
    letting_with(r, json!({"urgency": "status_holder"}))
}

fn plain(r: &str) -> Value {
    letting_with(r, json!({}))
}

/// Ticks the boxes of these municipalities on the settings page (and unticks the rest).
async fn ask_e_mail_for(person: &Person, municipalities: &[&str]) -> reqwest::Response {
    let fields: Vec<(&str, &str)> = municipalities.iter().map(|m| ("email", *m)).collect();
    person.post("/settings", &fields).await
}

async fn one_e_mail_per_signal_change_for_each_person_who_asked_and_none_for_others(app: TestApp) {
    let t = app.setup_wassenaar();
    let (port, inbox) = smtp_receiver().await;
    let app = app
        .restart_with(|s| {
            s.smtp_url = format!("smtp://127.0.0.1:{port}");
            s.smtp_from = "Quotamonitor <signalen@quota.example.nl>".into();
            s.portal_url = "https://quota.example.nl".into();
        })
        .await;

    let anna = Person::login(&app, "GM0629", "anna@wassenaar.nl").await;
    let bob = Person::login(&app, "GM0629", "bob@wassenaar.nl").await;
    let tenant = Person::login(&app, "rozenstein", "lid@rozenstein.nl").await;
    let amsterdam = Person::login(&app, "GM0363", "piet@amsterdam.nl").await;

    let page = anna.page("/settings").await;
    assert!(page.contains("Gemeente Wassenaar (GM0629)"), "{page}");
    assert!(
        page.contains("<label for=\"email-GM0629\">"),
        "the box has its label: {page}"
    );
    // Without the session's token nothing is asked.
    let forged = anna.post_raw("/settings", &[("email", "GM0629")]).await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    // Only a municipality the organisation reads.
    let foreign = ask_e_mail_for(&tenant, &["GM0363"]).await;
    assert_eq!(foreign.status(), StatusCode::FORBIDDEN);

    for (person, municipality) in [
        (&anna, "GM0629"),
        (&tenant, "GM0629"),
        (&amsterdam, "GM0363"),
    ] {
        let saved = ask_e_mail_for(person, &[municipality]).await;
        assert_eq!(saved.status(), StatusCode::SEE_OTHER);
        let page = person.page("/settings?saved=1").await;
        assert!(
            page.contains(&format!("value=\"{municipality}\" checked")),
            "{page}"
        );
    }
    let _ = &bob; // logged in, never asked

    // ok (5/20), then a warning in two scopes (total and dwb): two changes; then a breach in
    // both: two more.
    let mut first: Vec<Value> = (0..15).map(|i| plain(&format!("P-{i}"))).collect();
    first.extend((0..5).map(|i| urgent(&format!("U-{i}"))));
    post(&app, &t.dwb, first).await;
    post(&app, &t.dwb, vec![urgent("U-5")]).await;
    post(&app, &t.dwb, vec![urgent("U-6"), urgent("U-7")]).await;
    let alerts = app
        .get_json(&t.municipality, "/api/v1/municipalities/GM0629/alerts")
        .await;
    let changes: usize = alerts["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["history"].as_array().unwrap().len())
        .sum();
    assert_eq!(changes, 4, "{alerts}");

    eventually("four e-mails each for anna and the tenant", || {
        mails_to(&inbox, "anna@wassenaar.nl").len() >= 4
            && mails_to(&inbox, "lid@rozenstein.nl").len() >= 4
    })
    .await;
    // Time for any e-mail too many to arrive.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let to_anna = mails_to(&inbox, "anna@wassenaar.nl");
    assert_eq!(to_anna.len(), 4, "one per change: {to_anna:#?}");
    assert_eq!(mails_to(&inbox, "lid@rozenstein.nl").len(), 4);
    assert!(
        mails_to(&inbox, "bob@wassenaar.nl").is_empty(),
        "bob did not ask"
    );
    assert!(
        mails_to(&inbox, "piet@amsterdam.nl").is_empty(),
        "nothing happened in Amsterdam"
    );
    assert!(inbox.lock().unwrap().iter().all(|m| m.to.len() == 1));

    let opened = to_anna
        .iter()
        .filter(|m| m.contains("Er is een signaal geopend"))
        .count();
    let changed = to_anna
        .iter()
        .filter(|m| m.contains("Een signaal is veranderd"))
        .count();
    assert_eq!((opened, changed), (2, 2), "{to_anna:#?}");
    for mail in &to_anna {
        for part in [
            "Gemeente Wassenaar (GM0629)",
            "Aandeel urgenten",
            "https://quota.example.nl/municipalities/GM0629/signals#alert-",
        ] {
            assert!(mail.contains(part), "{part} in {mail}");
        }
        assert!(
            mail.contains("bijna aan de grens") || mail.contains("boven de signaalwaarde"),
            "{mail}"
        );
    }
    // The same text for the municipality as for the tenant association: no figures in it.
    let mut for_tenant = mails_to(&inbox, "lid@rozenstein.nl");
    let mut for_anna = to_anna.clone();
    for_tenant.sort();
    for_anna.sort();
    assert_eq!(for_anna, for_tenant);
    assert!(!for_anna
        .iter()
        .any(|m| m.contains("6/21") || m.contains("8/23")));

    // Anna stops asking; back to ok (8/30) resolves both: only the tenant hears of it.
    let stopped = ask_e_mail_for(&anna, &[]).await;
    assert_eq!(stopped.status(), StatusCode::SEE_OTHER);
    post(
        &app,
        &t.dwb,
        (15..22).map(|i| plain(&format!("P-{i}"))).collect(),
    )
    .await;
    eventually("the resolutions reach the tenant", || {
        mails_to(&inbox, "lid@rozenstein.nl").len() >= 6
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let resolved = mails_to(&inbox, "lid@rozenstein.nl");
    assert_eq!(resolved.len(), 6);
    assert_eq!(
        resolved
            .iter()
            .filter(|m| m.contains("Een signaal is afgesloten"))
            .count(),
        2
    );
    assert_eq!(mails_to(&inbox, "anna@wassenaar.nl").len(), 4);
}

async fn without_a_mail_server_e_mail_is_not_offered(app: TestApp) {
    app.setup_wassenaar();
    let anna = Person::login(&app, "GM0629", "anna@wassenaar.nl").await;
    let page = anna.page("/settings").await;
    assert!(page.contains("geen mailserver"), "{page}");
    assert!(!page.contains("name=\"email\""), "{page}");
    let refused = anna.post("/settings", &[("email", "GM0629")]).await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
}

async fn e_mail_waits_while_the_mail_server_is_down_and_arrives_once(app: TestApp) {
    let t = app.setup_wassenaar();
    // A loopback port nothing listens on yet.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let app = app
        .restart_with(|s| s.smtp_url = format!("smtp://127.0.0.1:{port}"))
        .await;
    let anna = Person::login(&app, "GM0629", "anna@wassenaar.nl").await;
    assert_eq!(
        ask_e_mail_for(&anna, &["GM0629"]).await.status(),
        StatusCode::SEE_OTHER
    );
    // A warning opens in two scopes: two e-mails, while the mail server is down.
    let mut first: Vec<Value> = (0..15).map(|i| plain(&format!("P-{i}"))).collect();
    first.extend((0..6).map(|i| urgent(&format!("U-{i}"))));
    post(&app, &t.dwb, first).await;
    // Attempts fail meanwhile (retried every 100 ms or so, at most a second apart).
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let (_, inbox) = smtp_receiver_on(port).await;
    eventually("both e-mails after the outage", || {
        mails_to(&inbox, "anna@wassenaar.nl").len() >= 2
    })
    .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let mails = mails_to(&inbox, "anna@wassenaar.nl");
    assert_eq!(mails.len(), 2, "each once: {mails:#?}");
    assert!(mails
        .iter()
        .all(|m| m.contains("Er is een signaal geopend")));
}
