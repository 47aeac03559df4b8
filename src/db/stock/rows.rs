//! The rows of the stock tables: a unit's fields in database form with their digest, a new
//! version row and a snapshot's member row. Types only, no queries.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::db::schema::{stock_snapshot_units, stock_unit_versions};
use crate::domain::stock::Unit;

/// The fields of a unit in database form: codes as text, money in cents.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = stock_unit_versions)]
#[diesel(treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct UnitData {
    pub municipality: String,
    pub unit_kind: String,
    pub status: String,
    pub daeb: String,
    pub wws_points: Option<i32>,
    pub target_rent_cents: Option<i64>,
    pub energy_label: Option<String>,
    pub label_method: Option<String>,
    pub label_date: Option<NaiveDate>,
    pub condition_score: Option<i32>,
    pub in_service_date: Option<NaiveDate>,
    pub in_service_reason: Option<String>,
    pub out_of_service_date: Option<NaiveDate>,
    pub out_of_service_reason: Option<String>,
    pub planned_exit_date: Option<NaiveDate>,
}

fn code_of(value: Option<impl std::fmt::Display>) -> Option<String> {
    value.map(|v| v.to_string())
}

impl UnitData {
    pub fn of(unit: &Unit) -> Self {
        Self {
            municipality: unit.municipality.clone(),
            unit_kind: unit.kind.code().to_string(),
            status: unit.status.code().to_string(),
            daeb: unit.daeb.code().to_string(),
            wws_points: unit.wws_points,
            target_rent_cents: unit.target_rent_cents,
            energy_label: code_of(unit.energy_label),
            label_method: code_of(unit.label_method),
            label_date: unit.label_date,
            condition_score: unit.condition_score,
            in_service_date: unit.in_service_date,
            in_service_reason: code_of(unit.in_service_reason),
            out_of_service_date: unit.out_of_service_date,
            out_of_service_reason: code_of(unit.out_of_service_reason),
            planned_exit_date: unit.planned_exit_date,
        }
    }

    /// The SHA-256 (hex) of the fields in a fixed order, each with its presence: what a post
    /// compares a unit against.
    pub fn digest(&self) -> String {
        fn put(h: &mut Sha256, value: Option<String>) {
            match value {
                Some(v) => {
                    h.update([1u8]);
                    h.update(v.as_bytes());
                }
                None => h.update([0u8]),
            }
            h.update([0x1f]);
        }
        let mut h = Sha256::new();
        put(&mut h, Some(self.municipality.clone()));
        put(&mut h, Some(self.unit_kind.clone()));
        put(&mut h, Some(self.status.clone()));
        put(&mut h, Some(self.daeb.clone()));
        put(&mut h, self.wws_points.map(|v| v.to_string()));
        put(&mut h, self.target_rent_cents.map(|v| v.to_string()));
        put(&mut h, self.energy_label.clone());
        put(&mut h, self.label_method.clone());
        put(&mut h, self.label_date.map(|d| d.to_string()));
        put(&mut h, self.condition_score.map(|v| v.to_string()));
        put(&mut h, self.in_service_date.map(|d| d.to_string()));
        put(&mut h, self.in_service_reason.clone());
        put(&mut h, self.out_of_service_date.map(|d| d.to_string()));
        put(&mut h, self.out_of_service_reason.clone());
        put(&mut h, self.planned_exit_date.map(|d| d.to_string()));
        hex::encode(h.finalize())
    }

