//! `serve --demo`: the Wassenaar agreement with its two corporations and two tenant
//! associations, and a year of synthetic lettings written through the real ingest path.
//!
//! The lettings are generated from a fixed seed with exact counts per corporation, so the
//! figures land near the limits: some metrics are `warning` or `breach` on purpose.

use chrono::{Datelike, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rust_decimal::Decimal;

use crate::config::ReferenceData;
use crate::db::lettings::{IngestCounts, PreparedLetting};
use crate::db::DbConnection;
use crate::domain::audit::Actor;
use crate::domain::letting::{LettingInput, Route};
use crate::domain::norms::YearNorms;
use crate::service::admin::{self, AdminError};
use crate::service::ingest::prepare;
use crate::service::letting_changes::store_batch;

pub const MUNICIPALITY: &str = "GM0629";

/// The demonstration organisations: id, kind, name.
mod afspraken;

pub const ORGANISATIONS: [(&str, &str, &str); 5] = [
    (MUNICIPALITY, "municipality", "Gemeente Wassenaar"),
    ("dwb", "corporation", "De Wassenaarsche Bouwstichting"),
    (
        "willibrordus",
        "corporation",
        "Woningbouwvereniging St. Willibrordus",
    ),
    (
        "hv-rozenstein",
        "tenant_association",
        "Huurdersvereniging Rozenstein",
    ),
    (
        "hv-de-wassenaarsche",
        "tenant_association",
        "Huurdersvereniging De Wassenaarsche",
    ),
];

/// How one corporation lets its homes in the demonstration year (counted lettings).
struct Profile {
    corporation: &'static str,
    prefix: &'static str,
    /// Counted lettings in a full year.
    lettings: usize,
    /// Households above the DAEB income limit.
    above_income: usize,
    /// Households between the passend and the DAEB income limit.
    middle_income: usize,
    /// Lettings above the high rent cap (taken from the middle and high incomes).
    above_rent_cap: usize,
    /// Urgent lettings (taken from the low incomes).
    urgent: usize,
    /// Low-income lettings above the passend rent cap.
    passend_misses: usize,
    excluded: usize,
    non_social: usize,
}

const PROFILES: [Profile; 2] = [
    // urgent 32/110 = 0.291 (warning), rent cap 78/110 = 0.709 (warning),
    // income 15/110 = 0.136 (warning), passend 73/75 = 0.973 (ok)
    Profile {
        corporation: "dwb",
        prefix: "DWB",
        lettings: 110,
        above_income: 15,
        middle_income: 20,
        above_rent_cap: 32,
        urgent: 32,
        passend_misses: 2,
        excluded: 2,
        non_social: 3,
    },
    // urgent 22/62 = 0.355 (breach), rent cap 50/62 = 0.806 (ok),
    // income 6/62 = 0.097 (ok), passend 43/46 = 0.935 (breach)
    Profile {
        corporation: "willibrordus",
        prefix: "WIL",
        lettings: 62,
        above_income: 6,
        middle_income: 10,
        above_rent_cap: 12,
        urgent: 22,
        passend_misses: 3,
        excluded: 1,
        non_social: 2,
    },
];

pub struct DemoSummary {
    pub year: i32,
    pub tokens: Vec<(String, String, String)>,
    pub counts: Vec<(String, IngestCounts)>,
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("no national norms for any year")]
    NoNorms,
    #[error(transparent)]
    Admin(#[from] AdminError),
    #[error("database error: {0}")]
    Database(#[from] diesel::result::Error),
    #[error("generated letting {0} did not pass validation; this is a bug in the demo")]
    Generated(String),
}

/// Registers the demonstration organisations (once), creates a fresh token for each, and loads
/// the year's lettings (re-running it leaves the same lettings unchanged).
pub fn load(conn: &mut DbConnection, reference: &ReferenceData) -> Result<DemoSummary, DemoError> {
    let today = Utc::now().date_naive();
    let year = reference
        .norms
        .years()
        .filter(|y| *y <= today.year())
        .max()
        .or_else(|| reference.norms.years().min())
        .ok_or(DemoError::NoNorms)?;
    let norms = reference.norms.for_year(year).ok_or(DemoError::NoNorms)?;
    let last_month = if year == today.year() {
        today.month()
    } else {
        12
    };

    let mut tokens = Vec::new();
    for (id, kind, name) in ORGANISATIONS {
        match admin::add_organisation(conn, id, kind, name, &[MUNICIPALITY.to_string()]) {
            Ok(_) | Err(AdminError::Exists(_)) => {}
            Err(e) => return Err(e.into()),
        }
        tokens.push((
            id.to_string(),
            kind.to_string(),
            admin::create_named_token(conn, id, Some("serve --demo"))?,
        ));
    }

    let mut counts = Vec::new();
    for profile in &PROFILES {
        let batch = generate(profile, norms, year, last_month)?
            .iter()
            .map(|l| {
                prepare(l, &reference.norms)
                    .ok_or_else(|| DemoError::Generated(l.reference.clone()))
            })
            .collect::<Result<Vec<PreparedLetting>, _>>()?;
        let (result, _alerts) = store_batch(
            conn,
            reference,
            &Actor::cli(profile.corporation),
            profile.corporation,
            &batch,
            Utc::now().naive_utc(),
        )?;
        counts.push((profile.corporation.to_string(), result));
    }
    plan_and_task(conn, reference, year, today)?;
    afspraken::load(conn, reference, today, Utc::now().naive_utc())?;
    super::demo_stock::load(conn, MUNICIPALITY, year)?;
    Ok(DemoSummary {
        year,
        tokens,
        counts,
    })
}

/// What one generated household is, before amounts are drawn.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    LowIncome { urgent: bool, misses_passend: bool },
    Middle { above_cap: bool },
    High { above_cap: bool },
    Excluded,
    NonSocial,
}

fn generate(
    p: &Profile,
    norms: &YearNorms,
    year: i32,
    last_month: u32,
) -> Result<Vec<LettingInput>, DemoError> {
    let mut rng = StdRng::seed_from_u64(0x5eed_0629 ^ p.lettings as u64);
    let scale = |n: usize| n * last_month as usize / 12;
    let total = scale(p.lettings);
    let above = scale(p.above_income);
    let middle = scale(p.middle_income);
    let above_cap = scale(p.above_rent_cap).min(above + middle);
    let low = total - above - middle;
    let urgent = scale(p.urgent).min(low);
    let misses = scale(p.passend_misses).min(low - urgent);

    let mut kinds = Vec::with_capacity(total + p.excluded + p.non_social);
    for i in 0..low {
        kinds.push(Kind::LowIncome {
            urgent: i < urgent,
            misses_passend: i >= urgent && i < urgent + misses,
        });
    }
    for i in 0..middle {
        kinds.push(Kind::Middle {
            above_cap: i < above_cap,
        });
    }
    for i in 0..above {
        kinds.push(Kind::High {
            above_cap: middle + i < above_cap,
        });
    }
    kinds.extend(std::iter::repeat_n(Kind::Excluded, p.excluded));
    kinds.extend(std::iter::repeat_n(Kind::NonSocial, p.non_social));
    kinds.shuffle(&mut rng);

    let cents = |rng: &mut StdRng, from: Decimal, to: Decimal| -> Decimal {
        let lo = (from * Decimal::ONE_HUNDRED).trunc();
        let hi = (to * Decimal::ONE_HUNDRED).trunc();
        let span = i64::try_from(hi - lo).unwrap_or(1).max(1);
        (lo + Decimal::from(rng.random_range(0..=span))) / Decimal::ONE_HUNDRED
    };
    let euros = |rng: &mut StdRng, from: i64, to: i64| Decimal::from(rng.random_range(from..=to));
    let urgency_categories = [
        "status_holder",
        "status_holder",
        "status_holder",
        "medical",
        "medical",
        "social",
        "homeless_family",
        "shelter_outflow",
        "informal_care",
        "other",
    ];

    let mut lettings = Vec::with_capacity(kinds.len());
    for (i, kind) in kinds.into_iter().enumerate() {
        let month = 1 + (i as u32 * last_month) / (total + p.excluded + p.non_social).max(1) as u32;
        let day = rng.random_range(1..=28);
        let contract_start = NaiveDate::from_ymd_opt(year, month.min(last_month), day)
            .ok_or_else(|| DemoError::Generated(format!("{year}-{month}-{day}")))?;
        let household_size: u8 = match rng.random_range(0..100) {
            0..=39 => 1,
            40..=69 => 2,
            70..=84 => 3,
            85..=94 => 4,
            _ => 5,
        };
        let pension_age = household_size <= 2 && rng.random_range(0..100) < 25;
        let passend_limit = norms.passend_income_limit(household_size, pension_age);
        let social_limit = norms.social_income_limit(household_size);
        let passend_cap = norms.passend_rent_cap(household_size);
        let (household_income, rent, urgency, excluded_reason) = match kind {
            Kind::LowIncome {
                urgent,
                misses_passend,
            } => {
                let income = cents(&mut rng, Decimal::from(14_000), passend_limit);
                let rent = if misses_passend {
                    // Above the passend cap for a small household, still within the high cap.
                    cents(
                        &mut rng,
                        norms.rent_cap_low + Decimal::ONE,
                        norms.rent_cap_high,
                    )
                } else {
                    cents(
                        &mut rng,
                        norms.quality_discount_limit - Decimal::from(60),
                        passend_cap,
                    )
                };
                let urgency = urgent.then(|| {
                    urgency_categories[rng.random_range(0..urgency_categories.len())].to_string()
                });
                (income, rent, urgency, None)
            }
            Kind::Middle { above_cap } | Kind::High { above_cap } => {
                let income = if matches!(kind, Kind::High { .. }) {
                    social_limit + euros(&mut rng, 500, 9_000)
                } else {
                    cents(&mut rng, passend_limit + Decimal::ONE, social_limit)
                };
                let rent = if above_cap {
                    cents(
                        &mut rng,
                        norms.rent_cap_high + Decimal::ONE,
                        norms.social_rent_limit,
                    )
                } else {
                    cents(
                        &mut rng,
                        norms.rent_cap_low - Decimal::from(80),
                        norms.rent_cap_high,
                    )
                };
                (income, rent, None, None)
            }
            Kind::Excluded => (
                cents(&mut rng, Decimal::from(15_000), passend_limit),
                cents(&mut rng, Decimal::from(550), norms.rent_cap_low),
                None,
                Some("wisselwoning bij renovatie".to_string()),
            ),
            Kind::NonSocial => (
                social_limit + euros(&mut rng, 2_000, 20_000),
                cents(
                    &mut rng,
                    norms.social_rent_limit + Decimal::ONE,
                    norms.social_rent_limit + Decimal::from(250),
                ),
                None,
                None,
            ),
        };
        let route = match (urgency.is_some(), rng.random_range(0..100)) {
            (true, _) => Route::Direct,
            (false, 0..=74) => Route::Regular,
            (false, 75..=89) => Route::LocalPriority,
            (false, 90..=96) => Route::Swap,
            (false, _) => Route::Internal,
        };
        let household_size = if urgency.as_deref() == Some("status_holder") {
            household_size.max(2)
        } else {
            household_size
        };
        lettings.push(LettingInput {
            reference: format!("{}-{year}-{:04}", p.prefix, i + 1),
            municipality: MUNICIPALITY.to_string(),
            contract_start,
            rent,
            household_size,
            household_income,
            pension_age,
            route,
            status_holder: urgency.as_deref() == Some("status_holder"),
            urgency,
            excluded_reason,
            passend_exception: false,
            allocation_date: contract_start,
        });
    }
    Ok(lettings)
}

/// The year's allocation plan and status-holder task, set once, so the report has them.
fn plan_and_task(
    conn: &mut DbConnection,
    reference: &ReferenceData,
    year: i32,
    today: NaiveDate,
) -> Result<(), DemoError> {
    use crate::db::plans::{self, NewPlan, TargetRow};
    let now = Utc::now().naive_utc();
    if plans::plan_versions(conn, MUNICIPALITY, year)?.is_empty() {
        let agreement = reference.agreements.applicable(MUNICIPALITY, year);
        let mut lines = std::collections::BTreeMap::new();
        for (category, planned) in [
            ("regular", 95),
            ("local_priority", 20),
            ("status_holder", 24),
            ("medical", 12),
            ("social", 10),
            ("homeless_family", 4),
            ("shelter_outflow", 4),
            ("informal_care", 3),
        ] {
            if crate::domain::allocation_plan::categories(&agreement)
                .iter()
                .any(|c| c == category)
            {
                lines.insert(category.to_string(), planned);
            }
        }
        plans::insert_plan(
            conn,
            &NewPlan {
                municipality: MUNICIPALITY,
                year,
                expected_available: 175,
                note: Some("Raming bij vaststelling in januari"),
                lines: &lines,
                created_by: MUNICIPALITY,
            },
            now,
        )?;
    }
    if plans::targets(conn, MUNICIPALITY)?.is_empty() {
        for (half, persons) in [(format!("{year}-H1"), 22), (format!("{year}-H2"), 24)] {
            plans::set_target(
                conn,
                &TargetRow {
                    municipality: MUNICIPALITY.into(),
                    half_year: half,
                    persons,
                    note: Some("Taakstelling provincie Zuid-Holland".into()),
                    set_by: MUNICIPALITY.into(),
                    set_at: now,
                },
            )?;
        }
        if let Some(date) = NaiveDate::from_ymd_opt(year, 3, 12).filter(|d| *d <= today) {
            plans::add_placement(
                conn,
                MUNICIPALITY,
                date,
                4,
                "gezinshereniging bij bestaande huurder",
                MUNICIPALITY,
                now,
            )?;
        }
    }
    Ok(())
}
