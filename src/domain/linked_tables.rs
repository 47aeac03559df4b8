//! The small-numbers rule on the counts beside the quota table: the report's breakdowns, the
//! allocation plan's realisation and the status-holder task.
//!
//! Each is a table of its own, protected with the same engine ([`super::disclosure`]) over the
//! relations a reader could use on it, with the quota figures it adds up to entered as the
//! quota answers show them (see [`super::small_numbers::ProtectedYear::cell_for`]), so that
//! protecting it never changes what the quota answers show.
//!
//! A corporation knows its own records: every figure over all corporations is, to it, its own
//! part (known) plus the others' part (never shown), and the others' part is protected like
//! any count ([`Table::split`]).

use super::disclosure::{is_small, protect, Cell, Relation, Shown};

/// A table being put together: its cells and the additive relations between them.
#[derive(Debug, Clone, Default)]
pub struct Table {
    cells: Vec<Cell>,
    relations: Vec<Relation>,
}

impl Table {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a cell; its index.
    pub fn add(&mut self, cell: Cell) -> usize {
        self.cells.push(cell);
        self.cells.len() - 1
    }

    /// A cell the answer shows (protected when small or when it would give one away).
    pub fn shown(&mut self, value: u64) -> usize {
        self.add(Cell::shown(value))
    }

    /// A cell the reader knows exactly anyway.
    pub fn known(&mut self, value: u64) -> usize {
        self.add(Cell {
            value,
            implicit: false,
            known: true,
        })
    }

    /// A cell no answer shows, which a reader could only work out.
    pub fn implicit(&mut self, value: u64) -> usize {
        self.add(Cell::implicit(value))
    }

    pub fn value(&self, cell: usize) -> u64 {
        self.cells.get(cell).map_or(0, |c| c.value)
    }

    /// `margin = Σ parts`.
    pub fn relate(&mut self, margin: usize, parts: Vec<usize>) {
        self.relations.push(Relation { margin, parts });
    }

    /// For a corporation reader: `cell = own + others`, its own part known, the others' part
    /// a cell of its own (never shown). `own` above the cell's value (records changed since
    /// a report was published) counts as all of it.
    pub fn split(&mut self, cell: usize, own: u64) {
        let value = self.value(cell);
        let own = own.min(value);
        let own_part = self.known(own);
        let others = self.implicit(value - own);
        self.relate(cell, vec![own_part, others]);
    }

    /// How each cell is shown.
    pub fn protect(&self) -> Vec<Shown> {
        protect(&self.cells, &self.relations)
    }
}

/// Persons housed through lettings in one half year of a status-holder chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HousedFromLettings {
    pub persons: u64,
    /// The reader's own part (a corporation's own lettings); `None` for a reader without any.
    pub own: Option<u64>,
}

/// How a status-holder chain is shown, per half year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainShown {
    /// Persons housed from lettings (and so the persons housed, its sum with the public
    /// placements by hand).
    pub housed: Vec<Shown>,
    /// Whether the balance at the end of the half year (and so the next carry-over and
    /// corrected target) may be shown: it is the persons housed from lettings so far, plus
    /// public figures.
    pub balance: Vec<bool>,
}

