//! The housing stock (woningvoorraad) of a corporation in a municipality, as it posts it per
//! reference date (peildatum): one row per unit (verhuureenheid, VHE) in the sector's
//! vocabulary, Aedes VERA, without tenant data and without contract rent.
//!
//! - here: the vocabulary (status, DAEB label, energy label, in- and out-of-service reasons,
//!   each with its VERA code) and a valid [`Unit`];
//! - `raw`: the record as submitted ([`RawUnit`]), its columns and Dutch names;
//! - `checks`: [`validate_unit`], every rule of a submitted row;
//! - `figures`: the social stock under a named definition ([`SocialDefinition`]), middenhuur,
//!   the label distribution, E/F/G, expiring labels, condition 5 or 6 ([`stock_figures`]);
//! - `labels`: the validity of an energy label ([`label_expiry`]) and the E/F/G path to zero
//!   ([`efg_allowed`]);
//! - `changes`: what changed in the social stock between two snapshots, by cause, with the
//!   correction line ([`stock_changes`]).

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;

mod changes;
mod checks;
mod figures;
mod labels;
mod raw;

pub use changes::{stock_changes, ChangeCause, Direction, Side, StockChanges, UnitChange};
pub use checks::{validate_unit, UnitContext};
pub use figures::{stock_figures, SocialDefinition, StockFigures, StockRules};
pub use labels::{efg_allowed, label_expiry, LabelValidity};
pub use raw::{RawUnit, UNIT_COLUMNS, UNIT_FIELDS, UNIT_REQUIRED_FIELDS};

