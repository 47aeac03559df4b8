//! Every rule of a submitted unit row, one problem per field, all found at once.

use chrono::NaiveDate;

use super::raw::{amount, date, integer, problem, text, RawUnit};
use super::{
    DaebLabel, EnergyLabel, InServiceReason, LabelMethod, OutOfServiceReason, Unit, UnitKind,
    UnitStatus,
};
use crate::domain::letting::{FieldProblem, RawValue};
use crate::domain::money;
use crate::domain::problem::echo;

/// What a row is checked against besides itself.
#[derive(Debug, Clone, Copy)]
pub struct UnitContext<'a> {
    /// The municipality the snapshot is posted for.
    pub municipality: &'a str,
    /// The snapshot's reference date (peildatum): no date of a row lies after it.
    pub reference_date: NaiveDate,
    /// Semicolon CSV: a decimal comma is accepted.
    pub decimal_comma: bool,
}

/// The most characters of a unit code.
const MAX_CODE_CHARS: usize = 64;

/// Checks a row; the valid unit, or every problem found.
pub fn validate_unit(raw: &RawUnit, ctx: &UnitContext<'_>) -> Result<Unit, Vec<FieldProblem>> {
    let mut problems = Vec::new();
    for name in raw.unknown_fields() {
        problems.push(FieldProblem {
            field: Some(name.clone()),
            message: format!(
                "unknown field {:?}: a unit row carries no tenant data and no contract rent; the fields are: {}",
                echo(name),
                super::UNIT_FIELDS.join(", ")
            ),
        });
    }
    if raw.more_unknown_fields() > 0 {
        problems.push(FieldProblem {
            field: None,
            message: format!("{} more unknown fields", raw.more_unknown_fields()),
        });
    }
    let mut keep = Keep(&mut problems);
    let code = keep.of(check_code(raw));
    let municipality = keep.of(check_municipality(raw, ctx.municipality));
    let kind = keep.of(code_of::<UnitKind>(raw, "unit_type", UnitKind::Dwelling)
        .map(|k| k.unwrap_or(UnitKind::Dwelling)));
    let status = keep.of(required_code::<UnitStatus>(raw, "status"));
    let daeb = keep.of(required_code::<DaebLabel>(raw, "daeb"));
    let wws_points = keep.of(integer(raw, "wws_points", 0..=1000));
    let target_rent = keep.of(amount(raw, "target_rent", ctx.decimal_comma));
    let energy_label = keep.of(check_label(raw));
    let label_method = keep.of(code_of::<LabelMethod>(
        raw,
        "label_method",
        LabelMethod::Nta8800,
    ));
    let label_date = keep.of(not_after(raw, "label_date", ctx.reference_date));
    let condition_score = keep.of(integer(raw, "condition_score", 1..=6));
    let in_service_date = keep.of(not_after(raw, "in_service_date", ctx.reference_date));
    let in_service_reason = keep.of(code_of::<InServiceReason>(
        raw,
        "in_service_reason",
        InServiceReason::NewBuild,
    ));
    let out_of_service_date = keep.of(not_after(raw, "out_of_service_date", ctx.reference_date));
    let out_of_service_reason = keep.of(code_of::<OutOfServiceReason>(
        raw,
        "out_of_service_reason",
        OutOfServiceReason::Demolition,
    ));
    let planned_exit_date = keep.of(date(raw, "planned_exit_date"));

    // The rules between fields, once each field is readable.
    if let (Some(kind), Some(status)) = (kind, status) {
        if kind == UnitKind::Dwelling && status.in_service() {
            if wws_points == Some(None) {
                problems.push(problem(
                    "wws_points",
                    "wws_points is required for a home in exploitatie (status VEH or LEE)",
                ));
            }
            if target_rent == Some(None) {
                problems.push(problem(
                    "target_rent",
                    "target_rent (streefhuur) is required for a home in exploitatie (status VEH or LEE)",
                ));
            }
        }
        if status == UnitStatus::OutOfService {
            if out_of_service_reason == Some(None) {
                problems.push(problem(
                    "out_of_service_reason",
                    format!(
                        "out_of_service_reason is required with status UIT; one of {}",
                        OutOfServiceReason::codes()
                    ),
                ));
            }
            if out_of_service_date == Some(None) {
                problems.push(problem(
                    "out_of_service_date",
                    "out_of_service_date is required with status UIT",
                ));
            }
        } else if matches!(out_of_service_reason, Some(Some(_))) {
            problems.push(problem(
                "out_of_service_reason",
                format!(
                    "out_of_service_reason is only for status UIT; this unit has status {status}"
                ),
            ));
        }
    }
    if matches!(energy_label, Some(Some(_))) && label_date == Some(None) {
        problems.push(problem(
            "label_date",
            "label_date (the label's registration date) is required with an energy_label: a label is valid for 10 years from it",
        ));
    }
    if let (Some(Some(i)), Some(Some(o))) = (in_service_date, out_of_service_date) {
        if o < i {
            problems.push(problem(
                "out_of_service_date",
                format!("out_of_service_date {o} is before in_service_date {i}"),
            ));
        }
    }
    let target_rent_cents = match target_rent {
        Some(Some(rent)) => match money::to_cents(rent) {
            Some(cents) => Some(cents),
            None => {
                problems.push(problem(
                    "target_rent",
                    "target_rent has more than 2 decimals",
                ));
                None
            }
        },
        _ => None,
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    // Every `keep` above succeeded, so each is `Some`.
    match (code, municipality, kind, status, daeb) {
        (Some(code), Some(municipality), Some(kind), Some(status), Some(daeb)) => Ok(Unit {
            code,
            municipality,
            kind,
            status,
            daeb,
            wws_points: wws_points.flatten(),
            target_rent_cents,
            energy_label: energy_label.flatten(),
            label_method: label_method.flatten(),
            label_date: label_date.flatten(),
            condition_score: condition_score.flatten(),
            in_service_date: in_service_date.flatten(),
            in_service_reason: in_service_reason.flatten(),
            out_of_service_date: out_of_service_date.flatten(),
            out_of_service_reason: out_of_service_reason.flatten(),
            planned_exit_date: planned_exit_date.flatten(),
        }),
        _ => Err(vec![FieldProblem {
            field: None,
            message: "the row could not be read".into(),
        }]),
    }
}

/// Keeps a field's value, or notes its problem.
struct Keep<'a>(&'a mut Vec<FieldProblem>);

