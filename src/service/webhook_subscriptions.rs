//! Registering, listing and stopping webhooks on a municipality's alerts, and their delivery
//! state as the registering organisation sees it. Delivery itself is in [`super::webhooks`].

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::QueryResult;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::webhooks::{self as store, DeliveryRow, WebhookRow};
use crate::db::{locks, DbConnection};
use crate::domain::audit::{count, Actor, AuditAction, AuditEvent};
use crate::domain::organisation::Organisation;
use crate::domain::webhook::{listed_url, may_see, DeliveryState, MAX_ACTIVE_PER_OWNER};
use crate::service::audit;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookRequest {
    /// Where alert changes are POSTed: an `https` URL whose host is, or resolves only to,
    /// public addresses (`http` and other addresses only where the service allows private
    /// addresses).
    pub url: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookBody {
    pub id: i64,
    pub municipality: String,
    /// The organisation that registered it.
    pub owner: String,
    pub url: String,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    /// Only in the answer to the registration: the HMAC-SHA256 key of the signatures.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    pub pending: usize,
    pub delivered: usize,
    /// Deliveries that failed at every attempt; each can be retried.
    pub failed: usize,
    /// The last failure of a delivery that is still pending or has failed.
    pub last_error: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryBody {
    pub id: i64,
    pub alert_id: i64,
    pub event: String,
    /// `pending`, `delivered`, `failed` (every attempt failed; it can be retried) or
    /// `cancelled` (its webhook was stopped first).
    pub state: &'static str,
    pub attempts: i32,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
}

impl From<DeliveryRow> for DeliveryBody {
    fn from(d: DeliveryRow) -> Self {
        Self {
            id: d.id,
            alert_id: d.alert_id,
            next_attempt_at: (d.state == DeliveryState::Pending)
                .then(|| d.next_attempt_at.and_utc()),
            event: d.event,
            state: d.state.as_str(),
            attempts: d.attempts,
            last_status: d.last_status,
            last_error: d.last_error,
            created_at: d.created_at.and_utc(),
            delivered_at: d.delivered_at.map(|t| t.and_utc()),
        }
    }
}

/// What a listing shows of a webhook's deliveries.
#[derive(Debug, Default)]
struct DeliverySummary {
    pending: usize,
    delivered: usize,
    failed: usize,
    last_error: Option<String>,
}

fn body(hook: WebhookRow, summary: DeliverySummary, secret: bool) -> WebhookBody {
    WebhookBody {
        id: hook.id,
        pending: summary.pending,
        delivered: summary.delivered,
        failed: summary.failed,
        last_error: summary.last_error,
        municipality: hook.municipality,
        owner: hook.owner,
        // The registration answers the URL as sent; a listing never repeats its credentials.
        url: if secret {
            hook.url
        } else {
            listed_url(&hook.url)
        },
        active: hook.active,
        created_at: hook.created_at.and_utc(),
        secret: secret.then_some(hook.secret),
    }
}

/// The outcome of a registration.
#[derive(Debug)]
pub enum Registration {
    /// Registered; the body holds the secret.
    Registered(Box<WebhookBody>),
    /// The owner already has [`MAX_ACTIVE_PER_OWNER`] active webhooks on the municipality.
    TooMany,
}

/// Registers a webhook with a new signing secret; the answer holds the secret, once. An owner
/// has at most [`MAX_ACTIVE_PER_OWNER`] active webhooks on a municipality; the count and the
/// insert run under the municipality's write lock, so concurrent registrations cannot pass it.
pub fn register(
    conn: &mut DbConnection,
    municipality: &str,
    actor: &Actor,
    url: &str,
    now: NaiveDateTime,
) -> QueryResult<Registration> {
    let owner = actor.organisation.as_str();
    crate::db::write_transaction(conn, |conn| {
        locks::take(conn, &[locks::municipality(municipality)], now)?;
        let active = store::active_count(conn, municipality, owner)?;
        if usize::try_from(active).unwrap_or(usize::MAX) >= MAX_ACTIVE_PER_OWNER {
            return Ok(Registration::TooMany);
        }
        let secret = hex::encode(rand::random::<[u8; 32]>());
        let hook = store::insert_webhook(conn, municipality, owner, url, &secret, now)?;
        let event = AuditEvent::new(
            AuditAction::WebhookRegistered,
            Some(municipality),
            format!("webhook:{}", hook.id),
        );
        audit::record(conn, actor, &event, now)?;
        Ok(Registration::Registered(Box::new(body(
            hook,
            DeliverySummary::default(),
            true,
        ))))
    })
}

/// The municipality's webhooks that `reader` may see, with their delivery counts.
pub fn visible(
    conn: &mut DbConnection,
    reader: &Organisation,
    municipality: &str,
) -> QueryResult<Vec<WebhookBody>> {
    let mut summaries: BTreeMap<i64, DeliverySummary> = BTreeMap::new();
    for count in store::delivery_counts(conn, municipality)? {
        let summary = summaries.entry(count.webhook_id).or_default();
        let n = usize::try_from(count.deliveries).unwrap_or(usize::MAX);
        match count.state {
            DeliveryState::Pending => summary.pending += n,
            DeliveryState::Delivered => summary.delivered += n,
            DeliveryState::Failed => summary.failed += n,
            DeliveryState::Cancelled => {}
        }
    }
    for (webhook_id, error) in store::last_errors(conn, municipality)? {
        let summary = summaries.entry(webhook_id).or_default();
        summary.last_error.get_or_insert(error);
    }
    Ok(store::webhooks_of(conn, municipality)?
        .into_iter()
        .filter(|h| may_see(reader, &h.owner, &h.municipality))
        .map(|h| {
            let summary = summaries.remove(&h.id).unwrap_or_default();
            body(h, summary, false)
        })
        .collect())
}

/// The webhook `id` on the municipality's alerts, if `reader` may see it.
pub fn find_visible(
    conn: &mut DbConnection,
    reader: &Organisation,
    municipality: &str,
    id: i64,
) -> QueryResult<Option<WebhookRow>> {
    Ok(store::find_webhook(conn, id)?
        .filter(|h| h.municipality == municipality && may_see(reader, &h.owner, &h.municipality)))
}

/// A webhook's latest deliveries, newest first.
pub fn deliveries(conn: &mut DbConnection, webhook_id: i64) -> QueryResult<Vec<DeliveryBody>> {
    Ok(store::deliveries(conn, webhook_id, 500)?
        .into_iter()
        .map(DeliveryBody::from)
        .collect())
}

/// The outcome of a request to retry a delivery.
#[derive(Debug)]
pub enum Retry {
    /// Back in line; the delivery as it is now.
    Queued(Box<DeliveryBody>),
    /// The webhook has no such delivery.
    NotFound,
    /// Only a failed delivery can be retried; this one is in the state given.
    NotFailed(DeliveryState),
    /// The webhook is stopped: nothing of it is sent any more.
    Stopped,
}

/// Retries a failed delivery of `hook`: it is sent again, before the webhook's later ones, with
/// every attempt to make again. Under the municipality's write lock, like [`stop`], so a
/// delivery is never put back in line for a webhook that is being stopped.
pub fn retry(
    conn: &mut DbConnection,
    hook: &WebhookRow,
    delivery: i64,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<Retry> {
    crate::db::write_transaction(conn, |conn| {
        locks::take(conn, &[locks::municipality(&hook.municipality)], now)?;
        if !store::find_webhook(conn, hook.id)?.is_some_and(|h| h.active) {
            return Ok(Retry::Stopped);
        }
        let Some(found) = store::find_delivery(conn, hook.id, delivery)? else {
            return Ok(Retry::NotFound);
        };
        if !store::retry(conn, found.id, now)? {
            return Ok(Retry::NotFailed(found.state));
        }
        let event = AuditEvent::new(
            AuditAction::WebhookDeliveryRetried,
            Some(&hook.municipality),
            format!("webhook:{}", hook.id),
        )
        .with("delivery", found.id);
        audit::record(conn, actor, &event, now)?;
        Ok(match store::find_delivery(conn, hook.id, delivery)? {
            Some(row) => Retry::Queued(Box::new(DeliveryBody::from(row))),
            None => Retry::NotFound,
        })
    })
}

/// Stops a webhook: no new deliveries are queued for it and those still pending are
/// cancelled; its history stays. Under the municipality's write lock, which the transactions
/// that queue deliveries hold too, so none is queued for it after it is stopped.
pub fn stop(
    conn: &mut DbConnection,
    hook: &WebhookRow,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<()> {
    crate::db::write_transaction(conn, |conn| {
        locks::take(conn, &[locks::municipality(&hook.municipality)], now)?;
        store::deactivate(conn, hook.id)?;
        let cancelled = store::cancel_pending(conn, hook.id)?;
        let event = AuditEvent::new(
            AuditAction::WebhookStopped,
            Some(&hook.municipality),
            format!("webhook:{}", hook.id),
        )
        .with("cancelled_deliveries", count(cancelled));
        audit::record(conn, actor, &event, now)?;
        Ok(())
    })
}
