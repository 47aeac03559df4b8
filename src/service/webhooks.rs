//! Delivery of alert changes to webhooks.
//!
//! Every alert change is written to the outbox (`webhook_deliveries`) in the transaction that
//! made it, one row per active webhook of the municipality. A worker in every `serve` instance
//! sends them:
//!
//! - **Fair.** The database picks, of every active webhook, its oldest pending delivery when it
//!   is due, longest waiting first. A webhook gets its changes in the order they were made (a
//!   later one waits until the earlier one is through), and a webhook with a backlog, or a
//!   thousand dead webhooks, cost the others one turn each.
//! - **Bounded.** Up to `webhook_parallel_deliveries` deliveries are on their way at once, each
//!   to a different webhook.
//! - **Once.** A delivery is claimed (a conditional update with a lease of twice the time-out
//!   plus 15 s) just before it is sent, so two instances never both send it.
//! - **Retried, then failed.** A failed attempt (refused, time-out, any answer other than 2xx,
//!   a redirect included) is tried again with exponential back-off; after
//!   `webhook_max_attempts` the delivery is `failed` and the webhook's next one gets its turn.
//!   A failed delivery can be retried through the API. Stopping a webhook cancels what it has
//!   pending. Nothing else is dropped: after a restart the worker resumes with what is pending.
//! - **Only where allowed.** See [`super::webhook_addresses`]: the address policy is checked at
//!   every connection, redirects are never followed, and the owner is told only a coarse reason
//!   for a failure ([`DeliveryFailure`]); the details go to the log, without the URL's
//!   credentials.
//!
//! Each POST carries:
//! - `X-Quotamonitor-Event`: `alert.opened`, `alert.level_changed` or `alert.resolved`;
//! - `X-Quotamonitor-Delivery`: the delivery id (the same on every retry: use it to deduplicate);
//! - `X-Quotamonitor-Timestamp`: Unix seconds of this attempt;
//! - `X-Quotamonitor-Signature`: `sha256=` + hex HMAC-SHA256, keyed with the webhook's secret,
//!   of `<timestamp>.<body>`.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;

use chrono::{NaiveDateTime, Utc};
use diesel::QueryResult;
use hmac::{Hmac, Mac};
use serde_json::json;
use sha2::Sha256;
use tokio::task::JoinSet;

use crate::config::DeliverySettings;
use crate::db::webhooks as store;
use crate::db::{Database, DbConnection};
use crate::domain::alerts::AlertChangeKind;
use crate::domain::webhook::{self, DeliveryFailure, DeliveryState};
use crate::service::alerts::AlertChange;
use crate::service::webhook_addresses::{AddressNotAllowed, CheckedResolver, NameNotResolved};

pub const SIGNATURE_HEADER: &str = "X-Quotamonitor-Signature";
pub const TIMESTAMP_HEADER: &str = "X-Quotamonitor-Timestamp";
pub const DELIVERY_HEADER: &str = "X-Quotamonitor-Delivery";
pub const EVENT_HEADER: &str = "X-Quotamonitor-Event";

/// `sha256=` + hex HMAC-SHA256 of `<timestamp>.<body>` with the webhook's secret.
pub fn sign(secret: &str, timestamp: i64, body: &str) -> String {
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(mac) => mac,
        // HMAC takes a key of any length; this branch cannot be reached.
        Err(_) => return String::new(),
    };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// The JSON sent for one alert change.
pub fn payload(change: &AlertChange) -> serde_json::Value {
    json!({
        "event": format!("alert.{}", change.change.as_str()),
        "alert": {
            "id": change.alert_id,
            "municipality": change.municipality,
            "metric": change.metric,
            "scope": if change.corporation.is_some() { "corporation" } else { "total" },
            "corporation": change.corporation,
            "year": change.year,
            "level": change.level.as_str(),
            "state": if change.change == AlertChangeKind::Resolved { "resolved" } else { "open" },
            "metric_state": change.metric_state.as_str(),
            "count": change.count,
            "denominator": change.denominator,
            "share": change.share,
            "limit": change.limit,
        },
        "at": change.at.and_utc(),
    })
}

/// Whether a webhook's owner may receive an alert change's figures: the municipality itself
/// (its id is its CBS code) and the corporation whose scope the alert is on. Everyone else
/// gets the payload of [`payload_withheld`], as the alert list shows it to them.
fn sees_figures(owner: &str, change: &AlertChange) -> bool {
    owner == change.municipality || change.corporation.as_deref() == Some(owner)
}

