//! The harness engine: load problem packages, build a candidate against a hidden suite, run its cases in child
//! processes, score them on the rubric. The engine returns data; `report` renders it; only `main` prints errors.

pub mod batch;
pub mod cargo;
pub mod cgroup;
pub mod cli;
pub mod clock;
pub mod confine;
pub mod coverage;
pub mod digest;
pub mod error;
pub mod grade;
pub mod history;
pub mod job;
pub mod layout;
pub mod leaderboard;
pub mod leftovers;
pub mod meter;
pub mod mutants;
pub mod practice;
pub mod problem;
pub mod process;
pub mod quality;
pub mod report;
pub mod rubric;
pub mod sandbox;
pub mod scaling;
pub mod screen;
pub mod session;
pub mod shard;
pub mod spec;
pub mod starter;
pub mod trial;
pub mod ui;
pub mod verify;
pub mod watch;
