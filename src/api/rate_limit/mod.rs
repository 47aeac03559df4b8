//! Rate limits: per token, per client address, and a budget of failed authentications per
//! client address. The counting is `governor`'s (GCRA over a keyed store); this module only
//! decides which keys a request is counted under and answers `429` when one is over.
//!
//! - Every request counts against its client address.
//! - A request with a bearer token counts against that token, keyed by the token's SHA-256
//!   (the token itself is never kept), except on `/health` and `/metrics`.
//! - Every `401` answer uses up one of the address's failed authentications. Once they are used
//!   up, the address's requests with a bearer token are refused *before* the token is looked up
//!   in the database, until the budget refills; requests without a token still pass.
//!
//! The client address is the connection's peer address. Only when the peer is one of the
//! settings' `trusted_proxy` addresses is `X-Forwarded-For` read, from the right, as far as it
//! is written by trusted proxies. An IPv6 address is counted by its /64, which one client
//! usually holds whole.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderMap, AUTHORIZATION, RETRY_AFTER};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{web, HttpResponse};
use anyhow::Context;
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use sha2::{Digest, Sha256};

use super::error::ErrorBody;
use crate::config::Settings;

/// Paths that are not limited per token (and not refused for failed authentications): checks
/// by load balancers and monitoring. They still count against the client address.
const UNLIMITED_PER_TOKEN: [&str; 2] = ["/health", "/metrics"];

/// How often the keyed stores are swept of keys whose budget is full again (and so no
/// different from a key never seen), to keep memory bounded.
const SWEEP_EVERY: Duration = Duration::from_secs(30);

type FailureLimiter =
    RateLimiter<IpAddr, DefaultKeyedStateStore<IpAddr>, DefaultClock, StateInformationMiddleware>;

/// The limiters of one service instance, shared by all its workers.
pub struct RateLimits {
    per_token: Option<DefaultKeyedRateLimiter<[u8; 32]>>,
    per_address: Option<DefaultKeyedRateLimiter<IpAddr>>,
    failed_auth: Option<FailureLimiter>,
    /// Addresses whose failed authentications are used up, and until when. Only addresses
    /// that are refused right now are in here: an entry goes at the first sweep after it ends.
    refused_until: Mutex<HashMap<IpAddr, Instant>>,
    trusted_proxy: Vec<IpAddr>,
    last_sweep: Mutex<Instant>,
}

/// Why a request is refused, and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Address(Duration),
    FailedAuth(Duration),
    Token(Duration),
}

impl Refusal {
    /// `Retry-After` in whole seconds, rounded up, at least 1.
    pub fn retry_after_seconds(&self) -> u64 {
        let wait = match self {
            Refusal::Address(wait) | Refusal::FailedAuth(wait) | Refusal::Token(wait) => *wait,
        };
        let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        seconds.max(1)
    }

    /// `429` with `Retry-After` and the JSON error of every other answer.
    pub fn response(&self) -> HttpResponse {
        let seconds = self.retry_after_seconds();
        let what = match self {
            Refusal::Address(_) => "too many requests from this address",
            Refusal::FailedAuth(_) => {
                "too many requests with an unknown or revoked token from this address"
            }
            Refusal::Token(_) => "too many requests with this token",
        };
        HttpResponse::TooManyRequests()
            .insert_header((RETRY_AFTER, seconds.to_string()))
            .insert_header(("X-Content-Type-Options", "nosniff"))
            .json(ErrorBody::plain(
                "rate_limited",
                format!("{what}; try again in {seconds} s"),
            ))
    }
}

/// A limit from the settings: `None` when its rate is 0 (off).
fn quota(name: &str, per_minute: u32, burst: u32) -> anyhow::Result<Option<Quota>> {
    if per_minute == 0 {
        return Ok(None);
    }
    let burst = NonZeroU32::new(burst)
        .with_context(|| format!("rate_limit_{name}_burst must be at least 1"))?;
    let quota = Quota::with_period(Duration::from_secs(60) / per_minute)
        .with_context(|| format!("rate_limit_{name}_per_minute is too high"))?;
    Ok(Some(quota.allow_burst(burst)))
}

impl RateLimits {
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Self> {
        let token = quota(
            "token",
            settings.rate_limit_token_per_minute,
            settings.rate_limit_token_burst,
        )?;
        let address = quota(
            "address",
            settings.rate_limit_address_per_minute,
            settings.rate_limit_address_burst,
        )?;
        let failed_auth = quota(
            "failed_auth",
            settings.rate_limit_failed_auth_per_minute,
            settings.rate_limit_failed_auth_burst,
        )?;
        let trusted_proxy = settings
            .trusted_proxy
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<IpAddr>()
                    .map(|ip| ip.to_canonical())
                    .with_context(|| format!("trusted_proxy: {s:?} is not an IP address"))
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        Ok(Self {
            per_token: token.map(RateLimiter::keyed),
            per_address: address.map(RateLimiter::keyed),
            failed_auth: failed_auth
                .map(|q| RateLimiter::keyed(q).with_middleware::<StateInformationMiddleware>()),
            refused_until: Mutex::new(HashMap::new()),
            trusted_proxy,
            last_sweep: Mutex::new(Instant::now()),
        })
    }

