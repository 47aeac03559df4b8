//! Alert changes delivered to a real local HTTP receiver, signed, retried, never lost.

use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use hmac::{Hmac, Mac};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sha2::Sha256;

use crate::helpers::{expect_json, letting_with, TestApp, Tokens};

on_both_backends!(
    a_webhook_of_another_reader_gets_the_alert_without_its_figures,
    alert_changes_reach_a_receiver_signed_even_across_an_outage_and_a_restart,
    webhooks_are_for_readers_and_stoppable,
    only_https_to_public_addresses_unless_private_addresses_are_allowed,
    an_organisation_has_at_most_ten_active_webhooks_on_a_municipality,
    a_redirect_is_not_followed,
    dead_webhooks_do_not_hold_up_live_ones_and_stop_when_deleted,
    a_delivery_fails_after_its_last_attempt_and_can_be_retried,
    two_instances_send_each_delivery_once,
    a_listing_never_repeats_the_credentials_of_a_url
);

/// What the receiver got: (delivery id, timestamp, signature, body).
type Received = Arc<Mutex<Vec<(i64, String, String, String)>>>;

/// How a receiver answers.
#[derive(Clone)]
enum Answer {
    Ok,
    /// `302 Found` to another URL.
    RedirectTo(String),
    /// `200 OK` after a while.
    SlowOk(Duration),
}

/// A webhook receiver on a fixed port that can be stopped and started again. It takes any
/// method on any path and keeps every request.
struct Receiver {
    port: u16,
    answer: Answer,
    received: Received,
    handle: Option<actix_web::dev::ServerHandle>,
}

