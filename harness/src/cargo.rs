//! The one owner of cargo invocations: release, offline builds in the shared target dir, read through cargo's JSON
//! messages (compiler diagnostics by target, artifacts with their executables).

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
        let limits = Limits { timeout: self.timeout, output_cap: 64 << 20, channel_cap: 0, address_space: None };
        let done = process::run(command, limits, false)
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
                Ok(Message::CompilerMessage { target, message }) => build.diagnostics.push(Diagnostic {
                    target: target.name,
                    level: message.level,
                    rendered: message.rendered.unwrap_or(message.message),
                }),
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
}
