//! `verify`'s rows in words, for every format: what a solution declares and got, why it does not match, what a
//! problem's solutions lack to calibrate its bands, and the verification's JSON (each of those as a sentence).

use crate::report::{failure, verdict};
use harness_engine::rubric::{Area, Band, Cap};
use harness_engine::verify::{
    BudgetWindow, Calibration, LostBy, MIN_KNOWN_BAD, Marks, Measurement, Mismatch, Row, Shortfall, Verification,
};
use serde::Serialize;

/// Marks as the solutions table shows them (`loses correctness, quality`); `unknown` is what an unknown shows.
fn marks(marks: &Marks, unknown: &str) -> String {
    match marks {
        Marks::Full => "full marks".to_owned(),
        Marks::Loses(areas) => format!("loses {}", keys(areas)),
        Marks::Points(points) => format!("{points} points"),
        Marks::NotBuilt(v) => verdict::title(v).to_owned(),
        Marks::Unknown => unknown.to_owned(),
    }
}

/// What the row's solution declares.
pub fn expected(row: &Row) -> String {
    marks(&row.expected, "?")
}

/// What grading found.
pub fn got(row: &Row) -> String {
    marks(&row.got, "not graded")
}

/// Why the row does not match, in one line (empty when it does).
pub fn mismatch(row: &Row) -> String {
    let Some(mismatch) = &row.mismatch else { return String::new() };
    match mismatch {
        Mismatch::NotBuilt(v) if row.solution == "starter" => {
            format!("expected the starter to build, got: {}", verdict::title(v))
        }
        Mismatch::NotBuilt(v) => format!("expected it to build, got: {}", verdict::title(v)),
        Mismatch::StarterEarned { total, cases } => {
            format!("expected 0 points, got {total} (cases that earned: {})", cases.join(", "))
        }
        Mismatch::EmptyArea { area, max } => {
            format!("no case scores in {} although the rubric gives it {max} points", area.key())
        }
        Mismatch::Areas { unexpected, cases, kept } => areas(unexpected, cases, kept),
        Mismatch::Band { got, total, declared } => {
            format!("graded {} at {total:.1}, declared {}", got.title(), declared.title())
        }
        Mismatch::Unreadable(error) => error.clone(),
    }
}

/// The areas lost that should not be (with the cases that lost them) and those kept that should be lost.
fn areas(unexpected: &[Area], cases: &[harness_engine::verify::Lost], kept: &[Area]) -> String {
    let mut why = Vec::new();
    if !unexpected.is_empty() {
        let cases: Vec<String> = cases
            .iter()
            .map(|c| {
                let evidence = match &c.evidence {
                    LostBy::Failure(f) => failure::message(f).lines().next().unwrap_or("").to_owned(),
                    LostBy::Scaling { growth, ratio } => {
                        format!("measured {growth:?} growth, {ratio:.2}× the reference")
                    }
                    LostBy::Nothing => String::new(),
                };
                format!("{} {}: {evidence}", c.case, c.outcome.label())
            })
            .collect();
        why.push(format!("also lost {} ({})", keys(unexpected), cases.join("; ")));
    }
    if !kept.is_empty() {
        why.push(format!("kept full marks in {}", keys(kept)));
    }
    why.join("; ")
}

/// What a problem's solutions lack to calibrate its bands, one sentence each.
pub fn shortfalls(calibration: &Calibration) -> Vec<String> {
    calibration
        .missing
        .iter()
        .map(|shortfall| match shortfall {
            Shortfall::KnownBad(n) => format!("{n} known-bad solutions, fewer than {MIN_KNOWN_BAD}"),
            Shortfall::Band(band) => format!("no solution declares {}", band.title()),
            Shortfall::LowBand => "no solution declares Lean no or No hire".to_owned(),
        })
        .collect()
}

fn keys(areas: &[Area]) -> String {
    areas.iter().map(|a| a.key()).collect::<Vec<_>>().join(", ")
}

/// `verify --format json`: the verification with its marks, mismatches and shortfalls as sentences.
pub fn view(verification: &Verification) -> impl Serialize + '_ {
    VerificationView {
        rows: verification.rows.iter().map(RowView::of).collect(),
        budgets: &verification.budgets,
        calibration: verification.calibration.iter().map(CalibrationView::of).collect(),
        coverage: &verification.coverage,
        bands: &verification.bands,
    }
}

#[derive(Serialize)]
struct VerificationView<'a> {
    rows: Vec<RowView<'a>>,
    budgets: &'a [BudgetWindow],
    calibration: Vec<CalibrationView<'a>>,
    coverage: &'a [harness_engine::coverage::Coverage],
    bands: &'a [(Band, usize)],
}