    /// The client a request counts against: the peer, or, when the peer is a trusted proxy,
    /// the nearest address in `X-Forwarded-For` that a trusted proxy did not write itself.
    pub fn client_address(&self, peer: Option<IpAddr>, headers: &HeaderMap) -> IpAddr {
        let mut client = peer.map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |ip| ip.to_canonical());
        if !self.trusted_proxy.contains(&client) {
            return client;
        }
        // Proxies append, so the right end is the nearest hop; several header lines are one
        // list in their order.
        let values: Vec<_> = headers.get_all("x-forwarded-for").collect();
        for value in values.into_iter().rev() {
            let Ok(text) = value.to_str() else {
                return client;
            };
            for hop in text.rsplit(',') {
                if !self.trusted_proxy.contains(&client) {
                    return client;
                }
                match hop.trim().parse::<IpAddr>() {
                    Ok(ip) => client = ip.to_canonical(),
                    Err(_) => return client,
                }
            }
        }
        client
    }

    /// Counts a request and says whether it is refused. `token` is the bearer token, if the
    /// request has one; `path` decides whether it counts per token.
    pub fn admit(&self, address: IpAddr, path: &str, token: Option<&str>) -> Option<Refusal> {
        self.sweep_now_and_then();
        let key = address_key(address);
        if let Some(limiter) = &self.per_address {
            if let Err(not_until) = limiter.check_key(&key) {
                let wait = not_until.wait_time_from(limiter.clock().now());
                return Some(Refusal::Address(wait));
            }
        }
        let token = token.filter(|_| !UNLIMITED_PER_TOKEN.contains(&path))?;
        if let Some(wait) = self.refused_for(key) {
            return Some(Refusal::FailedAuth(wait));
        }
        if let Some(limiter) = &self.per_token {
            let hash: [u8; 32] = Sha256::digest(token.as_bytes()).into();
            if let Err(not_until) = limiter.check_key(&hash) {
                let wait = not_until.wait_time_from(limiter.clock().now());
                return Some(Refusal::Token(wait));
            }
        }
        None
    }

    /// Uses up one failed authentication of the address (after a `401`). When that was the
    /// last, the address's requests with a token are refused until one has refilled.
    pub fn record_failure(&self, address: IpAddr) {
        let Some(limiter) = &self.failed_auth else {
            return;
        };
        let key = address_key(address);
        let refuse_for = match limiter.check_key(&key) {
            Ok(state) if state.remaining_burst_capacity() == 0 => {
                Some(state.quota().replenish_interval())
            }
            Ok(_) => None,
            // Requests already past the check when the budget ran out.
            Err(not_until) => Some(not_until.wait_time_from(limiter.clock().now())),
        };
        if let Some(wait) = refuse_for {
            tracing::warn!(client.address = %key, "failed authentications used up: refusing tokens");
            let until = Instant::now() + wait;
            let mut refused = lock(&self.refused_until);
            let entry = refused.entry(key).or_insert(until);
            *entry = (*entry).max(until);
        }
    }

    /// Whether the address has used up its failed authentications (the portal's login form
    /// asks before it checks a password; a wrong one answers `401`, which this counts).
    pub fn failed_auth_refusal(&self, address: IpAddr) -> Option<Refusal> {
        self.refused_for(address_key(address))
            .map(Refusal::FailedAuth)
    }

    /// How much longer the address is refused for failed authentications, if it is.
    fn refused_for(&self, key: IpAddr) -> Option<Duration> {
        let refused = lock(&self.refused_until);
        let until = refused.get(&key)?;
        until
            .checked_duration_since(Instant::now())
            .filter(|left| !left.is_zero())
    }

    /// Drops the keys whose budget is full again, at most once per [`SWEEP_EVERY`].
    fn sweep_now_and_then(&self) {
        {
            let Ok(mut last) = self.last_sweep.try_lock() else {
                return; // another request is sweeping
            };
            if last.elapsed() < SWEEP_EVERY {
                return;
            }
            *last = Instant::now();
        }
        if let Some(limiter) = &self.per_token {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
        if let Some(limiter) = &self.per_address {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
        if let Some(limiter) = &self.failed_auth {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
        let now = Instant::now();
        let mut refused = lock(&self.refused_until);
        refused.retain(|_, until| *until > now);
        refused.shrink_to_fit();
    }

    /// Keys held now, per store.
    #[cfg(test)]
    fn keys_held(&self) -> [usize; 4] {
        [
            self.per_token.as_ref().map_or(0, |l| l.len()),
            self.per_address.as_ref().map_or(0, |l| l.len()),
            self.failed_auth.as_ref().map_or(0, |l| l.len()),
            lock(&self.refused_until).len(),
        ]
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The key of a client address: IPv4 as it is, IPv6 by its /64.
fn address_key(address: IpAddr) -> IpAddr {
    match address.to_canonical() {
        IpAddr::V6(v6) => {
            let [a, b, c, d, ..] = v6.segments();
            IpAddr::V6(Ipv6Addr::new(a, b, c, d, 0, 0, 0, 0))
        }
        v4 => v4,
    }
}

/// The bearer token of a request, if it has one (however malformed the rest of it is, the
/// extractor in `auth` answers that).
fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Middleware: refuses a request over a limit with `429`, and records a `401` answer as a
/// failed authentication of the client address.
pub async fn limit(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let Some(limits) = req.app_data::<web::Data<RateLimits>>().cloned() else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body);
    };
    let address = limits.client_address(req.peer_addr().map(|a| a.ip()), req.headers());
    if let Some(refusal) = limits.admit(address, req.path(), bearer_token(req.headers())) {
        return Ok(req.into_response(refusal.response()).map_into_right_body());
    }
    match next.call(req).await {
        Ok(response) => {
            if response.status() == StatusCode::UNAUTHORIZED {
                limits.record_failure(address);
            }
            Ok(response.map_into_left_body())
        }
        Err(error) => {
            if error.as_response_error().status_code() == StatusCode::UNAUTHORIZED {
                limits.record_failure(address);
            }
            Err(error)
        }
    }
}

#[cfg(test)]
mod tests;
