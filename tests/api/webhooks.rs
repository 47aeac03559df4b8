//! Alert changes delivered to a real local HTTP receiver, signed, retried, never lost.

use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use hmac::{Hmac, Mac};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sha2::Sha256;

use crate::helpers::{expect_json, letting_with, TestApp};

on_both_backends!(
    alert_changes_reach_a_receiver_signed_even_across_an_outage_and_a_restart,
    webhooks_are_for_readers_and_stoppable,
    only_https_to_public_addresses_unless_private_addresses_are_allowed,
    an_organisation_has_at_most_ten_active_webhooks_on_a_municipality
);

/// What the receiver got: (delivery id, timestamp, signature, body).
type Received = Arc<Mutex<Vec<(i64, String, String, String)>>>;

/// A webhook receiver on a fixed port that can be stopped and started again.
struct Receiver {
    port: u16,
    received: Received,
    handle: Option<actix_web::dev::ServerHandle>,
}

impl Receiver {
    fn new() -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        Self {
            port,
            received: Arc::default(),
            handle: None,
        }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/hook", self.port)
    }

    fn start(&mut self) {
        let received = self.received.clone();
        let server = HttpServer::new(move || {
            let received = received.clone();
            App::new().route(
                "/hook",
                web::post().to(move |req: HttpRequest, body: String| {
                    let received = received.clone();
                    async move {
                        let header = |name: &str| {
                            req.headers()
                                .get(name)
                                .and_then(|v| v.to_str().ok())
                                .unwrap_or("")
                                .to_string()
                        };
                        let id = header("x-quotamonitor-delivery").parse().unwrap_or(-1);
                        received.lock().unwrap().push((
                            id,
                            header("x-quotamonitor-timestamp"),
                            header("x-quotamonitor-signature"),
                            body,
                        ));
                        HttpResponse::Ok().finish()
                    }
                }),
            )
        })
        .workers(1)
        .bind(("127.0.0.1", self.port))
        .unwrap()
        .run();
        self.handle = Some(server.handle());
        tokio::spawn(server);
    }

    async fn stop(&mut self) {
        if let Some(handle) = self.handle.take() {
            handle.stop(false).await;
        }
    }

    fn bodies(&self) -> Vec<(i64, String, String, Value)> {
        let mut list: Vec<_> = self
            .received
            .lock()
            .unwrap()
            .iter()
            .map(|(id, ts, sig, body)| {
                (
                    *id,
                    ts.clone(),
                    sig.clone(),
                    serde_json::from_str(body).unwrap(),
                )
            })
            .collect();
        list.sort_by_key(|(id, ..)| *id);
        list
    }
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
    assert_eq!(
        app.post_json(token, &json!(batch)).await.status(),
        StatusCode::OK
    );
}

fn urgent(r: &str) -> Value {
    letting_with(r, json!({"urgency": "status_holder"}))
}

fn plain(r: &str) -> Value {
    letting_with(r, json!({}))
}

