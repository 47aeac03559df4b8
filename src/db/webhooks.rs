//! Webhook subscriptions and the delivery outbox.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{webhook_deliveries, webhooks};
use super::DbConnection;
use crate::domain::webhook::DeliveryState;
use crate::on_backend;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = webhooks)]
pub struct WebhookRow {
    pub id: i64,
    pub municipality: String,
    pub owner: String,
    pub url: String,
    pub secret: String,
    pub active: bool,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = webhook_deliveries)]
pub struct DeliveryRow {
    pub id: i64,
    pub webhook_id: i64,
    pub alert_id: i64,
    pub event: String,
    pub payload: String,
    #[diesel(deserialize_as = String)]
    pub state: DeliveryState,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub claimed_until: Option<NaiveDateTime>,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub delivered_at: Option<NaiveDateTime>,
}

pub fn insert_webhook(
    conn: &mut DbConnection,
    municipality: &str,
    owner: &str,
    url: &str,
    secret: &str,
    now: NaiveDateTime,
) -> QueryResult<WebhookRow> {
    on_backend!(conn, c => diesel::insert_into(webhooks::table)
        .values((
            webhooks::municipality.eq(municipality),
            webhooks::owner.eq(owner),
            webhooks::url.eq(url),
            webhooks::secret.eq(secret),
            webhooks::active.eq(true),
            webhooks::created_at.eq(now),
        ))
        .returning(WebhookRow::as_returning())
        .get_result(c))
}

pub fn webhooks_of(conn: &mut DbConnection, municipality: &str) -> QueryResult<Vec<WebhookRow>> {
    webhooks::table
        .filter(webhooks::municipality.eq(municipality))
        .order(webhooks::id)
        .select(WebhookRow::as_select())
        .load(conn)
}

/// How many active webhooks `owner` has on the municipality.
pub fn active_count(conn: &mut DbConnection, municipality: &str, owner: &str) -> QueryResult<i64> {
    webhooks::table
        .filter(webhooks::municipality.eq(municipality))
        .filter(webhooks::owner.eq(owner))
        .filter(webhooks::active.eq(true))
        .count()
        .get_result(conn)
}

pub fn find_webhook(conn: &mut DbConnection, id: i64) -> QueryResult<Option<WebhookRow>> {
    webhooks::table
        .find(id)
        .select(WebhookRow::as_select())
        .first(conn)
        .optional()
}

pub fn deactivate(conn: &mut DbConnection, id: i64) -> QueryResult<()> {
    diesel::update(webhooks::table.find(id))
        .set(webhooks::active.eq(false))
        .execute(conn)
        .map(|_| ())
}

/// Cancels the webhook's pending deliveries (it was stopped). A delivery on its way keeps its
/// claim: its outcome is still recorded if it was delivered.
pub fn cancel_pending(conn: &mut DbConnection, webhook_id: i64) -> QueryResult<usize> {
    diesel::update(
        webhook_deliveries::table
            .filter(webhook_deliveries::webhook_id.eq(webhook_id))
            .filter(webhook_deliveries::state.eq(DeliveryState::Pending.as_str())),
    )
    .set(webhook_deliveries::state.eq(DeliveryState::Cancelled.as_str()))
    .execute(conn)
}

