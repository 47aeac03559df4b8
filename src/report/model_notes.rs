//! Additions to the report's model from layout 2 on that a report published before them
//! lacks: they read back as empty, and are written only when they hold something, so the JSON
//! (and the digest) of such a report stays what it was.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A note written on an alert of the half year, as every reader of the alerts sees it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct ReportAlertNote {
    pub alert_id: i64,
    pub text: String,
    /// The organisation that wrote it.
    pub organisation: String,
    pub at: DateTime<Utc>,
}
