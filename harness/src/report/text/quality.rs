//! The quality area's evidence for a terminal: its row in the rubric table, and each signal that lost points with its
//! deductions located `file:line`. All quality-evidence rendering lives here.

use super::indent;
use crate::report::points;
use crate::report::style::{BOLD, Paint};
use harness_engine::quality::{LintLevel, Quality, Tool};
use harness_engine::rubric::{AreaScore, FULL_LINES, PartScore, Signal, ZERO_LINES};
use std::fmt::Write;

/// Evidence lines shown per quality signal (the JSON report has them all).
const EVIDENCE_LINES: usize = 10;

/// The quality row of the score table: own tests, and the other signals that lost points.
pub(super) fn quality_summary(quality: &Quality, area: &AreaScore, behaviour: f64) -> String {
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
    if behaviour < 1.0 {
        let _ = write!(summary, "; × {behaviour:.2} for the behaviour that works");
    }
    summary
}

/// Each quality signal that lost points, its points and the evidence (file:line) for each deduction; then notes on
/// signals that could not be counted.
pub(super) fn quality_evidence(out: &mut String, quality: &Quality, area: &AreaScore, behaviour: f64, paint: Paint) {
    let lost: Vec<&PartScore> = area.parts.iter().filter(|p| !p.full()).collect();
    if lost.is_empty() && quality.notes.is_empty() && behaviour >= 1.0 {
        return;
    }
    let _ = writeln!(out, "\n{}", paint.paint(BOLD, "Quality"));
    if behaviour < 1.0 {
        let _ = writeln!(
            out,
            "  × {behaviour:.2}: quality points follow the behaviour that works ({:.0}% of the case points were earned)",
            behaviour * 100.0
        );
    }
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
    let located = |items: &[harness_engine::quality::Finding]| -> Vec<String> {
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
            let mut lines: Vec<String> = found
                .iter()
                .map(|l| {
                    let level = if l.level == LintLevel::Error { "error" } else { "warning" };
                    format!("{}: {level} {}: {}", l.location, l.code, l.message)
                })
                .collect();
            lines.extend(silencers(quality, Tool::Clippy));
            let mut summary = format!("{} warnings, {errors} errors", found.len() - errors);
            silenced_count(&mut summary, quality.silencers(Tool::Clippy));
            (summary, lines)
        }
        Signal::Rustfmt => {
            let hunks = quality.rustfmt.as_deref().unwrap_or_default();
            let mut lines = located(hunks);
            lines.extend(silencers(quality, Tool::Rustfmt));
            let mut summary = format!("{} places rustfmt would change", hunks.len());
            silenced_count(&mut summary, quality.silencers(Tool::Rustfmt));
            (summary, lines)
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

/// Each attribute that silences `tool`, located.
fn silencers(quality: &Quality, tool: Tool) -> Vec<String> {
    let name = match tool {
        Tool::Clippy => "clippy",
        Tool::Rustfmt => "rustfmt",
    };
    quality
        .silenced
        .iter()
        .filter(|s| s.tool == tool)
        .map(|s| format!("{}: `{}` silences {name} (counted like what it hides)", s.location, s.attribute))
        .collect()
}

fn silenced_count(summary: &mut String, count: usize) {
    if count > 0 {
        let _ = write!(summary, ", {count} silencing attribute{}", if count == 1 { "" } else { "s" });
    }
}
