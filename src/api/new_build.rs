//! New build against the agreement: `GET .../new-build?year=` (the RRA target, what is
//! realised, what is left and the pace it needs) and `POST .../new-build/check` (a project's
//! mix against the per-project rule, as it is checked before the permit).

use actix_web::{get, post, web, HttpResponse};
use chrono::{Datelike, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::error::{ApiError, ErrorBody};
use super::guards::MunicipalityReader;
use super::AppState;
use crate::domain::new_build::{
    check_mix, rra_progress, MixRule, NewBuildAgreement, ProjectMix, SegmentProgress,
};
use utoipa_actix_web::service_config::ServiceConfig;

#[derive(Debug, Deserialize, IntoParams)]
pub struct NewBuildQuery {
    /// The year the remainder is counted from (realisations of earlier years count). Default:
    /// the current year.
    pub year: Option<i32>,
}

/// The per-project rule.
#[derive(Debug, Serialize, ToSchema)]
pub struct RuleBody {
    #[schema(value_type = f64)]
    pub social_min: Decimal,
    #[schema(value_type = f64)]
    pub middensegment_min: Decimal,
    pub middenhuur_max_points: i32,
    #[schema(value_type = f64)]
    pub affordable_purchase_max_price: Decimal,
    pub price_year: i32,
}

impl From<&MixRule> for RuleBody {
    fn from(r: &MixRule) -> Self {
        Self {
            social_min: r.social_min,
            middensegment_min: r.middensegment_min,
            middenhuur_max_points: r.middenhuur_max_points,
            affordable_purchase_max_price: r.affordable_purchase_max_price,
            price_year: r.price_year,
        }
    }
}

/// One segment of the target.
#[derive(Debug, Serialize, ToSchema)]
pub struct SegmentBody {
    pub target: u64,
    /// Null when the realisations do not give this segment.
    pub realised: Option<u64>,
    pub remaining: Option<u64>,
    /// Homes a year needed over the years left; null when unknown or no year is left.
    #[schema(value_type = Option<f64>)]
    pub pace_needed: Option<Decimal>,
}

impl From<&SegmentProgress> for SegmentBody {
    fn from(s: &SegmentProgress) -> Self {
        Self {
            target: s.target,
            realised: s.realised,
            remaining: s.remaining,
            pace_needed: s.pace_needed.map(|p| p.round_dp(2).normalize()),
        }
    }
}

/// The regional target against the realisations.
#[derive(Debug, Serialize, ToSchema)]
pub struct NewBuildBody {
    pub municipality: String,
    pub agreement: String,
    pub year: i32,
    pub rule: RuleBody,
    pub first_year: i32,
    pub last_year: i32,
    pub source: String,
    pub gross: SegmentBody,
    pub social: SegmentBody,
    pub middenhuur: SegmentBody,
    pub years_left: u32,
    /// Homes a year realised so far, over the years with a figure.
    #[schema(value_type = Option<f64>)]
    pub pace_so_far: Option<Decimal>,
    /// Years of the period before `year` without a figure: missing, not zero.
    pub missing_years: Vec<i32>,
}

fn clauses(
    state: &AppState,
    code: &str,
    year: i32,
) -> Result<(String, NewBuildAgreement), ApiError> {
    let agreement = state.reference.agreements.applicable(code, year);
    match agreement.new_build {
        Some(new_build) => Ok((agreement.id, new_build)),
        None => Err(ApiError::not_found(
            "no_new_build_agreement",
            format!("the agreement that applies to {code} in {year} has no new-build clauses"),
        )),
    }
}

/// The regional (RRA) target of the municipality against the realisations of the years
/// before `year`: what is left per segment and the pace it needs.
#[utoipa::path(
    tag = "new build",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "CBS municipality code, e.g. GM0629"), NewBuildQuery),
    responses(
        (status = 200, description = "The target and its progress", body = NewBuildBody),
        (status = 401, description = "No or unknown token", body = ErrorBody),
        (status = 403, description = "The token's organisation may not read this municipality", body = ErrorBody),
        (status = 404, description = "Not a municipality code, or its agreement has no new-build clauses", body = ErrorBody),
    )
)]
#[get("/api/v1/municipalities/{code}/new-build")]
pub async fn get_new_build(
    caller: MunicipalityReader,
    query: web::Query<NewBuildQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let code = caller.code().to_string();
    let year = query.year.unwrap_or_else(|| Utc::now().year());
    let (agreement, clauses) = clauses(&state, &code, year)?;
    let progress = rra_progress(&clauses.rra, &clauses.realisations_by_year(), year);
    Ok(HttpResponse::Ok().json(NewBuildBody {
        municipality: code,
        agreement,
        year,
        rule: RuleBody::from(&clauses.rule),
        first_year: clauses.rra.first_year,
        last_year: clauses.rra.last_year,
        source: clauses.rra.source.clone(),
        gross: SegmentBody::from(&progress.gross),
        social: SegmentBody::from(&progress.social),
        middenhuur: SegmentBody::from(&progress.middenhuur),
        years_left: progress.years_left,
        pace_so_far: progress.pace_so_far.map(|p| p.round_dp(2).normalize()),
        missing_years: progress.missing_years,
    }))
}

/// A project's homes per segment.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectMixBody {
    pub social_rent: u64,
    pub middenhuur: u64,
    pub affordable_purchase: u64,
    pub other: u64,
    /// The year whose agreement applies; default the current year.
    pub year: Option<i32>,
}

/// A project's mix against the rule.
#[derive(Debug, Serialize, ToSchema)]
pub struct MixCheckBody {
    pub total: u64,
    pub social_ok: bool,
    pub middensegment_ok: bool,
    pub passes: bool,
    pub social_needed: u64,
    pub middensegment_needed: u64,
    pub rule: RuleBody,
}

/// Checks a project's mix against the per-project rule (at least 30% social rent and 40%
/// middensegment in Wassenaar), on the exact fraction: a project exactly at the share passes.
/// Nothing is stored.
#[utoipa::path(
    tag = "new build",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "CBS municipality code, e.g. GM0629")),
    request_body = ProjectMixBody,
    responses(
        (status = 200, description = "The check", body = MixCheckBody),
        (status = 400, description = "The body is not a project mix", body = ErrorBody),
        (status = 401, description = "No or unknown token", body = ErrorBody),
        (status = 403, description = "The token's organisation may not read this municipality", body = ErrorBody),
        (status = 404, description = "Not a municipality code, or its agreement has no new-build clauses", body = ErrorBody),
    )
)]
#[post("/api/v1/municipalities/{code}/new-build/check")]
pub async fn check_project_mix(
    caller: MunicipalityReader,
    body: web::Json<ProjectMixBody>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let code = caller.code().to_string();
    let year = body.year.unwrap_or_else(|| Utc::now().year());
    let (_, clauses) = clauses(&state, &code, year)?;
    let mix = ProjectMix {
        social_rent: body.social_rent,
        middenhuur: body.middenhuur,
        affordable_purchase: body.affordable_purchase,
        other: body.other,
    };
    let check = check_mix(&mix, &clauses.rule);
    Ok(HttpResponse::Ok().json(MixCheckBody {
        total: check.total,
        social_ok: check.social_ok,
        middensegment_ok: check.middensegment_ok,
        passes: check.passes(),
        social_needed: check.social_needed,
        middensegment_needed: check.middensegment_needed,
        rule: RuleBody::from(&clauses.rule),
    }))
}

/// The routes of this module, for the router and the OpenAPI document alike.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(get_new_build).service(check_project_mix);
}
