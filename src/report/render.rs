//! A report as the bytes of one format, with its content type and file name: the frozen JSON of
//! a publication as stored, or the model rendered as JSON, CSV, XLSX, HTML or PDF, with the
//! small-numbers rule applied for readers other than the municipality and the restatements of a
//! live view of a publication.

use serde_json::Value;

use super::cells::{protect_json, Disclosure, Protection};
use super::labels::Lang;
use super::model::Report;
use super::print::{print_tables, summary_tables, Stamp};
use super::publication::{PublicationBody, Reading};
use super::restate::{restatements, Restatement};
use super::tables::{tables, Table};

/// The formats a report is rendered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Csv,
    Xlsx,
    Html,
    Pdf,
}

impl Format {
    /// `json` (also when none is given), `csv`, `xlsx`, `html` or `pdf`.
    pub fn parse(text: Option<&str>) -> Option<Self> {
        match text {
            None | Some("json") => Some(Format::Json),
            Some("csv") => Some(Format::Csv),
            Some("xlsx") => Some(Format::Xlsx),
            Some("html") => Some(Format::Html),
            Some("pdf") => Some(Format::Pdf),
            Some(_) => None,
        }
    }
}

/// A rendered report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub body: Vec<u8>,
    pub content_type: &'static str,
    /// For formats that are downloaded: the name to save the file under.
    pub file_name: Option<String>,
    /// The SHA-256 of the frozen JSON, when a publication is served as frozen.
    pub sha256: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("reading a published report: {0}")]
    Read(serde_json::Error),
    #[error("serialising the report: {0}")]
    Json(serde_json::Error),
    #[error("writing the CSV report: {0}")]
    Csv(csv::Error),
    #[error("writing the XLSX report: {0}")]
    Xlsx(rust_xlsxwriter::XlsxError),
}

/// Renders what was read: a publication as frozen (its stored JSON byte for byte where the
/// reader sees every figure), or the live report, with the restatements since publication when
/// there is one, as `protection` shows it.
pub fn render_reading(
    reading: &Reading,
    format: Format,
    lang: Lang,
    protection: &Protection,
) -> Result<Rendered, RenderError> {
    let disclosure = protection.report();
    match reading {
        Reading::Live(live) => render(live, format, lang, disclosure, None, None, None),
        Reading::Frozen(publication) => {
            let frozen: Report =
                serde_json::from_str(&publication.frozen_json).map_err(RenderError::Read)?;
            let mut rendered = render(
                &frozen,
                format,
                lang,
                disclosure,
                Some(&publication.frozen_json),
                None,
                Some(&publication.details),
            )?;
            rendered.sha256 = Some(publication.details.sha256.clone());
            Ok(rendered)
        }
        Reading::Current { publication, live } => {
            let frozen: Report =
                serde_json::from_str(&publication.frozen_json).map_err(RenderError::Read)?;
            let shown = match protection {
                Protection::Exact => None,
                Protection::Protected {
                    report,
                    published: Some(published),
                } => Some((published.as_ref(), report.as_ref())),
                // Without a disclosure of the publication, its figures count as new ones.
                Protection::Protected {
                    report,
                    published: None,
                } => Some((report.as_ref(), report.as_ref())),
            };
            let list = restatements(&frozen, live, shown);
            render(
                live,
                format,
                lang,
                disclosure,
                None,
                Some((&publication.details, &list)),
                Some(&publication.details),
            )
        }
    }
}

