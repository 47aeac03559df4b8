//! E-mail on signals: a person who asked for it gets an e-mail when a signal (alert) of their
//! municipality opens, changes level or is resolved.
//!
//! It goes through an outbox like the webhooks ([`super::webhooks`]): every alert change is
//! written to `signal_emails` in the transaction that made it, one row per person who asked,
//! and a worker in every `serve` instance sends them over SMTP (`lettre`), claimed just before
//! sending so two instances never both send one, retried with the webhooks' back-off, and
//! `failed` after the webhooks' number of attempts. Only while `smtp_url` is set: without it
//! the worker does not run and the portal does not offer e-mail. An e-mail still unsent a day
//! after its change is cancelled rather than sent late.
//!
//! The e-mail holds the municipality, the metric, the scope, the level and state in words and a
//! link to the signal in the portal; never a count, share or any record-level data, so it is
//! the same for every reader and nothing in it needs the small-numbers rule.

use std::time::Duration;

use chrono::{NaiveDateTime, Utc};
use diesel::QueryResult;
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::{Message, SmtpTransport, Transport};
use serde::{Deserialize, Serialize};

use crate::config::EmailSettings;
use crate::db::signal_emails as store;
use crate::db::{organisations, Database, DbConnection};
use crate::domain::alerts::AlertChangeKind;
use crate::domain::webhook::DeliveryState;
use crate::report::labels::{label, state_words, Lang};
use crate::service::alerts::AlertChange;

/// What an e-mail says, kept in the outbox: no figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignalNews {
    pub alert_id: i64,
    pub municipality: String,
    pub municipality_name: String,
    pub metric: String,
    /// The corporation's name for a corporation's scope; `None` for the municipality total.
    pub corporation: Option<String>,
    pub year: i32,
    /// `opened`, `level_changed` or `resolved`.
    pub change: String,
    /// `warning` or `breach` (for `resolved`: the level it had).
    pub level: String,
}

impl SignalNews {
    fn of(change: &AlertChange, municipality_name: &str, corporation: Option<String>) -> Self {
        Self {
            alert_id: change.alert_id,
            municipality: change.municipality.clone(),
            municipality_name: municipality_name.to_string(),
            metric: change.metric.clone(),
            corporation,
            year: change.year,
            change: change.change.as_str().to_string(),
            level: change.level.as_str().to_string(),
        }
    }
}

/// An e-mail's subject and plain text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub subject: String,
    pub text: String,
}

/// The e-mail for a signal change: Dutch, then English. `portal_base` without a trailing slash.
pub fn compose(news: &SignalNews, portal_base: &str) -> Mail {
    let link = format!(
        "{portal_base}/municipalities/{}/signals#alert-{}",
        news.municipality, news.alert_id
    );
    let part = |lang: Lang| {
        let nl = lang == Lang::Nl;
        let what = match (AlertChangeKind::parse(&news.change), nl) {
            (Some(AlertChangeKind::Opened), true) => "Er is een signaal geopend",
            (Some(AlertChangeKind::Opened), false) => "A signal was opened",
            (Some(AlertChangeKind::Resolved), true) => "Een signaal is afgesloten",
            (Some(AlertChangeKind::Resolved), false) => "A signal was resolved",
            (_, true) => "Een signaal is veranderd",
            (_, false) => "A signal changed",
        };
        let scope = match (&news.corporation, nl) {
            (Some(name), _) => name.clone(),
            (None, true) => "gemeente totaal".to_string(),
            (None, false) => "municipality total".to_string(),
        };
        let state = if news.change == AlertChangeKind::Resolved.as_str() {
            state_words(&news.metric, "ok", lang)
        } else {
            state_words(&news.metric, &news.level, lang)
        };
        let (m, metric, s, y, l, open) = if nl {
            (
                "Gemeente",
                "Meetwaarde",
                "Stand",
                "Jaar",
                "Deelnemer",
                "Bekijk het signaal",
            )
        } else {
            (
                "Municipality",
                "Metric",
                "State",
                "Year",
                "Scope",
                "See the signal",
            )
        };
        format!(
            "{what}.\n\n{m}: {} ({})\n{metric}: {}\n{l}: {scope}\n{y}: {}\n{s}: {state}\n\n{open}: {link}\n",
            news.municipality_name,
            news.municipality,
            label(&news.metric, lang),
            news.year,
        )
    };
    let subject = format!(
        "Signaal {}: {} - {}",
        news.municipality_name,
        label(&news.metric, Lang::Nl),
        if news.change == AlertChangeKind::Resolved.as_str() {
            "afgesloten"
        } else if news.change == AlertChangeKind::Opened.as_str() {
            "geopend"
        } else {
            "gewijzigd"
        }
    );
    let text = format!(
        "{}\n-- English --\n\n{}\nU krijgt dit bericht omdat u erom vroeg in quotamonitor (Instellingen). / You get this because you asked for it in quotamonitor (Settings).\n",
        part(Lang::Nl),
        part(Lang::En)
    );
    Mail { subject, text }
}

