//! The report's own model: what a report holds, as it is published and read back.
//!
//! The figures come from the quota and plan services, but the report does not embed their
//! response types: a published report is frozen JSON that must read back for years, while those
//! answers may grow. Each type here is converted from its service counterpart by a `From`
//! function, and serialises to the same field names, order and number formatting the report had
//! when it embedded them, so the SHA-256 of every publication stays valid.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::service::plans::{
    AllocationPlanBody, HalfYearBody, PaceBody, PlanLineBody, PlanVersionBody,
};
use crate::service::quota::{AgreementRef, MetricBody, ScopeBody};

/// The layout of [`Report`] that this code writes.
///
/// Version 1 is the layout publications had before the model carried a version. It is not
/// written, so its JSON (and so every digest) is what it was, and a publication without the
/// field reads as version 1. A later layout writes its number.
///
/// Version 2: states in words that fit the direction of each limit ("niet gehaald" for a
/// minimum, "boven de signaalwaarde" for the urgent share) instead of one word for every
/// breach; a published report of layout 1 keeps its words.
pub const MODEL_VERSION: u32 = 2;

fn first_version() -> u32 {
    1
}

fn is_first_version(version: &u32) -> bool {
    *version == 1
}

/// The agreement a report applied.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct ReportAgreement {
    /// The agreement's id, or `national` for the national norms.
    pub id: String,
    pub version: u32,
    pub name: String,
}

impl From<&AgreementRef> for ReportAgreement {
    fn from(a: &AgreementRef) -> Self {
        Self {
            id: a.id.clone(),
            version: a.version,
            name: a.name.clone(),
        }
    }
}

/// One metric of a scope.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct ReportMetric {
    /// `urgent_share`, `rent_cap_share`, `income_exemption_share` or `passend_share`.
    pub metric: String,
    pub count: u64,
    pub denominator: u64,
    /// `count / denominator` rounded half-up to 4 decimals; null when the denominator is 0.
    #[schema(value_type = Option<f64>)]
    pub share: Option<Decimal>,
    /// The agreement's limit; null when it sets none.
    #[schema(value_type = Option<f64>)]
    pub limit: Option<Decimal>,
    /// `max` or `min`.
    pub bound: String,
    /// `ok`, `warning`, `breach`, `insufficient_data` or `no_limit`.
    pub state: String,
    /// As in the quota answer: `corporation_year` marks a legal norm, of which this municipal
    /// figure is a signal, not the judgement. Absent in reports published before it existed.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub judged_per: String,
}

impl From<&MetricBody> for ReportMetric {
    fn from(m: &MetricBody) -> Self {
        Self {
            metric: m.metric.clone(),
            count: m.count,
            denominator: m.denominator,
            share: m.share,
            limit: m.limit,
            bound: m.bound.clone(),
            state: m.state.clone(),
            judged_per: m.judged_per.clone(),
        }
    }
}

/// The quota figures of the municipality total or one corporation.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct ReportScope {
    /// `total` or `corporation`.
    pub scope: String,
    /// The corporation's id; null for the total.
    pub corporation: Option<String>,
    /// Counted lettings: social, not excluded, not withdrawn.
    pub lettings: u64,
    /// Social lettings left out of the quotas by an `excluded_reason`.
    pub excluded: u64,
    /// Lettings above the huurgrens DAEB-toewijzing.
    pub non_social: u64,
    pub metrics: Vec<ReportMetric>,
}

impl From<&ScopeBody> for ReportScope {
    fn from(s: &ScopeBody) -> Self {
        Self {
            scope: s.scope.clone(),
            corporation: s.corporation.clone(),
            lettings: s.lettings,
            excluded: s.excluded,
            non_social: s.non_social,
            metrics: s.metrics.iter().map(ReportMetric::from).collect(),
        }
    }
}

/// Pace of the status-holder task in the half year that holds the day of reading.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct ReportPace {
    pub months_completed: u32,
    /// Persons expected by then: corrected_target × months_completed / 6.
    #[schema(value_type = f64)]
    pub expected: Decimal,
    /// `on_track`, `slightly_behind` (at least 80% of expected) or `behind`.
    pub state: String,
}

