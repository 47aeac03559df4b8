//! Layered settings: built-in defaults < `config/default.toml` < `config/$QUOTAMONITOR_ENV.toml`
//! < `QUOTAMONITOR_*` environment variables. Also loads the reference data (national norms and
//! agreements) from the same folder, falling back to the copies built into the binary so the
//! binary works from any directory.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use serde::Deserialize;

use crate::domain::agreement::AgreementBook;
use crate::domain::norms::NormsTable;

const BUILT_IN_DEFAULTS: &str = include_str!("../config/default.toml");
const BUILT_IN_NORMS: &str = include_str!("../config/norms.toml");
const BUILT_IN_AGREEMENTS: [(&str, &str); 1] = [(
    "GM0629.toml",
    include_str!("../config/agreements/GM0629.toml"),
)];

/// How the webhook delivery worker paces itself, from the settings.
#[derive(Debug, Clone, Copy)]
pub struct DeliverySettings {
    pub poll_interval: Duration,
    pub retry_base: Duration,
    pub retry_max: Duration,
    pub timeout: Duration,
    /// Attempts made before a delivery is `failed`.
    pub max_attempts: u32,
    /// Deliveries on their way at once (to different webhooks).
    pub parallel: usize,
    /// Whether webhooks may go to loopback, private and other non-public addresses, and over
    /// plain `http`.
    pub allow_private_addresses: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    /// `sqlite://path/to/file.db` or `postgres://user@host/db`.
    pub database_url: String,
    /// Address `serve` listens on.
    pub bind: String,
    pub log_format: LogFormat,
    /// A tracing filter such as `info` or `quotamonitor=debug,info`.
    pub log_level: String,
    pub max_body_bytes: usize,
    pub max_batch_records: usize,
    /// Ingests that may run at once; one more is refused with 503 and `Retry-After`.
    pub max_concurrent_ingests: usize,
    /// Seconds a client has to send a whole request body (408 after that).
    pub body_read_timeout_seconds: u64,
    pub pool_size: u32,
    pub shutdown_timeout_seconds: u64,
    /// How often the webhook worker looks for due deliveries (milliseconds).
    pub webhook_poll_ms: u64,
    /// First retry delay of a failed delivery (milliseconds); doubles per attempt.
    pub webhook_retry_base_ms: u64,
    /// Longest retry delay (seconds).
    pub webhook_retry_max_seconds: u64,
    /// Time-out of one delivery attempt (seconds).
    pub webhook_timeout_seconds: u64,
    /// Attempts at one delivery before it is `failed` (then it waits to be retried by hand).
    pub webhook_max_attempts: u32,
    /// Deliveries sent at once, each to a different webhook.
    pub webhook_parallel_deliveries: usize,
    /// Allow webhooks to `http` URLs and to loopback, private, link-local and other non-public
    /// addresses (tests, receivers on the same network). Off: `https` to public addresses only.
    pub webhook_allow_private_addresses: bool,
    /// HTTP worker threads; one per core when not set.
    #[serde(default)]
    pub workers: Option<usize>,
    /// Folder with norms.toml and agreements/; `config` when not set.
    #[serde(default)]
    pub config_dir: Option<PathBuf>,
    /// Requests per minute that refill one token's budget; 0 turns the per-token limit off.
    pub rate_limit_token_per_minute: u32,
    /// Requests one token may send at once before the rate applies.
    pub rate_limit_token_burst: u32,
    /// Requests per minute that refill one client address's budget (an IPv6 address counts
    /// by its /64); 0 turns the per-address limit off.
    pub rate_limit_address_per_minute: u32,
    /// Requests one client address may send at once before the rate applies.
    pub rate_limit_address_burst: u32,
    /// `401` answers per minute that refill one client address's budget of failed
    /// authentications; 0 turns this limit off.
    pub rate_limit_failed_auth_per_minute: u32,
    /// `401` answers one client address may have at once; once used up, its requests with a
    /// bearer token are refused before the token is looked up.
    pub rate_limit_failed_auth_burst: u32,
    /// IP addresses of reverse proxies whose `X-Forwarded-For` is believed; empty: the
    /// connection's peer address is the client.
    #[serde(default)]
    pub trusted_proxy: Vec<String>,
    /// The portal's address as people reach it (`https://quota.example.nl`), for the links
    /// `user add` prints; empty: `http://` and `bind`.
    #[serde(default)]
    pub portal_url: String,
    /// Minutes a portal session may go unused before it ends.
    pub session_idle_minutes: u32,
    /// Hours after login a portal session ends, however busy.
    pub session_absolute_hours: u32,
    /// Hours a one-time link to set a password stays valid.
    pub password_link_hours: u32,
    /// The mail server for e-mail on signals: `smtp://user:pass@host:587?tls=required`
    /// (STARTTLS), `smtps://user:pass@host:465` (TLS from the start), or `smtp://host:25`
    /// (plain, for a relay on the same machine). Empty: no e-mail is sent or offered.
    #[serde(default)]
    pub smtp_url: String,
    /// The sender of those e-mails, as `Name <address>` or an address.
    #[serde(default = "default_smtp_from")]
    pub smtp_from: String,
}

