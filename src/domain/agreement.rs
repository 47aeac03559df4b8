//! Performance agreements (prestatieafspraken): per municipality and span of years, the limits
//! on the quota metrics (only the urgent share is a signaalwaarde in Wassenaar; the others
//! are agreed norms or the law), the warning margin, the minimum number of
//! lettings before a state is judged, the urgency categories (urgentiecategorieën), and the
//! data deadline (aanleverdatum): the day of the following year from which a month of the
//! year that is not declared complete is late.
//!
//! A municipality without an agreement of its own for a year gets the national norms:
//! passend toewijzen at least 95% and the statutory free allocation room (vrije
//! toewijzingsruimte) of at most 7.5% above the DAEB income limit, and local priority of at most
//! 50% (Huisvestingswet 2014 art. 14 lid 2); no urgent or rent-cap limit; and the data deadline
//! 1 July of the following year ([`DataDeadline::NATIONAL`]).

use std::collections::BTreeMap;
use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;

use super::afspraken::Afspraak;
use super::metric::Metric;
use super::money;
use super::new_build::NewBuildAgreement;
use super::stock::{SocialDefinition, StockRules};

/// The urgency categories when an agreement names none.
pub const DEFAULT_URGENCY_CATEGORIES: [&str; 9] = [
    "medical",
    "social",
    "homeless_family",
    "shelter_outflow",
    "informal_care",
    "financial",
    "restructuring",
    "status_holder",
    "other",
];

/// The id under which the national defaults are reported.
pub const NATIONAL_AGREEMENT_ID: &str = "national";

/// Limits per metric; `None` means the agreement sets no limit for it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    pub urgent_share: Option<Decimal>,
    pub rent_cap_share: Option<Decimal>,
    pub income_exemption_share: Option<Decimal>,
    pub passend_share: Option<Decimal>,
    #[serde(default)]
    pub local_priority_share: Option<Decimal>,
}

impl Limits {
    pub fn for_metric(&self, metric: Metric) -> Option<Decimal> {
        match metric {
            Metric::UrgentShare => self.urgent_share,
            Metric::RentCapShare => self.rent_cap_share,
            Metric::IncomeExemptionShare => self.income_exemption_share,
            Metric::PassendShare => self.passend_share,
            Metric::LocalPriorityShare => self.local_priority_share,
        }
    }
}

/// The data deadline (aanleverdatum) of an agreement: a day of the year *after* the one whose
/// data it is about, written `"MM-DD"` in the agreement file. The year's months must be declared
/// complete *before* that day ("vóór 1 maart" is `"03-01"`): from that day on, a month still
/// undeclared is late.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct DataDeadline {
    month: u32,
    day: u32,
}

impl DataDeadline {
    /// Without an agreement of its own: 1 July of the following year, the day by which a
    /// corporation accounts for the past year nationally (its verantwoordingsinformatie to the
    /// Autoriteit woningcorporaties, and its bod to the municipality).
    pub const NATIONAL: DataDeadline = DataDeadline { month: 7, day: 1 };

    /// The deadline `"MM-DD"`; a day every year has (29 February is refused).
    pub fn parse(text: &str) -> Result<Self, String> {
        let wrong = || {
            format!(
                "data_deadline {text:?} is not a day written MM-DD (\"03-01\" for 1 March of the following year)"
            )
        };
        let (month, day) = text.split_once('-').ok_or_else(wrong)?;
        let number = |part: &str| -> Result<u32, String> {
            if part.len() == 2 && part.bytes().all(|b| b.is_ascii_digit()) {
                part.parse().map_err(|_| wrong())
            } else {
                Err(wrong())
            }
        };
        let (month, day) = (number(month)?, number(day)?);
        // 2027 is not a leap year: a deadline must exist in every year.
        if NaiveDate::from_ymd_opt(2027, month, day).is_none() {
            return Err(wrong());
        }
        Ok(Self { month, day })
    }

    /// The day from which the months of `year` not declared complete are late: this deadline
    /// in `year + 1`.
    pub fn for_year(&self, year: i32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year + 1, self.month, self.day)
            // Unreachable for a parsed deadline (a day every year has); the national one then.
            .or_else(|| NaiveDate::from_ymd_opt(year + 1, 7, 1))
            .unwrap_or(NaiveDate::MAX)
    }
}

impl TryFrom<String> for DataDeadline {
    type Error = String;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

impl std::fmt::Display for DataDeadline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}-{:02}", self.month, self.day)
    }
}

