//! The demonstration stock: two yearly snapshots per corporation (1 January of the year before
//! the demonstration year and of the year itself), generated without randomness, with the
//! changes a year brings: homes sold and demolished, a new-build project, homes liberalised,
//! labels improved, a few E/F/G homes (some with a planned exit), labels expiring and a home in
//! condition 6. Written through the same service as a posted snapshot; loading it again changes
//! nothing.

use chrono::{NaiveDate, Utc};

use crate::db::DbConnection;
use crate::domain::audit::Actor;
use crate::domain::stock::{
    DaebLabel, EnergyLabel, InServiceReason, LabelMethod, OutOfServiceReason, Unit, UnitKind,
    UnitStatus,
};
use crate::service::stock::{post_snapshot, Commit};

/// Homes per corporation in the first snapshot, and new-build homes added in the second.
const CORPORATIONS: [(&str, &str, usize, usize); 2] =
    [("dwb", "DWB", 420, 14), ("willibrordus", "WIL", 160, 0)];

const LABELS: [EnergyLabel; 16] = [
    EnergyLabel::A,
    EnergyLabel::B,
    EnergyLabel::B,
    EnergyLabel::C,
    EnergyLabel::APlus,
    EnergyLabel::B,
    EnergyLabel::D,
    EnergyLabel::C,
    EnergyLabel::A,
    EnergyLabel::B,
    EnergyLabel::E,
    EnergyLabel::B,
    EnergyLabel::APlus2,
    EnergyLabel::C,
    EnergyLabel::B,
    EnergyLabel::A,
];

fn day(year: i32, month: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, d).unwrap_or(NaiveDate::MIN)
}

/// Home `i` of a corporation as it stood on 1 January of `first_year`.
fn home(prefix: &str, i: usize, first_year: i32) -> Unit {
    let label = match i {
        _ if i % 97 == 5 => EnergyLabel::G,
        _ if i % 61 == 9 => EnergyLabel::F,
        _ => LABELS[i % LABELS.len()],
    };
    Unit {
        code: format!("{prefix}-{i:04}"),
        municipality: String::new(),
        kind: UnitKind::Dwelling,
        status: if i.is_multiple_of(29) {
            UnitStatus::Vacant
        } else {
            UnitStatus::Let
        },
        daeb: if i.is_multiple_of(13) {
            DaebLabel::NonDaeb
        } else {
            DaebLabel::Daeb
        },
        wws_points: Some(100 + ((i * 37) % 90) as i32),
        target_rent_cents: Some(52_000 + ((i * 5_311) % 46_000) as i64),
        energy_label: Some(label),
        label_method: Some(LabelMethod::Nta8800),
        // Registered between 2015 and 2024: some expire within the year.
        label_date: Some(day(
            2015 + (i % 10) as i32,
            1 + (i % 12) as u32,
            1 + (i % 28) as u32,
        )),
        condition_score: Some(if i % 151 == 7 {
            6
        } else {
            1 + ((i * 7) % 4) as i32
        }),
        in_service_date: Some(day((first_year - 66) + (i % 60) as i32, 6, 1)),
        in_service_reason: Some(InServiceReason::NewBuild),
        out_of_service_date: None,
        out_of_service_reason: None,
        // A G home to be demolished within the agreement is off the E/F/G path.
        planned_exit_date: (label == EnergyLabel::G && i % 2 == 1)
            .then(|| day(first_year + 3, 6, 1)),
    }
}

/// The same home a year later: sold, demolished, liberalised, improved, or as it was.
fn a_year_later(mut unit: Unit, i: usize, year: i32) -> Unit {
    let gone = |mut u: Unit, reason, date| {
        u.status = UnitStatus::OutOfService;
        u.out_of_service_reason = Some(reason);
        u.out_of_service_date = Some(date);
        u
    };
    if i % 53 == 11 {
        return gone(unit, OutOfServiceReason::SaleToTenant, day(year - 1, 6, 15));
    }
    if i % 71 == 4 {
        return gone(unit, OutOfServiceReason::Demolition, day(year - 1, 9, 1));
    }
    if i % 67 == 2 {
        // Let again above the limit: liberalised.
        unit.target_rent_cents = Some(98_500);
    }
    if unit.energy_label == Some(EnergyLabel::E) && i.is_multiple_of(3) {
        unit.energy_label = Some(EnergyLabel::B);
        unit.label_date = Some(day(year - 1, 10, 1));
    }
    unit
}

fn new_build(prefix: &str, i: usize, year: i32) -> Unit {
    let mut unit = home(prefix, 9_000 + i, year);
    unit.wws_points = Some(135);
    unit.target_rent_cents = Some(76_000);
    unit.daeb = DaebLabel::Daeb;
    unit.energy_label = Some(EnergyLabel::APlus3);
    unit.label_date = Some(day(year - 1, 10, 1));
    unit.condition_score = Some(1);
    unit.in_service_date = Some(day(year - 1, 11, 1));
    unit.in_service_reason = Some(InServiceReason::NewBuild);
    unit.planned_exit_date = None;
    unit
}

/// Posts each corporation's two snapshots in `municipality`: 1 January of `year - 1` and of
/// `year`.
pub fn load(conn: &mut DbConnection, municipality: &str, year: i32) -> diesel::QueryResult<()> {
    for (corporation, prefix, homes, built) in CORPORATIONS {
        let mut first: Vec<Unit> = (0..homes).map(|i| home(prefix, i, year - 1)).collect();
        let mut second: Vec<Unit> = first
            .iter()
            .enumerate()
            .map(|(i, u)| a_year_later(u.clone(), i, year))
            .collect();
        second.extend((0..built).map(|i| new_build(prefix, i, year)));
        for unit in first.iter_mut().chain(second.iter_mut()) {
            unit.municipality = municipality.to_string();
        }
        for (date, units) in [(day(year - 1, 1, 1), &first), (day(year, 1, 1), &second)] {
            post_snapshot(
                conn,
                &Actor::cli(corporation),
                corporation,
                municipality,
                date,
                units,
                Utc::now().naive_utc(),
                Commit::Yes,
            )?;
        }
    }
    Ok(())
}
