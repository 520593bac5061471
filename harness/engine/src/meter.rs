//! The one owner of valgrind: which meter measures a scaling case's cost (callgrind's instruction count, or thread
//! CPU time where valgrind is missing), the callgrind command line, and reading its count back.

use crate::error::{Error, Result};
use harness_protocol::MEASURED_SYMBOL;
use serde::Serialize;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

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

impl Unit {
    /// `1.2M instructions` / `3.4 ms CPU`.
    pub fn render(self, value: u64) -> String {
        let v = value as f64;
        match self {
            Unit::Instructions if v >= 1e9 => format!("{:.2}G instructions", v / 1e9),
            Unit::Instructions if v >= 1e6 => format!("{:.2}M instructions", v / 1e6),
            Unit::Instructions if v >= 1e3 => format!("{:.1}k instructions", v / 1e3),
            Unit::Instructions => format!("{value} instructions"),
            Unit::CpuNanos if v >= 1e9 => format!("{:.2} s CPU", v / 1e9),
            Unit::CpuNanos if v >= 1e6 => format!("{:.2} ms CPU", v / 1e6),
            Unit::CpuNanos => format!("{:.1} µs CPU", v / 1e3),
        }
    }

    /// `instructions` / `CPU time`.
    pub fn name(self) -> &'static str {
        match self {
            Unit::Instructions => "instructions",
            Unit::CpuNanos => "CPU time",
        }
    }
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
        let ok = Command::new(&valgrind)
            .arg("--version")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then_some(valgrind)
    }

    pub fn unit(&self) -> Unit {
        match self {
            Meter::Callgrind { .. } => Unit::Instructions,
            Meter::CpuTime => Unit::CpuNanos,
        }
    }

    /// The program and arguments a measurement runs the runner under, writing the count to `out`.
    pub fn wrapper(&self, out: &Path) -> Option<Vec<OsString>> {
        match self {
            Meter::Callgrind { valgrind } => {
                let mut out_arg = OsString::from("--callgrind-out-file=");
                out_arg.push(out);
                Some(vec![
                    valgrind.as_os_str().to_owned(),
                    "--tool=callgrind".into(),
                    format!("--toggle-collect={MEASURED_SYMBOL}").into(),
                    out_arg,
                    "--quiet".into(),
                ])
            }
            Meter::CpuTime => None,
        }
    }

    /// The instructions callgrind counted, from its output file.
    pub fn read_count(out: &Path) -> Option<u64> {
        let text = std::fs::read_to_string(out).ok()?;
        parse_totals(&text)
    }
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
    fn counts_render_in_readable_units() {
        assert_eq!(Unit::Instructions.render(1_234_567), "1.23M instructions");
        assert_eq!(Unit::Instructions.render(950), "950 instructions");
        assert_eq!(Unit::CpuNanos.render(3_400_000), "3.40 ms CPU");
    }

    #[test]
    fn the_callgrind_wrapper_counts_only_the_measured_call() {
        let meter = Meter::Callgrind { valgrind: PathBuf::from("valgrind") };
        let args = meter.wrapper(Path::new("/j/cg.out")).unwrap();
        let args: Vec<_> = args.iter().map(|a| a.to_string_lossy().into_owned()).collect();
        assert!(args.contains(&"--toggle-collect=harness_measured_call".to_owned()), "{args:?}");
        assert!(args.contains(&"--callgrind-out-file=/j/cg.out".to_owned()), "{args:?}");
        assert_eq!(Meter::CpuTime.wrapper(Path::new("/x")), None);
    }
}