/// One agreement, as written in `config/agreements/<municipality>.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Agreement {
    pub id: String,
    #[serde(default = "default_version")]
    pub version: u32,
    pub name: String,
    pub municipality: String,
    pub first_year: i32,
    pub last_year: i32,
    #[serde(default)]
    pub source: String,
    #[serde(default = "default_warning_margin")]
    pub warning_margin: Decimal,
    #[serde(default = "default_min_lettings")]
    pub min_lettings: u32,
    #[serde(default = "default_urgency_categories")]
    pub urgency_categories: Vec<String>,
    /// The categories that count toward `urgent_share`; all of `urgency_categories` when absent.
    #[serde(default)]
    pub urgent_share_categories: Option<Vec<String>>,
    #[serde(default)]
    pub limits: Limits,
    /// The data deadline; the national one when the agreement names none.
    #[serde(default = "default_data_deadline")]
    pub data_deadline: DataDeadline,
    /// The numbered afspraken with their trekker and planning (see [`super::afspraken`]).
    #[serde(default)]
    pub afspraken: Vec<Afspraak>,
    /// How the stock is judged (`[stock]`); the national defaults when absent.
    #[serde(default)]
    pub stock: StockAgreement,
    /// The new-build rule and regional target (`[new_build]`), when the agreement has them.
    #[serde(default)]
    pub new_build: Option<NewBuildAgreement>,
}

/// The stock clauses of an agreement: which definition of the social stock it uses, the
/// points limits, the day from which no social home may have label E, F or G, and how long a
/// label is valid. Every field has a default (docs/domain.md, "The social stock").
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StockAgreement {
    pub social_definition: SocialDefinition,
    /// Social up to this many WWS points (Wet betaalbare huur: 143).
    pub social_max_points: i32,
    /// Middenhuur up to this many WWS points (Wet betaalbare huur: 186).
    pub middenhuur_max_points: i32,
    /// From this day no social home has label E, F or G.
    pub efg_deadline: NaiveDate,
    /// An E/F/G home whose exit (sale, demolition, renovation) is planned on or before this
    /// day is not counted on the path.
    pub planned_exit_horizon: NaiveDate,
    /// An energy label is valid this many years from its registration.
    pub label_validity_years: u32,
    /// A label expiring within this many months of the reference date is reported.
    pub expiring_window_months: u32,
    /// Where the clauses come from.
    pub source: String,
}

impl Default for StockAgreement {
    fn default() -> Self {
        Self {
            social_definition: SocialDefinition::default(),
            social_max_points: 143,
            middenhuur_max_points: 186,
            // Nationale prestatieafspraken (2022): no E, F or G label left after 2028.
            efg_deadline: NaiveDate::from_ymd_opt(2029, 1, 1).unwrap_or(NaiveDate::MAX),
            planned_exit_horizon: NaiveDate::from_ymd_opt(2029, 12, 31).unwrap_or(NaiveDate::MAX),
            label_validity_years: 10,
            expiring_window_months: 12,
            source: String::new(),
        }
    }
}

impl StockAgreement {
    /// The rules of a snapshot whose year has this huurgrens DAEB-toewijzing.
    pub fn rules(&self, social_rent_limit: Decimal) -> StockRules {
        StockRules {
            definition: self.social_definition,
            social_rent_limit_cents: money::to_cents(social_rent_limit).unwrap_or(0),
            social_max_points: self.social_max_points,
            middenhuur_max_points: self.middenhuur_max_points,
            efg_deadline: self.efg_deadline,
            exit_horizon: self.planned_exit_horizon,
            label_validity_years: self.label_validity_years,
            expiring_window_months: self.expiring_window_months,
        }
    }
}

fn default_data_deadline() -> DataDeadline {
    DataDeadline::NATIONAL
}

fn default_version() -> u32 {
    1
}

fn default_warning_margin() -> Decimal {
    Decimal::new(2, 2)
}

fn default_min_lettings() -> u32 {
    20
}

fn default_urgency_categories() -> Vec<String> {
    DEFAULT_URGENCY_CATEGORIES
        .iter()
        .map(|c| c.to_string())
        .collect()
}

