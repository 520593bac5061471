//! The one owner of valgrind: which meter measures a scaling case's cost (callgrind's instruction count, or thread
//! CPU time where valgrind is missing), the callgrind command line, and reading its count back.

use crate::error::{Error, Result};
use harness_protocol::MEASURED_SYMBOL;
use harness_sandbox::process;
use harness_sandbox::{Jail, Who};
use serde::Serialize;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// Environment variable choosing the meter: `callgrind` (fail without valgrind), `cpu`, or unset (callgrind when
/// valgrind runs, CPU time otherwise).
pub const ENV_METER: &str = "HARNESS_METER";

/// What a scaling case's cost is counted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// Instructions executed inside the measured call, counted by callgrind: the same on every run, loaded or not.
    Instructions,
    /// The least CPU time of several calls, in nanoseconds: the fallback, noisier, graded with wider thresholds.
    CpuNanos,
}

/// How scaling cases are measured in this grade.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Meter {
    Callgrind { valgrind: PathBuf },
    CpuTime,
}

impl Meter {
    /// Callgrind when `valgrind` runs here, CPU time otherwise; `HARNESS_METER` overrides.
    pub fn detect() -> Result<Meter> {
        let wanted = std::env::var(ENV_METER).unwrap_or_default();
        match wanted.as_str() {
            "cpu" => Ok(Meter::CpuTime),
            "callgrind" => Self::find_valgrind().map(|valgrind| Meter::Callgrind { valgrind }).ok_or_else(|| {
                Error::Harness(format!(
                    "failed to find valgrind, which {ENV_METER}=callgrind asks for (apt-get install valgrind)"
                ))
            }),
            "" => Ok(Self::find_valgrind().map_or(Meter::CpuTime, |valgrind| Meter::Callgrind { valgrind })),
            other => Err(Error::Usage(format!("failed to read {ENV_METER}={other}: expected `callgrind` or `cpu`"))),
        }
    }

    /// valgrind's absolute path (the sandbox runs it with a bare `PATH`), if it runs.
    fn find_valgrind() -> Option<PathBuf> {
        let path = std::env::var_os("PATH")?;
        let valgrind = std::env::split_paths(&path).map(|dir| dir.join("valgrind")).find(|p| p.is_file())?;
        let mut command = Command::new(&valgrind);
        command.arg("--version");
        let probe = process::run(command, process::Limits::tool(Duration::from_secs(30), 4096), None);
        let ok = probe.is_ok_and(|done| done.success());
        ok.then_some(valgrind)
    }

    pub fn unit(&self) -> Unit {
        match self {
            Meter::Callgrind { .. } => Unit::Instructions,
            Meter::CpuTime => Unit::CpuNanos,
        }
    }

    /// Runs one measurement through this meter. Under callgrind, `run` gets the [`Wrapper`] (valgrind's command
    /// line and a fresh folder, handed to `who`, that it alone may write), and the count callgrind left there
    /// replaces the runner's CPU time; the folder is removed after. With the CPU-time meter `run` gets no wrapper and
    /// its measurement is the cost.
    pub fn measure(
        &self,
        jail: &Jail,
        who: Who,
        run: impl FnOnce(Option<Wrapper>) -> Result<Measured>,
    ) -> Result<Measured> {
        let Meter::Callgrind { valgrind } = self else { return run(None) };
        let dir = jail.output_dir(who)?;
        let out = dir.join("callgrind.out");
        let wrapper = Wrapper { program: valgrind.clone(), args: callgrind_args(&out), writable: dir.clone() };
        let measured = run(Some(wrapper));
        let count = std::fs::read_to_string(&out).ok().as_deref().and_then(parse_totals);
        let _ = std::fs::remove_dir_all(&dir);
        Ok(match measured? {
            Measured::Done(_) => count.map_or(Measured::Uncounted, Measured::Done),
            other => other,
        })
    }
}