/// Renders a report as `disclosure` shows it (`None`: every figure). `frozen_json` is its
/// stored JSON, served as it is when every figure is shown; `extra` the publication and
/// restatements of a live view of a published report; `publication` the publication it shows
/// (the PDF's title block dates it).
pub fn render(
    report: &Report,
    format: Format,
    lang: Lang,
    disclosure: Option<&Disclosure>,
    frozen_json: Option<&str>,
    extra: Option<(&PublicationBody, &[Restatement])>,
    publication: Option<&PublicationBody>,
) -> Result<Rendered, RenderError> {
    let file = format!("rapportage-{}-{}", report.municipality, report.half_year);
    let rendered = |body: Vec<u8>, content_type, file_name| Rendered {
        body,
        content_type,
        file_name,
        sha256: None,
    };
    if format == Format::Json {
        let body = match (frozen_json, disclosure, extra) {
            (Some(frozen), None, None) => frozen.to_string(),
            _ => json_text(report, disclosure, extra)?,
        };
        return Ok(rendered(body.into_bytes(), "application/json", None));
    }
    let mut list = tables(report, disclosure, lang);
    if let Some((_, restated)) = extra {
        list.push(super::restate_table::restatement_table(
            restated, report, lang,
        ));
    }
    Ok(match format {
        Format::Csv => rendered(
            super::csv::render(&list, lang).map_err(RenderError::Csv)?,
            "text/csv; charset=utf-8",
            Some(format!("{file}.csv")),
        ),
        Format::Xlsx => rendered(
            super::xlsx::render(report, &list, lang, disclosure).map_err(RenderError::Xlsx)?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Some(format!("{file}.xlsx")),
        ),
        Format::Pdf if report.version >= 2 => {
            let printed = printed(report, list, disclosure, lang);
            rendered(
                super::pdf::render_print(report, &printed, lang, stamp(extra, publication)),
                "application/pdf",
                Some(format!("{file}.pdf")),
            )
        }
        Format::Pdf => {
            let published = publication.map(|p| p.published_at.format("%Y-%m-%d").to_string());
            rendered(
                super::pdf::render(report, &list, lang, published.as_deref()),
                "application/pdf",
                Some(format!("{file}.pdf")),
            )
        }
        Format::Html if report.version >= 2 => {
            let printed = printed(report, list, disclosure, lang);
            let html = super::html_print::render(
                report,
                &printed,
                disclosure,
                lang,
                stamp(extra, publication),
            );
            rendered(html.into_bytes(), "text/html; charset=utf-8", None)
        }
        Format::Html | Format::Json => {
            let published = extra.map(|(p, _)| p.published_at.format("%Y-%m-%d").to_string());
            let html = super::html::render(report, &list, disclosure, lang, published.as_deref());
            rendered(html.into_bytes(), "text/html; charset=utf-8", None)
        }
    })
}

/// What a printed copy is: live, live of a publication, or the publication frozen.
fn stamp<'a>(
    extra: Option<(&'a PublicationBody, &[Restatement])>,
    publication: Option<&'a PublicationBody>,
) -> Stamp<'a> {
    match (extra, publication) {
        (Some((p, _)), _) => Stamp::LiveOfPublished(p),
        (None, Some(p)) => Stamp::Frozen(p),
        (None, None) => Stamp::Live,
    }
}

/// The first page's tables, then the shared ones as print shows them (layout 2 on).
fn printed(
    report: &Report,
    list: Vec<Table>,
    disclosure: Option<&Disclosure>,
    lang: Lang,
) -> Vec<Table> {
    let mut out = summary_tables(report, disclosure, lang);
    out.extend(print_tables(report, list, lang));
    out
}

/// The report as JSON text as `disclosure` shows it, with the publication and its
/// restatements for a live view of a published report.
fn json_text(
    report: &Report,
    disclosure: Option<&Disclosure>,
    extra: Option<(&PublicationBody, &[Restatement])>,
) -> Result<String, RenderError> {
    let mut value = serde_json::to_value(report).map_err(RenderError::Json)?;
    if let Some(disclosure) = disclosure {
        protect_json(&mut value, report, disclosure);
    }
    if let (Some((publication, list)), Value::Object(map)) = (extra, &mut value) {
        map.insert(
            "publication".into(),
            serde_json::to_value(publication).unwrap_or(Value::Null),
        );
        map.insert(
            "restatements".into(),
            serde_json::to_value(list).unwrap_or(Value::Null),
        );
    }
    serde_json::to_string(&value).map_err(RenderError::Json)
}
