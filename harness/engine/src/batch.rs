//! `grade-all`: every candidate folder under a directory graded against one problem, `jobs` candidates at a time,
//! each result handed to a [`Store`] as soon as it is done (the binary's report folder writes it atomically), so an
//! interrupted batch keeps what it finished and a re-run skips candidates whose result is stored and whose inputs have
//! not changed.
//!
//! Before the first candidate is built, cargo's registry cache is filled once for the whole batch (`provision`); a
//! fetch that cannot happen stops the batch, since no candidate could be built.
//!
//! Returns data and reports progress through a callback; the CLI renders both.

use crate::cargo::Toolchain;
use crate::clock::Stopwatch;
use crate::digest::{self, Fnv1a};
use crate::error::{Error, Result};
use crate::grade::Grade;
use crate::grade::{self, Options};
use crate::job;
use crate::layout::Layout;
use crate::leaderboard::{self, Entry, Leaderboard};
use crate::problem::Problem;
use crate::provision::{self, Fetching};
use crate::shard::Shard;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

/// How to run a batch.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Candidates graded at once.
    pub jobs: usize,
    pub shard: Option<Shard>,
    /// Regrade candidates whose report is up to date.
    pub force: bool,
    pub seed: u64,
    /// Run candidate code without the sandbox when it is not available.
    pub allow_unsandboxed: bool,
}

/// Where a batch keeps each candidate's result and the fingerprint of the inputs it was graded from (the binary's
/// report folder: `OUT/<candidate>.json` beside `OUT/<candidate>.inputs`). Workers call it from several threads.
pub trait Store: Sync {
    /// Where the results are (named in the batch's summary).
    fn location(&self) -> &Path;
    /// The row of `candidate`'s stored result when it was graded from exactly `fingerprint` and did not fail.
    fn resume(&self, candidate: &str, fingerprint: &str) -> Option<Entry>;
    /// Forgets the fingerprint of `candidate`'s stored result before it is graded again, so that a grade interrupted
    /// from here on leaves a result that is graded again next time.
    fn forget(&self, candidate: &str) -> Result<()>;
    /// Keeps `candidate`'s grade, then the fingerprint it was graded from; returns its row.
    fn keep(&self, candidate: &str, grade: &Grade, fingerprint: &str) -> Result<Entry>;
    /// Keeps why the harness failed on `candidate` (it is graded again next time); returns its row.
    fn keep_failure(&self, candidate: &str, problem: &str, error: &str) -> Result<Entry>;
}

/// A candidate folder.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub name: String,
    pub path: PathBuf,
}

/// A folder under the batch directory that is not graded, and why.
#[derive(Debug, Clone)]
pub struct Ignored {
    pub name: String,
    pub reason: Ignore,
}

/// Why a folder under the batch directory is not a candidate; reporters phrase it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ignore {
    /// Its name is not UTF-8.
    NotUtf8,
    /// Its name starts with a dot.
    Hidden,
    /// It is named like the batch's summary files ([`leaderboard::STEM`]).
    Leaderboard,
    /// It has neither a `Cargo.toml` nor a `src/lib.rs`.
    NotACrate,
}

/// What happened while a batch ran, in the order it happened.
#[derive(Debug)]
pub enum Event<'a> {
    /// A folder is not a candidate.
    Ignored(&'a Ignored),
    /// How many candidates this run covers (graded now or already).
    Planned {
        candidates: usize,
        to_grade: usize,
    },
    /// The candidate's report exists and its inputs have not changed.
    Resumed(&'a Entry),
    /// cargo's registry cache is being filled, once, before the first candidate is built.
    Fetching(&'a Fetching<'a>),
    Started(&'a str),
    Finished {
        entry: &'a Entry,
        secs: f64,
    },
}

/// The outcome of a batch.
#[derive(Debug, Clone)]
pub struct Batch {
    pub problem: String,
    pub out: PathBuf,
    pub shard: Option<Shard>,
    /// Candidates graded by this run.
    pub graded: Vec<String>,
    /// Candidates skipped because their report was up to date.
    pub resumed: Vec<String>,
    pub ignored: Vec<Ignored>,
    /// Candidates that belong to the other shards.
    pub other_shards: usize,
    /// This run's candidates (graded now or already), best first.
    pub leaderboard: Leaderboard,
}

/// The candidate folders directly under `dir`, sorted by name: folders with a `Cargo.toml` or `src/lib.rs`. Other
/// folders are ignored with a reason; files are not looked at.
pub fn discover(dir: &Path) -> Result<(Vec<Candidate>, Vec<Ignored>)> {
    if !dir.is_dir() {
        return Err(Error::Usage(format!("failed to find the candidates folder {}", dir.display())));
    }
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io("read", dir, e))?;
    let mut candidates = Vec::new();
    let mut ignored = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| Error::io("read", dir, e))?.path();
        if !path.is_dir() {
            continue;
        }
        let Some(name) = path.file_name().and_then(|n| n.to_str()).map(str::to_owned) else {
            let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
            ignored.push(Ignored { name, reason: Ignore::NotUtf8 });
            continue;
        };
        let reason = if name.starts_with('.') {
            Some(Ignore::Hidden)
        } else if name == leaderboard::STEM {
            Some(Ignore::Leaderboard)
        } else if !path.join("Cargo.toml").is_file() && !path.join("src").join("lib.rs").is_file() {
            Some(Ignore::NotACrate)
        } else {
            None
        };
        match reason {
            Some(reason) => ignored.push(Ignored { name, reason }),
            None => candidates.push(Candidate { name, path }),
        }
    }
    candidates.sort_by(|a, b| a.name.cmp(&b.name));
    ignored.sort_by(|a, b| a.name.cmp(&b.name));
    Ok((candidates, ignored))
}

