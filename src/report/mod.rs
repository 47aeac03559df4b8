//! The half-year report (halfjaarrapportage) for the administrative meeting: everything the
//! domain reference lists, as one model that every format (JSON, CSV, XLSX, HTML) renders.
//!
//! The model holds the full figures. Readers other than the municipality itself get the
//! small-cell rule applied when it is rendered: a count of 1 to 4 households is shown as `<5`,
//! and a share whose count or denominator is such a cell is withheld, so no household can be
//! singled out.

pub mod csv;
pub mod html;
pub mod labels;
pub mod tables;
pub mod xlsx;

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Utc};
use diesel::QueryResult;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::config::ReferenceData;
use crate::db::organisations::organisations_of_municipality;
use crate::db::quota::count_groups;
use crate::db::report::{alert_events_between, breakdown_groups};
use crate::db::DbConnection;
use crate::domain::allocation_plan::category_of;
use crate::domain::period::{month_key, Period};
use crate::domain::quota::{rounded_share, ScopeCounts};
use crate::service::plans::{
    allocation_plan, months_of_year_completed, status_holder_overview, AllocationPlanBody,
    HalfYearBody,
};
use crate::service::quota::{fold, scope_bodies, AgreementRef, MetricBody, ScopeBody};

/// Counts below this many households are shown as `<5` outside the municipality.
pub const SMALL_CELL_LIMIT: u64 = 5;

