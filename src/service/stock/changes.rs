//! The changes of the social stock of a municipality between two dates, by cause, with the
//! correction line, through the privacy rule; the units that changed for their own
//! corporation only.

use chrono::NaiveDate;
use diesel::QueryResult;
use serde::Serialize;
use serde_json::{json, Value};
use utoipa::ToSchema;

use super::privacy::Table;
use super::shared::{definition, latest_on, rules_on, values, DefinitionBody};
use crate::config::ReferenceData;
use crate::db::stock as store;
use crate::db::DbConnection;
use crate::domain::small_numbers::Viewer;
use crate::domain::stock::{stock_changes, ChangeCause, Direction, Side, StockChanges};

/// One unit that entered or left the social stock (the corporation's own changes only).
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitChangeBody {
    pub unit: String,
    /// `addition` or `removal`.
    pub direction: String,
    /// The cause; null when the snapshots do not explain it (counted in the correction line).
    pub cause: Option<String>,
}

/// The changes of one scope between its two snapshots.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScopeChanges {
    pub corporation: Option<String>,
    /// The snapshots compared; null for the total.
    pub from_snapshot: Option<NaiveDate>,
    pub to_snapshot: Option<NaiveDate>,
    /// `begin`, `additions`, `removals`, `end`, `unexplained_additions`,
    /// `unexplained_removals`: each a number, `"<5"` or `"x"`; and `correction`, the signed
    /// end − (begin + additions − removals), or `"x"` where it would give a hidden count away.
    #[schema(value_type = Object)]
    pub counts: Value,
    /// Additions by cause (`new_build`, `acquisition`, `transformation`, `merge_split`, …).
    #[schema(value_type = Object)]
    pub additions: Value,
    /// Removals by cause (`sale`, `demolition`, `liberalisation`, `transformation`, …).
    #[schema(value_type = Object)]
    pub removals: Value,
    /// The units that changed: only in the caller's own corporation's scope.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub units: Option<Vec<UnitChangeBody>>,
}

/// The changes of the social stock of a municipality between two dates.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangesBody {
    pub municipality: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub definition: DefinitionBody,
    pub total: ScopeChanges,
    pub corporations: Vec<ScopeChanges>,
    /// Corporations without two different snapshots in the range (no snapshot at or before
    /// `from`, or none newer by `to`): not in the total.
    pub incomplete: Vec<String>,
    pub signals: SignalsBody,
}

/// Signals on the total (§3.1: no structural decline of the social stock, removals compensated
/// through the new-build mix). Each is null where the reader may not see exactly the counts it
/// comes from.
#[derive(Debug, Serialize, ToSchema)]
pub struct SignalsBody {
    /// The social stock ended below where it began.
    pub social_decline: Option<bool>,
    /// More homes left the social stock than entered it (the committed new-build pipeline is
    /// not counted yet).
    pub removals_not_compensated: Option<bool>,
}

const CHANGE_COUNTS: [&str; 6] = [
    "begin",
    "additions",
    "removals",
    "end",
    "unexplained_additions",
    "unexplained_removals",
];

const ADDITION_CAUSES: [ChangeCause; 9] = [
    ChangeCause::NewBuild,
    ChangeCause::Acquisition,
    ChangeCause::Transformation,
    ChangeCause::MergeSplit,
    ChangeCause::ReturnAfterRenovation,
    ChangeCause::Reclassification,
    ChangeCause::Exchange,
    ChangeCause::Administrative,
    ChangeCause::Other,
];

const REMOVAL_CAUSES: [ChangeCause; 9] = [
    ChangeCause::Sale,
    ChangeCause::Demolition,
    ChangeCause::Liberalisation,
    ChangeCause::Transformation,
    ChangeCause::MergeSplit,
    ChangeCause::Renovation,
    ChangeCause::Exchange,
    ChangeCause::Administrative,
    ChangeCause::Other,
];

fn change_count(c: &StockChanges, name: &str) -> u64 {
    match name {
        "begin" => c.begin,
        "additions" => c.added(),
        "removals" => c.removed(),
        "end" => c.end,
        "unexplained_additions" => c.unexplained_additions,
        _ => c.unexplained_removals,
    }
}