/// The payload for a reader who may not see the figures (small-numbers rule): the count as
/// `"<5"`, `"x"` or 0, denominator and share null; level, state and limit stay.
pub fn payload_withheld(change: &AlertChange) -> serde_json::Value {
    let mut value = payload(change);
    let alert = &mut value["alert"];
    alert["count"] = if change.count == 0 {
        json!(0)
    } else if crate::domain::disclosure::is_small(change.count) {
        json!("<5")
    } else {
        json!("x")
    };
    alert["denominator"] = serde_json::Value::Null;
    alert["share"] = serde_json::Value::Null;
    value
}

/// Queues every change for every active webhook of its municipality. Call in the transaction
/// that made the changes. The e-mails of the people who asked for them are queued with them
/// ([`super::signal_emails`]).
pub fn enqueue(
    conn: &mut DbConnection,
    changes: &[AlertChange],
    now: NaiveDateTime,
) -> QueryResult<usize> {
    super::signal_emails::enqueue(conn, changes, now)?;
    let mut by_municipality: BTreeMap<&str, Vec<&AlertChange>> = BTreeMap::new();
    for change in changes {
        by_municipality
            .entry(change.municipality.as_str())
            .or_default()
            .push(change);
    }
    let mut queued = 0;
    for (municipality, list) in by_municipality {
        let hooks: Vec<_> = store::webhooks_of(conn, municipality)?
            .into_iter()
            .filter(|w| w.active)
            .collect();
        for change in list {
            let exact = payload(change).to_string();
            let withheld = payload_withheld(change).to_string();
            let event = format!("alert.{}", change.change.as_str());
            for hook in &hooks {
                let body = if sees_figures(&hook.owner, change) {
                    &exact
                } else {
                    &withheld
                };
                store::enqueue(conn, hook.id, change.alert_id, &event, body, now)?;
                queued += 1;
            }
        }
    }
    Ok(queued)
}

/// The wait before attempt `attempts + 1`: base × 2^attempts, at most `max`.
pub fn backoff(settings: &DeliverySettings, attempts: i32) -> Duration {
    let factor = 2u32.saturating_pow(u32::try_from(attempts.clamp(0, 20)).unwrap_or(20));
    settings
        .retry_base
        .saturating_mul(factor)
        .min(settings.retry_max)
}

/// How long a claimed delivery is held: the attempt's time-out, with room to record its
/// outcome. Another instance takes it over only after this, when this one must have stopped.
pub fn lease(settings: &DeliverySettings) -> Duration {
    settings.timeout.saturating_mul(2) + Duration::from_secs(15)
}

/// The HTTP client deliveries are sent with: never follows a redirect (the receiver's
/// `Location` could point anywhere, and would get the signature headers), resolves names
/// through [`CheckedResolver`], and uses no proxy from the environment, which would resolve
/// names where the address policy cannot see them.
pub fn client(settings: &DeliverySettings) -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .timeout(settings.timeout)
        .connect_timeout(settings.timeout)
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .https_only(!settings.allow_private_addresses)
        .dns_resolver(Arc::new(CheckedResolver {
            allow_private: settings.allow_private_addresses,
        }))
        .build()
}

/// Runs until the process ends (or the future is dropped), delivering due deliveries: up to
/// `settings.parallel` at once, each to a different webhook.
pub async fn run_worker(database: Database, settings: DeliverySettings) {
    let client = match client(&settings) {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "webhook delivery disabled: cannot build an HTTP client");
            return;
        }
    };
    let mut running: JoinSet<()> = JoinSet::new();
    // The webhook each running task delivers to: a webhook has at most one on its way.
    let mut busy: HashMap<tokio::task::Id, i64> = HashMap::new();
    loop {
        while let Some(done) = running.try_join_next_with_id() {
            finished(&mut busy, done);
        }
        let free = settings.parallel.saturating_sub(running.len());
        let mut started = 0;
        if free > 0 {
            let skip: Vec<i64> = busy.values().copied().collect();
            match due(&database, free, skip).await {
                Ok(list) => {
                    for (delivery, hook) in list {
                        let hook_id = hook.id;
                        let task = running.spawn(deliver(
                            database.clone(),
                            client.clone(),
                            settings,
                            delivery,
                            hook,
                        ));
                        busy.insert(task.id(), hook_id);
                        started += 1;
                    }
                }
                Err(e) => tracing::warn!(error = %e, "looking for due webhook deliveries failed"),
            }
        }
        if started == 0 || running.len() >= settings.parallel {
            // Wait until a delivery is through (its webhook's next one may be due) or it is
            // time to look again.
            if running.is_empty() {
                tokio::time::sleep(settings.poll_interval).await;
            } else if let Ok(Some(done)) =
                tokio::time::timeout(settings.poll_interval, running.join_next_with_id()).await
            {
                finished(&mut busy, done);
            }
        }
    }
}

