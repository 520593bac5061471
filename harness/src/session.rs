//! An interview session's state, driven by the interviewer's keys and the grades a worker returns: the stages revealed
//! so far, the timer against the time box, the timeline of grades, notes. Pure data over a [`Clock`]; `ui` renders it
//! and runs the grades, `report::session` renders the report [`Session::end`] returns.

use harness_engine::clock::{self, Clock};
use harness_engine::grade::Grade;
use harness_engine::problem::{Problem, Stage};
use harness_engine::rubric::{AreaPoints, Band, Scorecard};
use serde::Serialize;
use std::sync::Arc;
use std::time::Duration;

/// The `schema` field of a session report.
pub const SCHEMA: &str = "harness-session/1";
/// The timer warns this long before the end of the time box (or in its last quarter, when that is shorter).
pub const WARNING: Duration = Duration::from_secs(5 * 60);
/// Most failing case names a timeline point keeps.
const FAILED_KEPT: usize = 8;

/// Why a grade ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    /// The interviewer asked (`g`).
    Key,
    /// The candidate's files changed.
    Change,
}

/// Where the timer stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    OnTime,
    /// Within the last [`WARNING`] of the time box.
    Warning,
    Over,
}

/// A grade in progress: when it started (its snapshot of the candidate's code) and during which stage.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Running {
    pub at_secs: f64,
    pub stage: String,
    pub trigger: Trigger,
}

/// One grade on the timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Point {
    /// Seconds into the session the grade started.
    pub at_secs: f64,
    /// How long it took.
    pub took_secs: f64,
    /// The last stage revealed when it started.
    pub stage: String,
    pub trigger: Trigger,
    /// `graded`, or why the candidate was not built.
    pub verdict: String,
    pub total: f64,
    pub band: Band,
    pub areas: Vec<AreaPoints>,
    /// The failing cases (the first few).
    pub failed: Vec<String>,
}

/// A note the interviewer took.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Note {
    /// Seconds into the session; none for the `--notes` file.
    pub at_secs: Option<f64>,
    pub text: String,
}

/// A stage and when it was revealed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reveal {
    pub id: String,
    pub title: String,
    /// None for a stage never revealed.
    pub at_secs: Option<f64>,
}

/// The live session.
#[derive(Debug)]
pub struct Session {
    clock: Arc<dyn Clock>,
    problem: String,
    title: String,
    candidate: String,
    time_box: Duration,
    started_unix: u64,
    stages: Vec<Reveal>,
    revealed: usize,
    timeline: Vec<Point>,
    grading: Option<Running>,
    queued: Option<Trigger>,
    show_notes: bool,
    notes: Vec<Note>,
    scorecard: Option<Scorecard>,
    error: Option<String>,
}

/// What a session leaves behind: the data the session report renders.
#[derive(Debug, Clone, Serialize)]
pub struct SessionReport {
    pub schema: &'static str,
    pub problem: String,
    pub title: String,
    pub candidate: String,
    /// UTC, `YYYY-MM-DD HH:MM`.
    pub started: String,
    pub started_unix: u64,
    pub time_box_minutes: u32,
    pub duration_secs: f64,
    pub stages: Vec<Reveal>,
    pub timeline: Vec<Point>,
    /// The rubric of the last grade that ran (none when nothing was graded).
    pub scorecard: Option<Scorecard>,
    pub notes: Vec<Note>,
}

impl Session {
    /// A session on `problem` for the crate in `candidate`, starting now with the core stage shown.
    pub fn new(problem: &Problem, candidate: &str, clock: Arc<dyn Clock>) -> Session {
        Session::with_stages(problem, &problem.manifest.stages, candidate, clock)
    }

    fn with_stages(problem: &Problem, stages: &[Stage], candidate: &str, clock: Arc<dyn Clock>) -> Session {
        let at = clock.elapsed().as_secs_f64();
        let stages = stages
            .iter()
            .enumerate()
            .map(|(i, s)| Reveal { id: s.id.clone(), title: s.title.clone(), at_secs: (i == 0).then_some(at) })
            .collect();
        Session {
            problem: problem.slug.clone(),
            title: problem.manifest.title.clone(),
            candidate: candidate.to_owned(),
            time_box: Duration::from_secs(u64::from(problem.manifest.time_box_minutes) * 60),
            started_unix: clock.unix_secs(),
            clock,
            stages,
            revealed: 1,
            timeline: Vec::new(),
            grading: None,
            queued: None,
            show_notes: false,
            notes: Vec::new(),
            scorecard: None,
            error: None,
        }
    }

    fn now(&self) -> f64 {
        self.clock.elapsed().as_secs_f64()
    }

    pub fn problem(&self) -> &str {
        &self.problem
    }
    pub fn title(&self) -> &str {
        &self.title
    }
    pub fn elapsed_secs(&self) -> f64 {
        self.now()
    }
    pub fn time_box(&self) -> Duration {
        self.time_box
    }

