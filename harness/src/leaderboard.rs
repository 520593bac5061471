//! A batch's leaderboard: one entry per candidate read from its report JSON (`OUT/<candidate>.json`), sorted by total;
//! and `merge-reports`, which builds one leaderboard from several shards' report folders.

use crate::error::{Error, Result};
use crate::rubric::{Area, Band};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The `schema` of `leaderboard.json`.
pub const SCHEMA: &str = "harness-leaderboard/1";
/// The `schema` of the file written in place of a report when grading a candidate failed inside the harness.
pub const FAILURE_SCHEMA: &str = "harness-batch-failure/1";
/// The leaderboard's file names in an output folder (so no candidate may be called `leaderboard`).
pub const STEM: &str = "leaderboard";

/// One candidate's row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    /// 1-based place; equal totals share a place.
    pub rank: usize,
    /// The candidate's folder name (its report is `<candidate>.json`).
    pub candidate: String,
    pub problem: String,
    pub total: f64,
    /// None when the harness failed on this candidate.
    pub band: Option<Band>,
    /// `graded`, `compile_error`, `api_mismatch`, `rejected`, or `error` (the harness failed on this candidate).
    pub verdict: String,
    /// Points per rubric area, in [`Area::ALL`] order.
    pub areas: Vec<AreaPoints>,
    pub build_secs: f64,
    /// What went wrong, for a candidate that was not graded.
    pub message: Option<String>,
}

/// Points and maximum of one area.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AreaPoints {
    pub area: Area,
    pub points: f64,
    pub max: u32,
}

impl Entry {
    /// Whether the candidate was built and its cases ran.
    pub fn graded(&self) -> bool {
        self.verdict == "graded"
    }

    /// Whether the harness itself failed on this candidate (no report).
    pub fn failed(&self) -> bool {
        self.verdict == "error"
    }

    /// Reads a report (`grade --format json`) or a failure file; `candidate` is the file's stem.
    pub fn parse(candidate: &str, json: &str) -> std::result::Result<Entry, String> {
        let file: File = serde_json::from_str(json).map_err(|e| e.to_string())?;
        let entry = match file {
            File::Report(report) => Entry {
                rank: 0,
                candidate: candidate.to_owned(),
                problem: report.problem,
                total: report.scorecard.total,
                band: Some(report.scorecard.band),
                verdict: report.verdict.kind,
                areas: Area::ALL
                    .iter()
                    .map(|&area| {
                        let found = report.scorecard.areas.iter().find(|a| a.area == area);
                        AreaPoints { area, points: found.map_or(0.0, |a| a.points), max: found.map_or(0, |a| a.max) }
                    })
                    .collect(),
                build_secs: report.timings.build_secs,
                message: report.message.map(|m| m.lines().next().unwrap_or_default().to_owned()),
            },
            File::Failure(failure) => Entry::failure(candidate, &failure.problem, failure.error),
        };
        Ok(entry)
    }

    /// The row of a candidate the harness failed on.
    pub fn failure(candidate: &str, problem: &str, error: String) -> Entry {
        Entry {
            rank: 0,
            candidate: candidate.to_owned(),
            problem: problem.to_owned(),
            total: 0.0,
            band: None,
            verdict: "error".to_owned(),
            areas: Area::ALL.iter().map(|&area| AreaPoints { area, points: 0.0, max: 0 }).collect(),
            build_secs: 0.0,
            message: Some(error),
        }
    }

    pub fn points(&self, area: Area) -> f64 {
        self.areas.iter().find(|a| a.area == area).map_or(0.0, |a| a.points)
    }
}

/// What `OUT/<candidate>.json` holds: a report, or why there is none.
#[derive(Deserialize)]
#[serde(tag = "schema")]
enum File {
    #[serde(rename = "harness-report/1")]
    Report(ReportFile),
    #[serde(rename = "harness-batch-failure/1")]
    Failure(FailureFile),
}

/// The fields of a report the leaderboard reads.
#[derive(Deserialize)]
struct ReportFile {
    problem: String,
    message: Option<String>,
    verdict: VerdictFile,
    scorecard: ScorecardFile,
    timings: TimingsFile,
}

#[derive(Deserialize)]
struct VerdictFile {
    kind: String,
}

#[derive(Deserialize)]
struct ScorecardFile {
    areas: Vec<AreaFile>,
    total: f64,
    band: Band,
}

#[derive(Deserialize)]
struct AreaFile {
    area: Area,
    points: f64,
    max: u32,
}

#[derive(Deserialize)]
struct TimingsFile {
    build_secs: f64,
}

/// The file written in place of a report when the harness failed on a candidate.
#[derive(Debug, Serialize, Deserialize)]
pub struct FailureFile {
    /// [`FAILURE_SCHEMA`] (read as the tag of [`File`]).
    #[serde(skip_deserializing)]
    pub schema: String,
    pub problem: String,
    pub candidate: String,
    pub error: String,
}

impl FailureFile {
    pub fn new(problem: &str, candidate: &str, error: &str) -> FailureFile {
        FailureFile {
            schema: FAILURE_SCHEMA.to_owned(),
            problem: problem.to_owned(),
            candidate: candidate.to_owned(),
            error: error.to_owned(),
        }
    }
}

