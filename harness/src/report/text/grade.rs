//! A grade's report for a terminal: header, verdict, rubric table, band line, failed cases with their evidence,
//! scaling evidence, the quality area (see [`super::quality`]), notes, timings and confinement.

use super::diff::{diff_line, inline_diff, short_line};
use super::quality::{quality_evidence, quality_summary};
use super::{indent, table};
use crate::report::model::{Report, Status, Test};
use crate::report::style::{BOLD, DIM, GREEN, Paint, RED};
use crate::report::{band, points, scaling, verdict};
use comfy_table::{Cell, CellAlignment, Color, Table};
use harness_engine::grade::Verdict;
use harness_engine::rubric::{Area, Band};
use harness_sandbox::{Backend, Layer};
use std::fmt::Write;

/// Lines of a case's captured output shown under its evidence.
const OUTPUT_LINES: usize = 8;

/// The grade report: header, score table, failed-case evidence, quality, timings. `colour` adds ANSI styles.
pub fn grade(report: &Report, colour: bool) -> String {
    let paint = Paint { colour };
    let mut out = String::new();
    let _ = writeln!(out, "{}", paint.paint(BOLD, &format!("{} · {}", report.problem, report.title)));
    let _ = writeln!(out, "candidate: {}   seed: {}", report.candidate, report.seed);
    let _ = writeln!(out);
    verdict(&mut out, &report.verdict, paint);
    let _ = writeln!(out, "{}", scores(report, colour));
    if let Some(line) = band::line(&report.scorecard).filter(|_| report.built()) {
        let _ = writeln!(out, "{}", paint.paint(BOLD, &line));
    }
    failed_cases(&mut out, report, paint);
    scaling_evidence(&mut out, report, paint);
    if report.built() {
        let card = &report.scorecard;
        quality_evidence(&mut out, &report.quality, card.area(Area::Quality), card.behaviour, paint);
    }
    for note in &report.notes {
        let _ = writeln!(out, "note: {note}");
    }
    if report.built() {
        run_lines(&mut out, report, paint);
    }
    out
}

/// Why no case ran, for a candidate that was not graded: the compiler's diagnostics or the reason it was rejected.
fn verdict(out: &mut String, verdict: &Verdict, paint: Paint) {
    match verdict {
        Verdict::Graded => {}
        Verdict::CompileError { diagnostics } | Verdict::ApiMismatch { diagnostics } => {
            let title = format!("✗ {}: no case was run.", verdict::title(verdict));
            let _ = writeln!(out, "{}\n", paint.paint(RED.bold(), &title));
            if matches!(verdict, Verdict::ApiMismatch { .. }) {
                let _ = writeln!(
                    out,
                    "The hidden suite calls the API the spec describes; check names, argument and return types.\n"
                );
            }
            let _ = writeln!(out, "{}\n", diagnostics.trim_end());
        }
        Verdict::Rejected { reason } => {
            let _ =
                writeln!(out, "{}\n", paint.paint(RED.bold(), &format!("✗ rejected: {}", verdict::rejection(reason))));
        }
    }
}

/// Each failed case with its evidence.
fn failed_cases(out: &mut String, report: &Report, paint: Paint) {
    let failed: Vec<&Test> = report.failed().collect();
    if !failed.is_empty() {
        let _ = writeln!(out, "\n{}", paint.paint(BOLD, "Failed cases"));
        for test in failed {
            case_evidence(out, test, paint);
        }
    }
}

/// The measurement summary of each scaling case that passed.
fn scaling_evidence(out: &mut String, report: &Report, paint: Paint) {
    let measured: Vec<&Test> =
        report.tests.iter().filter(|t| t.status == Status::Pass && t.scaling.is_some()).collect();
    if !measured.is_empty() {
        let _ = writeln!(out, "\n{}", paint.paint(BOLD, "Scaling"));
        for test in measured {
            let summary = test.scaling.as_ref().map_or("", |s| s.summary.as_str());
            let _ = writeln!(out, "  {} {}: {summary}", paint.paint(GREEN, "✓"), test.name);
        }
    }
}

/// How the grade ran: its timings, how the candidate's code was confined, and whether failing inputs are hidden.
fn run_lines(out: &mut String, report: &Report, paint: Paint) {
    let t = report.timings;
    let line = format!(
        "built in {:.1}s · scaling measured in {:.1}s ({}) · {} cases in {:.1}s · own tests in {:.1}s · lints in {:.1}s",
        t.build_secs,
        t.measure_secs,
        scaling::unit_name(report.meter),
        report.tests.len(),
        t.run_secs,
        t.tests_secs,
        t.lint_secs
    );
    let _ = writeln!(out, "\n{}", paint.paint(DIM, &line));
    let _ = writeln!(out, "{}", paint.paint(DIM, &confinement(report)));
    if report.inputs_hidden() {
        let _ = writeln!(out, "(failing inputs are hidden; pass --reveal to show them)");
    }
}

