//! The report's small-numbers rule, cell by cell.

use super::*;

#[test]
fn a_share_is_shown_only_with_its_count_and_denominator() {
    assert!(MetricShown::EXACT.share());
    assert!(!MetricShown {
        count: Shown::Small,
        denominator: Shown::Exact
    }
    .share());
    assert!(!MetricShown {
        count: Shown::Exact,
        denominator: Shown::Hidden
    }
    .share());
}
