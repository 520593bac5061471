//! `harness verify`: every bundled solution must get the verdict it declares in its `expected.toml`: the band a
//! fair staff-level interviewer gives it, and the areas it loses (the reference: full marks, none). Each problem's
//! untouched starter scores 0, and its solutions span the bands (Strong hire, Hire, and Lean no or No hire).

use crate::coverage::Coverage;
use crate::error::{Error, ProblemError, Result};
use crate::grade::{self, Grade, Options, Verdict};
use crate::layout::Layout;
use crate::meter::Unit;
use crate::problem::Problem;
use crate::rubric::{Area, Band, Cap};
use crate::scaling::Growth;
use crate::trial::{Failure, Outcome};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// A bundled solution's `expected.toml`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expectation {
    /// What is wrong with it, in one line (known-bad solutions; the reference has none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bug: Option<String>,
    /// The areas it must lose points in; every other area keeps full marks (none for the reference).
    #[serde(default)]
    pub lose: Vec<Area>,
    /// The band a fair staff-level interviewer would give this code.
    pub band: Band,
    /// Why that band, in one line.
    pub why: String,
}

/// One solution's check (or a problem's starter's); reporters phrase its marks and mismatch.
#[derive(Debug, Clone)]
pub struct Row {
    pub problem: String,
    pub solution: String,
    /// What the solution declares (full marks for the reference, 0 points for the starter).
    pub expected: Marks,
    /// The band it declares (none for the starter).
    pub expected_band: Option<Band>,
    /// The known bug, as its `expected.toml` describes it.
    pub bug: Option<String>,
    /// Why the band, as its `expected.toml` says.
    pub why: Option<String>,
    /// What grading found: areas that lost points, or the verdict if it did not build.
    pub got: Marks,
    pub total: f64,
    /// The band the grade got (after caps).
    pub band: Band,
    /// The cap that decided the band, if one did.
    pub cap: Option<Cap>,
    pub ok: bool,
    /// Why it does not match.
    pub mismatch: Option<Mismatch>,
    /// What its scaling cases measured.
    pub measurements: Vec<Measurement>,
    /// Whether it is declared to lose the performance area (it is then a "too slow" solution for the budgets).
    pub loses_performance: bool,
    /// Whether this row is a known-bad solution (not the reference, not the starter).
    pub known_bad: bool,
}

/// What a solution declares, or what its grade found.
#[derive(Debug, Clone)]
pub enum Marks {
    /// Every area at full marks.
    Full,
    /// Points lost in these areas (and only these).
    Loses(Vec<Area>),
    /// A total in points (the starter's).
    Points(f64),
    /// It did not build.
    NotBuilt(Verdict),
    /// Unknown: its `expected.toml` could not be read, so it was not graded.
    Unknown,
}

/// Why a row does not match what its solution declares.
#[derive(Debug, Clone)]
pub enum Mismatch {
    /// It did not build (the starter must build too).
    NotBuilt(Verdict),
    /// The starter earned points, in these cases.
    StarterEarned { total: f64, cases: Vec<String> },
    /// No case scores in an area the rubric gives points.
    EmptyArea { area: Area, max: u32 },
    /// It lost areas it should keep (`unexpected`, with the cases that lost them) or kept areas it should lose.
    Areas { unexpected: Vec<Area>, cases: Vec<Lost>, kept: Vec<Area> },
    /// It was graded in another band than it declares.
    Band { got: Band, total: f64, declared: Band },
    /// Its `expected.toml` cannot be read (the error).
    Unreadable(String),
}

/// A case that lost points in an area it should not have.
#[derive(Debug, Clone)]
pub struct Lost {
    pub case: String,
    pub outcome: Outcome,
    pub evidence: LostBy,
}

/// What a lost case shows.
#[derive(Debug, Clone)]
pub enum LostBy {
    /// Its failure (reporters show its first line).
    Failure(Failure),
    /// Its measured growth and cost ratio to the reference.
    Scaling {
        growth: Growth,
        ratio: f64,
    },
    Nothing,
}

