//! `verify` for a terminal: the verification tables (solutions, caps, rule coverage, scaling measurements, speed
//! budgets), their summary, the progress rows, and `verify --mutants`' mutation scores.

use super::table;
use crate::report::{band, points, scaling, verify};
use comfy_table::{Cell, CellAlignment, Table};
use harness_engine::coverage::{Coverage, Gap};
use harness_engine::mutants::MutationScore;
use harness_engine::verify::{BudgetWindow, Row, Verification};
use std::fmt::Write;

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
            Cell::new(verify::expected(row)),
            Cell::new(verify::got(row)),
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
        let _ = writeln!(out, "✗ {}/{}: {}{cap}", row.problem, row.solution, verify::mismatch(row));
    }
    for calibration in verification.calibration.iter().filter(|c| !c.missing.is_empty()) {
        let _ = writeln!(
            out,
            "✗ {}: the bundled solutions do not calibrate its bands: {}",
            calibration.problem,
            verify::shortfalls(calibration).join("; ")
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

/// One progress line for verify (to stderr).
pub fn progress(row: &Row) -> String {
    let verdict = if row.ok { "ok" } else { "MISMATCH" };
    let band = if row.solution == "starter" { String::new() } else { format!(", {}", row.band.title()) };
    format!("{}/{}: {verdict} ({}{band}, {})", row.problem, row.solution, verify::got(row), points(row.total))
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
