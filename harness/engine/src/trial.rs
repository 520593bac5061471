//! Running a built runner: `list` its cases, then each case in its own child process with its own timeout, reading
//! the result record from the channel (never from stdout); and one side of a scaling case measured through the meter.

use crate::ending::{Broke, Death};
use crate::error::{Error, Result};
use crate::meter::{Measured, Meter, Wrapper};
use crate::problem::{Budget, Limits};
use crate::scaling::{Measure, Scaling};
use harness_protocol::{
    CaseMeta, CaseRecord, ENV_MEMORY_RATIO, ENV_MEMORY_SLACK, ENV_RESULT_FD, ENV_SECRET_FD, ENV_SEED, FailureReport,
    Kind, ListRecord, MeasureRecord, Metrics, PROTOCOL_VERSION, RESULT_FD, SECRET_FD, Side, Status,
};
use harness_sandbox::process::{self, Exit, Finished};
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
#[derive(Debug, Clone)]
pub struct CaseResult {
    pub meta: CaseMeta,
    pub outcome: Outcome,
    pub failure: Option<Failure>,
    pub metrics: Metrics,
    /// Share of the case's weight earned in its area, 0 to 1: 1 for a pass, 0 for a failure; for a scaling case what
    /// its measurement earned (in between when it grows like the reference but runs slower), for a memory case
    /// whether its peak kept to the budget.
    pub score: f64,
    /// Scaling and memory cases: whether the answer on their large input was right, which counts in correctness
    /// (one bug, one area). `None` where no answer was checked.
    pub answer: Option<bool>,
    /// How a scaling case's cost grew against the reference's.
    pub scaling: Option<Scaling>,
    pub elapsed_secs: f64,
    /// What the candidate printed (truncated), when the case did not pass.
    pub output: String,
}

/// Why a case did not pass; reporters phrase it.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// The runner's own report: a wrong answer or a panic, with the values and input.
    Reported(FailureReport),
    /// The trial process outlived the trial timeout of `secs` seconds.
    TimedOut { secs: u64 },
    /// The trial process died or exited without reporting.
    Died(Death),
    /// A scaling case's run passed, but its measurement on the input of `size` items panicked or died.
    Measuring { size: u64, broke: Broke },
}

impl Failure {
    /// The candidate stopped in `todo!()` or `unimplemented!()`: unfinished, not a crash.
    pub fn unimplemented(&self) -> bool {
        match self {
            Failure::Reported(report) => report.unimplemented,
            Failure::Measuring { broke: Broke::Panicked(message), .. } => harness_protocol::is_unimplemented(message),
            _ => false,
        }
    }
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

/// A grade's built runner and what every process started from it shares: the runner's copy in the grade's jail, the
/// problem's limits and memory budget, the seed, how many run at once, and the jail. [`list`](Runner::list),
/// [`run_all`](Runner::run_all) and [`measure`](Runner::measure) each start confined runner processes.
#[derive(Debug, Clone, Copy)]
pub struct Runner<'a> {
    pub exe: &'a Path,
    pub limits: &'a Limits,
    pub budget: &'a Budget,
    pub seed: u64,
    /// Processes run at once.
    pub workers: usize,
    pub jail: &'a Jail,
}