/// One scaling case of one solution: growth, slopes, and its cost ratio to the reference at the largest size.
#[derive(Debug, Clone, Serialize)]
pub struct Measurement {
    pub case: String,
    pub unit: Unit,
    pub growth: Growth,
    pub candidate_slope: Option<f64>,
    pub reference_slope: Option<f64>,
    pub size: u64,
    pub ratio: f64,
    /// The share of the case's weight earned.
    pub score: f64,
}

/// A scaling case's speed budget checked against the bank's solutions, as Kattis derives time limits: it must be
/// at least twice the slowest accepted solution's cost and at most the fastest too-slow one's ÷ 1.5.
#[derive(Debug, Clone, Serialize)]
pub struct BudgetWindow {
    pub problem: String,
    pub case: String,
    pub unit: Unit,
    /// The accepted solution (its performance is declared fine) with the largest cost ratio to the reference.
    pub slowest_accepted: Option<(String, f64)>,
    /// The too-slow solution (declared to lose performance, and losing it in this case) with the smallest ratio.
    pub fastest_too_slow: Option<(String, f64)>,
    /// The window: `low = slowest accepted × 2`, `high = fastest too slow ÷ 1.5` (no bound without such a solution).
    pub low: f64,
    pub high: Option<f64>,
    /// `speed_ratio` from problem.toml: full speed credit up to this multiple of the reference.
    pub budget: f64,
    pub ok: bool,
}

/// Known-bad solutions a problem must have at least.
pub const MIN_KNOWN_BAD: usize = 3;

/// Whether a problem's bundled solutions calibrate its bands: at least [`MIN_KNOWN_BAD`] known-bad solutions, and a
/// solution declared in each of Strong hire, Hire, and Lean no or No hire.
#[derive(Debug, Clone)]
pub struct Calibration {
    pub problem: String,
    /// How many solutions declare each band, best band first (the reference included).
    pub declared: Vec<(Band, usize)>,
    pub known_bad: usize,
    /// What the set lacks, empty when calibrated.
    pub missing: Vec<Shortfall>,
}

/// What a problem's bundled solutions lack to calibrate its bands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shortfall {
    /// Fewer than [`MIN_KNOWN_BAD`] known-bad solutions (this many).
    KnownBad(usize),
    /// No solution declares this band (Strong hire or Hire).
    Band(Band),
    /// No solution declares Lean no or No hire.
    LowBand,
}

/// Every row, and whether all matched.
#[derive(Debug, Clone)]
pub struct Verification {
    pub rows: Vec<Row>,
    pub budgets: Vec<BudgetWindow>,
    pub calibration: Vec<Calibration>,
    /// Each problem's spec rules and the hidden cases that check them (from the reference's grade).
    pub coverage: Vec<Coverage>,
    /// How many known-bad solutions were graded in each band, best band first.
    pub bands: Vec<(Band, usize)>,
}

impl Verification {
    pub fn ok(&self) -> bool {
        self.rows.iter().all(|r| r.ok)
            && self.budgets.iter().all(|b| b.ok)
            && self.calibration.iter().all(|c| c.missing.is_empty())
            && self.coverage.iter().all(Coverage::complete)
    }
}

/// How many of `bands` fall in each band, best first.
fn counts(bands: impl Iterator<Item = Band> + Clone) -> Vec<(Band, usize)> {
    Band::ALL.iter().map(|&band| (band, bands.clone().filter(|b| *b == band).count())).collect()
}

/// Whether `problem`'s rows calibrate its bands.
fn calibration(problem: &Problem, rows: &[Row]) -> Calibration {
    let declared = counts(rows.iter().filter_map(|r| r.expected_band));
    let has = |band: Band| declared.iter().any(|&(b, n)| b == band && n > 0);
    let known_bad = rows.iter().filter(|r| r.known_bad).count();
    let mut missing = Vec::new();
    if known_bad < MIN_KNOWN_BAD {
        missing.push(Shortfall::KnownBad(known_bad));
    }
    for band in [Band::StrongHire, Band::Hire] {
        if !has(band) {
            missing.push(Shortfall::Band(band));
        }
    }
    if !has(Band::LeanNo) && !has(Band::NoHire) {
        missing.push(Shortfall::LowBand);
    }
    Calibration { problem: problem.slug.clone(), declared, known_bad, missing }
}

