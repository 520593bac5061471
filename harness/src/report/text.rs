//! Text rendering for terminals: tables (comfy-table) and evidence lines, coloured (anstyle) when asked.

use crate::history::{Attempt, Progress};
use crate::report::model::{Report, Status, Test};
use crate::report::style::{BOLD, CYAN, DIM, GREEN, GREEN_EMPHASIS, Paint, RED, RED_EMPHASIS};
use crate::report::{band, points, scaling, session};
use anstyle::Style;
use comfy_table::{Cell, CellAlignment, Color, ContentArrangement, Table, presets};
use harness_engine::batch::{Batch, Event};
use harness_engine::clock;
use harness_engine::coverage::{Coverage, Gap};
use harness_engine::grade::Verdict;
use harness_engine::leaderboard::{Entry, Leaderboard};
use harness_engine::mutants::MutationScore;
use harness_engine::problem::Problem;
use harness_engine::quality::signals::{FULL_LINES, ZERO_LINES};
use harness_engine::quality::{LintLevel, Quality, Tool};
use harness_engine::rubric::{Area, AreaScore, Band, PartScore, Signal};
use harness_engine::verify::{BudgetWindow, Row, Verification};
use harness_sandbox::Layer;
use similar::{ChangeTag, TextDiff};
use std::fmt::Write;

/// Lines of a case's captured output shown under its evidence.
const OUTPUT_LINES: usize = 8;
/// Expected and actual values up to this long, each on one line, are shown side by side with the changed words marked.
const INLINE_MAX_CHARS: usize = 100;
/// Evidence lines shown per quality signal (the JSON report has them all).
const EVIDENCE_LINES: usize = 10;

fn table(header: &[&str]) -> Table {
    let mut table = Table::new();
    table.load_style(presets::UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Disabled);
    table.set_header(header.iter().map(Cell::new));
    table
}

