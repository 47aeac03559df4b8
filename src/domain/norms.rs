//! National norms per calendar year (normen woningtoewijzing): the aftoppingsgrenzen, the
//! huurgrens DAEB-toewijzing, the DAEB income limits and the passend-toewijzen income limits.
//!
//! They are data: the built-in years are shipped in `config/norms.toml` with the source of each
//! year, and an operator adds a new year to a running installation with `quotamonitor norms
//! import` (stored in the database, so every instance sees it). They apply to a letting by
//! the year of its `allocation_date` (datum toewijzing): corporations test income and rent
//! at the moment of allocation.
//!
//! A year is announced in November or December, after January's lettings are signed, so a
//! letting in a year after the latest known one is never refused for that: it is classified
//! *provisionally* with the latest known year ([`NormsTable::applicable`]) and reclassified
//! when its own year is added.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Deserialize;

/// The parameters of one calendar year. Rents are EUR per month, incomes EUR per year.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YearNorms {
    pub year: i32,
    /// Where the figures come from (announcement, Staatscourant).
    pub source: String,
    /// Kwaliteitskortingsgrens.
    pub quality_discount_limit: Decimal,
    /// 1e aftoppingsgrens: the rent cap for 1–2 person households.
    pub rent_cap_low: Decimal,
    /// 2e aftoppingsgrens: the rent cap for households of 3 or more.
    pub rent_cap_high: Decimal,
    /// Huurgrens DAEB-toewijzing (formerly liberalisatiegrens): at or below it a home is social.
    pub social_rent_limit: Decimal,
    /// Inkomensgrens DAEB for a 1-person household.
    pub social_income_limit_single: Decimal,
    /// Inkomensgrens DAEB for a household of 2 or more.
    pub social_income_limit_multi: Decimal,
    /// Passend-toewijzen income limit, 1 person below AOW age.
    pub passend_income_limit_single: Decimal,
    /// Passend-toewijzen income limit, 1 person at AOW age.
    pub passend_income_limit_single_pension: Decimal,
    /// Passend-toewijzen income limit, 2+ persons below AOW age.
    pub passend_income_limit_multi: Decimal,
    /// Passend-toewijzen income limit, 2+ persons at AOW age.
    pub passend_income_limit_multi_pension: Decimal,
}

impl YearNorms {
    /// The DAEB income limit for a household of this size.
    pub fn social_income_limit(&self, household_size: u8) -> Decimal {
        if household_size <= 1 {
            self.social_income_limit_single
        } else {
            self.social_income_limit_multi
        }
    }

    /// The passend-toewijzen income limit for a household of this size and age.
    pub fn passend_income_limit(&self, household_size: u8, pension_age: bool) -> Decimal {
        match (household_size <= 1, pension_age) {
            (true, false) => self.passend_income_limit_single,
            (true, true) => self.passend_income_limit_single_pension,
            (false, false) => self.passend_income_limit_multi,
            (false, true) => self.passend_income_limit_multi_pension,
        }
    }

    /// The aftoppingsgrens that passend toewijzen applies: low for 1–2 persons, high for 3+.
    pub fn passend_rent_cap(&self, household_size: u8) -> Decimal {
        if household_size <= 2 {
            self.rent_cap_low
        } else {
            self.rent_cap_high
        }
    }
}

/// The norms that classify a letting of some year.
#[derive(Debug, Clone, Copy)]
pub struct ApplicableNorms<'a> {
    pub norms: &'a YearNorms,
    /// The letting's own year has no norms yet: these are the latest known year's.
    pub provisional: bool,
}

/// Every year's norms, by year.
#[derive(Debug, Clone, Default)]
pub struct NormsTable {
    years: BTreeMap<i32, YearNorms>,
}

#[derive(Debug, thiserror::Error)]
pub enum NormsError {
    #[error("norms file is not valid TOML for the norms table: {0}")]
    Parse(#[from] toml::de::Error),
    #[error("norms for {0} are listed twice")]
    DuplicateYear(i32),
    #[error("norms for {year}: {problem}")]
    Inconsistent { year: i32, problem: String },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NormsFile {
    year: Vec<YearNorms>,
}

impl NormsTable {
    /// Reads the table from the text of `norms.toml`, checking that each year's limits are in
    /// the order the law puts them in.
    pub fn from_toml(text: &str) -> Result<Self, NormsError> {
        let file: NormsFile = toml::from_str(text)?;
        Self::from_years(file.year)
    }

    /// A table of the given years (checked like a file's).
    pub fn from_years(list: impl IntoIterator<Item = YearNorms>) -> Result<Self, NormsError> {
        let mut years = BTreeMap::new();
        for norms in list {
            check_order(&norms)?;
            let year = norms.year;
            if years.insert(year, norms).is_some() {
                return Err(NormsError::DuplicateYear(year));
            }
        }
        Ok(Self { years })
    }

    /// This table with `other`'s years added; a year in both keeps this table's norms.
    pub fn merged_with(&self, other: &NormsTable) -> NormsTable {
        let mut years = self.years.clone();
        for (year, norms) in &other.years {
            years.entry(*year).or_insert_with(|| norms.clone());
        }
        NormsTable { years }
    }

    pub fn for_year(&self, year: i32) -> Option<&YearNorms> {
        self.years.get(&year)
    }

    /// The norms that classify a letting allocated in `year`: that year's own, or, for a year
    /// after the latest known one, the latest known year's, marked provisional. `None` for a
    /// year before the earliest known one (no norms will be added for the past).
    pub fn applicable(&self, year: i32) -> Option<ApplicableNorms<'_>> {
        if let Some(norms) = self.years.get(&year) {
            return Some(ApplicableNorms {
                norms,
                provisional: false,
            });
        }
        let (latest_year, latest) = self.years.last_key_value()?;
        (year > *latest_year).then_some(ApplicableNorms {
            norms: latest,
            provisional: true,
        })
    }

    pub fn latest_year(&self) -> Option<i32> {
        self.years.keys().next_back().copied()
    }

    pub fn iter(&self) -> impl Iterator<Item = &YearNorms> + '_ {
        self.years.values()
    }

    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        self.years.keys().copied()
    }
}

