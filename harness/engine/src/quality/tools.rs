//! What clippy and rustfmt said about the candidate's crate, as lints and findings located in it.

use super::{Finding, Lint, LintLevel, Location, Uncounted};
use crate::cargo::{Build, Diagnostic, Formatting};
use std::path::Path;

/// The lints of a clippy run, deduplicated (the library and its unit tests see the same code), in file and line
/// order; `Err` says why there are none to count (clippy missing, timed out).
pub fn lints(build: &Build, relative: impl Fn(&Path) -> String) -> Result<Vec<Lint>, Uncounted> {
    if build.timed_out {
        return Err(Uncounted::ClippyTimedOut);
    }
    if !build.success && build.diagnostics.is_empty() {
        let why = build.stderr.lines().find(|l| l.starts_with("error")).unwrap_or("no output").trim();
        return Err(Uncounted::ClippyFailed(why.to_owned()));
    }
    let mut lints: Vec<Lint> = build.diagnostics.iter().filter_map(|d| lint(d, &relative)).collect();
    lints.sort_by(|a, b| (&a.location, &a.code, &a.message).cmp(&(&b.location, &b.code, &b.message)));
    lints.dedup();
    Ok(lints)
}

/// A diagnostic that is a lint (has a lint name and a place), not a compile error: compile errors in the
/// candidate's tests already cost the own-tests share.
fn lint(diagnostic: &Diagnostic, relative: impl Fn(&Path) -> String) -> Option<Lint> {
    let code = diagnostic.code.as_ref().filter(|c| !is_error_code(c))?;
    let level = match diagnostic.level.as_str() {
        "warning" => LintLevel::Warning,
        "error" => LintLevel::Error,
        _ => return None,
    };
    let (file, line) = diagnostic.location.as_ref()?;
    Some(Lint {
        level,
        code: code.clone(),
        location: Location { file: relative(file), line: *line },
        message: diagnostic.message.clone(),
    })
}

/// rustc's error codes look like `E0308`; lints have names.
fn is_error_code(code: &str) -> bool {
    code.strip_prefix('E').is_some_and(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
}

/// Where rustfmt would change the code, in file and line order; `Err` says why it could not tell.
pub fn unformatted(formatting: &Formatting, relative: impl Fn(&Path) -> String) -> Result<Vec<Finding>, Uncounted> {
    match formatting {
        Formatting::Unavailable(why) => Err(Uncounted::Rustfmt(why.clone())),
        Formatting::Checked(hunks) => {
            let mut found: Vec<Finding> = hunks
                .iter()
                .map(|(file, line)| Finding {
                    location: Location { file: relative(file), line: *line },
                    message: "not formatted as rustfmt would".to_owned(),
                })
                .collect();
            found.sort_by(|a, b| a.location.cmp(&b.location));
            found.dedup();
            Ok(found)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;
    use std::time::Duration;

    fn diagnostic(level: &str, code: Option<&str>, line: usize) -> Diagnostic {
        Diagnostic {
            target: "candidate".into(),
            level: level.into(),
            rendered: String::new(),
            code: code.map(str::to_owned),
            message: format!("{} here", code.unwrap_or("summary")),
            location: Some((PathBuf::from("candidate/src/lib.rs"), line)),
            spans: Vec::new(),
            children: Vec::new(),
        }
    }

    fn build(success: bool, diagnostics: Vec<Diagnostic>) -> Build {
        Build {
            success,
            timed_out: false,
            diagnostics,
            artifacts: Vec::new(),
            stderr: "error: no such command: `clippy`\n".into(),
            elapsed: Duration::ZERO,
        }
    }

    fn strip(path: &Path) -> String {
        path.strip_prefix("candidate").unwrap_or(path).to_string_lossy().into_owned()
    }

    #[test]
    fn lints_are_counted_once_with_their_level_and_compile_errors_are_not_lints() {
        let diagnostics = vec![
            diagnostic("warning", Some("clippy::needless_range_loop"), 9),
            diagnostic("warning", Some("clippy::needless_range_loop"), 9),
            diagnostic("error", Some("clippy::absurd_extreme_comparisons"), 3),
            diagnostic("error", Some("E0308"), 4),
            diagnostic("warning", None, 1),
        ];
        let lints = lints(&build(false, diagnostics), strip).unwrap();
        let seen: Vec<(String, LintLevel)> = lints.iter().map(|l| (l.location.to_string(), l.level)).collect();
        assert_eq!(
            seen,
            [("src/lib.rs:3".to_owned(), LintLevel::Error), ("src/lib.rs:9".to_owned(), LintLevel::Warning)]
        );
    }

    #[test]
    fn a_clippy_that_did_not_run_is_a_reason_not_zero_lints() {
        let why = lints(&build(false, Vec::new()), strip).unwrap_err();
        let Uncounted::ClippyFailed(line) = &why else { panic!("{why:?}") };
        assert!(line.contains("no such command"), "{why:?}");
    }

    #[test]
    fn rustfmt_hunks_become_findings_relative_to_the_crate() {
        let formatting = Formatting::Checked(vec![(PathBuf::from("candidate/src/lib.rs"), 4)]);
        let found = unformatted(&formatting, strip).unwrap();
        assert_eq!(found[0].location.to_string(), "src/lib.rs:4");
        let missing = crate::cargo::Unformatted::Missing("not found".into());
        let why = unformatted(&Formatting::Unavailable(missing.clone()), strip).unwrap_err();
        assert_eq!(why, Uncounted::Rustfmt(missing));
    }
}