/// What a measurement runs the runner under: the program, its arguments before the runner's, and the one folder it
/// may write.
#[derive(Debug, Clone)]
pub struct Wrapper {
    pub program: PathBuf,
    pub args: Vec<OsString>,
    pub writable: PathBuf,
}

/// How one `runner measure` process ended.
#[derive(Debug, Clone)]
pub enum Measured {
    /// The cost of one call: the least CPU time in nanoseconds as the runner measured it, or under callgrind the
    /// instruction count.
    Done(u64),
    /// The measured side panicked on this input.
    Panicked(String),
    TimedOut,
    /// Died or exited without a well-formed record.
    Crashed(crate::ending::Death),
    /// Under callgrind, it left no instruction count.
    Uncounted,
}

/// callgrind's arguments: count only inside the measured call, write the count to `out`.
fn callgrind_args(out: &Path) -> Vec<OsString> {
    let mut out_arg = OsString::from("--callgrind-out-file=");
    out_arg.push(out);
    vec!["--tool=callgrind".into(), format!("--toggle-collect={MEASURED_SYMBOL}").into(), out_arg, "--quiet".into()]
}

/// The `totals:` (or `summary:`) line of a callgrind output file; its first number is the instruction count.
fn parse_totals(text: &str) -> Option<u64> {
    let line =
        text.lines().find(|l| l.starts_with("totals:")).or_else(|| text.lines().find(|l| l.starts_with("summary:")))?;
    line.split_once(':')?.1.split_whitespace().next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_instruction_count_is_read_from_the_totals_line() {
        let out =
            "version: 1\ncreator: callgrind-3.19.0\nevents: Ir\nfn=(1) main\n3 12\nsummary: 98214\ntotals: 98214\n";
        assert_eq!(parse_totals(out), Some(98_214));
        assert_eq!(parse_totals("summary: 5\n"), Some(5));
        assert_eq!(parse_totals("events: Ir\n"), None);
    }

    #[test]
    fn the_callgrind_wrapper_counts_only_the_measured_call() {
        let args = callgrind_args(Path::new("/j/cg.out"));
        let args: Vec<_> = args.iter().map(|a| a.to_string_lossy().into_owned()).collect();
        assert!(args.contains(&"--toggle-collect=harness_measured_call".to_owned()), "{args:?}");
        assert!(args.contains(&"--callgrind-out-file=/j/cg.out".to_owned()), "{args:?}");
    }

    #[test]
    fn without_valgrind_a_measurement_runs_unwrapped_and_keeps_its_cpu_time() {
        let jail = Jail::new(harness_sandbox::Sandbox::none()).unwrap();
        let measured = Meter::CpuTime.measure(&jail, Who::Candidate, |wrapper| {
            assert!(wrapper.is_none());
            Ok(Measured::Done(42))
        });
        assert!(matches!(measured, Ok(Measured::Done(42))), "{measured:?}");
    }

    #[test]
    fn under_callgrind_the_count_replaces_the_cpu_time_and_its_folder_is_removed() {
        let jail = Jail::new(harness_sandbox::Sandbox::none()).unwrap();
        let meter = Meter::Callgrind { valgrind: PathBuf::from("/usr/bin/valgrind") };
        let mut folder = None;
        let measured = meter.measure(&jail, Who::Candidate, |wrapper| {
            let wrapper = wrapper.expect("callgrind wraps the runner");
            std::fs::write(wrapper.writable.join("callgrind.out"), "events: Ir\ntotals: 777\n").unwrap();
            folder = Some(wrapper.writable);
            Ok(Measured::Done(42))
        });
        assert!(matches!(measured, Ok(Measured::Done(777))), "{measured:?}");
        assert!(!folder.unwrap().exists());
        let missing = meter.measure(&jail, Who::Candidate, |_| Ok(Measured::Done(42)));
        assert!(matches!(missing, Ok(Measured::Uncounted)), "{missing:?}");
    }
}
