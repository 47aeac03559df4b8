//! The stock figures through the privacy rule: the figures of every scope (the total and each
//! corporation) are the cells of one linked table, protected at once with
//! `domain::disclosure::protect`, so that a reader other than the municipality never sees a
//! count of 1 to 4, nor works one out from a total and its parts. A corporation sees its own
//! figures exactly.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::domain::disclosure::{protect, Cell, Relation, Shown};
use crate::domain::small_numbers::Viewer;
use crate::service::small_numbers::count_value;

/// The cells of a table, each named by its scope (`None` the total) and figure.
#[derive(Debug, Default)]
pub struct Table {
    cells: Vec<Cell>,
    index: BTreeMap<(Option<String>, String), usize>,
    relations: Vec<Relation>,
}

impl Table {
    /// Adds a figure of a scope; known to the viewer when it is its own corporation's.
    pub fn cell(&mut self, viewer: &Viewer, scope: Option<&str>, figure: &str, value: u64) {
        let own = matches!(viewer, Viewer::Corporation(c) if Some(c.as_str()) == scope);
        let mut cell = Cell::shown(value);
        cell.known = own;
        self.index.insert(
            (scope.map(str::to_string), figure.to_string()),
            self.cells.len(),
        );
        self.cells.push(cell);
    }

    fn at(&self, scope: Option<&str>, figure: &str) -> Option<usize> {
        self.index
            .get(&(scope.map(str::to_string), figure.to_string()))
            .copied()
    }

    /// `margin = Σ parts` within a scope (a figure missing from it is left out).
    pub fn within(&mut self, scope: Option<&str>, margin: &str, parts: &[String]) {
        if let Some(margin) = self.at(scope, margin) {
            let parts = parts.iter().filter_map(|p| self.at(scope, p)).collect();
            self.relations.push(Relation { margin, parts });
        }
    }

    /// The total of each figure is the sum of the corporations' figures.
    pub fn across(&mut self, corporations: &[String]) {
        let figures: Vec<String> = self
            .index
            .keys()
            .filter(|(scope, _)| scope.is_none())
            .map(|(_, figure)| figure.clone())
            .collect();
        for figure in figures {
            if let Some(margin) = self.at(None, &figure) {
                let parts = corporations
                    .iter()
                    .filter_map(|c| self.at(Some(c), &figure))
                    .collect();
                self.relations.push(Relation { margin, parts });
            }
        }
    }

    /// How each cell is shown to the viewer: exactly to the municipality.
    pub fn protect(self, viewer: &Viewer) -> Protected {
        let shown = if viewer.is_exact() {
            vec![Shown::Exact; self.cells.len()]
        } else {
            protect(&self.cells, &self.relations)
        };
        Protected {
            cells: self.cells,
            index: self.index,
            shown,
        }
    }
}

/// A protected table.
#[derive(Debug)]
pub struct Protected {
    cells: Vec<Cell>,
    index: BTreeMap<(Option<String>, String), usize>,
    shown: Vec<Shown>,
}

impl Protected {
    /// A figure as the viewer sees it: the number, `"<5"` or `"x"`.
    pub fn value(&self, scope: Option<&str>, figure: &str) -> Value {
        match self
            .index
            .get(&(scope.map(str::to_string), figure.to_string()))
        {
            Some(&i) => count_value(self.cells[i].value, self.shown[i]),
            None => Value::Null,
        }
    }

    /// Whether the viewer sees the figure exactly.
    pub fn is_exact(&self, scope: Option<&str>, figure: &str) -> bool {
        self.index
            .get(&(scope.map(str::to_string), figure.to_string()))
            .is_some_and(|&i| self.shown[i] == Shown::Exact)
    }
}
