//! The interviewer's screen as lines of text with a tone each: header, timer, last grade, keys, then the spec of the
//! stages revealed (or the interviewer notes). Pure, so it is tested without a terminal.

use crate::report::session::{sparkline, totals};
use crate::report::{band, points};
use crate::session::{Phase, Point, Session, Trigger};
use harness_engine::clock::minutes;
use harness_engine::spec::StagedSpec;
use std::fmt::Write;

/// How a line is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Plain,
    Bold,
    Dim,
    Good,
    Warning,
    Alert,
}

/// One line of the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub text: String,
    pub tone: Tone,
}

impl Line {
    fn new(text: impl Into<String>, tone: Tone) -> Line {
        Line { text: text.into(), tone }
    }
}

/// What the screen shows.
#[derive(Debug)]
pub struct View<'a> {
    pub session: &'a Session,
    pub spec: &'a StagedSpec,
    pub interviewer_notes: &'a str,
    /// First body line shown.
    pub scroll: usize,
    /// The note being typed, when the prompt is open.
    pub typing: Option<&'a str>,
    /// A one-line message (what the last key did).
    pub message: Option<&'a str>,
    pub width: usize,
    pub height: usize,
}

/// Keys, as shown on the screen.
pub const KEYS: &str =
    "[n] next stage  [g] grade now  [i] interviewer notes  [t] note  [↑↓ PgUp PgDn] scroll  [q] end + report";

/// The whole screen, at most `height` lines of at most `width` characters.
pub fn render(view: &View) -> Vec<Line> {
    let session = view.session;
    let width = view.width.max(20);
    let mut lines = vec![Line::new(format!("{} · {}", session.problem(), session.title()), Tone::Bold)];
    let stage = session.stage();
    let left = format!("stage {}/{}: {} · {}", session.revealed(), session.stages().len(), stage.id, stage.title);
    let (timer, tone) = timer(session);
    lines.push(Line::new(spread(&left, &timer, width), tone));
    lines.extend(grade_lines(session));
    lines.push(Line::new(KEYS, Tone::Dim));
    if let Some(message) = view.message {
        lines.push(Line::new(message, Tone::Dim));
    }
    let title = if session.show_notes() {
        " interviewer notes (not for the candidate; i hides them) "
    } else {
        " spec as the candidate sees it "
    };
    lines.push(Line::new(rule(title, width), Tone::Dim));
    let prompt = view.typing.map(|text| Line::new(format!("note> {text}_"), Tone::Bold));
    let room = view.height.saturating_sub(lines.len() + usize::from(prompt.is_some()));
    let body = body(view, width);
    let scroll = view.scroll.min(body.len().saturating_sub(1));
    lines.extend(body.into_iter().skip(scroll).take(room).map(|text| Line::new(text, Tone::Plain)));
    lines.extend(prompt);
    for line in &mut lines {
        line.text = cut(&line.text, width);
    }
    lines.truncate(view.height.max(1));
    lines
}

/// The body's lines, wrapped to `width`: the revealed spec, or the notes.
pub fn body(view: &View, width: usize) -> Vec<String> {
    let text = if view.session.show_notes() {
        view.interviewer_notes.to_owned()
    } else {
        view.spec.visible(view.session.revealed())
    };
    wrap(&text, width.max(20))
}

/// The body line where stage `stage` (1-based) starts, so revealing it can scroll there.
pub fn stage_start(spec: &StagedSpec, stage: usize, width: usize) -> usize {
    if stage <= 1 {
        return 0;
    }
    wrap(&spec.visible(stage - 1), width.max(20)).len() + 1
}

fn timer(session: &Session) -> (String, Tone) {
    let elapsed = minutes(session.elapsed_secs());
    let of = minutes(session.time_box().as_secs_f64());
    match session.phase() {
        Phase::OnTime => (format!("⏱ {elapsed} / {of}"), Tone::Plain),
        Phase::Warning => (format!("⚠ {} left · ⏱ {elapsed} / {of}", minutes(session.remaining_secs())), Tone::Warning),
        Phase::Over => (format!("⏰ over by {} · ⏱ {elapsed} / {of}", minutes(-session.remaining_secs())), Tone::Alert),
    }
}

fn grade_lines(session: &Session) -> Vec<Line> {
    let mut lines = Vec::new();
    match session.timeline().last() {
        Some(point) => {
            let tone = if point.total >= 70.0 {
                Tone::Good
            } else if point.total >= 50.0 {
                Tone::Warning
            } else {
                Tone::Alert
            };
            lines.push(Line::new(summary(point), tone));
            if let Some(line) = session.scorecard().and_then(band::line) {
                lines.push(Line::new(line, Tone::Bold));
            }
            let mut trend =
                format!("trend {}  ({} grades)", sparkline(&totals(session.timeline())), session.timeline().len());
            if !point.failed.is_empty() {
                let _ = write!(trend, "  failing: {}", point.failed.join(", "));
            }
            lines.push(Line::new(trend, Tone::Plain));
        }
        None => lines.push(Line::new("no grade yet: press g (saving the candidate's files re-grades)", Tone::Dim)),
    }
    if let Some(running) = session.grading() {
        let why = match running.trigger {
            Trigger::Key => "asked",
            Trigger::Change => "files changed",
        };
        let waiting = if session.queued() { "; another grade waits" } else { "" };
        lines.push(Line::new(format!("grading… (started {}, {why}){waiting}", minutes(running.at_secs)), Tone::Bold));
    }
    if let Some(error) = session.error() {
        lines.push(Line::new(format!("error: {error}"), Tone::Alert));
    }
    lines
}

