//! The small-numbers rule applied to the quota figures of one municipality and calendar year.
//!
//! Every figure a reader can ask for in a year (per scope: the total and each corporation; per
//! period: the twelve months, four quarters, two halves and the year) is one cell of a single
//! linked table, protected at once with [`super::disclosure::protect`], so that no combination
//! of quota answers of that year (a total minus its corporations, a year minus its months, a
//! denominator minus its count) gives a hidden cell away. Each answer is then read from that
//! one protected table.

use std::collections::BTreeMap;

use super::disclosure::{protect, Cell, Relation, Shown};
use super::metric::Metric;
use super::organisation::{OrgKind, Organisation};
use super::period::Period;
use super::quota::ScopeCounts;

/// Who reads, as far as the rule is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Viewer {
    /// The municipality itself: exact figures (it holds the legal role of monitoring).
    Exact,
    /// A corporation: its own figures exactly, everyone else's protected.
    Corporation(String),
    /// Everyone else (tenant associations, the public): everything protected.
    Protected,
}

impl Viewer {
    /// The viewer an organisation is for the figures of `municipality`.
    pub fn of(org: &Organisation, municipality: &str) -> Self {
        match org.kind {
            OrgKind::Municipality if org.id == municipality => Viewer::Exact,
            OrgKind::Corporation => Viewer::Corporation(org.id.clone()),
            _ => Viewer::Protected,
        }
    }

    pub fn is_exact(&self) -> bool {
        *self == Viewer::Exact
    }
}

/// A figure of a scope and period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Figure {
    Lettings,
    Excluded,
    NonSocial,
    /// A metric's count (its numerator).
    Count(Metric),
    /// A metric's denominator minus its count: never shown, protected all the same.
    Complement(Metric),
    /// The denominator of passend toewijzen (the others' denominator is `Lettings`).
    PassendDenominator,
}

const FIGURES: [Figure; 14] = [
    Figure::Lettings,
    Figure::Excluded,
    Figure::NonSocial,
    Figure::Count(Metric::UrgentShare),
    Figure::Complement(Metric::UrgentShare),
    Figure::Count(Metric::RentCapShare),
    Figure::Complement(Metric::RentCapShare),
    Figure::Count(Metric::IncomeExemptionShare),
    Figure::Complement(Metric::IncomeExemptionShare),
    Figure::PassendDenominator,
    Figure::Count(Metric::PassendShare),
    Figure::Complement(Metric::PassendShare),
    Figure::Count(Metric::LocalPriorityShare),
    Figure::Complement(Metric::LocalPriorityShare),
];

/// The denominator figure of a metric.
pub fn denominator_of(metric: Metric) -> Figure {
    match metric {
        Metric::PassendShare => Figure::PassendDenominator,
        _ => Figure::Lettings,
    }
}

fn figure_index(figure: Figure) -> usize {
    FIGURES.iter().position(|f| *f == figure).unwrap_or(0)
}

fn value(counts: &ScopeCounts, figure: Figure) -> u64 {
    match figure {
        Figure::Lettings => counts.lettings,
        Figure::Excluded => counts.excluded,
        Figure::NonSocial => counts.non_social,
        Figure::PassendDenominator => counts.passend_denominator,
        Figure::Count(metric) => counts.fraction(metric).0,
        Figure::Complement(metric) => {
            let (count, denominator) = counts.fraction(metric);
            denominator.saturating_sub(count)
        }
    }
}

/// Months 0–11, quarters 12–15, halves 16–17, the year 18.
const PERIODS: usize = 19;

fn period_index(period: Period) -> usize {
    match period {
        Period::Month(_, m) => usize::from(m.clamp(1, 12)) - 1,
        Period::Quarter(_, q) => 11 + usize::from(q.clamp(1, 4)),
        Period::Half(_, h) => 15 + usize::from(h.clamp(1, 2)),
        Period::Year(_) => 18,
    }
}

/// The quota figures of a municipality-year as a reader may see them.
#[derive(Debug, Clone)]
pub struct ProtectedYear {
    /// `None` (the total) first, then the corporations by id.
    scopes: Vec<Option<String>>,
    cells: Vec<Cell>,
    shown: Vec<Shown>,
}

