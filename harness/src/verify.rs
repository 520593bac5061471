//! `harness verify`: every bundled solution must get the verdict it declares. The reference scores 100 in every
//! area; each known-bad solution loses points in exactly the areas its `expected.toml` names.

use crate::error::{Error, ProblemError, Result};
use crate::grade::{self, Grade, Options};
use crate::layout::Layout;
use crate::meter::Unit;
use crate::problem::Problem;
use crate::rubric::Area;
use crate::scaling::Growth;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// A known-bad solution's `expected.toml`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expectation {
    /// What is wrong with it, in one line.
    pub bug: String,
    /// The areas it must lose points in; every other area keeps full marks.
    pub lose: Vec<Area>,
}

/// One solution's check.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub problem: String,
    pub solution: String,
    /// What the solution declares (`full marks` for the reference).
    pub expected: String,
    /// The known bug, as its `expected.toml` describes it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bug: Option<String>,
    /// What grading found: areas that lost points, or the verdict if it did not build.
    pub got: String,
    pub total: f64,
    pub ok: bool,
    /// Why it does not match.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mismatch: Option<String>,
    /// What its scaling cases measured.
    pub measurements: Vec<Measurement>,
    /// Whether it is declared to lose the performance area (it is then a "too slow" solution for the budgets).
    #[serde(skip)]
    pub loses_performance: bool,
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

/// Every row, and whether all matched.
#[derive(Debug, Clone, Serialize)]
pub struct Verification {
    pub rows: Vec<Row>,
    pub budgets: Vec<BudgetWindow>,
}

impl Verification {
    pub fn ok(&self) -> bool {
        self.rows.iter().all(|r| r.ok) && self.budgets.iter().all(|b| b.ok)
    }
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

/// Verifies the given problems' solutions; `progress` is told about each row as it is finished.
pub fn verify(
    layout: &Layout,
    problems: &[Problem],
    options: Options,
    mut progress: impl FnMut(&Row),
) -> Result<Verification> {
    let mut rows = Vec::new();
    let mut budgets = Vec::new();
    for problem in problems {
        let first = rows.len();
        for (name, dir) in solutions(layout, problem)? {
            // A broken expected.toml is that solution's mismatch; the other solutions are still checked.
            let expectation = if name == "reference" {
                None
            } else {
                match read_expectation(&dir) {
                    Ok(expectation) => Some(expectation),
                    Err(error) => {
                        let row = broken(problem, &name, &error);
                        progress(&row);
                        rows.push(row);
                        continue;
                    }
                }
            };
            let grade = grade::grade(layout, problem, &dir, options)?;
            let row = check(problem, &name, expectation.as_ref(), &grade);
            progress(&row);
            rows.push(row);
        }
        budgets.extend(budget_windows(problem, &rows[first..]));
    }
    Ok(Verification { rows, budgets })
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
        expected: "?".to_owned(),
        bug: None,
        got: "not graded".to_owned(),
        total: 0.0,
        ok: false,
        mismatch: Some(error.to_string()),
        measurements: Vec::new(),
        loses_performance: false,
    }
}

fn read_expectation(dir: &Path) -> Result<Expectation> {
    let path = dir.join("expected.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| ProblemError::new(&path, None, e.to_string()))?;
    let expectation: Expectation = toml::from_str(&text).map_err(|e| {
        let line = e.span().map(|s| text[..s.start].matches('\n').count() + 1);
        ProblemError::new(&path, line, e.message().trim())
    })?;
    if expectation.lose.is_empty() {
        return Err(ProblemError::new(&path, None, "`lose` must name at least one area").into());
    }
    Ok(expectation)
}

/// Compares one grade with what the solution declares.
pub fn check(problem: &Problem, solution: &str, expectation: Option<&Expectation>, grade: &Grade) -> Row {
    let lost: Vec<Area> = grade.scorecard.areas.iter().filter(|a| !a.full()).map(|a| a.area).collect();
    let expected_lost = expectation.map(|e| e.lose.clone()).unwrap_or_default();
    let mut want = expected_lost.clone();
    want.sort();
    let got = if grade.verdict.built() {
        if lost.is_empty() { "full marks".to_owned() } else { format!("loses {}", keys(&lost)) }
    } else {
        grade.verdict.title().to_owned()
    };
    let expected = match expectation {
        None => "full marks".to_owned(),
        Some(e) => format!("loses {}", keys(&e.lose)),
    };
    let empty_area = grade
        .scorecard
        .areas
        .iter()
        .find(|a| a.area != Area::Quality && a.max > 0 && a.total_weight == 0 && grade.verdict.built());
    let mismatch = if !grade.verdict.built() {
        Some(format!("expected it to build, got: {}", grade.verdict.title()))
    } else if let Some(area) = empty_area {
        Some(format!("no case scores in {} although the rubric gives it {} points", area.area.key(), area.max))
    } else if lost != want {
        let unexpected: Vec<Area> = lost.iter().filter(|a| !want.contains(a)).copied().collect();
        let kept: Vec<Area> = want.iter().filter(|a| !lost.contains(a)).copied().collect();
        let mut why = Vec::new();
        if !unexpected.is_empty() {
            // Name the cases, so a surprise (or a flaky verdict) can be traced without re-running.
            let cases: Vec<String> = grade
                .cases
                .iter()
                .filter(|c| !c.outcome.passed() && unexpected.contains(&Area::of(c.meta.kind)))
                .map(|c| {
                    let message = c.failure.as_ref().map_or("", |f| f.message.as_str());
                    format!("{} {}: {}", c.meta.name, c.outcome.label(), message.lines().next().unwrap_or(""))
                })
                .collect();
            why.push(format!("also lost {} ({})", keys(&unexpected), cases.join("; ")));
        }
        if !kept.is_empty() {
            why.push(format!("kept full marks in {}", keys(&kept)));
        }
        Some(why.join("; "))
    } else {
        None
    };
    Row {
        problem: problem.slug.clone(),
        solution: solution.to_owned(),
        expected,
        bug: expectation.map(|e| e.bug.clone()),
        got,
        total: grade.scorecard.total,
        ok: mismatch.is_none(),
        mismatch,
        measurements: grade
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
            .collect(),
        loses_performance: expected_lost.contains(&Area::Performance),
    }
}

fn keys(areas: &[Area]) -> String {
    areas.iter().map(|a| a.key()).collect::<Vec<_>>().join(", ")
}
