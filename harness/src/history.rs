//! The practice history: every graded practice attempt, kept as JSON in the user's data dir (`HARNESS_DATA_DIR`
//! overrides it), and the progress per problem (best, latest, trend) computed from it.

use harness_engine::error::{Error, Result};
use harness_engine::rubric::{AreaPoints, Band};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The `schema` field of the history file.
pub const SCHEMA: &str = "harness-history/1";
const FILE: &str = "history.json";

/// One graded practice attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attempt {
    pub problem: String,
    /// The attempt's folder.
    pub candidate: String,
    pub started_unix: u64,
    pub graded_unix: u64,
    /// From `harness practice` to this grade.
    pub secs_spent: u64,
    pub time_box_minutes: u32,
    /// `graded`, or why the candidate was not built.
    pub verdict: String,
    pub total: f64,
    pub band: Band,
    pub areas: Vec<AreaPoints>,
}

/// Every attempt, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct History {
    pub schema: String,
    pub attempts: Vec<Attempt>,
}

impl Default for History {
    fn default() -> Self {
        History { schema: SCHEMA.to_owned(), attempts: Vec::new() }
    }
}

/// One problem's progress.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Progress {
    pub problem: String,
    pub attempts: usize,
    pub best: f64,
    pub latest: f64,
    /// Latest minus the attempt before it (none after one attempt).
    pub trend: Option<f64>,
    /// Totals, oldest first.
    pub totals: Vec<f64>,
}

/// Where the history is kept: `$HARNESS_DATA_DIR/history.json`, else the user's data dir (e.g.
/// `~/.local/share/harness/history.json`).
pub fn path() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os("HARNESS_DATA_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir).join(FILE));
    }
    directories::ProjectDirs::from("", "", "harness")
        .map(|dirs| dirs.data_dir().join(FILE))
        .ok_or_else(|| Error::Usage("failed to find the user's data dir: set HARNESS_DATA_DIR".to_owned()))
}

impl History {
    /// Reads the history at `path`; a missing file is an empty history.
    pub fn load(path: &Path) -> Result<History> {
        match std::fs::read_to_string(path) {
            Ok(text) => serde_json::from_str(&text)
                .map_err(|e| Error::Harness(format!("failed to read the history {}: {e}", path.display()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(History::default()),
            Err(e) => Err(Error::io("read the history", path, e)),
        }
    }

    /// Writes the history to `path` (through a temp file, so a crash never leaves half a file).
    pub fn save(&self, path: &Path) -> Result<()> {
        let dir = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|e| Error::io("create the folder", dir, e))?;
        let mut text = serde_json::to_string_pretty(self)
            .map_err(|e| Error::Harness(format!("failed to save the history: {e}")))?;
        text.push('\n');
        let temp = path.with_extension("json.tmp");
        std::fs::write(&temp, text).map_err(|e| Error::io("write the history", &temp, e))?;
        std::fs::rename(&temp, path).map_err(|e| Error::io("write the history", path, e))
    }

    /// The attempts at `problem` (all when none), oldest first.
    pub fn attempts(&self, problem: Option<&str>) -> Vec<&Attempt> {
        self.attempts.iter().filter(|a| problem.is_none_or(|p| a.problem == p)).collect()
    }

    /// Progress per problem (of `problem` only when given), by problem name.
    pub fn progress(&self, problem: Option<&str>) -> Vec<Progress> {
        let mut names: Vec<&str> = self.attempts(problem).iter().map(|a| a.problem.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        names
            .into_iter()
            .map(|name| {
                let totals: Vec<f64> = self.attempts(Some(name)).iter().map(|a| a.total).collect();
                let latest = totals.last().copied().unwrap_or_default();
                Progress {
                    problem: name.to_owned(),
                    attempts: totals.len(),
                    best: totals.iter().copied().fold(0.0, f64::max),
                    latest,
                    trend: (totals.len() > 1).then(|| round1(latest - totals[totals.len() - 2])),
                    totals,
                }
            })
            .collect()
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn attempt(problem: &str, total: f64) -> Attempt {
        Attempt {
            problem: problem.into(),
            candidate: "c".into(),
            started_unix: 0,
            graded_unix: 600,
            secs_spent: 600,
            time_box_minutes: 40,
            verdict: "graded".into(),
            total,
            band: Band::of(total),
            areas: Vec::new(),
        }
    }

    #[test]
    fn progress_gives_each_problem_its_best_latest_and_trend() {
        let history = History {
            attempts: vec![attempt("b", 40.0), attempt("a", 90.0), attempt("b", 75.5), attempt("b", 60.0)],
            ..History::default()
        };
        let progress = history.progress(None);
        assert_eq!(progress.iter().map(|p| p.problem.as_str()).collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!((progress[0].attempts, progress[0].trend), (1, None));
        let b = &progress[1];
        assert_eq!((b.attempts, b.best, b.latest, b.trend), (3, 75.5, 60.0, Some(-15.5)));
        assert_eq!(history.progress(Some("a")).len(), 1);
        assert_eq!(history.attempts(Some("b")).len(), 3);
    }

    #[test]
    fn a_history_survives_a_save_and_a_missing_file_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("deeper").join(FILE);
        assert_eq!(History::load(&path).unwrap(), History::default());
        let history = History { attempts: vec![attempt("a", 12.5)], ..History::default() };
        history.save(&path).unwrap();
        assert_eq!(History::load(&path).unwrap(), history);
        std::fs::write(&path, "{not json").unwrap();
        assert!(History::load(&path).unwrap_err().to_string().starts_with("failed to read the history"));
    }
}
