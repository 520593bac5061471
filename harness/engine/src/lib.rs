//! The harness's engine. It loads a problem package (`problem`, `spec`, `coverage`), prepares a job from a candidate
//! crate (`job`, `screen`), builds it against the hidden suite through the toolchain owner (`cargo`; its registry cache filled once by
//! `provision`), runs and
//! measures every case in a confined child process (`trial`, `scaling`, `meter`, all through `harness-sandbox`),
//! assesses the code's quality (`quality`) and scores it on the rubric (`rubric`); `grade` ties one grade together,
//! `batch` grades a folder of candidates, `verify` checks the bundled solutions against their declared verdicts and
//! `mutants` the suites' strength. It returns typed data only: no terminal, no file formats, no phrasing of results;
//! the `harness` binary renders them. Errors are `failed to …` fragments that only the binary prints.

pub mod batch;
pub mod cargo;
pub mod clock;
pub mod coverage;
pub mod digest;
pub mod ending;
pub mod error;
#[cfg(any(test, feature = "fixtures"))]
pub mod fixtures;
pub mod grade;
pub mod job;
pub mod layout;
pub mod leaderboard;
pub mod meter;
pub mod mutants;
pub mod problem;
pub mod provision;
pub mod quality;
pub mod rubric;
pub mod scaling;
pub mod screen;
pub mod shard;
pub mod spec;
pub mod starter;
pub mod target;
pub mod trial;
pub mod verify;
