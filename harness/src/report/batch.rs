//! A batch in words, for every format: why a folder was not graded, and `grade-all --format json`'s document.

use harness_engine::batch::{Batch, Ignore, Ignored};
use harness_engine::leaderboard::{self, Leaderboard};
use harness_engine::shard::Shard;
use serde::Serialize;
use std::path::Path;

/// Why a folder under the batch directory is not graded.
pub fn ignore(reason: Ignore) -> String {
    match reason {
        Ignore::NotUtf8 => "its name is not UTF-8".to_owned(),
        Ignore::Hidden => "a hidden folder".to_owned(),
        Ignore::Leaderboard => format!("`{}` is the name of the batch's summary files", leaderboard::STEM),
        Ignore::NotACrate => "not a crate: no Cargo.toml or src/lib.rs".to_owned(),
    }
}

/// `grade-all --format json`: the batch (graded, skipped, ignored with why, the leaderboard).
pub fn view(batch: &Batch) -> impl Serialize + '_ {
    BatchView {
        problem: &batch.problem,
        out: &batch.out,
        shard: batch.shard,
        graded: &batch.graded,
        resumed: &batch.resumed,
        ignored: batch.ignored.iter().map(IgnoredView::of).collect(),
        other_shards: batch.other_shards,
        leaderboard: &batch.leaderboard,
    }
}

#[derive(Serialize)]
struct BatchView<'a> {
    problem: &'a str,
    out: &'a Path,
    shard: Option<Shard>,
    graded: &'a [String],
    resumed: &'a [String],
    ignored: Vec<IgnoredView<'a>>,
    other_shards: usize,
    leaderboard: &'a Leaderboard,
}

#[derive(Serialize)]
struct IgnoredView<'a> {
    name: &'a str,
    reason: String,
}

impl<'a> IgnoredView<'a> {
    fn of(ignored: &'a Ignored) -> IgnoredView<'a> {
        IgnoredView { name: &ignored.name, reason: ignore(ignored.reason) }
    }
}