impl ProtectedYear {
    /// Protects the year's figures for `viewer`, from each corporation's counts per month
    /// (index 0 is January).
    pub fn new(months: &BTreeMap<String, [ScopeCounts; 12]>, viewer: &Viewer) -> Self {
        let mut scopes: Vec<Option<String>> = vec![None];
        scopes.extend(months.keys().cloned().map(Some));
        let mut per_scope: Vec<[ScopeCounts; 12]> = Vec::with_capacity(scopes.len());
        let mut total: [ScopeCounts; 12] = Default::default();
        for counts in months.values() {
            for (m, c) in counts.iter().enumerate() {
                total[m] = add(&total[m], c);
            }
        }
        per_scope.push(total);
        per_scope.extend(months.values().cloned());

        let index = |scope: usize, period: usize, figure: usize| {
            (scope * PERIODS + period) * FIGURES.len() + figure
        };
        let mut cells = Vec::with_capacity(scopes.len() * PERIODS * FIGURES.len());
        for (s, months) in per_scope.iter().enumerate() {
            let known = match (viewer, &scopes[s]) {
                (Viewer::Exact, _) => true,
                (Viewer::Corporation(own), Some(id)) => own == id,
                _ => false,
            };
            let periods = period_counts(months);
            for counts in &periods {
                for figure in FIGURES {
                    let mut cell = match figure {
                        Figure::Complement(_) => Cell::implicit(value(counts, figure)),
                        _ => Cell::shown(value(counts, figure)),
                    };
                    cell.known = known;
                    cells.push(cell);
                }
            }
        }
        let mut relations = Vec::new();
        for s in 0..scopes.len() {
            for p in 0..PERIODS {
                let at = |f: Figure| index(s, p, figure_index(f));
                for metric in Metric::ALL {
                    relations.push(Relation {
                        margin: at(denominator_of(metric)),
                        parts: vec![at(Figure::Count(metric)), at(Figure::Complement(metric))],
                    });
                }
            }
            for f in 0..FIGURES.len() {
                for q in 0..4 {
                    relations.push(Relation {
                        margin: index(s, 12 + q, f),
                        parts: (0..3).map(|m| index(s, 3 * q + m, f)).collect(),
                    });
                }
                for h in 0..2 {
                    relations.push(Relation {
                        margin: index(s, 16 + h, f),
                        parts: vec![index(s, 12 + 2 * h, f), index(s, 13 + 2 * h, f)],
                    });
                }
                relations.push(Relation {
                    margin: index(s, 18, f),
                    parts: vec![index(s, 16, f), index(s, 17, f)],
                });
            }
        }
        if scopes.len() > 1 {
            for p in 0..PERIODS {
                for f in 0..FIGURES.len() {
                    relations.push(Relation {
                        margin: index(0, p, f),
                        parts: (1..scopes.len()).map(|s| index(s, p, f)).collect(),
                    });
                }
            }
        }
        let shown = protect(&cells, &relations);
        Self {
            scopes,
            cells,
            shown,
        }
    }

    /// How a figure of a scope (`None`: the total) and period is shown; a corporation not in
    /// the table had no lettings: its figures are an exact zero.
    pub fn shown(&self, corporation: Option<&str>, period: Period, figure: Figure) -> Shown {
        self.cell(corporation, period, figure).1
    }

    /// A figure's cell (its value, and whether the reader knows it anyway) and how it is shown.
    /// A corporation not in the table had no lettings: an exact zero.
    pub fn cell(&self, corporation: Option<&str>, period: Period, figure: Figure) -> (Cell, Shown) {
        let zero = Cell::shown(0);
        let Some(scope) = self.scopes.iter().position(|s| s.as_deref() == corporation) else {
            return (zero, Shown::Exact);
        };
        let index = (scope * PERIODS + period_index(period)) * FIGURES.len() + figure_index(figure);
        match (self.cells.get(index), self.shown.get(index)) {
            (Some(cell), Some(shown)) => (*cell, *shown),
            _ => (Cell::implicit(0), Shown::Hidden),
        }
    }

    /// The cell that a figure of `value` shown in another answer (a report section) is to the
    /// reader, for protecting that answer's own cells around it with the quota table fixed:
    ///
    /// - where the value is the table's, the reader knows what the quota answers show: a cell
    ///   shown exactly is known; a `<5` cell is small; a cell hidden as `x` is entered as
    ///   shown (the check then assumes the reader knows more than it does, never less, and
    ///   may hide it, which it already is);
    /// - where the value differs (a report published before the figures were corrected), it is
    ///   a cell of its own, protected like any other.
    ///
    /// Complements are never shown; a figure of the reader's own is known either way.
    pub fn cell_for(
        &self,
        corporation: Option<&str>,
        period: Period,
        figure: Figure,
        value: u64,
    ) -> Cell {
        let (cell, shown) = self.cell(corporation, period, figure);
        let mut out = match figure {
            Figure::Complement(_) => Cell::implicit(value),
            _ => Cell::shown(value),
        };
        out.known = cell.known || (cell.value == value && shown == Shown::Exact && !cell.implicit);
        if out.known {
            out.implicit = false;
        }
        out
    }

