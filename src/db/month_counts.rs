//! The per-month aggregates, changed in the same transaction as the lettings, so reading a
//! period costs the same whatever the history:
//! - `letting_month_counts`: by quota classification (quota, alerts, the report's quotas);
//! - `letting_month_profiles`: by rent class, route, urgency, household size and counted (the
//!   report's breakdowns, the status-holder task, the allocation plan).
//!
//! A test checks both always equal the counts over the letting rows.

use std::collections::{BTreeSet, HashMap};

use diesel::prelude::*;
use diesel::upsert::excluded;

use super::letting_rows::{ClassificationRow, LettingData};
use super::schema::letting_month_counts as mc;
use super::schema::letting_month_profiles as mp;
use super::{summed_lettings, BindLimit, DbConnection};
use crate::domain::period::month_key;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Insertable)]
#[diesel(table_name = mc)]
struct Key {
    municipality: String,
    corporation: String,
    contract_month: i32,
    is_social: bool,
    is_counted: bool,
    urgency: String,
    within_rent_cap: bool,
    income_above_limit: bool,
    in_passend_denominator: bool,
    passend_compliant: bool,
    local_priority: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Insertable)]
#[diesel(table_name = mp)]
struct ProfileKey {
    municipality: String,
    corporation: String,
    contract_month: i32,
    rent_class: String,
    route: String,
    urgency: String,
    household_size: i32,
    is_counted: bool,
    status_holder: bool,
}

/// Changes to the per-month aggregates, gathered while lettings are written.
#[derive(Debug, Default)]
pub struct Deltas {
    by_key: HashMap<Key, i64>,
    by_profile: HashMap<ProfileKey, i64>,
}

impl Deltas {
    /// Counts a non-withdrawn letting in (`+1`) or out (`-1`).
    pub fn add(
        &mut self,
        corporation: &str,
        data: &LettingData,
        class: &ClassificationRow,
        delta: i64,
    ) {
        let key = Key {
            municipality: data.municipality.clone(),
            corporation: corporation.to_string(),
            contract_month: class.contract_month,
            is_social: class.is_social,
            is_counted: class.is_counted,
            urgency: data.urgency.clone().unwrap_or_default(),
            within_rent_cap: class.within_rent_cap,
            income_above_limit: class.income_above_limit,
            in_passend_denominator: class.in_passend_denominator,
            passend_compliant: class.passend_compliant,
            local_priority: data.route == "local_priority",
        };
        *self.by_key.entry(key).or_insert(0) += delta;
        let profile = ProfileKey {
            municipality: data.municipality.clone(),
            corporation: corporation.to_string(),
            contract_month: class.contract_month,
            rent_class: class.rent_class.clone(),
            route: data.route.clone(),
            urgency: data.urgency.clone().unwrap_or_default(),
            household_size: data.household_size,
            is_counted: class.is_counted,
            status_holder: data.status_holder,
        };
        *self.by_profile.entry(profile).or_insert(0) += delta;
    }