    /// Seconds left in the time box; negative once over.
    pub fn remaining_secs(&self) -> f64 {
        self.time_box.as_secs_f64() - self.now()
    }

    pub fn phase(&self) -> Phase {
        let remaining = self.remaining_secs();
        let warning = WARNING.min(self.time_box / 4).as_secs_f64();
        if remaining <= 0.0 {
            Phase::Over
        } else if remaining <= warning {
            Phase::Warning
        } else {
            Phase::OnTime
        }
    }

    /// Every stage, with when it was revealed.
    pub fn stages(&self) -> &[Reveal] {
        &self.stages
    }
    /// How many stages are shown (at least the core).
    pub fn revealed(&self) -> usize {
        self.revealed
    }
    /// The last stage revealed.
    pub fn stage(&self) -> &Reveal {
        &self.stages[self.revealed - 1]
    }

    /// Reveals the next stage; false when every stage is already shown.
    pub fn reveal_next(&mut self) -> bool {
        if self.revealed >= self.stages.len() {
            return false;
        }
        let at = self.now();
        self.stages[self.revealed].at_secs = Some(at);
        self.revealed += 1;
        true
    }

    /// Asks for a grade. True when one should start now; while one runs, the request waits for it (one is kept).
    pub fn request_grade(&mut self, trigger: Trigger) -> bool {
        if self.grading.is_some() {
            if self.queued != Some(Trigger::Key) {
                self.queued = Some(trigger);
            }
            return false;
        }
        self.grading = Some(Running { at_secs: self.now(), stage: self.stage().id.clone(), trigger });
        true
    }

    /// The grade in progress.
    pub fn grading(&self) -> Option<&Running> {
        self.grading.as_ref()
    }
    /// Whether a grade waits for the running one.
    pub fn queued(&self) -> bool {
        self.queued.is_some()
    }

    /// Records the running grade's result (or why it could not run). True when a waiting request now starts.
    pub fn graded(&mut self, result: Result<&Grade, String>) -> bool {
        let Some(running) = self.grading.take() else { return false };
        match result {
            Ok(grade) => {
                let failed = grade
                    .cases
                    .iter()
                    .filter(|c| !c.outcome.passed())
                    .take(FAILED_KEPT)
                    .map(|c| c.meta.name.clone())
                    .collect();
                self.push(running, crate::report::verdict::title(&grade.verdict), &grade.scorecard, failed);
                self.error = None;
            }
            Err(error) => self.error = Some(error),
        }
        match self.queued.take() {
            Some(trigger) => self.request_grade(trigger),
            None => false,
        }
    }

    fn push(&mut self, running: Running, verdict: &str, scorecard: &Scorecard, failed: Vec<String>) {
        self.timeline.push(Point {
            took_secs: self.now() - running.at_secs,
            at_secs: running.at_secs,
            stage: running.stage,
            trigger: running.trigger,
            verdict: verdict.to_owned(),
            total: scorecard.total,
            band: scorecard.band,
            areas: scorecard.points(),
            failed,
        });
        self.scorecard = Some(scorecard.clone());
    }

    /// The last grade's scorecard (its caps included), if a grade finished.
    pub fn scorecard(&self) -> Option<&Scorecard> {
        self.scorecard.as_ref()
    }

    /// Every grade so far, oldest first.
    pub fn timeline(&self) -> &[Point] {
        &self.timeline
    }
    /// Why the last grade could not run, until one does.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// Shows or hides the interviewer notes.
    pub fn toggle_notes(&mut self) {
        self.show_notes = !self.show_notes;
    }
    pub fn show_notes(&self) -> bool {
        self.show_notes
    }

    /// Keeps a note, stamped with the time; blank notes are dropped.
    pub fn add_note(&mut self, text: &str) {
        let text = text.trim();
        if !text.is_empty() {
            self.notes.push(Note { at_secs: Some(self.now()), text: text.to_owned() });
        }
    }
    pub fn notes(&self) -> &[Note] {
        &self.notes
    }

    /// Ends the session: its report, with `file_notes` (the `--notes` file) after the notes typed.
    pub fn end(&self, file_notes: Option<&str>) -> SessionReport {
        let mut notes = self.notes.clone();
        if let Some(text) = file_notes.map(str::trim).filter(|t| !t.is_empty()) {
            notes.push(Note { at_secs: None, text: text.to_owned() });
        }
        SessionReport {
            schema: SCHEMA,
            problem: self.problem.clone(),
            title: self.title.clone(),
            candidate: self.candidate.clone(),
            started: clock::date(self.started_unix),
            started_unix: self.started_unix,
            time_box_minutes: (self.time_box.as_secs() / 60) as u32,
            duration_secs: self.now(),
            stages: self.stages.clone(),
            timeline: self.timeline.clone(),
            scorecard: self.scorecard.clone(),
            notes,
        }
    }
}