async fn alert_changes_reach_a_receiver_signed_even_across_an_outage_and_a_restart(app: TestApp) {
    let t = app.setup_wassenaar();
    let mut receiver = Receiver::new();
    receiver.start();
    let hook = app.add_webhook(&t.municipality, &receiver.url()).await;
    let hook = expect_json(hook, StatusCode::CREATED).await;
    let secret = hook["secret"].as_str().unwrap().to_string();
    let hook_id = hook["id"].as_i64().unwrap();

    // ok (5/20), then warning (6/21), then breach (8/23): two changes per scope.
    let mut first: Vec<Value> = (0..15).map(|i| plain(&format!("P-{i}"))).collect();
    first.extend((0..5).map(|i| urgent(&format!("U-{i}"))));
    post(&app, &t.dwb, first).await;
    post(&app, &t.dwb, vec![urgent("U-5")]).await;
    post(&app, &t.dwb, vec![urgent("U-6"), urgent("U-7")]).await;
    eventually("the first four deliveries", || receiver.bodies().len() == 4).await;

    // The receiver goes down; back to warning (8/27).
    receiver.stop().await;
    let more = (15..19).map(|i| plain(&format!("P-{i}"))).collect();
    post(&app, &t.dwb, more).await;
    let mut failing = false;
    for _ in 0..200 {
        let list = app.deliveries(&t.municipality, hook_id).await;
        if list.as_array().unwrap().iter().any(|d| {
            d["state"] == "pending"
                && d["attempts"].as_i64().unwrap() >= 1
                && d["last_error"].is_string()
        }) {
            failing = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(failing, "the outage shows in the delivery state");

    // The service restarts while the receiver is still down; back to ok (8/30): resolved.
    let app = app.restart().await;
    let more = (19..22).map(|i| plain(&format!("P-{i}"))).collect();
    post(&app, &t.dwb, more).await;
    receiver.start();
    eventually("all eight deliveries after the outage", || {
        receiver.bodies().len() == 8
    })
    .await;

    let received = receiver.bodies();
    let ids: Vec<i64> = received.iter().map(|(id, ..)| *id).collect();
    let mut unique = ids.clone();
    unique.dedup();
    assert_eq!(ids, unique, "each delivery arrives once");
    // Every signature is the HMAC-SHA256 of "<timestamp>.<raw body>" with the webhook's secret.
    for (_, timestamp, signature, raw) in receiver.received.lock().unwrap().iter() {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(format!("{timestamp}.{raw}").as_bytes());
        assert_eq!(
            signature,
            &format!("sha256={}", hex::encode(mac.finalize().into_bytes())),
            "valid signature"
        );
    }
    for scope in ["total", "corporation"] {
        let events: Vec<(String, String)> = received
            .iter()
            .filter(|(.., b)| b["alert"]["scope"] == scope)
            .map(|(.., b)| {
                (
                    b["event"].as_str().unwrap().to_string(),
                    b["alert"]["level"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(
            events,
            [
                ("alert.opened", "warning"),
                ("alert.level_changed", "breach"),
                ("alert.level_changed", "warning"),
                ("alert.resolved", "warning")
            ]
            .iter()
            .map(|(e, l)| (e.to_string(), l.to_string()))
            .collect::<Vec<_>>(),
            "{scope}"
        );
    }
    let list = app.deliveries(&t.municipality, hook_id).await;
    assert!(list
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["state"] == "delivered"));
    let hooks = app.webhooks(&t.municipality).await;
    assert_eq!(hooks[0]["delivered"], 8);
    assert_eq!(hooks[0]["pending"], 0);
    assert!(
        hooks[0].get("secret").is_none(),
        "the secret is shown only once"
    );
    receiver.stop().await;
}

async fn webhooks_are_for_readers_and_stoppable(app: TestApp) {
    let t = app.setup_wassenaar();
    let other_municipality = app.add_webhook(&t.amsterdam, "http://127.0.0.1:9/x").await;
    assert_eq!(other_municipality.status(), StatusCode::FORBIDDEN);
    let not_http = app
        .add_webhook(&t.municipality, "ftp://example.org/x")
        .await;
    assert_eq!(not_http.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let tenants_hook = app
        .add_webhook(&t.tenants, "http://127.0.0.1:9/tenants")
        .await;
    let tenants_hook = expect_json(tenants_hook, StatusCode::CREATED).await;
    let own_hook = app
        .add_webhook(&t.municipality, "http://127.0.0.1:9/gemeente")
        .await;
    expect_json(own_hook, StatusCode::CREATED).await;
    let own = app.webhooks(&t.tenants).await;
    assert_eq!(own.as_array().unwrap().len(), 1);
    let all = app.webhooks(&t.municipality).await;
    assert_eq!(all.as_array().unwrap().len(), 2);
    let id = tenants_hook["id"].as_i64().unwrap();
    let stop = app.delete_webhook(&t.dwb, id).await;
    assert_eq!(stop.status(), StatusCode::NOT_FOUND, "not dwb's webhook");
    let stop = app.delete_webhook(&t.tenants, id).await;
    assert_eq!(stop.status(), StatusCode::NO_CONTENT);
}

/// URLs that lead to this machine or a private network, in every spelling the review tried.
const NOT_PUBLIC: [&str; 12] = [
    "https://127.0.0.1:9/hook",
    "https://[::1]:9/hook",
    "https://localhost:9/hook",
    "https://169.254.169.254/latest/meta-data/",
    "https://10.1.2.3/hook",
    "https://192.168.0.10/hook",
    "https://172.16.5.4/hook",
    "https://[::ffff:127.0.0.1]:9/hook",
    "https://[::ffff:a9fe:a9fe]/hook",
    "https://2130706433:9/hook",
    "https://[fd00::1]/hook",
    "http://hooks.example.org/hook",
];

async fn only_https_to_public_addresses_unless_private_addresses_are_allowed(app: TestApp) {
    let t = app.setup_wassenaar();
    // The tests' setting: private addresses allowed.
    for url in NOT_PUBLIC {
        let hook = expect_json(app.add_webhook(&t.tenants, url).await, StatusCode::CREATED).await;
        let id = hook["id"].as_i64().unwrap();
        assert_eq!(
            app.delete_webhook(&t.tenants, id).await.status(),
            StatusCode::NO_CONTENT
        );
    }
    let app = app
        .restart_with(|s| s.webhook_allow_private_addresses = false)
        .await;
    for url in NOT_PUBLIC {
        let refused = app.add_webhook(&t.tenants, url).await;
        let body = expect_json(refused, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(body["problems"][0]["field"], "url", "{url}: {body}");
    }
    let message = expect_json(
        app.add_webhook(&t.tenants, "https://[::ffff:127.0.0.1]/x")
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(message.contains("loopback"), "{message}");
    // A public address is fine (nothing is sent: no alert changes in this test).
    let public = app.add_webhook(&t.tenants, "https://192.0.1.1/hook").await;
    expect_json(public, StatusCode::CREATED).await;
    let visible = app.webhooks(&t.tenants).await;
    let active: Vec<_> = visible
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["active"] == true)
        .collect();
    assert_eq!(active.len(), 1, "only the public one: {visible}");
}

async fn an_organisation_has_at_most_ten_active_webhooks_on_a_municipality(app: TestApp) {
    let t = app.setup_wassenaar();
    let mut ids = Vec::new();
    for i in 0..10 {
        let url = format!("http://127.0.0.1:9/hook-{i}");
        let hook = expect_json(app.add_webhook(&t.tenants, &url).await, StatusCode::CREATED).await;
        ids.push(hook["id"].as_i64().unwrap());
    }
    let eleventh = app
        .add_webhook(&t.tenants, "http://127.0.0.1:9/one-more")
        .await;
    let body = expect_json(eleventh, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(body["error"], "too_many_webhooks");
    // Another organisation has a limit of its own.
    let municipality = app
        .add_webhook(&t.municipality, "http://127.0.0.1:9/gm")
        .await;
    expect_json(municipality, StatusCode::CREATED).await;
    // A stopped webhook no longer counts.
    assert_eq!(
        app.delete_webhook(&t.tenants, ids[0]).await.status(),
        StatusCode::NO_CONTENT
    );
    let again = app
        .add_webhook(&t.tenants, "http://127.0.0.1:9/one-more")
        .await;
    expect_json(again, StatusCode::CREATED).await;
}
