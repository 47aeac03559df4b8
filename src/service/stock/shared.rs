//! What the stock answers share: the agreement and rules of a day, the definition they name,
//! each corporation's latest snapshot at a date, and a protected figure as JSON.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::privacy::Protected;
use crate::config::ReferenceData;
use crate::db::stock::SnapshotRow;
use crate::domain::agreement::Agreement;
use crate::domain::money::from_cents;
use crate::domain::norms::NormsTable;
use crate::domain::stock::StockRules;

/// The definition the figures were computed under.
#[derive(Debug, Serialize, ToSchema)]
pub struct DefinitionBody {
    /// The agreement whose `[stock]` clauses applied (`national` without one).
    pub agreement: String,
    /// The named definition of the social stock: `daeb_streefhuur`, `daeb` or `wws_punten`
    /// (docs/domain.md, "The social stock").
    pub social_definition: String,
    /// The huurgrens DAEB-toewijzing (liberalisatiegrens) of the date's year, EUR per month.
    #[schema(value_type = f64)]
    pub social_rent_limit: rust_decimal::Decimal,
    pub social_max_points: i32,
    pub middenhuur_max_points: i32,
    /// From this day no social home may have label E, F or G.
    pub efg_deadline: NaiveDate,
    pub label_validity_years: u32,
    pub source: String,
}

/// The agreement and rules of a day.
pub(super) fn rules_on(
    reference: &ReferenceData,
    norms: &NormsTable,
    municipality: &str,
    day: NaiveDate,
) -> (Agreement, StockRules) {
    let agreement = reference.agreements.applicable(municipality, day.year());
    let limit = norms
        .applicable(day.year())
        .map_or(rust_decimal::Decimal::ZERO, |n| n.norms.social_rent_limit);
    let rules = agreement.stock.rules(limit);
    (agreement, rules)
}

pub(super) fn definition(agreement: &Agreement, rules: &StockRules) -> DefinitionBody {
    DefinitionBody {
        agreement: agreement.id.clone(),
        social_definition: rules.definition.name().to_string(),
        social_rent_limit: from_cents(rules.social_rent_limit_cents),
        social_max_points: rules.social_max_points,
        middenhuur_max_points: rules.middenhuur_max_points,
        efg_deadline: rules.efg_deadline,
        label_validity_years: rules.label_validity_years,
        source: agreement.stock.source.clone(),
    }
}

/// Each corporation's latest snapshot at or before `day`.
pub(super) fn latest_on(
    snapshots: &[SnapshotRow],
    day: NaiveDate,
) -> BTreeMap<String, &SnapshotRow> {
    let mut latest: BTreeMap<String, &SnapshotRow> = BTreeMap::new();
    for s in snapshots.iter().filter(|s| s.reference_date <= day) {
        match latest.get(&s.corporation) {
            Some(known) if known.reference_date >= s.reference_date => {}
            _ => {
                latest.insert(s.corporation.clone(), s);
            }
        }
    }
    latest
}

pub(super) fn values(
    protected: &Protected,
    scope: Option<&str>,
    names: impl Iterator<Item = (String, String)>,
) -> Value {
    let mut map = Map::new();
    for (key, cell) in names {
        map.insert(key, protected.value(scope, &cell));
    }
    Value::Object(map)
}
