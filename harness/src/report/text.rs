//! Text rendering for terminals: tables (comfy-table) and evidence lines.

use crate::grade::{Grade, Verdict};
use crate::problem::Problem;
use crate::quality::{LintLevel, Quality};
use crate::rubric::{Area, AreaScore, FULL_LINES, PartScore, Signal, ZERO_LINES};
use crate::trial::CaseResult;
use crate::verify::{Row, Verification};
use comfy_table::{Cell, CellAlignment, ContentArrangement, Table, presets};
use std::fmt::Write;

/// Lines of a case's captured output shown under its evidence.
const OUTPUT_LINES: usize = 8;
/// Evidence lines shown per quality signal (the JSON report has them all).
const EVIDENCE_LINES: usize = 10;

fn table(header: &[&str]) -> Table {
    let mut table = Table::new();
    table.load_style(presets::UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Disabled);
    table.set_header(header.iter().map(Cell::new));
    table
}

/// The grade report: header, score table, failed-case evidence, quality, timings.
pub fn grade(grade: &Grade, reveal: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} · {}", grade.problem, grade.title);
    let _ = writeln!(out, "candidate: {}   seed: {}", grade.candidate, grade.seed);
    let _ = writeln!(out);
    match &grade.verdict {
        Verdict::Graded => {}
        Verdict::CompileError { diagnostics } | Verdict::ApiMismatch { diagnostics } => {
            let _ = writeln!(out, "✗ {}: no case was run.\n", grade.verdict.title());
            if matches!(grade.verdict, Verdict::ApiMismatch { .. }) {
                let _ = writeln!(
                    out,
                    "The hidden suite calls the API the spec describes; check names, argument and return types.\n"
                );
            }
            let _ = writeln!(out, "{}\n", diagnostics.trim_end());
        }
        Verdict::Rejected { reason } => {
            let _ = writeln!(out, "✗ rejected: {reason}\n");
        }
    }
    let mut scores = table(&["Area", "Points", "Evidence"]);
    for area in &grade.scorecard.areas {
        let evidence = match area.area {
            _ if !grade.verdict.built() => "not run".to_owned(),
            Area::Quality => quality_summary(&grade.quality, area),
            _ if area.total == 0 => "no cases".to_owned(),
            _ => format!("{}/{} cases passed", area.passed, area.total),
        };
        scores.add_row(vec![
            Cell::new(area.area.title()),
            Cell::new(format!("{}/{}", points(area.points), area.max)).set_alignment(CellAlignment::Right),
            Cell::new(evidence),
        ]);
    }
    scores.add_row(vec![
        Cell::new("Total"),
        Cell::new(format!("{}/100", points(grade.scorecard.total))).set_alignment(CellAlignment::Right),
        Cell::new(grade.scorecard.band.title()),
    ]);
    let _ = writeln!(out, "{scores}");

    let failed: Vec<&CaseResult> = grade.cases.iter().filter(|c| !c.outcome.passed()).collect();
    if !failed.is_empty() {
        let _ = writeln!(out, "\nFailed cases");
        for case in failed {
            case_evidence(&mut out, case, reveal);
        }
    }
    if grade.verdict.built() {
        quality_evidence(&mut out, &grade.quality, grade.scorecard.area(Area::Quality));
    }
    for note in &grade.notes {
        let _ = writeln!(out, "note: {note}");
    }
    if grade.verdict.built() {
        let t = grade.timings;
        let _ = writeln!(
            out,
            "\nbuilt in {:.1}s · {} cases in {:.1}s · own tests in {:.1}s · lints in {:.1}s",
            t.build_secs,
            grade.cases.len(),
            t.run_secs,
            t.tests_secs,
            t.lint_secs
        );
        if !reveal && grade.cases.iter().any(|c| c.failure.as_ref().is_some_and(|f| f.input.is_some())) {
            let _ = writeln!(out, "(failing inputs are hidden; pass --reveal to show them)");
        }
    }
    out
}

