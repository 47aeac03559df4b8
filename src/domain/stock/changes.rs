//! What changed in the social stock between two snapshots of a corporation (the
//! mutatieoverzicht): each unit that entered or left it, with its cause, and the correction
//! line that keeps begin + additions − removals = end honest.
//!
//! A change is explained only by what the later snapshot says of the period between the two
//! reference dates: a unit that enters with an in-exploitatiedatum in the period (its reason
//! the cause), leaves with an uit-exploitatiedatum in the period (its reason the cause), or
//! stays in exploitatie but crosses the definition's line (liberalisation, or
//! reclassification into the social stock). A unit that appears or disappears with no such
//! date (left out of one of the snapshots, or dated outside the period) is not guessed at: it
//! goes to the correction line, shown, never hidden.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;

use super::figures::StockRules;
use super::{InServiceReason, OutOfServiceReason, Unit, UnitKind};

/// Why a unit entered or left the social stock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ChangeCause {
    /// Nieuwbouw (and hernieuwbouw).
    NewBuild,
    /// Aankoop (and terugkoop).
    Acquisition,
    /// Transformatie: to or from a non-residential function.
    Transformation,
    /// Samenvoeging of splitsing.
    MergeSplit,
    /// Back in exploitatie after renovation or maintenance.
    ReturnAfterRenovation,
    /// Stayed in exploitatie and came under the definition (rent lowered, DAEB label).
    Reclassification,
    /// Uitruil with another owner.
    Exchange,
    Administrative,
    /// Dated in the period, with no reason given.
    Other,
    /// Verkoop (to the tenant, an investor, another person, or under conditions).
    Sale,
    /// Sloop.
    Demolition,
    /// Liberalisatie: stayed in exploitatie and left the definition (rent above the limit,
    /// moved to the niet-DAEB branch).
    Liberalisation,
    /// Temporarily out of exploitatie for renovation, rebuilding or maintenance.
    Renovation,
}

impl ChangeCause {
    pub fn as_str(&self) -> &'static str {
        match self {
            ChangeCause::NewBuild => "new_build",
            ChangeCause::Acquisition => "acquisition",
            ChangeCause::Transformation => "transformation",
            ChangeCause::MergeSplit => "merge_split",
            ChangeCause::ReturnAfterRenovation => "return_after_renovation",
            ChangeCause::Reclassification => "reclassification",
            ChangeCause::Exchange => "exchange",
            ChangeCause::Administrative => "administrative",
            ChangeCause::Other => "other",
            ChangeCause::Sale => "sale",
            ChangeCause::Demolition => "demolition",
            ChangeCause::Liberalisation => "liberalisation",
            ChangeCause::Renovation => "renovation",
        }
    }

    fn of_entry(reason: Option<InServiceReason>) -> Self {
        match reason {
            Some(InServiceReason::NewBuild | InServiceReason::Rebuild) => ChangeCause::NewBuild,
            Some(InServiceReason::Acquisition | InServiceReason::BoughtBack) => {
                ChangeCause::Acquisition
            }
            Some(InServiceReason::Exchange) => ChangeCause::Exchange,
            Some(InServiceReason::Transformation) => ChangeCause::Transformation,
            Some(InServiceReason::Split) => ChangeCause::MergeSplit,
            Some(InServiceReason::Renovation | InServiceReason::PlannedMaintenance) => {
                ChangeCause::ReturnAfterRenovation
            }
            Some(InServiceReason::Administrative) => ChangeCause::Administrative,
            None => ChangeCause::Other,
        }
    }

    fn of_exit(reason: Option<OutOfServiceReason>) -> Self {
        use OutOfServiceReason as R;
        match reason {
            Some(
                R::SaleToTenant
                | R::SaleToInvestor
                | R::SaleToOther
                | R::SaleWithConditions
                | R::SaleWithBuyBack,
            ) => ChangeCause::Sale,
            Some(R::Demolition) => ChangeCause::Demolition,
            Some(R::Merged | R::Split) => ChangeCause::MergeSplit,
            Some(R::Transformation) => ChangeCause::Transformation,
            Some(R::Renovation | R::Rebuild | R::PlannedMaintenance) => ChangeCause::Renovation,
            Some(R::Exchange) => ChangeCause::Exchange,
            Some(R::Administrative) => ChangeCause::Administrative,
            None => ChangeCause::Other,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Addition,
    Removal,
}

/// One unit that entered or left the social stock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitChange {
    pub unit: String,
    pub direction: Direction,
    /// `None`: not explained by the later snapshot; counted in the correction line.
    pub cause: Option<ChangeCause>,
}