/// The changes of the social stock of a municipality from `from` to `to`.
pub fn changes_between(
    conn: &mut DbConnection,
    reference: &ReferenceData,
    municipality: &str,
    from: NaiveDate,
    to: NaiveDate,
    viewer: &Viewer,
) -> QueryResult<ChangesBody> {
    let norms = crate::service::norms::current(conn, reference)?;
    let snapshots = store::snapshots(conn, municipality)?;
    let starts = latest_on(&snapshots, from);
    let ends = latest_on(&snapshots, to);
    let mut scopes: Vec<(String, NaiveDate, NaiveDate, StockChanges)> = Vec::new();
    let mut incomplete = Vec::new();
    for (corporation, end) in &ends {
        let Some(start) = starts.get(corporation).filter(|s| s.id != end.id) else {
            incomplete.push(corporation.clone());
            continue;
        };
        let (_, start_rules) = rules_on(reference, &norms, municipality, start.reference_date);
        let (_, end_rules) = rules_on(reference, &norms, municipality, end.reference_date);
        let before = store::snapshot_units(conn, start)?;
        let after = store::snapshot_units(conn, end)?;
        let changes = stock_changes(
            Side {
                units: &before,
                date: start.reference_date,
                rules: &start_rules,
            },
            Side {
                units: &after,
                date: end.reference_date,
                rules: &end_rules,
            },
        );
        scopes.push((
            corporation.clone(),
            start.reference_date,
            end.reference_date,
            changes,
        ));
    }
    let mut total = StockChanges::default();
    for (_, _, _, c) in &scopes {
        total.add(c);
    }
    let mut table = Table::default();
    let put = |table: &mut Table, scope: Option<&str>, c: &StockChanges| {
        for name in CHANGE_COUNTS {
            table.cell(viewer, scope, name, change_count(c, name));
        }
        for cause in ADDITION_CAUSES {
            let n = c.additions.get(&cause).copied().unwrap_or(0);
            table.cell(viewer, scope, &format!("add:{}", cause.as_str()), n);
        }
        for cause in REMOVAL_CAUSES {
            let n = c.removals.get(&cause).copied().unwrap_or(0);
            table.cell(viewer, scope, &format!("remove:{}", cause.as_str()), n);
        }
        let adds: Vec<String> = ADDITION_CAUSES
            .iter()
            .map(|c| format!("add:{}", c.as_str()))
            .collect();
        let removes: Vec<String> = REMOVAL_CAUSES
            .iter()
            .map(|c| format!("remove:{}", c.as_str()))
            .collect();
        table.within(scope, "additions", &adds);
        table.within(scope, "removals", &removes);
    };
    put(&mut table, None, &total);
    for (corporation, _, _, c) in &scopes {
        put(&mut table, Some(corporation), c);
    }
    let corporations: Vec<String> = scopes.iter().map(|s| s.0.clone()).collect();
    table.across(&corporations);
    let protected = table.protect(viewer);
    let own = |scope: Option<&str>| match viewer {
        Viewer::Corporation(c) => scope == Some(c.as_str()),
        _ => false,
    };
    let scope_body =
        |scope: Option<&str>, dates: Option<(NaiveDate, NaiveDate)>, c: &StockChanges| {
            let mut counts = values(
                &protected,
                scope,
                CHANGE_COUNTS.iter().map(|n| (n.to_string(), n.to_string())),
            );
            let correction_shown = CHANGE_COUNTS.iter().all(|n| protected.is_exact(scope, n));
            if let Value::Object(map) = &mut counts {
                map.insert(
                    "correction".into(),
                    if correction_shown {
                        json!(c.correction)
                    } else {
                        json!("x")
                    },
                );
            }
            ScopeChanges {
                corporation: scope.map(str::to_string),
                from_snapshot: dates.map(|d| d.0),
                to_snapshot: dates.map(|d| d.1),
                counts,
                additions: values(
                    &protected,
                    scope,
                    ADDITION_CAUSES
                        .iter()
                        .map(|c| (c.as_str().to_string(), format!("add:{}", c.as_str()))),
                ),
                removals: values(
                    &protected,
                    scope,
                    REMOVAL_CAUSES
                        .iter()
                        .map(|c| (c.as_str().to_string(), format!("remove:{}", c.as_str()))),
                ),
                units: own(scope).then(|| {
                    c.units
                        .iter()
                        .map(|u| UnitChangeBody {
                            unit: u.unit.clone(),
                            direction: match u.direction {
                                Direction::Addition => "addition".into(),
                                Direction::Removal => "removal".into(),
                            },
                            cause: u.cause.map(|c| c.as_str().to_string()),
                        })
                        .collect()
                }),
            }
        };
    let (agreement, rules) = rules_on(reference, &norms, municipality, to);
    let exact = |names: &[&str]| names.iter().all(|n| protected.is_exact(None, n));
    let signals = SignalsBody {
        social_decline: exact(&["begin", "end"]).then_some(total.end < total.begin),
        removals_not_compensated: exact(&["additions", "removals"])
            .then_some(total.removed() > total.added()),
    };
    Ok(ChangesBody {
        municipality: municipality.to_string(),
        from,
        to,
        definition: definition(&agreement, &rules),
        total: scope_body(None, None, &total),
        corporations: scopes
            .iter()
            .map(|(corp, start, end, c)| scope_body(Some(corp), Some((*start, *end)), c))
            .collect(),
        incomplete,
        signals,
    })
}