/// The quality row of the score table: own tests, and the other signals that lost points.
fn quality_summary(quality: &Quality, area: &AreaScore) -> String {
    let tests = &quality.own_tests;
    let mut summary = if tests.total == 0 {
        "no own tests ran".to_owned()
    } else {
        format!("{}/{} own tests passed", tests.passed, tests.total)
    };
    let lost: Vec<&str> =
        area.parts.iter().filter(|p| p.signal != Signal::OwnTests && !p.full()).map(|p| p.signal.title()).collect();
    if !lost.is_empty() {
        let _ = write!(summary, "; lost: {}", lost.join(", "));
    }
    summary
}

/// Each quality signal that lost points, its points and the evidence (file:line) for each deduction; then notes on
/// signals that could not be counted.
fn quality_evidence(out: &mut String, quality: &Quality, area: &AreaScore) {
    let lost: Vec<&PartScore> = area.parts.iter().filter(|p| !p.full()).collect();
    if lost.is_empty() && quality.notes.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nQuality");
    for part in lost {
        let (summary, evidence) = signal_evidence(quality, part.signal);
        let _ = writeln!(
            out,
            "  {:<17}{:>9}  {summary}",
            part.signal.title(),
            format!("{}/{}", points(part.points), points(part.max))
        );
        for line in evidence.iter().take(EVIDENCE_LINES) {
            let _ = writeln!(out, "{}", indent(line, "    "));
        }
        if evidence.len() > EVIDENCE_LINES {
            let _ = writeln!(out, "    … {} more", evidence.len() - EVIDENCE_LINES);
        }
    }
    for note in &quality.notes {
        let _ = writeln!(out, "  note: {note}");
    }
}

/// A signal's one-line summary and its evidence lines.
fn signal_evidence(quality: &Quality, signal: Signal) -> (String, Vec<String>) {
    let located = |items: &[crate::quality::Finding]| -> Vec<String> {
        items.iter().map(|f| format!("{}: {}", f.location, f.message)).collect()
    };
    match signal {
        Signal::OwnTests => {
            let tests = &quality.own_tests;
            let mut lines: Vec<String> = tests.failed.iter().map(|name| format!("✗ {name}")).collect();
            lines.extend(tests.note.clone());
            let summary = if tests.total == 0 {
                "none ran".to_owned()
            } else {
                format!("{}/{} passed", tests.passed, tests.total)
            };
            (summary, lines)
        }
        Signal::Clippy => {
            let found = quality.clippy.as_deref().unwrap_or_default();
            let errors = found.iter().filter(|l| l.level == LintLevel::Error).count();
            let lines = found
                .iter()
                .map(|l| {
                    let level = if l.level == LintLevel::Error { "error" } else { "warning" };
                    format!("{}: {level} {}: {}", l.location, l.code, l.message)
                })
                .collect();
            (format!("{} warnings, {errors} errors", found.len() - errors), lines)
        }
        Signal::Rustfmt => {
            let hunks = quality.rustfmt.as_deref().unwrap_or_default();
            (format!("{} places rustfmt would change", hunks.len()), located(hunks))
        }
        Signal::Docs => {
            let docs = &quality.docs;
            (format!("{} of {} public items documented", docs.documented, docs.public), located(&docs.missing))
        }
        Signal::FunctionLength => match &quality.longest_function {
            Some(f) => (
                format!("`{}` is {} lines (full marks up to {FULL_LINES}, none from {ZERO_LINES})", f.name, f.lines),
                vec![format!("{}: fn `{}` is {} lines", f.location, f.name, f.lines)],
            ),
            None => ("no functions".to_owned(), Vec::new()),
        },
        Signal::Unwraps => (format!("{} calls outside tests", quality.unwraps.len()), located(&quality.unwraps)),
    }
}

