//! Small numbers (kleine aantallen): statistical disclosure control of the published counts.
//!
//! The municipality, which holds the legal role of monitoring, sees exact figures; a
//! corporation sees its own records exactly; every other reader must not learn a count of 1
//! to 4 households, neither from one answer nor by combining answers.
//!
//! The method is cell suppression, as statistical offices apply it to linked frequency tables
//! (Hundepool et al., *Statistical Disclosure Control*, Wiley 2012, §5.2–5.4; the τ-ARGUS
//! manual, "primary and secondary suppression"):
//!
//! - **primary suppression** (threshold rule, n = 5): a count of 1 to 4 is shown as `<5`;
//! - **secondary suppression**: every additive relation the reader could use (a total and its
//!   parts across scopes, a year and its halves, quarters and months, a denominator and its
//!   count and complement) is checked; where the hidden cells of a relation could be worked out
//!   exactly from what is shown, another cell of that relation is hidden as `x`, and the check
//!   runs again until no relation gives a hidden small cell away.
//!
//! A reader knows that a `<5` cell holds 1 to 4 and that an `x` cell holds 0 or at least 5
//! (otherwise it would read `<5`); the check assumes exactly that knowledge. Cells the reader
//! knows anyway (a corporation's own figures) are shown and count as known. Complements
//! (a denominator minus its count) are never shown but are cells of the table all the same, so
//! a complement of 1 to 4 is protected like any count.

/// How one cell is shown to the reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// The exact number.
    Exact,
    /// A count of 1 to 4, shown as `<5`.
    Small,
    /// Hidden to protect another cell, shown as `x`.
    Hidden,
}

/// One cell of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell {
    pub value: u64,
    /// Never shown by itself (a complement); it can only be worked out from other cells.
    pub implicit: bool,
    /// The reader knows it anyway (its own figures): shown exactly, never hidden.
    pub known: bool,
}

impl Cell {
    pub fn shown(value: u64) -> Self {
        Self {
            value,
            implicit: false,
            known: false,
        }
    }

    pub fn implicit(value: u64) -> Self {
        Self {
            value,
            implicit: true,
            known: false,
        }
    }
}

/// `margin = Σ parts`: a relation a reader can use to work out a hidden cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relation {
    pub margin: usize,
    pub parts: Vec<usize>,
}

/// The threshold of the rule: counts below it (and above zero) are small cells.
pub const THRESHOLD: u64 = 5;

/// Whether a count singles out 1 to 4 households. Zero singles nobody out.
pub fn is_small(count: u64) -> bool {
    (1..THRESHOLD).contains(&count)
}

/// What the reader can tell about a value: a set of whole numbers, as sorted, disjoint,
/// closed intervals. An interval is not enough: an `x` cell holds 0 or at least 5, and that
/// gap can pin a `<5` cell where an interval would not (6 = `<5` + `x` gives 1 and 5).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Values(Vec<(i128, i128)>);

impl Values {
    fn between(lo: i128, hi: i128) -> Self {
        Values(if lo <= hi { vec![(lo, hi)] } else { Vec::new() })
    }

    fn normalised(mut intervals: Vec<(i128, i128)>) -> Self {
        intervals.retain(|(lo, hi)| lo <= hi);
        intervals.sort_unstable();
        let mut merged: Vec<(i128, i128)> = Vec::with_capacity(intervals.len());
        for (lo, hi) in intervals {
            match merged.last_mut() {
                Some(last) if lo <= last.1 + 1 => last.1 = last.1.max(hi),
                _ => merged.push((lo, hi)),
            }
        }
        Values(merged)
    }

    /// Every sum of a value of `self` and one of `other`.
    fn plus(&self, other: &Values) -> Values {
        Values::normalised(
            self.0
                .iter()
                .flat_map(|&(a, b)| other.0.iter().map(move |&(c, d)| (a + c, b + d)))
                .collect(),
        )
    }

    fn negated(&self) -> Values {
        Values::normalised(self.0.iter().map(|&(lo, hi)| (-hi, -lo)).collect())
    }

    fn intersection(&self, other: &Values) -> Values {
        Values::normalised(
            self.0
                .iter()
                .flat_map(|&(a, b)| other.0.iter().map(move |&(c, d)| (a.max(c), b.min(d))))
                .collect(),
        )
    }

    /// At most one value: the reader knows the cell exactly (or the data are inconsistent).
    fn at_most_one(&self) -> bool {
        match self.0.as_slice() {
            [] => true,
            [(lo, hi)] => lo == hi,
            _ => false,
        }
    }
}

const UNBOUNDED: u64 = u64::MAX / 4;

