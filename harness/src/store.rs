//! A batch's report folder, the binary's [`Store`]: each candidate's report JSON (`OUT/<candidate>.json`, the same
//! document `grade --format json` prints) with the fingerprint of its inputs beside it (`OUT/<candidate>.inputs`),
//! both written atomically; a failure file in place of a report when the harness failed on a candidate; and the
//! folders read back as leaderboard entries (a resumed batch, `merge-reports`).

use crate::report::json;
use crate::report::model::Report;
use harness_engine::batch::Store;
use harness_engine::error::{Error, Result};
use harness_engine::grade::Grade;
use harness_engine::leaderboard::{AreaPoints, Entry, STEM};
use harness_engine::problem::Stage;
use harness_engine::rubric::{Area, Band};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The `schema` of the file written in place of a report when grading a candidate failed inside the harness.
pub const FAILURE_SCHEMA: &str = "harness-batch-failure/1";

/// The report folder of one batch.
#[derive(Debug)]
pub struct ReportFolder {
    dir: PathBuf,
    /// The problem's stages, which a report lists its cases under.
    stages: Vec<Stage>,
}

impl ReportFolder {
    /// The folder `dir` (created when missing) for reports of a problem with these stages.
    pub fn create(dir: &Path, stages: &[Stage]) -> Result<ReportFolder> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io("create the folder", dir, e))?;
        Ok(ReportFolder { dir: dir.to_owned(), stages: stages.to_vec() })
    }
}

impl Store for ReportFolder {
    fn location(&self) -> &Path {
        &self.dir
    }

    fn resume(&self, candidate: &str, fingerprint: &str) -> Option<Entry> {
        let stored = std::fs::read_to_string(inputs_path(&self.dir, candidate)).ok()?;
        if stored != fingerprint {
            return None;
        }
        let report = std::fs::read_to_string(report_path(&self.dir, candidate)).ok()?;
        parse(candidate, &report).ok().filter(|e| !e.failed())
    }

    fn forget(&self, candidate: &str) -> Result<()> {
        let inputs = inputs_path(&self.dir, candidate);
        match std::fs::remove_file(&inputs) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::io("remove", inputs, e)),
            _ => Ok(()),
        }
    }

    fn keep(&self, candidate: &str, grade: &Grade, fingerprint: &str) -> Result<Entry> {
        let report = Report::new(grade, &self.stages, false);
        write_atomic(&report_path(&self.dir, candidate), &json::render(&report))?;
        write_atomic(&inputs_path(&self.dir, candidate), fingerprint)?;
        Ok(entry(candidate, &report))
    }

    fn keep_failure(&self, candidate: &str, problem: &str, error: &str) -> Result<Entry> {
        let failure = FailureFile::new(problem, candidate, error);
        write_atomic(&report_path(&self.dir, candidate), &json::render(&failure))?;
        Ok(Entry::failure(candidate, problem, error.to_owned()))
    }
}

/// The leaderboard row of a candidate's report.
pub fn entry(candidate: &str, report: &Report) -> Entry {
    Entry {
        rank: 0,
        candidate: candidate.to_owned(),
        problem: report.problem.clone(),
        total: report.scorecard.total,
        band: Some(report.scorecard.band),
        verdict: report.verdict.kind().to_owned(),
        areas: areas(|area| report.scorecard.areas.iter().find(|a| a.area == area).map(|a| (a.points, a.max))),
        build_secs: report.timings.build_secs,
        message: report.message.as_deref().map(first_line),
    }
}

/// A row's points per area in [`Area::ALL`] order, from `found` (points and maximum of an area the report has).
fn areas(found: impl Fn(Area) -> Option<(f64, u32)>) -> Vec<AreaPoints> {
    Area::ALL
        .iter()
        .map(|&area| {
            let (points, max) = found(area).unwrap_or((0.0, 0));
            AreaPoints { area, points, max }
        })
        .collect()
}

/// A message's first line, for a row.
fn first_line(message: &str) -> String {
    message.lines().next().unwrap_or_default().to_owned()
}

/// The report file of `candidate` in `out`.
pub fn report_path(out: &Path, candidate: &str) -> PathBuf {
    out.join(format!("{candidate}.json"))
}

/// The fingerprint file next to a report: what the report was graded from.
pub fn inputs_path(out: &Path, candidate: &str) -> PathBuf {
    out.join(format!("{candidate}.inputs"))
}

/// Writes `text` to a temp file beside `path`, then renames it over `path`: a reader (or an interrupted batch) sees
/// the old file or the new one, never half of one.
pub fn write_atomic(path: &Path, text: &str) -> Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut file = tempfile::Builder::new()
        .prefix(".tmp-")
        .tempfile_in(dir)
        .map_err(|e| Error::io("create a temp file in", dir, e))?;
    std::io::Write::write_all(&mut file, text.as_bytes()).map_err(|e| Error::io("write", file.path().to_owned(), e))?;
    file.persist(path).map_err(|e| Error::io("write", path, e.error))?;
    Ok(())
}

/// Reads a report (`grade --format json`) or a failure file as a row; `candidate` is the file's stem.
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
            areas: areas(|area| report.scorecard.areas.iter().find(|a| a.area == area).map(|a| (a.points, a.max))),
            build_secs: report.timings.build_secs,
            message: report.message.as_deref().map(first_line),
        },
        File::Failure(failure) => Entry::failure(candidate, &failure.problem, failure.error),
    };
    Ok(entry)
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
        let entry = parse(stem, &text)
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

    #[test]
    fn an_atomic_write_replaces_the_file_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("alice.json");
        write_atomic(&path, "old").unwrap();
        write_atomic(&path, "new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_report_and_a_failure_file_both_become_entries() {
        let report = r#"{"schema": "harness-report/1", "problem": "p", "message": "does not compile:\nerror[E0308]",
            "verdict": {"kind": "compile_error", "diagnostics": "…"}, "timings": {"build_secs": 1.5},
            "scorecard": {"total": 12.5, "band": "no_hire",
                          "areas": [{"area": "quality", "points": 12.5, "max": 20}]}}"#;
        let entry = parse("alice", report).unwrap();
        assert_eq!((entry.verdict.as_str(), entry.total, entry.band), ("compile_error", 12.5, Some(Band::NoHire)));
        assert_eq!((entry.points(Area::Quality), entry.points(Area::Correctness)), (12.5, 0.0));
        assert_eq!(entry.message.as_deref(), Some("does not compile:"));
        let failure = serde_json::to_string(&FailureFile::new("p", "bob", "failed to run cargo")).unwrap();
        let entry = parse("bob", &failure).unwrap();
        assert!(entry.failed() && entry.band.is_none(), "{entry:?}");
        assert!(parse("x", r#"{"schema": "something-else/1"}"#).is_err());
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
