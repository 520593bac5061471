//! Running a built runner: `list` its cases, then each case in its own child process with its own timeout, reading
//! the result record from the channel (never from stdout).

use crate::error::{Error, Result};
use crate::problem::Problem;
use crate::scaling::Scaling;
use harness_protocol::{
    CaseMeta, CaseRecord, ENV_MEMORY_RATIO, ENV_MEMORY_SLACK, ENV_RESULT_FD, ENV_SECRET_FD, ENV_SEED, FailureReport,
    Kind, ListRecord, MeasureRecord, Metrics, PROTOCOL_VERSION, RESULT_FD, SECRET_FD, Side, Status,
};
use harness_sandbox::process::{self, Exit, Finished, Limits};
use harness_sandbox::{Jail, Who};
use serde::Serialize;
use std::ffi::OsString;
use std::fmt::Write;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Address space valgrind gets on top of the trial's limit.
const VALGRIND_HEADROOM_MB: u64 = 1024;
/// Bytes of a trial's stderr quoted in a crash report.
const STDERR_TAIL: usize = 1500;

/// How one case ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Pass,
    Fail,
    Panic,
    Timeout,
    /// The process died (signal, abort, out of memory) before reporting.
    Crash,
    /// Not judged: an edge variant whose case fails on ordinary inputs (it scores in no area until that passes).
    Skipped,
}

impl Outcome {
    pub fn passed(self) -> bool {
        self == Outcome::Pass
    }

    pub fn label(self) -> &'static str {
        match self {
            Outcome::Pass => "passed",
            Outcome::Fail => "failed",
            Outcome::Panic => "panicked",
            Outcome::Timeout => "timed out",
            Outcome::Crash => "crashed",
            Outcome::Skipped => "not judged",
        }
    }
}

/// One case's result.
#[derive(Debug, Clone, Serialize)]
pub struct CaseResult {
    #[serde(flatten)]
    pub meta: CaseMeta,
    pub outcome: Outcome,
    pub failure: Option<FailureReport>,
    pub metrics: Metrics,
    /// Share of the case's weight earned in its area, 0 to 1: 1 for a pass, 0 for a failure; for a scaling case what
    /// its measurement earned (in between when it grows like the reference but runs slower), for a memory case
    /// whether its peak kept to the budget.
    pub score: f64,
    /// Scaling and memory cases: whether the answer on their large input was right, which counts in correctness
    /// (one bug, one area). `None` where no answer was checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answer: Option<bool>,
    /// How a scaling case's cost grew against the reference's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scaling: Option<Scaling>,
    pub elapsed_secs: f64,
    /// What the candidate printed (truncated), when the case did not pass.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub output: String,
}

/// A case's share of its area and, for a memory case, its answer: the peak against the budget is the memory case's
/// score, a wrong answer within the budget is correctness's (a peak over it says nothing of the answer). Other cases:
/// pass or fail, no separate answer (a scaling case's comes from its measurement, in `grade`).
fn split_memory_case(kind: Kind, outcome: Outcome, metrics: &Metrics) -> (f64, Option<bool>) {
    let pass = if outcome.passed() { 1.0 } else { 0.0 };
    if kind != Kind::Memory {
        return (pass, None);
    }
    match (outcome, metrics.peak_bytes.zip(metrics.budget_bytes)) {
        (Outcome::Pass, _) => (1.0, Some(true)),
        (Outcome::Fail, Some((peak, budget))) if peak <= budget => (1.0, Some(false)),
        (Outcome::Fail, Some(_)) => (0.0, Some(true)),
        _ => (0.0, Some(false)),
    }
}

/// Settings every trial of a grade shares.
#[derive(Debug, Clone, Copy)]
pub struct Settings<'a> {
    pub seed: u64,
    pub jobs: usize,
    /// Where candidate processes run.
    pub jail: &'a Jail,
}