    /// Applies the changes (on PostgreSQL in multi-row upserts sized to the bind limit: a few
    /// statements per batch instead of one per key), then removes the groups that fell to
    /// zero. Call in the transaction that changed the lettings.
    pub fn apply(self, conn: &mut DbConnection) -> QueryResult<()> {
        let mut emptied: BTreeSet<String> = BTreeSet::new();
        let counts: Vec<CountDelta> = changed(self.by_key, |k| &k.municipality, &mut emptied)
            .into_iter()
            .map(|(key, lettings)| CountDelta { key, lettings })
            .collect();
        let profiles: Vec<ProfileDelta> =
            changed(self.by_profile, |k| &k.municipality, &mut emptied)
                .into_iter()
                .map(|(key, lettings)| ProfileDelta { key, lettings })
                .collect();
        macro_rules! upsert_counts {
            ($c:expr, $values:expr) => {
                diesel::insert_into(mc::table)
                    .values($values)
                    .on_conflict((
                        mc::municipality,
                        mc::contract_month,
                        mc::corporation,
                        mc::is_social,
                        mc::is_counted,
                        mc::urgency,
                        mc::within_rent_cap,
                        mc::income_above_limit,
                        mc::in_passend_denominator,
                        mc::passend_compliant,
                        mc::local_priority,
                    ))
                    .do_update()
                    .set(mc::lettings.eq(mc::lettings + excluded(mc::lettings)))
                    .execute($c)
            };
        }
        macro_rules! upsert_profiles {
            ($c:expr, $values:expr) => {
                diesel::insert_into(mp::table)
                    .values($values)
                    .on_conflict((
                        mp::municipality,
                        mp::contract_month,
                        mp::corporation,
                        mp::rent_class,
                        mp::route,
                        mp::urgency,
                        mp::household_size,
                        mp::is_counted,
                        mp::status_holder,
                    ))
                    .do_update()
                    .set(mp::lettings.eq(mp::lettings + excluded(mp::lettings)))
                    .execute($c)
            };
        }
        match conn {
            DbConnection::Postgresql(c) => {
                for chunk in counts.chunks(c.bind_limit() / COUNT_COLUMNS) {
                    upsert_counts!(c, chunk)?;
                }
                for chunk in profiles.chunks(c.bind_limit() / PROFILE_COLUMNS) {
                    upsert_profiles!(c, chunk)?;
                }
            }
            // diesel has no multi-row upsert for SQLite; SQLite has no round trip either, so
            // one prepared statement per key costs little there.
            DbConnection::Sqlite(c) => {
                for row in &counts {
                    upsert_counts!(c, row)?;
                }
                for row in &profiles {
                    upsert_profiles!(c, row)?;
                }
            }
        }
        // A group whose lettings were all withdrawn or moved is removed, so readers never see
        // empty groups and the tables do not fill with zeros.
        for municipality in emptied {
            diesel::delete(
                mc::table
                    .filter(mc::municipality.eq(&municipality))
                    .filter(mc::lettings.le(0)),
            )
            .execute(conn)?;
            diesel::delete(
                mp::table
                    .filter(mp::municipality.eq(&municipality))
                    .filter(mp::lettings.le(0)),
            )
            .execute(conn)?;
        }
        Ok(())
    }
}

/// The keys whose count changed. A municipality where a count fell is noted in `emptied`:
/// some of its groups may now be empty.
fn changed<K>(
    deltas: HashMap<K, i64>,
    municipality: impl Fn(&K) -> &str,
    emptied: &mut BTreeSet<String>,
) -> Vec<(K, i64)> {
    deltas
        .into_iter()
        .filter(|(_, delta)| *delta != 0)
        .inspect(|(key, delta)| {
            if *delta < 0 {
                emptied.insert(municipality(key).to_string());
            }
        })
        .collect()
}

/// Columns written per `letting_month_counts` row.
const COUNT_COLUMNS: usize = 12;
/// Columns written per `letting_month_profiles` row.
const PROFILE_COLUMNS: usize = 10;

#[derive(Insertable)]
#[diesel(table_name = mc)]
struct CountDelta {
    #[diesel(embed)]
    key: Key,
    lettings: i64,
}

#[derive(Insertable)]
#[diesel(table_name = mp)]
struct ProfileDelta {
    #[diesel(embed)]
    key: ProfileKey,
    lettings: i64,
}

/// Non-withdrawn lettings of one profile in one month.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct ProfileRow {
    pub corporation: String,
    pub contract_month: i32,
    pub rent_class: String,
    pub route: String,
    pub urgency: Option<String>,
    pub household_size: i32,
    pub is_counted: bool,
    /// Housed under the status-holder task.
    pub status_holder: bool,
    pub lettings: i64,
}

/// The profiles of a municipality's lettings in the months from `from` to `to` (whole months).
pub fn profiles(
    conn: &mut DbConnection,
    municipality: &str,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> QueryResult<Vec<ProfileRow>> {
    let rows: Vec<ProfileRow> = mp::table
        .filter(mp::municipality.eq(municipality))
        .filter(mp::contract_month.ge(month_key(from)))
        .filter(mp::contract_month.le(month_key(to)))
        .filter(mp::lettings.gt(0))
        .select((
            mp::corporation,
            mp::contract_month,
            mp::rent_class,
            mp::route,
            mp::urgency.nullable(),
            mp::household_size,
            mp::is_counted,
            mp::status_holder,
            mp::lettings,
        ))
        .order((mp::corporation, mp::contract_month))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| ProfileRow {
            urgency: r.urgency.filter(|u| !u.is_empty()),
            ..r
        })
        .collect())
}

