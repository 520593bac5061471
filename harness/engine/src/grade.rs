//! Grading one candidate folder against one problem: prepare the job, build, list and run the cases, run the
//! candidate's own tests, score. Returns data; reporters render it.

use crate::cargo::{Build, Cargo, Scope, Toolchain};
use crate::clock::Stopwatch;
use crate::ending::Broke;
use crate::error::{Environment, Error, ProblemError, Result};
use crate::job::{self, Job, Phase, Rejection};
use crate::layout::Layout;
use crate::meter::{Meter, Unit};
use crate::problem::Problem;
use crate::provision::{self, Fetching};
use crate::quality::{self, Quality};
use crate::rubric::{self, Rubric, Scorecard};
use crate::scaling::{Bench, Finding};
use crate::trial::{CaseResult, Failure, Outcome, Runner};
use harness_protocol::{CaseMeta, Kind, Metrics};
use harness_sandbox::{Jail, Layers, Sandbox};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Most compiler errors quoted in a verdict.
const MAX_DIAGNOSTICS: usize = 12;
/// Most bytes of compiler output quoted in a verdict.
const MAX_DIAGNOSTIC_BYTES: usize = 12 * 1024;
/// The seed trials use unless `--seed` says otherwise (fixed, so verdicts repeat).
pub const DEFAULT_SEED: u64 = 20_261_124;

/// How to grade.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub seed: u64,
    /// Trials run at once.
    pub jobs: usize,
    /// Run candidate code without bubblewrap when it is missing (self-assessment only).
    pub allow_unsandboxed: bool,
    /// Hears that the first grade fills cargo's registry cache before building (see [`provision`]); nothing by default.
    pub on_fetch: fn(&Fetching),
}

impl Default for Options {
    fn default() -> Self {
        let jobs = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        Options { seed: DEFAULT_SEED, jobs, allow_unsandboxed: false, on_fetch: |_| {} }
    }
}

/// Whether the candidate could be graded at all; reporters phrase it.
#[derive(Debug, Clone)]
pub enum Verdict {
    /// Built and ran; the scorecard says how well.
    Graded,
    /// The candidate's crate does not compile.
    CompileError { diagnostics: String },
    /// The candidate compiles but its API does not match the spec (the hidden suite does not compile against it).
    ApiMismatch { diagnostics: String },
    /// The folder cannot be graded (no src/lib.rs, a dependency outside the allowlist, too large).
    Rejected { reason: Rejection },
}

impl Verdict {
    pub fn built(&self) -> bool {
        matches!(self, Verdict::Graded)
    }

    /// The verdict's `kind` as the report's JSON spells it.
    pub fn kind(&self) -> &'static str {
        match self {
            Verdict::Graded => "graded",
            Verdict::CompileError { .. } => "compile_error",
            Verdict::ApiMismatch { .. } => "api_mismatch",
            Verdict::Rejected { .. } => "rejected",
        }
    }
}

/// Something a grade's reader should know that is not a case failure; reporters phrase it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Note {
    /// Scaling was measured in CPU time (valgrind not found, or `HARNESS_METER=cpu`): noisier than instruction
    /// counts, so the growth thresholds are wider.
    CpuTimeMeter,
}

/// Wall-clock seconds per phase.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Timings {
    pub build_secs: f64,
    pub run_secs: f64,
    /// Measuring the scaling cases' growth (callgrind or CPU time).
    pub measure_secs: f64,
    pub tests_secs: f64,
    /// clippy, rustfmt and reading the sources.
    pub lint_secs: f64,
}

/// The result of grading one candidate.
#[derive(Debug, Clone)]
pub struct Grade {
    pub problem: String,
    pub title: String,
    pub candidate: String,
    pub seed: u64,
    pub verdict: Verdict,
    pub scorecard: Scorecard,
    pub cases: Vec<CaseResult>,
    pub quality: Quality,
    pub timings: Timings,
    /// What scaling cases were measured in: instructions (callgrind) or CPU time (the fallback without valgrind).
    pub meter: Unit,
    /// How candidate code was confined.
    pub sandbox: Layers,
    /// Things the candidate should know that are not case failures (how scaling was measured, …).
    pub notes: Vec<Note>,
    /// Targets compiled for this grade (a warm grade compiles only the candidate and its runner).
    pub compiled: Vec<String>,
}

/// Grades `candidate` (a crate folder) against `problem`. A failure of the machine (registry, disk, toolchain, sandbox)
/// is an [`Error::Environment`], never a verdict.
pub fn grade(layout: &Layout, problem: &Problem, candidate: &Path, options: Options) -> Result<Grade> {
    let graded = grade_job(layout, problem, candidate, options);
    if let Err(Error::Environment(Environment::MissingCrate(_))) = &graded {
        // The cache lost a crate since it was fetched (pruned): the next grade fetches again.
        provision::forget(&layout.target_dir());
    }
    graded
}

