//! The candidate's own tests, compiled and run, counted: the biggest share of the quality area.

use crate::cargo::Build;
use crate::error::{Error, Result};
use harness_sandbox::process::{self, Exit, Limits};
use harness_sandbox::{Jail, Who};
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::time::Duration;

/// What the candidate's own tests did.
#[derive(Debug, Clone, Default)]
pub struct OwnTests {
    pub passed: usize,
    pub total: usize,
    /// Names of tests that failed, hung or never reported.
    pub failed: Vec<String>,
    /// Why there is nothing to count.
    pub note: Option<Uncountable>,
}

/// Why the candidate's own tests could not be counted; reporters phrase it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Uncountable {
    /// They do not compile: the first compile error, rendered.
    DoNotCompile(String),
    /// Their build failed without a compile error: cargo's stderr.
    BuildFailed(String),
    /// Compiling them timed out.
    TimedOut,
    /// There is no `#[test]`.
    NoTests,
}

/// Runs the test executables `build` produced; `scrub` cleans paths out of a compile error.
pub fn run(build: &Build, jail: &Jail, timeout: Duration, scrub: impl Fn(&str) -> String) -> Result<OwnTests> {
    if !build.success {
        let first = build.diagnostics.iter().find(|d| d.level == "error").map(|d| scrub(&d.rendered));
        let note = match first {
            Some(error) => Uncountable::DoNotCompile(error.trim_end().to_owned()),
            None if build.timed_out => Uncountable::TimedOut,
            None => Uncountable::BuildFailed(scrub(build.stderr.trim())),
        };
        return Ok(OwnTests { note: Some(note), ..OwnTests::default() });
    }
    let mut tests = OwnTests::default();
    for exe in build.artifacts.iter().filter(|a| a.test).filter_map(|a| a.executable.as_ref()) {
        let limits = Limits { timeout, output_cap: 1 << 20, channel_cap: 0, address_space: None, confine: true };
        // The candidate's own code, so it runs in the sandbox like the trials (from a copy in the grade's jail).
        let exe = jail.admit(exe)?;
        let run = |args: &[&str]| {
            let args: Vec<OsString> = args.iter().map(OsString::from).collect();
            let command = jail.command(&exe, &args, &[("RUST_BACKTRACE", "0".to_owned())], None, Who::Candidate);
            process::run(command, limits, None)
                .map_err(|e| Error::Harness(format!("failed to run the candidate's tests {}: {e}", exe.display())))
        };
        let listed = run(&["--list", "--format", "terse"])?;
        let names: Vec<String> =
            listed.stdout.text.lines().filter_map(|l| l.strip_suffix(": test")).map(str::to_owned).collect();
        if names.is_empty() {
            continue;
        }
        let done = run(&["--test-threads", "2"])?;
        let results = parse_results(&done.stdout.text);
        for name in names {
            let result = results.get(name.as_str()).copied();
            if result == Some(None) {
                continue; // #[ignore]d: neither passes nor counts
            }
            tests.total += 1;
            match result.flatten() {
                Some(true) => tests.passed += 1,
                Some(false) => tests.failed.push(name),
                None if done.exit == Exit::TimedOut => tests.failed.push(format!("{name} (timed out)")),
                None => tests.failed.push(format!("{name} (no result)")),
            }
        }
    }
    if tests.total == 0 {
        tests.note = Some(Uncountable::NoTests);
    }
    Ok(tests)
}

/// `test name ... ok` lines: name → `Some(passed)`, or `None` for an ignored test.
fn parse_results(stdout: &str) -> BTreeMap<&str, Option<bool>> {
    stdout
        .lines()
        .filter_map(|line| line.strip_prefix("test "))
        .filter_map(|rest| rest.rsplit_once(" ... "))
        .filter_map(|(name, verdict)| match verdict.trim() {
            "ok" => Some((name, Some(true))),
            "FAILED" => Some((name, Some(false))),
            "ignored" => Some((name, None)),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn libtest_result_lines_are_read_by_name() {
        let out = "running 3 tests\ntest a::b ... ok\ntest c ... FAILED\ntest d ... ignored\n\ntest result: FAILED.";
        let results = parse_results(out);
        assert_eq!(results.get("a::b"), Some(&Some(true)));
        assert_eq!(results.get("c"), Some(&Some(false)));
        assert_eq!(results.get("d"), Some(&None));
        assert_eq!(results.get("test"), None);
    }
}
