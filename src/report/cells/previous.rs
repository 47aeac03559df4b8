//! The same half year a year earlier, as the quota answers of that year show it: the summary
//! page puts it beside this half year, and it may give away no more than those answers do.

use crate::domain::disclosure::Shown;
use crate::domain::metric::Metric;
use crate::domain::period::Period;
use crate::domain::small_numbers::{denominator_of, Figure, ProtectedYear};
use crate::report::model::ReportScope;

use super::{MetricShown, ScopeShown};

/// How each figure of `scopes` (the half year `period` of `year`'s table) is shown: as the
/// quota answers show it where the value is theirs; hidden where it is not (a report
/// published before the figures of that year were corrected), or where the metric is unknown.
pub(super) fn previous_shown(
    scopes: &[ReportScope],
    period: Period,
    year: &ProtectedYear,
) -> Vec<ScopeShown> {
    scopes
        .iter()
        .map(|s| {
            let corporation = s.corporation.as_deref();
            let shown = |figure: Figure, value: u64| {
                year.shown_for(corporation, period, figure, value)
                    .unwrap_or(Shown::Hidden)
            };
            ScopeShown {
                lettings: shown(Figure::Lettings, s.lettings),
                excluded: shown(Figure::Excluded, s.excluded),
                non_social: shown(Figure::NonSocial, s.non_social),
                metrics: s
                    .metrics
                    .iter()
                    .map(
                        |m| match Metric::ALL.into_iter().find(|x| x.name() == m.metric) {
                            Some(metric) => MetricShown {
                                count: shown(Figure::Count(metric), m.count),
                                denominator: shown(denominator_of(metric), m.denominator),
                            },
                            None => MetricShown {
                                count: Shown::Hidden,
                                denominator: Shown::Hidden,
                            },
                        },
                    )
                    .collect(),
            }
        })
        .collect()
}