/// Declares a VERA code list: the enum, its codes, and reading a code in any case.
macro_rules! vera_codes {
    ($(#[$meta:meta])* $name:ident, $list:literal { $($(#[$vmeta:meta])* $variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The VERA reference list the codes come from.
            pub const LIST: &'static str = $list;

            /// The VERA code.
            pub fn code(&self) -> &'static str {
                match self {
                    $($name::$variant => $code),+
                }
            }

            /// Every code, for messages.
            pub fn codes() -> String {
                Self::ALL.iter().map(|c| c.code()).collect::<Vec<_>>().join(", ")
            }
        }

        impl FromStr for $name {
            type Err = ();
            fn from_str(text: &str) -> Result<Self, ()> {
                let wanted = text.trim().to_ascii_uppercase();
                Self::ALL.iter().copied().find(|c| c.code() == wanted).ok_or(())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}

vera_codes!(
    /// Eenheidstatus (VERA `EENHEIDSTATUS`; the retired codes OND and VEK are not accepted).
    UnitStatus, "EENHEIDSTATUS" {
        /// Verhuurd.
        Let = "VEH",
        /// Leegstand: in exploitatie, not let.
        Vacant = "LEE",
        /// In ontwikkeling: not yet in exploitatie.
        InDevelopment = "ONT",
        /// Uit exploitatie, with an uit-exploitatiereden.
        OutOfService = "UIT",
        /// Administratief: run for another owner.
        Administrative = "ADM",
    }
);

impl UnitStatus {
    /// In exploitatie at the corporation: let or vacant.
    pub fn in_service(&self) -> bool {
        matches!(self, UnitStatus::Let | UnitStatus::Vacant)
    }
}

vera_codes!(
    /// Maatschappelijk label of a unit (VERA `MAATSCHAPPELIJKLABEL`): the DAEB or niet-DAEB
    /// branch of the corporation (Woningwet art. 47).
    DaebLabel, "MAATSCHAPPELIJKLABEL" {
        Daeb = "DAE",
        NonDaeb = "NDA",
    }
);

vera_codes!(
    /// Energielabel (VERA `ENERGIELABEL`), best first.
    EnergyLabel, "ENERGIELABEL" {
        APlus4 = "AP4",
        APlus3 = "AP3",
        APlus2 = "APP",
        APlus = "AP",
        A = "A",
        B = "B",
        C = "C",
        D = "D",
        E = "E",
        F = "F",
        G = "G",
    }
);

impl EnergyLabel {
    /// The label as printed on the certificate (`A++++` for VERA's `AP4`).
    pub fn printed(&self) -> &'static str {
        match self {
            EnergyLabel::APlus4 => "A++++",
            EnergyLabel::APlus3 => "A+++",
            EnergyLabel::APlus2 => "A++",
            EnergyLabel::APlus => "A+",
            other => other.code(),
        }
    }

    /// The VERA code or the printed label (`A++`), in any case.
    pub fn read(text: &str) -> Option<Self> {
        let wanted = text.trim().to_ascii_uppercase();
        Self::ALL
            .iter()
            .copied()
            .find(|l| l.code() == wanted || l.printed() == wanted)
    }

    /// E, F or G: the labels the agreement wants gone from the social stock by 2029.
    pub fn is_efg(&self) -> bool {
        matches!(self, EnergyLabel::E | EnergyLabel::F | EnergyLabel::G)
    }
}

vera_codes!(
    /// How the label was determined (VERA `ENERGIEPRESTATIESOORT`, the kinds that carry a label).
    LabelMethod, "ENERGIEPRESTATIESOORT" {
        /// NTA 8800, from 1 January 2021.
        Nta8800 = "NTA",
        /// Energie-index (1-1-2015 to 1-1-2021).
        EnergyIndex = "EI",
        /// Voorlopig energielabel (before 2015).
        Provisional = "VEL",
    }
);

vera_codes!(
    /// Eenheidsoort (VERA `EENHEIDSOORT`); only woonruimte counts in the housing stock.
    UnitKind, "EENHEIDSOORT" {
        Dwelling = "WOO",
        Business = "BED",
        CareIntramural = "INT",
        Social = "MOG",
        Parking = "PAR",
        Recreation = "REC",
        Other = "OVE",
    }
);

vera_codes!(
    /// In-exploitatiereden (VERA `INEXPLOITATIEREDEN`; the retired BEH and INR are not accepted).
    InServiceReason, "INEXPLOITATIEREDEN" {
        NewBuild = "NIE",
        /// Hernieuwbouw: rebuilt.
        Rebuild = "HER",
        Acquisition = "AAN",
        /// Teruggekocht uit een terugkoopplicht (VoV).
        BoughtBack = "VOV",
        Exchange = "UIT",
        Transformation = "TRA",
        Split = "SPL",
        Renovation = "REN",
        PlannedMaintenance = "PLA",
        Administrative = "ADM",
    }
);

vera_codes!(
    /// Uit-exploitatiereden (VERA `UITEXPLOITATIEREDEN`; the retired BEH and VEK are not
    /// accepted: a sale names its buyer, VAH, VAB or VAO).
    OutOfServiceReason, "UITEXPLOITATIEREDEN" {
        SaleToTenant = "VAH",
        SaleToInvestor = "VAB",
        SaleToOther = "VAO",
        /// Verkoop onder voorwaarden.
        SaleWithConditions = "VOV",
        /// Verkocht met terugkoopverplichting.
        SaleWithBuyBack = "TER",
        Demolition = "SLO",
        Merged = "SAM",
        Split = "SPL",
        Transformation = "TRA",
        Renovation = "REN",
        /// Vernieuwbouw.
        Rebuild = "VEN",
        PlannedMaintenance = "PLA",
        Exchange = "UIT",
        Administrative = "ADM",
    }
);

impl OutOfServiceReason {
    /// The unit leaves only for a while (renovation, maintenance, rebuilding).
    pub fn is_temporary(&self) -> bool {
        matches!(
            self,
            OutOfServiceReason::Renovation
                | OutOfServiceReason::Rebuild
                | OutOfServiceReason::PlannedMaintenance
        )
    }
}

/// A valid unit of a snapshot. Every field is stable: a unit gets a new stored version only
/// when one of them changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// The corporation's code of the unit (VHE-nummer; VERA `Eenheid.code`).
    pub code: String,
    pub municipality: String,
    pub kind: UnitKind,
    pub status: UnitStatus,
    pub daeb: DaebLabel,
    /// Woningwaarderingsstelsel points (VERA `WoningwaarderingResultaat.punten`), whole.
    pub wws_points: Option<i32>,
    /// Streefhuur in cents per month (VERA `Eenheid.streefhuur`).
    pub target_rent_cents: Option<i64>,
    pub energy_label: Option<EnergyLabel>,
    pub label_method: Option<LabelMethod>,
    /// Registratiedatum of the label: it is valid for 10 years from that day.
    pub label_date: Option<NaiveDate>,
    /// NEN 2767 conditiescore, 1 (excellent) to 6 (very poor).
    pub condition_score: Option<i32>,
    pub in_service_date: Option<NaiveDate>,
    pub in_service_reason: Option<InServiceReason>,
    pub out_of_service_date: Option<NaiveDate>,
    pub out_of_service_reason: Option<OutOfServiceReason>,
    /// Beoogde uit-exploitatiedatum: a sale, demolition or renovation is planned.
    pub planned_exit_date: Option<NaiveDate>,
}

impl Unit {
    /// A home (woonruimte) in exploitatie at the corporation.
    pub fn is_home_in_service(&self) -> bool {
        self.kind == UnitKind::Dwelling && self.status.in_service()
    }
}

#[cfg(test)]
mod tests;