fn default_smtp_from() -> String {
    "quotamonitor <quotamonitor@localhost>".into()
}

/// How the worker that sends e-mail on signals works, from the settings.
#[derive(Debug, Clone)]
pub struct EmailSettings {
    /// `None`: e-mail is off.
    pub smtp_url: Option<String>,
    pub from: String,
    /// The portal's address, for the link to the signal.
    pub portal_base: String,
    pub poll_interval: Duration,
    pub retry_base: Duration,
    pub retry_max: Duration,
    /// Time-out of one SMTP command.
    pub timeout: Duration,
    pub max_attempts: u32,
    /// An e-mail still unsent this long after its signal changed is not sent any more.
    pub max_age: chrono::TimeDelta,
}

/// The folder the configuration is read from: `QUOTAMONITOR_CONFIG_DIR` or `./config`.
pub fn config_dir() -> PathBuf {
    std::env::var_os("QUOTAMONITOR_CONFIG_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("config"))
}

impl Settings {
    /// How long portal sessions live.
    pub fn session_policy(&self) -> crate::domain::session::SessionPolicy {
        crate::domain::session::SessionPolicy {
            idle: chrono::TimeDelta::minutes(i64::from(self.session_idle_minutes.max(1))),
            absolute: chrono::TimeDelta::hours(i64::from(self.session_absolute_hours.max(1))),
        }
    }

    /// How long a one-time password link stays valid.
    pub fn password_link_valid(&self) -> chrono::TimeDelta {
        chrono::TimeDelta::hours(i64::from(self.password_link_hours.max(1)))
    }

    /// The portal's address for links, without a trailing slash.
    pub fn portal_base(&self) -> String {
        let base = self.portal_url.trim().trim_end_matches('/');
        if base.is_empty() {
            format!("http://{}", self.bind)
        } else {
            base.to_string()
        }
    }

    /// The e-mail worker's settings; it paces itself like the webhook worker.
    pub fn email(&self) -> EmailSettings {
        let url = self.smtp_url.trim();
        EmailSettings {
            smtp_url: (!url.is_empty()).then(|| url.to_string()),
            from: self.smtp_from.clone(),
            portal_base: self.portal_base(),
            poll_interval: Duration::from_millis(self.webhook_poll_ms.max(10)),
            retry_base: Duration::from_millis(self.webhook_retry_base_ms.max(10)),
            retry_max: Duration::from_secs(self.webhook_retry_max_seconds.max(1)),
            timeout: Duration::from_secs(self.webhook_timeout_seconds.max(1)),
            max_attempts: self.webhook_max_attempts.max(1),
            max_age: chrono::TimeDelta::hours(24),
        }
    }

    pub fn delivery(&self) -> DeliverySettings {
        DeliverySettings {
            poll_interval: Duration::from_millis(self.webhook_poll_ms.max(10)),
            retry_base: Duration::from_millis(self.webhook_retry_base_ms.max(10)),
            retry_max: Duration::from_secs(self.webhook_retry_max_seconds.max(1)),
            timeout: Duration::from_secs(self.webhook_timeout_seconds.max(1)),
            max_attempts: self.webhook_max_attempts.max(1),
            parallel: self.webhook_parallel_deliveries.max(1),
            allow_private_addresses: self.webhook_allow_private_addresses,
        }
    }

    /// Reads the layered settings.
    pub fn load() -> anyhow::Result<Self> {
        let dir = config_dir();
        let environment =
            std::env::var("QUOTAMONITOR_ENV").unwrap_or_else(|_| "development".into());
        let settings: Settings = config::Config::builder()
            .add_source(config::File::from_str(
                BUILT_IN_DEFAULTS,
                config::FileFormat::Toml,
            ))
            .add_source(config::File::from(dir.join("default.toml")).required(false))
            .add_source(config::File::from(dir.join(format!("{environment}.toml"))).required(false))
            .add_source(
                config::Environment::with_prefix("QUOTAMONITOR")
                    .try_parsing(true)
                    .list_separator(",")
                    .with_list_parse_key("trusted_proxy"),
            )
            .build()
            .context("reading settings")?
            .try_deserialize()
            .context("settings are incomplete or of the wrong type")?;
        Ok(Settings {
            config_dir: Some(settings.config_dir.clone().unwrap_or(dir)),
            ..settings
        })
    }

    /// Built-in defaults only, for tests and tools that set what they need.
    pub fn built_in(database_url: &str) -> anyhow::Result<Self> {
        let mut settings: Settings = config::Config::builder()
            .add_source(config::File::from_str(
                BUILT_IN_DEFAULTS,
                config::FileFormat::Toml,
            ))
            .build()?
            .try_deserialize()?;
        settings.database_url = database_url.to_string();
        Ok(settings)
    }
}

/// The national norms and the agreements, as the domain uses them.
#[derive(Debug, Clone)]
pub struct ReferenceData {
    pub norms: NormsTable,
    pub agreements: AgreementBook,
}

impl ReferenceData {
    /// Reads `norms.toml` and `agreements/*.toml` from the folder, or the built-in copies where
    /// the folder has none.
    pub fn load(dir: Option<&Path>) -> anyhow::Result<Self> {
        let norms_path = dir.map(|d| d.join("norms.toml"));
        let norms_text = match &norms_path {
            Some(path) if path.exists() => std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?,
            _ => BUILT_IN_NORMS.to_string(),
        };
        let norms = NormsTable::from_toml(&norms_text).context("reading the national norms")?;

        let agreements_dir = dir.map(|d| d.join("agreements"));
        let mut files: Vec<(String, String)> = Vec::new();
        match &agreements_dir {
            Some(path) if path.is_dir() => {
                let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
                    .with_context(|| format!("listing {}", path.display()))?
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                    .collect();
                entries.sort();
                for file in entries {
                    let text = std::fs::read_to_string(&file)
                        .with_context(|| format!("reading {}", file.display()))?;
                    files.push((file.display().to_string(), text));
                }
            }
            _ => {
                files = BUILT_IN_AGREEMENTS
                    .iter()
                    .map(|(name, text)| (name.to_string(), text.to_string()))
                    .collect();
            }
        }
        let agreements =
            AgreementBook::from_files(files.iter().map(|(n, t)| (n.clone(), t.as_str())))
                .context("reading the agreements")?;
        Ok(Self { norms, agreements })
    }

    /// The copies built into the binary.
    pub fn built_in() -> anyhow::Result<Self> {
        Self::load(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhooks_go_only_to_public_addresses_unless_a_setting_says_otherwise() {
        let settings = Settings::built_in("sqlite://test.db").unwrap();
        assert!(!settings.webhook_allow_private_addresses);
        let delivery = settings.delivery();
        assert!(!delivery.allow_private_addresses);
        assert_eq!(delivery.max_attempts, 15);
        assert_eq!(delivery.parallel, 8);
    }
}