fn finished(
    busy: &mut HashMap<tokio::task::Id, i64>,
    done: Result<(tokio::task::Id, ()), tokio::task::JoinError>,
) {
    let id = match done {
        Ok((id, ())) => id,
        Err(e) => {
            tracing::error!(error = %e, "a webhook delivery task failed");
            e.id()
        }
    };
    busy.remove(&id);
}

/// Up to `limit` deliveries to send now, none to the webhooks in `skip`.
async fn due(
    database: &Database,
    limit: usize,
    skip: Vec<i64>,
) -> anyhow::Result<Vec<(store::DeliveryRow, store::WebhookRow)>> {
    let permit = database.permit().await?;
    let db = database.clone();
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
        let mut conn = db.take(permit)?;
        Ok(store::due(&mut conn, Utc::now().naive_utc(), limit, &skip)?)
    })
    .await?
}

/// Claims, sends and records one delivery; failures are logged.
async fn deliver(
    database: Database,
    client: reqwest::Client,
    settings: DeliverySettings,
    delivery: store::DeliveryRow,
    hook: store::WebhookRow,
) {
    let id = delivery.id;
    if let Err(e) = try_deliver(&database, &client, &settings, delivery, hook).await {
        tracing::warn!(delivery = id, error = %e, "webhook delivery interrupted; tried again");
    }
}

async fn try_deliver(
    database: &Database,
    client: &reqwest::Client,
    settings: &DeliverySettings,
    delivery: store::DeliveryRow,
    hook: store::WebhookRow,
) -> anyhow::Result<()> {
    let id = delivery.id;
    let hold = to_chrono(lease(settings));
    let permit = database.permit().await?;
    let db = database.clone();
    let claimed = tokio::task::spawn_blocking(move || -> anyhow::Result<bool> {
        let mut conn = db.take(permit)?;
        let now = Utc::now().naive_utc();
        Ok(store::claim(&mut conn, id, now, now + hold)?)
    })
    .await??;
    if !claimed {
        // Another instance was first, or the webhook was stopped.
        return Ok(());
    }
    let outcome = send(client, settings, &delivery, &hook).await;
    let wait = backoff(settings, delivery.attempts);
    let max_attempts = settings.max_attempts;
    let permit = database.permit().await?;
    let db = database.clone();
    tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        let mut conn = db.take(permit)?;
        let now = Utc::now().naive_utc();
        match outcome {
            Ok(status) => {
                tracing::info!(
                    delivery = id,
                    webhook = hook.id,
                    status,
                    "webhook delivered"
                );
                store::mark_delivered(&mut conn, id, i32::from(status), now)?;
            }
            Err(failure) => {
                let state = DeliveryState::after_failure(delivery.attempts + 1, max_attempts);
                let next = now + to_chrono(wait);
                let status = failure.status().map(i32::from);
                let error = failure.message();
                if state == DeliveryState::Failed {
                    let attempts = delivery.attempts + 1;
                    tracing::warn!(delivery = id, webhook = hook.id, %error, attempts, "gave up");
                }
                store::mark_failed(&mut conn, id, state, status, &error, next)?;
            }
        }
        Ok(())
    })
    .await?
}

