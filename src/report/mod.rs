//! The half-year report (halfjaarrapportage) for the administrative meeting: everything the
//! domain reference lists, as one model that every format (JSON, CSV, XLSX, HTML, PDF) renders.
//!
//! - [`model`]: the report's own types, as they are published and read back;
//! - [`build`]: gathering the figures from the database into that model;
//! - [`cells`]: the small-numbers rule for readers other than the municipality itself;
//! - [`restate`]: what changed between a publication and the live figures;
//! - [`publication`]: reading and publishing (freezing) a report;
//! - [`share_links`]: read-only links to a publication for the council or the public;
//! - [`render`]: a report (or a publication) as the bytes of one format; [`tables`] is the
//!   layout that CSV ([`csv`]), XLSX ([`xlsx`]), HTML ([`html`]) and PDF ([`pdf`]) share, in the
//!   language of [`labels`].
//!
//! The model holds the full figures. Readers other than the municipality itself get the
//! small-numbers rule applied when it is rendered ([`cells`]): a count of 1 to 4 households is
//! shown as `<5`, a count that would give one away as `x`, and a share or other figure derived
//! from a hidden count is withheld; the quota figures are shown as the quota answers of that
//! year show them, so no household can be singled out, neither from the report nor by
//! combining it with those answers.

pub mod build;
pub mod cells;
pub mod csv;
pub mod explain;
pub mod footer;
pub mod grid;
pub mod html;
pub mod html_print;
pub mod labels;
mod labels_print;
pub mod model;
pub mod model_notes;
pub mod pdf;
pub mod print;
pub mod publication;
pub mod reconcile;
pub mod render;
pub mod restate;
pub mod restate_table;
pub mod share_links;
pub mod summary;
pub mod tables;
pub mod xlsx;

use crate::domain::period::Period;

pub use build::build;
pub use cells::{disclosure, protect_json, Disclosure};
pub use model::{
    AlertChangeRow, Breakdowns, CompletenessRow, CountRow, Footer, NormsUsed, Report,
    ReportAgreement, ReportMetric, ReportPace, ReportPlan, ReportPlanLine, ReportPlanVersion,
    ReportScope, ReportStatusHolders, TrendPoint, MODEL_VERSION,
};
pub use restate::{restatements, Restatement};

/// Parses `2026-H1` / `2026-H2`.
pub fn parse_half(text: &str) -> Option<Period> {
    match text.parse::<Period>() {
        Ok(p @ Period::Half(..)) => Some(p),
        _ => None,
    }
}
