//! Gathering the report: every figure of the half year read from the database as it is now,
//! converted into the report's own model.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDateTime};
use diesel::QueryResult;
use rust_decimal::Decimal;

use super::model::{
    AlertChangeRow, Breakdowns, CompletenessRow, CountRow, Footer, IncomeLimitsUsed, NormsUsed,
    Report, ReportAgreement, ReportMetric, ReportPlan, ReportScope, ReportStatusHolders,
    TrendPoint, MODEL_VERSION,
};
use super::model_notes::ReportAlertNote;
use crate::config::ReferenceData;
use crate::db::organisations::organisations_of_municipality;
use crate::db::quota::{count_groups, count_period_groups};
use crate::db::report::{alert_events_between, breakdown_groups};
use crate::db::DbConnection;
use crate::domain::allocation_plan::category_of;
use crate::domain::organisation::OrgKind;
use crate::domain::period::{month_key, Period};
use crate::domain::quota::{rounded_share, ScopeCounts};
use crate::service::plans::{allocation_plan, months_of_year_completed, status_holder_overview};
use crate::service::quota::{fold, scope_bodies, AgreementRef, MetricBody};

/// Builds the report of a municipality for a half year from the database as it is now.
pub fn build(
    conn: &mut DbConnection,
    reference: &ReferenceData,
    municipality: &str,
    half: Period,
    now: NaiveDateTime,
) -> QueryResult<Report> {
    let year = half.year();
    let ytd = Period::Year(year);
    let agreement = reference.agreements.applicable(municipality, year);
    let half_groups = count_groups(conn, municipality, half.first_day(), half.last_day())?;
    let ytd_groups = count_period_groups(conn, municipality, ytd.first_day(), half.last_day())?;
    let corporations_with_lettings: Vec<String> = half_groups
        .iter()
        .map(|g| g.corporation.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();

    // Trend: the same groups, one month at a time.
    let mut trend = Vec::new();
    for month in half.month_periods() {
        let key = month_key(month.first_day());
        let in_month: Vec<_> = half_groups
            .iter()
            .filter(|g| g.contract_month == key)
            .cloned()
            .collect();
        let (total, per_corporation) = fold(&in_month, &agreement);
        let mut month_scopes: Vec<(Option<String>, ScopeCounts)> = vec![(None, total)];
        for corporation in &corporations_with_lettings {
            month_scopes.push((
                Some(corporation.clone()),
                per_corporation
                    .get(corporation)
                    .copied()
                    .unwrap_or_default(),
            ));
        }
        for (corporation, counts) in month_scopes {
            for figures in counts.evaluate(&agreement) {
                trend.push(TrendPoint {
                    month: month.to_string(),
                    corporation: corporation.clone(),
                    metric: ReportMetric::from(&MetricBody::from(&figures)),
                });
            }
        }
    }

    // Breakdowns.
    let mut rent_class: BTreeMap<String, u64> = BTreeMap::new();
    let mut route: BTreeMap<String, u64> = BTreeMap::new();
    let mut urgency: BTreeMap<String, u64> = BTreeMap::new();
    let mut household_size: BTreeMap<u32, u64> = BTreeMap::new();
    let mut category: BTreeMap<String, u64> = BTreeMap::new();
    for (class, r, u, size, n) in
        breakdown_groups(conn, municipality, half.first_day(), half.last_day())?
    {
        let n = u64::try_from(n).unwrap_or(0);
        *rent_class.entry(class.clone()).or_default() += n;
        *route.entry(r.clone()).or_default() += n;
        *urgency
            .entry(u.clone().unwrap_or_else(|| "none".into()))
            .or_default() += n;
        *household_size
            .entry(u32::try_from(size).unwrap_or(0))
            .or_default() += n;
        if class != "non_social" {
            *category.entry(category_of(&r, u.as_deref())).or_default() += n;
        }
    }
    let ordered = |map: BTreeMap<String, u64>, order: &[&str]| -> Vec<CountRow> {
        let mut rows: Vec<CountRow> = order
            .iter()
            .map(|k| CountRow {
                key: k.to_string(),
                lettings: map.get(*k).copied().unwrap_or(0),
            })
            .collect();
        rows.extend(
            map.iter()
                .filter(|(k, _)| !order.contains(&k.as_str()))
                .map(|(k, v)| CountRow {
                    key: k.clone(),
                    lettings: *v,
                }),
        );
        rows
    };
    let rent_classes: Vec<&str> = crate::domain::letting::RentClass::ALL
        .iter()
        .map(|c| c.as_str())
        .collect();
    let routes: Vec<&str> = crate::domain::letting::Route::ALL
        .iter()
        .map(|r| r.as_str())
        .collect();
    let mut urgencies: Vec<&str> = vec!["none"];
    urgencies.extend(agreement.urgency_categories.iter().map(String::as_str));
    let categories = crate::domain::allocation_plan::categories(&agreement);
    let category_order: Vec<&str> = categories.iter().map(String::as_str).collect();
    let breakdowns = Breakdowns {
        rent_class: ordered(rent_class, &rent_classes),
        route: ordered(route, &routes),
        urgency: ordered(urgency, &urgencies),
        household_size: household_size
            .into_iter()
            .map(|(k, v)| CountRow {
                key: k.to_string(),
                lettings: v,
            })
            .collect(),
        category: ordered(category, &category_order),
    };

    // Status holders and the plan.
    let today = now.date();
    let status_holders = status_holder_overview(conn, municipality, today, Some(half))?
        .half_years
        .iter()
        .find(|h| h.half_year == half.to_string())
        .map(ReportStatusHolders::from);
    let end_month = half.last_day().month();
    let months = months_of_year_completed(year, today).min(end_month);
    let allocation_plan = allocation_plan(conn, reference, municipality, year, None, months)?
        .as_ref()
        .map(ReportPlan::from);

    // Alerts changed during the half year.
    let from = half.first_day().and_hms_opt(0, 0, 0).unwrap_or_default();
    let until = half
        .last_day()
        .succ_opt()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .unwrap_or(from);
    let alerts: Vec<AlertChangeRow> = alert_events_between(conn, municipality, from, until)?
        .into_iter()
        .map(|e| {
            let count = u64::try_from(e.count).unwrap_or(0);
            let denominator = u64::try_from(e.denominator).unwrap_or(0);
            AlertChangeRow {
                alert_id: e.alert_id,
                metric: e.metric,
                corporation: Some(e.corporation).filter(|c| !c.is_empty()),
                year: e.year,
                change: e.change,
                level: e.level,
                metric_state: e.metric_state,
                count,
                denominator,
                share: rounded_share(count, denominator),
                limit: e.limit_value.parse::<Decimal>().ok().map(|d| d.normalize()),
                at: e.at.and_utc(),
            }
        })
        .collect();

    // Completeness: every corporation registered for the municipality or with lettings.
    let organisations = organisations_of_municipality(conn, municipality)?;
    let municipality_name = organisations
        .iter()
        .find(|o| o.id == municipality && o.kind == OrgKind::Municipality)
        .map(|o| o.name.clone());
    let corporation_names: BTreeMap<String, String> = organisations
        .iter()
        .filter(|o| o.kind == OrgKind::Corporation)
        .map(|o| (o.id.clone(), o.name.clone()))
        .collect();
    let mut corporations: BTreeSet<String> = organisations
        .iter()
        .filter(|o| o.kind == OrgKind::Corporation)
        .map(|o| o.id.clone())
        .collect();
    corporations.extend(corporations_with_lettings);
    let completeness = corporations
        .into_iter()
        .map(|corporation| CompletenessRow {
            months: half
                .month_periods()
                .iter()
                .map(|m| {
                    let key = month_key(m.first_day());
                    let n: i64 = half_groups
                        .iter()
                        .filter(|g| g.corporation == corporation && g.contract_month == key)
                        .map(|g| g.lettings)
                        .sum();
                    (m.to_string(), u64::try_from(n).unwrap_or(0))
                })
                .collect(),
            corporation,
        })
        .collect();

    // The norms that classified the lettings of the year to date: the allocation years'
    // (a December allocation for a January contract is judged on the year before), marked
    // where they stood in for a year without norms yet.
    let known = crate::service::norms::current(conn, reference)?;
    let mut used: BTreeMap<i32, bool> = BTreeMap::new();
    for (y, provisional) in
        crate::db::norms::years_used(conn, municipality, ytd.first_day(), half.last_day())?
    {
        *used.entry(y).or_default() |= provisional;
    }
    if used.is_empty() {
        used.insert(year, false);
    }
    let norms = used
        .iter()
        .filter_map(|(y, provisional)| {
            let n = known.for_year(*y)?;
            Some(NormsUsed {
                year: n.year,
                source: n.source.clone(),
                quality_discount_limit: n.quality_discount_limit,
                rent_cap_low: n.rent_cap_low,
                rent_cap_high: n.rent_cap_high,
                social_rent_limit: n.social_rent_limit,
                income_limits: Some(IncomeLimitsUsed {
                    social_income_limit_single: n.social_income_limit_single,
                    social_income_limit_multi: n.social_income_limit_multi,
                    passend_income_limit_single: n.passend_income_limit_single,
                    passend_income_limit_single_pension: n.passend_income_limit_single_pension,
                    passend_income_limit_multi: n.passend_income_limit_multi,
                    passend_income_limit_multi_pension: n.passend_income_limit_multi_pension,
                }),
                provisional: *provisional,
            })
        })
        .collect();

    // The same half year a year earlier, judged by that year's agreement, for the summary.
    let previous_half_year = match half {
        Period::Half(y, h) => {
            let before = Period::Half(y - 1, h);
            let groups = count_groups(conn, municipality, before.first_day(), before.last_day())?;
            let earlier = reference.agreements.applicable(municipality, y - 1);
            if groups.is_empty() {
                Vec::new()
            } else {
                scope_bodies(&groups, &earlier)
                    .iter()
                    .map(ReportScope::from)
                    .collect()
            }
        }
        _ => Vec::new(),
    };
    let alert_ids: Vec<i64> = alerts
        .iter()
        .map(|a: &AlertChangeRow| a.alert_id)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let alert_notes = crate::db::alert_notes::of_alerts(conn, &alert_ids)?
        .into_iter()
        .filter(|n| n.created_at <= now)
        .map(|n| ReportAlertNote {
            alert_id: n.alert_id,
            text: n.text,
            organisation: n.organisation_id,
            at: n.created_at.and_utc(),
        })
        .collect();

    let agreement_ref = ReportAgreement::from(&AgreementRef::from(&agreement));
    let scopes = |groups| {
        scope_bodies(groups, &agreement)
            .iter()
            .map(ReportScope::from)
            .collect()
    };
    Ok(Report {
        version: MODEL_VERSION,
        municipality: municipality.to_string(),
        municipality_name,
        corporation_names,
        half_year: half.to_string(),
        from: half.first_day(),
        to: half.last_day(),
        year_to_date_from: ytd.first_day(),
        agreement: agreement_ref.clone(),
        quota_half_year: scopes(&half_groups),
        quota_year_to_date: scopes(&ytd_groups),
        trend,
        breakdowns,
        status_holders,
        allocation_plan,
        alerts,
        completeness,
        footer: Footer {
            norms,
            agreement: agreement_ref,
            agreement_source: agreement.source.clone(),
            read_at: now.and_utc(),
        },
        previous_half_year,
        alert_notes,
    })
}