/// (rent class, route, urgency, household size, lettings).
pub type BreakdownGroup = (String, String, Option<String>, i32, i64);

/// Non-withdrawn lettings of a municipality in the months from `from` to `to`, summed by the
/// database per rent class, route, urgency and household size (the report's breakdowns), so
/// the rows returned do not grow with the volume of the period.
pub fn breakdown_sums(
    conn: &mut DbConnection,
    municipality: &str,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> QueryResult<Vec<BreakdownGroup>> {
    let rows: Vec<(String, String, String, i32, i64)> = mp::table
        .filter(mp::municipality.eq(municipality))
        .filter(mp::contract_month.ge(month_key(from)))
        .filter(mp::contract_month.le(month_key(to)))
        .group_by((mp::rent_class, mp::route, mp::urgency, mp::household_size))
        .select((
            mp::rent_class,
            mp::route,
            mp::urgency,
            mp::household_size,
            summed_lettings(),
        ))
        .order((mp::rent_class, mp::route, mp::urgency, mp::household_size))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter(|(_, _, _, _, n)| *n > 0)
        .map(|(class, route, urgency, size, n)| {
            (
                class,
                route,
                Some(urgency).filter(|u| !u.is_empty()),
                size,
                n,
            )
        })
        .collect())
}

/// Counted lettings of a municipality in the months from `from` to `to`, summed by the
/// database per route and urgency (the allocation plan's categories).
pub fn counted_by_route_and_urgency(
    conn: &mut DbConnection,
    municipality: &str,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> QueryResult<Vec<(String, Option<String>, i64)>> {
    let rows: Vec<(String, String, i64)> = mp::table
        .filter(mp::municipality.eq(municipality))
        .filter(mp::contract_month.ge(month_key(from)))
        .filter(mp::contract_month.le(month_key(to)))
        .filter(mp::is_counted.eq(true))
        .group_by((mp::route, mp::urgency))
        .select((mp::route, mp::urgency, summed_lettings()))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter(|(_, _, n)| *n > 0)
        .map(|(route, urgency, n)| (route, Some(urgency).filter(|u| !u.is_empty()), n))
        .collect())
}

/// Persons (household size × lettings) housed under the status-holder task (the letting's
/// `status_holder` flag), summed by the database per contract month (yyyymm).
pub fn status_holder_persons_by_month(
    conn: &mut DbConnection,
    municipality: &str,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> QueryResult<Vec<(i32, i64)>> {
    mp::table
        .filter(mp::municipality.eq(municipality))
        .filter(mp::contract_month.ge(month_key(from)))
        .filter(mp::contract_month.le(month_key(to)))
        .filter(mp::status_holder.eq(true))
        .group_by(mp::contract_month)
        .select((
            mp::contract_month,
            diesel::dsl::sql::<diesel::sql_types::BigInt>(
                "CAST(SUM(household_size * lettings) AS BIGINT)",
            ),
        ))
        .order(mp::contract_month)
        .load(conn)
}

/// The same profiles counted over the letting rows: the reference for the aggregate.
pub fn profiles_from_rows(
    conn: &mut DbConnection,
    municipality: &str,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> QueryResult<Vec<ProfileRow>> {
    use super::schema::lettings as l;
    l::table
        .filter(l::municipality.eq(municipality))
        .filter(l::contract_start.ge(from))
        .filter(l::contract_start.le(to))
        .filter(l::withdrawn.eq(false))
        .group_by((
            l::corporation,
            l::contract_month,
            l::rent_class,
            l::route,
            l::urgency,
            l::household_size,
            l::is_counted,
            l::status_holder,
        ))
        .select((
            l::corporation,
            l::contract_month,
            l::rent_class,
            l::route,
            l::urgency,
            l::household_size,
            l::is_counted,
            l::status_holder,
            diesel::dsl::count_star(),
        ))
        .order((l::corporation, l::contract_month))
        .load(conn)
}
