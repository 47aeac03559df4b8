//! A problem found in submitted data: what a person must fix, and where.
//!
//! What goes back to the client is bounded whatever was submitted: a [`ProblemList`] lists at
//! most [`MAX_LISTED_PROBLEMS`] problems and counts the rest, and a submitted value echoed in a
//! problem is cut to [`MAX_ECHO_CHARS`] characters by [`cut`] (or [`echo`] inside a message)
//! when the problem is made, so a long value is never copied into every problem of its record.

use std::borrow::Cow;

use serde::Serialize;
use utoipa::ToSchema;

/// The most problems one answer lists; the rest are counted.
pub const MAX_LISTED_PROBLEMS: usize = 1000;

/// The most characters of a submitted value (a reference, a field name, a cell) that a problem
/// repeats.
pub const MAX_ECHO_CHARS: usize = 64;

/// One problem with one record of a batch.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct Problem {
    /// Position of the record in the batch, from 0; null for a problem with the CSV header.
    pub index: Option<usize>,
    /// The record's reference as submitted, when it had one; cut to 64 characters.
    pub reference: Option<String>,
    /// The field the problem is in; null for the record as a whole.
    pub field: Option<String>,
    pub message: String,
    /// CSV only: the file's line number (the header is line 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
}

impl Problem {
    /// A problem with one field of a request that is not a batch of records.
    pub fn of_field(field: &str, message: impl Into<String>) -> Self {
        Self {
            index: None,
            reference: None,
            field: Some(cut(field).to_string()),
            message: message.into(),
            line: None,
        }
    }
}

/// The first [`MAX_ECHO_CHARS`] characters of a submitted value, for the fields of a problem.
pub fn cut(text: &str) -> &str {
    match text.char_indices().nth(MAX_ECHO_CHARS) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

/// A submitted value to quote inside a message: [`cut`], with `…` when something was left off.
pub fn echo(text: &str) -> Cow<'_, str> {
    let short = cut(text);
    if short.len() == text.len() {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(format!("{short}…"))
    }
}

/// The problems of a request, in the order found: the first [`MAX_LISTED_PROBLEMS`] in full,
/// every one counted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProblemList {
    listed: Vec<Problem>,
    total: usize,
}

impl ProblemList {
    pub fn new() -> Self {
        Self::default()
    }

    /// Notes a problem: listed while there is room, counted always.
    pub fn push(&mut self, problem: Problem) {
        self.total += 1;
        if self.has_room() {
            self.listed.push(problem);
        }
    }

    /// Whether another problem would still be listed; when not, a caller may count problems
    /// with [`ProblemList::count`] instead of making them.
    pub fn has_room(&self) -> bool {
        self.listed.len() < MAX_LISTED_PROBLEMS
    }

    /// Counts problems that are not listed.
    pub fn count(&mut self, problems: usize) {
        self.total += problems;
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// How many problems there were in all.
    pub fn total(&self) -> usize {
        self.total
    }

    /// The problems listed, at most [`MAX_LISTED_PROBLEMS`].
    pub fn listed(&self) -> &[Problem] {
        &self.listed
    }

    /// Whether some problems were counted but not listed.
    pub fn is_truncated(&self) -> bool {
        self.total > self.listed.len()
    }
}

impl From<Vec<Problem>> for ProblemList {
    fn from(problems: Vec<Problem>) -> Self {
        let mut list = Self::new();
        for problem in problems {
            list.push(problem);
        }
        list
    }
}

impl From<Problem> for ProblemList {
    fn from(problem: Problem) -> Self {
        vec![problem].into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_cut_to_64_characters_not_bytes() {
        let long = "é".repeat(100);
        assert_eq!(cut(&long).chars().count(), 64);
        assert_eq!(cut("short"), "short");
        assert_eq!(cut(&"x".repeat(64)), "x".repeat(64));
        assert_eq!(echo("short"), "short");
        assert_eq!(echo(&"x".repeat(65)), format!("{}…", "x".repeat(64)));
    }

    #[test]
    fn a_list_keeps_the_first_thousand_in_order_and_counts_the_rest() {
        let mut list = ProblemList::new();
        for i in 0..MAX_LISTED_PROBLEMS + 5 {
            list.push(Problem::of_field("f", format!("problem {i}")));
        }
        list.count(10);
        assert_eq!(list.listed().len(), MAX_LISTED_PROBLEMS);
        assert_eq!(list.listed()[0].message, "problem 0");
        assert_eq!(list.listed()[999].message, "problem 999");
        assert_eq!(list.total(), MAX_LISTED_PROBLEMS + 15);
        assert!(list.is_truncated() && !list.has_room());
        let short: ProblemList = vec![Problem::of_field("f", "m")].into();
        assert!(!short.is_truncated());
        assert_eq!(short.total(), 1);
    }
}
