//! The afspraken of a municipality's agreement with their progress and traffic light, and
//! posting an update (by the municipality or the afspraak's trekker).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::QueryResult;
use serde::Serialize;
use utoipa::ToSchema;

use crate::config::ReferenceData;
use crate::db::afspraken::{self as store, NewUpdate, UpdateRow};
use crate::db::DbConnection;
use crate::domain::afspraken::{
    self, escalation_dutch, planning_light, Afspraak, Light, LightReason, ProgressStatus,
    UpdateFact,
};
use crate::domain::audit::{Actor, AuditAction, AuditEvent};
use crate::domain::organisation::Organisation;
use crate::domain::period::Period;
use crate::domain::small_numbers::Viewer;
use crate::service::audit;
use crate::service::small_numbers::quota_for;

/// One posted update.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AfspraakUpdateBody {
    pub id: i64,
    /// `not_started`, `in_progress`, `delayed` or `done`.
    pub status: String,
    /// 0 none, 1 ambtelijk overleg, 2 bestuurlijk overleg, 3 geschil.
    pub escalation_level: i32,
    pub note: String,
    /// The organisation that posted it.
    pub organisation: String,
    #[schema(value_type = String, format = DateTime)]
    pub at: NaiveDateTime,
}

impl From<UpdateRow> for AfspraakUpdateBody {
    fn from(row: UpdateRow) -> Self {
        Self {
            id: row.id,
            status: row.status,
            escalation_level: row.escalation_level,
            note: row.note,
            organisation: row.organisation_id,
            at: row.created_at,
        }
    }
}

/// One afspraak with its light on the day asked.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AfspraakBody {
    /// The key that names it in this agreement (unique where the text repeats a number).
    pub key: String,
    /// The number as the text prints it, where known.
    pub number: Option<String>,
    pub section: String,
    pub theme: String,
    pub text: String,
    /// The organisation id or role (`gemeente`, `corporaties`, `huurdersorganisaties`,
    /// `alle partijen`) that leads.
    pub trekker: String,
    pub parties: Vec<String>,
    /// The planning as the text writes it.
    pub planning: String,
    /// The deadline of the current cycle, if the planning has one.
    #[schema(value_type = Option<String>, format = Date)]
    pub deadline: Option<NaiveDate>,
    /// The quota metric that tells its progress, if any.
    pub linked_metric: Option<String>,
    /// That metric's state for the municipality total in the year asked.
    pub linked_state: Option<String>,
    /// `green`, `orange`, `red` or `grey`.
    pub light: &'static str,
    /// `done`, `overdue`, `due_soon_not_started`, `delayed`, `in_progress`, `nothing_due` or
    /// `figure`.
    pub reason: &'static str,
    /// The reason in Dutch.
    pub reason_text: &'static str,
    /// The latest update's status, if any.
    pub status: Option<String>,
    /// The latest update's escalation level (0 when there is none).
    pub escalation_level: i32,
    pub escalation_text: &'static str,
    /// A fault of the agreement's text at this afspraak, said where it is.
    pub remark: Option<String>,
    /// Every update, oldest first.
    pub updates: Vec<AfspraakUpdateBody>,
}

/// The afspraken of a municipality's agreement on a day.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AfsprakenBody {
    pub municipality: String,
    /// The agreement's id; `national` when the municipality has none for the year.
    pub agreement: String,
    #[schema(value_type = String, format = Date)]
    pub on: NaiveDate,
    /// How many afspraken have each light.
    pub lights: LightCounts,
    pub afspraken: Vec<AfspraakBody>,
}

#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct LightCounts {
    pub green: usize,
    pub orange: usize,
    pub red: usize,
    pub grey: usize,
}

/// The light a linked quota metric's state gives.
fn light_of_state(state: &str) -> Light {
    match state {
        "ok" => Light::Green,
        "warning" => Light::Orange,
        "breach" => Light::Red,
        _ => Light::Grey,
    }
}

/// The states of the municipality total's metrics in `year`, as `viewer` may see them.
fn total_states(
    conn: &mut DbConnection,
    reference: &ReferenceData,
    municipality: &str,
    year: i32,
    viewer: &Viewer,
) -> QueryResult<Vec<(String, String)>> {
    let quota = quota_for(conn, reference, municipality, Period::Year(year), viewer)?;
    let metrics = quota["scopes"]
        .as_array()
        .and_then(|scopes| scopes.iter().find(|s| s["scope"] == "total"))
        .and_then(|total| total["metrics"].as_array())
        .cloned()
        .unwrap_or_default();
    Ok(metrics
        .iter()
        .filter_map(|m| Some((m["metric"].as_str()?.into(), m["state"].as_str()?.into())))
        .collect())
}

fn facts(updates: &[&UpdateRow]) -> Vec<UpdateFact> {
    updates
        .iter()
        .filter_map(|u| {
            Some(UpdateFact {
                status: ProgressStatus::parse(&u.status)?,
                on: u.created_at.date(),
            })
        })
        .collect()
}

