//! Publication: a report frozen as JSON with its SHA-256, served byte for byte from then on;
//! and reading a municipality's report, frozen or live.

use crate::domain::audit::{Actor, AuditAction, AuditEvent};
use crate::service::audit;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::QueryResult;
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use super::build::build;
use super::cells::{disclosure, Protection};
use super::model::Report;
use crate::config::ReferenceData;
use crate::db::report::{self as store, PublishedReport};
use crate::db::DbConnection;
use crate::domain::period::Period;
use crate::domain::small_numbers::Viewer;

/// Publication details, for the JSON of a live view and the publish answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicationBody {
    pub municipality: String,
    pub half_year: String,
    pub published_at: DateTime<Utc>,
    pub published_by: String,
    /// SHA-256 (hex) of the frozen JSON.
    pub sha256: String,
    pub norms_years: Vec<i32>,
    pub agreement_id: String,
    pub agreement_version: i32,
}

impl From<&PublishedReport> for PublicationBody {
    fn from(p: &PublishedReport) -> Self {
        Self {
            municipality: p.municipality.clone(),
            half_year: p.half_year.clone(),
            published_at: p.published_at.and_utc(),
            published_by: p.published_by.clone(),
            sha256: p.sha256.clone(),
            norms_years: p
                .norms_years
                .split(',')
                .filter_map(|y| y.parse().ok())
                .collect(),
            agreement_id: p.agreement_id.clone(),
            agreement_version: p.agreement_version,
        }
    }
}

/// A stored publication: its details and the frozen JSON, exactly as stored.
#[derive(Debug, Clone)]
pub struct Publication {
    pub details: PublicationBody,
    pub frozen_json: String,
}

impl From<PublishedReport> for Publication {
    fn from(p: PublishedReport) -> Self {
        Self {
            details: PublicationBody::from(&p),
            frozen_json: p.body,
        }
    }
}

/// A municipality's report for a half year as a reader gets it.
#[derive(Debug, Clone)]
pub enum Reading {
    /// Not published: the figures as they are now.
    Live(Report),
    /// Published: the frozen version.
    Frozen(Publication),
    /// Published, and the live figures asked for, to show what changed since.
    Current {
        publication: Publication,
        live: Report,
    },
}

/// Reads the report of a municipality for a half year: the publication when there is one (and
/// `current` is not asked), else the live figures as of `now`.
pub fn read(
    conn: &mut DbConnection,
    reference: &ReferenceData,
    municipality: &str,
    half: Period,
    now: NaiveDateTime,
    current: bool,
) -> QueryResult<Reading> {
    Ok(
        match store::published(conn, municipality, &half.to_string())? {
            Some(published) if !current => Reading::Frozen(published.into()),
            Some(published) => Reading::Current {
                publication: published.into(),
                live: build(conn, reference, municipality, half, now)?,
            },
            None => Reading::Live(build(conn, reference, municipality, half, now)?),
        },
    )
}

/// Reads the report (see [`read`]) and how `viewer` may see it (see [`protection`]).
pub fn read_for(
    conn: &mut DbConnection,
    reference: &ReferenceData,
    municipality: &str,
    half: Period,
    now: NaiveDateTime,
    current: bool,
    viewer: &Viewer,
) -> QueryResult<(Reading, Protection)> {
    let reading = read(conn, reference, municipality, half, now, current)?;
    let protection = protection(conn, reference, &reading, viewer, now)?;
    Ok((reading, protection))
}

/// How `viewer` may see what was read: every figure for the municipality itself; for everyone
/// else the report protected as its figures stand against the live quota figures of the year
/// (see [`super::cells`]), and for a live view of a publication the publication as well.
pub fn protection(
    conn: &mut DbConnection,
    reference: &ReferenceData,
    reading: &Reading,
    viewer: &Viewer,
    now: NaiveDateTime,
) -> QueryResult<Protection> {
    if viewer.is_exact() {
        return Ok(Protection::Exact);
    }
    let today = now.date();
    let frozen = |p: &Publication| -> QueryResult<Report> {
        serde_json::from_str(&p.frozen_json)
            .map_err(|e| diesel::result::Error::DeserializationError(Box::new(e)))
    };
    let protect = |conn: &mut DbConnection, report: &Report| {
        disclosure(conn, reference, report, viewer, today)
    };
    let (report, published) = match reading {
        Reading::Live(live) => (protect(conn, live)?, None),
        Reading::Frozen(publication) => (protect(conn, &frozen(publication)?)?, None),
        Reading::Current { publication, live } => {
            (protect(conn, live)?, protect(conn, &frozen(publication)?)?)
        }
    };
    Ok(match report {
        None => Protection::Exact,
        Some(report) => Protection::Protected {
            report: Box::new(report),
            published: published.map(Box::new),
        },
    })
}

/// Builds the report as of `now` and stores it as the publication of the half year, in one
/// transaction. `None` when the half year was published already.
pub fn publish(
    conn: &mut DbConnection,
    reference: &ReferenceData,
    municipality: &str,
    half: Period,
    actor: &Actor,
    now: NaiveDateTime,
) -> QueryResult<Option<PublicationBody>> {
    crate::db::write_transaction(conn, |conn| {
        let report = build(conn, reference, municipality, half, now)?;
        let body = serde_json::to_string(&report)
            .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
        let publication = PublishedReport {
            municipality: municipality.to_string(),
            half_year: half.to_string(),
            sha256: hex::encode(Sha256::digest(body.as_bytes())),
            body,
            norms_years: report
                .footer
                .norms
                .iter()
                .map(|n| n.year.to_string())
                .collect::<Vec<_>>()
                .join(","),
            agreement_id: report.agreement.id.clone(),
            agreement_version: i32::try_from(report.agreement.version).unwrap_or(i32::MAX),
            published_by: actor.organisation.clone(),
            published_at: now,
        };
        if !store::publish(conn, &publication)? {
            return Ok(None);
        }
        let event = AuditEvent::new(
            AuditAction::ReportPublished,
            Some(municipality),
            format!("report:{half}"),
        );
        audit::record(conn, actor, &event, now)?;
        Ok(Some(PublicationBody::from(&publication)))
    })
}
