//! A little progress on the demonstration municipality's afspraken, so the afspraken list shows
//! every kind of light at once.

use chrono::{Datelike, NaiveDate, NaiveDateTime};

use crate::config::ReferenceData;
use crate::db::afspraken::{self, NewUpdate};
use crate::db::DbConnection;

use super::MUNICIPALITY;

/// Posts the demo's updates once (when the agreement has none yet): the project list of the
/// second quarter done, the E/F/G programme under way, and a delay on the stock condition that
/// the municipality has taken to the ambtelijk overleg.
pub fn load(
    conn: &mut DbConnection,
    reference: &ReferenceData,
    today: NaiveDate,
    now: NaiveDateTime,
) -> diesel::QueryResult<()> {
    let agreement = reference.agreements.applicable(MUNICIPALITY, today.year());
    if agreement.afspraken.is_empty()
        || !afspraken::of_agreement(conn, MUNICIPALITY, &agreement.id)?.is_empty()
    {
        return Ok(());
    }
    let updates = [
        (
            "3.1-projectenlijst-q2",
            "done",
            0,
            "Projectenlijst bijgewerkt en gedeeld met de corporaties.",
            MUNICIPALITY,
        ),
        (
            "3.3-efg",
            "in_progress",
            0,
            "Verduurzamingsprogramma loopt; planning per complex bij de jaarschijf.",
            "dwb",
        ),
        (
            "3.1-voorraad",
            "delayed",
            1,
            "Compensatie voor twee verkochte woningen nog niet in de nieuwbouwmix; besproken in het ambtelijk overleg.",
            "willibrordus",
        ),
    ];
    for (key, status, escalation_level, note, organisation) in updates {
        if agreement.afspraken.iter().any(|a| a.key == key) {
            afspraken::add(
                conn,
                &NewUpdate {
                    municipality: MUNICIPALITY,
                    agreement_id: &agreement.id,
                    afspraak_key: key,
                    status,
                    escalation_level,
                    note,
                    organisation_id: organisation,
                    person: None,
                    created_at: now,
                },
            )?;
        }
    }
    Ok(())
}
