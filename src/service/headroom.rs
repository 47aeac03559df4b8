//! Headroom (ruimte tot de norm) of a municipality's year to date: for each scope and each
//! metric with a limit, how many more lettings of the kind that moves it fit before its state
//! changes, how many of the other kind bring it back, and the year-end figure at the pace so
//! far. Readers other than the municipality get a scope's headroom only where they may see
//! its count and denominator exactly: every headroom figure is a function of those two.

use diesel::QueryResult;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::config::ReferenceData;
use crate::db::DbConnection;
use crate::domain::agreement::Agreement;
use crate::domain::disclosure::Shown;
use crate::domain::headroom::{headroom, project_year_end, Recovery, Room, PROJECTION_METHOD};
use crate::domain::period::Period;
use crate::domain::quota::{rounded_share, MetricFigures, ScopeCounts};
use crate::domain::small_numbers::{denominator_of, Figure, ProtectedYear, Viewer};
use crate::service::quota::{
    fold, norms_provisional, shown_count, shown_denominator, AgreementRef,
};
use crate::service::small_numbers::{count_value, denominator_value, protect_groups, year_groups};

/// The headroom of one metric with a limit.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct HeadroomMetric {
    /// The metric's name, as in the quota answer.
    pub metric: String,
    /// The year-to-date count; `"<5"` or `"x"` for a reader who may not see it exactly.
    #[schema(schema_with = shown_count)]
    pub count: u64,
    /// The year-to-date denominator; `"<5"`, or null where it would give a hidden count away.
    #[schema(schema_with = shown_denominator)]
    pub denominator: u64,
    /// `count / denominator` rounded half-up to 4 decimals; null when the denominator is 0 or
    /// either is not shown exactly.
    #[schema(value_type = Option<f64>)]
    pub share: Option<Decimal>,
    #[schema(value_type = f64)]
    pub limit: Decimal,
    /// `max` (lettings *with* the property move it toward the limit) or `min` (lettings
    /// *without* it do).
    pub bound: String,
    /// The year-to-date state, as the quota answer for the year gives it (`ok`, `warning`,
    /// `breach` or `insufficient_data`).
    pub state: String,
    /// How many more lettings of the kind that moves the figure can be made and it stays on
    /// the safe side of the warning line (limit − margin for a max, limit + margin for a min);
    /// 0 when the next one crosses it or it is crossed already. Null when no number of them
    /// would cross it, or when withheld.
    pub warning_after: Option<u64>,
    /// The same for the limit itself: after this many the figure is still within the limit.
    pub breach_after: Option<u64>,
    /// Where the figure is past the warning line: the smallest number of lettings of the other
    /// kind (without the property for a max, with it for a min) that brings it back to ok.
    /// Null when it is ok, when no number would do, or when withheld.
    pub recovery_needed: Option<u64>,
    /// The year-end share at the pace so far (see `projection_method`); null without data or
    /// when withheld.
    #[schema(value_type = Option<f64>)]
    pub projected_share: Option<Decimal>,
    /// The year-end denominator at the pace so far, rounded half-up to whole lettings.
    pub projected_denominator: Option<u64>,
    /// True when the reader may not see this scope's count or denominator exactly, so every
    /// figure derived from them is null (domain reference, "Small numbers").
    pub withheld: bool,
}

/// The headroom of the municipality total or one corporation.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct HeadroomScope {
    /// `total` or `corporation`.
    pub scope: String,
    /// The corporation's id; null for the total.
    pub corporation: Option<String>,
    /// Only the metrics with a limit.
    pub metrics: Vec<HeadroomMetric>,
}

/// Headroom of a municipality's year to date.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct HeadroomBody {
    pub municipality: String,
    pub year: i32,
    pub agreement: AgreementRef,
    /// The agreement's warning margin.
    #[schema(value_type = f64)]
    pub warning_margin: Decimal,
    /// `linear_by_months_with_data`: each scope's year-to-date count and denominator carried on
    /// to twelve months at their average per month, January up to `months_with_data`.
    pub projection_method: String,
    /// January up to the latest month of the year with a counted letting in the municipality.
    pub months_with_data: u32,
    /// True when some lettings of the year are classified with provisional norms.
    pub norms_provisional: bool,
    /// `total` first, then one per corporation with lettings in the year, by id.
    pub scopes: Vec<HeadroomScope>,
}

fn room(r: Room) -> Option<u64> {
    match r {
        Room::Lettings(k) => Some(k),
        Room::Unlimited => None,
    }
}

fn recovery(r: Recovery) -> Option<u64> {
    match r {
        Recovery::Lettings(j) => Some(j),
        Recovery::NotNeeded | Recovery::Impossible => None,
    }
}