/// A loopback port nothing listens on.
fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Receiver {
    fn new() -> Self {
        Self::answering(Answer::Ok)
    }

    fn answering(answer: Answer) -> Self {
        Self {
            port: closed_port(),
            answer,
            received: Arc::default(),
            handle: None,
        }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/hook", self.port)
    }

    fn start(&mut self) {
        let received = self.received.clone();
        let answer = self.answer.clone();
        let server = HttpServer::new(move || {
            let received = received.clone();
            let answer = answer.clone();
            App::new().default_service(web::to(move |req: HttpRequest, body: String| {
                let received = received.clone();
                let answer = answer.clone();
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
                    match answer {
                        Answer::Ok => HttpResponse::Ok().finish(),
                        Answer::RedirectTo(to) => HttpResponse::Found()
                            .insert_header(("Location", to))
                            .finish(),
                        Answer::SlowOk(wait) => {
                            tokio::time::sleep(wait).await;
                            HttpResponse::Ok().finish()
                        }
                    }
                }
            }))
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

    /// How many requests arrived.
    fn hits(&self) -> usize {
        self.received.lock().unwrap().len()
    }

    /// The delivery ids that arrived, in the order they arrived.
    fn ids(&self) -> Vec<i64> {
        self.received
            .lock()
            .unwrap()
            .iter()
            .map(|(id, ..)| *id)
            .collect()
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

/// Lettings that open an alert in two scopes (total and dwb): two alert changes.
async fn open_an_alert(app: &TestApp, t: &Tokens) {
    let mut first: Vec<Value> = (0..15).map(|i| plain(&format!("P-{i}"))).collect();
    first.extend((0..5).map(|i| urgent(&format!("U-{i}"))));
    post(app, &t.dwb, first).await;
    post(app, &t.dwb, vec![urgent("U-5")]).await;
}

fn id_of(value: &Value) -> i64 {
    value["id"].as_i64().unwrap()
}

async fn a_redirect_is_not_followed(app: TestApp) {
    let t = app.setup_wassenaar();
    let mut elsewhere = Receiver::new();
    elsewhere.start();
    let mut redirecting = Receiver::answering(Answer::RedirectTo(elsewhere.url()));
    redirecting.start();
    let hook = app.add_webhook(&t.tenants, &redirecting.url()).await;
    let hook = id_of(&expect_json(hook, StatusCode::CREATED).await);
    open_an_alert(&app, &t).await;
    // Until the first delivery has been answered (302) a few times, or went through.
    let mut list = Value::Null;
    for _ in 0..200 {
        list = app.deliveries(&t.tenants, hook).await;
        let first = list.as_array().unwrap().last().cloned().unwrap_or_default();
        if first["attempts"].as_i64().unwrap_or(0) >= 3 || first["state"] == "delivered" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(redirecting.hits() >= 1);
    assert_eq!(elsewhere.hits(), 0, "the redirect was followed");
    let head = list.as_array().unwrap().last().unwrap();
    assert_eq!(head["state"], "pending", "{list}");
    assert!(head["attempts"].as_i64().unwrap() >= 3, "{list}");
    assert_eq!(head["last_status"], 302, "{list}");
    assert_eq!(head["last_error"], "the receiver answered 302", "{list}");
    redirecting.stop().await;
    elsewhere.stop().await;
}

async fn dead_webhooks_do_not_hold_up_live_ones_and_stop_when_deleted(app: TestApp) {
    let t = app.setup_wassenaar();
    // One organisation with 50 webhooks on a closed port (more than it may register now: these
    // are from before the limit), each with 25 deliveries waiting: 1250 rows ahead of any
    // new one.
    let closed = closed_port();
    let now = chrono::Utc::now().naive_utc();
    let mut dead = Vec::new();
    {
        let mut conn = app.pool.get().unwrap();
        for i in 0..50 {
            let url = format!("http://127.0.0.1:{closed}/dead-{i}");
            let hook = quotamonitor::db::webhooks::insert_webhook(
                &mut conn,
                "GM0629",
                "rozenstein",
                &url,
                "secret",
                now,
            )
            .unwrap();
            for alert in 0..25 {
                quotamonitor::db::webhooks::enqueue(
                    &mut conn,
                    hook.id,
                    alert,
                    "alert.opened",
                    "{}",
                    now,
                )
                .unwrap();
            }
            dead.push(hook.id);
        }
    }
    let mut live = Receiver::new();
    live.start();
    let hook = app.add_webhook(&t.municipality, &live.url()).await;
    expect_json(hook, StatusCode::CREATED).await;
    let started = Instant::now();
    open_an_alert(&app, &t).await;
    eventually("the live webhook's two deliveries", || live.hits() == 2).await;
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "the live webhook waited {:?}",
        started.elapsed()
    );

    for id in &dead {
        let stop = app.delete_webhook(&t.tenants, *id).await;
        assert_eq!(stop.status(), StatusCode::NO_CONTENT);
    }
    let attempts = |list: &Value| -> i64 {
        list.as_array()
            .unwrap()
            .iter()
            .map(|d| d["attempts"].as_i64().unwrap())
            .sum()
    };
    let mut before = 0;
    for id in &dead {
        let list = app.deliveries(&t.tenants, *id).await;
        // The 25 from before and the alert's two changes.
        assert_eq!(list.as_array().unwrap().len(), 27);
        assert!(
            list.as_array()
                .unwrap()
                .iter()
                .all(|d| d["state"] == "cancelled" && d["next_attempt_at"].is_null()),
            "{list}"
        );
        before += attempts(&list);
    }
    // Longer than the longest retry delay of the tests (1 s): nothing is tried again.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let mut after = 0;
    for id in &dead {
        after += attempts(&app.deliveries(&t.tenants, *id).await);
    }
    assert_eq!(before, after, "cancelled deliveries were tried again");
    let listed = app.webhooks(&t.municipality).await;
    let stopped = listed
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["active"] == false)
        .collect::<Vec<_>>();
    assert_eq!(stopped.len(), 50);
    assert!(stopped.iter().all(|h| h["pending"] == 0), "{listed}");
    live.stop().await;
}

async fn a_delivery_fails_after_its_last_attempt_and_can_be_retried(app: TestApp) {
    let app = app.restart_with(|s| s.webhook_max_attempts = 3).await;
    let t = app.setup_wassenaar();
    let mut receiver = Receiver::new();
    let hook = app.add_webhook(&t.tenants, &receiver.url()).await;
    let hook = id_of(&expect_json(hook, StatusCode::CREATED).await);
    open_an_alert(&app, &t).await;
    let mut list = Value::Null;
    for _ in 0..600 {
        list = app.deliveries(&t.tenants, hook).await;
        let deliveries = list.as_array().unwrap();
        if deliveries.len() == 2 && deliveries.iter().all(|d| d["state"] == "failed") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for delivery in list.as_array().unwrap() {
        assert_eq!(delivery["state"], "failed", "{list}");
        assert_eq!(delivery["attempts"], 3, "{list}");
        assert_eq!(delivery["last_error"], "connection refused", "{list}");
        assert!(delivery["last_status"].is_null(), "{list}");
        assert!(delivery["next_attempt_at"].is_null(), "{list}");
    }
    let listed = app.webhooks(&t.tenants).await;
    assert_eq!(listed[0]["failed"], 2, "{listed}");
    assert_eq!(listed[0]["pending"], 0, "{listed}");
    assert_eq!(listed[0]["last_error"], "connection refused", "{listed}");

    // The receiver is back; failed deliveries wait for someone to retry them.
    receiver.start();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(receiver.hits(), 0);
    let mut ids: Vec<i64> = list.as_array().unwrap().iter().map(id_of).collect();
    ids.sort();
    // Not someone else's, not another webhook's.
    let other = app.retry_delivery(&t.dwb, hook, ids[0]).await;
    assert_eq!(other.status(), StatusCode::NOT_FOUND);
    let unknown = app.retry_delivery(&t.tenants, hook, ids[1] + 1000).await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    for id in &ids {
        // The municipality sees every webhook on its alerts and may retry its deliveries.
        let retried = app.retry_delivery(&t.municipality, hook, *id).await;
        let retried = expect_json(retried, StatusCode::OK).await;
        assert_eq!(retried["state"], "pending");
        assert_eq!(retried["attempts"], 0);
    }
    eventually("both retried deliveries", || receiver.hits() == 2).await;
    assert_eq!(receiver.ids(), ids, "in order");
    let list = app.deliveries(&t.tenants, hook).await;
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .all(|d| d["state"] == "delivered"),
        "{list}"
    );
    let again = app.retry_delivery(&t.tenants, hook, ids[0]).await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    receiver.stop().await;
}

async fn two_instances_send_each_delivery_once(app: TestApp) {
    let t = app.setup_wassenaar();
    let second = app.second_instance().await;
    // A slow receiver keeps each delivery on its way for a while.
    let mut receiver = Receiver::answering(Answer::SlowOk(Duration::from_millis(100)));
    receiver.start();
    let mut hooks = Vec::new();
    for token in [&t.municipality, &t.tenants, &t.dwb, &t.willibrordus] {
        for path in ["a", "b"] {
            let url = format!("{}/{path}", receiver.url());
            let hook = app.add_webhook(token, &url).await;
            hooks.push(id_of(&expect_json(hook, StatusCode::CREATED).await));
        }
    }
    // Four alert changes for each of the eight webhooks, posted through both instances.
    open_an_alert(&app, &t).await;
    post(&second, &t.dwb, vec![urgent("U-6"), urgent("U-7")]).await;
    eventually("32 deliveries", || receiver.hits() >= 32).await;
    // Time for a second copy to arrive, if one were on its way.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut ids = receiver.ids();
    assert_eq!(ids.len(), 32, "deliveries arrived more than once: {ids:?}");
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 32);
    for hook in hooks {
        let list = app.deliveries(&t.municipality, hook).await;
        assert!(
            list.as_array()
                .unwrap()
                .iter()
                .all(|d| d["state"] == "delivered" && d["attempts"] == 1),
            "{list}"
        );
    }
    drop(second);
    receiver.stop().await;
}

async fn a_webhook_of_another_reader_gets_the_alert_without_its_figures(app: TestApp) {
    let t = app.setup_wassenaar();
    let mut for_municipality = Receiver::new();
    let mut for_tenants = Receiver::new();
    let mut for_dwb = Receiver::new();
    for_municipality.start();
    for_tenants.start();
    for_dwb.start();
    for (token, receiver) in [
        (&t.municipality, &for_municipality),
        (&t.tenants, &for_tenants),
        (&t.dwb, &for_dwb),
    ] {
        expect_json(
            app.add_webhook(token, &receiver.url()).await,
            StatusCode::CREATED,
        )
        .await;
    }
    open_an_alert(&app, &t).await;
    for receiver in [&for_municipality, &for_tenants, &for_dwb] {
        eventually("the warnings arrive", || receiver.bodies().len() >= 2).await;
    }
    let alerts = |receiver: &Receiver| -> Vec<Value> {
        receiver
            .bodies()
            .into_iter()
            .map(|(_, _, _, body)| body["alert"].clone())
            .collect()
    };
    for alert in alerts(&for_municipality) {
        assert!(
            alert["count"].is_u64() && alert["share"].is_number(),
            "{alert}"
        );
    }
    for alert in alerts(&for_tenants) {
        assert!(
            alert["share"].is_null() && alert["denominator"].is_null(),
            "{alert}"
        );
        let count = &alert["count"];
        assert!(count == "x" || count == "<5" || count == 0, "{alert}");
        assert!(
            alert["level"].is_string() && alert["limit"].is_number(),
            "{alert}"
        );
    }
    // A corporation gets the figures of its own scope only.
    for alert in alerts(&for_dwb) {
        let own = alert["corporation"] == "dwb";
        assert_eq!(alert["count"].is_u64(), own, "{alert}");
    }
}

async fn a_listing_never_repeats_the_credentials_of_a_url(app: TestApp) {
    let t = app.setup_wassenaar();
    let url = "http://hv-user:s3cr3t-pw@127.0.0.1:9/hook?x=1";
    let registered = expect_json(app.add_webhook(&t.tenants, url).await, StatusCode::CREATED).await;
    assert_eq!(
        registered["url"], url,
        "the registration answers what was sent"
    );
    let id = registered["id"].as_i64().unwrap();
    for token in [&t.tenants, &t.municipality] {
        let listing = app.webhooks(token).await;
        let text = listing.to_string();
        assert!(
            !text.contains("s3cr3t-pw") && !text.contains("hv-user"),
            "{text}"
        );
        let hook = listing
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["id"] == id)
            .unwrap_or_else(|| panic!("webhook {id} not listed: {text}"));
        assert_eq!(hook["url"], "http://***@127.0.0.1:9/hook?x=1");
    }
}
