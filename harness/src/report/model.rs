//! The one report model every format renders: a grade seen as test results (a superset of Exercism's test-runner
//! `results.json` v3, documented in `docs/report-schema.md`), with inputs kept only when the grader reveals them.

use crate::report::scaling::{self, View};
use crate::report::{failure, layers, quality, verdict};
use harness_engine::grade::{Grade, Note, Timings, Verdict};
use harness_engine::meter::Unit;
use harness_engine::problem::Stage;
use harness_engine::quality::Quality;
use harness_engine::rubric::{Area, Scorecard};
use harness_engine::trial::{CaseResult, Failure as EngineFailure, Outcome};
use harness_protocol::{FailureReport, Kind, Metrics};
use harness_sandbox::Layers;
use serde::Serialize;

/// The `schema` field: bumped when a field changes meaning or goes away (adding fields is compatible).
pub const SCHEMA: &str = "harness-report/1";
/// Exercism's test-runner interface version the report follows.
pub const EXERCISM_VERSION: u32 = 3;
/// Exercism limits a test's `output` to 500 characters.
pub const OUTPUT_LIMIT: usize = 500;
const TRUNCATED: &str = "\nOutput was truncated. Please limit to 500 chars";

/// A status in Exercism's vocabulary: of the whole report, or of one test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
    Error,
}

impl Status {
    /// A case that failed a check is `fail`; one that panicked, timed out or crashed is `error`.
    pub fn of(outcome: Outcome) -> Status {
        match outcome {
            Outcome::Pass => Status::Pass,
            // Exercism has no "skipped": a variant not judged has not shown the behaviour either.
            Outcome::Fail | Outcome::Skipped => Status::Fail,
            Outcome::Panic | Outcome::Timeout | Outcome::Crash => Status::Error,
        }
    }
}

/// A grade as the reporters see it.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema: &'static str,
    /// Exercism: the interface version (3).
    pub version: u32,
    /// Exercism: `pass` (every case passed), `fail` (some did not), `error` (the candidate was not built; no case ran).
    pub status: Status,
    /// Exercism: for `error`, the compile error or the rejection; otherwise null.
    pub message: Option<String>,
    /// Exercism: one entry per hidden case, in the suite's order.
    pub tests: Vec<Test>,
    pub harness_version: &'static str,
    pub problem: String,
    pub title: String,
    pub candidate: String,
    pub seed: u64,
    /// Whether failing inputs are included (`--reveal`).
    pub revealed: bool,
    #[serde(serialize_with = "verdict::serialize")]
    pub verdict: Verdict,
    /// The rubric: points per area, the total and the band.
    pub scorecard: Scorecard,
    /// The candidate's own tests.
    #[serde(serialize_with = "quality::serialize")]
    pub quality: Quality,
    pub timings: Timings,
    /// What scaling cases were measured in: `instructions` (callgrind) or `cpu_nanos` (the fallback).
    pub meter: Unit,
    /// How the candidate's code was confined: each active layer.
    #[serde(serialize_with = "layers::serialize")]
    pub sandbox: Layers,
    pub notes: Vec<String>,
    pub compiled: Vec<String>,
}

/// One hidden case.
#[derive(Debug, Clone, Serialize)]
pub struct Test {
    /// Exercism: the case's name.
    pub name: String,
    /// Exercism: `pass`, `fail` or `error`.
    pub status: Status,
    /// Exercism: why the case matters, what went wrong and the diff; null when it passed.
    pub message: Option<String>,
    /// Exercism: what the candidate's code printed (failing cases only), at most 500 characters.
    pub output: Option<String>,
    /// Exercism: the 1-based index of the case's stage in problem.toml.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task_id: Option<usize>,
    /// Points this case earned and could earn: its share of its area by weight.
    pub score: f64,
    pub max_score: f64,
    pub area: Area,
    /// Wall-clock seconds the trial took.
    pub duration: f64,
    pub kind: Kind,
    pub weight: u32,
    pub stage: String,
    pub why: String,
    pub outcome: Outcome,
    /// Scaling and memory cases: whether the answer on the large input was right (scored in correctness).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answer: Option<bool>,
    /// Scaling and memory cases: the correctness points its answer earned and could earn (beside `score`, which is
    /// the measurement's share of performance).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answer_score: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answer_max_score: Option<f64>,
    pub failure: Option<Failure>,
    pub metrics: Metrics,
    /// Scaling cases: the sizes measured, both sides' costs, the fitted slopes, the growth class and the speed ratio.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scaling: Option<View>,
}