impl From<&PaceBody> for ReportPace {
    fn from(p: &PaceBody) -> Self {
        Self {
            months_completed: p.months_completed,
            expected: p.expected,
            state: p.state.clone(),
        }
    }
}

/// The status-holder task of the half year.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct ReportStatusHolders {
    /// `2026-H1`.
    pub half_year: String,
    /// The task set by the municipality (persons); 0 when none was set.
    pub target: i64,
    pub target_set: bool,
    /// The previous half year's shortfall (negative: surplus).
    pub carry_over: i64,
    pub corrected_target: i64,
    /// Persons in lettings under urgency `status_holder`.
    pub housed_from_lettings: i64,
    /// Persons in placements recorded by hand.
    pub housed_by_hand: i64,
    pub housed: i64,
    /// housed − corrected_target (negative: a shortfall that carries over).
    pub balance: i64,
    /// Only for the half year that holds the day of reading.
    pub pace: Option<ReportPace>,
}

impl From<&HalfYearBody> for ReportStatusHolders {
    fn from(h: &HalfYearBody) -> Self {
        Self {
            half_year: h.half_year.clone(),
            target: h.target,
            target_set: h.target_set,
            carry_over: h.carry_over,
            corrected_target: h.corrected_target,
            housed_from_lettings: h.housed_from_lettings,
            housed_by_hand: h.housed_by_hand,
            housed: h.housed,
            balance: h.balance,
            pace: h.pace.as_ref().map(ReportPace::from),
        }
    }
}

/// One version of the allocation plan.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct ReportPlanVersion {
    pub version: i32,
    pub expected_available: i32,
    pub note: Option<String>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

impl From<&PlanVersionBody> for ReportPlanVersion {
    fn from(v: &PlanVersionBody) -> Self {
        Self {
            version: v.version,
            expected_available: v.expected_available,
            note: v.note.clone(),
            created_by: v.created_by.clone(),
            created_at: v.created_at,
        }
    }
}

/// One category of the allocation plan against realisation.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct ReportPlanLine {
    pub category: String,
    pub planned: i64,
    /// planned × the part of the year passed.
    #[schema(value_type = f64)]
    pub expected_to_date: Decimal,
    pub realised: i64,
    /// realised − expected_to_date.
    #[schema(value_type = f64)]
    pub difference: Decimal,
}

impl From<&PlanLineBody> for ReportPlanLine {
    fn from(l: &PlanLineBody) -> Self {
        Self {
            category: l.category.clone(),
            planned: l.planned,
            expected_to_date: l.expected_to_date,
            realised: l.realised,
            difference: l.difference,
        }
    }
}

/// The allocation plan of the year against realisation up to the end of the half year.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct ReportPlan {
    pub municipality: String,
    pub year: i32,
    /// The version shown.
    pub version: i32,
    pub expected_available: i32,
    /// expected_available minus the planned categories.
    pub unallocated: i64,
    pub note: Option<String>,
    /// Months of the year the comparison covers.
    pub months_completed: u32,
    #[schema(value_type = f64)]
    pub fraction_of_year: Decimal,
    pub lines: Vec<ReportPlanLine>,
    pub versions: Vec<ReportPlanVersion>,
}