/// Whether a count is a small cell (1 to 4 households). Zero singles nobody out.
pub fn is_small(count: u64) -> bool {
    (1..SMALL_CELL_LIMIT).contains(&count)
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct TrendPoint {
    /// `2026-03`.
    pub month: String,
    /// None for the municipality total.
    pub corporation: Option<String>,
    pub metric: MetricBody,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct CountRow {
    pub key: String,
    pub lettings: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct Breakdowns {
    /// Rent classes from cheapest to dearest, `non_social` last.
    pub rent_class: Vec<CountRow>,
    pub route: Vec<CountRow>,
    /// `none` for lettings without urgency.
    pub urgency: Vec<CountRow>,
    pub household_size: Vec<CountRow>,
    /// Allocation-plan categories of counted lettings.
    pub category: Vec<CountRow>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct AlertChangeRow {
    pub alert_id: i64,
    pub metric: String,
    pub corporation: Option<String>,
    pub year: i32,
    pub change: String,
    pub level: String,
    pub metric_state: String,
    pub count: u64,
    pub denominator: u64,
    #[schema(value_type = Option<f64>)]
    pub share: Option<Decimal>,
    #[schema(value_type = Option<f64>)]
    pub limit: Option<Decimal>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct CompletenessRow {
    pub corporation: String,
    /// Lettings per month of the half year (`2026-01` → n), 0 where nothing was posted.
    pub months: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct NormsUsed {
    pub year: i32,
    pub source: String,
    #[schema(value_type = f64)]
    pub quality_discount_limit: Decimal,
    #[schema(value_type = f64)]
    pub rent_cap_low: Decimal,
    #[schema(value_type = f64)]
    pub rent_cap_high: Decimal,
    #[schema(value_type = f64)]
    pub social_rent_limit: Decimal,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct Footer {
    pub norms: Vec<NormsUsed>,
    pub agreement: AgreementRef,
    pub agreement_source: String,
    /// When the figures were read from the database.
    pub read_at: DateTime<Utc>,
}

/// The half-year report.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct Report {
    pub municipality: String,
    pub municipality_name: Option<String>,
    /// `2026-H1` or `2026-H2`.
    pub half_year: String,
    #[schema(value_type = String, format = Date)]
    pub from: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub to: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub year_to_date_from: NaiveDate,
    pub agreement: AgreementRef,
    /// 1. The four metrics per scope for the half year …
    pub quota_half_year: Vec<ScopeBody>,
    /// … and for the year to date (for H2: the whole year).
    pub quota_year_to_date: Vec<ScopeBody>,
    /// 2. Each share month by month, for the total and each corporation.
    pub trend: Vec<TrendPoint>,
    /// 3. Lettings by rent class, route, urgency category and household size.
    pub breakdowns: Breakdowns,
    /// 4. The status-holder task for the half year.
    pub status_holders: Option<HalfYearBody>,
    /// 5. The allocation plan against realisation, pro rata to the end of the half year.
    pub allocation_plan: Option<AllocationPlanBody>,
    /// 6. Alerts opened, changed or resolved during the half year.
    pub alerts: Vec<AlertChangeRow>,
    /// 7. Which corporations posted which months.
    pub completeness: Vec<CompletenessRow>,
    /// 8. Norms and agreement used, and when the data was read.
    pub footer: Footer,
}

/// Parses `2026-H1` / `2026-H2`.
pub fn parse_half(text: &str) -> Option<Period> {
    match text.parse::<Period>() {
        Ok(p @ Period::Half(..)) => Some(p),
        _ => None,
    }
}

/// Builds the report of a municipality for a half year from the database as it is now.
pub fn build(
    conn: &mut DbConnection,
    reference: &ReferenceData,
    municipality: &str,
    half: Period,
    now: NaiveDateTime,
) -> QueryResult<Report> {
    let year = half.year();
    let ytd = Period::Year(year);
    let agreement = reference.agreements.applicable(municipality, year);
    let half_groups = count_groups(conn, municipality, half.first_day(), half.last_day())?;
    let ytd_groups = crate::db::quota::count_period_groups(
        conn,
        municipality,
        ytd.first_day(),
        half.last_day(),
    )?;
    let corporations_with_lettings: Vec<String> = half_groups
        .iter()
        .map(|g| g.corporation.clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();

    // Trend: the same groups, one month at a time.
    let mut trend = Vec::new();
    for month in half.month_periods() {
        let key = month_key(month.first_day());
        let in_month: Vec<_> = half_groups
            .iter()
            .filter(|g| g.contract_month == key)
            .cloned()
            .collect();
        let (total, per_corporation) = fold(&in_month, &agreement);
        let mut month_scopes: Vec<(Option<String>, ScopeCounts)> = vec![(None, total)];
        for corporation in &corporations_with_lettings {
            month_scopes.push((
                Some(corporation.clone()),
                per_corporation
                    .get(corporation)
                    .copied()
                    .unwrap_or_default(),
            ));
        }
        for (corporation, counts) in month_scopes {
            for figures in counts.evaluate(&agreement) {
                trend.push(TrendPoint {
                    month: month.to_string(),
                    corporation: corporation.clone(),
                    metric: MetricBody::from(&figures),
                });
            }
        }
    }

    // Breakdowns.
    let mut rent_class: BTreeMap<String, u64> = BTreeMap::new();
    let mut route: BTreeMap<String, u64> = BTreeMap::new();
    let mut urgency: BTreeMap<String, u64> = BTreeMap::new();
    let mut household_size: BTreeMap<u32, u64> = BTreeMap::new();
    let mut category: BTreeMap<String, u64> = BTreeMap::new();
    for (class, r, u, size, n) in
        breakdown_groups(conn, municipality, half.first_day(), half.last_day())?
    {
        let n = u64::try_from(n).unwrap_or(0);
        *rent_class.entry(class.clone()).or_default() += n;
        *route.entry(r.clone()).or_default() += n;
        *urgency
            .entry(u.clone().unwrap_or_else(|| "none".into()))
            .or_default() += n;
        *household_size
            .entry(u32::try_from(size).unwrap_or(0))
            .or_default() += n;
        if class != "non_social" {
            *category.entry(category_of(&r, u.as_deref())).or_default() += n;
        }
    }
    let ordered = |map: BTreeMap<String, u64>, order: &[&str]| -> Vec<CountRow> {
        let mut rows: Vec<CountRow> = order
            .iter()
            .map(|k| CountRow {
                key: k.to_string(),
                lettings: map.get(*k).copied().unwrap_or(0),
            })
            .collect();
        rows.extend(
            map.iter()
                .filter(|(k, _)| !order.contains(&k.as_str()))
                .map(|(k, v)| CountRow {
                    key: k.clone(),
                    lettings: *v,
                }),
        );
        rows
    };
    let rent_classes: Vec<&str> = crate::domain::letting::RentClass::ALL
        .iter()
        .map(|c| c.as_str())
        .collect();
    let routes: Vec<&str> = crate::domain::letting::Route::ALL
        .iter()
        .map(|r| r.as_str())
        .collect();
    let mut urgencies: Vec<&str> = vec!["none"];
    urgencies.extend(agreement.urgency_categories.iter().map(String::as_str));
    let categories = crate::domain::allocation_plan::categories(&agreement);
    let category_order: Vec<&str> = categories.iter().map(String::as_str).collect();
    let breakdowns = Breakdowns {
        rent_class: ordered(rent_class, &rent_classes),
        route: ordered(route, &routes),
        urgency: ordered(urgency, &urgencies),
        household_size: household_size
            .into_iter()
            .map(|(k, v)| CountRow {
                key: k.to_string(),
                lettings: v,
            })
            .collect(),
        category: ordered(category, &category_order),
    };

    // Status holders and the plan.
    let today = now.date();
    let status_holders = status_holder_overview(conn, municipality, today, Some(half))?
        .half_years
        .into_iter()
        .find(|h| h.half_year == half.to_string());
    let end_month = half.last_day().month();
    let months = months_of_year_completed(year, today).min(end_month);
    let allocation_plan = allocation_plan(conn, reference, municipality, year, None, months)?;

    // Alerts changed during the half year.
    let from = half.first_day().and_hms_opt(0, 0, 0).unwrap_or_default();
    let until = half
        .last_day()
        .succ_opt()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .unwrap_or(from);
    let alerts = alert_events_between(conn, municipality, from, until)?
        .into_iter()
        .map(|e| {
            let count = u64::try_from(e.count).unwrap_or(0);
            let denominator = u64::try_from(e.denominator).unwrap_or(0);
            AlertChangeRow {
                alert_id: e.alert_id,
                metric: e.metric,
                corporation: Some(e.corporation).filter(|c| !c.is_empty()),
                year: e.year,
                change: e.change,
                level: e.level,
                metric_state: e.metric_state,
                count,
                denominator,
                share: rounded_share(count, denominator),
                limit: e.limit_value.parse::<Decimal>().ok().map(|d| d.normalize()),
                at: e.at.and_utc(),
            }
        })
        .collect();

    // Completeness: every corporation registered for the municipality or with lettings.
    let organisations = organisations_of_municipality(conn, municipality)?;
    let municipality_name = organisations
        .iter()
        .find(|(id, kind, _)| id == municipality && kind == "municipality")
        .map(|(_, _, name)| name.clone());
    let mut corporations: std::collections::BTreeSet<String> = organisations
        .iter()
        .filter(|(_, kind, _)| kind == "corporation")
        .map(|(id, _, _)| id.clone())
        .collect();
    corporations.extend(corporations_with_lettings);
    let completeness = corporations
        .into_iter()
        .map(|corporation| CompletenessRow {
            months: half
                .month_periods()
                .iter()
                .map(|m| {
                    let key = month_key(m.first_day());
                    let n: i64 = half_groups
                        .iter()
                        .filter(|g| g.corporation == corporation && g.contract_month == key)
                        .map(|g| g.lettings)
                        .sum();
                    (m.to_string(), u64::try_from(n).unwrap_or(0))
                })
                .collect(),
            corporation,
        })
        .collect();

    let norms = reference
        .norms
        .for_year(year)
        .map(|n| NormsUsed {
            year: n.year,
            source: n.source.clone(),
            quality_discount_limit: n.quality_discount_limit,
            rent_cap_low: n.rent_cap_low,
            rent_cap_high: n.rent_cap_high,
            social_rent_limit: n.social_rent_limit,
        })
        .into_iter()
        .collect();

    Ok(Report {
        municipality: municipality.to_string(),
        municipality_name,
        half_year: half.to_string(),
        from: half.first_day(),
        to: half.last_day(),
        year_to_date_from: ytd.first_day(),
        agreement: AgreementRef::from(&agreement),
        quota_half_year: scope_bodies(&half_groups, &agreement),
        quota_year_to_date: scope_bodies(&ytd_groups, &agreement),
        trend,
        breakdowns,
        status_holders,
        allocation_plan,
        alerts,
        completeness,
        footer: Footer {
            norms,
            agreement: AgreementRef::from(&agreement),
            agreement_source: agreement.source.clone(),
            read_at: now.and_utc(),
        },
    })
}

/// Count fields the small-cell rule applies to, wherever they appear in the JSON.
const COUNT_FIELDS: [&str; 8] = [
    "count",
    "denominator",
    "lettings",
    "excluded",
    "non_social",
    "realised",
    "housed_from_lettings",
    "planned_realised",
];

/// Applies the small-cell rule to a report's JSON: counts of 1–4 become `"<5"`, and a share
/// whose count or denominator was replaced becomes null.
pub fn suppress_small_cells(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let mut hidden = false;
            for key in COUNT_FIELDS {
                if let Some(v) = map.get_mut(key) {
                    if v.as_u64().is_some_and(is_small) {
                        *v = Value::String("<5".into());
                        hidden |= key == "count" || key == "denominator";
                    }
                }
            }
            if hidden {
                if let Some(share) = map.get_mut("share") {
                    *share = Value::Null;
                }
            }
            if let Some(Value::Object(months)) = map.get_mut("months") {
                for v in months.values_mut() {
                    if v.as_u64().is_some_and(is_small) {
                        *v = Value::String("<5".into());
                    }
                }
            }
            for v in map.values_mut() {
                suppress_small_cells(v);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(suppress_small_cells),
        _ => {}
    }
}

/// A count as shown to a reader: `None` when it is a small cell and the rule applies.
pub fn shown(count: u64, suppress: bool) -> Option<u64> {
    if suppress && is_small(count) {
        None
    } else {
        Some(count)
    }
}

/// A share as shown: withheld when its count or denominator is a small cell under the rule.
pub fn shown_share(metric: &MetricBody, suppress: bool) -> Option<Decimal> {
    if suppress && (is_small(metric.count) || is_small(metric.denominator)) {
        None
    } else {
        metric.share
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_cells_are_one_to_four() {
        assert!(!is_small(0));
        assert!(is_small(1));
        assert!(is_small(4));
        assert!(!is_small(5));
    }

    #[test]
    fn suppression_hides_small_counts_and_their_shares() {
        let mut v = serde_json::json!({"scopes": [{"lettings": 3, "metrics": [
            {"count": 2, "denominator": 30, "share": 0.0667},
            {"count": 10, "denominator": 30, "share": 0.3333},
            {"count": 0, "denominator": 30, "share": 0}
        ]}], "completeness": [{"months": {"2026-01": 2, "2026-02": 7}}]});
        suppress_small_cells(&mut v);
        assert_eq!(v["scopes"][0]["lettings"], "<5");
        assert_eq!(v["scopes"][0]["metrics"][0]["count"], "<5");
        assert_eq!(v["scopes"][0]["metrics"][0]["share"], Value::Null);
        assert_eq!(v["scopes"][0]["metrics"][1]["count"], 10);
        assert!(v["scopes"][0]["metrics"][1]["share"].is_number());
        assert_eq!(v["scopes"][0]["metrics"][2]["count"], 0);
        assert_eq!(v["completeness"][0]["months"]["2026-01"], "<5");
        assert_eq!(v["completeness"][0]["months"]["2026-02"], 7);
    }
}

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

fn share_value(metric: &MetricBody, suppress: bool) -> Value {
    shown_share(metric, suppress)
        .and_then(|s| serde_json::to_value(s).ok())
        .unwrap_or(Value::Null)
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
        let mut seen = std::collections::BTreeSet::new();
        for corporation in corporations {
            if !seen.insert(corporation.clone()) {
                continue;
            }
            let empty = |c: &Option<String>| ScopeBody {
                scope: String::new(),
                corporation: c.clone(),
                lettings: 0,
                excluded: 0,
                non_social: 0,
                metrics: Vec::new(),
            };
            let old = old_scopes
                .iter()
                .find(|s| s.corporation == corporation)
                .cloned()
                .unwrap_or_else(|| empty(&corporation));
            let new = new_scopes
                .iter()
                .find(|s| s.corporation == corporation)
                .cloned()
                .unwrap_or_else(|| empty(&corporation));
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
            let mut done = std::collections::BTreeSet::new();
            for name in metric_names {
                if !done.insert(name.clone()) {
                    continue;
                }
                let blank = MetricBody {
                    metric: name.clone(),
                    count: 0,
                    denominator: 0,
                    share: None,
                    limit: None,
                    bound: String::new(),
                    state: String::new(),
                };
                let a = old
                    .metrics
                    .iter()
                    .find(|m| m.metric == name)
                    .cloned()
                    .unwrap_or_else(|| blank.clone());
                let b = new
                    .metrics
                    .iter()
                    .find(|m| m.metric == name)
                    .cloned()
                    .unwrap_or(blank);
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
