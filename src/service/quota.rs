//! Quota status for a municipality and period: the database's group counts folded into the
//! domain's metrics, for the total and each corporation.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::config::ReferenceData;
use crate::db::quota::{count_period_groups, GroupCount};
use crate::db::DbConnection;
use crate::domain::agreement::Agreement;
use crate::domain::period::Period;
use crate::domain::quota::{LettingGroup, MetricFigures, ScopeCounts};

/// Which agreement the figures were judged against.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct AgreementRef {
    /// The agreement's id, or `national` for the national norms.
    pub id: String,
    pub version: u32,
    pub name: String,
}

impl From<&Agreement> for AgreementRef {
    fn from(a: &Agreement) -> Self {
        Self {
            id: a.id.clone(),
            version: a.version,
            name: a.name.clone(),
        }
    }
}

/// A count as the small-numbers rule shows it: a number, `"<5"` or `"x"`.
pub fn shown_count() -> utoipa::openapi::schema::Schema {
    number_or(&["<5", "x"], false)
}

/// A denominator as the small-numbers rule shows it: a number, `"<5"` or null.
pub fn shown_denominator() -> utoipa::openapi::schema::Schema {
    number_or(&["<5"], true)
}

fn number_or(words: &[&str], nullable: bool) -> utoipa::openapi::schema::Schema {
    use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Type};
    let mut one_of = OneOfBuilder::new()
        .item(
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .minimum(Some(0)),
        )
        .item(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some(words.iter().copied())),
        );
    if nullable {
        one_of = one_of.item(ObjectBuilder::new().schema_type(Type::Null));
    }
    one_of.build().into()
}

/// One metric, as the API reports it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct MetricBody {
    /// `urgent_share`, `rent_cap_share`, `income_exemption_share` or `passend_share`.
    pub metric: String,
    /// A number; for a reader who may not see it exactly `"<5"` (1 to 4) or `"x"` (hidden to
    /// protect another count).
    #[schema(schema_with = shown_count)]
    pub count: u64,
    /// A number; `"<5"` when it is itself 1 to 4; null where it would give a hidden count away.
    #[schema(schema_with = shown_denominator)]
    pub denominator: u64,
    /// `count / denominator` rounded half-up to 4 decimals; null when the denominator is 0.
    #[schema(value_type = Option<f64>)]
    pub share: Option<rust_decimal::Decimal>,
    /// The agreement's limit; null when it sets none.
    #[schema(value_type = Option<f64>)]
    pub limit: Option<rust_decimal::Decimal>,
    /// `max` or `min`.
    pub bound: String,
    /// `ok`, `warning`, `breach`, `insufficient_data` or `no_limit`.
    pub state: String,
    /// Over what the norm is judged. `municipality`: this figure is the one the agreement
    /// judges. `corporation_year`: a legal norm (vrije toewijzingsruimte, passend toewijzen)
    /// that the law judges per corporation and calendar year over all its municipalities; this
    /// municipal figure and its state are a signal toward it, not its breach (the corporation's
    /// own judgement: `GET /api/v1/corporations/{id}/legal`).
    #[serde(default)]
    pub judged_per: String,
}

impl From<&MetricFigures> for MetricBody {
    fn from(f: &MetricFigures) -> Self {
        Self {
            metric: f.metric.name().to_string(),
            count: f.count,
            denominator: f.denominator,
            share: f.share,
            limit: f.limit.map(|l| l.normalize()),
            bound: f.bound.as_str().to_string(),
            state: f.state.as_str().to_string(),
            judged_per: f.metric.judged_per().to_string(),
        }
    }
}

/// The figures for the municipality total or one corporation.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct ScopeBody {
    /// `total` or `corporation`.
    pub scope: String,
    /// The corporation's id; null for the total.
    pub corporation: Option<String>,
    /// Counted lettings: social, not excluded, not withdrawn. `"<5"` or `"x"` for a reader who
    /// may not see it exactly.
    #[schema(schema_with = shown_count)]
    pub lettings: u64,
    /// Social lettings left out of the quotas by an `excluded_reason`.
    #[schema(schema_with = shown_count)]
    pub excluded: u64,
    /// Lettings above the huurgrens DAEB-toewijzing.
    #[schema(schema_with = shown_count)]
    pub non_social: u64,
    pub metrics: Vec<MetricBody>,
}