/// The budget windows of one problem's scaling cases from its rows.
pub fn budget_windows(problem: &Problem, rows: &[Row]) -> Vec<BudgetWindow> {
    let mut cases: Vec<(&str, Unit)> = Vec::new();
    for m in rows.iter().flat_map(|r| &r.measurements) {
        if !cases.iter().any(|(c, _)| *c == m.case) {
            cases.push((&m.case, m.unit));
        }
    }
    // Ratios are compared at two decimals: hash-seeded containers move instruction counts in the fourth.
    let round = |x: f64| (x * 100.0).round() / 100.0;
    cases
        .into_iter()
        .map(|(case, unit)| {
            let measured: Vec<(&Row, &Measurement)> = rows
                .iter()
                .filter_map(|row| row.measurements.iter().find(|m| m.case == case).map(|m| (row, m)))
                .collect();
            let slowest_accepted = measured
                .iter()
                .filter(|(row, _)| !row.loses_performance)
                .max_by(|a, b| a.1.ratio.total_cmp(&b.1.ratio))
                .map(|(row, m)| (row.solution.clone(), round(m.ratio)));
            let fastest_too_slow = measured
                .iter()
                .filter(|(row, m)| row.loses_performance && m.score < 1.0)
                .min_by(|a, b| a.1.ratio.total_cmp(&b.1.ratio))
                .map(|(row, m)| (row.solution.clone(), round(m.ratio)));
            let low = round(slowest_accepted.as_ref().map_or(1.0, |s| s.1) * 2.0);
            let high = fastest_too_slow.as_ref().map(|s| round(s.1 / 1.5));
            let budget = problem.manifest.budget.speed_ratio;
            let ok = budget >= low && high.is_none_or(|h| budget <= h);
            BudgetWindow {
                problem: problem.slug.clone(),
                case: case.to_owned(),
                unit,
                slowest_accepted,
                fastest_too_slow,
                low,
                high,
                budget,
                ok,
            }
        })
        .collect()
}

/// Verifies the given problems' solutions and starters; `progress` is told about each row as it is finished.
pub fn verify(
    layout: &Layout,
    problems: &[Problem],
    options: Options,
    mut progress: impl FnMut(&Row),
) -> Result<Verification> {
    let mut rows = Vec::new();
    let mut budgets = Vec::new();
    let mut calibrations = Vec::new();
    let mut coverage = Vec::new();
    for problem in problems {
        let first = rows.len();
        let spec =
            std::fs::read_to_string(problem.spec_path()).map_err(|e| Error::io("read", problem.spec_path(), e))?;
        for (name, dir) in solutions(layout, problem)? {
            // A broken expected.toml is that solution's mismatch; the other solutions are still checked.
            let expectation = match read_expectation(&dir, name == "reference") {
                Ok(expectation) => expectation,
                Err(error) => {
                    let row = broken(problem, &name, &error);
                    progress(&row);
                    rows.push(row);
                    continue;
                }
            };
            let grade = grade::grade(layout, problem, &dir, options)?;
            if name == "reference" && grade.verdict.built() {
                let cases: Vec<_> = grade.cases.iter().map(|c| c.meta.clone()).collect();
                coverage.push(crate::coverage::of(problem, &spec, &cases));
            }
            let row = check(problem, &name, &expectation, &grade);
            progress(&row);
            rows.push(row);
        }
        let grade = grade::grade(layout, problem, &problem.starter_dir(), options)?;
        let row = check_starter(problem, &grade);
        progress(&row);
        rows.push(row);
        budgets.extend(budget_windows(problem, &rows[first..]));
        calibrations.push(calibration(problem, &rows[first..]));
    }
    let bands = counts(rows.iter().filter(|r| r.known_bad).map(|r| r.band));
    Ok(Verification { rows, budgets, calibration: calibrations, coverage, bands })
}

