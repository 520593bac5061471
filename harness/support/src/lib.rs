//! Support library that every hidden suite is written against: cases, checks, diffs, seeded inputs, shrinking,
//! memory counting and the result protocol the harness reads.
//!
//! A hidden suite is a module with `pub fn cases() -> Vec<Case>`; the generated runner calls [`main`] with them.
//! Heavy, generic machinery lives here (compiled once into the shared target dir) behind non-generic entry points,
//! so that a re-grade compiles only the candidate, the suite's cases and a few lines of glue.

mod alloc;
mod approx;
mod case;
mod check;
mod diff;
mod generator;
mod measure;
mod panic;
mod protocol;
mod runner;
mod shrink;
mod sides;

pub use alloc::{CountingAlloc, MemoryWindow};
pub use approx::Approx;
pub use case::{Case, CaseBuilder, CaseMeta, Kind, case};
pub use check::{Context, Failure, Outcome, expect, expect_eq, expect_err, expect_ok, fail};
pub use diff::render_diff;
pub use generator::{Edges, Gen};
pub use protocol::{CaseRecord, ListRecord, Metrics, PROTOCOL_VERSION, Status};
pub use runner::main;
pub use shrink::Shrink;

/// Everything a hidden suite normally needs: `use harness_support::prelude::*;`.
pub mod prelude {
    pub use crate::{
        Approx, Case, Context, Edges, Failure, Gen, Kind, Outcome, Shrink, case, expect, expect_eq, expect_err,
        expect_ok, fail, sides,
    };
}
