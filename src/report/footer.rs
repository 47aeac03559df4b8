//! The report's last table ("Verantwoording"): the agreement and the national norms the
//! figures rest on, and when the data was read.

use super::grid::{Cell, Table};
use super::labels::{label, Lang};
use super::model::Report;

pub fn footer_table(report: &Report, protected: bool, lang: Lang) -> Table {
    let l = |k| label(k, lang).to_string();
    let text = |s: &str| Cell::Text(s.to_string());
    let mut rows = vec![
        vec![
            text(&l("agreement")),
            text(&format!(
                "{} (versie {}): {}",
                report.footer.agreement.id,
                report.footer.agreement.version,
                report.footer.agreement.name
            )),
        ],
        vec![text(&l("source")), text(&report.footer.agreement_source)],
    ];
    for n in &report.footer.norms {
        rows.push(vec![text(&l("norms_year")), text(&n.year.to_string())]);
        if n.provisional {
            rows.push(vec![text(""), text(&l("norms_provisional"))]);
        }
        rows.push(vec![text(&l("source")), text(&n.source)]);
        for (key, amount) in [
            ("quality_discount_limit", n.quality_discount_limit),
            ("rent_cap_low", n.rent_cap_low),
            ("rent_cap_high", n.rent_cap_high),
            ("social_rent_limit", n.social_rent_limit),
        ] {
            rows.push(vec![text(&l(key)), Cell::Euro(amount)]);
        }
        if let Some(i) = &n.income_limits {
            for (key, amount) in [
                ("social_income_limit_single", i.social_income_limit_single),
                ("social_income_limit_multi", i.social_income_limit_multi),
                ("passend_income_limit_single", i.passend_income_limit_single),
                (
                    "passend_income_limit_single_pension",
                    i.passend_income_limit_single_pension,
                ),
                ("passend_income_limit_multi", i.passend_income_limit_multi),
                (
                    "passend_income_limit_multi_pension",
                    i.passend_income_limit_multi_pension,
                ),
            ] {
                rows.push(vec![text(&l(key)), Cell::Euro(amount)]);
            }
        }
    }
    rows.push(vec![
        text(&l("read_at")),
        text(
            &report
                .footer
                .read_at
                .format("%Y-%m-%d %H:%M:%S UTC")
                .to_string(),
        ),
    ]);
    if protected {
        rows.push(vec![text(""), text(&l("small_cells"))]);
    }
    Table {
        name: "Verantwoording".into(),
        title: l("section_footer"),
        headers: vec![String::new(), String::new()],
        rows,
        empty_note: None,
    }
}
