//! The one owner of toolchain invocations: release, offline cargo builds and clippy runs in the shared target dir,
//! read through cargo's JSON messages (compiler diagnostics by target, artifacts with their executables), and
//! `rustfmt --check` from the same toolchain.

use crate::error::{Error, Result};
use crate::process::{self, Exit, Limits};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// A compiler diagnostic, attributed to the target it was emitted for.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// Name of the target (`candidate`, the runner's name, a test target).
    pub target: String,
    pub level: String,
    pub rendered: String,
    /// The lint or error code (`clippy::needless_range_loop`, `unused_variables`, `E0308`), if any.
    pub code: Option<String>,
    /// The one-line message, without the rendered source snippet.
    pub message: String,
    /// File (as cargo reports it: relative to the workspace root) and line of the primary span, if any.
    pub location: Option<(PathBuf, usize)>,
}

/// A built target and the files it produced.
#[derive(Debug, Clone)]
pub struct Artifact {
    pub target: String,
    pub test: bool,
    /// Whether cargo found it up to date (nothing compiled).
    pub fresh: bool,
    pub executable: Option<PathBuf>,
    pub filenames: Vec<PathBuf>,
}

/// What one cargo run produced.
#[derive(Debug)]
pub struct Build {
    pub success: bool,
    pub timed_out: bool,
    pub diagnostics: Vec<Diagnostic>,
    pub artifacts: Vec<Artifact>,
    /// cargo's own stderr (resolution errors and the like), for when there are no diagnostics to show.
    pub stderr: String,
    pub elapsed: Duration,
}

impl Build {
    /// Rendered errors emitted while compiling `target`.
    pub fn errors_for(&self, target: &str) -> Vec<&Diagnostic> {
        self.diagnostics.iter().filter(|d| d.target == target && d.level == "error").collect()
    }
}

/// Runs cargo with one target dir and a build timeout.
#[derive(Debug, Clone)]
pub struct Cargo {
    target_dir: PathBuf,
    timeout: Duration,
}

impl Cargo {
    pub fn new(target_dir: PathBuf, timeout: Duration) -> Cargo {
        Cargo { target_dir, timeout }
    }

    /// `cargo build --release --offline` of one package of the workspace at `manifest`.
    pub fn build(&self, manifest: &Path, package: &str) -> Result<Build> {
        self.run(manifest, &["build", "--package", package])
    }

    /// `cargo test --no-run` of one package: compiles its unit and integration tests.
    pub fn build_tests(&self, manifest: &Path, package: &str) -> Result<Build> {
        self.run(manifest, &["test", "--no-run", "--package", package, "--lib", "--tests"])
    }

    /// `cargo clippy` of one package's library and tests with clippy's default lints: checks, links nothing.
    pub fn clippy(&self, manifest: &Path, package: &str) -> Result<Build> {
        self.run(manifest, &["clippy", "--package", package, "--lib", "--tests"])
    }

    /// `rustfmt --check` of `roots` (and the modules they declare) with the settings in `config`: where rustfmt would
    /// change the code. rustfmt is taken from cargo's toolchain (next to `$CARGO`), else from `PATH`.
    pub fn rustfmt(&self, roots: &[PathBuf], config: &Path, edition: &str) -> Formatting {
        let next_to_cargo =
            std::env::var_os("CARGO").map(PathBuf::from).and_then(|c| Some(c.parent()?.join("rustfmt")));
        let rustfmt = next_to_cargo.filter(|p| p.is_file()).unwrap_or_else(|| PathBuf::from("rustfmt"));
        let mut command = Command::new(&rustfmt);
        command.args(["--check", "--color", "never", "--edition", edition, "--config-path"]).arg(config).args(roots);
        let limits = Limits::tool(self.timeout, 4 << 20);
        let done = match process::run(command, limits, None) {
            Ok(done) => done,
            Err(e) => return Formatting::Unavailable(format!("rustfmt is not available ({e})")),
        };
        let hunks = parse_rustfmt(&done.stdout.text);
        if done.exit == Exit::TimedOut {
            return Formatting::Unavailable("rustfmt timed out".to_owned());
        }
        if !done.success() && hunks.is_empty() {
            let why = done.stderr.text.lines().find(|l| !l.trim().is_empty()).unwrap_or("no output").trim().to_owned();
            return Formatting::Unavailable(format!("rustfmt did not run ({why})"));
        }
        Formatting::Checked(hunks)
    }

