//! E-mail on signals: who asked for it, and the outbox of e-mails to send (like the webhook
//! outbox in [`super::webhooks`]).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{
    organisation_municipalities, people, signal_email_subscriptions, signal_emails,
};
use super::DbConnection;
use crate::domain::webhook::DeliveryState;

/// An e-mail in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = signal_emails)]
pub struct EmailRow {
    pub id: i64,
    pub person_id: i64,
    pub alert_id: i64,
    pub event: String,
    pub payload: String,
    #[diesel(deserialize_as = String)]
    pub state: DeliveryState,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub claimed_until: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub delivered_at: Option<NaiveDateTime>,
}

/// The municipalities a person asked e-mail for.
pub fn subscriptions_of(conn: &mut DbConnection, person: i64) -> QueryResult<Vec<String>> {
    signal_email_subscriptions::table
        .filter(signal_email_subscriptions::person_id.eq(person))
        .order(signal_email_subscriptions::municipality)
        .select(signal_email_subscriptions::municipality)
        .load(conn)
}

/// Sets the municipalities a person gets e-mail for to exactly `municipalities`.
pub fn replace_subscriptions(
    conn: &mut DbConnection,
    person: i64,
    municipalities: &[String],
    now: NaiveDateTime,
) -> QueryResult<()> {
    conn.transaction(|conn| {
        diesel::delete(
            signal_email_subscriptions::table
                .filter(signal_email_subscriptions::person_id.eq(person)),
        )
        .execute(conn)?;
        for municipality in municipalities {
            diesel::insert_into(signal_email_subscriptions::table)
                .values((
                    signal_email_subscriptions::person_id.eq(person),
                    signal_email_subscriptions::municipality.eq(municipality),
                    signal_email_subscriptions::created_at.eq(now),
                ))
                .execute(conn)?;
        }
        Ok(())
    })
}

/// The people who asked e-mail for a municipality and whose organisation still reads it (the
/// municipality itself, or an organisation working in it).
pub fn recipients(conn: &mut DbConnection, municipality: &str) -> QueryResult<Vec<i64>> {
    let asked: Vec<(i64, String)> = signal_email_subscriptions::table
        .inner_join(people::table)
        .filter(signal_email_subscriptions::municipality.eq(municipality))
        .order(signal_email_subscriptions::person_id)
        .select((
            signal_email_subscriptions::person_id,
            people::organisation_id,
        ))
        .load(conn)?;
    if asked.is_empty() {
        return Ok(Vec::new());
    }
    let working_in: Vec<String> = organisation_municipalities::table
        .filter(organisation_municipalities::municipality.eq(municipality))
        .select(organisation_municipalities::organisation_id)
        .load(conn)?;
    Ok(asked
        .into_iter()
        .filter(|(_, org)| org == municipality || working_in.contains(org))
        .map(|(person, _)| person)
        .collect())
}

/// Queues an e-mail (call in the transaction of the alert change).
pub fn enqueue(
    conn: &mut DbConnection,
    person: i64,
    alert_id: i64,
    event: &str,
    payload: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(signal_emails::table)
        .values((
            signal_emails::person_id.eq(person),
            signal_emails::alert_id.eq(alert_id),
            signal_emails::event.eq(event),
            signal_emails::payload.eq(payload),
            signal_emails::state.eq(DeliveryState::Pending.as_str()),
            signal_emails::attempts.eq(0),
            signal_emails::next_attempt_at.eq(now),
            signal_emails::created_at.eq(now),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Pending e-mails that are due and held by no instance, oldest first, with the address to
/// send each to.
pub fn due(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<(EmailRow, String)>> {
    signal_emails::table
        .inner_join(people::table)
        .filter(signal_emails::state.eq(DeliveryState::Pending.as_str()))
        .filter(signal_emails::next_attempt_at.le(now))
        .filter(
            signal_emails::claimed_until
                .is_null()
                .or(signal_emails::claimed_until.lt(now)),
        )
        .order((signal_emails::next_attempt_at, signal_emails::id))
        .limit(limit)
        .select((EmailRow::as_select(), people::email))
        .load(conn)
}

/// Claims an e-mail until `until`, just before it is sent; `false` when another instance was
/// first or it is no longer pending.
pub fn claim(
    conn: &mut DbConnection,
    id: i64,
    now: NaiveDateTime,
    until: NaiveDateTime,
) -> QueryResult<bool> {
    let claimed = diesel::update(
        signal_emails::table
            .filter(signal_emails::id.eq(id))
            .filter(signal_emails::state.eq(DeliveryState::Pending.as_str()))
            .filter(
                signal_emails::claimed_until
                    .is_null()
                    .or(signal_emails::claimed_until.lt(now)),
            ),
    )
    .set(signal_emails::claimed_until.eq(until))
    .execute(conn)?;
    Ok(claimed == 1)
}

pub fn mark_sent(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(signal_emails::table.find(id))
        .set((
            signal_emails::state.eq(DeliveryState::Delivered.as_str()),
            signal_emails::attempts.eq(signal_emails::attempts + 1),
            signal_emails::last_error.eq(None::<String>),
            signal_emails::delivered_at.eq(Some(now)),
            signal_emails::claimed_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Records a failed attempt: `state` is pending (again at `next_attempt_at`) or failed.
pub fn mark_failed(
    conn: &mut DbConnection,
    id: i64,
    state: DeliveryState,
    error: &str,
    next_attempt_at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(signal_emails::table.find(id))
        .set((
            signal_emails::state.eq(state.as_str()),
            signal_emails::attempts.eq(signal_emails::attempts + 1),
            signal_emails::last_error.eq(Some(error)),
            signal_emails::next_attempt_at.eq(next_attempt_at),
            signal_emails::claimed_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Cancels pending e-mails queued before `before`: news that old is not worth sending (they
/// piled up while no mail server was configured, or it was down for long).
pub fn cancel_older_than(conn: &mut DbConnection, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        signal_emails::table
            .filter(signal_emails::state.eq(DeliveryState::Pending.as_str()))
            .filter(signal_emails::created_at.lt(before)),
    )
    .set(signal_emails::state.eq(DeliveryState::Cancelled.as_str()))
    .execute(conn)
}
