//! Writing a disclosure into the report's JSON.

use serde_json::Value;

use crate::domain::disclosure::Shown;
use crate::report::model::{CountRow, Report, ReportMetric, ReportScope};
use crate::service::small_numbers::{
    count_value, denominator_value, protect_half_year, protect_plan_lines,
};

use super::{Disclosure, MetricShown, ScopeShown};

/// A serialised metric rewritten as shown.
fn protect_metric(value: &mut Value, m: &ReportMetric, shown: &MetricShown) {
    value["count"] = count_value(m.count, shown.count);
    value["denominator"] = denominator_value(m.denominator, shown.denominator);
    if !shown.share() {
        value["share"] = Value::Null;
    }
}

fn protect_scopes(value: Option<&mut Value>, scopes: &[ReportScope], shown: &[ScopeShown]) {
    let Some(list) = value.and_then(Value::as_array_mut) else {
        return;
    };
    for ((v, s), shown) in list.iter_mut().zip(scopes).zip(shown) {
        v["lettings"] = count_value(s.lettings, shown.lettings);
        v["excluded"] = count_value(s.excluded, shown.excluded);
        v["non_social"] = count_value(s.non_social, shown.non_social);
        if let Some(metrics) = v.get_mut("metrics").and_then(Value::as_array_mut) {
            for ((mv, m), ms) in metrics.iter_mut().zip(&s.metrics).zip(&shown.metrics) {
                protect_metric(mv, m, ms);
            }
        }
    }
}

fn protect_rows(value: Option<&mut Value>, rows: &[CountRow], shown: &[Shown]) {
    let Some(list) = value.and_then(Value::as_array_mut) else {
        return;
    };
    for ((v, r), s) in list.iter_mut().zip(rows).zip(shown) {
        v["lettings"] = count_value(r.lettings, *s);
    }
}

/// Rewrites a serialised report as `d` shows it.
pub fn protect_json(value: &mut Value, report: &Report, d: &Disclosure) {
    protect_scopes(
        value.get_mut("quota_half_year"),
        &report.quota_half_year,
        &d.quota_half_year,
    );
    protect_scopes(
        value.get_mut("quota_year_to_date"),
        &report.quota_year_to_date,
        &d.quota_year_to_date,
    );
    // A figure of last year without a disclosure of its own is hidden, never left as it is.
    let previous: Vec<ScopeShown> = report
        .previous_half_year
        .iter()
        .enumerate()
        .map(|(i, s)| {
            d.previous_half_year.get(i).cloned().unwrap_or(ScopeShown {
                lettings: Shown::Hidden,
                excluded: Shown::Hidden,
                non_social: Shown::Hidden,
                metrics: vec![
                    MetricShown {
                        count: Shown::Hidden,
                        denominator: Shown::Hidden,
                    };
                    s.metrics.len()
                ],
            })
        })
        .collect();
    protect_scopes(
        value.get_mut("previous_half_year"),
        &report.previous_half_year,
        &previous,
    );
    if let Some(trend) = value.get_mut("trend").and_then(Value::as_array_mut) {
        for ((v, p), s) in trend.iter_mut().zip(&report.trend).zip(&d.trend) {
            protect_metric(&mut v["metric"], &p.metric, s);
        }
    }
    let b = &report.breakdowns;
    if let Some(v) = value.get_mut("breakdowns") {
        protect_rows(
            v.get_mut("rent_class"),
            &b.rent_class,
            &d.breakdowns.rent_class,
        );
        protect_rows(v.get_mut("route"), &b.route, &d.breakdowns.route);
        protect_rows(v.get_mut("urgency"), &b.urgency, &d.breakdowns.urgency);
        protect_rows(
            v.get_mut("household_size"),
            &b.household_size,
            &d.breakdowns.household_size,
        );
        protect_rows(v.get_mut("category"), &b.category, &d.breakdowns.category);
    }
    if let (Some(h), Some(v)) = (
        &report.status_holders,
        value.get_mut("status_holders").filter(|v| v.is_object()),
    ) {
        protect_half_year(v, h.housed_from_lettings, &d.status_holders);
    }
    if let (Some(plan), Some(lines)) = (
        &report.allocation_plan,
        value
            .get_mut("allocation_plan")
            .and_then(|p| p.get_mut("lines"))
            .and_then(Value::as_array_mut),
    ) {
        let realised: Vec<i64> = plan.lines.iter().map(|l| l.realised).collect();
        protect_plan_lines(lines, &realised, &d.plan);
    }
    if let Some(alerts) = value.get_mut("alerts").and_then(Value::as_array_mut) {
        for ((v, a), s) in alerts.iter_mut().zip(&report.alerts).zip(&d.alerts) {
            v["count"] = count_value(a.count, s.count);
            if !s.figures {
                v["denominator"] = Value::Null;
                v["share"] = Value::Null;
            }
        }
    }
    if let Some(rows) = value.get_mut("completeness").and_then(Value::as_array_mut) {
        for ((v, c), shown) in rows
            .iter_mut()
            .zip(&report.completeness)
            .zip(&d.completeness)
        {
            let Some(months) = v.get_mut("months").and_then(Value::as_object_mut) else {
                continue;
            };
            for ((key, n), s) in c.months.iter().zip(shown) {
                if let Some(m) = months.get_mut(key) {
                    *m = count_value(*n, *s);
                }
            }
        }
    }
}