/// The afspraken of the agreement that applies to `municipality` on `on`, each with its light.
pub fn list(
    conn: &mut DbConnection,
    reference: &ReferenceData,
    municipality: &str,
    on: NaiveDate,
    viewer: &Viewer,
) -> QueryResult<AfsprakenBody> {
    let agreement = reference
        .agreements
        .applicable(municipality, chrono::Datelike::year(&on));
    let rows = store::of_agreement(conn, municipality, &agreement.id)?;
    let needs_figures = agreement
        .afspraken
        .iter()
        .any(|a| a.linked_metric.is_some());
    let states = if needs_figures {
        total_states(
            conn,
            reference,
            municipality,
            chrono::Datelike::year(&on),
            viewer,
        )?
    } else {
        Vec::new()
    };
    let mut lights = LightCounts::default();
    let afspraken = agreement
        .afspraken
        .iter()
        .map(|afspraak| {
            let own: Vec<&UpdateRow> = rows
                .iter()
                .filter(|r| r.afspraak_key == afspraak.key && r.created_at.date() <= on)
                .collect();
            let body = afspraak_body(afspraak, &own, &states, on);
            match body.light {
                "green" => lights.green += 1,
                "orange" => lights.orange += 1,
                "red" => lights.red += 1,
                _ => lights.grey += 1,
            }
            body
        })
        .collect();
    Ok(AfsprakenBody {
        municipality: municipality.to_string(),
        agreement: agreement.id.clone(),
        on,
        lights,
        afspraken,
    })
}

fn afspraak_body(
    afspraak: &Afspraak,
    updates: &[&UpdateRow],
    states: &[(String, String)],
    on: NaiveDate,
) -> AfspraakBody {
    let facts = facts(updates);
    let linked_state = afspraak.linked_metric.and_then(|metric| {
        states
            .iter()
            .find(|(name, _)| name == metric.name())
            .map(|(_, state)| state.clone())
    });
    let (light, reason) = match &linked_state {
        Some(state) => (light_of_state(state), LightReason::Figure),
        None => planning_light(afspraak.schedule, &facts, on),
    };
    let latest = updates.last();
    let escalation_level = latest.map_or(0, |u| u.escalation_level);
    AfspraakBody {
        key: afspraak.key.clone(),
        number: afspraak.number.clone(),
        section: afspraak.section.clone(),
        theme: afspraak.theme.clone(),
        text: afspraak.text.clone(),
        trekker: afspraak.trekker.clone(),
        parties: afspraak.parties.clone(),
        planning: afspraak.planning.clone(),
        deadline: afspraken::current_deadline(afspraak.schedule, &facts, on).map(|(d, _)| d),
        linked_metric: afspraak.linked_metric.map(|m| m.name().to_string()),
        linked_state,
        light: light.as_str(),
        reason: reason.as_str(),
        reason_text: reason.dutch(),
        status: latest.map(|u| u.status.clone()),
        escalation_level,
        escalation_text: escalation_dutch(escalation_level),
        remark: afspraak.remark.clone(),
        updates: updates.iter().map(|u| (*u).clone().into()).collect(),
    }
}

/// A checked update from a request, on afspraak `key` of `municipality`'s agreement.
pub struct UpdateRequest {
    pub municipality: String,
    pub key: String,
    pub status: ProgressStatus,
    pub escalation_level: i32,
    pub note: String,
}

/// What became of a posted update.
#[derive(Debug)]
pub enum UpdateOutcome {
    Added(AfspraakUpdateBody),
    /// The agreement that applies today has no afspraak with that key.
    NoSuchAfspraak,
    /// Neither the municipality nor the afspraak's trekker.
    NotAllowed {
        trekker: String,
    },
}

/// Posts an update on the afspraak of the agreement that applies on `now`, with its audit event, in one transaction.
pub fn post_update(
    conn: &mut DbConnection,
    reference: &ReferenceData,
    writer: &Organisation,
    actor: &Actor,
    request: &UpdateRequest,
    now: NaiveDateTime,
) -> QueryResult<UpdateOutcome> {
    let (municipality, key) = (request.municipality.as_str(), request.key.as_str());
    let agreement = reference
        .agreements
        .applicable(municipality, chrono::Datelike::year(&now.date()));
    let Some(afspraak) = afspraken::find(&agreement.afspraken, key) else {
        return Ok(UpdateOutcome::NoSuchAfspraak);
    };
    if !afspraken::may_update(writer, municipality, &afspraak.trekker) {
        return Ok(UpdateOutcome::NotAllowed {
            trekker: afspraak.trekker.clone(),
        });
    }
    crate::db::write_transaction(conn, |conn| {
        let row = store::add(
            conn,
            &NewUpdate {
                municipality,
                agreement_id: &agreement.id,
                afspraak_key: key,
                status: request.status.as_str(),
                escalation_level: request.escalation_level,
                note: &request.note,
                organisation_id: &writer.id,
                person: actor.person.as_deref(),
                created_at: now,
            },
        )?;
        let event = AuditEvent::new(
            AuditAction::AfspraakUpdated,
            Some(municipality),
            format!("afspraak:{key}"),
        )
        .with("update", row.id)
        .with("escalation_level", i64::from(row.escalation_level));
        audit::record(conn, actor, &event, now)?;
        Ok(UpdateOutcome::Added(row.into()))
    })
}