/// Why a case did not pass.
#[derive(Debug, Clone, Serialize)]
pub struct Failure {
    pub message: String,
    pub expected: Option<String>,
    pub actual: Option<String>,
    /// Line diff of expected → actual; for short values changed words are marked `[-…-]` / `{+…+}`.
    pub diff: Option<String>,
    /// The (shrunk) input, the failing trial's seed and the shrink steps: only when revealed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trial_seed: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shrink_steps: Option<u32>,
    /// Whether the case had an input that is hidden because it was not revealed.
    pub input_hidden: bool,
}

impl Report {
    /// The report of `grade`; `stages` are the problem's, in problem.toml order; `reveal` keeps failing inputs.
    pub fn new(grade: &Grade, stages: &[Stage], reveal: bool) -> Report {
        let tests: Vec<Test> = grade.cases.iter().map(|case| test(case, grade, stages, reveal)).collect();
        let status = if !grade.verdict.built() {
            Status::Error
        } else if tests.iter().all(|t| t.status == Status::Pass) {
            Status::Pass
        } else {
            Status::Fail
        };
        Report {
            schema: SCHEMA,
            version: EXERCISM_VERSION,
            status,
            message: verdict_message(&grade.verdict),
            tests,
            harness_version: env!("CARGO_PKG_VERSION"),
            problem: grade.problem.clone(),
            title: grade.title.clone(),
            candidate: grade.candidate.clone(),
            seed: grade.seed,
            revealed: reveal,
            verdict: grade.verdict.clone(),
            scorecard: grade.scorecard.clone(),
            quality: grade.quality.clone(),
            timings: grade.timings,
            meter: grade.meter,
            sandbox: grade.sandbox.clone(),
            notes: grade.notes.iter().map(|&note| note_text(note)).collect(),
            compiled: grade.compiled.clone(),
        }
    }

    /// Whether the candidate was built and its cases ran.
    pub fn built(&self) -> bool {
        self.verdict.built()
    }

    /// The cases that did not pass, in suite order.
    pub fn failed(&self) -> impl Iterator<Item = &Test> {
        self.tests.iter().filter(|t| t.status != Status::Pass)
    }

    /// Whether some failing input is hidden (so a reporter can say how to see it).
    pub fn inputs_hidden(&self) -> bool {
        self.tests.iter().any(|t| t.failure.as_ref().is_some_and(|f| f.input_hidden))
    }
}

/// For a candidate that was not built: what stopped it, for Exercism's top-level `message`.
fn verdict_message(verdict: &Verdict) -> Option<String> {
    match verdict {
        Verdict::Graded => None,
        Verdict::CompileError { diagnostics } => {
            Some(format!("{}:\n{}", verdict::title(verdict), diagnostics.trim_end()))
        }
        Verdict::ApiMismatch { diagnostics } => Some(format!(
            "{}: the hidden suite calls the API the spec describes; check names, argument and return types.\n{}",
            verdict::title(verdict),
            diagnostics.trim_end()
        )),
        Verdict::Rejected { reason } => Some(format!("{}: {}", verdict::title(verdict), verdict::rejection(reason))),
    }
}

