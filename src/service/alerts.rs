//! Re-evaluating the signal alerts of a municipality-year after its lettings changed.
//!
//! Runs inside the transaction that changed the lettings, under the municipality's write lock,
//! so the alerts always match the committed lettings and two writers never open the same alert.

use std::collections::BTreeSet;

use chrono::NaiveDateTime;
use diesel::QueryResult;
use rust_decimal::Decimal;

use crate::config::ReferenceData;
use crate::db::alerts::{self as store, Figures};
use crate::db::{locks, DbConnection};
use crate::domain::alerts::{transition, AlertChangeKind, AlertLevel, AlertTransition};
use crate::domain::period::Period;
use crate::domain::quota::State;
use crate::service::quota::scope_counts;

/// One change of one alert, as delivered to subscribers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertChange {
    pub alert_id: i64,
    pub municipality: String,
    pub metric: String,
    /// None for the municipality total.
    pub corporation: Option<String>,
    pub year: i32,
    pub change: AlertChangeKind,
    pub level: AlertLevel,
    pub metric_state: State,
    pub count: u64,
    pub denominator: u64,
    pub share: Option<Decimal>,
    pub limit: Option<Decimal>,
    pub at: NaiveDateTime,
}

/// Locks the municipalities and re-evaluates every touched (municipality, year).
pub fn evaluate_touched(
    conn: &mut DbConnection,
    reference: &ReferenceData,
    touched: &BTreeSet<(String, i32)>,
    now: NaiveDateTime,
) -> QueryResult<Vec<AlertChange>> {
    let names: Vec<String> = touched
        .iter()
        .map(|(m, _)| crate::db::locks::municipality(m))
        .collect();
    locks::take(conn, &names, now)?;
    let mut changes = Vec::new();
    for (municipality, year) in touched {
        changes.extend(evaluate_year(conn, reference, municipality, *year, now)?);
    }
    Ok(changes)
}

/// Re-evaluates the year-to-date window (every letting with contract_start in `year`) of one
/// municipality, per metric and scope. Call under the municipality's write lock.
pub fn evaluate_year(
    conn: &mut DbConnection,
    reference: &ReferenceData,
    municipality: &str,
    year: i32,
    now: NaiveDateTime,
) -> QueryResult<Vec<AlertChange>> {
    let (agreement, scopes) = scope_counts(conn, reference, municipality, Period::Year(year))?;
    let open = store::open_alerts(conn, municipality, year)?;
    let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
    let mut changes = Vec::new();
    for (corporation, counts) in &scopes {
        let scope_key = corporation.clone().unwrap_or_default();
        for figures in counts.evaluate(&agreement) {
            let metric = figures.metric.name();
            seen.insert((metric.to_string(), scope_key.clone()));
            let current = open
                .iter()
                .find(|a| a.metric == metric && a.corporation == scope_key);
            let current_level = current.map(|a| a.level);
            let step = transition(current_level, figures.state);
            let Some(change) = step.change() else {
                continue;
            };
            let level = match step {
                AlertTransition::Open(l) | AlertTransition::ChangeLevel(l) => l,
                _ => current_level.unwrap_or(AlertLevel::Warning),
            };
            let limit_text = figures
                .limit
                .map(|l| l.normalize().to_string())
                .unwrap_or_default();
            let row = Figures {
                level,
                metric_state: figures.state.as_str(),
                count: i64::try_from(figures.count).unwrap_or(i64::MAX),
                denominator: i64::try_from(figures.denominator).unwrap_or(i64::MAX),
                limit_value: &limit_text,
            };
            let alert_id = match current {
                None => store::open(conn, municipality, metric, &scope_key, year, &row, now)?,
                Some(alert) => {
                    store::change(conn, alert.id, change, &row, now)?;
                    alert.id
                }
            };
            changes.push(AlertChange {
                alert_id,
                municipality: municipality.to_string(),
                metric: metric.to_string(),
                corporation: corporation.clone(),
                year,
                change,
                level,
                metric_state: figures.state,
                count: figures.count,
                denominator: figures.denominator,
                share: figures.share,
                limit: figures.limit,
                at: now,
            });
        }
    }
    // A corporation with no lettings left in the year has no scope any more: its signals end.
    for alert in open
        .iter()
        .filter(|a| !seen.contains(&(a.metric.clone(), a.corporation.clone())))
    {
        let level = alert.level;
        let row = Figures {
            level,
            metric_state: State::InsufficientData.as_str(),
            count: 0,
            denominator: 0,
            limit_value: &alert.limit_value,
        };
        store::change(conn, alert.id, AlertChangeKind::Resolved, &row, now)?;
        changes.push(AlertChange {
            alert_id: alert.id,
            municipality: municipality.to_string(),
            metric: alert.metric.clone(),
            corporation: Some(alert.corporation.clone()).filter(|c| !c.is_empty()),
            year,
            change: AlertChangeKind::Resolved,
            level,
            metric_state: State::InsufficientData,
            count: 0,
            denominator: 0,
            share: None,
            limit: alert.limit_value.parse().ok(),
            at: now,
        });
    }
    Ok(changes)
}
