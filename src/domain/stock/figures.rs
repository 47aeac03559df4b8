//! The figures of one snapshot: the social stock under a named definition, middenhuur, the
//! label distribution, E/F/G homes, labels that expire and homes in condition 5 or 6.
//!
//! The sector has no legal definition of "the social stock" (sociale huurvoorraad): the
//! Woningwet knows DAEB (art. 47) and the huurgrens DAEB-toewijzing (formerly the
//! liberalisatiegrens, art. 1 and BTIV 2015 art. 1), the Wet betaalbare huur knows points
//! (social up to 143 WWS points, middenhuur 144 to 186). An agreement names the definition it
//! uses ([`SocialDefinition`], `[stock]` in its file), and every figure says which it was.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Deserialize;

use super::labels::LabelValidity;
use super::Unit;

/// A named definition of the social stock; docs/domain.md gives each with its sources.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
pub enum SocialDefinition {
    /// DAEB homes in exploitatie whose streefhuur is at most the huurgrens DAEB-toewijzing
    /// (liberalisatiegrens) of the reference date's year.
    #[default]
    #[serde(rename = "daeb_streefhuur")]
    DaebTargetRent,
    /// DAEB homes in exploitatie, whatever their rent.
    #[serde(rename = "daeb")]
    Daeb,
    /// Homes in exploitatie with at most the social maximum of WWS points (143 under the Wet
    /// betaalbare huur), whatever their branch.
    #[serde(rename = "wws_punten")]
    WwsPoints,
}

impl SocialDefinition {
    pub fn name(&self) -> &'static str {
        match self {
            SocialDefinition::DaebTargetRent => "daeb_streefhuur",
            SocialDefinition::Daeb => "daeb",
            SocialDefinition::WwsPoints => "wws_punten",
        }
    }
}

/// Everything the figures of a snapshot depend on besides its units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockRules {
    pub definition: SocialDefinition,
    /// The huurgrens DAEB-toewijzing of the reference date's year, in cents.
    pub social_rent_limit_cents: i64,
    /// The most WWS points of a social home (143).
    pub social_max_points: i32,
    /// The most WWS points of a middenhuur home (186).
    pub middenhuur_max_points: i32,
    /// From this day no social home may have label E, F or G.
    pub efg_deadline: NaiveDate,
    /// An E/F/G home with an exit planned on or before this day is not counted on the path.
    pub exit_horizon: NaiveDate,
    pub label_validity_years: u32,
    /// A label expiring within this many months after the reference date is "expiring".
    pub expiring_window_months: u32,
}

impl StockRules {
    /// Whether a unit is in the social stock.
    pub fn is_social(&self, unit: &Unit) -> bool {
        if !unit.is_home_in_service() {
            return false;
        }
        match self.definition {
            SocialDefinition::DaebTargetRent => {
                unit.daeb == super::DaebLabel::Daeb
                    && unit
                        .target_rent_cents
                        .is_some_and(|rent| rent <= self.social_rent_limit_cents)
            }
            SocialDefinition::Daeb => unit.daeb == super::DaebLabel::Daeb,
            SocialDefinition::WwsPoints => unit
                .wws_points
                .is_some_and(|points| points <= self.social_max_points),
        }
    }

    /// A home in exploitatie outside the social stock with at most the middenhuur maximum of
    /// points.
    pub fn is_middenhuur(&self, unit: &Unit) -> bool {
        unit.is_home_in_service()
            && !self.is_social(unit)
            && unit
                .wws_points
                .is_some_and(|points| points <= self.middenhuur_max_points)
    }

    /// An exit (sale, demolition, renovation) planned on or before the horizon.
    pub fn has_planned_exit(&self, unit: &Unit) -> bool {
        unit.planned_exit_date
            .is_some_and(|day| day <= self.exit_horizon)
    }
}

/// The figures of one snapshot (or the sum of several).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StockFigures {
    /// Rows in the snapshot, of any kind and status.
    pub units: u64,
    /// Homes (woonruimte) in exploitatie.
    pub homes: u64,
    pub social: u64,
    pub middenhuur: u64,
    /// Homes in exploitatie neither social nor middenhuur.
    pub other_homes: u64,
    /// Homes in exploitatie per label as printed (`A++`, `B`), and `none`.
    pub labels: BTreeMap<String, u64>,
    /// Social homes with label E, F or G and no exit planned by the horizon.
    pub efg: u64,
    /// Social homes with label E, F or G whose exit is planned by the horizon.
    pub efg_planned_exit: u64,
    /// Homes in exploitatie whose label has expired on the reference date.
    pub labels_expired: u64,
    /// Homes in exploitatie whose label expires within the window after the reference date.
    pub labels_expiring: u64,
    /// Homes in exploitatie in NEN 2767 condition 5 or 6.
    pub condition_5_or_6: u64,
}

impl StockFigures {
    /// Adds another snapshot's figures (another corporation's).
    pub fn add(&mut self, other: &StockFigures) {
        self.units += other.units;
        self.homes += other.homes;
        self.social += other.social;
        self.middenhuur += other.middenhuur;
        self.other_homes += other.other_homes;
        for (label, n) in &other.labels {
            *self.labels.entry(label.clone()).or_default() += n;
        }
        self.efg += other.efg;
        self.efg_planned_exit += other.efg_planned_exit;
        self.labels_expired += other.labels_expired;
        self.labels_expiring += other.labels_expiring;
        self.condition_5_or_6 += other.condition_5_or_6;
    }
}

/// The label key of the distribution for a home without a label.
pub const NO_LABEL: &str = "none";

/// The figures of the units of one snapshot on its reference date.
pub fn stock_figures<'a>(
    units: impl IntoIterator<Item = &'a Unit>,
    rules: &StockRules,
    reference_date: NaiveDate,
) -> StockFigures {
    let mut f = StockFigures::default();
    for unit in units {
        f.units += 1;
        if !unit.is_home_in_service() {
            continue;
        }
        f.homes += 1;
        let social = rules.is_social(unit);
        if social {
            f.social += 1;
        } else if rules.is_middenhuur(unit) {
            f.middenhuur += 1;
        } else {
            f.other_homes += 1;
        }
        let label = unit.energy_label.map_or(NO_LABEL, |l| l.printed());
        *f.labels.entry(label.to_string()).or_default() += 1;
        if social && unit.energy_label.is_some_and(|l| l.is_efg()) {
            if rules.has_planned_exit(unit) {
                f.efg_planned_exit += 1;
            } else {
                f.efg += 1;
            }
        }
        if let Some(registered) = unit.label_date.filter(|_| unit.energy_label.is_some()) {
            match LabelValidity::on(
                registered,
                rules.label_validity_years,
                reference_date,
                rules.expiring_window_months,
            ) {
                LabelValidity::Expired => f.labels_expired += 1,
                LabelValidity::Expiring => f.labels_expiring += 1,
                LabelValidity::Valid => {}
            }
        }
        if unit.condition_score.is_some_and(|s| s >= 5) {
            f.condition_5_or_6 += 1;
        }
    }
    f
}