fn grade_job(layout: &Layout, problem: &Problem, candidate: &Path, options: Options) -> Result<Grade> {
    let mut grade = blank(problem, candidate, options);
    if !candidate.is_dir() {
        return Err(Error::Usage(format!("failed to find the candidate folder {}", candidate.display())));
    }
    // What grades of harness processes that are gone left behind (a killed grade never cleans up).
    crate::target::sweep_once(&layout.target_dir(), &std::env::temp_dir());
    let meter = Meter::detect()?;
    grade.meter = meter.unit();
    let jail = Jail::new(Sandbox::detect(options.allow_unsandboxed)?)?;
    grade.sandbox = jail.sandbox.layers();
    let job = match job::prepare(layout, problem, candidate)? {
        Ok(job) => job,
        Err(rejection) => {
            grade.verdict = Verdict::Rejected { reason: rejection };
            return Ok(grade);
        }
    };
    let target_dir = layout.target_dir();
    std::fs::create_dir_all(&target_dir).map_err(|e| Error::io("create", &target_dir, e))?;
    let target_dir = target_dir.canonicalize().map_err(|e| Error::io("find", &target_dir, e))?;
    let toolchain = Toolchain::detect()?;
    // Before anything is built: every crate of the pinned lock file in cargo's registry cache (fetched once).
    provision::ensure(layout, &toolchain, options.on_fetch)?;
    let cargo = Cargo::new(target_dir, problem.manifest.limits.build_timeout(), toolchain, jail.sandbox.clone());
    let candidate_scope = job.visible(Phase::Candidate);
    let scope = Scope { workspace: job.root(), readable: &candidate_scope };
    // Registered before any early return, so a failed build's candidate artifacts are removed too.
    let mut cleanup = crate::target::Cleanup::new(layout.target_dir(), &job.candidate_package, &job.runner);
    let started = Stopwatch::start();
    let built = build(&cargo, layout, problem, &job, &candidate_scope, &mut cleanup.builds);
    grade.timings.build_secs = started.secs();
    grade.compiled = compiled(&job, &cleanup.builds);
    let runner = match built? {
        Ok(runner) => runner,
        Err(verdict) => {
            grade.verdict = verdict;
            return Ok(grade);
        }
    };
    let exe = jail.admit(&runner)?;
    run_phase(&mut grade, problem, &exe, &jail, &meter, options)?;
    let quality_phase = QualityPhase { cargo: &cargo, scope, job: &job, jail: &jail };
    cleanup.builds.extend(quality_phase.assess(&mut grade, problem)?);
    // Again, now that every candidate process has run: a run that went without its cgroup is said so.
    grade.sandbox = jail.sandbox.layers();

    grade.scorecard = rubric::score(&Rubric::of(&problem.manifest), &grade.cases, &grade.quality);
    Ok(grade)
}

/// A grade of `candidate` with nothing measured yet: what every early return starts from.
fn blank(problem: &Problem, candidate: &Path, options: Options) -> Grade {
    Grade {
        problem: problem.slug.clone(),
        title: problem.manifest.title.clone(),
        candidate: candidate.display().to_string(),
        seed: options.seed,
        verdict: Verdict::Graded,
        scorecard: Scorecard::zero(&problem.manifest.rubric),
        cases: Vec::new(),
        quality: Quality::default(),
        timings: Timings::default(),
        meter: Unit::Instructions,
        sandbox: Sandbox::none().layers(),
        notes: Vec::new(),
        compiled: Vec::new(),
    }
}

/// The run phase: the built runner `exe` lists the cases, measures the scaling ones and runs the rest.
fn run_phase(
    grade: &mut Grade,
    problem: &Problem,
    exe: &Path,
    jail: &Jail,
    meter: &Meter,
    options: Options,
) -> Result<()> {
    let manifest = &problem.manifest;
    let runner = Runner {
        exe,
        limits: &manifest.limits,
        budget: &manifest.budget,
        seed: options.seed,
        workers: options.jobs,
        jail,
    };
    let bench = Bench { measure: &runner, problem, meter, parallel: options.jobs > 1 };
    grade.cases = run_cases(problem, &runner, &bench, &mut grade.timings)?;
    if *meter == Meter::CpuTime && grade.cases.iter().any(|c| c.scaling.is_some()) {
        grade.notes.push(Note::CpuTimeMeter);
    }
    Ok(())
}

/// What the quality phase works with: the toolchain, the candidate's build scope, the job and the jail.
struct QualityPhase<'a> {
    cargo: &'a Cargo,
    scope: Scope<'a>,
    job: &'a Job,
    jail: &'a Jail,
}