fn test(case: &CaseResult, grade: &Grade, stages: &[Stage], reveal: bool) -> Test {
    let meta = &case.meta;
    let area = Area::of(meta.kind);
    let scored = grade.scorecard.area(area);
    let share = |scored: &harness_engine::rubric::AreaScore| {
        if scored.total_weight == 0 {
            0.0
        } else {
            round2(f64::from(scored.max) * f64::from(meta.weight) / f64::from(scored.total_weight))
        }
    };
    let max_score = share(scored);
    let answer_max_score = case.answer.map(|_| share(grade.scorecard.area(Area::Correctness)));
    let failure = failure(case).map(|(message, report)| {
        let field = |pick: fn(&FailureReport) -> &Option<String>| report.and_then(|r| pick(r).clone());
        let input = field(|r| &r.input);
        Failure {
            message,
            expected: field(|r| &r.expected),
            actual: field(|r| &r.actual),
            diff: field(|r| &r.diff),
            input_hidden: input.is_some() && !reveal,
            input: input.filter(|_| reveal),
            trial_seed: report.and_then(|r| r.trial_seed).filter(|_| reveal),
            shrink_steps: report.and_then(|r| r.shrink_steps).filter(|_| reveal),
        }
    });
    let status = Status::of(case.outcome);
    let message = (status != Status::Pass).then(|| test_message(case, failure.as_ref()));
    Test {
        name: meta.name.clone(),
        status,
        message,
        output: (!case.output.trim().is_empty()).then(|| truncate_output(&case.output)),
        task_id: stages.iter().position(|s| s.id == meta.stage).map(|i| i + 1),
        // A scaling case that grows like the reference but runs slower earns part of its points.
        score: round2(max_score * case.score.clamp(0.0, 1.0)),
        max_score,
        area,
        duration: case.elapsed_secs,
        kind: meta.kind,
        weight: meta.weight,
        stage: meta.stage.clone(),
        why: meta.why.clone(),
        outcome: case.outcome,
        answer: case.answer,
        answer_score: answer_max_score.map(|max| if case.answer == Some(true) { max } else { 0.0 }),
        answer_max_score,
        failure,
        metrics: case.metrics.clone(),
        scaling: case.scaling.as_ref().map(View::of),
    }
}

/// Why a case that did not pass failed: its message and the runner's report (values, diff, input) when it left one.
/// A scaling case that failed on its measurement alone has the measurement's evidence for a message.
fn failure(case: &CaseResult) -> Option<(String, Option<&FailureReport>)> {
    if case.outcome.passed() {
        return None;
    }
    let report = match &case.failure {
        Some(EngineFailure::Reported(report)) => Some(report),
        _ => None,
    };
    let message = match (&case.failure, &case.scaling) {
        (Some(failure), Some(measured)) => {
            format!("{}; measured: {}", failure::message(failure), scaling::summary(measured))
        }
        (Some(failure), None) => failure::message(failure),
        (None, Some(measured)) => scaling::summary(measured),
        (None, None) => return None,
    };
    Some((message, report))
}

/// A grade's note in words.
pub fn note_text(note: Note) -> String {
    match note {
        Note::CpuTimeMeter => "scaling was measured in CPU time (valgrind not found, or HARNESS_METER=cpu): noisier \
                               than instruction counts, so the growth thresholds are wider; install valgrind for \
                               verdicts that repeat exactly"
            .to_owned(),
    }
}

/// The human-readable message of a failed case: why it matters, what happened, the diff, and (revealed) the input.
fn test_message(case: &CaseResult, failure: Option<&Failure>) -> String {
    let mut message = format!("{} ({}): {}", case.outcome.label(), case.meta.kind, case.meta.why);
    if let Some(failure) = failure {
        message.push('\n');
        message.push_str(failure.message.trim_end());
        if let Some(diff) = &failure.diff {
            message.push_str("\ndiff (- expected, + actual):\n");
            message.push_str(diff.trim_end());
        }
        if let Some(input) = &failure.input {
            message.push_str("\ninput:\n");
            message.push_str(input.trim_end());
        }
    }
    message
}

