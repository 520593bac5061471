//! `harness verify`: every bundled solution must get the verdict it declares. The reference scores 100 in every
//! area; each known-bad solution loses points in exactly the areas its `expected.toml` names.

use crate::error::{Error, ProblemError, Result};
use crate::grade::{self, Grade, Options};
use crate::layout::Layout;
use crate::problem::Problem;
use crate::rubric::Area;
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
}

/// Every row, and whether all matched.
#[derive(Debug, Clone, Serialize)]
pub struct Verification {
    pub rows: Vec<Row>,
}

impl Verification {
    pub fn ok(&self) -> bool {
        self.rows.iter().all(|r| r.ok)
    }
}

/// Verifies the given problems' solutions; `progress` is told about each row as it is finished.
pub fn verify(
    layout: &Layout,
    problems: &[Problem],
    options: Options,
    mut progress: impl FnMut(&Row),
) -> Result<Verification> {
    let mut rows = Vec::new();
    for problem in problems {
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
    }
    Ok(Verification { rows })
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
    }
}

fn keys(areas: &[Area]) -> String {
    areas.iter().map(|a| a.key()).collect::<Vec<_>>().join(", ")
}