/// A hash of what a problem's grades depend on: its package, its reference and the support library's sources.
pub fn problem_digest(layout: &Layout, problem: &Problem) -> Result<u64> {
    let mut hash = Fnv1a::default();
    digest::tree(&mut hash, &problem.dir)?;
    digest::tree(&mut hash, &layout.reference_dir(&problem.slug))?;
    digest::tree(&mut hash, &layout.support_crate().join("src"))?;
    Ok(hash.finish())
}

/// A hash of what the grade copies from a candidate folder (`Cargo.toml`, `src/`, `tests/`) and the rustfmt settings
/// it is checked against.
pub fn candidate_digest(candidate: &Path) -> Result<u64> {
    let mut hash = Fnv1a::default();
    let manifest = candidate.join("Cargo.toml");
    hash.field(&std::fs::read(&manifest).unwrap_or_default());
    for sub in ["src", "tests"] {
        digest::tree(&mut hash, &candidate.join(sub))?;
    }
    hash.field(job::rustfmt_config(candidate).as_bytes());
    Ok(hash.finish())
}

/// The text of a `.inputs` file: harness version, problem and its digest, candidate digest and seed.
fn fingerprint(problem: &Problem, problem_digest: u64, candidate: &Path, seed: u64) -> Result<String> {
    Ok(format!(
        "harness {}\nproblem {} {problem_digest:016x}\ncandidate {:016x}\nseed {seed}\n",
        env!("CARGO_PKG_VERSION"),
        problem.slug,
        candidate_digest(candidate)?
    ))
}

/// Grades every candidate under `dir` (of this shard) that has no up-to-date result in `store`.
pub fn grade_all(
    layout: &Layout,
    problem: &Problem,
    dir: &Path,
    settings: &Settings,
    store: &dyn Store,
    mut on_event: impl FnMut(Event),
) -> Result<Batch> {
    let (candidates, ignored) = discover(dir)?;
    for folder in &ignored {
        on_event(Event::Ignored(folder));
    }
    let total = candidates.len();
    let mine: Vec<Candidate> =
        candidates.into_iter().filter(|c| settings.shard.is_none_or(|s| s.contains(&c.name))).collect();
    let Plan { mut entries, resumed, to_grade } = plan(layout, problem, &mine, settings, store)?;
    on_event(Event::Planned { candidates: mine.len(), to_grade: to_grade.len() });
    for entry in &entries {
        on_event(Event::Resumed(entry));
    }
    if !to_grade.is_empty() {
        provision::ensure(layout, &Toolchain::detect()?, |fetching| on_event(Event::Fetching(fetching)))?;
    }
    let work = Work { layout, problem, store, to_grade: &to_grade, options: options(settings) };
    let mut graded = Vec::new();
    work.run(settings.jobs.clamp(1, to_grade.len().max(1)), |message| match message {
        Message::Started(i) => on_event(Event::Started(&to_grade[i].0.name)),
        Message::Finished(entry, secs) => {
            on_event(Event::Finished { entry: &entry, secs });
            graded.push(entry.candidate.clone());
            entries.push(*entry);
        }
    });
    graded.sort();
    Ok(Batch {
        problem: problem.slug.clone(),
        out: store.location().to_owned(),
        shard: settings.shard,
        graded,
        resumed,
        ignored,
        other_shards: total - mine.len(),
        leaderboard: Leaderboard::new(entries),
    })
}

/// Which candidates are resumed from the store and which are graded, with the fingerprint each is graded from.
struct Plan<'a> {
    entries: Vec<Entry>,
    resumed: Vec<String>,
    to_grade: Vec<(&'a Candidate, String)>,
}

fn plan<'a>(
    layout: &Layout,
    problem: &Problem,
    mine: &'a [Candidate],
    settings: &Settings,
    store: &dyn Store,
) -> Result<Plan<'a>> {
    let problem_digest = problem_digest(layout, problem)?;
    let mut plan = Plan { entries: Vec::new(), resumed: Vec::new(), to_grade: Vec::new() };
    for candidate in mine {
        let fingerprint = fingerprint(problem, problem_digest, &candidate.path, settings.seed)?;
        match store.resume(&candidate.name, &fingerprint).filter(|_| !settings.force) {
            Some(entry) => {
                plan.resumed.push(candidate.name.clone());
                plan.entries.push(entry);
            }
            None => plan.to_grade.push((candidate, fingerprint)),
        }
    }
    Ok(plan)
}

