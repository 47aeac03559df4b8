//! De wettelijke toets per corporatie en kalenderjaar: the two allocation norms the law sets for
//! a corporation over all the municipalities it lets in, as the Autoriteit woningcorporaties
//! checks them.
//!
//! - Vrije toewijzingsruimte (`income_exemption_share`): at least 92.5% of a corporation's
//!   social lettings go to households within the DAEB income limit, so at most 7.5% above it
//!   (Woningwet art. 48 lid 1; BTIV 2015 art. 16); performance agreements may widen the room to
//!   at most 15%. When a corporation's municipalities allow different rooms, each
//!   municipality's lettings bring their own room: the allowed number of lettings above the
//!   limit is Σ room_i × lettings_i, so the limit is the lettings-weighted mean of the rooms.
//!   A room is the agreement's limit, kept within 7.5% and 15% (no agreement narrows the law's
//!   room, none widens it beyond 15%); a municipality without an agreement brings 7.5%.
//! - Passend toewijzen (`passend_share`): at least 95% (Woningwet art. 46 lid 2; BTIV 2015
//!   art. 54 lid 1), over all the corporation's lettings in the passend denominator.
//!
//! The law judges every lettings year, however small: there is no `min_lettings` here, only a
//! year without lettings is `insufficient_data`. The warning band is the national one.

use rust_decimal::Decimal;

use super::metric::Bound;
use super::quota::{judge_state, State};

/// The statutory free allocation room (7.5%).
pub const STATUTORY_ROOM: Decimal = Decimal::from_parts(75, 0, 0, false, 3);
/// The widest room an agreement may give (15%).
pub const WIDEST_ROOM: Decimal = Decimal::from_parts(15, 0, 0, false, 2);
/// Passend toewijzen: at least 95%.
pub const PASSEND_MINIMUM: Decimal = Decimal::from_parts(95, 0, 0, false, 2);

/// The free allocation room a municipality's lettings bring, from its agreement's limit.
pub fn room_of(agreement_limit: Option<Decimal>) -> Decimal {
    agreement_limit
        .unwrap_or(STATUTORY_ROOM)
        .clamp(STATUTORY_ROOM, WIDEST_ROOM)
}

/// A corporation's lettings in one municipality, for the free allocation room.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MunicipalityShare {
    /// Counted lettings (the denominator).
    pub lettings: u64,
    /// Of them, to households above the DAEB income limit.
    pub above_limit: u64,
    /// The room this municipality's lettings bring.
    pub room: Decimal,
}

/// The free allocation room judged over all municipalities.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FreeRoom {
    pub count: u64,
    pub denominator: u64,
    /// Lettings above the income limit the rooms allow together (Σ room_i × lettings_i).
    pub allowed: Decimal,
    /// The weighted limit (allowed / denominator) rounded half-up to 4 decimals; with no
    /// lettings, the narrowest room among the municipalities (7.5% without any).
    pub limit: Decimal,
    pub state: State,
}

/// Judges the free allocation room over a corporation's municipalities.
pub fn free_room(parts: &[MunicipalityShare], margin: Decimal) -> FreeRoom {
    let count: u64 = parts.iter().map(|p| p.above_limit).sum();
    let denominator: u64 = parts.iter().map(|p| p.lettings).sum();
    let allowed: Decimal = parts
        .iter()
        .map(|p| p.room * Decimal::from(p.lettings))
        .sum();
    let limit = if denominator == 0 {
        parts.iter().map(|p| p.room).min().unwrap_or(STATUTORY_ROOM)
    } else {
        (allowed / Decimal::from(denominator))
            .round_dp_with_strategy(4, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
            .normalize()
    };
    // Multiplied out, as judge_state does: share > limit ⇔ count > Σ room_i × lettings_i.
    let exact = Decimal::from(count);
    let state = if denominator == 0 {
        State::InsufficientData
    } else if exact > allowed {
        State::Breach
    } else if exact > allowed - margin * Decimal::from(denominator) {
        State::Warning
    } else {
        State::Ok
    };
    FreeRoom {
        count,
        denominator,
        allowed,
        limit,
        state,
    }
}

/// Judges passend toewijzen over a corporation's year.
pub fn passend(compliant: u64, denominator: u64, margin: Decimal) -> State {
    judge_state(
        compliant,
        denominator,
        PASSEND_MINIMUM,
        Bound::Min,
        margin,
        1,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn part(lettings: u64, above_limit: u64, room: &str) -> MunicipalityShare {
        MunicipalityShare {
            lettings,
            above_limit,
            room: d(room),
        }
    }

    #[test]
    fn an_agreement_widens_the_room_to_fifteen_percent_and_no_further() {
        assert_eq!(room_of(None), d("0.075"));
        assert_eq!(room_of(Some(d("0.15"))), d("0.15"));
        assert_eq!(room_of(Some(d("0.20"))), d("0.15"));
        assert_eq!(room_of(Some(d("0.05"))), d("0.075"));
        assert_eq!(room_of(Some(d("0.10"))), d("0.10"));
    }

    #[test]
    fn each_municipality_brings_its_own_room() {
        // 100 lettings at 15% and 100 at 7.5%: 22.5 may go above the limit, 11.25%.
        let parts = [part(100, 12, "0.15"), part(100, 10, "0.075")];
        let room = free_room(&parts, d("0.02"));
        assert_eq!(room.count, 22);
        assert_eq!(room.denominator, 200);
        assert_eq!(room.allowed, d("22.5"));
        assert_eq!(room.limit, d("0.1125"));
        // 22 > 22.5 − 4: a warning, not a breach.
        assert_eq!(room.state, State::Warning);
        // 23 of 200 is a breach, though 15 of 100 in the first municipality alone is within.
        let over = [part(100, 15, "0.15"), part(100, 8, "0.075")];
        assert_eq!(free_room(&over, d("0.02")).state, State::Breach);
        // Exactly on the allowed number is within.
        let on = [part(40, 6, "0.15"), part(40, 3, "0.075")];
        assert_eq!(free_room(&on, d("0")).state, State::Ok);
        let one_more = [part(40, 6, "0.15"), part(40, 4, "0.075")];
        assert_eq!(free_room(&one_more, d("0")).state, State::Breach);
    }

    #[test]
    fn the_law_judges_a_small_year_too() {
        // 1 of 10 above the limit: 10% > 7.5%, a breach whatever min_lettings an agreement sets.
        let room = free_room(&[part(10, 1, "0.075")], d("0.02"));
        assert_eq!(room.state, State::Breach);
        assert_eq!(passend(9, 10, d("0.02")), State::Breach);
        assert_eq!(passend(19, 20, d("0.02")), State::Warning);
        assert_eq!(passend(0, 0, d("0.02")), State::InsufficientData);
        let none = free_room(&[], d("0.02"));
        assert_eq!(none.state, State::InsufficientData);
        assert_eq!(none.limit, d("0.075"));
    }
}