/// The starter's row: it must build and score 0 (its bodies are `todo!()`, so nothing it does earns points).
fn check_starter(problem: &Problem, grade: &Grade) -> Row {
    let mismatch = if !grade.verdict.built() {
        Some(Mismatch::NotBuilt(grade.verdict.clone()))
    } else if grade.scorecard.total > 0.0 {
        let cases = grade.cases.iter().filter(|c| c.score > 0.0).map(|c| c.meta.name.clone()).collect();
        Some(Mismatch::StarterEarned { total: grade.scorecard.total, cases })
    } else {
        None
    };
    Row {
        problem: problem.slug.clone(),
        solution: "starter".to_owned(),
        expected: Marks::Points(0.0),
        expected_band: None,
        bug: None,
        why: None,
        got: if grade.verdict.built() {
            Marks::Points(grade.scorecard.total)
        } else {
            Marks::NotBuilt(grade.verdict.clone())
        },
        total: grade.scorecard.total,
        band: grade.scorecard.band,
        cap: None,
        ok: mismatch.is_none(),
        mismatch,
        measurements: Vec::new(),
        loses_performance: false,
        known_bad: false,
    }
}

/// The solution folders of a problem, the reference first; it is an error for the reference to be missing.
fn solutions(layout: &Layout, problem: &Problem) -> Result<Vec<(String, std::path::PathBuf)>> {
    let dir = layout.solutions_dir(&problem.slug);
    let entries = std::fs::read_dir(&dir).map_err(|e| Error::io("read", &dir, e))?;
    let mut names: Vec<String> = entries
        .filter_map(std::result::Result::ok)
        .filter(|e| e.path().is_dir())
        .filter_map(|e| e.file_name().to_str().map(str::to_owned))
        .collect();
    names.sort_by_key(|n| (n != "reference", n.clone()));
    if names.first().map(String::as_str) != Some("reference") {
        return Err(ProblemError::new(dir, None, "there is no reference solution").into());
    }
    Ok(names.into_iter().map(|n| (n.clone(), dir.join(n))).collect())
}

/// The row of a solution whose `expected.toml` cannot be read.
fn broken(problem: &Problem, solution: &str, error: &Error) -> Row {
    Row {
        problem: problem.slug.clone(),
        solution: solution.to_owned(),
        expected: Marks::Unknown,
        expected_band: None,
        bug: None,
        why: None,
        got: Marks::Unknown,
        total: 0.0,
        band: Band::NoHire,
        cap: None,
        ok: false,
        mismatch: Some(Mismatch::Unreadable(error.to_string())),
        measurements: Vec::new(),
        loses_performance: false,
        known_bad: solution != "reference",
    }
}

