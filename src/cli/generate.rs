//! A national-scale data set for measurements: `quotamonitor generate`. Registers synthetic
//! municipalities (`GM1001`…) and corporations (`corp-001`…) and writes realistic lettings for a
//! span of years straight into the database (multi-row inserts on SQLite, COPY on PostgreSQL),
//! classified by the same domain rules as the API. No version history is written for them:
//! the set is for measuring reads; `generate` is not a way to load real data.
//!
//! The national history set is `--municipalities 340 --corporations 280 --from 2024 --to 2026
//! --per-year 1000000`: five times the roughly 200000 social lettings a year in the Netherlands.

use std::collections::BTreeSet;

use chrono::{NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use crate::config::ReferenceData;
use crate::db::lettings::{count_plain_inserts, insert_plain, PlainInsert, PreparedLetting};
use crate::db::DbConnection;
use crate::domain::letting::{LettingInput, Route};
use crate::service::admin::{self, AdminError};
use crate::service::ingest::prepare;

#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub municipalities: usize,
    pub corporations: usize,
    pub from_year: i32,
    pub to_year: i32,
    /// Lettings per year over all municipalities.
    pub per_year: usize,
    pub seed: u64,
}

pub fn municipality_code(i: usize) -> String {
    format!("GM{:04}", 1001 + i)
}

pub fn corporation_id(j: usize) -> String {
    format!("corp-{:03}", j + 1)
}

/// Writes the data set; returns the number of lettings written.
pub fn generate(
    conn: &mut DbConnection,
    reference: &ReferenceData,
    shape: Shape,
    mut progress: impl FnMut(usize),
) -> anyhow::Result<usize> {
    let mut rng = StdRng::seed_from_u64(shape.seed);
    let m = shape.municipalities.max(1);
    let c = shape.corporations.max(1);
    // Municipality i is served by corporation i % c, and some by a second one.
    let mut served: Vec<Vec<usize>> = vec![Vec::new(); c];
    let mut serving: Vec<Vec<usize>> = vec![Vec::new(); m];
    for (i, own) in serving.iter_mut().enumerate() {
        let mut corps = BTreeSet::from([i % c]);
        if rng.random_range(0..3) == 0 {
            corps.insert((i * 7 + 3) % c);
        }
        for j in corps {
            served[j].push(i);
            own.push(j);
        }
    }
    for i in 0..m {
        let code = municipality_code(i);
        match admin::add_organisation(
            conn,
            &code,
            "municipality",
            &format!("Gemeente {code}"),
            &[],
        ) {
            Ok(_) | Err(AdminError::Exists(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    for (j, municipalities) in served.iter().enumerate() {
        let codes: Vec<String> = if municipalities.is_empty() {
            vec![municipality_code(j % m)]
        } else {
            municipalities
                .iter()
                .map(|i| municipality_code(*i))
                .collect()
        };
        match admin::add_organisation(
            conn,
            &corporation_id(j),
            "corporation",
            &format!("Corporatie {}", j + 1),
            &codes,
        ) {
            Ok(_) | Err(AdminError::Exists(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    // Municipality sizes vary: weights 1 to 20.
    let weights: Vec<usize> = (0..m).map(|_| rng.random_range(1..=20)).collect();
    let total_weight: usize = weights.iter().sum();
    let today = Utc::now().date_naive();
    let mut written = 0;
    for year in shape.from_year..=shape.to_year {
        let Some(norms) = reference.norms.for_year(year) else {
            continue;
        };
        for i in 0..m {
            let volume = shape.per_year * weights[i] / total_weight;
            let corps = &serving[i];
            let mut per_corporation: Vec<Vec<PreparedLetting>> = vec![Vec::new(); corps.len()];
            for n in 0..volume {
                let k = n % corps.len();
                let month = rng.random_range(1..=12);
                let Some(date) = NaiveDate::from_ymd_opt(year, month, rng.random_range(1..=28))
                    .filter(|d| *d <= today)
                else {
                    continue;
                };
                let size: u8 = [1, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5][rng.random_range(0..11)];
                let pension = size <= 2 && rng.random_range(0..4) == 0;
                let low = rng.random_range(0..100) < 72;
                let passend_limit = norms
                    .passend_income_limit(size, pension)
                    .to_i64()
                    .unwrap_or(30_000);
                let income = if low {
                    Decimal::from(rng.random_range(12_000..=passend_limit))
                } else {
                    Decimal::from(passend_limit + rng.random_range(1..25_000))
                };
                let rent_cap = if low {
                    norms.passend_rent_cap(size)
                } else {
                    norms.social_rent_limit
                };
                let cap_cents = (rent_cap * Decimal::ONE_HUNDRED).to_i64().unwrap_or(70_000);
                // One in thirty above the cap (and some above the social rent limit).
                let above = if rng.random_range(0..30) == 0 {
                    30_000
                } else {
                    0
                };
                let rent_cents = rng.random_range(40_000..=cap_cents + above);
                let urgency = (rng.random_range(0..100) < 27).then(|| {
                    [
                        "status_holder",
                        "medical",
                        "social",
                        "homeless_family",
                        "shelter_outflow",
                        "other",
                    ][rng.random_range(0..6)]
                    .to_string()
                });
                let input = LettingInput {
                    reference: format!("{}-{year}-{n:07}", municipality_code(i)),
                    municipality: municipality_code(i),
                    contract_start: date,
                    rent: Decimal::new(rent_cents, 2),
                    household_size: size,
                    household_income: income,
                    pension_age: pension,
                    route: if urgency.is_some() {
                        Route::Direct
                    } else if rng.random_range(0..6) == 0 {
                        Route::LocalPriority
                    } else {
                        Route::Regular
                    },
                    urgency,
                    excluded_reason: (rng.random_range(0..80) == 0)
                        .then(|| "wisselwoning".to_string()),
                    passend_exception: false,
                    allocation_date: date,
                    status_holder: false,
                };
                if let Some(p) = prepare(&input, &reference.norms) {
                    per_corporation[k].push(p);
                }
            }
            for (k, batch) in per_corporation.iter().enumerate() {
                for chunk in batch.chunks(50_000) {
                    written += insert_plain(
                        conn,
                        &corporation_id(corps[k]),
                        chunk,
                        Utc::now().naive_utc(),
                        PlainInsert::Copy,
                    )?;
                    count_plain_inserts(conn, &corporation_id(corps[k]), chunk)?;
                }
            }
            progress(written);
        }
    }
    Ok(written)
}
