//! Helpers shared by the integration tests: run the binary from the workspace root and read what it printed.

use std::path::{Path, PathBuf};
use std::process::Command;

/// What one run of the binary left behind.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<std::process::Output> for Run {
    fn from(output: std::process::Output) -> Run {
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("harness/ has a parent").to_path_buf()
}

/// Runs `harness args…` in the workspace root.
pub fn harness(args: &[&str]) -> Run {
    harness_with_env(args, &[])
}

/// Runs `harness args…` in the workspace root with `vars` set; variables that change the output (colour, GitHub
/// Actions, the scaling meter) are unset unless given.
pub fn harness_with_env(args: &[&str], vars: &[(&str, &str)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_harness"));
    command.args(args).current_dir(root()).env_remove("HARNESS_ROOT");
    for name in ["NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "GITHUB_ACTIONS", "HARNESS_METER"] {
        command.env_remove(name);
    }
    let output = command.envs(vars.iter().copied()).output().expect("the harness binary runs");
    Run::from(output)
}

/// Grades a fixture crate of the fraud-scorer problem.
pub fn grade_fixture(name: &str, extra: &[&str]) -> Run {
    let dir = format!("tests/fixtures/fraud-scorer/{name}");
    let mut args = vec!["grade", "fraud-scorer", dir.as_str()];
    args.extend_from_slice(extra);
    harness(&args)
}

/// Parses a `--format json` grade.
pub fn json(run: &Run) -> serde_json::Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", run.stdout))
}

/// The outcome the JSON report gives a case.
pub fn outcome<'a>(grade: &'a serde_json::Value, case: &str) -> &'a str {
    grade["tests"]
        .as_array()
        .expect("tests is an array")
        .iter()
        .find(|c| c["name"] == case)
        .unwrap_or_else(|| panic!("no case named {case}"))["outcome"]
        .as_str()
        .expect("outcome is a string")
}

/// Points of one area in a JSON grade.
pub fn points(grade: &serde_json::Value, area: &str) -> f64 {
    grade["scorecard"]["areas"]
        .as_array()
        .expect("areas is an array")
        .iter()
        .find(|a| a["area"] == area)
        .unwrap_or_else(|| panic!("no area {area}"))["points"]
        .as_f64()
        .expect("points is a number")
}

/// Replaces wall-clock figures (`1.2s`) and, in scaling evidence lines, the measured figures (slopes, counts and
/// ratios vary in their last digits with hash-map seeds) so reports can be snapshotted.
pub fn redact_timings(text: &str) -> String {
    let text: String = text
        .lines()
        .map(|line| if line.contains("the reference's") { redact_numbers(line) } else { line.to_owned() })
        .collect::<Vec<_>>()
        .join("\n");
    let text = if text.ends_with('\n') { text } else { text + "\n" };
    redact_wall_clock(&text)
}

/// Every number with a decimal point becomes `[x]`.
fn redact_numbers(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c.is_ascii_digit() {
            let mut end = i + 1;
            while let Some(&(j, d)) = chars.peek() {
                if d.is_ascii_digit() || d == '.' {
                    end = j + 1;
                    chars.next();
                } else {
                    break;
                }
            }
            let number = line[i..end].trim_end_matches('.');
            out.push_str(if number.contains('.') { "[x]" } else { number });
            out.push_str(&line[i + number.len()..end]);
        } else {
            out.push(c);
        }
    }
    out
}

fn redact_wall_clock(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find(" in ") {
        let (head, tail) = rest.split_at(pos + 4);
        out.push_str(head);
        let digits =
            tail.find('s').filter(|&end| end > 0 && tail[..end].chars().all(|c| c.is_ascii_digit() || c == '.'));
        match digits {
            Some(end) => {
                out.push_str("[time]");
                rest = &tail[end + 1..];
            }
            None => rest = tail,
        }
    }
    out.push_str(rest);
    out
}