/// The grade report: header, score table, failed-case evidence, quality, timings. `colour` adds ANSI styles.
pub fn grade(report: &Report, colour: bool) -> String {
    let paint = Paint { colour };
    let mut out = String::new();
    let _ = writeln!(out, "{}", paint.paint(BOLD, &format!("{} · {}", report.problem, report.title)));
    let _ = writeln!(out, "candidate: {}   seed: {}", report.candidate, report.seed);
    let _ = writeln!(out);
    match &report.verdict {
        Verdict::Graded => {}
        Verdict::CompileError { diagnostics } | Verdict::ApiMismatch { diagnostics } => {
            let title = format!("✗ {}: no case was run.", report.verdict.title());
            let _ = writeln!(out, "{}\n", paint.paint(RED.bold(), &title));
            if matches!(report.verdict, Verdict::ApiMismatch { .. }) {
                let _ = writeln!(
                    out,
                    "The hidden suite calls the API the spec describes; check names, argument and return types.\n"
                );
            }
            let _ = writeln!(out, "{}\n", diagnostics.trim_end());
        }
        Verdict::Rejected { reason } => {
            let _ = writeln!(out, "{}\n", paint.paint(RED.bold(), &format!("✗ rejected: {reason}")));
        }
    }
    let _ = writeln!(out, "{}", scores(report, colour));
    if let Some(line) = band::line(&report.scorecard).filter(|_| report.built()) {
        let _ = writeln!(out, "{}", paint.paint(BOLD, &line));
    }

    let failed: Vec<&Test> = report.failed().collect();
    if !failed.is_empty() {
        let _ = writeln!(out, "\n{}", paint.paint(BOLD, "Failed cases"));
        for test in failed {
            case_evidence(&mut out, test, paint);
        }
    }
    let measured: Vec<&Test> =
        report.tests.iter().filter(|t| t.status == Status::Pass && t.scaling.is_some()).collect();
    if !measured.is_empty() {
        let _ = writeln!(out, "\n{}", paint.paint(BOLD, "Scaling"));
        for test in measured {
            let summary = test.scaling.as_ref().map_or("", |s| s.summary.as_str());
            let _ = writeln!(out, "  {} {}: {summary}", paint.paint(GREEN, "✓"), test.name);
        }
    }
    if report.built() {
        let card = &report.scorecard;
        quality_evidence(&mut out, &report.quality, card.area(Area::Quality), card.behaviour, paint);
    }
    for note in &report.notes {
        let _ = writeln!(out, "note: {note}");
    }
    if report.built() {
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
        let confinement = if report.sandbox.sandboxed {
            let landlock = report.sandbox.has(|l| matches!(l, Layer::Landlock { .. }));
            format!(
                "candidate code ran in a sandbox: bubblewrap (no network, no host files){}, unprivileged, rlimits",
                if landlock { ", Landlock" } else { "" }
            )
        } else if report.sandbox.has(|l| matches!(l, Layer::Cgroup { .. })) {
            "candidate code ran WITHOUT a sandbox (--allow-unsandboxed): process group, rlimits and a cgroup only"
                .to_owned()
        } else {
            "candidate code ran WITHOUT a sandbox (--allow-unsandboxed): process group and rlimits only".to_owned()
        };
        let _ = writeln!(out, "{}", paint.paint(DIM, &confinement));
        if report.inputs_hidden() {
            let _ = writeln!(out, "(failing inputs are hidden; pass --reveal to show them)");
        }
    }
    out
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

/// The quality row of the score table: own tests, and the other signals that lost points.
fn quality_summary(quality: &Quality, area: &AreaScore, behaviour: f64) -> String {
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
fn quality_evidence(out: &mut String, quality: &Quality, area: &AreaScore, behaviour: f64, paint: Paint) {
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

/// A value short enough to show on one line with its changed words emphasised.
fn short_line(value: &str) -> bool {
    !value.contains('\n') && value.chars().count() <= INLINE_MAX_CHARS
}

/// `expected` and `actual` with the words that differ emphasised: in colour (bold, underlined), or plain with the
/// diff's own markers, `[-removed-]` and `{+added+}`.
fn inline_diff(expected: &str, actual: &str, paint: Paint) -> (String, String) {
    let old = tokens(expected);
    let new = tokens(actual);
    let diff = TextDiff::from_slices(&old, &new);
    let (mut left, mut right) = (Vec::<(bool, String)>::new(), Vec::<(bool, String)>::new());
    let push = |side: &mut Vec<(bool, String)>, changed: bool, text: &str| match side.last_mut() {
        Some((c, t)) if *c == changed => t.push_str(text),
        _ => side.push((changed, text.to_owned())),
    };
    for change in diff.iter_all_changes() {
        match change.tag() {
            ChangeTag::Equal => {
                push(&mut left, false, change.value());
                push(&mut right, false, change.value());
            }
            ChangeTag::Delete => push(&mut left, true, change.value()),
            ChangeTag::Insert => push(&mut right, true, change.value()),
        }
    }
    let render = |side: Vec<(bool, String)>, style: Style, (open, close): (&str, &str)| {
        side.into_iter()
            .map(|(changed, text)| match (changed, paint.colour) {
                (false, _) => text,
                (true, true) => paint.paint(style, &text),
                (true, false) => format!("{open}{text}{close}"),
            })
            .collect::<String>()
    };
    (render(left, RED_EMPHASIS, ("[-", "-]")), render(right, GREEN_EMPHASIS, ("{+", "+}")))
}

/// Words (letters, digits, `_`, `.`) and single other characters.
fn tokens(text: &str) -> Vec<&str> {
    let word = |c: char| c.is_alphanumeric() || c == '_' || c == '.';
    let mut tokens = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        let end = i + c.len_utf8();
        let next_is_word = text[end..].chars().next().is_some_and(word);
        if !(word(c) && next_is_word) {
            tokens.push(&text[start..end]);
            start = end;
        }
    }
    tokens
}

/// One line of the support crate's diff: `-` red, `+` green, with its `[-…-]` / `{+…+}` marks turned into emphasis when
/// colouring (kept as they are otherwise).
fn diff_line(line: &str, paint: Paint) -> String {
    if !paint.colour {
        return line.to_owned();
    }
    let (base, emphasis, open, close) = match line.chars().next() {
        Some('-') => (RED, RED_EMPHASIS, "[-", "-]"),
        Some('+') => (GREEN, GREEN_EMPHASIS, "{+", "+}"),
        _ => return line.to_owned(),
    };
    let mut out = String::new();
    let mut rest = line;
    while let Some(start) = rest.find(open) {
        let Some(len) = rest[start + open.len()..].find(close) else { break };
        out.push_str(&paint.paint(base, &rest[..start]));
        out.push_str(&paint.paint(emphasis, &rest[start + open.len()..start + open.len() + len]));
        rest = &rest[start + open.len() + len + close.len()..];
    }
    out.push_str(&paint.paint(base, rest));
    out
}

/// The verify tables (solutions, caps, scaling measurements, speed budgets) and the summary lines.
pub fn verification(verification: &Verification) -> String {
    let mut out = format!("{}\n", solutions_table(&verification.rows));
    let capped: Vec<&Row> = verification.rows.iter().filter(|r| r.cap.is_some()).collect();
    if !capped.is_empty() {
        let mut t = table(&["Problem", "Solution", "Why the band is capped"]);
        for row in capped {
            let line = row.cap.as_ref().map(band::cap_line).unwrap_or_default();
            t.add_row(vec![Cell::new(&row.problem), Cell::new(&row.solution), Cell::new(line)]);
        }
        let _ = writeln!(out, "\nCaps\n{t}");
    }
    if !verification.coverage.is_empty() {
        let _ = writeln!(
            out,
            "\nRule coverage (each rule of the spec and the hidden cases that check it)\n{}",
            coverage_table(&verification.coverage)
        );
    }
    let measured: Vec<&Row> = verification.rows.iter().filter(|r| !r.measurements.is_empty()).collect();
    if !measured.is_empty() {
        let _ = writeln!(out, "\nScaling measurements\n{}", measurements_table(&measured));
    }
    if !verification.budgets.is_empty() {
        let _ = writeln!(
            out,
            "\nSpeed budgets (slowest accepted × 2 ≤ speed_ratio ≤ fastest too slow ÷ 1.5)\n{}",
            budgets_table(&verification.budgets)
        );
    }
    verification_summary(&mut out, verification);
    out
}

/// One row per solution and starter: what it declares, what it got, its band.
fn solutions_table(rows: &[Row]) -> Table {
    let mut t =
        table(&["Problem", "Solution", "Expected", "Got", "Total", "Band (declared → got)", "Result", "Known bug"]);
    for row in rows {
        let band = match row.expected_band {
            Some(declared) if declared == row.band => declared.title().to_owned(),
            Some(declared) => format!("{} → {}", declared.title(), row.band.title()),
            None => "–".to_owned(),
        };
        t.add_row(vec![
            Cell::new(&row.problem),
            Cell::new(&row.solution),
            Cell::new(&row.expected),
            Cell::new(&row.got),
            Cell::new(points(row.total)).set_alignment(CellAlignment::Right),
            Cell::new(band),
            Cell::new(if row.ok { "ok" } else { "MISMATCH" }),
            Cell::new(row.bug.as_deref().unwrap_or("")),
        ]);
    }
    t
}

/// Each problem's rules with the cases that check them (or why none does).
fn coverage_table(coverage: &[Coverage]) -> Table {
    let mut t = table(&["Problem", "Rule", "Checked by"]);
    for problem in coverage {
        for rule in &problem.rules {
            let by = match (&rule.unchecked, rule.cases.is_empty()) {
                (Some(why), _) => format!("unchecked: {why}"),
                (None, true) => "NO CASE".to_owned(),
                (None, false) => rule.cases.join(", "),
            };
            t.add_row(vec![Cell::new(&problem.problem), Cell::new(&rule.rule), Cell::new(by)]);
        }
    }
    t
}

/// One line for a coverage gap.
fn gap_line(problem: &str, gap: &Gap) -> String {
    match gap {
        Gap::Uncovered { rule } => {
            format!("✗ {problem}: rule {rule} has no case (add one, or say why in [[unchecked_rules]])")
        }
        Gap::UnknownRule { case, rule } => {
            format!("✗ {problem}: case `{case}` names rule {rule}, which the spec does not have")
        }
        Gap::NoRule { case } => format!("✗ {problem}: case `{case}` names no rule (`.rules(&[\"R1\"])`)"),
        Gap::StaleUnchecked { rule } => {
            format!("✗ {problem}: [[unchecked_rules]] names {rule}, which a case checks or the spec does not have")
        }
    }
}

/// Growth, slopes, cost ratio and share earned of every measured scaling case.
fn measurements_table(measured: &[&Row]) -> Table {
    let mut t = table(&["Problem", "Solution", "Scaling case", "Growth", "Slope (cand / ref)", "Cost ratio", "Earned"]);
    for row in measured {
        for m in &row.measurements {
            let slope = |s: Option<f64>| s.map_or("–".to_owned(), |s| format!("{s:.2}"));
            t.add_row(vec![
                Cell::new(&row.problem),
                Cell::new(&row.solution),
                Cell::new(&m.case),
                Cell::new(format!("{:?}", m.growth).to_lowercase()),
                Cell::new(format!("{} / {}", slope(m.candidate_slope), slope(m.reference_slope))),
                Cell::new(format!("{:.2}× at n = {} ({})", m.ratio, m.size, scaling::unit_name(m.unit))),
                Cell::new(format!("{:.0}%", m.score * 100.0)).set_alignment(CellAlignment::Right),
            ]);
        }
    }
    t
}
/// The speed budgets against the windows the solutions allow.
fn budgets_table(budgets: &[BudgetWindow]) -> Table {
    let mut t =
        table(&["Problem", "Scaling case", "Slowest accepted", "Fastest too slow", "Window", "speed_ratio", "Result"]);
    for b in budgets {
        let named = |s: &Option<(String, f64)>| s.as_ref().map_or("–".to_owned(), |(n, r)| format!("{r:.2}× {n}"));
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
    t
}

/// What did not match (solutions, budgets, calibration), the bands of the known-bad solutions, and the tally.
fn verification_summary(out: &mut String, verification: &Verification) {
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
    for row in verification.rows.iter().filter(|r| !r.ok) {
        let cap = row.cap.as_ref().map_or_else(String::new, |c| format!(" ({})", band::cap_line(c)));
        let _ =
            writeln!(out, "✗ {}/{}: {}{cap}", row.problem, row.solution, row.mismatch.as_deref().unwrap_or_default());
    }
    for calibration in verification.calibration.iter().filter(|c| !c.missing.is_empty()) {
        let _ = writeln!(
            out,
            "✗ {}: the bundled solutions do not calibrate its bands: {}",
            calibration.problem,
            calibration.missing.join("; ")
        );
    }
    for coverage in &verification.coverage {
        for gap in &coverage.gaps {
            let _ = writeln!(out, "{}", gap_line(&coverage.problem, gap));
        }
    }
    let known_bad: usize = verification.bands.iter().map(|(_, n)| n).sum();
    let bands: Vec<String> = verification.bands.iter().map(|(band, n)| format!("{n} {}", band.title())).collect();
    let _ = writeln!(out, "Bands of the {known_bad} known-bad solutions: {}", bands.join(" · "));
    let bad = verification.rows.iter().filter(|r| !r.ok).count();
    let bad_budgets = verification.budgets.iter().filter(|b| !b.ok).count();
    let uncalibrated = verification.calibration.iter().filter(|c| !c.missing.is_empty()).count();
    let gaps: usize = verification.coverage.iter().map(|c| c.gaps.len()).sum();
    let mut problems = Vec::new();
    if bad_budgets > 0 {
        problems.push(format!("{bad_budgets} speed budgets outside their window"));
    }
    if uncalibrated > 0 {
        problems.push(format!("{uncalibrated} problems whose solutions do not calibrate their bands"));
    }
    if gaps > 0 {
        problems.push(format!("{gaps} rule coverage gaps"));
    }
    let _ = writeln!(
        out,
        "{} solutions and starters checked, {}{}",
        verification.rows.len(),
        if bad == 0 { "all as expected".to_owned() } else { format!("{bad} not as expected") },
        problems.iter().fold(String::new(), |mut all, p| {
            let _ = write!(all, "; {p}");
            all
        })
    );
}

/// The leaderboard table: place, candidate, total, band, verdict and each area's points.
pub fn leaderboard(board: &Leaderboard) -> String {
    let mut header = vec!["#", "Candidate", "Total", "Band", "Verdict"];
    header.extend(Area::ALL.iter().map(|a| a.title()));
    let mut t = table(&header);
    for e in &board.entries {
        let mut row = vec![
            Cell::new(e.rank).set_alignment(CellAlignment::Right),
            Cell::new(&e.candidate),
            Cell::new(points(e.total)).set_alignment(CellAlignment::Right),
            Cell::new(e.band.map_or("–", Band::title)),
            Cell::new(verdict_title(e)),
        ];
        row.extend(Area::ALL.iter().map(|&a| Cell::new(points(e.points(a))).set_alignment(CellAlignment::Right)));
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
        Event::Ignored(folder) => Some(format!("ignored {}: {}", folder.name, folder.reason)),
        Event::Planned { candidates, to_grade } => {
            Some(format!("{candidates} candidates: {to_grade} to grade, {} already graded", candidates - to_grade))
        }
        Event::Resumed(entry) => {
            Some(format!("skipped {} (already graded): {}", entry.candidate, entry_summary(entry)))
        }
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

/// One progress line for `verify --mutants` (to stderr).
pub fn mutation_progress(score: &MutationScore) -> String {
    format!("{}: {} mutants caught, {} missed", score.problem, score.caught + score.timeouts, score.missed.len())
}

/// The mutation table and every surviving mutant, so an author knows which case to add.
pub fn mutation_scores(scores: &[MutationScore]) -> String {
    let mut t = table(&["Problem", "Caught", "Timed out", "Missed", "Equivalent", "Unviable", "Caught share"]);
    for s in scores {
        t.add_row(vec![
            Cell::new(&s.problem),
            Cell::new(s.caught).set_alignment(CellAlignment::Right),
            Cell::new(s.timeouts).set_alignment(CellAlignment::Right),
            Cell::new(s.missed.len()).set_alignment(CellAlignment::Right),
            Cell::new(s.equivalent.len()).set_alignment(CellAlignment::Right),
            Cell::new(s.unviable).set_alignment(CellAlignment::Right),
            Cell::new(s.share().map_or("–".to_owned(), |x| format!("{:.0}%", x * 100.0)))
                .set_alignment(CellAlignment::Right),
        ]);
    }
    let mut out = format!("{t}\n");
    for s in scores.iter().filter(|s| !s.missed.is_empty()) {
        let _ = writeln!(out, "\nSurvivors in {} (add a case that tells them from the reference):", s.problem);
        for mutant in &s.missed {
            let _ = writeln!(out, "  {mutant}");
        }
    }
    for s in scores.iter().filter(|s| !s.equivalent.is_empty()) {
        let _ = writeln!(out, "\nDeclared equivalent in {} (not counted):", s.problem);
        for (mutant, why) in &s.equivalent {
            let _ = writeln!(out, "  {mutant}: {why}");
        }
    }
    out
}

/// One progress line for verify (to stderr).
pub fn progress(row: &Row) -> String {
    let verdict = if row.ok { "ok" } else { "MISMATCH" };
    let band = if row.solution == "starter" { String::new() } else { format!(", {}", row.band.title()) };
    format!("{}/{}: {verdict} ({}{band}, {})", row.problem, row.solution, row.got, points(row.total))
}

/// The problem list.
pub fn problems(problems: &[Problem]) -> String {
    let mut t = table(&["Problem", "Title", "Level", "Minutes", "Stages", "Patterns"]);
    for p in problems {
        let m = &p.manifest;
        t.add_row(vec![
            Cell::new(&p.slug),
            Cell::new(&m.title),
            Cell::new(m.difficulty.name()),
            Cell::new(m.time_box_minutes).set_alignment(CellAlignment::Right),
            Cell::new(m.stages.iter().map(|s| s.id.as_str()).collect::<Vec<_>>().join(" → ")),
            Cell::new(m.tags.join(", ")),
        ]);
    }
    format!("{t}\n")
}

/// A problem's header and spec (and interviewer notes when asked); with `paint.colour` the Markdown is rendered for a
/// terminal (see [`markdown_for_terminal`]), otherwise printed as written.
pub fn problem(problem: &Problem, spec: &str, interviewer: Option<&str>, paint: Paint) -> String {
    let m = &problem.manifest;
    let body = |text: &str| if paint.colour { markdown_for_terminal(text, paint) } else { text.trim_end().to_owned() };
    let mut out = format!(
        "{}\nstages: {}\nrubric: correctness {}, edge cases {}, performance {}, quality {}\n\n{}",
        paint.paint(
            DIM,
            &format!("{} · {} ({}, {} minutes)", problem.slug, m.title, m.difficulty.name(), m.time_box_minutes)
        ),
        m.stages.iter().map(|s| format!("{} ({})", s.id, s.title)).collect::<Vec<_>>().join(", "),
        m.rubric.correctness,
        m.rubric.edge_cases,
        m.rubric.performance,
        m.rubric.quality,
        body(spec)
    );
    out.push('\n');
    if let Some(notes) = interviewer {
        let _ = write!(out, "\n{}\n\n", paint.paint(BOLD, "---- interviewer notes ----"));
        out.push_str(&body(notes));
        out.push('\n');
    }
    out
}

/// Markdown for a terminal: headings bold without their `#` marks (the title underlined too), code blocks indented
/// four spaces without their fences, `inline code` in cyan, `**strong**` in bold.
pub fn markdown_for_terminal(text: &str, paint: Paint) -> String {
    let mut out = Vec::new();
    let mut in_fence = false;
    for line in text.trim_end().lines() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push(if line.is_empty() { String::new() } else { format!("    {}", paint.paint(DIM, line)) });
        } else if let Some(heading) = line.strip_prefix("# ") {
            out.push(paint.paint(BOLD.underline(), heading.trim()));
        } else if line.starts_with("##") {
            out.push(paint.paint(BOLD, line.trim_start_matches('#').trim()));
        } else {
            out.push(inline(line, paint));
        }
    }
    out.join("\n")
}

/// `code` and **strong** spans of one line.
fn inline(line: &str, paint: Paint) -> String {
    let mut out = String::new();
    let mut rest = line;
    loop {
        let code = rest.find('`');
        let strong = rest.find("**");
        match (code, strong) {
            (Some(c), s) if s.is_none_or(|s| c < s) => match rest[c + 1..].find('`') {
                Some(end) => {
                    out.push_str(&rest[..c]);
                    out.push_str(&paint.paint(CYAN, &rest[c + 1..c + 1 + end]));
                    rest = &rest[c + end + 2..];
                }
                None => break,
            },
            (_, Some(s)) => match rest[s + 2..].find("**") {
                Some(end) => {
                    out.push_str(&rest[..s]);
                    out.push_str(&paint.paint(BOLD, &rest[s + 2..s + 2 + end]));
                    rest = &rest[s + end + 4..];
                }
                None => break,
            },
            _ => break,
        }
    }
    out.push_str(rest);
    out
}

/// The practice history: a row per attempt, then the progress per problem.
pub fn history(attempts: &[&Attempt], progress: &[Progress]) -> String {
    if attempts.is_empty() {
        return "no practice attempts yet: start one with `harness practice`\n".to_owned();
    }
    let mut header = vec!["Date (UTC)", "Problem", "Total", "Band"];
    header.extend(Area::ALL.iter().map(|a| a.title()));
    header.push("Time");
    let mut t = table(&header);
    for attempt in attempts {
        let mut row = vec![
            Cell::new(clock::date(attempt.graded_unix)),
            Cell::new(&attempt.problem),
            Cell::new(points(attempt.total)).set_alignment(CellAlignment::Right),
            Cell::new(if attempt.verdict == "graded" {
                attempt.band.title().to_owned()
            } else {
                format!("{} ({})", attempt.band.title(), attempt.verdict)
            }),
        ];
        for area in Area::ALL {
            let earned = attempt.areas.iter().find(|a| a.area == area);
            let text = earned.map_or_else(String::new, |a| format!("{}/{}", points(a.points), a.max));
            row.push(Cell::new(text).set_alignment(CellAlignment::Right));
        }
        let over = attempt.secs_spent > u64::from(attempt.time_box_minutes) * 60;
        let spent = clock::minutes(attempt.secs_spent as f64);
        row.push(Cell::new(if over { format!("{spent} (over {}m)", attempt.time_box_minutes) } else { spent }));
        t.add_row(row);
    }
    let mut p = table(&["Problem", "Attempts", "Best", "Latest", "Trend", "Totals"]);
    for row in progress {
        let trend = match row.trend {
            Some(d) if d > 0.0 => format!("↑ +{}", points(d)),
            Some(d) if d < 0.0 => format!("↓ {}", points(d)),
            Some(_) => "→ 0".to_owned(),
            None => "–".to_owned(),
        };
        p.add_row(vec![
            Cell::new(&row.problem),
            Cell::new(row.attempts).set_alignment(CellAlignment::Right),
            Cell::new(points(row.best)).set_alignment(CellAlignment::Right),
            Cell::new(points(row.latest)).set_alignment(CellAlignment::Right),
            Cell::new(trend),
            Cell::new(session::sparkline(&row.totals)),
        ]);
    }
    format!("{t}\n\nProgress\n{p}\n")
}

/// What `harness practice` did: the pick, the folder, the clock, the next steps.
pub fn practice_start(
    problem: &Problem,
    pool: usize,
    seed: u64,
    dir: &std::path::Path,
    files: usize,
    started: &crate::practice::Started,
) -> String {
    let m = &problem.manifest;
    let how = if pool == 1 {
        "the one problem matching".to_owned()
    } else {
        format!("at random from {pool} problems, seed {seed}")
    };
    format!(
        "picked {} · {} ({}, {} minutes; {how})\n\
created {} ({files} files) from its starter; the clock started at {} UTC\n\
read the task:  harness show {}\n\
grade it:       harness practice grade {}   (full feedback; kept in your history)\n\
progress:       harness history {}\n",
        problem.slug,
        m.title,
        m.difficulty.name(),
        m.time_box_minutes,
        dir.display(),
        clock::date(started.started_unix),
        problem.slug,
        dir.display(),
        problem.slug
    )
}

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

/// One line after a practice grade: the attempt's time against the time box and the problem's progress.
pub fn practice_summary(attempt: &Attempt, progress: Option<&Progress>, saved_to: &std::path::Path) -> String {
    let over = attempt.secs_spent > u64::from(attempt.time_box_minutes) * 60;
    let mut out = format!(
        "time: {} of a {}-minute time box{}\n",
        clock::minutes(attempt.secs_spent as f64),
        attempt.time_box_minutes,
        if over { " (over)" } else { "" }
    );
    if let Some(p) = progress {
        let _ = writeln!(
            out,
            "{}: attempt {} · best {} · latest {} · {}",
            p.problem,
            p.attempts,
            points(p.best),
            points(p.latest),
            session::sparkline(&p.totals)
        );
    }
    let _ = writeln!(out, "saved to {}", saved_to.display());
    out
}

fn indent(text: &str, prefix: &str) -> String {
    text.lines().map(|l| format!("{prefix}{l}")).collect::<Vec<_>>().join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAIN: Paint = Paint { colour: false };
    const COLOUR: Paint = Paint { colour: true };

    #[test]
    fn single_line_values_mark_only_the_words_that_differ() {
        let (expected, actual) = inline_diff("Ok((\"x\", 0.5, \"flag\"))", "Ok((\"x\", 0.5, \"approve\"))", PLAIN);
        assert_eq!(expected, "Ok((\"x\", 0.5, \"[-flag-]\"))");
        assert_eq!(actual, "Ok((\"x\", 0.5, \"{+approve+}\"))");
    }

    #[test]
    fn coloured_single_line_values_emphasise_without_markers() {
        let (expected, actual) = inline_diff("3 calls", "5 calls", COLOUR);
        assert!(!expected.contains("[-") && !actual.contains("{+"), "{expected:?} {actual:?}");
        assert!(expected.contains(&format!("{RED_EMPHASIS}3{RED_EMPHASIS:#}")), "{expected:?}");
        assert!(actual.ends_with(" calls"), "{actual:?}");
    }

    #[test]
    fn words_keep_numbers_and_names_whole() {
        assert_eq!(
            tokens("Err(\"DuplicateId(b)\") 0.25"),
            ["Err", "(", "\"", "DuplicateId", "(", "b", ")", "\"", ")", " ", "0.25"]
        );
    }

    #[test]
    fn diff_lines_turn_their_markers_into_colour_only_when_colouring() {
        assert_eq!(diff_line("-    [-\"m1\"-],", PLAIN), "-    [-\"m1\"-],");
        let coloured = diff_line("-    [-\"m1\"-],", COLOUR);
        assert!(!coloured.contains("[-") && coloured.contains("\"m1\""), "{coloured:?}");
        assert!(coloured.contains(&format!("{RED_EMPHASIS}\"m1\"{RED_EMPHASIS:#}")), "{coloured:?}");
    }

    #[test]
    fn markdown_for_a_terminal_drops_heading_marks_and_fences_and_indents_code() {
        let text = "# Title\n\n## Rules\n\nUse `score` **once**.\n\n```rust\nfn f() {}\n```\n";
        let plain = markdown_for_terminal(text, PLAIN);
        assert_eq!(plain, "Title\n\nRules\n\nUse score once.\n\n    fn f() {}");
        let coloured = markdown_for_terminal(text, COLOUR);
        assert!(coloured.contains(&COLOUR.paint(BOLD, "Rules")), "{coloured:?}");
        assert!(coloured.contains(&COLOUR.paint(CYAN, "score")), "{coloured:?}");
        assert!(coloured.contains(&format!("    {}", COLOUR.paint(DIM, "fn f() {}"))), "{coloured:?}");
    }

    #[test]
    fn the_history_table_has_a_row_per_attempt_and_progress_per_problem() {
        let attempts = [crate::history::tests::attempt("p", 40.0), crate::history::tests::attempt("p", 72.5)];
        let kept = crate::history::History { attempts: attempts.to_vec(), ..Default::default() };
        let text = history(&kept.attempts(None), &kept.progress(None));
        assert!(text.contains("1970-01-01 00:10") && text.contains("72.5") && text.contains("Hire"), "{text}");
        assert!(text.contains("↑ +32.5") && text.contains("▄▆"), "{text}");
        assert_eq!(history(&[], &[]), "no practice attempts yet: start one with `harness practice`\n");
    }
}