/// One metric's headroom, exact.
fn metric_headroom(
    figures: &MetricFigures,
    agreement: &Agreement,
    months_with_data: u32,
) -> Option<HeadroomMetric> {
    let limit = figures.limit?;
    let h = headroom(
        figures.count,
        figures.denominator,
        limit,
        figures.bound,
        agreement.warning_margin,
    );
    let projected = project_year_end(figures.count, figures.denominator, months_with_data);
    Some(HeadroomMetric {
        metric: figures.metric.name().to_string(),
        count: figures.count,
        denominator: figures.denominator,
        share: figures.share,
        limit: limit.normalize(),
        bound: figures.bound.as_str().to_string(),
        state: figures.state.as_str().to_string(),
        warning_after: room(h.warning_after),
        breach_after: room(h.breach_after),
        recovery_needed: recovery(h.recovery_needed),
        projected_share: projected.and_then(|_| rounded_share(figures.count, figures.denominator)),
        projected_denominator: projected.and_then(|(_, d)| {
            u64::try_from(d.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)).ok()
        }),
        withheld: false,
    })
}

fn scope_headroom(
    corporation: Option<String>,
    counts: &ScopeCounts,
    agreement: &Agreement,
    months_with_data: u32,
) -> HeadroomScope {
    HeadroomScope {
        scope: if corporation.is_some() {
            "corporation"
        } else {
            "total"
        }
        .to_string(),
        corporation,
        metrics: counts
            .evaluate(agreement)
            .iter()
            .filter_map(|f| metric_headroom(f, agreement, months_with_data))
            .collect(),
    }
}

/// The exact headroom of a municipality's year.
pub fn headroom_body(
    conn: &mut DbConnection,
    reference: &ReferenceData,
    municipality: &str,
    year: i32,
) -> QueryResult<(HeadroomBody, Vec<crate::db::quota::GroupCount>, Agreement)> {
    let agreement = reference.agreements.applicable(municipality, year);
    let groups = year_groups(conn, municipality, year)?;
    let months_with_data = groups
        .iter()
        .filter(|g| g.is_social && g.is_counted && g.lettings > 0)
        .filter_map(|g| u32::try_from(g.contract_month % 100).ok())
        .max()
        .unwrap_or(0)
        .min(12);
    let (total, per_corporation) = fold(&groups, &agreement);
    let mut scopes = vec![scope_headroom(None, &total, &agreement, months_with_data)];
    scopes.extend(
        per_corporation
            .iter()
            .map(|(id, c)| scope_headroom(Some(id.clone()), c, &agreement, months_with_data)),
    );
    let body = HeadroomBody {
        municipality: municipality.to_string(),
        year,
        agreement: AgreementRef::from(&agreement),
        warning_margin: agreement.warning_margin.normalize(),
        projection_method: PROJECTION_METHOD.to_string(),
        months_with_data,
        norms_provisional: norms_provisional(conn, municipality, Period::Year(year))?,
        scopes,
    };
    Ok((body, groups, agreement))
}

/// The headroom answer for a reader: exact for the municipality; for everyone else a scope's
/// metric keeps its state and limit, and shows its count and denominator as the quota answer
/// for the year does; where either is not exact, every figure derived from them is null.
pub fn headroom_for(
    conn: &mut DbConnection,
    reference: &ReferenceData,
    municipality: &str,
    year: i32,
    viewer: &Viewer,
) -> QueryResult<Value> {
    let (body, groups, agreement) = headroom_body(conn, reference, municipality, year)?;
    let mut value = serde_json::to_value(&body)
        .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
    if !viewer.is_exact() {
        let table = protect_groups(&groups, &agreement, viewer);
        protect_headroom(&mut value, &body, &table);
    }
    Ok(value)
}

/// Rewrites a serialised headroom answer as `table` shows its year's figures.
fn protect_headroom(value: &mut Value, body: &HeadroomBody, table: &ProtectedYear) {
    let period = Period::Year(body.year);
    let Some(scopes) = value.get_mut("scopes").and_then(Value::as_array_mut) else {
        return;
    };
    for (scope_value, scope) in scopes.iter_mut().zip(&body.scopes) {
        let corporation = scope.corporation.as_deref();
        let Some(metrics) = scope_value.get_mut("metrics").and_then(Value::as_array_mut) else {
            continue;
        };
        for (metric_value, metric) in metrics.iter_mut().zip(&scope.metrics) {
            let Some(name) = crate::domain::metric::Metric::ALL
                .into_iter()
                .find(|m| m.name() == metric.metric)
            else {
                continue;
            };
            let count_shown = table.shown(corporation, period, Figure::Count(name));
            let denominator_shown = table.shown(corporation, period, denominator_of(name));
            metric_value["count"] = count_value(metric.count, count_shown);
            metric_value["denominator"] = denominator_value(metric.denominator, denominator_shown);
            if count_shown != Shown::Exact || denominator_shown != Shown::Exact {
                for derived in [
                    "share",
                    "warning_after",
                    "breach_after",
                    "recovery_needed",
                    "projected_share",
                    "projected_denominator",
                ] {
                    metric_value[derived] = Value::Null;
                }
                metric_value["withheld"] = Value::Bool(true);
            }
        }
    }
}
