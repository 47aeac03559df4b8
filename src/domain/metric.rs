//! The metrics of an agreement's allocation clauses (the names clients use) and the direction
//! of each limit.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Metric {
    UrgentShare,
    RentCapShare,
    IncomeExemptionShare,
    PassendShare,
    /// Lokaal maatwerk: counted lettings with priority for local ties. The Huisvestingswet
    /// 2014 art. 14 lid 2 (as amended per 1 January 2024) caps it at 50%.
    LocalPriorityShare,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// The share may not exceed the limit.
    Max,
    /// The share may not fall below the limit.
    Min,
}

impl Bound {
    pub fn as_str(&self) -> &'static str {
        match self {
            Bound::Max => "max",
            Bound::Min => "min",
        }
    }
}

impl Metric {
    pub const ALL: [Metric; 5] = [
        Metric::UrgentShare,
        Metric::RentCapShare,
        Metric::IncomeExemptionShare,
        Metric::PassendShare,
        Metric::LocalPriorityShare,
    ];

    pub fn name(&self) -> &'static str {
        match self {
            Metric::UrgentShare => "urgent_share",
            Metric::RentCapShare => "rent_cap_share",
            Metric::IncomeExemptionShare => "income_exemption_share",
            Metric::PassendShare => "passend_share",
            Metric::LocalPriorityShare => "local_priority_share",
        }
    }

    /// Over what the norm on this metric is judged: `corporation_year` for the legal norms
    /// (vrije toewijzingsruimte, passend toewijzen: the law judges a corporation's calendar
    /// year over all its municipalities, so a municipality's figure is a signal toward it, not
    /// its breach), `municipality` for the agreement's own norms and the local-priority cap of
    /// the municipality's verordening.
    pub fn judged_per(&self) -> &'static str {
        match self {
            Metric::IncomeExemptionShare | Metric::PassendShare => "corporation_year",
            Metric::UrgentShare | Metric::RentCapShare | Metric::LocalPriorityShare => {
                "municipality"
            }
        }
    }

    pub fn bound(&self) -> Bound {
        match self {
            Metric::UrgentShare | Metric::IncomeExemptionShare | Metric::LocalPriorityShare => {
                Bound::Max
            }
            Metric::RentCapShare | Metric::PassendShare => Bound::Min,
        }
    }
}

impl Metric {
    /// The metric of a client's name (`urgent_share`, …).
    pub fn from_name(name: &str) -> Option<Metric> {
        Metric::ALL.into_iter().find(|m| m.name() == name)
    }
}

impl<'de> serde::Deserialize<'de> for Metric {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        Metric::from_name(&name).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "{name:?} is not a metric (urgent_share, rent_cap_share, income_exemption_share, passend_share, local_priority_share)"
            ))
        })
    }
}
