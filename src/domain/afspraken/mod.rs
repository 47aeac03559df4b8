//! The afspraken (numbered agreements) of a prestatieafspraken text and their progress: who
//! leads each (trekker), when it is due (planning), the updates the parties post, and the
//! traffic light (stoplicht) the yearly evaluation shows per afspraak.
//!
//! An afspraak is data in the agreement file (`[[afspraken]]`), beside the limits. Its light:
//! - with a linked figure (a quota metric): that figure's state (within the limit green, near it
//!   orange, over it red, too few lettings grey);
//! - otherwise from its planning and the latest update: done green; a deadline passed and not
//!   done red (te laat); a deadline within [`DUE_SOON_DAYS`] days and not started orange;
//!   reported delayed orange; in progress green; nothing due grey.
//!
//! A deadline is the last day on which the afspraak is on time: it turns red the day after.

use chrono::{Datelike, Duration, NaiveDate};
use serde::Deserialize;

use super::metric::Metric;
use super::organisation::{OrgKind, Organisation};

/// How many days before its deadline an afspraak not yet started turns orange.
pub const DUE_SOON_DAYS: i64 = 60;

/// One numbered afspraak of an agreement.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Afspraak {
    /// The key within the agreement: the number as written, made unique where the text
    /// numbers two afspraken alike (for example `"3.1-1a"`).
    pub key: String,
    /// The number as the text prints it; absent where the source at hand quotes the afspraak
    /// without its number.
    #[serde(default)]
    pub number: Option<String>,
    /// The section of the text (`"§3.1"`).
    pub section: String,
    /// The theme (thema), in Dutch as the text names it.
    pub theme: String,
    /// What was agreed, in one or two sentences close to the text.
    pub text: String,
    /// The organisation that leads (trekker): an organisation id, or a role when the text
    /// names a kind of party ("corporaties", "alle partijen").
    pub trekker: String,
    /// The parties involved besides the trekker.
    #[serde(default)]
    pub parties: Vec<String>,
    /// The planning as the text writes it ("Q2 2026", "jaarlijks", "doorlopend").
    pub planning: String,
    /// The planning made testable.
    #[serde(default)]
    pub schedule: Schedule,
    /// A figure the monitor computes that tells the afspraak's progress.
    #[serde(default)]
    pub linked_metric: Option<Metric>,
    /// A fault of the text at this afspraak (a double number, an undefined term), said where
    /// it is.
    #[serde(default)]
    pub remark: Option<String>,
}

/// When an afspraak is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Schedule {
    /// Continuous work (doorlopend) or no moment named: never overdue.
    #[default]
    Continuous,
    /// Once, by this day (inclusive).
    Once { due: NaiveDate },
    /// Every year by this month and day (inclusive), from `first_year`.
    Yearly {
        month: u32,
        day: u32,
        first_year: i32,
    },
}

/// The status a party reports in an update.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProgressStatus {
    NotStarted,
    InProgress,
    Delayed,
    Done,
}

impl ProgressStatus {
    pub const ALL: [ProgressStatus; 4] = [
        ProgressStatus::NotStarted,
        ProgressStatus::InProgress,
        ProgressStatus::Delayed,
        ProgressStatus::Done,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProgressStatus::NotStarted => "not_started",
            ProgressStatus::InProgress => "in_progress",
            ProgressStatus::Delayed => "delayed",
            ProgressStatus::Done => "done",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// In Dutch, for pages and reports.
    pub fn dutch(self) -> &'static str {
        match self {
            ProgressStatus::NotStarted => "niet gestart",
            ProgressStatus::InProgress => "loopt",
            ProgressStatus::Delayed => "vertraagd",
            ProgressStatus::Done => "afgerond",
        }
    }
}

/// The highest escalation level an update may name: 0 none, 1 ambtelijk overleg, 2 bestuurlijk
/// overleg (the administrative meeting), 3 geschil (the agreement's dispute clause).
pub const MAX_ESCALATION: i32 = 3;

/// The escalation level in Dutch.
pub fn escalation_dutch(level: i32) -> &'static str {
    match level {
        0 => "geen",
        1 => "ambtelijk overleg",
        2 => "bestuurlijk overleg",
        _ => "geschil",
    }
}

/// One posted update, as far as the light needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UpdateFact {
    pub status: ProgressStatus,
    /// The day it was posted.
    pub on: NaiveDate,
}

/// The traffic light of an afspraak.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Light {
    Green,
    Orange,
    Red,
    Grey,
}

impl Light {
    pub fn as_str(self) -> &'static str {
        match self {
            Light::Green => "green",
            Light::Orange => "orange",
            Light::Red => "red",
            Light::Grey => "grey",
        }
    }
}

/// Why an afspraak has its light, as a code and in Dutch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LightReason {
    Done,
    Overdue,
    DueSoonNotStarted,
    Delayed,
    InProgress,
    NothingDue,
    /// The linked figure decides.
    Figure,
}

