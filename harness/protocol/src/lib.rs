//! Wire format between the harness and a runner: case metadata, one result record per trial, environment names.
//!
//! A runner started by the harness finds a pipe on the file descriptor named by [`ENV_RESULT_FD`] and writes exactly
//! one JSON line to it: a [`ListRecord`] for `runner list`, a [`CaseRecord`] for `runner run <case>`, a
//! [`MeasureRecord`] for `runner measure …`. Each carries the nonce read from [`SECRET_FD`]; the harness ignores
//! anything printed on stdout and anything but exactly one record.

pub use serde::{Deserialize, Serialize};
use std::fmt;

/// Bumped whenever a record's shape changes; a runner and a harness must agree on it.
pub const PROTOCOL_VERSION: u32 = 4;
/// The descriptor number the harness gives the result pipe in the child.
pub const RESULT_FD: i32 = 3;
/// Environment variable holding the result descriptor number.
pub const ENV_RESULT_FD: &str = "HARNESS_RESULT_FD";
/// The descriptor number of the pipe the runner reads the per-trial nonce from (a record must echo it). Not an
/// environment variable: `/proc/self/environ` would show it to the candidate's code for the life of the process.
pub const SECRET_FD: i32 = 4;
/// Environment variable holding the nonce descriptor number.
pub const ENV_SECRET_FD: &str = "HARNESS_SECRET_FD";
/// Environment variable holding the base seed for random inputs.
pub const ENV_SEED: &str = "HARNESS_SEED";
/// The symbol of the function a runner calls the measured code through; callgrind counts instructions only inside
/// it (`--toggle-collect`), so generating the input and checking the output cost nothing.
pub const MEASURED_SYMBOL: &str = "harness_measured_call";
/// Environment variable: a memory case may use at most this multiple of the reference's peak heap bytes…
pub const ENV_MEMORY_RATIO: &str = "HARNESS_MEMORY_RATIO";
/// …or the reference's peak plus this many bytes, whichever is larger.
pub const ENV_MEMORY_SLACK: &str = "HARNESS_MEMORY_SLACK";

/// What a case exercises; decides the rubric area its weight counts toward.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Kind {
    #[serde(rename = "correctness")]
    Correctness,
    #[serde(rename = "edge:empty")]
    EdgeEmpty,
    #[serde(rename = "edge:single")]
    EdgeSingle,
    #[serde(rename = "edge:ties")]
    EdgeTies,
    #[serde(rename = "edge:null")]
    EdgeNull,
    #[serde(rename = "edge:nan")]
    EdgeNan,
    #[serde(rename = "scaling")]
    Scaling,
    #[serde(rename = "memory")]
    Memory,
}

impl Kind {
    /// Every kind, in report order.
    pub const ALL: [Kind; 8] = [
        Kind::Correctness,
        Kind::EdgeEmpty,
        Kind::EdgeSingle,
        Kind::EdgeTies,
        Kind::EdgeNull,
        Kind::EdgeNan,
        Kind::Scaling,
        Kind::Memory,
    ];

    /// The name used in suites, records and reports (`edge:ties`).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Correctness => "correctness",
            Kind::EdgeEmpty => "edge:empty",
            Kind::EdgeSingle => "edge:single",
            Kind::EdgeTies => "edge:ties",
            Kind::EdgeNull => "edge:null",
            Kind::EdgeNan => "edge:nan",
            Kind::Scaling => "scaling",
            Kind::Memory => "memory",
        }
    }

    /// Whether this is one of the `edge:*` kinds.
    pub fn is_edge(self) -> bool {
        matches!(self, Kind::EdgeEmpty | Kind::EdgeSingle | Kind::EdgeTies | Kind::EdgeNull | Kind::EdgeNan)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A case as the suite declares it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseMeta {
    /// Stable name, unique in the suite; the trial is run by this name.
    pub name: String,
    pub kind: Kind,
    /// Share of its area's points, relative to the other cases of the area.
    pub weight: u32,
    /// One line the report prints when the case fails.
    pub why: String,
    /// The problem stage (from problem.toml) this case belongs to.
    pub stage: String,
    /// The spec's rules this case checks (`R3`, `chunked.R1`).
    #[serde(default)]
    pub rules: Vec<String>,
}

/// Answer to `runner list`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ListRecord {
    pub nonce: String,
    pub version: u32,
    pub cases: Vec<CaseMeta>,
}

