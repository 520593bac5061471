//! The session report: a score-over-time sparkline for terminals, a small SVG chart of the timeline and the Markdown
//! report (timeline, sparkline, chart, final rubric, notes). The JSON is `json::render` of the same data.

use crate::report::points;
use crate::session::{Point, SessionReport};
use harness_engine::clock::minutes;
use harness_engine::rubric::Area;
use std::fmt::Write;

/// The file the SVG chart is written to, next to the Markdown that links it.
pub const CHART_FILE: &str = "score.svg";

const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// One bar per total out of 100 (`▁` for 0 … `█` for 100), oldest first.
pub fn sparkline(totals: &[f64]) -> String {
    totals.iter().map(|t| BARS[((t.clamp(0.0, 100.0) / 100.0) * 7.0).round() as usize]).collect()
}

/// The totals of a timeline.
pub fn totals(timeline: &[Point]) -> Vec<f64> {
    timeline.iter().map(|p| p.total).collect()
}

const WIDTH: f64 = 480.0;
const HEIGHT: f64 = 200.0;
const LEFT: f64 = 36.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 28.0;

/// A line chart of the total over the session (x: minutes, across the time box or the session if longer; y: 0–100),
/// with the band thresholds dashed and a marker where each follow-up stage was revealed.
pub fn svg(report: &SessionReport) -> String {
    let span = (f64::from(report.time_box_minutes) * 60.0)
        .max(report.duration_secs)
        .max(report.timeline.iter().map(|p| p.at_secs).fold(0.0, f64::max))
        .max(60.0);
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="10">"#
    );
    let _ = writeln!(out, "  <title>{} · score over time</title>", escape(&report.problem));
    let _ = writeln!(out, r##"  <rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>"##);
    thresholds(&mut out);
    stage_markers(&mut out, report, span);
    let end = span / 60.0;
    let _ = writeln!(
        out,
        r##"  <text x="{LEFT}" y="{:.1}" fill="#666666">0 min</text><text x="{:.1}" y="{:.1}" text-anchor="end" fill="#666666">{end:.0} min</text>"##,
        HEIGHT - 8.0,
        WIDTH - RIGHT,
        HEIGHT - 8.0
    );
    score_line(&mut out, report, span);
    out.push_str("</svg>\n");
    out
}

/// The chart's x for `secs` into a session drawn across `span` seconds.
fn x_at(secs: f64, span: f64) -> f64 {
    LEFT + (WIDTH - LEFT - RIGHT) * secs / span
}

/// The chart's y for a total out of 100.
fn y_at(total: f64) -> f64 {
    TOP + (HEIGHT - TOP - BOTTOM) * (1.0 - total.clamp(0.0, 100.0) / 100.0)
}

