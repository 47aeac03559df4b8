//! Metrics for Prometheus, served at `/metrics`: requests by route pattern and status, their
//! latencies, lettings stored, alert changes, webhook deliveries by state, and the use of the
//! connection pool.
//!
//! No label ever holds a value from a request or a record: routes are patterns
//! (`/api/v1/lettings/{reference:.+}`, never a reference), and there is no label for a
//! municipality, corporation or token. So the metrics hold no personal data, and their number
//! of series is fixed by the code.
//!
//! The counters of lettings and alert changes are counted where batches are committed
//! ([`lettings_stored`], [`alert_changed`]); they are process-wide and appear in the registry of
//! every [`Metrics`]. Everything else belongs to one service instance.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry,
    TextEncoder,
};

use crate::domain::alerts::{AlertChangeKind, AlertLevel};

/// The content type of [`Metrics::render`]'s text.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Latency buckets in seconds: reads take milliseconds, a batch of 100000 records tens of
/// seconds.
const LATENCY_BUCKETS: [f64; 14] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0,
];

const INGEST_OUTCOMES: [&str; 4] = ["created", "updated", "unchanged", "withdrawn"];
const ALERT_CHANGES: [AlertChangeKind; 3] = [
    AlertChangeKind::Opened,
    AlertChangeKind::LevelChanged,
    AlertChangeKind::Resolved,
];
const ALERT_LEVELS: [AlertLevel; 2] = [AlertLevel::Warning, AlertLevel::Breach];

/// The process-wide counters of what was committed.
struct Committed {
    lettings: IntCounterVec,
    alert_changes: IntCounterVec,
}

static COMMITTED: LazyLock<Result<Committed, prometheus::Error>> = LazyLock::new(|| {
    let lettings = IntCounterVec::new(
        Opts::new(
            "quotamonitor_lettings_ingested_total",
            "Letting records in committed batches, by outcome (created, updated, unchanged), and withdrawals (withdrawn)",
        ),
        &["outcome"],
    )?;
    for outcome in INGEST_OUTCOMES {
        lettings.with_label_values(&[outcome]);
    }
    let alert_changes = IntCounterVec::new(
        Opts::new(
            "quotamonitor_alert_changes_total",
            "Committed alert changes, by change (opened, level_changed, resolved) and level",
        ),
        &["change", "level"],
    )?;
    for change in ALERT_CHANGES {
        for level in ALERT_LEVELS {
            alert_changes.with_label_values(&[change.as_str(), level.as_str()]);
        }
    }
    Ok(Committed {
        lettings,
        alert_changes,
    })
});

/// Counts the records of a committed batch by outcome (`created`, `updated`, `unchanged`,
/// `withdrawn`).
pub fn lettings_stored(outcome: &str, records: usize) {
    if let Ok(committed) = &*COMMITTED {
        if INGEST_OUTCOMES.contains(&outcome) {
            committed
                .lettings
                .with_label_values(&[outcome])
                .inc_by(u64::try_from(records).unwrap_or(u64::MAX));
        }
    }
}

/// Counts one committed alert change.
pub fn alert_changed(change: AlertChangeKind, level: AlertLevel) {
    if let Ok(committed) = &*COMMITTED {
        committed
            .alert_changes
            .with_label_values(&[change.as_str(), level.as_str()])
            .inc();
    }
}

/// The use of the database connection pool at one moment.
#[derive(Debug, Clone, Copy, Default)]
pub struct PoolUse {
    pub max: u32,
    pub open: u32,
    pub idle: u32,
    /// Requests (and the webhook worker) waiting in line for a connection.
    pub waiting: usize,
}

/// Webhook deliveries in the database at one moment.
#[derive(Debug, Clone, Default)]
pub struct DeliveryCounts {
    /// By state as stored (`pending`, `delivered`).
    pub by_state: BTreeMap<String, i64>,
    /// Pending deliveries that failed at least once.
    pub retrying: i64,
}

/// The metrics of one service instance.
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    pool_connections: IntGaugeVec,
    pool_max: IntGauge,
    pool_waiting: IntGauge,
    deliveries: IntGaugeVec,
    deliveries_retrying: IntGauge,
}