/// How one trial ended inside the runner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
    /// The candidate's code panicked (the message is in the failure).
    Panic,
    /// Not judged (an edge variant whose case fails on ordinary inputs: that failure is the case's, counted once).
    Skip,
}

/// Why a trial failed: a message, and where it applies the values and the input that showed it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FailureReport {
    pub message: String,
    /// `{:#?}` of the expected value.
    pub expected: Option<String>,
    /// `{:#?}` of the candidate's value.
    pub actual: Option<String>,
    /// A line diff of expected → actual.
    pub diff: Option<String>,
    /// `{:#?}` of the (shrunk) input that showed the failure; shown only when the grader reveals inputs.
    pub input: Option<String>,
    /// For random cases: the seed of the failing trial and how many shrink steps were applied.
    pub trial_seed: Option<u64>,
    pub shrink_steps: Option<u32>,
    /// The candidate's code panicked in `todo!()` or `unimplemented!()`: unfinished, not a crash.
    #[serde(default)]
    pub unimplemented: bool,
}

/// The name of `case`'s edge variant for the boundary values `edges` names (`case@nan`).
pub fn variant_name(case: &str, edges: &str) -> String {
    format!("{case}@{edges}")
}

/// The case an edge variant belongs to (`case@nan` → `case`); a case's own name is its own case.
pub fn case_of(name: &str) -> &str {
    name.split_once('@').map_or(name, |(case, _)| case)
}

/// Whether a panic message is the one `todo!()` or `unimplemented!()` give (`not yet implemented: …`).
pub fn is_unimplemented(panic_message: &str) -> bool {
    panic_message.starts_with("not yet implemented") || panic_message.starts_with("not implemented")
}

/// Measurements a trial made of itself.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// Peak heap bytes of the candidate's measured call (memory cases).
    pub peak_bytes: Option<u64>,
    /// Peak heap bytes of the reference's call on the same input.
    pub reference_peak_bytes: Option<u64>,
    /// The budget the candidate's peak was held to.
    pub budget_bytes: Option<u64>,
    /// Input size (scaling and memory cases).
    pub size: Option<u64>,
}

/// Answer to `runner run <case>`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CaseRecord {
    pub nonce: String,
    pub version: u32,
    pub case: String,
    pub status: Status,
    pub failure: Option<FailureReport>,
    #[serde(default)]
    pub metrics: Metrics,
}

/// Which implementation a measurement ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Candidate,
    Reference,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Candidate => "candidate",
            Side::Reference => "reference",
        }
    }

    pub fn parse(text: &str) -> Option<Side> {
        match text {
            "candidate" => Some(Side::Candidate),
            "reference" => Some(Side::Reference),
            _ => None,
        }
    }
}

/// Answer to `runner measure <case> <side> <size> <repeats>`: the scaling case's input of that size was generated,
/// then the side was called `repeats` times through [`MEASURED_SYMBOL`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MeasureRecord {
    pub nonce: String,
    pub version: u32,
    pub case: String,
    pub side: Side,
    pub size: u64,
    /// The least thread CPU time of one call, in nanoseconds.
    pub cpu_nanos: u64,
    /// Peak heap bytes of one call.
    pub peak_bytes: u64,
    /// Set when the call panicked (the message); the figures are then meaningless.
    pub panic: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_serialise_as_their_suite_names() {
        for kind in Kind::ALL {
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
            let back: Kind = serde_json::from_str(&json).unwrap();
            assert_eq!(back, kind);
        }
    }

    #[test]
    fn todo_and_unimplemented_panics_are_told_apart_from_other_panics() {
        assert!(is_unimplemented("not yet implemented: score 3 transactions (at src/lib.rs:4:9)"));
        assert!(is_unimplemented("not implemented"));
        assert!(!is_unimplemented("index out of bounds: the len is 0"));
    }

    #[test]
    fn only_edge_kinds_are_edges() {
        let edges: Vec<_> = Kind::ALL.into_iter().filter(|k| k.is_edge()).collect();
        assert_eq!(edges.len(), 5);
        assert!(!Kind::Scaling.is_edge() && !Kind::Correctness.is_edge());
    }
}