/// Queues an e-mail for every change for every person who asked for the change's
/// municipality. Call in the transaction that made the changes (the webhooks' `enqueue` does).
pub fn enqueue(
    conn: &mut DbConnection,
    changes: &[AlertChange],
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let mut queued = 0;
    let mut municipalities: Vec<&str> = changes.iter().map(|c| c.municipality.as_str()).collect();
    municipalities.sort_unstable();
    municipalities.dedup();
    for municipality in municipalities {
        let people = store::recipients(conn, municipality)?;
        if people.is_empty() {
            continue;
        }
        let name = name_of(conn, municipality)?;
        for change in changes.iter().filter(|c| c.municipality == municipality) {
            let corporation = match &change.corporation {
                Some(id) => Some(name_of(conn, id)?),
                None => None,
            };
            let news = SignalNews::of(change, &name, corporation);
            let payload = serde_json::to_string(&news).unwrap_or_default();
            let event = format!("alert.{}", change.change.as_str());
            for person in &people {
                store::enqueue(conn, *person, change.alert_id, &event, &payload, now)?;
                queued += 1;
            }
        }
    }
    Ok(queued)
}

fn name_of(conn: &mut DbConnection, id: &str) -> QueryResult<String> {
    Ok(organisations::find(conn, id)?
        .map(|o| o.name)
        .unwrap_or_else(|| id.to_string()))
}

/// A municipality a person may ask e-mail for, and whether they did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub municipality: String,
    pub name: String,
    pub chosen: bool,
}

/// The municipalities a person may ask e-mail for (`readable`: those their organisation reads),
/// and what they asked.
pub fn choices(
    conn: &mut DbConnection,
    person: i64,
    readable: &[String],
) -> QueryResult<Vec<Choice>> {
    let chosen = store::subscriptions_of(conn, person)?;
    readable
        .iter()
        .map(|m| {
            Ok(Choice {
                municipality: m.clone(),
                name: name_of(conn, m)?,
                chosen: chosen.contains(m),
            })
        })
        .collect()
}

/// Sets what a person asks e-mail for; `false` (and nothing changed) when one of them is not
/// in `readable`.
pub fn choose(
    conn: &mut DbConnection,
    person: i64,
    readable: &[String],
    wanted: &[String],
    now: NaiveDateTime,
) -> QueryResult<bool> {
    if wanted.iter().any(|m| !readable.contains(m)) {
        return Ok(false);
    }
    let mut wanted = wanted.to_vec();
    wanted.sort();
    wanted.dedup();
    store::replace_subscriptions(conn, person, &wanted, now)?;
    Ok(true)
}

/// Sends e-mail through the configured SMTP server.
#[derive(Clone)]
pub struct Mailer {
    transport: SmtpTransport,
    from: Mailbox,
}

impl Mailer {
    /// The mailer for `smtp_url`, or an error that says what is wrong with the settings.
    pub fn new(smtp_url: &str, from: &str, timeout: Duration) -> anyhow::Result<Self> {
        let transport = SmtpTransport::from_url(smtp_url)
            .map_err(|e| anyhow::anyhow!("smtp_url is not a usable SMTP address: {e}"))?
            .timeout(Some(timeout))
            .build();
        let from = from
            .parse::<Mailbox>()
            .map_err(|e| anyhow::anyhow!("smtp_from is not an e-mail address: {e}"))?;
        Ok(Self { transport, from })
    }

    /// Sends one e-mail (blocking: run it on the blocking pool).
    pub fn send(&self, to: &str, mail: &Mail) -> anyhow::Result<()> {
        let message = Message::builder()
            .from(self.from.clone())
            .to(to.parse::<Mailbox>()?)
            .subject(mail.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(mail.text.clone())?;
        self.transport.send(&message)?;
        Ok(())
    }
}

/// Runs until dropped: sends the due e-mails one after another, then waits a poll interval.
pub async fn run_worker(database: Database, settings: EmailSettings, mailer: Mailer) {
    loop {
        match send_due(&database, &settings, &mailer).await {
            Ok(0) => tokio::time::sleep(settings.poll_interval).await,
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(error = %e, "sending e-mail on signals failed; tried again");
                tokio::time::sleep(settings.poll_interval).await;
            }
        }
    }
}

/// Sends what is due now; how many were tried.
async fn send_due(
    database: &Database,
    settings: &EmailSettings,
    mailer: &Mailer,
) -> anyhow::Result<usize> {
    let permit = database.permit().await?;
    let db = database.clone();
    let max_age = settings.max_age;
    let due = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
        let mut conn = db.take(permit)?;
        let now = Utc::now().naive_utc();
        let stale = store::cancel_older_than(&mut conn, now - max_age)?;
        if stale > 0 {
            tracing::warn!(
                e_mails = stale,
                "e-mail on signals: too old to send, cancelled"
            );
        }
        Ok(store::due(&mut conn, now, 20)?)
    })
    .await??;
    let tried = due.len();
    for (email, address) in due {
        send_one(database, settings, mailer, email, address).await?;
    }
    Ok(tried)
}