impl ScopeBody {
    pub fn new(corporation: Option<String>, counts: &ScopeCounts, agreement: &Agreement) -> Self {
        Self {
            scope: if corporation.is_some() {
                "corporation".to_string()
            } else {
                "total".to_string()
            },
            corporation,
            lettings: counts.lettings,
            excluded: counts.excluded,
            non_social: counts.non_social,
            metrics: counts
                .evaluate(agreement)
                .iter()
                .map(MetricBody::from)
                .collect(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct QuotaBody {
    pub municipality: String,
    pub period: String,
    #[schema(value_type = String, format = Date)]
    pub from: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub to: NaiveDate,
    pub agreement: AgreementRef,
    /// True when some lettings of the period were allocated in a year whose national norms
    /// are not known yet: they are classified with the latest known year's norms, and the
    /// figures change when that year's norms are added (`quotamonitor norms import`).
    #[serde(default)]
    pub norms_provisional: bool,
    /// `total` first, then one per corporation with lettings in the period, by id.
    pub scopes: Vec<ScopeBody>,
}

/// The classification of a group of lettings, for the domain's counting.
pub fn group_of(g: &GroupCount) -> LettingGroup<'_> {
    LettingGroup {
        is_social: g.is_social,
        is_counted: g.is_counted,
        urgency: g.urgency.as_deref(),
        within_rent_cap: g.within_rent_cap,
        income_above_limit: g.income_above_limit,
        in_passend_denominator: g.in_passend_denominator,
        passend_compliant: g.passend_compliant,
        local_priority: g.local_priority,
    }
}

/// Folds group counts into the total and per-corporation counts.
pub fn fold(
    groups: &[GroupCount],
    agreement: &Agreement,
) -> (ScopeCounts, BTreeMap<String, ScopeCounts>) {
    let mut total = ScopeCounts::default();
    let mut per_corporation: BTreeMap<String, ScopeCounts> = BTreeMap::new();
    for g in groups {
        let group = group_of(g);
        let n = u64::try_from(g.lettings).unwrap_or(0);
        total.add(&group, n, agreement);
        per_corporation
            .entry(g.corporation.clone())
            .or_default()
            .add(&group, n, agreement);
    }
    (total, per_corporation)
}

/// A scope's corporation (None for the total) and its counts.
pub type Scope = (Option<String>, ScopeCounts);

/// The agreement applied and the counts per scope (total first, then corporations by id).
pub fn scope_counts(
    conn: &mut DbConnection,
    reference: &ReferenceData,
    municipality: &str,
    period: Period,
) -> diesel::QueryResult<(Agreement, Vec<Scope>)> {
    let agreement = reference.agreements.applicable(municipality, period.year());
    let groups = count_period_groups(conn, municipality, period.first_day(), period.last_day())?;
    let (total, per_corporation) = fold(&groups, &agreement);
    let mut scopes = vec![(None, total)];
    scopes.extend(
        per_corporation
            .into_iter()
            .map(|(id, counts)| (Some(id), counts)),
    );
    Ok((agreement, scopes))
}

/// The response scopes of a set of group counts: the total first, then each corporation by id.
pub fn scope_bodies(groups: &[GroupCount], agreement: &Agreement) -> Vec<ScopeBody> {
    let (total, per_corporation) = fold(groups, agreement);
    let mut bodies = vec![ScopeBody::new(None, &total, agreement)];
    bodies.extend(
        per_corporation
            .iter()
            .map(|(id, counts)| ScopeBody::new(Some(id.clone()), counts, agreement)),
    );
    bodies
}

/// The quota status of a municipality for a period.
pub fn quota_status(
    conn: &mut DbConnection,
    reference: &ReferenceData,
    municipality: &str,
    period: Period,
) -> diesel::QueryResult<QuotaBody> {
    let agreement = reference.agreements.applicable(municipality, period.year());
    let groups = count_period_groups(conn, municipality, period.first_day(), period.last_day())?;
    let mut body = quota_body(municipality, period, &agreement, &groups);
    body.norms_provisional = norms_provisional(conn, municipality, period)?;
    Ok(body)
}

/// Whether some current lettings of the period are classified with provisional norms.
pub fn norms_provisional(
    conn: &mut DbConnection,
    municipality: &str,
    period: Period,
) -> diesel::QueryResult<bool> {
    Ok(crate::db::norms::provisional_count(
        conn,
        municipality,
        None,
        period.first_day(),
        period.last_day(),
    )? > 0)
}

/// The quota answer for a period from its group counts (whole months of the period).
pub fn quota_body(
    municipality: &str,
    period: Period,
    agreement: &Agreement,
    groups: &[GroupCount],
) -> QuotaBody {
    QuotaBody {
        municipality: municipality.to_string(),
        period: period.to_string(),
        from: period.first_day(),
        to: period.last_day(),
        agreement: AgreementRef::from(agreement),
        norms_provisional: false,
        scopes: scope_bodies(groups, agreement),
    }
}