/// Every candidate's entry, best first.
#[derive(Debug, Clone, Serialize)]
pub struct Leaderboard {
    pub schema: &'static str,
    pub entries: Vec<Entry>,
}

impl Leaderboard {
    /// Sorts by total (highest first), then by candidate name, and numbers the places (equal totals share one).
    pub fn new(mut entries: Vec<Entry>) -> Leaderboard {
        entries.sort_by(|a, b| b.total.total_cmp(&a.total).then_with(|| a.candidate.cmp(&b.candidate)));
        for i in 0..entries.len() {
            entries[i].rank = if i > 0 && entries[i - 1].total.total_cmp(&entries[i].total).is_eq() {
                entries[i - 1].rank
            } else {
                i + 1
            };
        }
        Leaderboard { schema: SCHEMA, entries }
    }
}

/// A report found in a shard's output folder.
#[derive(Debug, Clone)]
pub struct Found {
    pub entry: Entry,
    pub path: PathBuf,
}

/// Reads every candidate report in `dir`: `*.json` except the leaderboard and dotfiles.
pub fn read_dir(dir: &Path) -> Result<Vec<Found>> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io("read", dir, e))?;
    let mut found = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| Error::io("read", dir, e))?.path();
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else { continue };
        if stem == STEM || stem.starts_with('.') || path.extension().is_none_or(|e| e != "json") || !path.is_file() {
            continue;
        }
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io("read", &path, e))?;
        let entry = Entry::parse(stem, &text)
            .map_err(|e| Error::Usage(format!("failed to read the report {}: {e}", path.display())))?;
        found.push(Found { entry, path });
    }
    found.sort_by(|a, b| a.entry.candidate.cmp(&b.entry.candidate));
    Ok(found)
}

/// The reports of several shard folders as one list; a candidate in two folders is an error naming it.
pub fn merge(dirs: &[PathBuf]) -> Result<Vec<Found>> {
    let mut all: Vec<Found> = Vec::new();
    for dir in dirs {
        for found in read_dir(dir)? {
            if let Some(other) = all.iter().find(|f| f.entry.candidate == found.entry.candidate) {
                return Err(Error::Usage(format!(
                    "failed to merge the reports: candidate `{}` is in both {} and {}",
                    found.entry.candidate,
                    other.path.display(),
                    found.path.display()
                )));
            }
            all.push(found);
        }
    }
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(candidate: &str, total: f64) -> Entry {
        let mut entry = Entry::failure(candidate, "p", String::new());
        entry.total = total;
        entry.verdict = "graded".into();
        entry
    }

    #[test]
    fn the_leaderboard_is_best_first_with_shared_places_for_equal_totals() {
        let board = Leaderboard::new(vec![entry("carol", 50.0), entry("bob", 90.0), entry("alice", 50.0)]);
        let rows: Vec<(usize, &str)> = board.entries.iter().map(|e| (e.rank, e.candidate.as_str())).collect();
        assert_eq!(rows, [(1, "bob"), (2, "alice"), (2, "carol")]);
    }

    #[test]
    fn a_report_and_a_failure_file_both_become_entries() {
        let report = r#"{"schema": "harness-report/1", "problem": "p", "message": "does not compile:\nerror[E0308]",
            "verdict": {"kind": "compile_error", "diagnostics": "…"}, "timings": {"build_secs": 1.5},
            "scorecard": {"total": 12.5, "band": "no_hire",
                          "areas": [{"area": "quality", "points": 12.5, "max": 20}]}}"#;
        let entry = Entry::parse("alice", report).unwrap();
        assert_eq!((entry.verdict.as_str(), entry.total, entry.band), ("compile_error", 12.5, Some(Band::NoHire)));
        assert_eq!((entry.points(Area::Quality), entry.points(Area::Correctness)), (12.5, 0.0));
        assert_eq!(entry.message.as_deref(), Some("does not compile:"));
        let failure = serde_json::to_string(&FailureFile::new("p", "bob", "failed to run cargo")).unwrap();
        let entry = Entry::parse("bob", &failure).unwrap();
        assert!(entry.failed() && entry.band.is_none(), "{entry:?}");
        assert!(Entry::parse("x", r#"{"schema": "something-else/1"}"#).is_err());
    }

    #[test]
    fn merging_two_folders_that_hold_the_same_candidate_names_it() {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let failure = serde_json::to_string(&FailureFile::new("p", "dup", "boom")).unwrap();
        for dir in [a.path(), b.path()] {
            std::fs::write(dir.join("dup.json"), &failure).unwrap();
        }
        std::fs::write(a.path().join("only-a.json"), &failure).unwrap();
        std::fs::write(a.path().join("leaderboard.json"), "not a report").unwrap();
        assert_eq!(merge(&[a.path().to_owned()]).unwrap().len(), 2, "the leaderboard file is not a report");
        let error = merge(&[a.path().to_owned(), b.path().to_owned()]).unwrap_err().to_string();
        assert!(error.contains("candidate `dup` is in both"), "{error}");
    }
}