/// The protection of a table: how each cell is shown.
pub fn protect(cells: &[Cell], relations: &[Relation]) -> Vec<Shown> {
    let mut shown: Vec<Shown> = cells
        .iter()
        .map(|c| {
            if !c.known && is_small(c.value) {
                Shown::Small
            } else {
                Shown::Exact
            }
        })
        .collect();
    // Each round hides at least one more cell or stops: at most one round per cell.
    for _ in 0..=cells.len() {
        let mut changed = false;
        for relation in relations {
            if let Some(cell) = leak(cells, &shown, relation) {
                shown[cell] = Shown::Hidden;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    shown
}

/// What the reader knows of a cell without using any relation.
fn prior(cell: &Cell, shown: Shown) -> Values {
    let unbounded = i128::from(UNBOUNDED);
    if cell.implicit {
        return Values::between(0, unbounded);
    }
    match shown {
        Shown::Exact => Values::between(i128::from(cell.value), i128::from(cell.value)),
        Shown::Small => Values::between(1, i128::from(THRESHOLD) - 1),
        // Zero or at least the threshold: a hidden cell of 1 to 4 would read `<5`.
        Shown::Hidden => Values(vec![(0, 0), (i128::from(THRESHOLD), unbounded)]),
    }
}

fn is_open(cell: &Cell, shown: Shown) -> bool {
    cell.implicit || shown != Shown::Exact
}

/// Whether a small cell is protected: the reader cannot narrow it to one value.
fn needs_protection(cell: &Cell, shown: Shown) -> bool {
    !cell.known && is_small(cell.value) && (cell.implicit || shown == Shown::Small)
}

/// If the relation gives a small cell away, the cell to hide next; `None` when it is safe.
fn leak(cells: &[Cell], shown: &[Shown], relation: &Relation) -> Option<usize> {
    // Write the relation as Σ sign·cell = 0, margin with sign −1.
    let members: Vec<(usize, bool)> = std::iter::once((relation.margin, false))
        .chain(relation.parts.iter().map(|&p| (p, true)))
        .collect();
    let open: Vec<(usize, bool)> = members
        .iter()
        .copied()
        .filter(|&(i, _)| is_open(&cells[i], shown[i]))
        .collect();
    if open.is_empty() {
        return None;
    }
    // Known part of the balance: Σ parts − margin over the cells the reader sees exactly.
    let mut balance: i128 = 0;
    for &(i, is_part) in &members {
        if !is_open(&cells[i], shown[i]) {
            let v = i128::from(cells[i].value);
            balance += if is_part { v } else { -v };
        }
    }
    // The open cells must satisfy Σ (part ? +v : −v) = −balance.
    let target = -balance;
    let pinned = open.iter().any(|&(i, is_part)| {
        if !needs_protection(&cells[i], shown[i]) {
            return false;
        }
        // The signed sum of the other open cells.
        let others = open.iter().filter(|&&(j, _)| j != i).fold(
            Values::between(0, 0),
            |sum, &(j, j_part)| {
                let r = prior(&cells[j], shown[j]);
                sum.plus(&if j_part { r } else { r.negated() })
            },
        );
        // sign·v = target − others  ⇒  v within these values.
        let target = Values::between(target, target);
        let values = if is_part {
            target.plus(&others.negated())
        } else {
            others.plus(&target.negated())
        };
        values
            .intersection(&prior(&cells[i], shown[i]))
            .at_most_one()
    });
    if !pinned {
        return None;
    }
    // Hide the smallest cell of the relation that is shown exactly and may be hidden; a cell
    // of zero protects nothing (a hidden zero reads as "0 or at least 5").
    let candidates = || {
        members
            .iter()
            .map(|&(i, _)| i)
            .filter(|&i| !cells[i].implicit && !cells[i].known && shown[i] == Shown::Exact)
    };
    candidates()
        .filter(|&i| cells[i].value > 0)
        .min_by_key(|&i| (cells[i].value, i))
        .or_else(|| candidates().next())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(values: &[u64]) -> Vec<Cell> {
        values.iter().map(|&v| Cell::shown(v)).collect()
    }

    #[test]
    fn one_to_four_is_small_zero_and_five_are_not() {
        assert!(!is_small(0));
        assert!(is_small(1));
        assert!(is_small(4));
        assert!(!is_small(5));
    }

    #[test]
    fn a_total_with_one_small_part_hides_a_second_part() {
        // total 30 = 3 + 12 + 15: without a second hidden part, 30 − 12 − 15 gives the 3.
        let table = cells(&[30, 3, 12, 15]);
        let relation = Relation {
            margin: 0,
            parts: vec![1, 2, 3],
        };
        let shown = protect(&table, std::slice::from_ref(&relation));
        assert_eq!(
            shown,
            vec![Shown::Exact, Shown::Small, Shown::Hidden, Shown::Exact]
        );
    }

    #[test]
    fn two_small_parts_that_add_up_to_two_are_both_one() {
        // 20 = 1 + 1 + 18: "<5" + "<5" = 2 means both are 1, so one more cell goes.
        let table = cells(&[20, 1, 1, 18]);
        let relation = Relation {
            margin: 0,
            parts: vec![1, 2, 3],
        };
        let shown = protect(&table, std::slice::from_ref(&relation));
        assert_eq!(shown[3], Shown::Hidden);
        assert_eq!(shown[0], Shown::Exact);
    }

    #[test]
    fn two_small_parts_with_room_between_them_stay_as_they_are() {
        // 20 = 3 + 4 + 13: the hidden pair adds up to 7: 3+4, 4+3 both fit.
        let table = cells(&[20, 3, 4, 13]);
        let relation = Relation {
            margin: 0,
            parts: vec![1, 2, 3],
        };
        let shown = protect(&table, std::slice::from_ref(&relation));
        assert_eq!(shown[3], Shown::Exact);
    }

    #[test]
    fn an_x_is_zero_or_at_least_five_so_it_may_not_be_the_only_other_hidden_cell() {
        // 6 = 1 + 5. Hiding the 5 alone protects nothing: `x` is 0 or at least 5, so
        // 6 = `<5` + `x` leaves only 1 + 5. The total goes as well.
        let table = cells(&[6, 1, 5]);
        let relation = Relation {
            margin: 0,
            parts: vec![1, 2],
        };
        let shown = protect(&table, std::slice::from_ref(&relation));
        assert_eq!(shown, vec![Shown::Hidden, Shown::Small, Shown::Hidden]);
        assert!(leak(&table, &shown, &relation).is_none());
    }

    #[test]
    fn a_hidden_zero_beside_an_x_does_not_close_the_gap() {
        // 6 = 1 + 5 + 0 shown as 6 = `<5` + `x` + `x`: the two x add up to 2 to 5, and a sum
        // of cells that are each 0 or at least 5 is 0 or at least 5: so 5, and the `<5` is 1.
        let table = cells(&[6, 1, 5, 0]);
        let relation = Relation {
            margin: 0,
            parts: vec![1, 2, 3],
        };
        let shown = vec![Shown::Exact, Shown::Small, Shown::Hidden, Shown::Hidden];
        assert_eq!(leak(&table, &shown, &relation), Some(0));
        // With 7 = 2 + 5 + 0 the x add up to 3 to 6: 5 or 6, so the `<5` is 1 or 2.
        let table = cells(&[7, 2, 5, 0]);
        assert_eq!(leak(&table, &shown, &relation), None);
    }

    #[test]
    fn a_small_complement_hides_its_count() {
        // 20 lettings, 18 urgent: 2 not urgent. Count and denominator together give it away.
        let table = vec![Cell::shown(20), Cell::shown(18), Cell::implicit(2)];
        let relation = Relation {
            margin: 0,
            parts: vec![1, 2],
        };
        let shown = protect(&table, std::slice::from_ref(&relation));
        assert_eq!(shown[1], Shown::Hidden);
    }

    #[test]
    fn a_small_total_is_small_and_hides_a_part() {
        let table = cells(&[3, 3, 0]);
        let relation = Relation {
            margin: 0,
            parts: vec![1, 2],
        };
        let shown = protect(&table, std::slice::from_ref(&relation));
        assert_eq!(shown[0], Shown::Small);
        assert_eq!(shown[1], Shown::Small);
    }

    #[test]
    fn a_known_cell_is_shown_and_counts_as_known() {
        // The reader's own 12 is known: the hidden 3 is protected by the other corporation.
        let mut table = cells(&[30, 3, 12, 15]);
        table[2].known = true;
        let relation = Relation {
            margin: 0,
            parts: vec![1, 2, 3],
        };
        let shown = protect(&table, std::slice::from_ref(&relation));
        assert_eq!(shown[2], Shown::Exact);
        assert_eq!(shown[3], Shown::Hidden);
    }

    #[test]
    fn suppression_spreads_along_linked_relations() {
        // Two scopes (rows) by two quarters and their half (columns):
        //   total: 10 | 20 | 30      corp a: 3 | 10 | 13      corp b: 7 | 10 | 17
        let table = cells(&[10, 20, 30, 3, 10, 13, 7, 10, 17]);
        let row = |m: usize| Relation {
            margin: m + 2,
            parts: vec![m, m + 1],
        };
        let column = |c: usize| Relation {
            margin: c,
            parts: vec![c + 3, c + 6],
        };
        let relations = vec![row(0), row(3), row(6), column(0), column(1), column(2)];
        let shown = protect(&table, &relations);
        assert_eq!(shown[3], Shown::Small);
        // Neither corp a's half nor its second quarter, nor corp b's first quarter, may stay
        // such that 3 can be worked out.
        for relation in &relations {
            assert!(leak(&table, &shown, relation).is_none(), "{relation:?}");
        }
    }
}
