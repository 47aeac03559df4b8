//! The stock of a municipality on a date: each corporation's latest snapshot at or before it,
//! its figures under the agreement's definition and its E/F/G path, and the total, all
//! through the privacy rule.

use chrono::NaiveDate;
use diesel::QueryResult;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::privacy::Table;
use super::shared::{definition, latest_on, rules_on, values, DefinitionBody};
use crate::config::ReferenceData;
use crate::db::stock as store;
use crate::db::DbConnection;
use crate::domain::small_numbers::Viewer;
use crate::domain::stock::{efg_allowed, stock_figures, StockFigures};

/// The E/F/G homes of a scope against the straight path to none on the deadline.
#[derive(Debug, Serialize, ToSchema)]
pub struct EfgPathBody {
    /// The snapshot the path starts from (the scope's first in the municipality).
    pub baseline_date: NaiveDate,
    /// The most E/F/G social homes the path allows on the snapshot's date; null where the
    /// reader may not see the counts exactly.
    pub allowed: Option<u64>,
    pub on_path: bool,
}

/// The figures of one scope: the total (no corporation) or one corporation.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScopeFigures {
    /// Null for the total.
    pub corporation: Option<String>,
    /// The snapshot's reference date; null for the total.
    pub reference_date: Option<NaiveDate>,
    /// `units`, `homes`, `social`, `middenhuur`, `other_homes`, `efg`, `efg_planned_exit`,
    /// `labels_expired`, `labels_expiring`, `condition_5_or_6`: each a number, `"<5"` or
    /// `"x"` (privacy rule).
    #[schema(value_type = Object)]
    pub figures: Value,
    /// Homes in exploitatie per energy label (`A++`, …, `G`, `none`), each as in `figures`.
    #[schema(value_type = Object)]
    pub labels: Value,
    pub efg_path: Option<EfgPathBody>,
}

/// The stock of a municipality on a date.
#[derive(Debug, Serialize, ToSchema)]
pub struct StockBody {
    pub municipality: String,
    pub date: NaiveDate,
    pub definition: DefinitionBody,
    pub total: ScopeFigures,
    /// Each corporation with a snapshot at or before the date.
    pub corporations: Vec<ScopeFigures>,
}

const FIGURES: [&str; 10] = [
    "units",
    "homes",
    "social",
    "middenhuur",
    "other_homes",
    "efg",
    "efg_planned_exit",
    "labels_expired",
    "labels_expiring",
    "condition_5_or_6",
];

fn figure(f: &StockFigures, name: &str) -> u64 {
    match name {
        "units" => f.units,
        "homes" => f.homes,
        "social" => f.social,
        "middenhuur" => f.middenhuur,
        "other_homes" => f.other_homes,
        "efg" => f.efg,
        "efg_planned_exit" => f.efg_planned_exit,
        "labels_expired" => f.labels_expired,
        "labels_expiring" => f.labels_expiring,
        _ => f.condition_5_or_6,
    }
}

/// One corporation's figures and E/F/G path.
struct Scope {
    corporation: String,
    date: NaiveDate,
    figures: StockFigures,
    baseline: (NaiveDate, u64),
    allowed: u64,
}

/// The stock of a municipality on `day`, as `viewer` may see it.
pub fn stock_at(
    conn: &mut DbConnection,
    reference: &ReferenceData,
    municipality: &str,
    day: NaiveDate,
    viewer: &Viewer,
) -> QueryResult<StockBody> {
    let norms = crate::service::norms::current(conn, reference)?;
    let snapshots = store::snapshots(conn, municipality)?;
    let mut scopes = Vec::new();
    for (corporation, snapshot) in latest_on(&snapshots, day) {
        let (_, rules) = rules_on(reference, &norms, municipality, snapshot.reference_date);
        let units = store::snapshot_units(conn, snapshot)?;
        let figures = stock_figures(&units, &rules, snapshot.reference_date);
        // The path starts at the corporation's first snapshot in the municipality.
        let first = snapshots
            .iter()
            .filter(|s| s.corporation == corporation)
            .min_by_key(|s| s.reference_date)
            .unwrap_or(snapshot);
        let baseline = if first.id == snapshot.id {
            (first.reference_date, figures.efg)
        } else {
            let (_, first_rules) = rules_on(reference, &norms, municipality, first.reference_date);
            let first_units = store::snapshot_units(conn, first)?;
            let base = stock_figures(&first_units, &first_rules, first.reference_date);
            (first.reference_date, base.efg)
        };
        let allowed = efg_allowed(
            baseline.1,
            baseline.0,
            snapshot.reference_date,
            rules.efg_deadline,
        );
        scopes.push(Scope {
            corporation,
            date: snapshot.reference_date,
            figures,
            baseline,
            allowed,
        });
    }
    let (agreement, rules) = rules_on(reference, &norms, municipality, day);
    let mut total = StockFigures::default();
    for s in &scopes {
        total.add(&s.figures);
    }
    let label_names: Vec<String> = total.labels.keys().cloned().collect();
    let mut table = Table::default();
    let put = |table: &mut Table, scope: Option<&str>, f: &StockFigures| {
        for name in FIGURES {
            table.cell(viewer, scope, name, figure(f, name));
        }
        for label in &label_names {
            let n = f.labels.get(label).copied().unwrap_or(0);
            table.cell(viewer, scope, &format!("label:{label}"), n);
        }
        table.within(
            scope,
            "homes",
            &["social".into(), "middenhuur".into(), "other_homes".into()],
        );
        let labels: Vec<String> = label_names.iter().map(|l| format!("label:{l}")).collect();
        table.within(scope, "homes", &labels);
    };
    put(&mut table, None, &total);
    for s in &scopes {
        put(&mut table, Some(&s.corporation), &s.figures);
    }
    let corporations: Vec<String> = scopes.iter().map(|s| s.corporation.clone()).collect();
    table.across(&corporations);
    let protected = table.protect(viewer);
    let body_of =
        |scope: Option<&str>, date: Option<NaiveDate>, path: Option<EfgPathBody>| ScopeFigures {
            corporation: scope.map(str::to_string),
            reference_date: date,
            figures: values(
                &protected,
                scope,
                FIGURES.iter().map(|f| (f.to_string(), f.to_string())),
            ),
            labels: values(
                &protected,
                scope,
                label_names
                    .iter()
                    .map(|l| (l.clone(), format!("label:{l}"))),
            ),
            efg_path: path,
        };
    let path_of = |s: &Scope| {
        let exact = protected.is_exact(Some(&s.corporation), "efg");
        EfgPathBody {
            baseline_date: s.baseline.0,
            allowed: exact.then_some(s.allowed),
            on_path: s.figures.efg <= s.allowed,
        }
    };
    let total_path = scopes
        .iter()
        .map(|s| s.baseline.0)
        .min()
        .map(|baseline_date| {
            let allowed: u64 = scopes.iter().map(|s| s.allowed).sum();
            EfgPathBody {
                baseline_date,
                allowed: protected.is_exact(None, "efg").then_some(allowed),
                on_path: scopes.iter().all(|s| s.figures.efg <= s.allowed),
            }
        });
    Ok(StockBody {
        municipality: municipality.to_string(),
        date: day,
        definition: definition(&agreement, &rules),
        total: body_of(None, None, total_path),
        corporations: scopes
            .iter()
            .map(|s| body_of(Some(&s.corporation), Some(s.date), Some(path_of(s))))
            .collect(),
    })
}