    fn run(&self, manifest: &Path, args: &[&str]) -> Result<Build> {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut command = Command::new(cargo);
        command
            .args(args)
            .args(["--release", "--offline", "--message-format=json", "--manifest-path"])
            .arg(manifest)
            .env("CARGO_TARGET_DIR", &self.target_dir)
            .env("CARGO_TERM_COLOR", "never")
            .env_remove("RUSTC_WRAPPER")
            .current_dir(manifest.parent().unwrap_or(Path::new(".")));
        let limits = Limits::tool(self.timeout, 64 << 20);
        let done = process::run(command, limits, None)
            .map_err(|e| Error::Harness(format!("failed to run cargo (is it installed?): {e}")))?;
        let mut build = Build {
            success: done.success(),
            timed_out: done.exit == Exit::TimedOut,
            diagnostics: Vec::new(),
            artifacts: Vec::new(),
            stderr: done.stderr.text,
            elapsed: done.elapsed,
        };
        for line in done.stdout.text.lines() {
            match serde_json::from_str::<Message>(line) {
                Ok(Message::CompilerMessage { target, message }) => {
                    let location = message
                        .spans
                        .iter()
                        .find(|s| s.is_primary)
                        .map(|s| (PathBuf::from(&s.file_name), s.line_start));
                    build.diagnostics.push(Diagnostic {
                        target: target.name,
                        level: message.level,
                        rendered: message.rendered.unwrap_or_else(|| message.message.clone()),
                        code: message.code.map(|c| c.code),
                        message: message.message,
                        location,
                    });
                }
                Ok(Message::CompilerArtifact { target, profile, fresh, executable, filenames }) => {
                    build.artifacts.push(Artifact {
                        target: target.name,
                        test: profile.test,
                        fresh,
                        executable,
                        filenames,
                    });
                }
                Ok(Message::Other) | Err(_) => {}
            }
        }
        Ok(build)
    }
}

/// What `rustfmt --check` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Formatting {
    /// Where rustfmt would change the code: file and first line of each hunk (empty when all is formatted).
    Checked(Vec<(PathBuf, usize)>),
    /// rustfmt could not be run (not installed, failed, timed out): why.
    Unavailable(String),
}

/// `Diff in /path/file.rs:12:` lines of `rustfmt --check`, as (file, line).
fn parse_rustfmt(stdout: &str) -> Vec<(PathBuf, usize)> {
    stdout
        .lines()
        .filter_map(|l| l.strip_prefix("Diff in ")?.strip_suffix(':'))
        .filter_map(|place| {
            let (file, line) = place.rsplit_once(':')?;
            Some((PathBuf::from(file), line.parse().ok()?))
        })
        .collect()
}

#[derive(Deserialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
#[allow(clippy::enum_variant_names)] // the names are cargo's `reason` values
enum Message {
    CompilerMessage {
        target: Target,
        message: CompilerDiagnostic,
    },
    CompilerArtifact {
        target: Target,
        profile: Profile,
        fresh: bool,
        executable: Option<PathBuf>,
        filenames: Vec<PathBuf>,
    },
    #[serde(other)]
    Other,
}

#[derive(Deserialize)]
struct Target {
    name: String,
}

#[derive(Deserialize)]
struct Profile {
    test: bool,
}

#[derive(Deserialize)]
struct CompilerDiagnostic {
    level: String,
    message: String,
    rendered: Option<String>,
    code: Option<Code>,
    #[serde(default)]
    spans: Vec<Span>,
}

#[derive(Deserialize)]
struct Code {
    code: String,
}

#[derive(Deserialize)]
struct Span {
    file_name: String,
    line_start: usize,
    is_primary: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rustfmt_diff_headers_are_read_as_file_and_line() {
        let out = "Diff in /tmp/job/candidate/src/lib.rs:12:\n-fn f( ){}\n+fn f() {}\n \nDiff in /tmp/a:b.rs:3:\n";
        let hunks = parse_rustfmt(out);
        assert_eq!(hunks, [(PathBuf::from("/tmp/job/candidate/src/lib.rs"), 12), (PathBuf::from("/tmp/a:b.rs"), 3)]);
    }

    #[test]
    fn a_compiler_message_keeps_its_lint_code_and_primary_line() {
        let line = r#"{"reason":"compiler-message","target":{"name":"candidate"},"message":{"level":"warning","message":"m","rendered":"r","code":{"code":"clippy::x"},"spans":[{"file_name":"a.rs","line_start":1,"is_primary":false},{"file_name":"candidate/src/lib.rs","line_start":7,"is_primary":true}]}}"#;
        let Ok(Message::CompilerMessage { message, .. }) = serde_json::from_str::<Message>(line) else {
            panic!("not a compiler message")
        };
        assert_eq!(message.code.map(|c| c.code).as_deref(), Some("clippy::x"));
        let primary = message.spans.iter().find(|s| s.is_primary).map(|s| (s.file_name.as_str(), s.line_start));
        assert_eq!(primary, Some(("candidate/src/lib.rs", 7)));
    }
}