impl Keep<'_> {
    fn of<T>(&mut self, result: Result<T, FieldProblem>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(p) => {
                self.0.push(p);
                None
            }
        }
    }
}

fn check_code(raw: &RawUnit) -> Result<String, FieldProblem> {
    let code = text(raw, "unit")?.ok_or_else(|| problem("unit", "unit is required"))?;
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '/' | '-');
    if code.chars().count() > MAX_CODE_CHARS || !code.chars().all(allowed) {
        return Err(problem(
            "unit",
            format!(
                "unit {:?} must be 1-64 characters of A-Z a-z 0-9 . _ / -",
                echo(code)
            ),
        ));
    }
    Ok(code.to_string())
}

fn check_municipality(raw: &RawUnit, posted_for: &str) -> Result<String, FieldProblem> {
    match text(raw, "municipality")? {
        None => Ok(posted_for.to_string()),
        Some(m) if m == posted_for => Ok(posted_for.to_string()),
        Some(m) => Err(problem(
            "municipality",
            format!(
                "this snapshot is for {posted_for}; the unit names {:?} (post each municipality's units to its own snapshot)",
                echo(m)
            ),
        )),
    }
}

/// An optional VERA code of list `C`; `_example` only types the call.
fn code_of<C: VeraCode>(
    raw: &RawUnit,
    field: &str,
    _example: C,
) -> Result<Option<C>, FieldProblem> {
    match text(raw, field)? {
        None => Ok(None),
        Some(t) => C::read(t).map(Some).ok_or_else(|| {
            problem(
                field,
                format!(
                    "{field} {:?} is not a code of VERA {}; one of {}",
                    echo(t),
                    C::list(),
                    C::all_codes()
                ),
            )
        }),
    }
}

fn required_code<C: VeraCode>(raw: &RawUnit, field: &str) -> Result<C, FieldProblem> {
    match raw.get(field) {
        None | Some(RawValue::Null) => Err(problem(
            field,
            format!("{field} is required; one of {}", C::all_codes()),
        )),
        _ => text(raw, field)?
            .ok_or_else(|| {
                problem(
                    field,
                    format!("{field} is required; one of {}", C::all_codes()),
                )
            })
            .and_then(|t| {
                C::read(t).ok_or_else(|| {
                    problem(
                        field,
                        format!(
                            "{field} {:?} is not a code of VERA {}; one of {}",
                            echo(t),
                            C::list(),
                            C::all_codes()
                        ),
                    )
                })
            }),
    }
}

fn check_label(raw: &RawUnit) -> Result<Option<EnergyLabel>, FieldProblem> {
    match text(raw, "energy_label")? {
        None => Ok(None),
        Some(t) => EnergyLabel::read(t).map(Some).ok_or_else(|| {
            problem(
                "energy_label",
                format!(
                    "energy_label {:?} is not a label; one of A++++ (AP4), A+++ (AP3), A++ (APP), A+ (AP), A, B, C, D, E, F, G",
                    echo(t)
                ),
            )
        }),
    }
}

fn not_after(
    raw: &RawUnit,
    field: &str,
    reference_date: NaiveDate,
) -> Result<Option<NaiveDate>, FieldProblem> {
    match date(raw, field)? {
        Some(d) if d > reference_date => Err(problem(
            field,
            format!("{field} {d} is after the snapshot's reference date {reference_date}"),
        )),
        other => Ok(other),
    }
}

/// The code lists [`code_of`] reads.
trait VeraCode: Sized + Copy {
    fn read(text: &str) -> Option<Self>;
    fn list() -> &'static str;
    fn all_codes() -> String;
}

macro_rules! vera_code {
    ($($t:ty),+) => {
        $(impl VeraCode for $t {
            fn read(text: &str) -> Option<Self> {
                text.parse().ok()
            }
            fn list() -> &'static str {
                <$t>::LIST
            }
            fn all_codes() -> String {
                <$t>::codes()
            }
        })+
    };
}

vera_code!(
    UnitKind,
    UnitStatus,
    DaebLabel,
    LabelMethod,
    InServiceReason,
    OutOfServiceReason
);
