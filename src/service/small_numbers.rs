//! The small-numbers rule on the answers that carry counts: each answer is read from the
//! protected table of its municipality-year (`domain::small_numbers`), so readers other than
//! the municipality never see a count of 1 to 4 households, nor one they could work out.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use diesel::QueryResult;
use serde_json::{json, Value};

use crate::config::ReferenceData;
use crate::db::quota::count_groups;
use crate::db::DbConnection;
use crate::domain::disclosure::Shown;
use crate::domain::metric::Metric;
use crate::domain::period::Period;
use crate::domain::quota::ScopeCounts;
use crate::domain::small_numbers::{denominator_of, Figure, ProtectedYear, Viewer};
use crate::service::quota::{group_of, quota_status, QuotaBody};

/// The protected table of a municipality's quota figures for one calendar year.
pub fn protected_year(
    conn: &mut DbConnection,
    reference: &ReferenceData,
    municipality: &str,
    year: i32,
    viewer: &Viewer,
) -> QueryResult<ProtectedYear> {
    let agreement = reference.agreements.applicable(municipality, year);
    let (Some(first), Some(last)) = (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) else {
        return Ok(ProtectedYear::new(&BTreeMap::new(), viewer));
    };
    let mut months: BTreeMap<String, [ScopeCounts; 12]> = BTreeMap::new();
    for g in count_groups(conn, municipality, first, last)? {
        let month = usize::try_from(g.contract_month % 100)
            .unwrap_or(1)
            .clamp(1, 12)
            - 1;
        let n = u64::try_from(g.lettings).unwrap_or(0);
        months.entry(g.corporation.clone()).or_default()[month].add(&group_of(&g), n, &agreement);
    }
    Ok(ProtectedYear::new(&months, viewer))
}

/// A count as a reader sees it: the number, `"<5"` or `"x"`.
pub fn count_value(count: u64, shown: Shown) -> Value {
    match shown {
        Shown::Exact => json!(count),
        Shown::Small => json!("<5"),
        Shown::Hidden => json!("x"),
    }
}

/// A denominator as a reader sees it: the number, `"<5"`, or null where it would give a
/// hidden count away.
fn denominator_value(denominator: u64, shown: Shown) -> Value {
    match shown {
        Shown::Exact => json!(denominator),
        Shown::Small => json!("<5"),
        Shown::Hidden => Value::Null,
    }
}

/// The quota answer for a reader: exact for the municipality, protected for everyone else.
pub fn quota_for(
    conn: &mut DbConnection,
    reference: &ReferenceData,
    municipality: &str,
    period: Period,
    viewer: &Viewer,
) -> QueryResult<Value> {
    let body = quota_status(conn, reference, municipality, period)?;
    let mut value = serde_json::to_value(&body)
        .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
    if !viewer.is_exact() {
        let table = protected_year(conn, reference, municipality, period.year(), viewer)?;
        protect_quota(&mut value, &body, &table, period);
    }
    Ok(value)
}

/// Rewrites the counts of a serialised quota answer as `table` shows them.
pub fn protect_quota(value: &mut Value, body: &QuotaBody, table: &ProtectedYear, period: Period) {
    let Some(scopes) = value.get_mut("scopes").and_then(Value::as_array_mut) else {
        return;
    };
    for (scope_value, scope) in scopes.iter_mut().zip(&body.scopes) {
        let corporation = scope.corporation.as_deref();
        let shown = |figure: Figure| table.shown(corporation, period, figure);
        scope_value["lettings"] = count_value(scope.lettings, shown(Figure::Lettings));
        scope_value["excluded"] = count_value(scope.excluded, shown(Figure::Excluded));
        scope_value["non_social"] = count_value(scope.non_social, shown(Figure::NonSocial));
        let Some(metrics) = scope_value.get_mut("metrics").and_then(Value::as_array_mut) else {
            continue;
        };
        for (metric_value, metric) in metrics.iter_mut().zip(&scope.metrics) {
            let Some(name) = Metric::ALL.into_iter().find(|m| m.name() == metric.metric) else {
                continue;
            };
            let count_shown = shown(Figure::Count(name));
            let denominator_shown = shown(denominator_of(name));
            metric_value["count"] = count_value(metric.count, count_shown);
            metric_value["denominator"] = denominator_value(metric.denominator, denominator_shown);
            if count_shown != Shown::Exact || denominator_shown != Shown::Exact {
                metric_value["share"] = Value::Null;
            }
        }
    }
}
