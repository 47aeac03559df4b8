//! The half-year report (halfjaarrapportage) for the administrative meeting: everything the
//! domain reference lists, as one model that every format (JSON, CSV, XLSX, HTML) renders.
//!
//! - [`model`]: the report's own types, as they are published and read back;
//! - [`build`]: gathering the figures from the database into that model;
//! - [`cells`]: the small-cell rule applied for readers other than the municipality itself;
//! - [`restate`]: what changed between a publication and the live figures;
//! - [`publication`]: reading and publishing (freezing) a report;
//! - [`render`]: a report (or a publication) as the bytes of one format; [`tables`] is the
//!   layout that CSV ([`csv`]), XLSX ([`xlsx`]) and HTML ([`html`]) share, in the language of
//!   [`labels`].
//!
//! The model holds the full figures. Readers other than the municipality itself get the
//! small-cell rule applied when it is rendered: a count of 1 to 4 households is shown as `<5`,
//! and a share whose count or denominator is such a cell is withheld, so no household can be
//! singled out.

pub mod build;
pub mod cells;
pub mod csv;
pub mod html;
pub mod labels;
pub mod model;
pub mod publication;
pub mod render;
pub mod restate;
pub mod tables;
pub mod xlsx;

use crate::domain::period::Period;

pub use build::build;
pub use cells::{is_small, shown, shown_share, suppress_small_cells, SMALL_CELL_LIMIT};
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
