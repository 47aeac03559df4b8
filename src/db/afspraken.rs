//! Progress updates on afspraken: appended, never edited or deleted (the table's triggers refuse
//! it).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::afspraak_updates;
use super::DbConnection;
use crate::on_backend;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = afspraak_updates)]
pub struct UpdateRow {
    pub id: i64,
    pub municipality: String,
    pub agreement_id: String,
    pub afspraak_key: String,
    pub status: String,
    pub escalation_level: i32,
    pub note: String,
    pub organisation_id: String,
    pub person: Option<String>,
    pub created_at: NaiveDateTime,
}

/// A checked update to store.
pub struct NewUpdate<'a> {
    pub municipality: &'a str,
    pub agreement_id: &'a str,
    pub afspraak_key: &'a str,
    pub status: &'a str,
    pub escalation_level: i32,
    pub note: &'a str,
    pub organisation_id: &'a str,
    pub person: Option<&'a str>,
    pub created_at: NaiveDateTime,
}

/// Appends an update.
pub fn add(conn: &mut DbConnection, update: &NewUpdate<'_>) -> QueryResult<UpdateRow> {
    on_backend!(conn, c => diesel::insert_into(afspraak_updates::table)
        .values((
            afspraak_updates::municipality.eq(update.municipality),
            afspraak_updates::agreement_id.eq(update.agreement_id),
            afspraak_updates::afspraak_key.eq(update.afspraak_key),
            afspraak_updates::status.eq(update.status),
            afspraak_updates::escalation_level.eq(update.escalation_level),
            afspraak_updates::note.eq(update.note),
            afspraak_updates::organisation_id.eq(update.organisation_id),
            afspraak_updates::person.eq(update.person),
            afspraak_updates::created_at.eq(update.created_at),
        ))
        .returning(UpdateRow::as_returning())
        .get_result(c))
}

/// Every update on the afspraken of one agreement of a municipality, oldest first.
pub fn of_agreement(
    conn: &mut DbConnection,
    municipality: &str,
    agreement_id: &str,
) -> QueryResult<Vec<UpdateRow>> {
    afspraak_updates::table
        .filter(afspraak_updates::municipality.eq(municipality))
        .filter(afspraak_updates::agreement_id.eq(agreement_id))
        .order(afspraak_updates::id)
        .select(UpdateRow::as_select())
        .load(conn)
}
