//! A corporation's legal view (wettelijke toets): its calendar year over all the
//! municipalities it lets in, judged against the two norms of the law (`domain::legal`). Only
//! the corporation itself reads it: it is built from its own records alone.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use diesel::QueryResult;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::config::ReferenceData;
use crate::db::quota::count_corporation_groups;
use crate::db::DbConnection;
use crate::domain::agreement::Agreement;
use crate::domain::legal::{free_room, passend, room_of, MunicipalityShare, PASSEND_MINIMUM};
use crate::domain::metric::{Bound, Metric};
use crate::domain::period::Period;
use crate::domain::quota::{rounded_share, ScopeCounts};
use crate::service::quota::{group_of, AgreementRef};

/// One legal norm, judged over the corporation's year.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct LegalMetric {
    /// `income_exemption_share` (vrije toewijzingsruimte) or `passend_share`.
    pub metric: String,
    pub count: u64,
    pub denominator: u64,
    /// `count / denominator` rounded half-up to 4 decimals; null without lettings.
    #[schema(value_type = Option<f64>)]
    pub share: Option<Decimal>,
    /// For `income_exemption_share` the rooms of the municipalities weighted by their lettings,
    /// rounded to 4 decimals (the state is judged on the exact sum); 0.95 for `passend_share`.
    #[schema(value_type = f64)]
    pub limit: Decimal,
    /// `max` or `min`.
    pub bound: String,
    /// `ok`, `warning` (within the national margin of 2 points), `breach`, or
    /// `insufficient_data` for a year without lettings; the law has no minimum number.
    pub state: String,
    /// Always `corporation_year`: this is the judgement itself.
    pub judged_per: String,
    /// The articles of law.
    pub source: String,
}

/// What one municipality adds to the corporation's year.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct LegalMunicipality {
    pub municipality: String,
    /// The agreement whose income-exemption limit sets this municipality's room.
    pub agreement: AgreementRef,
    /// Counted lettings.
    pub lettings: u64,
    /// Of them, to households above the DAEB income limit.
    pub income_exemption_count: u64,
    /// The free allocation room these lettings bring: the agreement's limit within 7.5%–15%.
    #[schema(value_type = f64)]
    pub income_exemption_room: Decimal,
    pub passend_count: u64,
    pub passend_denominator: u64,
}

/// A corporation's calendar year against the law.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct LegalBody {
    pub corporation: String,
    pub year: i32,
    #[schema(value_type = String, format = Date)]
    pub from: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub to: NaiveDate,
    /// `income_exemption_share`, then `passend_share`.
    pub metrics: Vec<LegalMetric>,
    /// Each municipality with lettings in the year, by code.
    pub municipalities: Vec<LegalMunicipality>,
}

const FREE_ROOM_SOURCE: &str = "Woningwet art. 48 lid 1; BTIV 2015 art. 16 (7,5%, by \
    performance agreement at most 15%)";
const PASSEND_SOURCE: &str = "Woningwet art. 46 lid 2; BTIV 2015 art. 54 lid 1 (95%)";

/// The legal view of a corporation's calendar year.
pub fn legal_view(
    conn: &mut DbConnection,
    reference: &ReferenceData,
    corporation: &str,
    year: i32,
) -> QueryResult<LegalBody> {
    let period = Period::Year(year);
    let groups =
        count_corporation_groups(conn, corporation, period.first_day(), period.last_day())?;
    let mut per_municipality: BTreeMap<String, (Agreement, ScopeCounts)> = BTreeMap::new();
    for (municipality, g) in &groups {
        let (agreement, counts) =
            per_municipality
                .entry(municipality.clone())
                .or_insert_with(|| {
                    (
                        reference.agreements.applicable(municipality, year),
                        ScopeCounts::default(),
                    )
                });
        counts.add(
            &group_of(g),
            u64::try_from(g.lettings).unwrap_or(0),
            agreement,
        );
    }
    let municipalities: Vec<LegalMunicipality> = per_municipality
        .iter()
        .map(|(code, (agreement, counts))| LegalMunicipality {
            municipality: code.clone(),
            agreement: AgreementRef::from(agreement),
            lettings: counts.lettings,
            income_exemption_count: counts.income_above_limit,
            income_exemption_room: room_of(
                agreement.limits.for_metric(Metric::IncomeExemptionShare),
            )
            .normalize(),
            passend_count: counts.passend_compliant,
            passend_denominator: counts.passend_denominator,
        })
        .collect();
    // The national warning band: the law has none, and agreements differ.
    let margin = Agreement::national("").warning_margin;
    let shares: Vec<MunicipalityShare> = municipalities
        .iter()
        .map(|m| MunicipalityShare {
            lettings: m.lettings,
            above_limit: m.income_exemption_count,
            room: m.income_exemption_room,
        })
        .collect();
    let room = free_room(&shares, margin);
    let (compliant, passend_denominator) = municipalities.iter().fold((0, 0), |(c, d), m| {
        (c + m.passend_count, d + m.passend_denominator)
    });
    let metrics = vec![
        LegalMetric {
            metric: Metric::IncomeExemptionShare.name().to_string(),
            count: room.count,
            denominator: room.denominator,
            share: rounded_share(room.count, room.denominator),
            limit: room.limit,
            bound: Bound::Max.as_str().to_string(),
            state: room.state.as_str().to_string(),
            judged_per: Metric::IncomeExemptionShare.judged_per().to_string(),
            source: FREE_ROOM_SOURCE.to_string(),
        },
        LegalMetric {
            metric: Metric::PassendShare.name().to_string(),
            count: compliant,
            denominator: passend_denominator,
            share: rounded_share(compliant, passend_denominator),
            limit: PASSEND_MINIMUM.normalize(),
            bound: Bound::Min.as_str().to_string(),
            state: passend(compliant, passend_denominator, margin)
                .as_str()
                .to_string(),
            judged_per: Metric::PassendShare.judged_per().to_string(),
            source: PASSEND_SOURCE.to_string(),
        },
    ];
    Ok(LegalBody {
        corporation: corporation.to_string(),
        year,
        from: period.first_day(),
        to: period.last_day(),
        metrics,
        municipalities,
    })
}