#[cfg(test)]
// Scores are rounded by the rubric, so comparing them exactly is what the tests mean.
#[allow(clippy::float_cmp)]
mod tests {
    use super::*;
    use harness_engine::clock::FakeClock;
    use harness_engine::fixtures::{grade, problem};
    use harness_engine::rubric::Area;

    fn session() -> (Session, Arc<FakeClock>) {
        let clock = Arc::new(FakeClock::at(1_700_000_000));
        (Session::new(&problem(), "cand", clock.clone()), clock)
    }

    #[test]
    fn the_timer_warns_in_the_last_five_minutes_and_then_runs_over() {
        let (session, clock) = session();
        assert_eq!(session.phase(), Phase::OnTime);
        clock.advance(Duration::from_secs(34 * 60));
        assert_eq!(session.phase(), Phase::OnTime);
        clock.advance(Duration::from_secs(60));
        assert_eq!(session.phase(), Phase::Warning);
        clock.advance(Duration::from_secs(5 * 60 + 1));
        assert_eq!(session.phase(), Phase::Over);
        assert!((session.remaining_secs() + 1.0).abs() < 1e-6);
    }

    #[test]
    fn stages_are_revealed_in_order_with_their_time_and_not_past_the_last() {
        let (mut session, clock) = session();
        assert_eq!(session.stage().id, "core");
        clock.advance(Duration::from_secs(600));
        assert!(session.reveal_next());
        assert_eq!(session.stage().id, "chunked");
        assert_eq!(session.stages()[1].at_secs, Some(600.0));
        assert!(!session.reveal_next());
        assert_eq!(session.revealed(), 2);
    }

    #[test]
    fn a_grade_is_stamped_with_the_time_and_stage_it_started_in() {
        let (mut session, clock) = session();
        clock.advance(Duration::from_secs(120));
        assert!(session.request_grade(Trigger::Key));
        session.reveal_next();
        clock.advance(Duration::from_secs(5));
        assert!(!session.graded(Ok(&grade(2))));
        let point = &session.timeline()[0];
        assert_eq!((point.at_secs, point.took_secs, point.stage.as_str()), (120.0, 5.0, "core"));
        assert_eq!(point.total, grade(2).scorecard.total);
        assert_eq!(point.failed, ["case_2", "case_3"]);
        assert_eq!(point.areas.iter().find(|a| a.area == Area::Correctness).unwrap().points, 20.0);
        assert!(session.grading().is_none());
    }

    #[test]
    fn requests_while_grading_wait_as_one_and_start_when_it_ends() {
        let (mut session, _clock) = session();
        assert!(session.request_grade(Trigger::Change));
        assert!(!session.request_grade(Trigger::Change));
        assert!(!session.request_grade(Trigger::Key));
        assert!(!session.request_grade(Trigger::Change));
        assert!(session.queued());
        assert!(session.graded(Ok(&grade(4))), "the waiting request starts");
        assert_eq!(session.grading().unwrap().trigger, Trigger::Key, "a key press is not downgraded by a change");
        assert!(!session.graded(Ok(&grade(4))));
        assert_eq!(session.timeline().len(), 2);
    }

    #[test]
    fn a_failed_grade_keeps_its_error_until_one_succeeds() {
        let (mut session, _clock) = session();
        session.request_grade(Trigger::Key);
        session.graded(Err("failed to run cargo".into()));
        assert_eq!(session.error(), Some("failed to run cargo"));
        assert!(session.timeline().is_empty());
        session.request_grade(Trigger::Key);
        session.graded(Ok(&grade(4)));
        assert_eq!(session.error(), None);
    }

    #[test]
    fn the_report_holds_the_timeline_the_last_rubric_and_every_note() {
        let (mut session, clock) = session();
        session.toggle_notes();
        assert!(session.show_notes());
        clock.advance(Duration::from_secs(61));
        session.add_note("  asked about NaN unprompted ");
        session.add_note("   ");
        session.request_grade(Trigger::Key);
        session.graded(Ok(&grade(1)));
        session.request_grade(Trigger::Change);
        session.graded(Ok(&grade(4)));
        let report = session.end(Some("overall: strong\n"));
        assert_eq!(report.started, "2023-11-14 22:13");
        assert_eq!(report.timeline.len(), 2);
        assert_eq!(report.scorecard.as_ref().unwrap().total, grade(4).scorecard.total, "the last grade's rubric");
        assert!(report.timeline[0].total < report.timeline[1].total);
        let notes: Vec<(Option<f64>, &str)> = report.notes.iter().map(|n| (n.at_secs, n.text.as_str())).collect();
        assert_eq!(notes, [(Some(61.0), "asked about NaN unprompted"), (None, "overall: strong")]);
        assert_eq!(report.stages[1].at_secs, None);
    }
}