/// Queues a delivery (call in the transaction of the alert change).
pub fn enqueue(
    conn: &mut DbConnection,
    webhook_id: i64,
    alert_id: i64,
    event: &str,
    payload: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(webhook_deliveries::table)
        .values((
            webhook_deliveries::webhook_id.eq(webhook_id),
            webhook_deliveries::alert_id.eq(alert_id),
            webhook_deliveries::event.eq(event),
            webhook_deliveries::payload.eq(payload),
            webhook_deliveries::state.eq(DeliveryState::Pending.as_str()),
            webhook_deliveries::attempts.eq(0),
            webhook_deliveries::next_attempt_at.eq(now),
            webhook_deliveries::created_at.eq(now),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The deliveries to send next: of every active webhook its oldest pending delivery, if that is
/// due and not held by an instance, longest waiting first, at most `limit`, none of the
/// webhooks in `skip`. Each webhook gets its changes in order: a later delivery waits until the
/// earlier one is through. Picked in the database, so a backlog of one webhook costs the others
/// nothing.
pub fn due(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    limit: i64,
    skip: &[i64],
) -> QueryResult<Vec<(DeliveryRow, WebhookRow)>> {
    let pending = DeliveryState::Pending.as_str();
    let others = diesel::alias!(webhook_deliveries as others);
    let heads = others
        .filter(others.field(webhook_deliveries::state).eq(pending))
        .group_by(others.field(webhook_deliveries::webhook_id))
        .select(diesel::dsl::min(others.field(webhook_deliveries::id)));
    webhook_deliveries::table
        .inner_join(webhooks::table)
        .filter(webhooks::active.eq(true))
        .filter(webhook_deliveries::state.eq(pending))
        .filter(webhook_deliveries::id.nullable().eq_any(heads))
        .filter(webhook_deliveries::next_attempt_at.le(now))
        .filter(
            webhook_deliveries::claimed_until
                .is_null()
                .or(webhook_deliveries::claimed_until.lt(now)),
        )
        .filter(webhook_deliveries::webhook_id.ne_all(skip))
        .order((webhook_deliveries::next_attempt_at, webhook_deliveries::id))
        .limit(limit)
        .select((DeliveryRow::as_select(), WebhookRow::as_select()))
        .load(conn)
}

/// Claims a delivery for this instance until `until`, just before it is sent; `false` when it
/// is no longer pending and due, or another instance holds it.
pub fn claim(
    conn: &mut DbConnection,
    id: i64,
    now: NaiveDateTime,
    until: NaiveDateTime,
) -> QueryResult<bool> {
    let claimed = diesel::update(
        webhook_deliveries::table
            .filter(webhook_deliveries::id.eq(id))
            .filter(webhook_deliveries::state.eq(DeliveryState::Pending.as_str()))
            .filter(webhook_deliveries::next_attempt_at.le(now))
            .filter(
                webhook_deliveries::claimed_until
                    .is_null()
                    .or(webhook_deliveries::claimed_until.lt(now)),
            ),
    )
    .set(webhook_deliveries::claimed_until.eq(until))
    .execute(conn)?;
    Ok(claimed == 1)
}

/// Records a delivery the receiver accepted (also when it was cancelled meanwhile: it did
/// arrive).
pub fn mark_delivered(
    conn: &mut DbConnection,
    id: i64,
    status: i32,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(webhook_deliveries::table.find(id))
        .set((
            webhook_deliveries::state.eq(DeliveryState::Delivered.as_str()),
            webhook_deliveries::attempts.eq(webhook_deliveries::attempts + 1),
            webhook_deliveries::last_status.eq(Some(status)),
            webhook_deliveries::last_error.eq(None::<String>),
            webhook_deliveries::delivered_at.eq(Some(now)),
            webhook_deliveries::claimed_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Records a failed attempt of a pending delivery: `state` is [`DeliveryState::Pending`] to try
/// again at `next_attempt_at`, or [`DeliveryState::Failed`]. A delivery cancelled meanwhile
/// stays cancelled.
pub fn mark_failed(
    conn: &mut DbConnection,
    id: i64,
    state: DeliveryState,
    status: Option<i32>,
    error: &str,
    next_attempt_at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(
        webhook_deliveries::table
            .filter(webhook_deliveries::id.eq(id))
            .filter(webhook_deliveries::state.eq(DeliveryState::Pending.as_str())),
    )
    .set((
        webhook_deliveries::state.eq(state.as_str()),
        webhook_deliveries::attempts.eq(webhook_deliveries::attempts + 1),
        webhook_deliveries::last_status.eq(status),
        webhook_deliveries::last_error.eq(Some(error)),
        webhook_deliveries::next_attempt_at.eq(next_attempt_at),
        webhook_deliveries::claimed_until.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)
    .map(|_| ())
}

pub fn find_delivery(
    conn: &mut DbConnection,
    webhook_id: i64,
    id: i64,
) -> QueryResult<Option<DeliveryRow>> {
    webhook_deliveries::table
        .filter(webhook_deliveries::id.eq(id))
        .filter(webhook_deliveries::webhook_id.eq(webhook_id))
        .select(DeliveryRow::as_select())
        .first(conn)
        .optional()
}

/// Puts a failed delivery back in line, with every attempt to make again, due now. It is the
/// oldest of its webhook's pending ones unless later ones are still waiting, so it goes first.
/// `false` when it is not failed (any more).
pub fn retry(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> QueryResult<bool> {
    let updated = diesel::update(
        webhook_deliveries::table
            .filter(webhook_deliveries::id.eq(id))
            .filter(webhook_deliveries::state.eq(DeliveryState::Failed.as_str())),
    )
    .set((
        webhook_deliveries::state.eq(DeliveryState::Pending.as_str()),
        webhook_deliveries::attempts.eq(0),
        webhook_deliveries::next_attempt_at.eq(now),
        webhook_deliveries::claimed_until.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// A webhook's deliveries, newest first.
pub fn deliveries(
    conn: &mut DbConnection,
    webhook_id: i64,
    limit: i64,
) -> QueryResult<Vec<DeliveryRow>> {
    webhook_deliveries::table
        .filter(webhook_deliveries::webhook_id.eq(webhook_id))
        .order(webhook_deliveries::id.desc())
        .limit(limit)
        .select(DeliveryRow::as_select())
        .load(conn)
}

/// How many deliveries of each of a municipality's webhooks are in each state.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct DeliveryCount {
    pub webhook_id: i64,
    #[diesel(deserialize_as = String)]
    pub state: DeliveryState,
    pub deliveries: i64,
}

/// Delivery counts per webhook and state, counted by the database.
pub fn delivery_counts(
    conn: &mut DbConnection,
    municipality: &str,
) -> QueryResult<Vec<DeliveryCount>> {
    webhook_deliveries::table
        .inner_join(webhooks::table)
        .filter(webhooks::municipality.eq(municipality))
        .group_by((webhook_deliveries::webhook_id, webhook_deliveries::state))
        .select((
            webhook_deliveries::webhook_id,
            webhook_deliveries::state,
            diesel::dsl::count_star(),
        ))
        .load(conn)
}

/// The last error of the deliveries of each webhook that are pending or failed, newest
/// delivery first.
pub fn last_errors(conn: &mut DbConnection, municipality: &str) -> QueryResult<Vec<(i64, String)>> {
    let rows: Vec<(i64, Option<String>)> = webhook_deliveries::table
        .inner_join(webhooks::table)
        .filter(webhooks::municipality.eq(municipality))
        .filter(webhook_deliveries::state.eq_any([
            DeliveryState::Pending.as_str(),
            DeliveryState::Failed.as_str(),
        ]))
        .filter(webhook_deliveries::last_error.is_not_null())
        .order((
            webhook_deliveries::webhook_id,
            webhook_deliveries::id.desc(),
        ))
        .select((
            webhook_deliveries::webhook_id,
            webhook_deliveries::last_error,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, error)| error.map(|e| (id, e)))
        .collect())
}

/// Webhook deliveries of every municipality per state, as the database spells the state (for
/// `/metrics`).
pub fn webhook_deliveries_by_state(conn: &mut DbConnection) -> QueryResult<Vec<(String, i64)>> {
    webhook_deliveries::table
        .group_by(webhook_deliveries::state)
        .select((webhook_deliveries::state, diesel::dsl::count_star()))
        .load(conn)
}

/// Pending deliveries that have been attempted (and so failed) at least once.
pub fn webhook_deliveries_retrying(conn: &mut DbConnection) -> QueryResult<i64> {
    webhook_deliveries::table
        .filter(webhook_deliveries::state.eq(DeliveryState::Pending.as_str()))
        .filter(webhook_deliveries::attempts.gt(0))
        .count()
        .get_result(conn)
}
