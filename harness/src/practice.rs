//! `harness practice`: self-assessment. Picks a problem (by name, tag or difficulty, else at random), scaffolds its
//! starter with a marker that records the problem and when the clock started, and turns a graded attempt into a
//! history entry.

use crate::history::Attempt;
use harness_engine::clock::Clock;
use harness_engine::error::{Error, Result};
use harness_engine::grade::Grade;
use harness_engine::problem::{Difficulty, Problem};
use harness_engine::starter;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The file in an attempt's folder that remembers the problem and the start (grades copy only `src/` and `tests/`).
pub const MARKER: &str = ".harness-practice.json";

/// Which problems a practice run picks from.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// A tag, matched case-insensitively as a substring of any of the problem's tags.
    pub tag: Option<String>,
    pub difficulty: Option<Difficulty>,
}

/// The problems `filter` lets through, in bank order.
pub fn pool<'a>(problems: &'a [Problem], filter: &Filter) -> Vec<&'a Problem> {
    let tag = filter.tag.as_deref().map(str::to_lowercase);
    problems
        .iter()
        .filter(|p| filter.difficulty.is_none_or(|d| p.manifest.difficulty == d))
        .filter(|p| tag.as_deref().is_none_or(|t| p.manifest.tags.iter().any(|pt| pt.to_lowercase().contains(t))))
        .collect()
}

/// One problem of `pool`, chosen by `seed` (the same seed, the same choice).
pub fn pick<'a>(pool: &[&'a Problem], seed: u64) -> Option<&'a Problem> {
    if pool.is_empty() {
        return None;
    }
    // splitmix64: nearby seeds (consecutive seconds) land far apart.
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    Some(pool[(z % pool.len() as u64) as usize])
}

/// A practice attempt in progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Started {
    pub problem: String,
    pub started_unix: u64,
    pub time_box_minutes: u32,
}

/// Scaffolds `problem`'s starter into `dir` and starts the clock; returns the marker and the files written.
pub fn start(problem: &Problem, dir: &Path, clock: &dyn Clock) -> Result<(Started, Vec<PathBuf>)> {
    let files = starter::init(problem, dir)?;
    let started = Started {
        problem: problem.slug.clone(),
        started_unix: clock.unix_secs(),
        time_box_minutes: problem.manifest.time_box_minutes,
    };
    let path = dir.join(MARKER);
    let mut text = serde_json::to_string_pretty(&started)
        .map_err(|e| Error::Harness(format!("failed to write the practice marker: {e}")))?;
    text.push('\n');
    std::fs::write(&path, text).map_err(|e| Error::io("write", &path, e))?;
    Ok((started, files))
}

/// The attempt started in `dir`.
pub fn started(dir: &Path) -> Result<Started> {
    let path = dir.join(MARKER);
    let text = std::fs::read_to_string(&path).map_err(|_| {
        Error::Usage(format!(
            "failed to find a practice attempt in {}: start one with `harness practice [DIR]`",
            dir.display()
        ))
    })?;
    serde_json::from_str(&text).map_err(|e| Error::Usage(format!("failed to read {}: {e}", path.display())))
}

/// The history entry of a graded attempt, timed from its start to now.
pub fn attempt(started: &Started, grade: &Grade, clock: &dyn Clock) -> Attempt {
    let now = clock.unix_secs();
    Attempt {
        problem: started.problem.clone(),
        candidate: grade.candidate.clone(),
        started_unix: started.started_unix,
        graded_unix: now,
        secs_spent: now.saturating_sub(started.started_unix),
        time_box_minutes: started.time_box_minutes,
        verdict: crate::report::verdict::title(&grade.verdict).to_owned(),
        total: grade.scorecard.total,
        band: grade.scorecard.band,
        areas: grade.scorecard.points(),
    }
}

#[cfg(test)]
// Scores are rounded by the rubric, so comparing them exactly is what the tests mean.
#[allow(clippy::float_cmp)]
mod tests {
    use super::*;
    use harness_engine::clock::FakeClock;
    use harness_engine::fixtures::{grade, problem};
    use std::time::Duration;

    fn bank() -> Vec<Problem> {
        let mut easy = problem();
        easy.slug = "easy-one".into();
        easy.manifest.difficulty = Difficulty::Easy;
        easy.manifest.tags = vec!["Generators/streaming".into()];
        let mut hard = problem();
        hard.slug = "hard-one".into();
        hard.manifest.difficulty = Difficulty::Hard;
        vec![easy, problem(), hard]
    }

    #[test]
    fn a_filter_keeps_problems_of_the_difficulty_and_a_tag_matched_loosely() {
        let bank = bank();
        let slugs = |filter: Filter| pool(&bank, &filter).iter().map(|p| p.slug.clone()).collect::<Vec<_>>();
        assert_eq!(slugs(Filter { difficulty: Some(Difficulty::Hard), ..Filter::default() }), ["hard-one"]);
        assert_eq!(slugs(Filter { tag: Some("STREAM".into()), ..Filter::default() }), ["easy-one"]);
        assert_eq!(slugs(Filter::default()).len(), 3);
        assert!(slugs(Filter { tag: Some("graphs".into()), ..Filter::default() }).is_empty());
    }

    #[test]
    fn the_same_seed_picks_the_same_problem_and_seeds_spread_over_the_pool() {
        let bank = bank();
        let pool = pool(&bank, &Filter::default());
        assert_eq!(pick(&pool, 42).unwrap().slug, pick(&pool, 42).unwrap().slug);
        let picked: std::collections::HashSet<&str> =
            (0..30).map(|seed| pick(&pool, seed).unwrap().slug.as_str()).collect();
        assert_eq!(picked.len(), 3, "thirty consecutive seeds reach every problem");
        assert!(pick(&[], 1).is_none());
    }

    #[test]
    fn an_attempt_is_timed_from_its_start_and_keeps_the_rubric() {
        let clock = FakeClock::at(1_000);
        let started = Started { problem: "p".into(), started_unix: 1_000, time_box_minutes: 40 };
        clock.advance(Duration::from_secs(25 * 60));
        let attempt = attempt(&started, &grade(3), &clock);
        assert_eq!((attempt.secs_spent, attempt.graded_unix), (1_500, 2_500));
        assert_eq!(attempt.total, grade(3).scorecard.total);
        assert_eq!(attempt.areas.len(), 4);
    }

    #[test]
    fn a_started_attempt_is_found_again_in_its_folder() {
        let dir = tempfile::tempdir().unwrap();
        let missing = started(dir.path()).unwrap_err().to_string();
        assert!(missing.starts_with("failed to find a practice attempt in "), "{missing}");
        let mut bank_problem = problem();
        let starter = dir.path().join("bank/p");
        std::fs::create_dir_all(starter.join("starter/src")).unwrap();
        std::fs::write(starter.join("starter/src/lib.rs"), "").unwrap();
        bank_problem.dir = starter;
        let attempt_dir = dir.path().join("attempt");
        let (marker, files) = start(&bank_problem, &attempt_dir, &FakeClock::at(77)).unwrap();
        assert_eq!(files.len(), 1);
        assert_eq!(started(&attempt_dir).unwrap(), marker);
        assert_eq!(marker.started_unix, 77);
    }
}