#[derive(Serialize)]
struct RowView<'a> {
    problem: &'a str,
    solution: &'a str,
    expected: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    expected_band: Option<Band>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bug: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    why: Option<&'a str>,
    got: String,
    total: f64,
    band: Band,
    #[serde(skip_serializing_if = "Option::is_none")]
    cap: Option<&'a Cap>,
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    mismatch: Option<String>,
    measurements: &'a [Measurement],
}

impl<'a> RowView<'a> {
    fn of(row: &'a Row) -> RowView<'a> {
        RowView {
            problem: &row.problem,
            solution: &row.solution,
            expected: expected(row),
            expected_band: row.expected_band,
            bug: row.bug.as_deref(),
            why: row.why.as_deref(),
            got: got(row),
            total: row.total,
            band: row.band,
            cap: row.cap.as_ref(),
            ok: row.ok,
            mismatch: row.mismatch.is_some().then(|| mismatch(row)),
            measurements: &row.measurements,
        }
    }
}

#[derive(Serialize)]
struct CalibrationView<'a> {
    problem: &'a str,
    declared: &'a [(Band, usize)],
    known_bad: usize,
    missing: Vec<String>,
}

impl<'a> CalibrationView<'a> {
    fn of(calibration: &'a Calibration) -> CalibrationView<'a> {
        CalibrationView {
            problem: &calibration.problem,
            declared: &calibration.declared,
            known_bad: calibration.known_bad,
            missing: shortfalls(calibration),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use harness_engine::trial::Failure;
    use harness_engine::trial::Outcome;
    use harness_engine::verify::Lost;
    use harness_protocol::FailureReport;

    fn row(mismatch: Mismatch) -> Row {
        Row {
            problem: "p".to_owned(),
            solution: "slow".to_owned(),
            expected: Marks::Loses(vec![Area::Performance]),
            expected_band: Some(Band::Hire),
            bug: Some("quadratic".to_owned()),
            why: Some("works but slow".to_owned()),
            got: Marks::Loses(vec![Area::Correctness, Area::Performance]),
            total: 61.0,
            band: Band::LeanNo,
            cap: None,
            ok: false,
            mismatch: Some(mismatch),
            measurements: Vec::new(),
            loses_performance: true,
            known_bad: true,
        }
    }

    #[test]
    fn a_row_that_lost_an_unexpected_area_names_the_cases_and_their_evidence() {
        let lost = Lost {
            case: "ties".to_owned(),
            outcome: Outcome::Fail,
            evidence: LostBy::Failure(Failure::Reported(FailureReport {
                message: "wrong order\nmore".to_owned(),
                ..FailureReport::default()
            })),
        };
        let row = row(Mismatch::Areas { unexpected: vec![Area::Correctness], cases: vec![lost], kept: vec![] });
        assert_eq!(expected(&row), "loses performance");
        assert_eq!(got(&row), "loses correctness, performance");
        assert_eq!(mismatch(&row), "also lost correctness (ties failed: wrong order)");
        let text = serde_json::to_string(&view(&Verification {
            rows: vec![row],
            budgets: Vec::new(),
            calibration: Vec::new(),
            coverage: Vec::new(),
            bands: Vec::new(),
        }))
        .unwrap();
        // The keys in the order the JSON always had them (a typed row must not reorder the report).
        let order = ["problem", "solution", "expected", "expected_band", "bug", "why", "got", "total", "band", "ok"];
        let at: Vec<usize> = order
            .iter()
            .chain(&["mismatch", "measurements"])
            .map(|k| text.find(&format!("\"{k}\":")).unwrap())
            .collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{text}");
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(json["rows"][0]["got"], "loses correctness, performance");
    }

    #[test]
    fn a_band_mismatch_and_a_short_calibration_read_as_sentences() {
        let row = row(Mismatch::Band { got: Band::LeanNo, total: 61.04, declared: Band::Hire });
        assert_eq!(mismatch(&row), "graded Lean no at 61.0, declared Hire");
        let calibration = Calibration {
            problem: "p".to_owned(),
            declared: Vec::new(),
            known_bad: 2,
            missing: vec![Shortfall::KnownBad(2), Shortfall::Band(Band::Hire), Shortfall::LowBand],
        };
        assert_eq!(
            shortfalls(&calibration),
            [
                "2 known-bad solutions, fewer than 3",
                "no solution declares Hire",
                "no solution declares Lean no or No hire"
            ]
        );
    }
}