    /// How the quota answers show a figure of `value`: `None` where the table holds another
    /// value for it (the figure is then protected as a cell of its own).
    pub fn shown_for(
        &self,
        corporation: Option<&str>,
        period: Period,
        figure: Figure,
        value: u64,
    ) -> Option<Shown> {
        let (cell, shown) = self.cell(corporation, period, figure);
        (cell.value == value).then_some(shown)
    }
}

fn add(a: &ScopeCounts, b: &ScopeCounts) -> ScopeCounts {
    ScopeCounts {
        lettings: a.lettings + b.lettings,
        excluded: a.excluded + b.excluded,
        non_social: a.non_social + b.non_social,
        urgent: a.urgent + b.urgent,
        within_rent_cap: a.within_rent_cap + b.within_rent_cap,
        income_above_limit: a.income_above_limit + b.income_above_limit,
        passend_denominator: a.passend_denominator + b.passend_denominator,
        passend_compliant: a.passend_compliant + b.passend_compliant,
        local_priority: a.local_priority + b.local_priority,
    }
}

/// The counts of the 19 periods of a year from its months.
fn period_counts(months: &[ScopeCounts; 12]) -> Vec<ScopeCounts> {
    let sum = |range: std::ops::Range<usize>| {
        months[range]
            .iter()
            .fold(ScopeCounts::default(), |acc, c| add(&acc, c))
    };
    let mut periods: Vec<ScopeCounts> = months.to_vec();
    periods.extend((0..4).map(|q| sum(3 * q..3 * q + 3)));
    periods.extend((0..2).map(|h| sum(6 * h..6 * h + 6)));
    periods.push(sum(0..12));
    periods
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(lettings: u64, urgent: u64) -> ScopeCounts {
        ScopeCounts {
            lettings,
            urgent,
            within_rent_cap: lettings,
            passend_denominator: lettings,
            passend_compliant: lettings,
            ..ScopeCounts::default()
        }
    }

    fn year(values: &[(&str, [(u64, u64); 12])]) -> BTreeMap<String, [ScopeCounts; 12]> {
        values
            .iter()
            .map(|(id, months)| (id.to_string(), months.map(|(l, u)| counts(l, u))))
            .collect()
    }

    #[test]
    fn the_municipality_sees_everything_exactly() {
        let data = year(&[("a", [(3, 1); 12]), ("b", [(10, 2); 12])]);
        let table = ProtectedYear::new(&data, &Viewer::Exact);
        for p in [Period::Month(2026, 1), Period::Year(2026)] {
            for f in FIGURES {
                assert_eq!(table.shown(Some("a"), p, f), Shown::Exact);
            }
        }
    }

    #[test]
    fn a_small_month_is_small_and_the_quarter_cannot_give_it_away() {
        let mut a = [(20, 6); 12];
        a[0] = (3, 0);
        let data = year(&[("a", a), ("b", [(20, 6); 12])]);
        let table = ProtectedYear::new(&data, &Viewer::Protected);
        let jan = Period::Month(2026, 1);
        assert_eq!(table.shown(Some("a"), jan, Figure::Lettings), Shown::Small);
        // Q1 = Jan + Feb + Mar: if Feb, Mar and Q1 were all exact, Jan would follow.
        let hidden_in_q1 = [
            Period::Month(2026, 2),
            Period::Month(2026, 3),
            Period::Quarter(2026, 1),
        ]
        .iter()
        .filter(|p| table.shown(Some("a"), **p, Figure::Lettings) != Shown::Exact)
        .count();
        assert!(hidden_in_q1 >= 1);
        // Across scopes: total January = a + b.
        let hidden_in_january = [Some("b"), None]
            .iter()
            .filter(|s| table.shown(**s, jan, Figure::Lettings) != Shown::Exact)
            .count();
        assert!(hidden_in_january >= 1);
    }

    #[test]
    fn a_corporation_sees_its_own_figures_exactly() {
        let mut a = [(20, 6); 12];
        a[0] = (3, 0);
        let data = year(&[("a", a), ("b", [(20, 6); 12])]);
        let table = ProtectedYear::new(&data, &Viewer::Corporation("a".into()));
        let jan = Period::Month(2026, 1);
        assert_eq!(table.shown(Some("a"), jan, Figure::Lettings), Shown::Exact);
        // b's own January is not small, but a knows its own 3: total − 3 would give b, so
        // b's January and the total's are not both shown exactly... unless b is not small,
        // which it is not: nothing of b needs hiding here.
        assert_eq!(table.shown(Some("b"), jan, Figure::Lettings), Shown::Exact);
    }
}
