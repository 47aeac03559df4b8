//! Restatements: the figures of the quota sections that changed between the published report
//! and the report as the database gives it now.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::cells::{Disclosure, MetricShown, ScopeShown};
use super::model::{Report, ReportMetric, ReportScope};
use crate::domain::disclosure::Shown;
use crate::service::small_numbers;

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

fn count_value(n: u64, shown: Shown) -> Value {
    small_numbers::count_value(n, shown)
}

fn share_value(metric: &ReportMetric, shown: MetricShown) -> Value {
    metric
        .share
        .filter(|_| shown.share())
        .and_then(|s| serde_json::to_value(s).ok())
        .unwrap_or(Value::Null)
}

/// How a scope of a section is shown: exactly without a disclosure, and for a scope the
/// report does not hold (all zero).
fn scope_shown<'d>(
    scopes: &[ReportScope],
    shown: Option<&'d [ScopeShown]>,
    corporation: &Option<String>,
) -> Option<&'d ScopeShown> {
    let shown = shown?;
    let at = scopes.iter().position(|s| &s.corporation == corporation)?;
    shown.get(at)
}

fn metric_shown(scope: Option<&ScopeShown>, metrics: &[ReportMetric], name: &str) -> MetricShown {
    let Some(scope) = scope else {
        return MetricShown::EXACT;
    };
    metrics
        .iter()
        .position(|m| m.metric == name)
        .and_then(|i| scope.metrics.get(i))
        .copied()
        .unwrap_or(MetricShown {
            count: Shown::Hidden,
            denominator: Shown::Hidden,
        })
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
        judged_per: String::new(),
    }
}

/// Every figure of the quota sections that differs between the published and the live report,
/// each shown as its own report shows it (`shown`: the published and the live report's
/// disclosure; `None` for the municipality).
pub fn restatements(
    published: &Report,
    live: &Report,
    shown: Option<(&Disclosure, &Disclosure)>,
) -> Vec<Restatement> {
    let mut out = Vec::new();
    for (section, old_scopes, new_scopes, old_shown, new_shown) in [
        (
            "half_year",
            &published.quota_half_year,
            &live.quota_half_year,
            shown.map(|(old, _)| old.quota_half_year.as_slice()),
            shown.map(|(_, new)| new.quota_half_year.as_slice()),
        ),
        (
            "year_to_date",
            &published.quota_year_to_date,
            &live.quota_year_to_date,
            shown.map(|(old, _)| old.quota_year_to_date.as_slice()),
            shown.map(|(_, new)| new.quota_year_to_date.as_slice()),
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
            let old_scope = scope_shown(old_scopes, old_shown, &corporation);
            let new_scope = scope_shown(new_scopes, new_shown, &corporation);
            let field_shown = |scope: Option<&ScopeShown>, f: fn(&ScopeShown) -> Shown| {
                scope.map_or(Shown::Exact, f)
            };
            for (field, a, b, f) in [
                (
                    "lettings",
                    old.lettings,
                    new.lettings,
                    (|s: &ScopeShown| s.lettings) as fn(&ScopeShown) -> Shown,
                ),
                ("excluded", old.excluded, new.excluded, |s| s.excluded),
                ("non_social", old.non_social, new.non_social, |s| {
                    s.non_social
                }),
            ] {
                if a != b {
                    out.push(Restatement {
                        section: section.into(),
                        corporation: corporation.clone(),
                        metric: None,
                        field: field.into(),
                        old: count_value(a, field_shown(old_scope, f)),
                        new: count_value(b, field_shown(new_scope, f)),
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
                let a_shown = metric_shown(old_scope, &old.metrics, &name);
                let b_shown = metric_shown(new_scope, &new.metrics, &name);
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
                    count_value(a.count, a_shown.count),
                    count_value(b.count, b_shown.count),
                );
                push(
                    "denominator",
                    small_numbers::denominator_value(a.denominator, a_shown.denominator),
                    small_numbers::denominator_value(b.denominator, b_shown.denominator),
                );
                push("share", share_value(&a, a_shown), share_value(&b, b_shown));
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