/// A grade in one line: when, stage, total, band, areas.
pub fn summary(point: &Point) -> String {
    let areas: Vec<String> =
        point.areas.iter().map(|a| format!("{} {}/{}", a.area.title(), points(a.points), a.max)).collect();
    let verdict = if point.verdict == "graded" { String::new() } else { format!(" ({})", point.verdict) };
    format!(
        "score {}/100 {}{verdict} ({}, {}) · {}",
        points(point.total),
        point.band.title(),
        minutes(point.at_secs),
        point.stage,
        areas.join(" · ")
    )
}

fn spread(left: &str, right: &str, width: usize) -> String {
    let used = left.chars().count() + right.chars().count();
    if used + 2 > width { format!("{left}  {right}") } else { format!("{left}{}{right}", " ".repeat(width - used)) }
}

fn rule(title: &str, width: usize) -> String {
    let dashes = width.saturating_sub(title.chars().count() + 2);
    format!("──{title}{}", "─".repeat(dashes))
}

fn cut(text: &str, width: usize) -> String {
    if text.chars().count() <= width { text.to_owned() } else { text.chars().take(width).collect() }
}

/// Lines longer than `width` are broken at the last space before it (or at `width`).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut rest: Vec<char> = line.chars().collect();
        while rest.len() > width {
            let cut = rest[..=width].iter().rposition(|&c| c == ' ').filter(|&i| i > 0).unwrap_or(width);
            out.push(rest[..cut].iter().collect());
            rest = rest[cut..].iter().skip_while(|&&c| c == ' ').copied().collect();
        }
        out.push(rest.into_iter().collect());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use harness_engine::clock::FakeClock;
    use harness_engine::fixtures::{grade, problem};
    use harness_engine::spec::split;
    use std::sync::Arc;
    use std::time::Duration;

    const SPEC: &str = "# P\n\nCore rules.\n\n## Follow-up stage: `chunked`\n\nChunk it.\n";

    fn text(lines: &[Line]) -> String {
        lines.iter().map(|l| l.text.as_str()).collect::<Vec<_>>().join("\n")
    }

    fn view<'a>(session: &'a Session, spec: &'a StagedSpec) -> View<'a> {
        View {
            session,
            spec,
            interviewer_notes: "probe NaN",
            scroll: 0,
            typing: None,
            message: None,
            width: 100,
            height: 30,
        }
    }

    #[test]
    fn the_screen_shows_the_core_stage_the_timer_and_the_keys() {
        let clock = Arc::new(FakeClock::at(0));
        let session = Session::new(&problem(), "c", clock.clone());
        let spec = split(SPEC);
        clock.advance(Duration::from_secs(75));
        let screen = render(&view(&session, &spec));
        let shown = text(&screen);
        assert!(shown.contains("stage 1/2: core") && shown.contains("⏱ 01:15 / 40:00"), "{shown}");
        assert!(shown.contains("Core rules.") && !shown.contains("Chunk it."), "{shown}");
        assert!(shown.contains("[n] next stage") && shown.contains("no grade yet"), "{shown}");
        assert!(screen.iter().all(|l| l.text.chars().count() <= 100));
    }

    #[test]
    fn the_timer_turns_to_a_warning_then_an_alert() {
        let clock = Arc::new(FakeClock::at(0));
        let session = Session::new(&problem(), "c", clock.clone());
        let spec = split(SPEC);
        clock.advance(Duration::from_secs(36 * 60));
        let screen = render(&view(&session, &spec));
        assert_eq!(screen[1].tone, Tone::Warning);
        assert!(screen[1].text.contains("⚠ 04:00 left"), "{}", screen[1].text);
        clock.advance(Duration::from_secs(5 * 60));
        let screen = render(&view(&session, &spec));
        assert_eq!(screen[1].tone, Tone::Alert);
        assert!(screen[1].text.contains("over by 01:00"), "{}", screen[1].text);
    }

    #[test]
    fn a_grade_the_next_stage_and_the_notes_show_up() {
        let clock = Arc::new(FakeClock::at(0));
        let mut session = Session::new(&problem(), "c", clock.clone());
        let spec = split(SPEC);
        session.request_grade(Trigger::Key);
        assert!(text(&render(&view(&session, &spec))).contains("grading… (started 00:00, asked)"));
        clock.advance(Duration::from_secs(90));
        session.graded(Ok(&grade(2)));
        session.reveal_next();
        let shown = text(&render(&view(&session, &spec)));
        let total = points(grade(2).scorecard.total);
        assert!(shown.contains(&format!("score {total}/100 No hire (00:00, core) · Correctness 20/40")), "{shown}");
        assert!(shown.contains("Correctness 20/40") && shown.contains("failing: case_2, case_3"), "{shown}");
        assert!(shown.contains("stage 2/2: chunked") && shown.contains("Chunk it."), "{shown}");
        session.toggle_notes();
        let shown = text(&render(&view(&session, &spec)));
        assert!(shown.contains("probe NaN") && !shown.contains("Core rules."), "{shown}");
    }

    #[test]
    fn long_lines_wrap_at_spaces_and_a_revealed_stage_starts_below_the_earlier_ones() {
        assert_eq!(wrap("aaa bbb ccc", 7), ["aaa bbb", "ccc"]);
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        let spec = split(SPEC);
        let start = stage_start(&spec, 2, 80);
        assert_eq!(wrap(&spec.visible(2), 80)[start], "## Follow-up stage: `chunked`");
    }
}
