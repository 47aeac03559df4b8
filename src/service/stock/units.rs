//! A corporation's own units: only ever its own.

use chrono::NaiveDate;
use diesel::QueryResult;
use serde::Serialize;
use serde_json::{json, Value};
use utoipa::ToSchema;

use super::shared::{latest_on, rules_on};
use crate::config::ReferenceData;
use crate::db::stock::{self as store, UnitData};
use crate::db::DbConnection;
use crate::domain::money::from_cents;
use crate::domain::stock::Unit;

/// One of the caller's own units as its snapshot holds it.
#[derive(Debug, Serialize, ToSchema)]
pub struct OwnUnitBody {
    pub unit: String,
    /// Whether it is in the social stock under the definition.
    pub social: bool,
    pub middenhuur: bool,
    /// The stored fields, with their VERA codes; `target_rent_cents` in cents.
    #[schema(value_type = Object)]
    pub fields: Value,
}

/// A corporation's own units in its latest snapshot at or before a date.
#[derive(Debug, Serialize, ToSchema)]
pub struct OwnUnitsBody {
    pub municipality: String,
    pub corporation: String,
    /// Null when the corporation has no snapshot at or before the date.
    pub reference_date: Option<NaiveDate>,
    pub units: Vec<OwnUnitBody>,
}

/// The caller's own units (never another corporation's).
pub fn own_units(
    conn: &mut DbConnection,
    reference: &ReferenceData,
    corporation: &str,
    municipality: &str,
    day: NaiveDate,
) -> QueryResult<OwnUnitsBody> {
    let snapshots = store::snapshots(conn, municipality)?;
    let latest = latest_on(&snapshots, day);
    let Some(snapshot) = latest.get(corporation) else {
        return Ok(OwnUnitsBody {
            municipality: municipality.into(),
            corporation: corporation.into(),
            reference_date: None,
            units: Vec::new(),
        });
    };
    let norms = crate::service::norms::current(conn, reference)?;
    let (_, rules) = rules_on(reference, &norms, municipality, snapshot.reference_date);
    let units: Vec<Unit> = store::snapshot_units(conn, snapshot)?;
    Ok(OwnUnitsBody {
        municipality: municipality.into(),
        corporation: corporation.into(),
        reference_date: Some(snapshot.reference_date),
        units: units
            .iter()
            .map(|u| OwnUnitBody {
                unit: u.code.clone(),
                social: rules.is_social(u),
                middenhuur: rules.is_middenhuur(u),
                fields: serde_json::to_value(UnitFields(UnitData::of(u))).unwrap_or(Value::Null),
            })
            .collect(),
    })
}

/// A stored unit's fields as JSON.
struct UnitFields(UnitData);

impl Serialize for UnitFields {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let d = &self.0;
        json!({
            "municipality": d.municipality,
            "unit_type": d.unit_kind,
            "status": d.status,
            "daeb": d.daeb,
            "wws_points": d.wws_points,
            "target_rent": d.target_rent_cents.map(from_cents),
            "energy_label": d.energy_label,
            "label_method": d.label_method,
            "label_date": d.label_date,
            "condition_score": d.condition_score,
            "in_service_date": d.in_service_date,
            "in_service_reason": d.in_service_reason,
            "out_of_service_date": d.out_of_service_date,
            "out_of_service_reason": d.out_of_service_reason,
            "planned_exit_date": d.planned_exit_date,
        })
        .serialize(s)
    }
}