impl Runner<'_> {
    /// Asks the runner which cases the suite has; `Err` says why the list is unusable.
    pub fn list(&self) -> std::result::Result<Vec<CaseMeta>, String> {
        let nonce = nonce();
        let done = self.spawn(&["list"], &nonce, self.limits.trial_timeout()).map_err(|e| e.to_string())?;
        if !done.success() {
            return Err(death(&done).to_string());
        }
        let record: ListRecord = only_record(&done.channel).ok_or_else(|| "no list record".to_owned())?;
        if record.nonce != nonce || record.version != PROTOCOL_VERSION {
            return Err(format!("bad record (protocol version {})", record.version));
        }
        if record.cases.is_empty() {
            return Err("the suite has no cases".to_owned());
        }
        Ok(record.cases)
    }

    /// Runs every case, [`workers`](Runner::workers) at a time; results come back in the suite's order.
    pub fn run_all(&self, cases: &[CaseMeta]) -> Result<Vec<CaseResult>> {
        let next = AtomicUsize::new(0);
        let results: Mutex<Vec<Option<Result<CaseResult>>>> = Mutex::new((0..cases.len()).map(|_| None).collect());
        std::thread::scope(|scope| {
            for _ in 0..self.workers.clamp(1, cases.len().max(1)) {
                scope.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(meta) = cases.get(i) else { break };
                        let result = self.run(meta);
                        results.lock().expect("no worker panics while holding the lock")[i] = Some(result);
                    }
                });
            }
        });
        results.into_inner().expect("workers are done").into_iter().map(|r| r.expect("every case ran")).collect()
    }

    /// Runs one case in its own process.
    pub fn run(&self, meta: &CaseMeta) -> Result<CaseResult> {
        let timeout = match meta.kind {
            Kind::Scaling | Kind::Memory => self.limits.scaling_timeout(),
            _ => self.limits.trial_timeout(),
        };
        let mut nonce = nonce();
        let mut done = self.spawn(&["run", &meta.name], &nonce, timeout)?;
        if done.exit == Exit::TimedOut && done.cpu < timeout / 2 {
            // Timed out while mostly off the CPU: a machine stall (a paused VM, a swapped-out host) looks the same as
            // a sleeping hang, so run it once more; a real hang times out again, a busy loop never gets here.
            nonce = self::nonce();
            done = self.spawn(&["run", &meta.name], &nonce, timeout)?;
        }
        let record: Option<CaseRecord> =
            only_record(&done.channel).filter(|r: &CaseRecord| r.nonce == nonce && r.case == meta.name);
        let (outcome, failure, metrics) = judge(&done, record, timeout);
        let output = if outcome.passed() { String::new() } else { output_of(&done) };
        // Panic locations are relative to the job's workspace; show them relative to the candidate's crate.
        let failure = failure.map(|mut f| {
            let relative = |text: &mut String| *text = text.replace("(at candidate/", "(at ");
            match &mut f {
                Failure::Reported(report) => relative(&mut report.message),
                Failure::Died(death) => relative(&mut death.stderr),
                Failure::TimedOut { .. } | Failure::Measuring { .. } => {}
            }
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

    /// One `runner measure` process: the runner generates the input of `size` and calls `side` on it `repeats`
    /// times, under the meter's wrapper when it has one.
    fn measure_once(
        &self,
        case: &str,
        side: Side,
        (size, repeats): (u64, u32),
        wrapper: Option<Wrapper>,
    ) -> Result<Measured> {
        let nonce = nonce();
        let args = ["measure", case, side.as_str(), &size.to_string(), &repeats.to_string()].map(OsString::from);
        let (program, args, writable): (PathBuf, Vec<OsString>, Option<&Path>) = match &wrapper {
            Some(Wrapper { program, args: wrapper_args, writable }) => (
                program.clone(),
                wrapper_args.iter().cloned().chain([self.exe.as_os_str().to_owned()]).chain(args).collect(),
                Some(writable),
            ),
            None => (self.exe.to_path_buf(), args.to_vec(), None),
        };
        // Valgrind maps its own code and shadow memory besides the program's, so it gets a gigabyte more; without a
        // cap, a 50 GiB allocation under valgrind (whose calloc writes every byte) would take the machine's memory.
        let limit_mb = self.limits.memory_limit_mb + if writable.is_some() { VALGRIND_HEADROOM_MB } else { 0 };
        let run =
            Run { program: &program, args: &args, writable, timeout: self.limits.scaling_timeout(), who: who(side) };
        let done = self.spawn_with(&run, &nonce, limit_mb << 20)?;
        if done.exit == Exit::TimedOut {
            return Ok(Measured::TimedOut);
        }
        let record: Option<MeasureRecord> =
            only_record(&done.channel).filter(|r: &MeasureRecord| r.nonce == nonce && r.case == case && r.side == side);
        Ok(match (done.exit, record) {
            (Exit::Code(0), Some(record)) => match record.panic {
                Some(message) => Measured::Panicked(message.replace("(at candidate/", "(at ")),
                None => Measured::Done(record.cpu_nanos),
            },
            _ => Measured::Crashed(death(&done)),
        })
    }

    fn spawn(&self, args: &[&str], nonce: &str, timeout: Duration) -> Result<Finished> {
        let args: Vec<OsString> = args.iter().map(OsString::from).collect();
        let run = Run { program: self.exe, args: &args, writable: None, timeout, who: Who::Candidate };
        self.spawn_with(&run, nonce, self.limits.memory_limit_mb << 20)
    }

    /// Starts `run` in the grade's sandbox with the protocol's environment (and nothing else of the harness's).
    fn spawn_with(&self, run: &Run, nonce: &str, address_space: u64) -> Result<Finished> {
        let env = [
            (ENV_RESULT_FD, RESULT_FD.to_string()),
            (ENV_SECRET_FD, SECRET_FD.to_string()),
            (ENV_SEED, self.seed.to_string()),
            (ENV_MEMORY_RATIO, self.budget.memory_ratio.to_string()),
            (ENV_MEMORY_SLACK, (self.budget.memory_slack_kib * 1024).to_string()),
            ("RUST_BACKTRACE", "0".to_owned()),
        ];
        let command = self.jail.command(run.program, run.args, &env, run.writable, run.who);
        let limits = process::Limits {
            timeout: run.timeout,
            output_cap: (self.limits.output_limit_kb * 1024) as usize,
            channel_cap: 4 << 20,
            address_space: Some(address_space),
            confine: true,
        };
        let mut done = process::run(command, limits, Some(nonce.as_bytes()))
            .map_err(|e| Error::Harness(format!("failed to start {}: {e}", run.program.display())))?;
        if let Exit::Code(code) = done.exit
            && let Some(signal) = self.jail.sandbox.signal_of(code)
        {
            done.exit = Exit::Signal(signal);
        }
        Ok(done)
    }
}

impl Measure for Runner<'_> {
    fn measure(&self, case: &str, side: Side, size: u64, repeats: u32, meter: &Meter) -> Result<Measured> {
        meter.measure(self.jail, who(side), |wrapper| self.measure_once(case, side, (size, repeats), wrapper))
    }
}

/// The sandbox user a side runs as.
fn who(side: Side) -> Who {
    match side {
        Side::Candidate => Who::Candidate,
        Side::Reference => Who::Reference,
    }
}

/// How a case ended, from its process and the record it left.
fn judge(done: &Finished, record: Option<CaseRecord>, timeout: Duration) -> (Outcome, Option<Failure>, Metrics) {
    match (done.exit, record) {
        (Exit::TimedOut, _) => {
            (Outcome::Timeout, Some(Failure::TimedOut { secs: timeout.as_secs() }), Metrics::default())
        }
        (Exit::Code(0), Some(record)) => {
            let outcome = match record.status {
                Status::Pass => Outcome::Pass,
                Status::Fail => Outcome::Fail,
                Status::Panic => Outcome::Panic,
                Status::Skip => Outcome::Skipped,
            };
            (outcome, record.failure.map(Failure::Reported), record.metrics)
        }
        _ => (Outcome::Crash, Some(Failure::Died(death(done))), Metrics::default()),
    }
}

/// What a case's process printed, with how much more was dropped.
fn output_of(done: &Finished) -> String {
    if done.stdout.text.is_empty() && done.stderr.text.is_empty() {
        return String::new();
    }
    let mut text = format!("{}{}", done.stdout.text, done.stderr.text);
    let dropped = done.stdout.dropped_bytes + done.stderr.dropped_bytes;
    if dropped > 0 {
        let _ = write!(text, "\n… {dropped} more bytes");
    }
    text
}

/// One confined process: what to run, and where it may write.
struct Run<'a> {
    program: &'a Path,
    args: &'a [OsString],
    writable: Option<&'a Path>,
    timeout: Duration,
    who: Who,
}

/// The one record on the channel: nothing else may have been written there (a second line, or a record followed by
/// anything, is tampering or a bug, and counts as no record).
fn only_record<T: serde::de::DeserializeOwned>(channel: &[u8]) -> Option<T> {
    let text = std::str::from_utf8(channel).ok()?;
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let record = serde_json::from_str(lines.next()?).ok()?;
    lines.next().is_none().then_some(record)
}

/// The last bytes of stderr, trimmed, for a crash's evidence.
fn tail(stderr: &str) -> String {
    let trimmed = stderr.trim();
    let start = trimmed.len().saturating_sub(STDERR_TAIL);
    let start = (start..trimmed.len()).find(|&i| trimmed.is_char_boundary(i)).unwrap_or(trimmed.len());
    trimmed[start..].to_owned()
}

fn death(done: &Finished) -> Death {
    Death { exit: done.exit, oom_killed: done.oom_killed, stderr: tail(&done.stderr.text) }
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