fn case_evidence(out: &mut String, case: &CaseResult, reveal: bool) {
    let meta = &case.meta;
    let _ = writeln!(out, "  ✗ {} ({}, weight {}): {}", meta.name, meta.kind, meta.weight, case.outcome.label());
    let _ = writeln!(out, "    why: {}", meta.why);
    if let Some(failure) = &case.failure {
        let _ = writeln!(out, "{}", indent(&failure.message, "    "));
        if let Some(diff) = &failure.diff {
            let _ = writeln!(out, "    diff (- expected, + actual):\n{}", indent(diff.trim_end(), "      "));
        }
        if reveal {
            if let Some(input) = &failure.input {
                let mut how = Vec::new();
                if let Some(seed) = failure.trial_seed {
                    how.push(format!("trial seed {seed}"));
                }
                if let Some(steps) = failure.shrink_steps {
                    how.push(format!("shrunk in {steps} steps"));
                }
                let how = if how.is_empty() { String::new() } else { format!(" ({})", how.join(", ")) };
                let _ = writeln!(out, "    input{how}:\n{}", indent(input, "      "));
            }
        }
    }
    if !case.output.trim().is_empty() {
        let lines: Vec<&str> = case.output.trim_end().lines().collect();
        let shown = lines.len().min(OUTPUT_LINES);
        let _ = writeln!(out, "    output:");
        let _ = writeln!(out, "{}", indent(&lines[..shown].join("\n"), "      | "));
        if lines.len() > shown {
            let _ = writeln!(out, "      | … {} more lines", lines.len() - shown);
        }
    }
}

/// The verify table and its summary line.
pub fn verification(verification: &Verification) -> String {
    let mut t = table(&["Problem", "Solution", "Expected", "Got", "Total", "Result", "Known bug"]);
    for row in &verification.rows {
        t.add_row(vec![
            Cell::new(&row.problem),
            Cell::new(&row.solution),
            Cell::new(&row.expected),
            Cell::new(&row.got),
            Cell::new(points(row.total)).set_alignment(CellAlignment::Right),
            Cell::new(if row.ok { "ok" } else { "MISMATCH" }),
            Cell::new(row.bug.as_deref().unwrap_or("")),
        ]);
    }
    let mut out = format!("{t}\n");
    for row in verification.rows.iter().filter(|r| !r.ok) {
        let _ = writeln!(out, "✗ {}/{}: {}", row.problem, row.solution, row.mismatch.as_deref().unwrap_or_default());
    }
    let bad = verification.rows.iter().filter(|r| !r.ok).count();
    let _ = writeln!(
        out,
        "{} solutions checked, {}",
        verification.rows.len(),
        if bad == 0 { "all as expected".to_owned() } else { format!("{bad} not as expected") }
    );
    out
}

/// One progress line for verify (to stderr).
pub fn progress(row: &Row) -> String {
    format!("{}/{}: {} ({})", row.problem, row.solution, if row.ok { "ok" } else { "MISMATCH" }, row.got)
}

/// The problem list.
pub fn problems(problems: &[Problem]) -> String {
    let mut t = table(&["Problem", "Title", "Level", "Minutes", "Patterns"]);
    for p in problems {
        let m = &p.manifest;
        t.add_row(vec![
            Cell::new(&p.slug),
            Cell::new(&m.title),
            Cell::new(format!("{:?}", m.difficulty).to_lowercase()),
            Cell::new(m.time_box_minutes).set_alignment(CellAlignment::Right),
            Cell::new(m.tags.join(", ")),
        ]);
    }
    format!("{t}\n")
}

/// A problem's header and spec (and interviewer notes when asked).
pub fn problem(problem: &Problem, spec: &str, interviewer: Option<&str>) -> String {
    let m = &problem.manifest;
    let mut out = format!(
        "{} · {} ({:?}, {} minutes)\nstages: {}\nrubric: correctness {}, edge cases {}, performance {}, quality {}\n\n{}",
        problem.slug,
        m.title,
        m.difficulty,
        m.time_box_minutes,
        m.stages.iter().map(|s| format!("{} ({})", s.id, s.title)).collect::<Vec<_>>().join(", "),
        m.rubric.correctness,
        m.rubric.edge_cases,
        m.rubric.performance,
        m.rubric.quality,
        spec.trim_end()
    );
    out.push('\n');
    if let Some(notes) = interviewer {
        out.push_str("\n---- interviewer notes ----\n\n");
        out.push_str(notes.trim_end());
        out.push('\n');
    }
    out
}

fn points(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 { format!("{}", x.round() as i64) } else { format!("{x:.1}") }
}

fn indent(text: &str, prefix: &str) -> String {
    text.lines().map(|l| format!("{prefix}{l}")).collect::<Vec<_>>().join("\n")
}
