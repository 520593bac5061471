//! Text rendering for terminals: tables (comfy-table) and evidence lines.

use crate::grade::{Grade, Verdict};
use crate::problem::Problem;
use crate::rubric::Area;
use crate::trial::CaseResult;
use crate::verify::{Row, Verification};
use comfy_table::{Cell, CellAlignment, ContentArrangement, Table, presets};
use std::fmt::Write;

/// Lines of a case's captured output shown under its evidence.
const OUTPUT_LINES: usize = 8;

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
            Area::Quality => quality_summary(grade),
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
    let measured: Vec<&CaseResult> = grade.cases.iter().filter(|c| c.scaling.is_some() && c.outcome.passed()).collect();
    if !measured.is_empty() {
        let _ = writeln!(out, "\nScaling");
        for case in measured {
            let scaling = case.scaling.as_ref().expect("filtered on scaling");
            let _ = writeln!(out, "  ✓ {}: {}", case.meta.name, scaling.summary);
        }
    }
    if grade.verdict.built() && (!grade.quality.failed.is_empty() || grade.quality.note.is_some()) {
        let _ = writeln!(out, "\nOwn tests");
        for name in &grade.quality.failed {
            let _ = writeln!(out, "  ✗ {name}");
        }
        if let Some(note) = &grade.quality.note {
            let _ = writeln!(out, "{}", indent(note, "  "));
        }
    }
    for note in &grade.notes {
        let _ = writeln!(out, "note: {note}");
    }
    if grade.verdict.built() {
        let t = grade.timings;
        let _ = writeln!(
            out,
            "\nbuilt in {:.1}s · scaling measured in {:.1}s ({}) · {} cases in {:.1}s · own tests in {:.1}s",
            t.build_secs,
            t.measure_secs,
            grade.meter.name(),
            grade.cases.len(),
            t.run_secs,
            t.tests_secs
        );
        if !reveal && grade.cases.iter().any(|c| c.failure.as_ref().is_some_and(|f| f.input.is_some())) {
            let _ = writeln!(out, "(failing inputs are hidden; pass --reveal to show them)");
        }
    }
    out
}

fn quality_summary(grade: &Grade) -> String {
    let q = &grade.quality;
    if q.total == 0 { "no own tests ran".to_owned() } else { format!("{}/{} own tests passed", q.passed, q.total) }
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
    let measured: Vec<&Row> = verification.rows.iter().filter(|r| !r.measurements.is_empty()).collect();
    if !measured.is_empty() {
        let mut t =
            table(&["Problem", "Solution", "Scaling case", "Growth", "Slope (cand / ref)", "Cost ratio", "Earned"]);
        for row in measured {
            for m in &row.measurements {
                let slope = |s: Option<f64>| s.map_or("–".to_owned(), |s| format!("{s:.2}"));
                t.add_row(vec![
                    Cell::new(&row.problem),
                    Cell::new(&row.solution),
                    Cell::new(&m.case),
                    Cell::new(format!("{:?}", m.growth).to_lowercase()),
                    Cell::new(format!("{} / {}", slope(m.candidate_slope), slope(m.reference_slope))),
                    Cell::new(format!("{:.2}× at n = {} ({})", m.ratio, m.size, m.unit.name())),
                    Cell::new(format!("{:.0}%", m.score * 100.0)).set_alignment(CellAlignment::Right),
                ]);
            }
        }
        let _ = writeln!(out, "\nScaling measurements\n{t}");
    }
    if !verification.budgets.is_empty() {
        let mut t = table(&[
            "Problem",
            "Scaling case",
            "Slowest accepted",
            "Fastest too slow",
            "Window",
            "speed_ratio",
            "Result",
        ]);
        for b in &verification.budgets {
            let named =
                |s: &Option<(String, f64)>| s.as_ref().map_or("–".to_owned(), |(n, r)| format!("{r:.2}× {n}"));
            t.add_row(vec![
                Cell::new(&b.problem),
                Cell::new(&b.case),
                Cell::new(named(&b.slowest_accepted)),
                Cell::new(named(&b.fastest_too_slow)),
                Cell::new(format!("{:.2}× … {}", b.low, b.high.map_or("∞".to_owned(), |h| format!("{h:.2}×")))),
                Cell::new(format!("{}×", b.budget)),
                Cell::new(if b.ok {
                    "ok"
                } else if b.high.is_some_and(|h| h < b.low) {
                    "EMPTY"
                } else {
                    "OUTSIDE"
                }),
            ]);
        }
        let _ = writeln!(out, "\nSpeed budgets (slowest accepted × 2 ≤ speed_ratio ≤ fastest too slow ÷ 1.5)\n{t}");
        for b in verification.budgets.iter().filter(|b| !b.ok) {
            let _ = writeln!(
                out,
                "✗ {}/{}: speed_ratio {}× is outside the window {:.2}× … {}",
                b.problem,
                b.case,
                b.budget,
                b.low,
                b.high.map_or("∞".to_owned(), |h| format!("{h:.2}×"))
            );
        }
    }
    for row in verification.rows.iter().filter(|r| !r.ok) {
        let _ = writeln!(out, "✗ {}/{}: {}", row.problem, row.solution, row.mismatch.as_deref().unwrap_or_default());
    }
    let bad = verification.rows.iter().filter(|r| !r.ok).count();
    let bad_budgets = verification.budgets.iter().filter(|b| !b.ok).count();
    let _ = writeln!(
        out,
        "{} solutions checked, {}{}",
        verification.rows.len(),
        if bad == 0 { "all as expected".to_owned() } else { format!("{bad} not as expected") },
        if bad_budgets == 0 { String::new() } else { format!("; {bad_budgets} speed budgets outside their window") }
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
