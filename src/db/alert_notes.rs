//! Notes on alerts: appended, never edited or deleted (the table's triggers refuse it).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::alerts::AlertRow;
use super::schema::{alert_notes, alerts};
use super::DbConnection;
use crate::on_backend;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = alert_notes)]
pub struct NoteRow {
    pub id: i64,
    pub alert_id: i64,
    pub text: String,
    pub organisation_id: String,
    pub token_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

/// The alert `id` of a municipality, if there is one.
pub fn find_alert(
    conn: &mut DbConnection,
    municipality: &str,
    id: i64,
) -> QueryResult<Option<AlertRow>> {
    alerts::table
        .filter(alerts::id.eq(id))
        .filter(alerts::municipality.eq(municipality))
        .select(AlertRow::as_select())
        .first(conn)
        .optional()
}

/// Appends a note to an alert.
pub fn add(
    conn: &mut DbConnection,
    alert_id: i64,
    text: &str,
    organisation: &str,
    token_id: Option<i64>,
    now: NaiveDateTime,
) -> QueryResult<NoteRow> {
    on_backend!(conn, c => diesel::insert_into(alert_notes::table)
        .values((
            alert_notes::alert_id.eq(alert_id),
            alert_notes::text.eq(text),
            alert_notes::organisation_id.eq(organisation),
            alert_notes::token_id.eq(token_id),
            alert_notes::created_at.eq(now),
        ))
        .returning(NoteRow::as_returning())
        .get_result(c))
}

/// The notes of these alerts, per alert in the order they were written.
pub fn of_alerts(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<NoteRow>> {
    let mut notes = Vec::new();
    for chunk in ids.chunks(5_000) {
        notes.extend(
            alert_notes::table
                .filter(alert_notes::alert_id.eq_any(chunk))
                .order((alert_notes::alert_id, alert_notes::id))
                .select(NoteRow::as_select())
                .load(conn)?,
        );
    }
    Ok(notes)
}