/// The changes of the social stock between two snapshots.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StockChanges {
    pub begin: u64,
    pub end: u64,
    pub additions: BTreeMap<ChangeCause, u64>,
    pub removals: BTreeMap<ChangeCause, u64>,
    /// end − (begin + additions − removals): the units the snapshots do not explain.
    pub correction: i64,
    pub unexplained_additions: u64,
    pub unexplained_removals: u64,
    /// Every unit that changed, by code (the corporation's own view only).
    pub units: Vec<UnitChange>,
}

impl StockChanges {
    pub fn added(&self) -> u64 {
        self.additions.values().sum()
    }

    pub fn removed(&self) -> u64 {
        self.removals.values().sum()
    }

    /// Adds another corporation's changes (its units are not kept).
    pub fn add(&mut self, other: &StockChanges) {
        self.begin += other.begin;
        self.end += other.end;
        for (cause, n) in &other.additions {
            *self.additions.entry(*cause).or_default() += n;
        }
        for (cause, n) in &other.removals {
            *self.removals.entry(*cause).or_default() += n;
        }
        self.correction += other.correction;
        self.unexplained_additions += other.unexplained_additions;
        self.unexplained_removals += other.unexplained_removals;
    }
}

/// One snapshot of a corporation: its units, reference date and the rules of that date.
#[derive(Debug, Clone, Copy)]
pub struct Side<'a> {
    pub units: &'a [Unit],
    pub date: NaiveDate,
    pub rules: &'a StockRules,
}

/// The changes of the social stock from snapshot `from` to the later snapshot `to`.
pub fn stock_changes(from: Side<'_>, to: Side<'_>) -> StockChanges {
    let before: HashMap<&str, &Unit> = from.units.iter().map(|u| (u.code.as_str(), u)).collect();
    let after: HashMap<&str, &Unit> = to.units.iter().map(|u| (u.code.as_str(), u)).collect();
    let in_period = |day: Option<NaiveDate>| day.is_some_and(|d| from.date < d && d <= to.date);
    let mut changes = StockChanges::default();
    let codes: BTreeSet<&str> = before.keys().chain(after.keys()).copied().collect();
    for code in codes {
        let old = before.get(code).copied();
        let new = after.get(code).copied();
        let was = old.is_some_and(|u| from.rules.is_social(u));
        let is = new.is_some_and(|u| to.rules.is_social(u));
        changes.begin += u64::from(was);
        changes.end += u64::from(is);
        let change = match (was, is, new) {
            (false, true, Some(unit)) => {
                let cause = if old.is_some_and(|u| u.is_home_in_service()) {
                    Some(ChangeCause::Reclassification)
                } else if in_period(unit.in_service_date) {
                    Some(ChangeCause::of_entry(unit.in_service_reason))
                } else {
                    None
                };
                Some((Direction::Addition, cause))
            }
            (true, false, None) => Some((Direction::Removal, None)),
            (true, false, Some(unit)) => {
                let cause = if unit.is_home_in_service() {
                    Some(ChangeCause::Liberalisation)
                } else if unit.status.in_service() && unit.kind != UnitKind::Dwelling {
                    Some(ChangeCause::Transformation)
                } else if in_period(unit.out_of_service_date) {
                    Some(ChangeCause::of_exit(unit.out_of_service_reason))
                } else {
                    None
                };
                Some((Direction::Removal, cause))
            }
            _ => None,
        };
        let Some((direction, cause)) = change else {
            continue;
        };
        match (direction, cause) {
            (Direction::Addition, Some(c)) => *changes.additions.entry(c).or_default() += 1,
            (Direction::Removal, Some(c)) => *changes.removals.entry(c).or_default() += 1,
            (Direction::Addition, None) => changes.unexplained_additions += 1,
            (Direction::Removal, None) => changes.unexplained_removals += 1,
        }
        changes.units.push(UnitChange {
            unit: code.to_string(),
            direction,
            cause,
        });
    }
    let explained_end =
        i128::from(changes.begin) + i128::from(changes.added()) - i128::from(changes.removed());
    changes.correction = i64::try_from(i128::from(changes.end) - explained_end).unwrap_or(0);
    changes
}
