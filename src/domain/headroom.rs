//! Ruimte tot de norm (headroom): how many more lettings of the kind that moves a metric can be
//! made before its year-to-date state changes, and how many of the other kind bring it back.
//!
//! With count c, denominator d, limit L and warning margin m, on exact fractions and ignoring
//! `min_lettings` (domain reference, "Headroom"):
//! - a max limit counts lettings *with* the property (they raise both c and d):
//!   `breach_after` = largest k with (c + k) / (d + k) <= L, `warning_after` the same with L − m;
//! - a min limit counts lettings *without* the property (they raise only d):
//!   `breach_after` = largest k with c / (d + k) >= L, `warning_after` the same with L + m;
//! - `recovery_needed`, where the fraction is already past the warning line: the smallest number
//!   of lettings of the other kind that brings it back to ok (without the property for a max
//!   limit, with it for a min limit).
//!
//! No lettings at all (d + k = 0) break no limit: a scope without lettings is within every
//! limit until its first letting. Every comparison is done multiplied out (`c <= L·d`), so it is
//! exact in decimal arithmetic; a quotient only proposes a candidate, which is then checked.

use rust_decimal::Decimal;

use super::metric::Bound;

/// How many lettings fit before a line is crossed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Room {
    /// This many can be made and the line still holds; 0 when the next one crosses it, or when
    /// it is crossed already.
    Lettings(u64),
    /// No number of them crosses the line (a max limit of 1, a min limit of 0).
    Unlimited,
}

/// How many lettings of the other kind bring a figure back to ok.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recovery {
    /// The figure is ok already.
    NotNeeded,
    /// This many (at least 1).
    Lettings(u64),
    /// No number of them does (a max limit of 0 with lettings counted, a min limit above 1).
    Impossible,
}

/// The headroom of one metric of one scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Headroom {
    pub warning_after: Room,
    pub breach_after: Room,
    pub recovery_needed: Recovery,
}

/// The headroom of a figure `count / denominator` against `limit` with `margin`.
pub fn headroom(
    count: u64,
    denominator: u64,
    limit: Decimal,
    bound: Bound,
    margin: Decimal,
) -> Headroom {
    let warning_line = match bound {
        Bound::Max => limit - margin,
        Bound::Min => limit + margin,
    };
    Headroom {
        warning_after: room(count, denominator, warning_line, bound),
        breach_after: room(count, denominator, limit, bound),
        recovery_needed: recovery(count, denominator, warning_line, bound),
    }
}

/// Whether the fraction `count / denominator` is on the right side of `line` (an empty figure
/// always is).
fn holds(count: u64, denominator: u64, line: Decimal, bound: Bound) -> bool {
    if denominator == 0 {
        return true;
    }
    let scaled = line * Decimal::from(denominator);
    let count = Decimal::from(count);
    match bound {
        Bound::Max => count <= scaled,
        Bound::Min => count >= scaled,
    }
}

/// The figure after `k` more lettings of the kind that moves it toward the line.
fn moved(count: u64, denominator: u64, k: u64, bound: Bound) -> (u64, u64) {
    match bound {
        Bound::Max => (count.saturating_add(k), denominator.saturating_add(k)),
        Bound::Min => (count, denominator.saturating_add(k)),
    }
}

/// The figure after `j` more lettings of the other kind.
fn restored(count: u64, denominator: u64, j: u64, bound: Bound) -> (u64, u64) {
    match bound {
        Bound::Max => (count, denominator.saturating_add(j)),
        Bound::Min => (count.saturating_add(j), denominator.saturating_add(j)),
    }
}