/// At most [`OUTPUT_LIMIT`] characters, the notice included, cut at a character boundary.
fn truncate_output(output: &str) -> String {
    if output.chars().count() <= OUTPUT_LIMIT {
        return output.to_owned();
    }
    let keep = OUTPUT_LIMIT - TRUNCATED.chars().count();
    let mut text: String = output.chars().take(keep).collect();
    text.push_str(TRUNCATED);
    text
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use harness_engine::job::Rejection;
    use harness_protocol::{CaseMeta, FailureReport};

    fn case(name: &str, kind: Kind, weight: u32, stage: &str, outcome: Outcome) -> CaseResult {
        let failure = (outcome != Outcome::Pass).then(|| FailureReport {
            message: "values differ".into(),
            input: Some("[secret input]".into()),
            trial_seed: Some(7),
            ..FailureReport::default()
        });
        CaseResult {
            meta: CaseMeta {
                name: name.into(),
                kind,
                weight,
                why: "it matters".into(),
                stage: stage.into(),
                rules: Vec::new(),
            },
            outcome,
            failure: failure.map(EngineFailure::Reported),
            metrics: Metrics::default(),
            score: if outcome == Outcome::Pass { 1.0 } else { 0.0 },
            answer: None,
            scaling: None,
            elapsed_secs: 0.25,
            output: String::new(),
        }
    }

    fn grade(cases: Vec<CaseResult>) -> Grade {
        harness_engine::fixtures::graded(cases)
    }

    fn stages() -> Vec<Stage> {
        ["core", "follow-up"].iter().map(|id| Stage { id: (*id).into(), title: String::new() }).collect()
    }

    #[test]
    fn a_failed_case_makes_the_report_fail_and_scores_nothing() {
        let grade = grade(vec![
            case("a", Kind::Correctness, 3, "core", Outcome::Pass),
            case("b", Kind::Correctness, 1, "follow-up", Outcome::Fail),
            case("c", Kind::EdgeEmpty, 1, "core", Outcome::Panic),
        ]);
        let report = Report::new(&grade, &stages(), false);
        assert_eq!(report.status, Status::Fail);
        assert_eq!(report.message, None);
        let statuses: Vec<Status> = report.tests.iter().map(|t| t.status).collect();
        assert_eq!(statuses, [Status::Pass, Status::Fail, Status::Error]);
        assert_eq!((report.tests[0].score, report.tests[0].max_score), (30.0, 30.0));
        assert_eq!((report.tests[1].score, report.tests[1].max_score), (0.0, 10.0));
        assert_eq!(report.tests[1].task_id, Some(2));
        assert_eq!(report.tests[2].area, Area::EdgeCases);
    }

    #[test]
    fn inputs_and_trial_seeds_are_kept_only_when_revealed() {
        let grade = grade(vec![case("b", Kind::Correctness, 1, "core", Outcome::Fail)]);
        let hidden = Report::new(&grade, &stages(), false);
        let json = serde_json::to_string(&hidden).unwrap();
        assert!(!json.contains("secret input") && !json.contains("trial_seed"), "{json}");
        assert!(hidden.inputs_hidden());
        let revealed = Report::new(&grade, &stages(), true);
        assert!(serde_json::to_string(&revealed).unwrap().contains("secret input"));
        assert!(revealed.tests[0].message.as_deref().unwrap().contains("secret input"));
        assert!(!revealed.inputs_hidden());
    }

    #[test]
    fn a_candidate_that_was_not_built_is_an_error_with_the_reason_as_message() {
        let mut grade = grade(Vec::new());
        grade.verdict = Verdict::Rejected { reason: Rejection::DependencyNotAllowed { name: "rayon".to_owned() } };
        let report = Report::new(&grade, &stages(), false);
        assert_eq!(report.status, Status::Error);
        let message = "rejected: dependency `rayon` is not allowed (allowed: serde, serde_json)";
        assert_eq!(report.message.as_deref(), Some(message));
        let json: serde_json::Value = serde_json::to_value(&report).unwrap();
        let reason = "dependency `rayon` is not allowed (allowed: serde, serde_json)";
        assert_eq!(json["verdict"], serde_json::json!({"kind": "rejected", "reason": reason}));
        assert!(report.tests.is_empty());
    }

    #[test]
    fn long_output_is_cut_to_five_hundred_characters_with_a_notice() {
        let cut = truncate_output(&"é".repeat(600));
        assert_eq!(cut.chars().count(), OUTPUT_LIMIT);
        assert!(cut.ends_with("Please limit to 500 chars"));
        assert_eq!(truncate_output("short"), "short");
    }
}
