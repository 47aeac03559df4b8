//! A month-by-month share as an inline SVG line chart, with the agreement's limit as a dashed
//! line. The chart is decoration for sighted readers: every figure it draws is also in the
//! table beside it (WCAG 1.1.1), so it is `aria-hidden`.

use maud::{html, Markup};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

const WIDTH: f64 = 320.0;
const HEIGHT: f64 = 140.0;
const LEFT: f64 = 36.0;
const RIGHT: f64 = 8.0;
const TOP: f64 = 8.0;
const BOTTOM: f64 = 22.0;

/// Pixel coordinates of a share (0..1) in month `index` of `months`.
fn point(index: usize, months: usize, share: f64) -> (f64, f64) {
    let span = (months.max(2) - 1) as f64;
    let x = LEFT + (WIDTH - LEFT - RIGHT) * index as f64 / span;
    let y = TOP + (HEIGHT - TOP - BOTTOM) * (1.0 - share.clamp(0.0, 1.0));
    (x, y)
}

/// The chart of one metric: `values` per month (`None` where there is no share, or it is
/// withheld), month labels under the axis.
pub fn share_chart(
    labels: &[String],
    values: &[Option<Decimal>],
    limit: Option<Decimal>,
) -> Markup {
    let months = labels.len();
    // Runs of consecutive known values make the line; a gap is left open, not bridged.
    let mut runs: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut current: Vec<(f64, f64)> = Vec::new();
    for (i, value) in values.iter().enumerate() {
        match value.and_then(|v| v.to_f64()) {
            Some(share) => current.push(point(i, months, share)),
            None if !current.is_empty() => runs.push(std::mem::take(&mut current)),
            None => {}
        }
    }
    if !current.is_empty() {
        runs.push(current);
    }
    let path = |run: &[(f64, f64)]| {
        run.iter()
            .map(|(x, y)| format!("{x:.1},{y:.1}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let grid = [0.0, 0.25, 0.5, 0.75, 1.0];
    html! {
        svg xmlns="http://www.w3.org/2000/svg" viewBox=(format!("0 0 {WIDTH} {HEIGHT}"))
            width=(WIDTH) height=(HEIGHT) aria-hidden="true" focusable="false" {
            @for g in grid {
                @let (_, y) = point(0, months, g);
                line x1=(LEFT) x2=(WIDTH - RIGHT) y1=(format!("{y:.1}")) y2=(format!("{y:.1}")) stroke="#c8c8c8" stroke-width="1" {}
                text x=(LEFT - 4.0) y=(format!("{:.1}", y + 4.0)) text-anchor="end" font-size="10" fill="#4a4a4a" { ((g * 100.0) as u32) "%" }
            }
            @if let Some(limit) = limit.and_then(|l| l.to_f64()) {
                @let (_, y) = point(0, months, limit);
                line x1=(LEFT) x2=(WIDTH - RIGHT) y1=(format!("{y:.1}")) y2=(format!("{y:.1}")) stroke="#a4111b" stroke-width="1.5" stroke-dasharray="5 3" {}
            }
            @for run in &runs {
                @if run.len() > 1 {
                    polyline points=(path(run)) fill="none" stroke="#01689b" stroke-width="2" {}
                }
                @for (x, y) in run {
                    circle cx=(format!("{x:.1}")) cy=(format!("{y:.1}")) r="3" fill="#01689b" {}
                }
            }
            @for (i, label) in labels.iter().enumerate() {
                @let (x, _) = point(i, months, 0.0);
                text x=(format!("{x:.1}")) y=(HEIGHT - 6.0) text-anchor="middle" font-size="10" fill="#4a4a4a" { (label) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Option<Decimal> {
        Some(text.parse().unwrap())
    }

    #[test]
    fn a_withheld_month_leaves_a_gap_and_the_limit_is_drawn_dashed() {
        let labels: Vec<String> = ["jan", "feb", "mrt", "apr"].map(String::from).to_vec();
        let values = [d("0.2"), d("0.25"), None, d("0.5")];
        let svg = share_chart(&labels, &values, d("0.3")).into_string();
        assert_eq!(svg.matches("<polyline").count(), 1, "{svg}");
        assert_eq!(svg.matches("<circle").count(), 3);
        assert!(svg.contains("stroke-dasharray"));
        assert!(svg.contains("aria-hidden=\"true\""));
    }
}
