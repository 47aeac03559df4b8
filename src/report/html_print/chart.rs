//! A line chart per metric: the share month by month for the municipality and each
//! corporation, against the limit, whose label sits right of the plot (never on a point).
//! Months not yet begun have no place; a month whose share is withheld has no point, a month
//! with too few lettings to judge an open one.

use std::fmt::Write;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::esc;
use crate::report::cells::Disclosure;
use crate::report::grid::scope_name;
use crate::report::labels::{label, Lang};
use crate::report::model::Report;

/// Line colours: the municipality navy and thick, the corporations distinct and thinner.
const COLOURS: [&str; 6] = [
    "#123a5e", "#d9822b", "#2f9e8f", "#8e44ad", "#b5651d", "#5d6d7e",
];

fn pct(share: f64, lang: Lang) -> String {
    let text = format!("{:.0}%", share * 100.0);
    match lang {
        Lang::Nl => text.replace('.', ","),
        Lang::En => text,
    }
}

pub(super) fn chart(
    report: &Report,
    metric: &str,
    disclosure: Option<&Disclosure>,
    months: &[String],
    lang: Lang,
) -> String {
    let mut scopes: Vec<Option<String>> = vec![None];
    for p in &report.trend {
        if p.corporation.is_some() && !scopes.contains(&p.corporation) {
            scopes.push(p.corporation.clone());
        }
    }
    let (w, h, left, right, top, bottom) = (330.0, 150.0, 30.0, 46.0, 8.0, 20.0);
    let plot_w = w - left - right;
    let plot_h = h - top - bottom;
    let n = months.len().max(1) as f64;
    let x = |i: usize| left + plot_w * (i as f64 + 0.5) / n;
    let y = |v: f64| top + plot_h * (1.0 - v.clamp(0.0, 1.0));
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"100%\" role=\"img\" aria-label=\"{}\">",
        esc(label(metric, lang))
    );
    for tick in [0.0, 0.25, 0.5, 0.75, 1.0] {
        let _ = write!(
            svg,
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{y0:.1}\" y2=\"{y0:.1}\" stroke=\"#e1e7ed\" stroke-width=\"0.6\"/><text x=\"{}\" y=\"{:.1}\" font-size=\"8\" text-anchor=\"end\" fill=\"#5f6b76\">{}</text>",
            w - right,
            left - 3.0,
            y(tick) + 3.0,
            pct(tick, lang),
            y0 = y(tick)
        );
    }
    for (i, month) in months.iter().enumerate() {
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"{}\" font-size=\"8\" text-anchor=\"middle\" fill=\"#5f6b76\">{}</text>",
            x(i),
            h - 7.0,
            esc(month.get(5..).unwrap_or(month))
        );
    }
    let limit = report
        .trend
        .iter()
        .find(|p| p.metric.metric == metric)
        .and_then(|p| p.metric.limit)
        .and_then(|l| l.to_f64());
    if let Some(limit) = limit {
        let _ = write!(
            svg,
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{ly:.1}\" y2=\"{ly:.1}\" stroke=\"#a1161b\" stroke-width=\"1\" stroke-dasharray=\"4 3\"/><text x=\"{}\" y=\"{:.1}\" font-size=\"8\" fill=\"#a1161b\">{} {}</text>",
            w - right,
            w - right + 3.0,
            y(limit) + 3.0,
            esc(label("limit", lang)),
            esc(&pct(limit, lang)),
            ly = y(limit)
        );
    }
    let mut legend = String::new();
    for (k, scope) in scopes.iter().enumerate() {
        let colour = COLOURS[k % COLOURS.len()];
        let width = if scope.is_none() { 2.0 } else { 1.3 };
        let mut path = String::new();
        for (i, p) in report.trend.iter().enumerate() {
            if p.metric.metric != metric || p.corporation != *scope {
                continue;
            }
            let Some(at) = months.iter().position(|m| *m == p.month) else {
                continue;
            };
            let shown = disclosure.is_none_or(|d| d.trend.get(i).is_some_and(|s| s.share()));
            let judged = p.metric.state != "insufficient_data";
            let Some(share) = p
                .metric
                .share
                .filter(|_| shown)
                .and_then(|s: Decimal| s.to_f64())
            else {
                continue;
            };
            let _ = write!(
                path,
                "{}{:.1},{:.1}",
                if path.is_empty() { "M" } else { " L" },
                x(at),
                y(share)
            );
            // A month with too few lettings to judge: an open point.
            let _ = write!(
                svg,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"{}\" fill=\"{colour}\" stroke=\"{colour}\"{}/>",
                x(at),
                y(share),
                width + 0.6,
                if judged { "" } else { " class=\"hollow\"" }
            );
        }
        if !path.is_empty() {
            let _ = write!(
                svg,
                "<path d=\"{path}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"{width}\"/>"
            );
        }
        let _ = write!(
            legend,
            "<span><i style=\"background:{colour}\"></i>{}</span>",
            esc(&scope_name(report, scope, lang))
        );
    }
    svg.push_str("</svg>");
    format!(
        "<div class=\"chart\"><h3>{}</h3>{svg}<p class=\"legend\">{legend}</p></div>",
        esc(label(&format!("plain_{metric}"), lang))
    )
}
