//! A batch's leaderboard: one entry per candidate (built from its grade, or read back from a stored result by the
//! binary), sorted by total, equal totals sharing a place.

use crate::rubric::{Area, Band};
use serde::Serialize;

/// The `schema` of `leaderboard.json`.
pub const SCHEMA: &str = "harness-leaderboard/1";
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
}
