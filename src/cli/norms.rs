//! `quotamonitor norms import FILE` and `norms list`: the national norms an operator adds to a
//! running installation when the government announces a new year.

use std::fmt::Write;

use chrono::NaiveDateTime;

use crate::config::ReferenceData;
use crate::db::DbConnection;
use crate::service::norms::{self, ImportOutcome, NormsImportError};

/// Imports a norms file and says what changed, in a few lines for the operator.
pub fn import(
    conn: &mut DbConnection,
    reference: &ReferenceData,
    file_text: &str,
    now: NaiveDateTime,
) -> Result<String, NormsImportError> {
    let ImportOutcome {
        years,
        reclassified,
        still_provisional,
        alert_changes,
    } = norms::import(conn, reference, file_text, now)?;
    let years: Vec<String> = years.iter().map(i32::to_string).collect();
    let mut out = format!("norms imported for {}\n", years.join(", "));
    let _ = writeln!(
        out,
        "{reclassified} letting(s) reclassified with their own year's norms, {still_provisional} still provisional"
    );
    let _ = writeln!(out, "{} alert change(s)", alert_changes.len());
    Ok(out)
}

/// The years known, a tab-separated line each: year, origin, source.
pub fn list(conn: &mut DbConnection, reference: &ReferenceData) -> diesel::QueryResult<String> {
    let mut out = String::from("year\torigin\tsource\n");
    for year in norms::list(conn, reference)? {
        let origin = match year.imported_at {
            None => "built in".to_string(),
            Some(at) => format!("imported {}", at.format("%Y-%m-%d %H:%M UTC")),
        };
        let _ = writeln!(out, "{}\t{origin}\t{}", year.year, year.source);
    }
    Ok(out)
}
