//! The quality area's data: the candidate's own tests, clippy's lints, rustfmt's verdict, doc comments on public
//! items, the longest function and `unwrap()`s outside tests, each deduction located (`src/lib.rs:42`).
//! Scoring them is `rubric`'s job.

pub mod own_tests;
pub mod signals;
pub mod source;
pub mod tools;

use crate::cargo::{Build, Formatting};
use crate::error::Result;
use crate::job::Job;
use harness_sandbox::Jail;
pub use own_tests::OwnTests;
use serde::Serialize;
use std::fmt;
use std::time::Duration;

/// A place in the candidate's crate, its file relative to the crate root.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Location {
    pub file: String,
    pub line: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// One thing that costs quality points, and where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub location: Location,
    pub message: String,
}

/// How loudly clippy (or rustc) reports a lint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LintLevel {
    Warning,
    Error,
}

/// A clippy or rustc lint on the candidate's code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Lint {
    pub level: LintLevel,
    /// `clippy::needless_range_loop`, `unused_variables`, …
    pub code: String,
    pub location: Location,
    pub message: String,
}

/// Doc comments on the library's public functions, structs, enums and traits.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Docs {
    pub public: usize,
    pub documented: usize,
    /// The public items without one.
    pub missing: Vec<Finding>,
}

/// A function and its length in lines (from `fn` to its closing brace).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Function {
    pub name: String,
    pub location: Location,
    pub lines: usize,
}

/// The tool an attribute keeps quiet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tool {
    Clippy,
    Rustfmt,
}

/// An attribute that silences a tool (`#![allow(clippy::all)]`, `#[rustfmt::skip]`), counted like what it hides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Silencer {
    pub tool: Tool,
    pub location: Location,
    /// The attribute as written (`#![allow(clippy::all)]`).
    pub attribute: String,
}

/// Everything the quality area is scored from.
#[derive(Debug, Clone, Default)]
pub struct Quality {
    pub own_tests: OwnTests,
    /// clippy's lints (default lint set, library and tests); `None` when clippy could not run (see `notes`).
    pub clippy: Option<Vec<Lint>>,
    /// Where rustfmt would change the code; `None` when rustfmt could not run (see `notes`).
    pub rustfmt: Option<Vec<Finding>>,
    pub docs: Docs,
    /// The library's longest function outside test code.
    pub longest_function: Option<Function>,
    /// `unwrap()` and `expect()` calls in the library outside test code.
    pub unwraps: Vec<Finding>,
    /// Attributes in the library that silence clippy or rustfmt (outside test code).
    pub silenced: Vec<Silencer>,
    /// Signals that could not be counted, and why (a missing tool costs the candidate nothing).
    pub notes: Vec<Uncounted>,
}

/// A quality signal that could not be counted, and why; reporters phrase it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Uncounted {
    ClippyTimedOut,
    /// clippy did not run (the first error line it printed).
    ClippyFailed(String),
    /// rustfmt could not tell.
    Rustfmt(crate::cargo::Unformatted),
    /// A source file does not parse (its path in the crate, the parser's error): its code was not read.
    Unparsable {
        file: String,
        error: String,
    },
    /// A source file could not be read (its path in the crate, the error).
    Unreadable {
        file: String,
        error: String,
    },
}

impl Uncounted {
    /// The same note with every text in it passed through `scrub` (paths of the job made the candidate's).
    fn scrubbed(self, scrub: impl Fn(&str) -> String) -> Uncounted {
        use crate::cargo::Unformatted;
        match self {
            Uncounted::ClippyFailed(why) => Uncounted::ClippyFailed(scrub(&why)),
            Uncounted::Rustfmt(Unformatted::Missing(why)) => Uncounted::Rustfmt(Unformatted::Missing(scrub(&why))),
            Uncounted::Rustfmt(Unformatted::Failed(why)) => Uncounted::Rustfmt(Unformatted::Failed(scrub(&why))),
            other => other,
        }
    }
}

impl Quality {
    /// How many attributes silence `tool`.
    pub fn silencers(&self, tool: Tool) -> usize {
        self.silenced.iter().filter(|s| s.tool == tool).count()
    }
}

/// What the toolchain produced for the quality area in one job.
#[derive(Debug)]
pub struct Runs<'a> {
    /// `cargo test --no-run` of the candidate.
    pub tests: &'a Build,
    /// `cargo clippy` of the candidate.
    pub clippy: &'a Build,
    pub rustfmt: &'a Formatting,
}

/// Runs the candidate's tests and reads the rest of the quality signals from `runs` and the job's sources;
/// `timeout` bounds each test executable.
pub fn assess(job: &Job, runs: &Runs<'_>, jail: &Jail, timeout: Duration) -> Result<Quality> {
    let mut quality =
        Quality { own_tests: own_tests::run(runs.tests, jail, timeout, |t| job.scrub(t))?, ..Quality::default() };
    let relative = |path: &std::path::Path| job.relative(path);
    match tools::lints(runs.clippy, relative) {
        Ok(lints) => quality.clippy = Some(lints),
        Err(why) => quality.notes.push(why.scrubbed(|t| job.scrub(t))),
    }
    match tools::unformatted(runs.rustfmt, relative) {
        Ok(found) => quality.rustfmt = Some(found),
        Err(why) => quality.notes.push(why.scrubbed(|t| job.scrub(t))),
    }
    let source = source::analyse(&job.candidate_dir());
    quality.docs = source.docs;
    quality.longest_function = source.longest_function;
    quality.unwraps = source.unwraps;
    quality.silenced = source.silenced;
    quality.notes.extend(source.notes);
    Ok(quality)
}
