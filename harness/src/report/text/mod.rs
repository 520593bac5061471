//! Text rendering for terminals, one file per command: tables (comfy-table) and evidence lines, coloured (anstyle) when
//! asked. This file holds what they share: the table style and indentation.

mod bank;
mod batch;
mod diff;
mod grade;
mod history;
mod practice;
mod provision;
mod quality;
mod session;
mod verify;

pub use bank::{markdown_for_terminal, problem, problems};
pub use batch::{batch, batch_event, entry_summary, leaderboard};
pub use grade::grade;
pub use history::history;
pub use practice::{practice_start, practice_summary};
pub use provision::fetching;
pub use session::session_end;
pub use verify::{mutation_progress, mutation_scores, progress, verification};

use comfy_table::{Cell, ContentArrangement, Table, presets};

/// A table in the reports' one style (condensed UTF-8 borders, no wrapping) with its header row.
fn table(header: &[&str]) -> Table {
    let mut table = Table::new();
    table.load_style(presets::UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Disabled);
    table.set_header(header.iter().map(Cell::new));
    table
}

/// Each line of `text` after `prefix`.
fn indent(text: &str, prefix: &str) -> String {
    text.lines().map(|l| format!("{prefix}{l}")).collect::<Vec<_>>().join("\n")
}
