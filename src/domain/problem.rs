//! A problem found in submitted data: what a person must fix, and where.

use serde::Serialize;
use utoipa::ToSchema;

/// One problem with one record of a batch.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct Problem {
    /// Position of the record in the batch, from 0; null for a problem with the CSV header.
    pub index: Option<usize>,
    /// The record's reference as submitted, when it had one.
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
            field: Some(field.to_string()),
            message: message.into(),
            line: None,
        }
    }
}
