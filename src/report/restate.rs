//! Restatements: the figures of the quota sections that changed between the published report
//! and the report as the database gives it now.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::cells::{shown, shown_share};
use super::model::{Report, ReportMetric, ReportScope};

/// One figure that changed since publication.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Restatement {
    /// `half_year` or `year_to_date`.
    pub section: String,
    /// None for the municipality total.
    pub corporation: Option<String>,
    /// The metric, or null for the scope's letting counts.
    pub metric: Option<String>,
    /// `count`, `denominator`, `share`, `state`, `lettings`, `excluded` or `non_social`.
    pub field: String,
    pub old: Value,
    pub new: Value,
}

fn count_value(n: u64, suppress: bool) -> Value {
    match shown(n, suppress) {
        Some(n) => Value::from(n),
        None => Value::from("<5"),
    }
}

fn share_value(metric: &ReportMetric, suppress: bool) -> Value {
    shown_share(metric, suppress)
        .and_then(|s| serde_json::to_value(s).ok())
        .unwrap_or(Value::Null)
}

/// A scope that one side lacks: all zero, no metrics.
fn empty_scope(corporation: &Option<String>) -> ReportScope {
    ReportScope {
        scope: String::new(),
        corporation: corporation.clone(),
        lettings: 0,
        excluded: 0,
        non_social: 0,
        metrics: Vec::new(),
    }
}

/// A metric that one side lacks: zero counts, no share, no state.
fn blank_metric(name: &str) -> ReportMetric {
    ReportMetric {
        metric: name.to_string(),
        count: 0,
        denominator: 0,
        share: None,
        limit: None,
        bound: String::new(),
        state: String::new(),
    }
}

/// Every figure of the quota sections that differs between the published and the live report.
pub fn restatements(published: &Report, live: &Report, suppress: bool) -> Vec<Restatement> {
    let mut out = Vec::new();
    for (section, old_scopes, new_scopes) in [
        (
            "half_year",
            &published.quota_half_year,
            &live.quota_half_year,
        ),
        (
            "year_to_date",
            &published.quota_year_to_date,
            &live.quota_year_to_date,
        ),
    ] {
        let mut corporations: Vec<Option<String>> = old_scopes
            .iter()
            .chain(new_scopes.iter())
            .map(|s| s.corporation.clone())
            .collect();
        corporations.dedup();
        let mut seen = BTreeSet::new();
        for corporation in corporations {
            if !seen.insert(corporation.clone()) {
                continue;
            }
            let find = |scopes: &[ReportScope]| {
                scopes
                    .iter()
                    .find(|s| s.corporation == corporation)
                    .cloned()
                    .unwrap_or_else(|| empty_scope(&corporation))
            };
            let old = find(old_scopes);
            let new = find(new_scopes);
            for (field, a, b) in [
                ("lettings", old.lettings, new.lettings),
                ("excluded", old.excluded, new.excluded),
                ("non_social", old.non_social, new.non_social),
            ] {
                if a != b {
                    out.push(Restatement {
                        section: section.into(),
                        corporation: corporation.clone(),
                        metric: None,
                        field: field.into(),
                        old: count_value(a, suppress),
                        new: count_value(b, suppress),
                    });
                }
            }
            let metric_names: Vec<String> = old
                .metrics
                .iter()
                .chain(new.metrics.iter())
                .map(|m| m.metric.clone())
                .collect();
            let mut done = BTreeSet::new();
            for name in metric_names {
                if !done.insert(name.clone()) {
                    continue;
                }
                let find = |metrics: &[ReportMetric]| {
                    metrics
                        .iter()
                        .find(|m| m.metric == name)
                        .cloned()
                        .unwrap_or_else(|| blank_metric(&name))
                };
                let a = find(&old.metrics);
                let b = find(&new.metrics);
                let mut push = |field: &str, old: Value, new: Value| {
                    if old != new {
                        out.push(Restatement {
                            section: section.into(),
                            corporation: corporation.clone(),
                            metric: Some(name.clone()),
                            field: field.into(),
                            old,
                            new,
                        });
                    }
                };
                push(
                    "count",
                    count_value(a.count, suppress),
                    count_value(b.count, suppress),
                );
                push(
                    "denominator",
                    count_value(a.denominator, suppress),
                    count_value(b.denominator, suppress),
                );
                push(
                    "share",
                    share_value(&a, suppress),
                    share_value(&b, suppress),
                );
                push(
                    "state",
                    Value::from(a.state.clone()),
                    Value::from(b.state.clone()),
                );
            }
        }
    }
    out
}