impl LightReason {
    pub fn as_str(self) -> &'static str {
        match self {
            LightReason::Done => "done",
            LightReason::Overdue => "overdue",
            LightReason::DueSoonNotStarted => "due_soon_not_started",
            LightReason::Delayed => "delayed",
            LightReason::InProgress => "in_progress",
            LightReason::NothingDue => "nothing_due",
            LightReason::Figure => "figure",
        }
    }

    pub fn dutch(self) -> &'static str {
        match self {
            LightReason::Done => "afgerond",
            LightReason::Overdue => "te laat",
            LightReason::DueSoonNotStarted => "binnenkort af, nog niet gestart",
            LightReason::Delayed => "vertraagd",
            LightReason::InProgress => "loopt",
            LightReason::NothingDue => "niets te doen",
            LightReason::Figure => "volgens het cijfer",
        }
    }
}

/// The deadline that matters on `on` and whether it is met: for a one-off afspraak its due day
/// and whether the latest update says done; for a yearly one the first occurrence not yet met by
/// a `done` update posted after the occurrence before it, or else the next occurrence (then met
/// when a `done` was posted since the last one).
pub fn current_deadline(
    schedule: Schedule,
    updates: &[UpdateFact],
    on: NaiveDate,
) -> Option<(NaiveDate, bool)> {
    match schedule {
        Schedule::Continuous => None,
        Schedule::Once { due } => Some((
            due,
            latest(updates, on).is_some_and(|u| u.status == ProgressStatus::Done),
        )),
        Schedule::Yearly {
            month,
            day,
            first_year,
        } => {
            let mut previous: Option<NaiveDate> = None;
            let mut year = first_year;
            loop {
                let due = day_in(year, month, day)?;
                let met = updates.iter().any(|u| {
                    u.status == ProgressStatus::Done
                        && u.on <= on
                        && previous.is_none_or(|p| u.on > p)
                });
                if !met || due >= on {
                    return Some((due, met));
                }
                previous = Some(due);
                year += 1;
            }
        }
    }
}

/// `month`-`day` in `year`; 29 February falls back to 28 February in other years.
fn day_in(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, day).or_else(|| {
        NaiveDate::from_ymd_opt(year, month, 1)
            .and_then(|first| first.with_day(28))
            .filter(|_| day > 28)
    })
}

/// The latest update posted on or before `on`.
fn latest(updates: &[UpdateFact], on: NaiveDate) -> Option<UpdateFact> {
    updates
        .iter()
        .filter(|u| u.on <= on)
        .max_by_key(|u| u.on)
        .copied()
}

/// The light of an afspraak without a linked figure, on day `on`, from its schedule and the
/// updates posted so far (in any order).
pub fn planning_light(
    schedule: Schedule,
    updates: &[UpdateFact],
    on: NaiveDate,
) -> (Light, LightReason) {
    let status = latest(updates, on).map(|u| u.status);
    match current_deadline(schedule, updates, on) {
        Some((_, true)) => return (Light::Green, LightReason::Done),
        Some((due, false)) => {
            if on > due {
                return (Light::Red, LightReason::Overdue);
            }
            let started = matches!(
                status,
                Some(ProgressStatus::InProgress | ProgressStatus::Delayed)
            );
            if !started && on + Duration::days(DUE_SOON_DAYS) >= due {
                return (Light::Orange, LightReason::DueSoonNotStarted);
            }
        }
        None if status == Some(ProgressStatus::Done) => return (Light::Green, LightReason::Done),
        None => {}
    }
    match status {
        Some(ProgressStatus::Delayed) => (Light::Orange, LightReason::Delayed),
        Some(ProgressStatus::InProgress) => (Light::Green, LightReason::InProgress),
        _ => (Light::Grey, LightReason::NothingDue),
    }
}

/// Checks the afspraken of an agreement file: keys unique, yearly days that exist (29 February
/// allowed: it falls on the 28th in other years).
pub fn check(afspraken: &[Afspraak]) -> Result<(), String> {
    let mut keys = std::collections::BTreeSet::new();
    for afspraak in afspraken {
        if afspraak.key.is_empty() || !keys.insert(afspraak.key.as_str()) {
            return Err(format!(
                "afspraak key {:?} is empty or appears twice",
                afspraak.key
            ));
        }
        if let Schedule::Yearly { month, day, .. } = afspraak.schedule {
            if NaiveDate::from_ymd_opt(2028, month, day).is_none() {
                return Err(format!(
                    "afspraak {}: {month}-{day} is not a day of the year",
                    afspraak.key
                ));
            }
        }
    }
    Ok(())
}

/// The trekker roles an agreement file may name instead of one organisation.
pub const TREKKER_ROLES: [&str; 4] = [
    "gemeente",
    "corporaties",
    "huurdersorganisaties",
    "alle partijen",
];

/// Whether `writer` may post an update on an afspraak of `municipality` led by `trekker`: the
/// municipality on every afspraak of its own agreement, and an organisation of the municipality
/// that is the trekker, by id or by role.
pub fn may_update(writer: &Organisation, municipality: &str, trekker: &str) -> bool {
    if !writer.municipalities.contains(municipality) {
        return false;
    }
    match writer.kind {
        OrgKind::Municipality => writer.id == municipality,
        kind => {
            trekker == writer.id
                || trekker == "alle partijen"
                || (trekker == "corporaties" && kind == OrgKind::Corporation)
                || (trekker == "huurdersorganisaties" && kind == OrgKind::TenantAssociation)
        }
    }
}

/// The afspraak of an agreement with this key.
pub fn find<'a>(afspraken: &'a [Afspraak], key: &str) -> Option<&'a Afspraak> {
    afspraken.iter().find(|a| a.key == key)
}

#[cfg(test)]
mod tests;
