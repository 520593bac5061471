//! Markdown for a CI step summary (`$GITHUB_STEP_SUMMARY`): the rubric table, the failed cases with why they matter,
//! and each failure's evidence in a collapsible `<details>` block.

use crate::report::model::{Report, Status, Test};
use crate::report::{band, points, row_points, verdict};
use harness_engine::grade::Verdict;
use harness_engine::leaderboard::Leaderboard;
use harness_engine::rubric::Area;
use std::fmt::Write;

/// A leaderboard as a GitHub-flavoured Markdown table, with what stopped each candidate that was not graded.
pub fn leaderboard(board: &Leaderboard) -> String {
    let mut out = format!("## Leaderboard ({} candidates)\n\n", board.entries.len());
    let _ = writeln!(
        out,
        "| # | Candidate | Total | Band | Verdict | {} |\n|--:|-----------|------:|------|---------|{}",
        Area::ALL.map(Area::title).join(" | "),
        "------:|".repeat(Area::ALL.len())
    );
    for e in &board.entries {
        let areas: Vec<String> = Area::ALL.iter().map(|&a| row_points(e, e.points(a), "–")).collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            e.rank,
            cell(&e.candidate),
            row_points(e, e.total, "–"),
            e.band.map_or("–", harness_engine::rubric::Band::title),
            e.verdict.replace('_', " "),
            areas.join(" | ")
        );
    }
    let stopped: Vec<_> = board.entries.iter().filter(|e| !e.graded()).collect();
    if !stopped.is_empty() {
        let _ = writeln!(out, "\n### Not graded ({})\n", stopped.len());
        for e in stopped {
            let _ = writeln!(out, "- **{}**: {}", cell(&e.candidate), cell(e.message.as_deref().unwrap_or(&e.verdict)));
        }
    }
    out
}

/// The report as GitHub-flavoured Markdown.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    header(&mut out, report);
    rubric(&mut out, report);
    failed_cases(&mut out, report);
    own_tests(&mut out, report);
    for note in &report.notes {
        let _ = writeln!(out, "\n> note: {}", cell(note));
    }
    if report.built() {
        let t = report.timings;
        let _ = writeln!(
            out,
            "\nbuilt in {:.1}s · {} cases in {:.1}s · own tests in {:.1}s",
            t.build_secs,
            report.tests.len(),
            t.run_secs,
            t.tests_secs
        );
        if report.inputs_hidden() {
            let _ = writeln!(out, "\n_Failing inputs are hidden; grade with `--reveal` to show them._");
        }
    }
    out
}

/// The heading (status mark, problem, total, band), the candidate line, and what stopped a build that failed.
fn header(out: &mut String, report: &Report) {
    let card = &report.scorecard;
    let mark = match report.status {
        Status::Pass => "✅",
        Status::Fail => "⚠️",
        Status::Error => "❌",
    };
    let _ = writeln!(
        out,
        "## {mark} {} · {}: {}/100 ({})\n",
        report.problem,
        cell(&report.title),
        points(card.total),
        card.band.title()
    );
    let _ = writeln!(
        out,
        "candidate `{}` · seed {} · harness {}\n",
        report.candidate.replace('`', "'"),
        report.seed,
        report.harness_version
    );
    if let Some(message) = &report.message {
        let _ = writeln!(out, "**{}**: no case was run.\n", verdict::title(&report.verdict));
        let body = match &report.verdict {
            Verdict::CompileError { diagnostics } | Verdict::ApiMismatch { diagnostics } => diagnostics,
            _ => message,
        };
        details(out, "what stopped the build", body);
    }
}

/// The rubric table with the total and band, then the band in words.
fn rubric(out: &mut String, report: &Report) {
    let card = &report.scorecard;
    let _ = writeln!(out, "| Area | Points | Evidence |\n|------|-------:|----------|");
    for area in &card.areas {
        let evidence = match area.area {
            _ if !report.built() => "not run".to_owned(),
            Area::Quality if report.quality.own_tests.total == 0 => "no own tests ran".to_owned(),
            Area::Quality => {
                format!("{}/{} own tests passed", report.quality.own_tests.passed, report.quality.own_tests.total)
            }
            _ if area.total == 0 => "no cases".to_owned(),
            _ => format!("{}/{} cases passed", area.passed, area.total),
        };
        let _ = writeln!(out, "| {} | {}/{} | {} |", area.area.title(), points(area.points), area.max, evidence);
    }
    let _ = writeln!(out, "| **Total** | **{}/100** | **{}** |", points(card.total), card.band.title());
    if let Some(line) = band::line(card).filter(|_| report.built()) {
        let _ = writeln!(out, "\n**{}**", cell(&line));
    }
}

/// A table of the failed cases and why each matters, then each one's evidence in a details block.
fn failed_cases(out: &mut String, report: &Report) {
    let failed: Vec<&Test> = report.failed().collect();
    if failed.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n### Failed cases ({})\n", failed.len());
    let _ = writeln!(
        out,
        "| Case | Kind | Weight | Outcome | Why it matters |\n|------|------|-------:|---------|----------------|"
    );
    for test in &failed {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} |",
            test.name,
            test.kind,
            test.weight,
            test.outcome.label(),
            cell(&test.why)
        );
    }
    let _ = writeln!(out);
    for test in &failed {
        details(out, &format!("<code>{}</code>: {}", html(&test.name), test.outcome.label()), &evidence(test));
    }
}

/// The candidate's own tests that failed, and the note on them (when a built candidate has either).
fn own_tests(out: &mut String, report: &Report) {
    let tests = &report.quality.own_tests;
    if !report.built() || (tests.failed.is_empty() && tests.note.is_none()) {
        return;
    }
    let _ = writeln!(out, "\n### Own tests\n");
    for name in &tests.failed {
        let _ = writeln!(out, "- ✗ `{name}`");
    }
    if let Some(note) = &tests.note {
        details(out, "note", &crate::report::quality::uncountable(note));
    }
}

/// What a failed case's details block holds: its message (why, what happened, diff, revealed input) and output.
fn evidence(test: &Test) -> String {
    let mut body = test.message.clone().unwrap_or_default();
    if let Some(output) = &test.output {
        body.push_str("\noutput:\n");
        body.push_str(output.trim_end());
    }
    body
}

/// A collapsible block with `body` as preformatted text.
fn details(out: &mut String, summary: &str, body: &str) {
    let fence = fence(body);
    let _ = writeln!(
        out,
        "<details><summary>{summary}</summary>\n\n{fence}text\n{}\n{fence}\n\n</details>\n",
        body.trim_end()
    );
}

/// A code fence longer than any run of backticks in `body`.
fn fence(body: &str) -> String {
    let longest = body.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    "`".repeat(longest.max(2) + 1)
}

/// Text fit for a table cell: one line, pipes escaped.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn html(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fence_is_longer_than_the_backticks_it_holds() {
        assert_eq!(fence("plain"), "```");
        assert_eq!(fence("has ``` inside"), "````");
    }

    #[test]
    fn table_cells_stay_on_one_line_with_pipes_escaped() {
        assert_eq!(cell("a | b\nc"), "a \\| b c");
    }
}
