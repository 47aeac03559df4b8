//! Delivery of alert changes to webhooks.
//!
//! Every alert change is written to the outbox (`webhook_deliveries`) in the transaction that
//! made it, one row per active webhook of the municipality. A worker in every `serve` instance
//! claims due rows (a claim is a conditional update, so two instances never send the same row at
//! once), POSTs them, and on failure (connection refused, timeout, any non-2xx answer) tries
//! again later with exponential back-off. A webhook gets its changes in the order they were
//! made: a later change waits until the earlier one is delivered. Nothing is dropped: after a restart the worker resumes
//! with whatever is still pending.
//!
//! Each POST carries:
//! - `X-Quotamonitor-Event`: `alert.opened`, `alert.level_changed` or `alert.resolved`;
//! - `X-Quotamonitor-Delivery`: the delivery id (the same on every retry: use it to deduplicate);
//! - `X-Quotamonitor-Timestamp`: Unix seconds of this attempt;
//! - `X-Quotamonitor-Signature`: `sha256=` + hex HMAC-SHA256, keyed with the webhook's secret,
//!   of `<timestamp>.<body>`.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{NaiveDateTime, Utc};
use diesel::QueryResult;
use hmac::{Hmac, Mac};
use serde_json::json;
use sha2::Sha256;

use crate::config::DeliverySettings;
use crate::db::webhooks as store;
use crate::db::{Database, DbConnection};
use crate::domain::alerts::AlertChangeKind;
use crate::service::alerts::AlertChange;

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

/// Queues every change for every active webhook of its municipality. Call in the transaction
/// that made the changes.
pub fn enqueue(
    conn: &mut DbConnection,
    changes: &[AlertChange],
    now: NaiveDateTime,
) -> QueryResult<usize> {
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
            let body = payload(change).to_string();
            let event = format!("alert.{}", change.change.as_str());
            for hook in &hooks {
                store::enqueue(conn, hook.id, change.alert_id, &event, &body, now)?;
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

/// Runs until the process ends, delivering due rows.
pub async fn run_worker(database: Database, settings: DeliverySettings) {
    let client = match reqwest::Client::builder().timeout(settings.timeout).build() {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "webhook delivery disabled: cannot build an HTTP client");
            return;
        }
    };
    loop {
        match deliver_due(&database, &client, &settings).await {
            Ok(0) => tokio::time::sleep(settings.poll_interval).await,
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(error = %e, "webhook delivery round failed; retrying");
                tokio::time::sleep(settings.poll_interval).await;
            }
        }
    }
}

/// One round: claims due deliveries and sends them. Returns how many were attempted.
pub async fn deliver_due(
    database: &Database,
    client: &reqwest::Client,
    settings: &DeliverySettings,
) -> anyhow::Result<usize> {
    let claim_for =
        chrono::Duration::from_std(settings.timeout * 3).unwrap_or(chrono::Duration::seconds(60));
    let permit = database.permit().await?;
    let db = database.clone();
    let claimed = tokio::task::spawn_blocking(
        move || -> anyhow::Result<Vec<(store::DeliveryRow, store::WebhookRow)>> {
            let mut conn = db.take(permit)?;
            let now = Utc::now().naive_utc();
            let mut claimed = Vec::new();
            for delivery in store::due(&mut conn, now, 1000)? {
                if store::claim(&mut conn, delivery.id, now, now + claim_for)? {
                    if let Some(hook) = store::find_webhook(&mut conn, delivery.webhook_id)? {
                        claimed.push((delivery, hook));
                    }
                }
            }
            Ok(claimed)
        },
    )
    .await??;
    let attempted = claimed.len();
    for (delivery, hook) in claimed {
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
        let outcome = match result {
            Ok(response) if response.status().is_success() => {
                Ok(i32::from(response.status().as_u16()))
            }
            Ok(response) => Err((
                Some(i32::from(response.status().as_u16())),
                format!("the receiver answered {}", response.status()),
            )),
            Err(e) => Err((None, format!("could not deliver: {e}"))),
        };
        let wait = backoff(settings, delivery.attempts);
        let permit = database.permit().await?;
        let db = database.clone();
        let id = delivery.id;
        tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
            let mut conn = db.take(permit)?;
            let now = Utc::now().naive_utc();
            match outcome {
                Ok(status) => {
                    tracing::info!(delivery = id, status, "webhook delivered");
                    store::mark_delivered(&mut conn, id, status, now)?;
                }
                Err((status, error)) => {
                    let next = now + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::seconds(60));
                    tracing::warn!(delivery = id, error = %error, retry_at = %next, "webhook delivery failed");
                    store::mark_failed(&mut conn, id, status, &error, next)?;
                }
            }
            Ok(())
        })
        .await??;
    }
    Ok(attempted)
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

    #[test]
    fn backoff_doubles_up_to_the_maximum() {
        let s = DeliverySettings {
            poll_interval: Duration::from_millis(100),
            retry_base: Duration::from_secs(2),
            retry_max: Duration::from_secs(60),
            timeout: Duration::from_secs(5),
            allow_private_addresses: false,
        };
        assert_eq!(backoff(&s, 0), Duration::from_secs(2));
        assert_eq!(backoff(&s, 1), Duration::from_secs(4));
        assert_eq!(backoff(&s, 4), Duration::from_secs(32));
        assert_eq!(backoff(&s, 5), Duration::from_secs(60));
        assert_eq!(backoff(&s, 1000), Duration::from_secs(60));
    }
}
