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

/// What the reader can tell about a cell's value: `lo..=hi`.
#[derive(Debug, Clone, Copy)]
struct Range {
    lo: u64,
    hi: u64,
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
fn prior(cell: &Cell, shown: Shown) -> Range {
    if cell.implicit {
        return Range {
            lo: 0,
            hi: UNBOUNDED,
        };
    }
    match shown {
        Shown::Exact => Range {
            lo: cell.value,
            hi: cell.value,
        },
        Shown::Small => Range { lo: 1, hi: 4 },
        // Zero or at least the threshold: a hidden cell of 1 to 4 would read `<5`.
        Shown::Hidden => Range {
            lo: 0,
            hi: UNBOUNDED,
        },
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
        let own = prior(&cells[i], shown[i]);
        // Range of the sum of the other open cells' signed values.
        let (mut others_lo, mut others_hi): (i128, i128) = (0, 0);
        for &(j, j_part) in &open {
            if j == i {
                continue;
            }
            let r = prior(&cells[j], shown[j]);
            let (lo, hi) = (i128::from(r.lo), i128::from(r.hi));
            if j_part {
                others_lo += lo;
                others_hi += hi;
            } else {
                others_lo -= hi;
                others_hi -= lo;
            }
        }
        // sign·v = target − others  ⇒  v within these bounds.
        let (v_lo, v_hi) = if is_part {
            (target - others_hi, target - others_lo)
        } else {
            (others_lo - target, others_hi - target)
        };
        let lo = v_lo.max(i128::from(own.lo));
        let hi = v_hi.min(i128::from(own.hi));
        lo >= hi
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
