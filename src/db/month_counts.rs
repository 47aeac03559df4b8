//! `letting_month_counts`: the quota aggregate kept per month, changed in the same transaction
//! as the lettings, so a quota costs the same whatever the history. A test checks it always
//! equals the count over the rows (`db::quota::count_groups_from_rows`).

use std::collections::HashMap;

use diesel::prelude::*;
use diesel::upsert::excluded;

use super::lettings::{ClassificationRow, LettingData};
use super::schema::letting_month_counts as mc;
use super::DbConnection;
use crate::on_backend;

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
}

/// Changes to the per-month counts, gathered while lettings are written.
#[derive(Debug, Default)]
pub struct Deltas {
    by_key: HashMap<Key, i64>,
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
        };
        *self.by_key.entry(key).or_insert(0) += delta;
    }

    /// Applies the changes. Call in the transaction that changed the lettings.
    pub fn apply(self, conn: &mut DbConnection) -> QueryResult<()> {
        for (key, delta) in self.by_key.into_iter().filter(|(_, d)| *d != 0) {
            let municipality = key.municipality.clone();
            on_backend!(conn, c => diesel::insert_into(mc::table)
                .values((key, mc::lettings.eq(delta)))
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
                ))
                .do_update()
                .set(mc::lettings.eq(mc::lettings + excluded(mc::lettings)))
                .execute(c)?);
            if delta < 0 {
                diesel::delete(
                    mc::table
                        .filter(mc::municipality.eq(&municipality))
                        .filter(mc::lettings.le(0)),
                )
                .execute(conn)?;
            }
        }
        Ok(())
    }
}