/// The horizontal lines at 0 and 100 and, dashed, at the band thresholds, each labelled.
fn thresholds(out: &mut String) {
    for threshold in [0_u32, 50, 70, 85, 100] {
        let dash = if threshold == 0 || threshold == 100 { "" } else { r#" stroke-dasharray="4 3""# };
        let _ = writeln!(
            out,
            r##"  <line x1="{LEFT}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#cccccc"{dash}/><text x="{:.1}" y="{:.1}" text-anchor="end" fill="#666666">{threshold}</text>"##,
            WIDTH - RIGHT,
            LEFT - 4.0,
            y_at(f64::from(threshold)) + 3.0,
            y = y_at(f64::from(threshold)),
        );
    }
}

/// A labelled vertical line where each follow-up stage was revealed.
fn stage_markers(out: &mut String, report: &SessionReport, span: f64) {
    for stage in report.stages.iter().skip(1) {
        if let Some(at) = stage.at_secs {
            let _ = writeln!(
                out,
                r##"  <line class="stage" x1="{x:.1}" y1="{TOP}" x2="{x:.1}" y2="{:.1}" stroke="#8888cc"/><text x="{:.1}" y="{:.1}" fill="#4444aa">{}</text>"##,
                HEIGHT - BOTTOM,
                x_at(at, span) + 3.0,
                TOP + 9.0,
                escape(&stage.id),
                x = x_at(at, span),
            );
        }
    }
}

/// The totals joined by a line (when there are two or more), and a point with a tooltip for each grade.
fn score_line(out: &mut String, report: &SessionReport, span: f64) {
    let coordinates: Vec<String> =
        report.timeline.iter().map(|p| format!("{:.1},{:.1}", x_at(p.at_secs, span), y_at(p.total))).collect();
    if coordinates.len() > 1 {
        let _ = writeln!(
            out,
            r##"  <polyline points="{}" fill="none" stroke="#2266cc" stroke-width="2"/>"##,
            coordinates.join(" ")
        );
    }
    for point in &report.timeline {
        let _ = writeln!(
            out,
            r##"  <circle cx="{:.1}" cy="{:.1}" r="3" fill="#2266cc"><title>{} {} {}/100</title></circle>"##,
            x_at(point.at_secs, span),
            y_at(point.total),
            minutes(point.at_secs),
            escape(&point.stage),
            points(point.total)
        );
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The session report as Markdown; `chart` is the SVG file's name to link (none: no chart).
pub fn markdown(report: &SessionReport, chart: Option<&str>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Session: {} · {}\n", report.problem, cell(&report.title));
    let revealed: Vec<String> =
        report.stages.iter().filter_map(|s| s.at_secs.map(|at| format!("`{}` at {}", s.id, minutes(at)))).collect();
    let _ = writeln!(
        out,
        "candidate `{}` · started {} UTC · {} of a {}-minute time box · stages: {}\n",
        report.candidate.replace('`', "'"),
        report.started,
        minutes(report.duration_secs),
        report.time_box_minutes,
        revealed.join(", ")
    );
    timeline(&mut out, report, chart);
    final_rubric(&mut out, report);
    notes(&mut out, report);
    out
}

/// The timeline section: the sparkline, the chart, and a row per grade with its areas and failing cases.
fn timeline(out: &mut String, report: &SessionReport, chart: Option<&str>) {
    let _ = writeln!(out, "## Timeline\n");
    if report.timeline.is_empty() {
        let _ = writeln!(out, "No grade ran.\n");
        return;
    }
    let _ = writeln!(out, "Score over time: `{}`\n", sparkline(&totals(&report.timeline)));
    if let Some(chart) = chart {
        let _ = writeln!(out, "![score over time]({chart})\n");
    }
    let titles: Vec<&str> = Area::ALL.iter().map(|a| a.title()).collect();
    let _ = writeln!(out, "| time | stage | trigger | total | band | {} | failing |", titles.join(" | "));
    let _ = writeln!(out, "|---|---|---|--:|---|{}---|", "--:|".repeat(Area::ALL.len()));
    for point in &report.timeline {
        let areas: Vec<String> = Area::ALL
            .iter()
            .map(|&area| {
                point
                    .areas
                    .iter()
                    .find(|a| a.area == area)
                    .map_or_else(String::new, |a| format!("{}/{}", points(a.points), a.max))
            })
            .collect();
        let failing = if point.verdict == "graded" { point.failed.join(", ") } else { point.verdict.clone() };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            minutes(point.at_secs),
            cell(&point.stage),
            match point.trigger {
                crate::session::Trigger::Key => "key",
                crate::session::Trigger::Change => "change",
            },
            points(point.total),
            point.band.title(),
            areas.join(" | "),
            cell(&failing)
        );
    }
    out.push('\n');
}

/// The final rubric section: the last grade's areas, total and band in words.
fn final_rubric(out: &mut String, report: &SessionReport) {
    let _ = writeln!(out, "## Final rubric\n");
    match &report.scorecard {
        None => {
            let _ = writeln!(out, "No grade ran.\n");
        }
        Some(card) => {
            let _ = writeln!(out, "| area | points |\n|---|--:|");
            for area in &card.areas {
                let _ = writeln!(out, "| {} | {}/{} |", area.area.title(), points(area.points), area.max);
            }
            let _ = writeln!(out, "| **total** | **{}/100** ({}) |\n", points(card.total), card.band.title());
            if let Some(line) = crate::report::band::line(card) {
                let _ = writeln!(out, "{line}\n");
            }
        }
    }
}

/// The notes section: timed notes as a list, the notes file's text as written.
fn notes(out: &mut String, report: &SessionReport) {
    let _ = writeln!(out, "## Notes\n");
    if report.notes.is_empty() {
        let _ = writeln!(out, "(none)");
    }
    for note in &report.notes {
        match note.at_secs {
            Some(at) => {
                let _ = writeln!(out, "- {}: {}", minutes(at), note.text);
            }
            None => {
                let _ = writeln!(out, "\n{}", note.text);
            }
        }
    }
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::{Session, Trigger};
    use harness_engine::clock::FakeClock;
    use harness_engine::fixtures::{grade, problem};
    use std::sync::Arc;
    use std::time::Duration;

    fn report() -> SessionReport {
        let clock = Arc::new(FakeClock::at(1_700_000_000));
        let mut session = Session::new(&problem(), "cand", clock.clone());
        clock.advance(Duration::from_secs(300));
        session.request_grade(Trigger::Key);
        session.graded(Ok(&grade(1)));
        clock.advance(Duration::from_secs(600));
        session.reveal_next();
        session.request_grade(Trigger::Change);
        session.graded(Ok(&grade(4)));
        session.add_note("used a HashSet");
        session.end(Some("hire"))
    }

    #[test]
    fn a_sparkline_has_a_bar_per_grade_from_low_to_full() {
        assert_eq!(sparkline(&[0.0, 50.0, 100.0, 120.0]), "▁▅██");
        assert_eq!(sparkline(&[]), "");
    }

    #[test]
    fn the_chart_plots_each_grade_and_marks_the_revealed_stage() {
        let svg = svg(&report());
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        assert_eq!(svg.matches("<circle").count(), 2);
        assert_eq!(svg.matches("<polyline").count(), 1);
        assert!(svg.contains(r#"class="stage""#) && svg.contains(">chunked</text>"), "{svg}");
        // 40-minute time box over 432 px from x = 36: the first grade at 5 minutes sits at 36 + 432 / 8 = 90.
        assert!(svg.contains(r#"<circle cx="90.0""#), "{svg}");
    }

    #[test]
    fn the_markdown_report_has_the_timeline_rows_the_rubric_and_the_notes() {
        let report = report();
        let markdown = markdown(&report, Some(CHART_FILE));
        assert!(markdown.contains("| 05:00 | core | key |"), "{markdown}");
        assert!(markdown.contains("| 15:00 | chunked | change |"), "{markdown}");
        assert!(markdown.contains("![score over time](score.svg)"));
        assert!(markdown.contains(&format!("Score over time: `{}`", sparkline(&totals(&report.timeline)))));
        assert!(markdown.contains("## Final rubric") && markdown.contains("| Correctness | 40/40 |"), "{markdown}");
        assert!(markdown.contains("- 15:00: used a HashSet") && markdown.contains("\nhire\n"), "{markdown}");
    }

    #[test]
    fn a_session_without_grades_says_so() {
        let clock = Arc::new(FakeClock::at(0));
        let report = Session::new(&problem(), "cand", clock).end(None);
        let markdown = markdown(&report, None);
        assert_eq!(markdown.matches("No grade ran.").count(), 2);
        assert!(svg(&report).contains("</svg>"));
    }
}
