//! Corporations' expected available homes (verwacht vrijkomende woningen) per municipality and
//! year: each corporation gives its own figure, the municipality weighs their sum when it sets
//! the allocation plan's `expected_available`. A count of homes, not of households: every reader
//! of the municipality sees them.

use chrono::NaiveDateTime;
use diesel::QueryResult;

use crate::db::expected_homes::{self as store, ExpectedHomesRow};
use crate::db::{organisations, DbConnection};
use crate::domain::audit::{Actor, AuditAction, AuditEvent};
use crate::service::audit;

/// One corporation's figure, with its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedHomes {
    pub corporation: String,
    pub name: String,
    pub homes: i32,
    pub note: Option<String>,
    pub set_at: NaiveDateTime,
}

/// The figures of a municipality's year, by corporation.
pub fn of_year(
    conn: &mut DbConnection,
    municipality: &str,
    year: i32,
) -> QueryResult<Vec<ExpectedHomes>> {
    store::of_year(conn, municipality, year)?
        .into_iter()
        .map(|row| {
            let name = organisations::find(conn, &row.corporation)?
                .map(|o| o.name)
                .unwrap_or_else(|| row.corporation.clone());
            Ok(ExpectedHomes {
                corporation: row.corporation,
                name,
                homes: row.homes,
                note: row.note,
                set_at: row.set_at,
            })
        })
        .collect()
}

/// Sets the acting corporation's figure (checked by
/// [`crate::domain::allocation_plan::check_expected_homes`]), with its audit event.
pub fn set(
    conn: &mut DbConnection,
    municipality: &str,
    year: i32,
    homes: i32,
    note: Option<String>,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let row = ExpectedHomesRow {
        municipality: municipality.to_string(),
        year,
        corporation: actor.organisation.clone(),
        homes,
        note: note.filter(|n| !n.trim().is_empty()),
        set_at: now,
    };
    crate::db::write_transaction(conn, |conn| {
        store::set(conn, &row)?;
        let event = AuditEvent::new(
            AuditAction::ExpectedHomesSet,
            Some(municipality),
            format!("expected_homes:{year}"),
        )
        .with("homes", i64::from(homes));
        audit::record(conn, actor, &event, now)
    })
}