/// One attempt: the status of a 2xx answer, or why it failed. The details of a failure go to
/// the log (without the URL's credentials); the caller gets only the coarse reason.
async fn send(
    client: &reqwest::Client,
    settings: &DeliverySettings,
    delivery: &store::DeliveryRow,
    hook: &store::WebhookRow,
) -> Result<u16, DeliveryFailure> {
    let url = webhook::loggable_url(&hook.url);
    if let Some(failure) = webhook::refused_at_delivery(&hook.url, settings.allow_private_addresses)
    {
        let error = failure.message();
        tracing::warn!(delivery = delivery.id, webhook = hook.id, %url, %error, "not sent");
        return Err(failure);
    }
    let timestamp = Utc::now().timestamp();
    let result = client
        .post(&hook.url)
        .header("Content-Type", "application/json")
        .header(EVENT_HEADER, &delivery.event)
        .header(DELIVERY_HEADER, delivery.id.to_string())
        .header(TIMESTAMP_HEADER, timestamp.to_string())
        .header(
            SIGNATURE_HEADER,
            sign(&hook.secret, timestamp, &delivery.payload),
        )
        .body(delivery.payload.clone())
        .send()
        .await;
    match result {
        Ok(response) if response.status().is_success() => Ok(response.status().as_u16()),
        Ok(response) => {
            let status = response.status().as_u16();
            tracing::warn!(delivery = delivery.id, webhook = hook.id, %url, status, "not accepted");
            Err(DeliveryFailure::Status(status))
        }
        Err(e) => {
            let failure = failure_of(&e);
            let detail = error_chain(&e.without_url());
            let (delivery, webhook) = (delivery.id, hook.id);
            tracing::warn!(delivery, webhook, %url, error = %detail, "failed");
            Err(failure)
        }
    }
}

/// The coarse reason of a failed request, from the error and its sources.
fn failure_of(error: &reqwest::Error) -> DeliveryFailure {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    let mut refused = false;
    while let Some(e) = source {
        if e.is::<AddressNotAllowed>() {
            return DeliveryFailure::AddressNotAllowed;
        }
        if e.is::<NameNotResolved>() {
            return DeliveryFailure::NameNotResolved;
        }
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            refused |= io.kind() == std::io::ErrorKind::ConnectionRefused;
        }
        source = e.source();
    }
    if error.is_timeout() {
        DeliveryFailure::TimedOut
    } else if refused {
        DeliveryFailure::ConnectionRefused
    } else if error.is_connect() {
        DeliveryFailure::CouldNotConnect
    } else {
        DeliveryFailure::NoAnswer
    }
}

fn to_chrono(wait: Duration) -> chrono::Duration {
    chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::seconds(60))
}

/// An error with its sources, for the log.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(e) = source {
        text.push_str(": ");
        text.push_str(&e.to_string());
        source = e.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_hmac_sha256_of_timestamp_and_body() {
        // Reference value from: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac secret
        assert_eq!(
            sign("secret", 1_700_000_000, "{\"a\":1}"),
            "sha256=49f24e537407743fa4a0242bb63b94b9a47ee99cbbe071ccd8a22550ae411686"
        );
    }

    fn settings(allow_private_addresses: bool) -> DeliverySettings {
        DeliverySettings {
            poll_interval: Duration::from_millis(100),
            retry_base: Duration::from_secs(2),
            retry_max: Duration::from_secs(60),
            timeout: Duration::from_secs(5),
            max_attempts: 10,
            parallel: 8,
            allow_private_addresses,
        }
    }

    #[tokio::test]
    async fn a_failure_is_told_coarsely_and_names_are_checked_when_resolved() {
        let closed = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let refused = client(&settings(true))
            .unwrap()
            .post(format!("http://user:secret@127.0.0.1:{closed}/x"))
            .send()
            .await
            .unwrap_err();
        assert_eq!(failure_of(&refused), DeliveryFailure::ConnectionRefused);
        let logged = error_chain(&refused.without_url());
        assert!(!logged.contains("secret"), "{logged}");
        // The name is not checked here, only what it resolves to: the resolver refuses it
        // before anything is sent.
        let error = client(&settings(false))
            .unwrap()
            .post(format!("https://localhost:{closed}/x"))
            .send()
            .await
            .unwrap_err();
        assert_eq!(failure_of(&error), DeliveryFailure::AddressNotAllowed);
    }

    #[test]
    fn backoff_doubles_up_to_the_maximum() {
        let s = settings(false);
        assert_eq!(backoff(&s, 0), Duration::from_secs(2));
        assert_eq!(backoff(&s, 1), Duration::from_secs(4));
        assert_eq!(backoff(&s, 4), Duration::from_secs(32));
        assert_eq!(backoff(&s, 5), Duration::from_secs(60));
        assert_eq!(backoff(&s, 1000), Duration::from_secs(60));
    }
}
