//! The small-cell rule: outside the municipality itself a count of 1 to 4 households is shown
//! as `<5`, and a share whose count or denominator is such a cell is withheld, so no household
//! can be singled out.

use rust_decimal::Decimal;
use serde_json::Value;

use super::model::ReportMetric;
use crate::domain::organisation::OrgKind;

/// Counts below this many households are shown as `<5` outside the municipality.
pub const SMALL_CELL_LIMIT: u64 = 5;

/// Whether a count is a small cell (1 to 4 households). Zero singles nobody out.
pub fn is_small(count: u64) -> bool {
    (1..SMALL_CELL_LIMIT).contains(&count)
}

/// Whether the rule applies to a reader of a municipality's report: to everyone but the
/// municipality itself.
pub fn applies_to(reader_kind: OrgKind, reader_id: &str, municipality: &str) -> bool {
    !(reader_kind == OrgKind::Municipality && reader_id == municipality)
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
pub fn shown_share(metric: &ReportMetric, suppress: bool) -> Option<Decimal> {
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
    fn the_rule_spares_only_the_municipality_itself() {
        assert!(!applies_to(OrgKind::Municipality, "GM0629", "GM0629"));
        assert!(applies_to(OrgKind::Municipality, "GM0363", "GM0629"));
        assert!(applies_to(OrgKind::Corporation, "GM0629", "GM0629"));
        assert!(applies_to(
            OrgKind::TenantAssociation,
            "rozenstein",
            "GM0629"
        ));
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