impl Agreement {
    /// The national defaults, for a municipality and year without an agreement of its own.
    pub fn national(municipality: &str) -> Self {
        Self {
            id: NATIONAL_AGREEMENT_ID.into(),
            version: 1,
            name: "Landelijke normen (geen eigen prestatieafspraken)".into(),
            municipality: municipality.into(),
            first_year: i32::MIN,
            last_year: i32::MAX,
            source: "Woningwet art. 46 lid 2 en BTIV 2015 art. 54 lid 1: passend toewijzen 95%; \
                     Woningwet art. 48 lid 1 en BTIV 2015 art. 16: vrije toewijzingsruimte 7,5%; \
                     Huisvestingswet 2014 art. 14 lid 2: lokaal maatwerk ten hoogste 50%"
                .into(),
            warning_margin: default_warning_margin(),
            min_lettings: default_min_lettings(),
            urgency_categories: default_urgency_categories(),
            urgent_share_categories: None,
            limits: Limits {
                urgent_share: None,
                rent_cap_share: None,
                income_exemption_share: Some(Decimal::new(75, 3)),
                passend_share: Some(Decimal::new(95, 2)),
                local_priority_share: Some(Decimal::new(50, 2)),
            },
            data_deadline: DataDeadline::NATIONAL,
            afspraken: Vec::new(),
            stock: StockAgreement::default(),
            new_build: None,
        }
    }

    pub fn is_national(&self) -> bool {
        self.id == NATIONAL_AGREEMENT_ID
    }

    pub fn covers(&self, year: i32) -> bool {
        (self.first_year..=self.last_year).contains(&year)
    }

    pub fn allows_urgency(&self, category: &str) -> bool {
        self.urgency_categories.iter().any(|c| c == category)
    }