/// What confined the candidate's code: the sandbox and its layers, or what ran without one.
fn confinement(report: &Report) -> String {
    if report.sandbox.sandboxed {
        let landlock = report.sandbox.has(|l| matches!(l, Layer::Landlock { .. }));
        let bubblewrap = report.sandbox.has(|l| *l == Layer::Namespaces(Backend::Bubblewrap));
        format!(
            "candidate code ran in a sandbox: {} (no network, no host files){}, unprivileged, rlimits",
            if bubblewrap { "bubblewrap" } else { "namespaces" },
            if landlock { ", Landlock" } else { "" }
        )
    } else if report.sandbox.has(|l| matches!(l, Layer::Cgroup { .. })) {
        "candidate code ran WITHOUT a sandbox (--allow-unsandboxed): process group, rlimits and a cgroup only"
            .to_owned()
    } else {
        "candidate code ran WITHOUT a sandbox (--allow-unsandboxed): process group and rlimits only".to_owned()
    }
}

/// The rubric table; with colour, points are green when full, yellow when partial, red when none, and so is the band.
fn scores(report: &Report, colour: bool) -> Table {
    let mut scores = table(&["Area", "Points", "Evidence"]);
    if colour {
        scores.enforce_styling();
    }
    let tint = |cell: Cell, tone: Color| if colour { cell.fg(tone) } else { cell };
    for area in &report.scorecard.areas {
        let evidence = match area.area {
            _ if !report.built() => "not run".to_owned(),
            Area::Quality => quality_summary(&report.quality, area, report.scorecard.behaviour),
            _ if area.total == 0 => "no cases".to_owned(),
            _ => format!("{}/{} cases passed", area.passed, area.total),
        };
        let tone = if area.full() {
            Color::Green
        } else if area.points > 0.0 {
            Color::Yellow
        } else {
            Color::Red
        };
        let earned = Cell::new(format!("{}/{}", points(area.points), area.max)).set_alignment(CellAlignment::Right);
        scores.add_row(vec![Cell::new(area.area.title()), tint(earned, tone), Cell::new(evidence)]);
    }
    let band = report.scorecard.band;
    let tone = match band {
        Band::StrongHire | Band::Hire => Color::Green,
        Band::LeanNo => Color::Yellow,
        Band::NoHire => Color::Red,
    };
    let card = &report.scorecard;
    let band_cell = if card.binding_cap().is_some() {
        format!("{} (capped; the areas sum to {})", band.title(), points(card.points))
    } else {
        band.title().to_owned()
    };
    scores.add_row(vec![
        Cell::new("Total"),
        Cell::new(format!("{}/100", points(card.total))).set_alignment(CellAlignment::Right),
        tint(Cell::new(band_cell), tone),
    ]);
    scores
}

fn case_evidence(out: &mut String, test: &Test, paint: Paint) {
    let _ = writeln!(
        out,
        "  {} {} ({}, weight {}): {}",
        paint.paint(RED, "✗"),
        paint.paint(BOLD, &test.name),
        test.kind,
        test.weight,
        test.outcome.label()
    );
    let _ = writeln!(out, "    {} {}", paint.paint(DIM, "why:"), test.why);
    if let Some(failure) = &test.failure {
        let _ = writeln!(out, "{}", indent(&failure.message, "    "));
        match (&failure.expected, &failure.actual, &failure.diff) {
            (Some(expected), Some(actual), _) if short_line(expected) && short_line(actual) => {
                let (expected, actual) = inline_diff(expected, actual, paint);
                let _ = writeln!(out, "    expected: {expected}\n    actual:   {actual}");
            }
            (_, _, Some(diff)) => {
                let _ = writeln!(out, "    diff (- expected, + actual):");
                for line in diff.trim_end().lines() {
                    let _ = writeln!(out, "      {}", diff_line(line, paint));
                }
            }
            _ => {}
        }
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
    if let Some(output) = test.output.as_deref().filter(|o| !o.trim().is_empty()) {
        let lines: Vec<&str> = output.trim_end().lines().collect();
        let shown = lines.len().min(OUTPUT_LINES);
        let _ = writeln!(out, "    output:");
        let _ = writeln!(out, "{}", indent(&lines[..shown].join("\n"), "      | "));
        if lines.len() > shown {
            let _ = writeln!(out, "      | … {} more lines", lines.len() - shown);
        }
    }
}
