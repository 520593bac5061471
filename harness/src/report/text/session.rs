//! `session` for a terminal: what an interview session left, its score over time and the report files.

use crate::report::{points, session};
use harness_engine::clock;
use std::fmt::Write;

/// What a session left: its score over time and the report files.
pub fn session_end(report: &crate::session::SessionReport, written: &[std::path::PathBuf]) -> String {
    let mut out = format!(
        "session over after {} · {} grades {}\n",
        clock::minutes(report.duration_secs),
        report.timeline.len(),
        session::sparkline(&session::totals(&report.timeline))
    );
    if let Some(card) = &report.scorecard {
        let _ = writeln!(out, "final: {}/100 ({})", points(card.total), card.band.title());
    }
    for path in written {
        let _ = writeln!(out, "wrote {}", path.display());
    }
    out
}