    /// The unit again; `None` if a stored code is not one the rules know (not expected: only
    /// valid units are stored).
    pub fn to_unit(&self, code: &str) -> Option<Unit> {
        fn parsed<T: std::str::FromStr>(text: &Option<String>) -> Option<Option<T>> {
            match text {
                None => Some(None),
                Some(t) => t.parse().ok().map(Some),
            }
        }
        Some(Unit {
            code: code.to_string(),
            municipality: self.municipality.clone(),
            kind: self.unit_kind.parse().ok()?,
            status: self.status.parse().ok()?,
            daeb: self.daeb.parse().ok()?,
            wws_points: self.wws_points,
            target_rent_cents: self.target_rent_cents,
            energy_label: parsed(&self.energy_label)?,
            label_method: parsed(&self.label_method)?,
            label_date: self.label_date,
            condition_score: self.condition_score,
            in_service_date: self.in_service_date,
            in_service_reason: parsed(&self.in_service_reason)?,
            out_of_service_date: self.out_of_service_date,
            out_of_service_reason: parsed(&self.out_of_service_reason)?,
            planned_exit_date: self.planned_exit_date,
        })
    }
}

/// A new version row: flat and owned, so PostgreSQL can take it through binary COPY and SQLite
/// in statements prepared once (as `db::letting_rows::NewLetting`).
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = stock_unit_versions)]
#[diesel(treat_none_as_default_value = false)]
pub(super) struct NewVersion {
    corporation: String,
    unit_code: String,
    version: i32,
    municipality: String,
    unit_kind: String,
    status: String,
    daeb: String,
    wws_points: Option<i32>,
    target_rent_cents: Option<i64>,
    energy_label: Option<String>,
    label_method: Option<String>,
    label_date: Option<NaiveDate>,
    condition_score: Option<i32>,
    in_service_date: Option<NaiveDate>,
    in_service_reason: Option<String>,
    out_of_service_date: Option<NaiveDate>,
    out_of_service_reason: Option<String>,
    planned_exit_date: Option<NaiveDate>,
    digest: String,
    recorded_at: NaiveDateTime,
}

impl NewVersion {
    pub(super) fn of(
        corporation: &str,
        code: &str,
        version: i32,
        d: UnitData,
        digest: String,
        now: NaiveDateTime,
    ) -> Self {
        Self {
            corporation: corporation.to_string(),
            unit_code: code.to_string(),
            version,
            municipality: d.municipality,
            unit_kind: d.unit_kind,
            status: d.status,
            daeb: d.daeb,
            wws_points: d.wws_points,
            target_rent_cents: d.target_rent_cents,
            energy_label: d.energy_label,
            label_method: d.label_method,
            label_date: d.label_date,
            condition_score: d.condition_score,
            in_service_date: d.in_service_date,
            in_service_reason: d.in_service_reason,
            out_of_service_date: d.out_of_service_date,
            out_of_service_reason: d.out_of_service_reason,
            planned_exit_date: d.planned_exit_date,
            digest,
            recorded_at: now,
        }
    }
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = stock_snapshot_units)]
#[diesel(treat_none_as_default_value = false)]
pub(super) struct Member {
    pub(super) snapshot_id: i64,
    pub(super) unit_code: String,
    pub(super) version: i32,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data() -> UnitData {
        UnitData {
            municipality: "GM0629".into(),
            unit_kind: "WOO".into(),
            status: "VEH".into(),
            daeb: "DAE".into(),
            wws_points: Some(140),
            target_rent_cents: Some(71_250),
            energy_label: Some("B".into()),
            label_method: None,
            label_date: None,
            condition_score: Some(2),
            in_service_date: None,
            in_service_reason: None,
            out_of_service_date: None,
            out_of_service_reason: None,
            planned_exit_date: None,
        }
    }

    #[test]
    fn the_digest_changes_with_every_field_and_only_then() {
        let a = data();
        assert_eq!(a.digest(), data().digest());
        let mut b = data();
        b.condition_score = Some(3);
        assert_ne!(a.digest(), b.digest());
        // A field moved to the next one is another unit.
        let mut c = data();
        c.energy_label = None;
        c.label_method = Some("B".into());
        assert_ne!(a.digest(), c.digest());
        let mut d = data();
        d.label_method = Some(String::new());
        assert_ne!(a.digest(), d.digest());
    }
}