/// Reads `dir/expected.toml`: the reference declares no bug and loses nothing; a known-bad solution names its bug and
/// at least one area.
fn read_expectation(dir: &Path, reference: bool) -> Result<Expectation> {
    let path = dir.join("expected.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| ProblemError::new(&path, None, e.to_string()))?;
    let expectation: Expectation = toml::from_str(&text).map_err(|e| {
        let line = e.span().map(|s| text[..s.start].matches('\n').count() + 1);
        ProblemError::new(&path, line, e.message().trim())
    })?;
    let fail = |message: &str| Err(ProblemError::new(&path, None, message).into());
    if reference && (!expectation.lose.is_empty() || expectation.bug.is_some()) {
        return fail("the reference declares no `bug` and loses nothing (`lose` is empty)");
    }
    if !reference && expectation.lose.is_empty() {
        return fail("`lose` must name at least one area");
    }
    if !reference && expectation.bug.is_none() {
        return fail("`bug` must say what is wrong with the solution");
    }
    if expectation.why.trim().is_empty() {
        return fail("`why` must say why the band");
    }
    Ok(expectation)
}

/// Compares one grade with what the solution declares.
pub fn check(problem: &Problem, solution: &str, expectation: &Expectation, grade: &Grade) -> Row {
    let lost: Vec<Area> = grade.scorecard.areas.iter().filter(|a| !a.full()).map(|a| a.area).collect();
    let expected_lost = expectation.lose.clone();
    let mut want = expected_lost.clone();
    want.sort();
    let got = match (grade.verdict.built(), lost.is_empty()) {
        (false, _) => Marks::NotBuilt(grade.verdict.clone()),
        (true, true) => Marks::Full,
        (true, false) => Marks::Loses(lost.clone()),
    };
    let expected = if expectation.lose.is_empty() { Marks::Full } else { Marks::Loses(expectation.lose.clone()) };
    let band = grade.scorecard.band;
    let mismatch = mismatch(expectation, grade, &lost, &want);
    Row {
        problem: problem.slug.clone(),
        solution: solution.to_owned(),
        expected,
        expected_band: Some(expectation.band),
        bug: expectation.bug.clone(),
        why: Some(expectation.why.clone()),
        got,
        total: grade.scorecard.total,
        band,
        cap: grade.scorecard.binding_cap().cloned(),
        ok: mismatch.is_none(),
        mismatch,
        measurements: measurements(grade),
        loses_performance: expected_lost.contains(&Area::Performance),
        known_bad: solution != "reference",
    }
}

/// What differs between a grade and its expectation (`want`: the areas it should lose, sorted), if anything.
fn mismatch(expectation: &Expectation, grade: &Grade, lost: &[Area], want: &[Area]) -> Option<Mismatch> {
    let empty_area = grade
        .scorecard
        .areas
        .iter()
        .find(|a| a.area != Area::Quality && a.max > 0 && a.total_weight == 0 && grade.verdict.built());
    if !grade.verdict.built() {
        Some(Mismatch::NotBuilt(grade.verdict.clone()))
    } else if let Some(area) = empty_area {
        Some(Mismatch::EmptyArea { area: area.area, max: area.max })
    } else if lost != want {
        Some(areas_mismatch(grade, lost, want))
    } else if grade.scorecard.band != expectation.band {
        Some(Mismatch::Band { got: grade.scorecard.band, total: grade.scorecard.total, declared: expectation.band })
    } else {
        None
    }
}

/// The areas lost that should not be (with the cases that lost them) and those kept that should be lost.
fn areas_mismatch(grade: &Grade, lost: &[Area], want: &[Area]) -> Mismatch {
    let unexpected: Vec<Area> = lost.iter().filter(|a| !want.contains(a)).copied().collect();
    let kept: Vec<Area> = want.iter().filter(|a| !lost.contains(a)).copied().collect();
    // Name the cases, so a surprise (or a flaky verdict) can be traced without re-running.
    let cases = grade
        .cases
        .iter()
        .filter(|c| !c.outcome.passed() && unexpected.contains(&Area::of(c.meta.kind)))
        .map(|c| Lost {
            case: c.meta.name.clone(),
            outcome: c.outcome,
            evidence: match (&c.failure, &c.scaling) {
                (Some(f), _) => LostBy::Failure(f.clone()),
                (None, Some(s)) => LostBy::Scaling { growth: s.growth, ratio: s.ratio.unwrap_or(0.0) },
                (None, None) => LostBy::Nothing,
            },
        })
        .collect();
    Mismatch::Areas { unexpected, cases, kept }
}

/// Each measured scaling case's growth and cost ratio at its largest size.
fn measurements(grade: &Grade) -> Vec<Measurement> {
    grade
        .cases
        .iter()
        .filter_map(|c| {
            let s = c.scaling.as_ref()?;
            let largest = s.points.last()?;
            Some(Measurement {
                case: c.meta.name.clone(),
                unit: s.unit,
                growth: s.growth,
                candidate_slope: s.candidate_slope,
                reference_slope: s.reference_slope,
                size: largest.size,
                ratio: s.ratio.unwrap_or(f64::INFINITY),
                score: c.score,
            })
        })
        .collect()
}