/// Asks the runner which cases the suite has.
pub fn list(runner: &Path, problem: &Problem, settings: Settings) -> Result<Vec<CaseMeta>> {
    let nonce = nonce();
    let done = spawn(runner, &["list"], problem, settings, &nonce, problem.manifest.limits.trial_timeout())?;
    let failed = |why: String| Error::Harness(format!("failed to list the hidden cases of `{}`: {why}", problem.slug));
    if !done.success() {
        return Err(failed(format!("{} {}", describe_exit(done.exit, done.oom_killed), tail(&done.stderr.text))));
    }
    let record: ListRecord = only_record(&done.channel).ok_or_else(|| failed("no list record".to_owned()))?;
    if record.nonce != nonce || record.version != PROTOCOL_VERSION {
        return Err(failed(format!("bad record (protocol version {})", record.version)));
    }
    if record.cases.is_empty() {
        return Err(failed("the suite has no cases".to_owned()));
    }
    if let Some(case) = record.cases.iter().find(|c| !problem.has_stage(&c.stage)) {
        return Err(failed(format!("case `{}` names stage `{}`, not in problem.toml", case.name, case.stage)));
    }
    Ok(record.cases)
}

/// Runs every case, `settings.jobs` at a time; results come back in the suite's order.
pub fn run_all(runner: &Path, problem: &Problem, cases: &[CaseMeta], settings: Settings) -> Result<Vec<CaseResult>> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<CaseResult>>>> = Mutex::new((0..cases.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..settings.jobs.clamp(1, cases.len().max(1)) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(meta) = cases.get(i) else { break };
                    let result = run_one(runner, problem, meta, settings);
                    results.lock().expect("no worker panics while holding the lock")[i] = Some(result);
                }
            });
        }
    });
    results.into_inner().expect("workers are done").into_iter().map(|r| r.expect("every case ran")).collect()
}

fn run_one(runner: &Path, problem: &Problem, meta: &CaseMeta, settings: Settings) -> Result<CaseResult> {
    let limits = &problem.manifest.limits;
    let timeout = match meta.kind {
        Kind::Scaling | Kind::Memory => limits.scaling_timeout(),
        _ => limits.trial_timeout(),
    };
    let mut nonce = nonce();
    let mut done = spawn(runner, &["run", &meta.name], problem, settings, &nonce, timeout)?;
    if done.exit == Exit::TimedOut && done.cpu < timeout / 2 {
        // Timed out while mostly off the CPU: a machine stall (a paused VM, a swapped-out host) looks the same as a
        // sleeping hang, so run it once more; a real hang times out again, a busy loop never gets here.
        nonce = self::nonce();
        done = spawn(runner, &["run", &meta.name], problem, settings, &nonce, timeout)?;
    }
    let record: Option<CaseRecord> =
        only_record(&done.channel).filter(|r: &CaseRecord| r.nonce == nonce && r.case == meta.name);
    let output = if done.stdout.text.is_empty() && done.stderr.text.is_empty() {
        String::new()
    } else {
        let mut text = format!("{}{}", done.stdout.text, done.stderr.text);
        if done.stdout.dropped_bytes + done.stderr.dropped_bytes > 0 {
            let dropped = done.stdout.dropped_bytes + done.stderr.dropped_bytes;
            let _ = write!(text, "\n… {dropped} more bytes");
        }
        text
    };
    let (outcome, failure, metrics) = match (done.exit, record) {
        (Exit::TimedOut, _) => (
            Outcome::Timeout,
            Some(FailureReport {
                message: format!(
                    "did not finish within {}s (an infinite loop or a far slower algorithm)",
                    timeout.as_secs()
                ),
                ..FailureReport::default()
            }),
            Metrics::default(),
        ),
        (Exit::Code(0), Some(record)) => {
            let outcome = match record.status {
                Status::Pass => Outcome::Pass,
                Status::Fail => Outcome::Fail,
                Status::Panic => Outcome::Panic,
                Status::Skip => Outcome::Skipped,
            };
            (outcome, record.failure, record.metrics)
        }
        (exit, _) => (
            Outcome::Crash,
            Some(FailureReport {
                message: format!(
                    "the trial process {} {}",
                    describe_exit(exit, done.oom_killed),
                    tail(&done.stderr.text)
                )
                .trim()
                .to_owned(),
                ..FailureReport::default()
            }),
            Metrics::default(),
        ),
    };
    let output = if outcome.passed() { String::new() } else { output };
    // Panic locations are relative to the job's workspace; show them relative to the candidate's crate.
    let failure = failure.map(|mut f| {
        f.message = f.message.replace("(at candidate/", "(at ");
        f
    });
    let (score, answer) = split_memory_case(meta.kind, outcome, &metrics);
    Ok(CaseResult {
        meta: meta.clone(),
        outcome,
        failure,
        metrics,
        score,
        answer,
        scaling: None,
        elapsed_secs: done.elapsed.as_secs_f64(),
        output,
    })
}