impl QualityPhase<'_> {
    /// Builds and runs the candidate's own tests, runs clippy and rustfmt, reads the sources; returns the builds
    /// whose artifacts the job's cleanup removes.
    fn assess(&self, grade: &mut Grade, problem: &Problem) -> Result<[Build; 2]> {
        let job = self.job;
        let started = Stopwatch::start();
        let tests = self.cargo.build_tests(self.scope, &job.candidate_package)?;
        grade.timings.tests_secs = started.secs();
        let started = Stopwatch::start();
        let clippy = self.cargo.clippy(self.scope, &job.candidate_package)?;
        let rustfmt = self.cargo.rustfmt(&job.crate_roots(), &job.rustfmt_config(), &job.edition);
        grade.timings.lint_secs = started.secs();
        let started = Stopwatch::start();
        let runs = quality::Runs { tests: &tests, clippy: &clippy, rustfmt: &rustfmt };
        grade.quality = quality::assess(job, &runs, self.jail, problem.manifest.limits.scaling_timeout())?;
        grade.timings.tests_secs += started.secs();
        Ok([tests, clippy])
    }
}

/// Lists the suite's cases and runs them. Scaling cases are measured first: a candidate whose cost grows a class
/// worse than the reference's has its verdict already and skips the correctness run on the large input (which it
/// could only time out on).
fn run_cases(problem: &Problem, runner: &Runner, bench: &Bench, timings: &mut Timings) -> Result<Vec<CaseResult>> {
    let started = Stopwatch::start();
    let cases = runner
        .list()
        .and_then(|cases| problem.check_case_stages(cases))
        .map_err(|why| Error::Harness(format!("failed to list the hidden cases of `{}`: {why}", problem.slug)))?;
    problem.check_signal_cases(&cases)?;
    let mut findings = Vec::new();
    for case in cases.iter().filter(|c| c.kind == Kind::Scaling) {
        findings.push((case.name.clone(), bench.grade(case)?));
    }
    timings.measure_secs = started.secs();
    let decided = |name: &str| findings.iter().any(|(n, f)| n == name && f.decides());
    let to_run: Vec<CaseMeta> = cases.iter().filter(|c| !decided(&c.name)).cloned().collect();
    let started = Stopwatch::start();
    let mut run = runner.run_all(&to_run)?.into_iter();
    timings.run_secs = started.secs();
    let mut results = Vec::with_capacity(cases.len());
    for meta in cases {
        let finding = findings.iter().position(|(n, _)| *n == meta.name).map(|i| findings.swap_remove(i).1);
        let result = match finding {
            Some(finding) if finding.decides() => decided_result(meta, finding),
            Some(finding) => {
                let mut result = run.next().expect("run_all returns a result per case");
                apply(&mut result, finding);
                result
            }
            None => run.next().expect("run_all returns a result per case"),
        };
        results.push(result);
    }
    Ok(results)
}

/// The result of a scaling case its measurement decided alone: worse growth, or a failure on a measured input.
fn decided_result(meta: CaseMeta, finding: Finding) -> CaseResult {
    let mut result = CaseResult {
        meta,
        outcome: Outcome::Pass,
        failure: None,
        metrics: Metrics::default(),
        score: 1.0,
        answer: None,
        scaling: None,
        elapsed_secs: 0.0,
        output: String::new(),
    };
    apply(&mut result, finding);
    result
}

/// Folds a scaling case's measurement into its result. One bug, one area: the measurement alone decides the share
/// of the case's performance weight (`score`); the run on the large input decides only whether its answer was right
/// (`answer`, which counts in correctness). A case the measurement decided (it grows a class worse) was not run, and
/// its answer is not held against it; a timeout of the run is slowness, not a wrong answer.
fn apply(case: &mut CaseResult, finding: Finding) {
    match finding {
        Finding::Measured(scaling) => {
            case.score = scaling.score;
            case.answer = Some(matches!(case.outcome, Outcome::Pass | Outcome::Timeout));
            // A run that passed but measured short fails on the measurement alone: its evidence is the
            // measurement, which reporters phrase (beside the run's own failure, when it failed too).
            if case.outcome == Outcome::Pass && scaling.score < 1.0 {
                case.outcome = Outcome::Fail;
            }
            case.scaling = Some(scaling);
        }
        Finding::Failed { size, broke } => {
            case.score = 0.0;
            case.answer = Some(false);
            case.outcome = if matches!(broke, Broke::Panicked(_)) { Outcome::Panic } else { Outcome::Crash };
            case.failure = Some(Failure::Measuring { size, broke });
        }
    }
}