    /// Whether a letting housed under this urgency category counts toward `urgent_share`.
    pub fn counts_as_urgent(&self, category: &str) -> bool {
        match &self.urgent_share_categories {
            Some(list) => list.iter().any(|c| c == category),
            None => self.allows_urgency(category),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AgreementError {
    #[error("agreement {file}: {source}")]
    Parse {
        file: String,
        #[source]
        source: toml::de::Error,
    },
    #[error("agreement {file}: {problem}")]
    Invalid { file: String, problem: String },
}

/// Every agreement the service knows, by municipality.
#[derive(Debug, Clone, Default)]
pub struct AgreementBook {
    by_municipality: BTreeMap<String, Vec<Agreement>>,
}

impl AgreementBook {
    /// Reads agreements from `(file name, TOML text)` pairs and checks them.
    pub fn from_files<'a>(
        files: impl IntoIterator<Item = (String, &'a str)>,
    ) -> Result<Self, AgreementError> {
        let mut book = Self::default();
        for (file, text) in files {
            let agreement: Agreement =
                toml::from_str(text).map_err(|source| AgreementError::Parse {
                    file: file.clone(),
                    source,
                })?;
            let problem = |problem: String| AgreementError::Invalid {
                file: file.clone(),
                problem,
            };
            if agreement.first_year > agreement.last_year {
                return Err(problem("first_year is after last_year".into()));
            }
            if agreement.id == NATIONAL_AGREEMENT_ID {
                return Err(problem(format!(
                    "the id {NATIONAL_AGREEMENT_ID:?} is reserved"
                )));
            }
            if agreement.warning_margin < Decimal::ZERO {
                return Err(problem("warning_margin is negative".into()));
            }
            for metric in Metric::ALL {
                if let Some(limit) = agreement.limits.for_metric(metric) {
                    if limit < Decimal::ZERO || limit > Decimal::ONE {
                        return Err(problem(format!(
                            "limit for {} must be a share between 0 and 1",
                            metric.name()
                        )));
                    }
                }
            }
            super::afspraken::check(&agreement.afspraken).map_err(problem)?;
            let existing = book
                .by_municipality
                .entry(agreement.municipality.clone())
                .or_default();
            if existing
                .iter()
                .any(|a| a.first_year <= agreement.last_year && agreement.first_year <= a.last_year)
            {
                return Err(problem(format!(
                    "overlaps another agreement of {}",
                    agreement.municipality
                )));
            }
            existing.push(agreement);
        }
        Ok(book)
    }

    /// The agreement that applies to a municipality in a calendar year: its own, or the
    /// national defaults.
    pub fn applicable(&self, municipality: &str, year: i32) -> Agreement {
        self.by_municipality
            .get(municipality)
            .and_then(|list| list.iter().find(|a| a.covers(year)))
            .cloned()
            .unwrap_or_else(|| Agreement::national(municipality))
    }
}

impl FromStr for Agreement {
    type Err = toml::de::Error;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        toml::from_str(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WASSENAAR: &str = include_str!("../../config/agreements/GM0629.toml");

    fn book() -> AgreementBook {
        AgreementBook::from_files([("GM0629.toml".to_string(), WASSENAAR)]).unwrap()
    }

    #[test]
    fn wassenaar_agreement_holds_its_four_limits() {
        let a = book().applicable("GM0629", 2026);
        assert_eq!(a.id, "GM0629-2026-2029");
        assert_eq!(a.limits.urgent_share, Some(Decimal::new(30, 2)));
        assert_eq!(a.limits.rent_cap_share, Some(Decimal::new(70, 2)));
        assert_eq!(a.limits.income_exemption_share, Some(Decimal::new(15, 2)));
        assert_eq!(a.limits.passend_share, Some(Decimal::new(95, 2)));
        assert_eq!(a.warning_margin, Decimal::new(2, 2));
        assert_eq!(a.min_lettings, 20);
        assert!(a.counts_as_urgent("status_holder"));
        let new_build = a.new_build.as_ref().unwrap();
        assert_eq!(new_build.rule.social_min, Decimal::new(30, 2));
        assert_eq!(new_build.rra.gross, 991);
        assert_eq!(new_build.realisations_by_year().len(), 2);
        assert_eq!(
            a.stock.efg_deadline,
            NaiveDate::from_ymd_opt(2029, 1, 1).unwrap()
        );
        // "vóór 1 maart": the data of 2026 is late from 1 March 2027.
        assert_eq!(
            a.data_deadline.for_year(2026),
            NaiveDate::from_ymd_opt(2027, 3, 1).unwrap()
        );
    }

    #[test]
    fn without_an_agreement_the_data_is_late_from_1_july_of_the_next_year() {
        let a = book().applicable("GM0363", 2026);
        assert_eq!(
            a.data_deadline.for_year(2026),
            NaiveDate::from_ymd_opt(2027, 7, 1).unwrap()
        );
        let without = WASSENAAR.replace("data_deadline = \"03-01\"", "");
        assert_ne!(without, WASSENAAR);
        let b = AgreementBook::from_files([("GM0629.toml".to_string(), without.as_str())]);
        assert_eq!(
            b.unwrap().applicable("GM0629", 2026).data_deadline,
            DataDeadline::NATIONAL
        );
    }

    #[test]
    fn a_data_deadline_is_a_day_every_year_has() {
        assert_eq!(DataDeadline::parse("03-01").unwrap().to_string(), "03-01");
        assert_eq!(
            DataDeadline::parse("12-31").unwrap().for_year(2026),
            NaiveDate::from_ymd_opt(2027, 12, 31).unwrap()
        );
        for wrong in [
            "02-29", "3-1", "03/01", "13-01", "00-10", "04-31", "", "1 maart",
        ] {
            assert!(DataDeadline::parse(wrong).is_err(), "{wrong:?}");
        }
        let wrong = WASSENAAR.replace("data_deadline = \"03-01\"", "data_deadline = \"1 maart\"");
        let result = AgreementBook::from_files([("GM0629.toml".to_string(), wrong.as_str())]);
        assert!(matches!(result, Err(AgreementError::Parse { .. })));
    }

    #[test]
    fn outside_its_years_or_elsewhere_the_national_norms_apply() {
        let b = book();
        for a in [
            b.applicable("GM0629", 2025),
            b.applicable("GM0629", 2030),
            b.applicable("GM0363", 2026),
        ] {
            assert!(a.is_national());
            assert_eq!(a.limits.passend_share, Some(Decimal::new(95, 2)));
            assert_eq!(a.limits.income_exemption_share, Some(Decimal::new(75, 3)));
            assert_eq!(a.limits.urgent_share, None);
            assert_eq!(a.limits.rent_cap_share, None);
        }
        assert!(!b.applicable("GM0629", 2029).is_national());
    }

    #[test]
    fn overlapping_agreements_are_refused() {
        let other = WASSENAAR
            .replace("GM0629-2026-2029", "GM0629-2028-2031")
            .replace("last_year = 2029", "last_year = 2031")
            .replace("first_year = 2026", "first_year = 2028");
        let result = AgreementBook::from_files([
            ("a.toml".to_string(), WASSENAAR),
            ("b.toml".to_string(), other.as_str()),
        ]);
        assert!(matches!(result, Err(AgreementError::Invalid { .. })));
    }

    #[test]
    fn a_limit_above_one_is_refused() {
        let wrong = WASSENAAR.replace("urgent_share = \"0.30\"", "urgent_share = \"30\"");
        let result = AgreementBook::from_files([("GM0629.toml".to_string(), wrong.as_str())]);
        assert!(matches!(result, Err(AgreementError::Invalid { .. })));
    }
}