/// Each grade's options: the batch's seed, and the machine's cores shared among the candidates graded at once.
fn options(settings: &Settings) -> Options {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    Options {
        seed: settings.seed,
        jobs: (cores / settings.jobs.max(1)).max(1),
        allow_unsandboxed: settings.allow_unsandboxed,
        ..Options::default()
    }
}

/// The candidates to grade and what grading each needs.
struct Work<'a> {
    layout: &'a Layout,
    problem: &'a Problem,
    store: &'a dyn Store,
    to_grade: &'a [(&'a Candidate, String)],
    options: Options,
}

impl Work<'_> {
    /// Grades every candidate on `workers` threads; `on_message` hears each start and finish on this thread.
    fn run(&self, workers: usize, mut on_message: impl FnMut(Message)) {
        let next = AtomicUsize::new(0);
        let (sender, receiver) = mpsc::channel::<Message>();
        std::thread::scope(|scope| {
            for _ in 0..workers {
                let sender = sender.clone();
                let next = &next;
                scope.spawn(move || {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some((candidate, fingerprint)) = self.to_grade.get(i) else { break };
                        if sender.send(Message::Started(i)).is_err() {
                            break;
                        }
                        let started = Stopwatch::start();
                        let entry =
                            grade_one(self.layout, self.problem, candidate, fingerprint, self.store, self.options);
                        let _ = sender.send(Message::Finished(Box::new(entry), started.secs()));
                    }
                });
            }
            drop(sender);
            for message in receiver {
                on_message(message);
            }
        });
    }
}

/// What a worker tells the thread that reports progress.
enum Message {
    Started(usize),
    Finished(Box<Entry>, f64),
}

/// Grades one candidate and keeps its result (or, when the harness failed on it, why); never fails, so one candidate
/// cannot stop the batch.
fn grade_one(
    layout: &Layout,
    problem: &Problem,
    candidate: &Candidate,
    fingerprint: &str,
    store: &dyn Store,
    options: Options,
) -> Entry {
    let name = &candidate.name;
    // The old fingerprint goes first: a result without its fingerprint is graded again.
    if let Err(error) = store.forget(name) {
        return Entry::failure(name, &problem.slug, error.to_string());
    }
    let graded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        grade::grade(layout, problem, &candidate.path, options)
    }))
    .unwrap_or_else(|panic| {
        let message =
            panic.downcast_ref::<&str>().map(|s| (*s).to_owned()).or_else(|| panic.downcast_ref::<String>().cloned());
        Err(Error::Harness(format!("failed to grade {name}: the harness panicked: {}", message.unwrap_or_default())))
    });
    let kept = match graded {
        Ok(grade) => store.keep(name, &grade, fingerprint),
        Err(error) => store.keep_failure(name, &problem.slug, &error.to_string()),
    };
    kept.unwrap_or_else(|error| Entry::failure(name, &problem.slug, error.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_folders_are_candidates_and_other_folders_are_ignored_with_a_reason() {
        let dir = tempfile::tempdir().unwrap();
        let make = |path: &str| {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "").unwrap();
        };
        make("bob/Cargo.toml");
        make("alice/src/lib.rs");
        make("notes/todo.txt");
        make("leaderboard/Cargo.toml");
        make(".git/HEAD");
        make("README.md");
        let (candidates, ignored) = discover(dir.path()).unwrap();
        let names: Vec<&str> = candidates.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["alice", "bob"]);
        let ignored: Vec<(&str, Ignore)> = ignored.iter().map(|i| (i.name.as_str(), i.reason)).collect();
        assert_eq!(
            ignored,
            [(".git", Ignore::Hidden), ("leaderboard", Ignore::Leaderboard), ("notes", Ignore::NotACrate)]
        );
        assert!(discover(&dir.path().join("missing")).is_err());
    }

    #[test]
    fn a_candidate_digest_follows_sources_and_tests_but_not_build_output() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("src")).unwrap();
        std::fs::write(dir.path().join("src/lib.rs"), "pub fn f() {}\n").unwrap();
        let before = candidate_digest(dir.path()).unwrap();
        std::fs::create_dir_all(dir.path().join("target")).unwrap();
        std::fs::write(dir.path().join("target/x"), "built").unwrap();
        std::fs::write(dir.path().join("notes.txt"), "not graded").unwrap();
        assert_eq!(candidate_digest(dir.path()).unwrap(), before);
        std::fs::create_dir_all(dir.path().join("tests")).unwrap();
        std::fs::write(dir.path().join("tests/t.rs"), "#[test] fn t() {}\n").unwrap();
        assert_ne!(candidate_digest(dir.path()).unwrap(), before);
    }
}