/// How one `runner measure` process ended.
#[derive(Debug, Clone)]
pub enum Measured {
    /// The cost of one call: the least CPU time in nanoseconds as the runner measured it (a caller running the
    /// runner under callgrind replaces it with the instruction count).
    Done(u64),
    /// The measured side panicked on this input.
    Panicked(String),
    TimedOut,
    /// Died or exited without a well-formed record.
    Crashed(String),
}

/// One measurement of a scaling case: the runner generates the input of `size` and calls `who` on it `repeats`
/// times. `wrapper` is the program and arguments to run the runner under (callgrind) and the one folder it may write
/// its output to, if any.
#[allow(clippy::too_many_arguments)]
pub fn measure(
    runner: &Path,
    problem: &Problem,
    settings: Settings,
    case: &str,
    who: Side,
    size: u64,
    repeats: u32,
    wrapper: Option<(&[OsString], &Path)>,
) -> Result<Measured> {
    let nonce = nonce();
    let args = ["measure", case, who.as_str(), &size.to_string(), &repeats.to_string()].map(OsString::from);
    let (program, args, writable): (PathBuf, Vec<OsString>, Option<&Path>) = match wrapper {
        Some(([program, wrapper_args @ ..], writable)) => (
            PathBuf::from(program),
            wrapper_args.iter().cloned().chain([runner.as_os_str().to_owned()]).chain(args).collect(),
            Some(writable),
        ),
        _ => (runner.to_path_buf(), args.to_vec(), None),
    };
    // Valgrind maps its own code and shadow memory besides the program's, so it gets a gigabyte more; without a cap,
    // a 50 GiB allocation under valgrind (whose calloc writes every byte) would take the machine's memory.
    let limit_mb = problem.manifest.limits.memory_limit_mb + if writable.is_some() { VALGRIND_HEADROOM_MB } else { 0 };
    let user = match who {
        Side::Candidate => Who::Candidate,
        Side::Reference => Who::Reference,
    };
    let timeout = problem.manifest.limits.scaling_timeout();
    let run = Run { program: &program, args: &args, writable, timeout, who: user };
    let done = spawn_with(&run, problem, settings, &nonce, limit_mb << 20)?;
    if done.exit == Exit::TimedOut {
        return Ok(Measured::TimedOut);
    }
    let record: Option<MeasureRecord> =
        only_record(&done.channel).filter(|r: &MeasureRecord| r.nonce == nonce && r.case == case && r.side == who);
    Ok(match (done.exit, record) {
        (Exit::Code(0), Some(record)) => match record.panic {
            Some(message) => Measured::Panicked(message.replace("(at candidate/", "(at ")),
            None => Measured::Done(record.cpu_nanos),
        },
        (exit, _) => Measured::Crashed(
            format!("{} {}", describe_exit(exit, done.oom_killed), tail(&done.stderr.text)).trim().to_owned(),
        ),
    })
}

/// One confined process: what to run, and where it may write.
struct Run<'a> {
    program: &'a Path,
    args: &'a [OsString],
    writable: Option<&'a Path>,
    timeout: Duration,
    who: Who,
}

fn spawn(
    runner: &Path,
    args: &[&str],
    problem: &Problem,
    settings: Settings,
    nonce: &str,
    timeout: Duration,
) -> Result<Finished> {
    let args: Vec<OsString> = args.iter().map(OsString::from).collect();
    let run = Run { program: runner, args: &args, writable: None, timeout, who: Who::Candidate };
    spawn_with(&run, problem, settings, nonce, problem.manifest.limits.memory_limit_mb << 20)
}

