//! The harness's error type and the process exit codes it maps to.
//!
//! Errors read as lowercase "failed to …" fragments; only `main` prints them.

use std::path::PathBuf;

/// Exit codes of the `harness` binary (also listed in the README).
pub mod exit {
    /// The command did what was asked (a grade was produced, verify matched every expectation).
    pub const OK: u8 = 0;
    /// Verify found a solution whose verdict differs from its expectation, or a grade fell below `--min-score`.
    pub const MISMATCH: u8 = 1;
    /// Bad command line: unknown problem, missing folder, bad flag.
    pub const USAGE: u8 = 2;
    /// The candidate could not be built (compile error, wrong signature, rejected manifest); a verdict was printed.
    pub const NOT_BUILT: u8 = 3;
    /// A problem package is broken (problem.toml, hidden suite, reference).
    pub const PROBLEM: u8 = 4;
    /// The harness or its environment failed (cargo missing, I/O error, runner protocol violation).
    pub const HARNESS: u8 = 5;
}

/// Everything that stops a command from producing its result.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The user asked for something that does not exist or makes no sense.
    #[error("{0}")]
    Usage(String),
    /// A problem package is broken.
    #[error("{0}")]
    Problem(#[from] ProblemError),
    /// An I/O operation on a named path failed.
    #[error("failed to {action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The machine failed the grade (registry, disk, toolchain, sandbox), not the candidate's code: never a verdict.
    #[error(transparent)]
    Environment(#[from] Environment),
    /// Anything else that went wrong inside the harness or its tools.
    #[error("{0}")]
    Harness(String),
}

/// What around a grade failed, with the one line of evidence that says so (a tool's own words). Each is
/// [`exit::HARNESS`] and no grade: the candidate's code did not cause it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Environment {
    /// `cargo fetch` could not fill cargo's registry cache with the pinned crates (no network, no registry).
    #[error(
        "failed to fetch the crates the runner needs ({0}); grades build offline from cargo's registry cache, so the \
         first one needs the network or a registry mirror"
    )]
    Fetch(String),
    /// An offline build needs a crate that cargo's registry cache lacks (pruned since it was fetched).
    #[error(
        "failed to build offline: cargo's registry cache lacks a crate the runner needs ({0}); the next grade fetches \
         it again"
    )]
    MissingCrate(String),
    /// A disk a build or a job writes to is full.
    #[error("failed to build: the disk is full ({0})")]
    DiskFull(String),
    /// A tool a build needs (cargo, the linker) is not there.
    #[error("failed to build: a tool is missing ({0})")]
    MissingTool(String),
    /// The sandbox a build runs in did not start.
    #[error("failed to build: the sandbox did not start ({0})")]
    Sandbox(String),
}

impl Error {
    /// Shorthand for an [`Error::Io`].
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io { action, path: path.into(), source }
    }

    /// The exit code `main` returns for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Usage(_) => exit::USAGE,
            Error::Problem(_) => exit::PROBLEM,
            Error::Io { .. } | Error::Environment(_) | Error::Harness(_) => exit::HARNESS,
        }
    }
}

impl From<harness_sandbox::Error> for Error {
    fn from(error: harness_sandbox::Error) -> Error {
        match error {
            harness_sandbox::Error::Io { action, path, source } => Error::Io { action, path, source },
            other => Error::Harness(other.to_string()),
        }
    }
}

/// A broken problem package, located as precisely as we can: file, line and key.
#[derive(Debug, thiserror::Error)]
#[error("failed to load {}{}: {message}", path.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct ProblemError {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

impl ProblemError {
    pub fn new(path: impl Into<PathBuf>, line: Option<usize>, message: impl Into<String>) -> ProblemError {
        ProblemError { path: path.into(), line, message: message.into() }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
