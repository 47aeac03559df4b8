//! The monthly trend as native Excel charts (layout 2 on): a sheet with each share per month
//! for the municipality total and each corporation, with the norm beside them, and below it a
//! line chart per metric that reads those cells, so an analyst can change or extend them.
//! A share the small-numbers rule withholds is an empty cell: a gap in the line.

use rust_xlsxwriter::{Chart, ChartLine, ChartLineDashType, ChartType, Worksheet, XlsxError};

use crate::report::cells::{Disclosure, MetricShown};
use crate::report::labels::{label, Lang};
use crate::report::model::Report;
use crate::report::tables::{scope_name, Cell, Table};

/// One chart: its title, the columns of its lines and of its norm, and the legend's name of
/// each (the scopes, then the norm).
pub struct ChartSpec {
    pub title: String,
    pub lines: Vec<u16>,
    pub norm: u16,
    pub legend: Vec<String>,
}

const HIDDEN: MetricShown = MetricShown {
    count: crate::domain::disclosure::Shown::Hidden,
    denominator: crate::domain::disclosure::Shown::Hidden,
};

fn push_unique<T: PartialEq>(list: &mut Vec<T>, item: T) {
    if !list.contains(&item) {
        list.push(item);
    }
}

/// The trend as a table of months by metric and scope, with the charts to draw from it;
/// `None` without a trend.
pub fn chart_table(
    report: &Report,
    disclosure: Option<&Disclosure>,
    lang: Lang,
) -> Option<(Table, Vec<ChartSpec>)> {
    let mut months: Vec<&str> = Vec::new();
    let mut metrics: Vec<&str> = Vec::new();
    let mut scopes: Vec<&Option<String>> = Vec::new();
    for p in &report.trend {
        push_unique(&mut months, p.month.as_str());
        push_unique(&mut metrics, p.metric.metric.as_str());
        push_unique(&mut scopes, &p.corporation);
    }
    if months.is_empty() {
        return None;
    }
    months.sort_unstable();
    let (title, norm) = match lang {
        Lang::Nl => ("Verloop per maand in grafieken", "norm"),
        Lang::En => ("Month by month in charts", "limit"),
    };
    let mut headers = vec![label("month", lang).to_string()];
    let mut charts = Vec::new();
    for metric in &metrics {
        let name = label(metric, lang);
        let mut lines = Vec::new();
        let mut legend = Vec::new();
        for scope in &scopes {
            lines.push(u16::try_from(headers.len()).unwrap_or(u16::MAX));
            let scope = scope_name(report, scope, lang);
            headers.push(format!("{name}: {scope}"));
            legend.push(scope);
        }
        legend.push(norm.to_string());
        let norm_at = u16::try_from(headers.len()).unwrap_or(u16::MAX);
        headers.push(format!("{name}: {norm}"));
        charts.push(ChartSpec {
            title: name.to_string(),
            lines,
            norm: norm_at,
            legend,
        });
    }
    let mut rows: Vec<Vec<Cell>> = months
        .iter()
        .map(|m| {
            let mut row = vec![Cell::Text(m.to_string())];
            row.resize(headers.len(), Cell::Share(None));
            row
        })
        .collect();
    for (i, p) in report.trend.iter().enumerate() {
        let shown = match disclosure {
            None => MetricShown::EXACT,
            Some(d) => d.trend.get(i).copied().unwrap_or(HIDDEN),
        };
        let (Some(r), Some(m), Some(s)) = (
            months.iter().position(|x| *x == p.month),
            metrics.iter().position(|x| *x == p.metric.metric),
            scopes.iter().position(|x| **x == p.corporation),
        ) else {
            continue;
        };
        let spec = &charts[m];
        let row = &mut rows[r];
        row[usize::from(spec.lines[s])] = Cell::Share(p.metric.share.filter(|_| shown.share()));
        if p.metric.limit.is_some() {
            row[usize::from(spec.norm)] = Cell::Share(p.metric.limit);
        }
    }
    let table = Table {
        name: "Grafieken".into(),
        title: title.into(),
        headers,
        rows,
        empty_note: None,
    };
    Some((table, charts))
}

/// Draws the charts below the table on `sheet` (named `sheet_name`): two a row.
pub fn draw(
    sheet: &mut Worksheet,
    sheet_name: &str,
    months: u32,
    charts: &[ChartSpec],
) -> Result<(), XlsxError> {
    let (first, last) = (2, months + 1);
    for (k, spec) in charts.iter().enumerate() {
        let mut chart = Chart::new(ChartType::Line);
        chart.title().set_name(&spec.title);
        chart.y_axis().set_num_format("0%").set_min(0.0);
        chart.set_width(480).set_height(288);
        let columns = spec.lines.iter().chain(std::iter::once(&spec.norm));
        for (&col, legend) in columns.zip(&spec.legend) {
            let series = chart.add_series();
            // The legend names the scope; its header cell, should the name read as a range.
            if legend.contains('!') {
                series.set_name((sheet_name, 1, col));
            } else {
                series.set_name(legend.as_str());
            }
            series
                .set_categories((sheet_name, first, 0, last, 0))
                .set_values((sheet_name, first, col, last, col));
            if col == spec.norm {
                let mut line = ChartLine::new();
                line.set_color("#A1161B")
                    .set_dash_type(ChartLineDashType::Dash);
                series.set_format(&mut line);
            }
        }
        let k = u32::try_from(k).unwrap_or(u32::MAX);
        let row = last + 3 + (k / 2) * 16;
        sheet.insert_chart_with_offset(row, 0, &chart, (k % 2) * 500, 0)?;
    }
    Ok(())
}
