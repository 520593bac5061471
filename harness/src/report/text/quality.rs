//! The quality area's evidence for a terminal: its row in the rubric table, and each signal that lost points with its
//! deductions located `file:line`. All quality-evidence rendering lives here.

use super::indent;
use crate::report::points;
use crate::report::style::{BOLD, Paint};
use harness_engine::quality::signals::{Item, Summary};
use harness_engine::quality::{LintLevel, Quality, Tool};
use harness_engine::rubric::{AreaScore, PartScore, Signal};
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
        let _ = writeln!(out, "  note: {}", crate::report::quality::uncounted(note));
    }
}

/// A signal's one-line summary and its evidence lines, phrased from the evidence its unit gives.
fn signal_evidence(quality: &Quality, signal: Signal) -> (String, Vec<String>) {
    let evidence = signal.evidence(quality);
    (summary(&evidence.summary), evidence.items.iter().map(item).collect())
}

/// What a signal counted, in words.
fn summary(summary: &Summary) -> String {
    match summary {
        Summary::Passed { total: 0, .. } => "none ran".to_owned(),
        Summary::Passed { passed, total } => format!("{passed}/{total} passed"),
        Summary::Lints { warnings, errors, silencers } => {
            format!("{warnings} warnings, {errors} errors{}", silenced(*silencers))
        }
        Summary::Unformatted { places, silencers } => {
            format!("{places} places rustfmt would change{}", silenced(*silencers))
        }
        Summary::Documented { documented, public } => format!("{documented} of {public} public items documented"),
        Summary::Longest { function: Some((name, lines)), full, zero } => {
            format!("`{name}` is {lines} lines (full marks up to {full}, none from {zero})")
        }
        Summary::Longest { function: None, .. } => "no functions".to_owned(),
        Summary::Calls(count) => format!("{count} calls outside tests"),
    }
}

/// One evidence line.
fn item(item: &Item) -> String {
    match item {
        Item::FailedTest(name) => format!("✗ {name}"),
        Item::Uncountable(note) => crate::report::quality::uncountable(note),
        Item::Lint { location, level, code, message } => {
            let level = if *level == LintLevel::Error { "error" } else { "warning" };
            format!("{location}: {level} {code}: {message}")
        }
        Item::Silencer { location, attribute, tool } => {
            let name = match tool {
                Tool::Clippy => "clippy",
                Tool::Rustfmt => "rustfmt",
            };
            format!("{location}: `{attribute}` silences {name} (counted like what it hides)")
        }
        Item::Found(finding) => format!("{}: {}", finding.location, finding.message),
        Item::Function { location, name, lines } => format!("{location}: fn `{name}` is {lines} lines"),
    }
}

/// `, 2 silencing attributes` when there are any.
fn silenced(count: usize) -> String {
    match count {
        0 => String::new(),
        1 => ", 1 silencing attribute".to_owned(),
        n => format!(", {n} silencing attributes"),
    }
}