/// Builds the job in its two phases (each cargo run kept in `builds`): the candidate's library beside a stub
/// runner, seeing only `candidate_scope` (nothing hidden); then the runner, which sees the suite and the reference and must find the
/// candidate's library up to date. The runner's executable, or the candidate's verdict when either build fails.
fn build(
    cargo: &Cargo,
    layout: &Layout,
    problem: &Problem,
    job: &Job,
    candidate_scope: &[PathBuf],
    builds: &mut Vec<Build>,
) -> Result<std::result::Result<PathBuf, Verdict>> {
    let build = cargo.build(Scope { workspace: job.root(), readable: candidate_scope }, &job.runner)?;
    let verdict = build_verdict(layout, problem, job, &build)?;
    builds.push(build);
    if let Some(verdict) = verdict {
        return Ok(Err(verdict));
    }
    job.enter(Phase::Runner)?;
    let runner_scope = job.visible(Phase::Runner);
    let build = cargo.build(Scope { workspace: job.root(), readable: &runner_scope }, &job.runner);
    job.enter(Phase::Candidate)?;
    let build = build?;
    let recompiled = build.artifacts.iter().any(|a| a.target == "candidate" && !a.fresh);
    let verdict = build_verdict(layout, problem, job, &build)?;
    let runner = build.artifacts.iter().find(|a| a.target == job.runner).and_then(|a| a.executable.clone());
    builds.push(build);
    if recompiled {
        return Err(Error::Harness(
            "failed to build the runner: cargo compiled the candidate again while the hidden suite was visible"
                .to_owned(),
        ));
    }
    if let Some(verdict) = verdict {
        return Ok(Err(verdict));
    }
    runner.map(Ok).ok_or_else(|| Error::Harness("failed to find the runner executable in cargo's output".to_owned()))
}

/// The targets cargo compiled (not found up to date) over `builds`, the runner named `runner`, each once.
fn compiled(job: &Job, builds: &[Build]) -> Vec<String> {
    let mut compiled = Vec::new();
    for artifact in builds.iter().flat_map(|b| &b.artifacts).filter(|a| !a.fresh) {
        let name = if artifact.target == job.runner { "runner".to_owned() } else { artifact.target.clone() };
        if !compiled.contains(&name) {
            compiled.push(name);
        }
    }
    compiled
}

/// `None` when the build succeeded; otherwise the verdict for the candidate, or an error when the problem itself
/// (its reference or suite) or the harness is at fault.
fn build_verdict(layout: &Layout, problem: &Problem, job: &Job, build: &Build) -> Result<Option<Verdict>> {
    if build.success {
        return Ok(None);
    }
    if build.timed_out {
        return Ok(Some(Verdict::CompileError {
            diagnostics: format!("the build did not finish within {}s", problem.manifest.limits.build_timeout_secs),
        }));
    }
    let quote = |errors: Vec<&crate::cargo::Diagnostic>| {
        cap(&errors.iter().take(MAX_DIAGNOSTICS).map(|d| job.scrub(&d.rendered)).collect::<String>())
    };
    let candidate_errors = build.errors_for("candidate");
    if !candidate_errors.is_empty() {
        return Ok(Some(Verdict::CompileError { diagnostics: quote(candidate_errors) }));
    }
    let reference_errors = build.errors_for(&job.reference.target());
    if !reference_errors.is_empty() {
        return Err(ProblemError::new(
            layout.reference_dir(&problem.slug),
            None,
            format!("the reference does not compile:\n{}", quote(reference_errors)),
        )
        .into());
    }
    let runner_errors = build.errors_for(&job.runner);
    if !runner_errors.is_empty() {
        // The runner's errors point into the hidden suite: quote the candidate's lines, never the suite's.
        let candidate = job.candidate_dir();
        let may_quote = |file: &Path| file.starts_with("candidate") || file.starts_with(&candidate);
        let shown = |file: &Path| format!("$CANDIDATE/{}", job.relative(file));
        let rendered: String = runner_errors
            .iter()
            .take(MAX_DIAGNOSTICS)
            .map(|d| d.render_quoting(&may_quote, &shown))
            .collect::<Vec<_>>()
            .join("\n");
        return Ok(Some(Verdict::ApiMismatch { diagnostics: cap(&job.scrub(&rendered)) }));
    }
    Ok(Some(Verdict::CompileError { diagnostics: cap(&job.scrub(build.stderr.trim())) }))
}

fn cap(text: &str) -> String {
    if text.len() <= MAX_DIAGNOSTIC_BYTES {
        return text.to_owned();
    }
    let end = (0..=MAX_DIAGNOSTIC_BYTES).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
    format!("{}\n… ({} more bytes of compiler output)", &text[..end], text.len() - end)
}