impl Metrics {
    pub fn new() -> Result<Self, prometheus::Error> {
        let registry = Registry::new();
        let committed = COMMITTED
            .as_ref()
            .map_err(|e| prometheus::Error::Msg(e.to_string()))?;
        registry.register(Box::new(committed.lettings.clone()))?;
        registry.register(Box::new(committed.alert_changes.clone()))?;
        let requests = IntCounterVec::new(
            Opts::new(
                "quotamonitor_http_requests_total",
                "HTTP requests answered, by method, route pattern and status",
            ),
            &["method", "route", "status"],
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "quotamonitor_http_request_duration_seconds",
                "Time to the response's head, by method and route pattern",
            )
            .buckets(LATENCY_BUCKETS.to_vec()),
            &["method", "route"],
        )?;
        let pool_connections = IntGaugeVec::new(
            Opts::new(
                "quotamonitor_db_pool_connections",
                "Open database connections of this instance, by state (idle, in_use)",
            ),
            &["state"],
        )?;
        let pool_max = IntGauge::new(
            "quotamonitor_db_pool_max_connections",
            "Most database connections this instance opens (pool_size)",
        )?;
        let pool_waiting = IntGauge::new(
            "quotamonitor_db_pool_waiting",
            "Requests waiting in line for a database connection",
        )?;
        let deliveries = IntGaugeVec::new(
            Opts::new(
                "quotamonitor_webhook_deliveries",
                "Webhook deliveries in the database, by state (pending, delivered)",
            ),
            &["state"],
        )?;
        let deliveries_retrying = IntGauge::new(
            "quotamonitor_webhook_deliveries_retrying",
            "Pending webhook deliveries that have failed at least once",
        )?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        registry.register(Box::new(pool_connections.clone()))?;
        registry.register(Box::new(pool_max.clone()))?;
        registry.register(Box::new(pool_waiting.clone()))?;
        registry.register(Box::new(deliveries.clone()))?;
        registry.register(Box::new(deliveries_retrying.clone()))?;
        Ok(Self {
            registry,
            requests,
            latency,
            pool_connections,
            pool_max,
            pool_waiting,
            deliveries,
            deliveries_retrying,
        })
    }

    /// Counts an answered request. `route` is the route's pattern, never the path.
    pub fn observe_request(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let method = match method {
            "GET" | "HEAD" | "POST" | "PUT" | "DELETE" | "PATCH" | "OPTIONS" => method,
            _ => "other",
        };
        self.requests
            .with_label_values(&[method, route, &status.to_string()])
            .inc();
        self.latency
            .with_label_values(&[method, route])
            .observe(seconds);
    }

    pub fn set_pool(&self, pool: PoolUse) {
        let in_use = pool.open.saturating_sub(pool.idle);
        self.pool_connections
            .with_label_values(&["idle"])
            .set(i64::from(pool.idle));
        self.pool_connections
            .with_label_values(&["in_use"])
            .set(i64::from(in_use));
        self.pool_max.set(i64::from(pool.max));
        self.pool_waiting
            .set(i64::try_from(pool.waiting).unwrap_or(i64::MAX));
    }

    pub fn set_deliveries(&self, counts: &DeliveryCounts) {
        for (state, n) in &counts.by_state {
            self.deliveries.with_label_values(&[state.as_str()]).set(*n);
        }
        self.deliveries_retrying.set(counts.retrying);
    }

    /// Everything in the Prometheus text format.
    pub fn render(&self) -> Result<String, prometheus::Error> {
        let mut out = Vec::new();
        TextEncoder::new().encode(&self.registry.gather(), &mut out)?;
        String::from_utf8(out).map_err(|e| prometheus::Error::Msg(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_holds_route_patterns_and_committed_counts() {
        let metrics = Metrics::new().unwrap();
        let second = Metrics::new().unwrap();
        metrics.observe_request("GET", "/api/v1/municipalities/{code}/quota", 200, 0.003);
        metrics.observe_request("BREW", "unmatched", 404, 0.001);
        metrics.set_pool(PoolUse {
            max: 8,
            open: 3,
            idle: 1,
            waiting: 0,
        });
        lettings_stored("created", 2);
        alert_changed(AlertChangeKind::Opened, AlertLevel::Breach);
        let text = metrics.render().unwrap();
        assert!(text.contains(
            r#"quotamonitor_http_requests_total{method="GET",route="/api/v1/municipalities/{code}/quota",status="200"} 1"#
        ));
        assert!(text.contains(r#"method="other",route="unmatched",status="404""#));
        assert!(text.contains(r#"quotamonitor_db_pool_connections{state="in_use"} 2"#));
        assert!(text.contains(r#"quotamonitor_lettings_ingested_total{outcome="created"}"#));
        assert!(text.contains(r#"quotamonitor_lettings_ingested_total{outcome="withdrawn"}"#));
        assert!(text
            .contains(r#"quotamonitor_alert_changes_total{change="resolved",level="warning"} "#));
        // The committed counts are in every instance's text; the requests only in their own.
        let other = second.render().unwrap();
        assert!(other.contains("quotamonitor_lettings_ingested_total"));
        assert!(!other.contains("quota\""));
    }
}
