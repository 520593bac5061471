//! `grade-all` and `merge-reports` for a terminal: the leaderboard, a batch's summary line and its progress events.

use super::table;
use crate::report::{points, row_points};
use comfy_table::{Cell, CellAlignment};
use harness_engine::batch::{Batch, Event};
use harness_engine::leaderboard::{Entry, Leaderboard};
use harness_engine::rubric::{Area, Band};
use std::fmt::Write;

/// The leaderboard table: place, candidate, total, band, verdict and each area's points.
pub fn leaderboard(board: &Leaderboard) -> String {
    let mut header = vec!["#", "Candidate", "Total", "Band", "Verdict"];
    header.extend(Area::ALL.iter().map(|a| a.title()));
    let mut t = table(&header);
    for e in &board.entries {
        let mut row = vec![
            Cell::new(e.rank).set_alignment(CellAlignment::Right),
            Cell::new(&e.candidate),
            Cell::new(row_points(e, e.total, "–")).set_alignment(CellAlignment::Right),
            Cell::new(e.band.map_or("–", Band::title)),
            Cell::new(verdict_title(e)),
        ];
        row.extend(
            Area::ALL.iter().map(|&a| Cell::new(row_points(e, e.points(a), "–")).set_alignment(CellAlignment::Right)),
        );
        t.add_row(row);
    }
    let mut out = format!("{t}\n");
    for e in board.entries.iter().filter(|e| e.failed()) {
        let _ = writeln!(out, "✗ {}: {}", e.candidate, e.message.as_deref().unwrap_or_default());
    }
    out
}

/// A batch's leaderboard and what the run did.
pub fn batch(batch: &Batch) -> String {
    let mut out = leaderboard(&batch.leaderboard);
    let shard =
        batch.shard.map(|s| format!(" (shard {s}; {} in other shards)", batch.other_shards)).unwrap_or_default();
    let _ = writeln!(
        out,
        "{} candidates{shard}: {} graded, {} already graded; {} folders ignored; reports in {}",
        batch.leaderboard.entries.len(),
        batch.graded.len(),
        batch.resumed.len(),
        batch.ignored.len(),
        batch.out.display()
    );
    out
}

/// One status line of a batch's progress (to stderr), or none for events that only move the progress bar.
pub fn batch_event(event: &Event) -> Option<String> {
    match event {
        Event::Ignored(folder) => {
            Some(format!("ignored {}: {}", folder.name, crate::report::batch::ignore(folder.reason)))
        }
        Event::Planned { candidates, to_grade } => {
            Some(format!("{candidates} candidates: {to_grade} to grade, {} already graded", candidates - to_grade))
        }
        Event::Resumed(entry) => {
            Some(format!("skipped {} (already graded): {}", entry.candidate, entry_summary(entry)))
        }
        Event::Fetching(fetching) => Some(super::fetching(fetching)),
        Event::Started(_) => None,
        Event::Finished { entry, secs } => {
            Some(format!("graded {}: {} in {secs:.1}s", entry.candidate, entry_summary(entry)))
        }
    }
}

/// `87.5/100 Strong hire`, or the verdict of a candidate that was not graded.
pub fn entry_summary(entry: &Entry) -> String {
    if entry.graded() {
        format!("{}/100 {}", points(entry.total), entry.band.map_or("–", Band::title))
    } else {
        verdict_title(entry).to_owned()
    }
}

fn verdict_title(entry: &Entry) -> &str {
    match entry.verdict.as_str() {
        "graded" => "graded",
        "compile_error" => "does not compile",
        "api_mismatch" => "API mismatch",
        "rejected" => "rejected",
        "error" => "harness error",
        other => other,
    }
}