/// The largest k for which the moved figure still holds the line.
fn room(count: u64, denominator: u64, line: Decimal, bound: Bound) -> Room {
    let holds_after = |k: u64| {
        let (c, d) = moved(count, denominator, k, bound);
        holds(c, d, line, bound)
    };
    if !holds_after(0) {
        return Room::Lettings(0);
    }
    let (c, d) = (Decimal::from(count), Decimal::from(denominator));
    // The real-valued bound on k, where there is one.
    let bound_on_k = match bound {
        // (c + k) <= line·(d + k)  ⇔  k·(1 − line) <= line·d − c
        Bound::Max if line >= Decimal::ONE => return Room::Unlimited,
        Bound::Max => (line * d - c).checked_div(Decimal::ONE - line),
        // c >= line·(d + k)  ⇔  k <= c / line − d
        Bound::Min if line <= Decimal::ZERO => return Room::Unlimited,
        Bound::Min => c.checked_div(line).map(|q| q - d),
    };
    let high = bound_on_k
        .map(|q| q.floor().max(Decimal::ZERO))
        .and_then(|q| u64::try_from(q).ok())
        .map_or(u64::MAX, |k| k.saturating_add(2));
    Room::Lettings(last_true(high, holds_after))
}

/// The smallest j for which the restored figure is ok.
fn recovery(count: u64, denominator: u64, line: Decimal, bound: Bound) -> Recovery {
    let ok_after = |j: u64| {
        let (c, d) = restored(count, denominator, j, bound);
        holds(c, d, line, bound)
    };
    if ok_after(0) {
        return Recovery::NotNeeded;
    }
    let (c, d) = (Decimal::from(count), Decimal::from(denominator));
    let bound_on_j = match bound {
        // c <= line·(d + j)  ⇔  j >= c / line − d
        Bound::Max if line <= Decimal::ZERO => return Recovery::Impossible,
        Bound::Max => c.checked_div(line).map(|q| q - d),
        // (c + j) >= line·(d + j)  ⇔  j·(1 − line) >= line·d − c
        Bound::Min if line >= Decimal::ONE => {
            // Only an equal count and denominator reach a line of exactly 1; more is never.
            return Recovery::Impossible;
        }
        Bound::Min => (line * d - c).checked_div(Decimal::ONE - line),
    };
    let Some(high) = bound_on_j
        .map(|q| q.ceil().max(Decimal::ONE))
        .and_then(|q| u64::try_from(q).ok())
        .map(|j| j.saturating_add(2))
    else {
        return Recovery::Impossible;
    };
    if !ok_after(high) {
        return Recovery::Impossible;
    }
    // The largest j that does not yet restore it; one more does.
    Recovery::Lettings(last_true(high, |j| !ok_after(j)).saturating_add(1))
}

/// The largest `k` in `0..=high` with `ok(k)`, for an `ok` that holds at 0 and, once false,
/// stays false (a bisection: the algebra above gives `high` within a step or two, the
/// comparisons decide exactly).
fn last_true(high: u64, ok: impl Fn(u64) -> bool) -> u64 {
    let (mut yes, mut no) = (0u64, high);
    if ok(no) {
        return no;
    }
    while no - yes > 1 {
        let middle = yes + (no - yes) / 2;
        if ok(middle) {
            yes = middle;
        } else {
            no = middle;
        }
    }
    yes
}

/// The year-end figure at the pace of the year so far (`linear_by_months_with_data`): the
/// count and denominator of `months_with_data` months (January up to the latest month with
/// data), each carried on to twelve months at the same average per month. Because both grow
/// at their own pace, the projected share equals the share so far; the projected denominator
/// says how many lettings the year is heading for, against which the headroom reads.
pub fn project_year_end(
    count: u64,
    denominator: u64,
    months_with_data: u32,
) -> Option<(Decimal, Decimal)> {
    if months_with_data == 0 || months_with_data > 12 {
        return None;
    }
    let factor = Decimal::from(12u32).checked_div(Decimal::from(months_with_data))?;
    Some((
        Decimal::from(count).checked_mul(factor)?,
        Decimal::from(denominator).checked_mul(factor)?,
    ))
}

/// The name of the projection method, as the API gives it.
pub const PROJECTION_METHOD: &str = "linear_by_months_with_data";

#[cfg(test)]
mod tests;