fn check_order(n: &YearNorms) -> Result<(), NormsError> {
    let ordered = n.quality_discount_limit < n.rent_cap_low
        && n.rent_cap_low < n.rent_cap_high
        && n.rent_cap_high < n.social_rent_limit
        && n.social_income_limit_single <= n.social_income_limit_multi
        && n.passend_income_limit_single_pension <= n.passend_income_limit_single
        && n.passend_income_limit_multi_pension <= n.passend_income_limit_multi;
    if ordered {
        Ok(())
    } else {
        Err(NormsError::Inconsistent {
            year: n.year,
            problem:
                "limits are out of order (expected kwaliteitskortingsgrens < 1e aftoppingsgrens \
                      < 2e aftoppingsgrens < huurgrens DAEB, single <= multi income limits)"
                    .into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHIPPED: &str = include_str!("../../config/norms.toml");

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn shipped_norms_hold_every_year_of_the_domain_reference() {
        let table = NormsTable::from_toml(SHIPPED).unwrap();
        assert_eq!(table.years().collect::<Vec<_>>(), vec![2024, 2025, 2026]);
        let n2026 = table.for_year(2026).unwrap();
        assert_eq!(n2026.rent_cap_high, d("764.14"));
        assert_eq!(n2026.social_rent_limit, d("932.93"));
        assert_eq!(n2026.passend_income_limit(1, true), d("28775"));
        assert_eq!(n2026.passend_income_limit(2, false), d("39925"));
        assert_eq!(table.for_year(2024).unwrap().rent_cap_low, d("650.43"));
        assert!(table.for_year(2023).is_none());
        assert!(table
            .years()
            .all(|y| !table.for_year(y).unwrap().source.is_empty()));
    }

    #[test]
    fn a_year_after_the_latest_is_classified_provisionally_with_the_latest() {
        let table = NormsTable::from_toml(SHIPPED).unwrap();
        let own = table.applicable(2026).unwrap();
        assert_eq!((own.norms.year, own.provisional), (2026, false));
        let next = table.applicable(2027).unwrap();
        assert_eq!((next.norms.year, next.provisional), (2026, true));
        assert!(
            table.applicable(2023).is_none(),
            "no norms come for the past"
        );
        let mut added = table.for_year(2026).unwrap().clone();
        added.year = 2027;
        let with_2027 = table.merged_with(&NormsTable::from_years([added]).unwrap());
        let now = with_2027.applicable(2027).unwrap();
        assert_eq!((now.norms.year, now.provisional), (2027, false));
        assert_eq!(with_2027.latest_year(), Some(2027));
    }

    #[test]
    fn household_size_picks_the_limit() {
        let table = NormsTable::from_toml(SHIPPED).unwrap();
        let n = table.for_year(2025).unwrap();
        assert_eq!(n.social_income_limit(1), d("49669"));
        assert_eq!(n.social_income_limit(2), d("54847"));
        assert_eq!(n.passend_rent_cap(2), d("682.96"));
        assert_eq!(n.passend_rent_cap(3), d("731.93"));
    }

    #[test]
    fn a_year_listed_twice_is_refused() {
        let twice = format!(
            "{SHIPPED}\n{}",
            &SHIPPED[SHIPPED.rfind("[[year]]").unwrap()..]
        );
        assert!(matches!(
            NormsTable::from_toml(&twice),
            Err(NormsError::DuplicateYear(2026))
        ));
    }

    #[test]
    fn limits_out_of_order_are_refused() {
        let swapped = SHIPPED.replace("rent_cap_high = \"764.14\"", "rent_cap_high = \"700.00\"");
        assert!(matches!(
            NormsTable::from_toml(&swapped),
            Err(NormsError::Inconsistent { year: 2026, .. })
        ));
    }
}