async fn send_one(
    database: &Database,
    settings: &EmailSettings,
    mailer: &Mailer,
    email: store::EmailRow,
    address: String,
) -> anyhow::Result<()> {
    let id = email.id;
    let hold = chrono::Duration::from_std(settings.timeout.saturating_mul(4))
        .unwrap_or(chrono::Duration::seconds(60))
        + chrono::Duration::seconds(15);
    let permit = database.permit().await?;
    let db = database.clone();
    let claimed = tokio::task::spawn_blocking(move || -> anyhow::Result<bool> {
        let mut conn = db.take(permit)?;
        let now = Utc::now().naive_utc();
        Ok(store::claim(&mut conn, id, now, now + hold)?)
    })
    .await??;
    if !claimed {
        return Ok(());
    }
    let news: SignalNews = serde_json::from_str(&email.payload)?;
    let mail = compose(&news, &settings.portal_base);
    let sender = mailer.clone();
    let outcome = tokio::task::spawn_blocking(move || sender.send(&address, &mail)).await?;
    let wait = backoff(settings, email.attempts);
    let max_attempts = settings.max_attempts;
    let permit = database.permit().await?;
    let db = database.clone();
    tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        let mut conn = db.take(permit)?;
        let now = Utc::now().naive_utc();
        match outcome {
            Ok(()) => {
                // Never the address: the log has no personal data.
                tracing::info!(e_mail = id, person = email.person_id, "e-mail on a signal sent");
                store::mark_sent(&mut conn, id, now)?;
            }
            Err(e) => {
                let state = DeliveryState::after_failure(email.attempts + 1, max_attempts);
                let error = coarse(&e);
                tracing::warn!(e_mail = id, person = email.person_id, %error, "e-mail on a signal not sent");
                let next = now + chrono::Duration::from_std(wait).unwrap_or_default();
                store::mark_failed(&mut conn, id, state, &error, next)?;
            }
        }
        Ok(())
    })
    .await?
}

/// The wait before attempt `attempts + 1`: base × 2^attempts, at most the maximum.
fn backoff(settings: &EmailSettings, attempts: i32) -> Duration {
    let factor = 2u32.saturating_pow(u32::try_from(attempts.clamp(0, 20)).unwrap_or(20));
    settings
        .retry_base
        .saturating_mul(factor)
        .min(settings.retry_max)
}

/// Why sending failed, without the server's words (they may repeat the address).
fn coarse(error: &anyhow::Error) -> String {
    match error.downcast_ref::<lettre::transport::smtp::Error>() {
        Some(e) if e.is_permanent() => "the mail server refused the e-mail".into(),
        Some(e) if e.is_transient() => "the mail server asked to try again later".into(),
        Some(_) => "the mail server could not be reached".into(),
        None => "the e-mail could not be made (address?)".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn news(change: &str, level: &str, corporation: Option<&str>) -> SignalNews {
        SignalNews {
            alert_id: 7,
            municipality: "GM0629".into(),
            municipality_name: "Gemeente Wassenaar".into(),
            metric: "urgent_share".into(),
            corporation: corporation.map(str::to_string),
            year: 2026,
            change: change.into(),
            level: level.into(),
        }
    }

    #[test]
    fn an_e_mail_names_municipality_metric_state_and_link_in_both_languages() {
        let mail = compose(
            &news("opened", "breach", Some("De Wassenaarsche Bouwstichting")),
            "https://quota.example.nl",
        );
        assert_eq!(
            mail.subject,
            "Signaal Gemeente Wassenaar: Aandeel urgenten - geopend"
        );
        for part in [
            "Er is een signaal geopend",
            "Gemeente Wassenaar (GM0629)",
            "boven de signaalwaarde",
            "above the signal value",
            "De Wassenaarsche Bouwstichting",
            "https://quota.example.nl/municipalities/GM0629/signals#alert-7",
        ] {
            assert!(mail.text.contains(part), "{part} in {}", mail.text);
        }
    }

    #[test]
    fn a_resolved_signal_says_the_limit_is_met_again() {
        let mail = compose(&news("resolved", "warning", None), "http://x");
        assert!(mail.subject.ends_with("afgesloten"), "{}", mail.subject);
        assert!(mail.text.contains("Stand: gehaald"), "{}", mail.text);
        assert!(mail.text.contains("gemeente totaal"), "{}", mail.text);
    }

    #[test]
    fn a_mail_server_address_or_sender_that_cannot_be_used_is_refused_at_start() {
        let timeout = Duration::from_secs(1);
        assert!(Mailer::new("smtp://127.0.0.1:2525", "Q <q@example.nl>", timeout).is_ok());
        assert!(Mailer::new("smtps://u:p@mail.example.nl", "q@example.nl", timeout).is_ok());
        let scheme = Mailer::new("http://mail.example.nl", "q@example.nl", timeout);
        assert!(scheme.is_err());
        let tls = Mailer::new("smtp://mail.example.nl?tls=maybe", "q@example.nl", timeout);
        assert!(tls.is_err());
        let from = Mailer::new("smtp://127.0.0.1:2525", "not an address", timeout);
        assert!(from.err().unwrap().to_string().contains("smtp_from"));
    }
}