impl From<&AllocationPlanBody> for ReportPlan {
    fn from(p: &AllocationPlanBody) -> Self {
        Self {
            municipality: p.municipality.clone(),
            year: p.year,
            version: p.version,
            expected_available: p.expected_available,
            unallocated: p.unallocated,
            note: p.note.clone(),
            months_completed: p.months_completed,
            fraction_of_year: p.fraction_of_year,
            lines: p.lines.iter().map(ReportPlanLine::from).collect(),
            versions: p.versions.iter().map(ReportPlanVersion::from).collect(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct TrendPoint {
    /// `2026-03`.
    pub month: String,
    /// None for the municipality total.
    pub corporation: Option<String>,
    pub metric: ReportMetric,
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
    /// The income limits that decide the free allocation room and passend toewijzen (layout 2
    /// on; absent in a report published before).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub income_limits: Option<IncomeLimitsUsed>,
    /// Lettings allocated in a year without norms yet were judged with these (layout 2 on).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub provisional: bool,
}

/// A year's income limits, EUR per year.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct IncomeLimitsUsed {
    /// Inkomensgrens DAEB, 1 person.
    #[schema(value_type = f64)]
    pub social_income_limit_single: Decimal,
    /// Inkomensgrens DAEB, 2 or more persons.
    #[schema(value_type = f64)]
    pub social_income_limit_multi: Decimal,
    /// Passend toewijzen: 1 person below / at AOW age; 2 or more below / at AOW age.
    #[schema(value_type = f64)]
    pub passend_income_limit_single: Decimal,
    #[schema(value_type = f64)]
    pub passend_income_limit_single_pension: Decimal,
    #[schema(value_type = f64)]
    pub passend_income_limit_multi: Decimal,
    #[schema(value_type = f64)]
    pub passend_income_limit_multi_pension: Decimal,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct Footer {
    pub norms: Vec<NormsUsed>,
    pub agreement: ReportAgreement,
    pub agreement_source: String,
    /// When the figures were read from the database.
    pub read_at: DateTime<Utc>,
}

/// The half-year report.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct Report {
    /// The layout of the report's model. Written from layout 2 on: absent in the first layout,
    /// which every report published before the model had a version has, and then read as 1.
    #[serde(default = "first_version", skip_serializing_if = "is_first_version")]
    #[schema(default = 1)]
    pub version: u32,
    pub municipality: String,
    pub municipality_name: Option<String>,
    /// The corporations' names by id, so tables name them as people know them (layout 2 on;
    /// a layout-1 report shows ids).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub corporation_names: std::collections::BTreeMap<String, String>,
    /// `2026-H1` or `2026-H2`.
    pub half_year: String,
    #[schema(value_type = String, format = Date)]
    pub from: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub to: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub year_to_date_from: NaiveDate,
    pub agreement: ReportAgreement,
    /// 1. The four metrics per scope for the half year …
    pub quota_half_year: Vec<ReportScope>,
    /// … and for the year to date (for H2: the whole year).
    pub quota_year_to_date: Vec<ReportScope>,
    /// 2. Each share month by month, for the total and each corporation.
    pub trend: Vec<TrendPoint>,
    /// 3. Lettings by rent class, route, urgency category and household size.
    pub breakdowns: Breakdowns,
    /// 4. The status-holder task for the half year.
    pub status_holders: Option<ReportStatusHolders>,
    /// 5. The allocation plan against realisation, pro rata to the end of the half year.
    pub allocation_plan: Option<ReportPlan>,
    /// 6. Alerts opened, changed or resolved during the half year.
    pub alerts: Vec<AlertChangeRow>,
    /// 7. Which corporations posted which months.
    pub completeness: Vec<CompletenessRow>,
    /// 8. Norms and agreement used, and when the data was read.
    pub footer: Footer,
    /// The same half year a year earlier, per scope, beside this one on the summary page
    /// (absent in reports published before it existed).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub previous_half_year: Vec<ReportScope>,
    /// The notes on the alerts of the half year, for the points of discussion.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alert_notes: Vec<super::model_notes::ReportAlertNote>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metric() -> MetricBody {
        MetricBody {
            metric: "urgent_share".into(),
            count: 3,
            denominator: 40,
            share: Some(Decimal::new(750, 4)),
            limit: Some(Decimal::new(45, 2)),
            bound: "max".into(),
            state: "ok".into(),
            judged_per: "municipality".into(),
        }
    }

    #[test]
    fn a_scope_serialises_as_the_quota_answer_does() {
        let body = ScopeBody {
            scope: "corporation".into(),
            corporation: Some("dwb".into()),
            lettings: 40,
            excluded: 1,
            non_social: 2,
            metrics: vec![metric()],
        };
        assert_eq!(
            serde_json::to_string(&ReportScope::from(&body)).unwrap(),
            serde_json::to_string(&body).unwrap()
        );
    }

    #[test]
    fn unknown_fields_of_a_later_quota_answer_are_ignored() {
        let mut value = serde_json::to_value(metric()).unwrap();
        value["weighted"] = serde_json::json!(true);
        let read: ReportMetric = serde_json::from_value(value).unwrap();
        assert_eq!(read, ReportMetric::from(&metric()));
    }
}