/// Starts `run` in the grade's sandbox with the protocol's environment (and nothing else of the harness's).
fn spawn_with(run: &Run, problem: &Problem, settings: Settings, nonce: &str, address_space: u64) -> Result<Finished> {
    let env = [
        (ENV_RESULT_FD, RESULT_FD.to_string()),
        (ENV_SECRET_FD, SECRET_FD.to_string()),
        (ENV_SEED, settings.seed.to_string()),
        (ENV_MEMORY_RATIO, problem.manifest.budget.memory_ratio.to_string()),
        (ENV_MEMORY_SLACK, (problem.manifest.budget.memory_slack_kib * 1024).to_string()),
        ("RUST_BACKTRACE", "0".to_owned()),
    ];
    let command = settings.jail.command(run.program, run.args, &env, run.writable, run.who);
    let limits = Limits {
        timeout: run.timeout,
        output_cap: (problem.manifest.limits.output_limit_kb * 1024) as usize,
        channel_cap: 4 << 20,
        address_space: Some(address_space),
        confine: true,
    };
    let mut done = process::run(command, limits, Some(nonce.as_bytes()))
        .map_err(|e| Error::Harness(format!("failed to start {}: {e}", run.program.display())))?;
    if let Exit::Code(code) = done.exit
        && let Some(signal) = settings.jail.sandbox.signal_of(code)
    {
        done.exit = Exit::Signal(signal);
    }
    Ok(done)
}

/// The one record on the channel: nothing else may have been written there (a second line, or a record followed by
/// anything, is tampering or a bug, and counts as no record).
fn only_record<T: serde::de::DeserializeOwned>(channel: &[u8]) -> Option<T> {
    let text = std::str::from_utf8(channel).ok()?;
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let record = serde_json::from_str(lines.next()?).ok()?;
    lines.next().is_none().then_some(record)
}

fn describe_exit(exit: Exit, oom_killed: bool) -> String {
    // The cgroup's OOM killer ends a process with SIGKILL; say why rather than name the signal.
    match exit {
        Exit::Signal(libc::SIGKILL) if oom_killed => {
            return "was killed: memory limit of the sandbox reached".to_owned();
        }
        Exit::Code(_) | Exit::Signal(_) if oom_killed => {
            return format!(
                "{} (a process of it was killed: memory limit of the sandbox reached)",
                describe_exit(exit, false)
            );
        }
        _ => {}
    }
    match exit {
        Exit::Code(code) => format!("exited with code {code} without reporting"),
        Exit::Signal(signal) => {
            let name = match signal {
                libc::SIGSEGV => " (SIGSEGV)",
                libc::SIGABRT => " (SIGABRT: abort, stack overflow or failed allocation)",
                libc::SIGKILL => " (SIGKILL)",
                libc::SIGBUS => " (SIGBUS)",
                libc::SIGILL => " (SIGILL)",
                libc::SIGFPE => " (SIGFPE)",
                _ => "",
            };
            format!("was killed by signal {signal}{name}")
        }
        Exit::TimedOut => "timed out".to_owned(),
    }
}

/// The last lines of stderr, for a crash message.
fn tail(stderr: &str) -> String {
    let trimmed = stderr.trim();
    if trimmed.is_empty() {
        return String::new();
    }
    let start = trimmed.len().saturating_sub(STDERR_TAIL);
    let start = (start..trimmed.len()).find(|&i| trimmed.is_char_boundary(i)).unwrap_or(trimmed.len());
    format!("; stderr: {}", &trimmed[start..])
}

/// A per-trial secret the record must echo, so stray writes to the channel are not mistaken for results.
fn nonce() -> String {
    let mut bytes = [0u8; 16];
    if std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut bytes)).is_err() {
        let fallback = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        bytes[..16].copy_from_slice(&fallback.as_nanos().to_le_bytes());
    }
    bytes.iter().fold(String::with_capacity(32), |mut hex, b| {
        let _ = write!(hex, "{b:02x}");
        hex
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_oom_kill_is_told_as_the_sandbox_memory_limit_not_a_bare_sigkill() {
        assert_eq!(describe_exit(Exit::Signal(libc::SIGKILL), true), "was killed: memory limit of the sandbox reached");
        assert_eq!(describe_exit(Exit::Signal(libc::SIGKILL), false), "was killed by signal 9 (SIGKILL)");
        let exited = describe_exit(Exit::Code(101), true);
        assert!(exited.starts_with("exited with code 101") && exited.contains("memory limit"), "{exited}");
        assert_eq!(describe_exit(Exit::TimedOut, true), "timed out");
    }
}