/// Protects the persons housed from lettings along a chain of half years (oldest first).
///
/// The balance of half year k is Σ_{j≤k} housed_j plus public figures (targets, placements by
/// hand), so every balance is the cumulative sum of the housed figures, and any two balances
/// give the housed sum between them.
///
/// - A housed figure is hidden only when it is small itself (`<5`), or, for a corporation,
///   when the others' part of it is (`x`): what would give a small one away is the balance
///   (and the carry-over and corrected target that follow from it), so that is what goes.
/// - The cumulative sums are decided one half year at a time, oldest first, each against the
///   housed figures up to it and every earlier sum as decided: so how a half year is shown
///   never depends on how far the chain is asked for. Half years with nobody housed through
///   lettings share the sum of the one before.
pub fn protect_chain(halves: &[HousedFromLettings]) -> ChainShown {
    let housed: Vec<Shown> = halves
        .iter()
        .map(|h| {
            let others_small = h
                .own
                .is_some_and(|own| is_small(h.persons.saturating_sub(own)));
            if is_small(h.persons) {
                Shown::Small
            } else if others_small {
                Shown::Hidden
            } else {
                Shown::Exact
            }
        })
        .collect();
    // (half year, cumulative persons, own cumulative, shown exactly) at each half year that
    // housed anyone through lettings.
    let mut sums: Vec<(usize, u64, Option<u64>, bool)> = Vec::new();
    let (mut total, mut own_total) = (0u64, 0u64);
    for (k, h) in halves.iter().enumerate() {
        if h.persons == 0 {
            continue;
        }
        total += h.persons;
        own_total += h.own.unwrap_or(0);
        let mut table = Table::new();
        let cells: Vec<usize> = halves[..=k]
            .iter()
            .zip(&housed)
            .map(|(h, shown)| {
                if *shown == Shown::Exact {
                    return table.known(h.persons);
                }
                let cell = table.shown(h.persons);
                if let Some(own) = h.own {
                    table.split(cell, own);
                }
                cell
            })
            .collect();
        let earlier: Vec<(usize, usize)> = sums
            .iter()
            .map(|&(half, value, own, exact)| {
                if exact {
                    return (half, table.known(value));
                }
                let cell = table.shown(value);
                if let Some(own) = own {
                    table.split(cell, own);
                }
                (half, cell)
            })
            .collect();
        let sum = table.shown(total);
        let own = h.own.map(|_| own_total);
        if let Some(own) = own {
            table.split(sum, own);
        }
        table.relate(sum, cells.clone());
        for (half, cell) in earlier {
            let mut parts = vec![cell];
            parts.extend(cells[half + 1..=k].iter().copied());
            table.relate(sum, parts);
        }
        let exact = table.protect()[sum] == Shown::Exact;
        sums.push((k, total, own, exact));
    }
    let mut balance = Vec::with_capacity(halves.len());
    let mut current = true;
    for k in 0..halves.len() {
        if let Some(&(_, _, _, exact)) = sums.iter().find(|(half, ..)| *half == k) {
            current = exact;
        }
        balance.push(current);
    }
    ChainShown { housed, balance }
}

/// One category of the allocation plan: lettings realised, and the reader's own part of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Realised {
    pub lettings: u64,
    pub own: Option<u64>,
}

/// Protects the realisation of the allocation plan: categories that add up to the counted
/// lettings of the months compared, a total the quota answers give (entered as known: the
/// check then assumes the reader can tell it, which it can wherever those months are shown).
pub fn protect_plan(categories: &[Realised]) -> Vec<Shown> {
    let mut table = Table::new();
    let total: u64 = categories.iter().map(|c| c.lettings).sum();
    let margin = table.known(total);
    let cells: Vec<usize> = categories
        .iter()
        .map(|c| {
            let cell = table.shown(c.lettings);
            if let Some(own) = c.own {
                table.split(cell, own);
            }
            cell
        })
        .collect();
    table.relate(margin, cells.clone());
    let shown = table.protect();
    cells.iter().map(|&c| shown[c]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn halves(persons: &[u64]) -> Vec<HousedFromLettings> {
        persons
            .iter()
            .map(|&persons| HousedFromLettings { persons, own: None })
            .collect()
    }

    #[test]
    fn a_small_housed_figure_hides_the_balances_that_would_give_it_away() {
        // 10, then 3, then 12: the 3 is `<5`; the balance after it would be 13, and 13 − 10
        // gives it; the one after that 25, and 25 − 10 − 12 gives it too.
        let shown = protect_chain(&halves(&[10, 3, 12]));
        assert_eq!(shown.housed, vec![Shown::Exact, Shown::Small, Shown::Exact]);
        assert_eq!(shown.balance, vec![true, false, false]);
    }

    #[test]
    fn two_small_housed_figures_with_room_between_them_show_the_balance_after_both() {
        // 10, 3, 2, 12: after the 2 the reader learns 3 + 2 = 5, which four pairs give.
        let shown = protect_chain(&halves(&[10, 3, 2, 12]));
        assert_eq!(shown.balance, vec![true, false, true, true]);
    }

    #[test]
    fn nothing_small_shows_everything() {
        let shown = protect_chain(&halves(&[10, 0, 12]));
        assert!(shown.housed.iter().all(|s| *s == Shown::Exact));
        assert!(shown.balance.iter().all(|b| *b));
    }

    #[test]
    fn a_corporation_cannot_take_its_own_persons_from_the_total() {
        // 12 persons, 10 of them the reader's own: the others' 2 would follow.
        let shown = protect_chain(&[HousedFromLettings {
            persons: 12,
            own: Some(10),
        }]);
        assert_ne!(shown.housed[0], Shown::Exact);
        assert!(!shown.balance[0]);
    }

    #[test]
    fn a_small_category_hides_a_second_one() {
        let shown = protect_plan(&[
            Realised {
                lettings: 30,
                own: None,
            },
            Realised {
                lettings: 2,
                own: None,
            },
            Realised {
                lettings: 8,
                own: None,
            },
        ]);
        assert_eq!(shown[1], Shown::Small);
        assert_eq!(shown[2], Shown::Hidden);
        assert_eq!(shown[0], Shown::Exact);
    }
}
