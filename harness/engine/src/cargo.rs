//! The one owner of toolchain invocations: release, offline cargo builds and clippy runs in the shared target dir,
//! each inside the sandbox and seeing only the toolchain, cargo's registry, the job, the target dir and the paths
//! its phase allows, read through cargo's JSON messages (compiler diagnostics by target, artifacts with their
//! executables), and `rustfmt --check` from the same toolchain; `cargo` subcommands that drive builds of the bank's own
//! code (cargo-mutants) on the host, and the `cargo fetch` that fills cargo's registry cache before the first grade.
//! A failed cargo run whose cause is the machine (a crate missing from the cache, a full disk, a missing tool, a
//! sandbox that did not start) is an [`Environment`] error, never a build the candidate failed. Every tool runs
//! through the process owner (`harness_sandbox::process`), with a timeout.

use crate::error::{Environment, Error, Result};
use harness_sandbox::process::{self, Exit, Finished, Limits};
use harness_sandbox::{Access, Sandbox};
use serde::Deserialize;
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

/// The Rust toolchain builds run: its sysroot (`bin/` holds cargo, rustc, clippy and rustfmt) and cargo's home (the
/// registry that offline builds read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toolchain {
    pub sysroot: PathBuf,
    pub cargo_home: PathBuf,
}

impl Toolchain {
    /// The toolchain of `$RUSTC`, else of the `rustc` beside `$CARGO`, else of `rustc` on `PATH` (found once).
    pub fn detect() -> Result<Toolchain> {
        static FOUND: OnceLock<std::result::Result<Toolchain, String>> = OnceLock::new();
        FOUND.get_or_init(find_toolchain).clone().map_err(Error::Harness)
    }

    fn bin(&self, name: &str) -> PathBuf {
        self.sysroot.join("bin").join(name)
    }

    /// cargo of this toolchain (the one beside rustc; else whatever `cargo` is on `PATH`).
    fn cargo(&self) -> PathBuf {
        Some(self.bin("cargo")).filter(|p| p.is_file()).unwrap_or_else(|| PathBuf::from("cargo"))
    }

    /// `cargo args…` of this toolchain on the host, outside the sandbox, with the harness's environment and `RUSTC`
    /// set to this toolchain's rustc: for cargo subcommands that build the bank's own code (cargo-mutants), under
    /// `limits`.
    pub fn run_cargo(&self, args: &[OsString], limits: Limits) -> std::io::Result<Finished> {
        let rustc = self.bin("rustc");
        let env: Vec<(&str, &OsStr)> = if rustc.is_file() { vec![("RUSTC", rustc.as_os_str())] } else { Vec::new() };
        run_on_host(&self.cargo(), args, &env, limits)
    }

    /// `cargo fetch --locked` of the workspace `manifest` (the one the pinned lock file belongs to) for the host
    /// platform, on the host with the network and the harness's environment (proxies, registry mirrors), into this
    /// toolchain's cargo home: every crate of the lock file the host needs in the registry cache (downloaded and
    /// unpacked), so that offline builds find them. It compiles and runs nothing.
    pub fn fetch(&self, manifest: &Path) -> Result<()> {
        let host = self.host()?;
        let mut args: Vec<OsString> =
            ["fetch", "--locked", "--target", &host, "--manifest-path"].map(OsString::from).into();
        args.push(manifest.into());
        let rustc = self.bin("rustc");
        let mut env: Vec<(&str, &OsStr)> = vec![("CARGO_HOME", self.cargo_home.as_os_str())];
        if rustc.is_file() {
            env.push(("RUSTC", rustc.as_os_str()));
        }
        let done = run_on_host(&self.cargo(), &args, &env, Limits::tool(FETCH_TIMEOUT, PROBE_OUTPUT))
            .map_err(|e| Environment::Fetch(format!("cargo could not be started: {e}")))?;
        if done.exit == Exit::TimedOut {
            return Err(Environment::Fetch(format!(
                "`cargo fetch` did not finish within {}s",
                FETCH_TIMEOUT.as_secs()
            ))
            .into());
        }
        if !done.success() {
            return Err(Environment::Fetch(cargo_says(&done.stderr.text)).into());
        }
        Ok(())
    }

    /// The platform this toolchain builds for (the `host:` of `rustc -vV`), which the fetch is limited to.
    fn host(&self) -> Result<String> {
        let rustc = Some(self.bin("rustc")).filter(|p| p.is_file()).unwrap_or_else(|| PathBuf::from("rustc"));
        let out = run_on_host(&rustc, &["-vV"], &[], Limits::tool(PROBE_TIMEOUT, PROBE_OUTPUT))
            .map_err(|e| Environment::Fetch(format!("{} could not be started: {e}", rustc.display())))?;
        let host = out.stdout.text.lines().find_map(|l| l.strip_prefix("host: ")).map(str::trim);
        match host {
            Some(host) if out.success() && !host.is_empty() => Ok(host.to_owned()),
            _ => Err(Environment::Fetch(format!("`{} -vV` named no host platform", rustc.display())).into()),
        }
    }
}

/// Longest the first grade's `cargo fetch` may take (a slow network, a big lock file).
const FETCH_TIMEOUT: Duration = Duration::from_secs(900);

/// Longest `rustc --print sysroot` may take (a rustup proxy may first install the toolchain it is asked for).
const PROBE_TIMEOUT: Duration = Duration::from_secs(300);
/// Bytes kept of a probe's stdout and stderr.
const PROBE_OUTPUT: usize = 64 << 10;

/// Runs `program args…` on the host (not in the sandbox: the toolchain itself, on the harness's or the bank's code)
/// with the harness's environment plus `env`, through the process owner: own session, timeout, capped output.
fn run_on_host(
    program: &Path,
    args: &[impl AsRef<OsStr>],
    env: &[(&str, &OsStr)],
    limits: Limits,
) -> std::io::Result<Finished> {
    let mut command = Command::new(program);
    command.args(args).envs(env.iter().copied());
    process::run(command, limits, None)
}

fn find_toolchain() -> std::result::Result<Toolchain, String> {
    let beside_cargo = std::env::var_os("CARGO").map(PathBuf::from).and_then(|c| Some(c.parent()?.join("rustc")));
    let rustc = std::env::var_os("RUSTC")
        .map(PathBuf::from)
        .or(beside_cargo.filter(|p| p.is_file()))
        .unwrap_or_else(|| PathBuf::from("rustc"));
    let out = run_on_host(&rustc, &["--print", "sysroot"], &[], Limits::tool(PROBE_TIMEOUT, PROBE_OUTPUT))
        .map_err(|e| format!("failed to run {} (is Rust installed?): {e}", rustc.display()))?;
    if out.exit == Exit::TimedOut {
        return Err(format!(
            "failed to find the Rust toolchain: `{} --print sysroot` did not finish within {}s",
            rustc.display(),
            PROBE_TIMEOUT.as_secs()
        ));
    }
    if !out.success() {
        return Err(format!(
            "failed to find the Rust toolchain: `{} --print sysroot` failed: {}",
            rustc.display(),
            out.stderr.text.trim()
        ));
    }
    let sysroot = PathBuf::from(out.stdout.text.trim());
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .ok_or("failed to find cargo's home (set CARGO_HOME)")?;
    if !cargo_home.is_dir() {
        return Err(format!(
            "failed to find cargo's home at {} (set CARGO_HOME to the folder whose registry holds the crates that \
             builds use offline)",
            cargo_home.display()
        ));
    }
    let canonical = |p: PathBuf| p.canonicalize().unwrap_or(p);
    Ok(Toolchain { sysroot: canonical(sysroot), cargo_home: canonical(cargo_home) })
}

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
    /// Where the compiler points, primary spans first.
    pub spans: Vec<Place>,
    /// The notes and help under the message.
    pub children: Vec<Note>,
}

/// A place a diagnostic points at: a file (as cargo reports it), line and column, its label, and the source line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    pub label: Option<String>,
    pub source: Option<String>,
}

/// A note or help line under a diagnostic, with the places it points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub level: String,
    pub message: String,
    pub spans: Vec<Place>,
}

impl Diagnostic {
    /// The diagnostic in rustc's layout, but built from its parts so that source lines are quoted only from files
    /// `may_quote` allows; a place elsewhere (the hidden suite) shows as `elsewhere` with its label, no line.
    pub fn render_quoting(&self, may_quote: &dyn Fn(&Path) -> bool, shown: &dyn Fn(&Path) -> String) -> String {
        use std::fmt::Write as _;
        let mut out = match &self.code {
            Some(code) => format!("{}[{code}]: {}\n", self.level, self.message),
            None => format!("{}: {}\n", self.level, self.message),
        };
        render_places(&mut out, &self.spans, may_quote, shown);
        for note in &self.children {
            if note.spans.is_empty() {
                let message = note.message.replace('\n', "\n    ");
                let _ = writeln!(out, "  = {}: {message}", note.level);
            } else {
                let _ = writeln!(out, "{}: {}", note.level, note.message);
                render_places(&mut out, &note.spans, may_quote, shown);
            }
        }
        out
    }
}

fn render_places(
    out: &mut String,
    places: &[Place],
    may_quote: &dyn Fn(&Path) -> bool,
    shown: &dyn Fn(&Path) -> String,
) {
    use std::fmt::Write as _;
    for place in places {
        let label = place.label.as_deref().map(|l| format!(": {l}")).unwrap_or_default();
        if may_quote(&place.file) {
            let _ = writeln!(out, "  --> {}:{}:{}{label}", shown(&place.file), place.line, place.column);
            if let Some(source) = &place.source {
                let _ = writeln!(out, "   | {}", source.trim_end());
            }
        } else {
            let _ = writeln!(out, "  --> the hidden suite{label}");
        }
    }
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

    /// Why this build failed because of the machine rather than the code, when it did: what cargo itself said
    /// ([`fault_in`]), else, when no error points at a source line, a filesystem it writes to (`written`) that is
    /// nearly full (a linker dies of SIGBUS on a full disk without saying so).
    pub fn environment_fault(&self, written: &[&Path]) -> Option<Environment> {
        if self.success || self.timed_out {
            return None;
        }
        let errors = || self.diagnostics.iter().filter(|d| d.level == "error");
        // Errors that point at no source are the compiler's and the linker's own words (a file it could not write,
        // a linker it could not find); an error at a source line may quote the candidate.
        let unsourced: Vec<String> = errors()
            .filter(|d| d.spans.is_empty())
            .map(|d| d.children.iter().fold(d.message.clone(), |text, note| text + "\n" + &note.message))
            .collect();
        fault_in(&self.stderr, &unsourced).or_else(|| {
            let sourced = errors().any(|d| !d.spans.is_empty());
            if sourced { None } else { full_disk(written) }
        })
    }
}

/// What the disk, the sandbox or the toolchain said in a failed build: cargo's own stderr (with
/// `--message-format=json` the compiler's diagnostics go to stdout) and the `unsourced` diagnostics, none of which the
/// code being built can word. A manifest asking for a feature a dependency lacks is the candidate's, never the
/// registry's.
fn fault_in(stderr: &str, unsourced: &[String]) -> Option<Environment> {
    // The sandbox (bubblewrap or the embedded harness-contain) and the launcher speak first, and only when cargo never
    // started; cargo's first line is its own.
    let first = stderr.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or_default();
    let launchers = ["harness-confine: ", "harness-contain: "];
    if first.starts_with("bwrap: execvp") || launchers.iter().any(|l| first.starts_with(&format!("{l}failed to run ")))
    {
        return Some(Environment::MissingTool(first.to_owned()));
    }
    if first.starts_with("bwrap: ") || launchers.iter().any(|l| first.starts_with(l)) {
        return Some(Environment::Sandbox(first.to_owned()));
    }
    let texts = || std::iter::once(stderr).chain(unsourced.iter().map(String::as_str)).flat_map(str::lines);
    if let Some(line) = texts().find(|l| DISK_FULL.iter().any(|words| l.contains(words))) {
        return Some(Environment::DiskFull(line.trim().to_owned()));
    }
    if let Some(line) = texts().find(|l| l.contains("linker `") && l.contains("not found")) {
        return Some(Environment::MissingTool(line.trim().to_owned()));
    }
    if stderr.contains("does not have that feature") {
        return None;
    }
    MISSING_CRATE.iter().any(|words| stderr.contains(words)).then(|| Environment::MissingCrate(cargo_says(stderr)))
}

/// What a tool prints when a disk it writes to is full (`ENOSPC`, `EDQUOT`).
const DISK_FULL: [&str; 3] = ["No space left on device", "(os error 28)", "Disk quota exceeded"];
/// What cargo prints when an offline build needs a crate its registry cache lacks.
const MISSING_CRATE: [&str; 6] = [
    "no matching package named",
    "failed to download",
    "--offline was specified",
    "you're using offline mode",
    "failed to load source for dependency",
    "failed to get `",
];
/// Below this many bytes left on a filesystem a build writes to, a build that failed without an error at a source
/// line failed for want of space.
const LOW_SPACE: u64 = 64 << 20;

/// The first of `written` whose filesystem has less than [`LOW_SPACE`] left, as a disk-full fault.
fn full_disk(written: &[&Path]) -> Option<Environment> {
    written.iter().find_map(|dir| {
        let left = harness_sandbox::os::available_bytes(dir).filter(|&bytes| bytes < LOW_SPACE)?;
        Some(Environment::DiskFull(format!("{} KiB left on the filesystem of {}", left >> 10, dir.display())))
    })
}

/// cargo's error as one line: its first `error:` line, followed by the deepest cause under it (the line after the
/// last `Caused by:`), else its first line.
fn cargo_says(stderr: &str) -> String {
    let lines: Vec<&str> = stderr.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let error = lines.iter().find_map(|l| l.strip_prefix("error: "));
    let cause = lines.iter().rposition(|l| *l == "Caused by:").and_then(|i| lines.get(i + 1));
    match (error, cause) {
        (Some(error), Some(cause)) => format!("{error}: {cause}"),
        (Some(error), None) => error.to_owned(),
        (None, _) => lines.first().map_or_else(|| "cargo said nothing".to_owned(), |l| (*l).to_owned()),
    }
}

/// The address space each process of a build (cargo, rustc, the linker) may map.
const BUILD_ADDRESS_SPACE: u64 = 8 << 30;

/// Runs cargo with one target dir and a build timeout, in the sandbox.
#[derive(Debug, Clone)]
pub struct Cargo {
    target_dir: PathBuf,
    timeout: Duration,
    toolchain: Toolchain,
    sandbox: Sandbox,
}

/// What one cargo run may see of the host besides the toolchain, cargo's registry and the target dir: the
/// workspace's folder (read-write) and other folders or files (read-only).
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    pub workspace: &'a Path,
    pub readable: &'a [PathBuf],
}

impl Cargo {
    pub fn new(target_dir: PathBuf, timeout: Duration, toolchain: Toolchain, sandbox: Sandbox) -> Cargo {
        Cargo { target_dir, timeout, toolchain, sandbox }
    }

    /// `cargo build --release --offline` of one package of the workspace in `scope`.
    pub fn build(&self, scope: Scope, package: &str) -> Result<Build> {
        self.run(scope, &["build", "--package", package])
    }

    /// `cargo test --no-run` of one package: compiles its unit and integration tests.
    pub fn build_tests(&self, scope: Scope, package: &str) -> Result<Build> {
        self.run(scope, &["test", "--no-run", "--package", package, "--lib", "--tests"])
    }

    /// `cargo clippy` of one package's library and tests with clippy's default lints: checks, links nothing.
    pub fn clippy(&self, scope: Scope, package: &str) -> Result<Build> {
        // cargo-clippy by path: `cargo clippy` would look in cargo's home first and find rustup's proxy there.
        self.run(scope, &["clippy", "--package", package, "--lib", "--tests"])
    }

    /// `rustfmt --check` of `roots` (and the modules they declare) with the settings in `config`: where rustfmt would
    /// change the code. rustfmt is taken from cargo's toolchain (next to `$CARGO`), else from `PATH`.
    pub fn rustfmt(&self, roots: &[PathBuf], config: &Path, edition: &str) -> Formatting {
        let rustfmt = Some(self.toolchain.bin("rustfmt")).filter(|p| p.is_file()).unwrap_or_else(|| "rustfmt".into());
        let mut args: Vec<&OsStr> =
            ["--check", "--color", "never", "--edition", edition, "--config-path"].map(OsStr::new).into();
        args.push(config.as_os_str());
        args.extend(roots.iter().map(PathBuf::as_path).map(Path::as_os_str));
        let done = match run_on_host(&rustfmt, &args, &[], Limits::tool(self.timeout, 4 << 20)) {
            Ok(done) => done,
            Err(e) => return Formatting::Unavailable(Unformatted::Missing(e.to_string())),
        };
        let hunks = parse_rustfmt(&done.stdout.text);
        if done.exit == Exit::TimedOut {
            return Formatting::Unavailable(Unformatted::TimedOut);
        }
        if !done.success() && hunks.is_empty() {
            let why = done.stderr.text.lines().find(|l| !l.trim().is_empty()).unwrap_or("no output").trim().to_owned();
            return Formatting::Unavailable(Unformatted::Failed(why));
        }
        Formatting::Checked(hunks)
    }

    fn run(&self, scope: Scope, args: &[&str]) -> Result<Build> {
        std::fs::create_dir_all(&self.target_dir).map_err(|e| Error::io("create", &self.target_dir, e))?;
        let mut command = self.command(scope, args);
        command.current_dir(scope.workspace);
        // Each compiler process gets an address-space cap: a type-level or const-eval bomb that eats memory ends as a
        // failed build (a compile error verdict), not as a machine out of memory.
        let limits = Limits { address_space: Some(BUILD_ADDRESS_SPACE), ..Limits::tool(self.timeout, 64 << 20) };
        let done = process::run(command, limits, None)
            .map_err(|e| Environment::MissingTool(format!("cargo could not be started: {e}")))?;
        let mut build = Build {
            success: done.success(),
            timed_out: done.exit == Exit::TimedOut,
            diagnostics: Vec::new(),
            artifacts: Vec::new(),
            stderr: done.stderr.text,
            elapsed: done.elapsed,
        };
        read_messages(&done.stdout.text, &mut build);
        // The machine's failures are never the code's: they end the grade instead of giving it a verdict.
        match build.environment_fault(&[scope.workspace, &self.target_dir]) {
            Some(fault) => Err(fault.into()),
            None => Ok(build),
        }
    }
}

/// cargo's JSON messages (`--message-format=json`, one a line) read into `build`'s diagnostics and artifacts.
fn read_messages(stdout: &str, build: &mut Build) {
    for line in stdout.lines() {
        match serde_json::from_str::<Message>(line) {
            Ok(Message::CompilerMessage { target, message }) => {
                let location =
                    message.spans.iter().find(|s| s.is_primary).map(|s| (PathBuf::from(&s.file_name), s.line_start));
                build.diagnostics.push(Diagnostic {
                    target: target.name,
                    level: message.level,
                    rendered: message.rendered.unwrap_or_else(|| message.message.clone()),
                    code: message.code.map(|c| c.code),
                    message: message.message,
                    location,
                    spans: places(&message.spans),
                    children: message
                        .children
                        .iter()
                        .map(|c| Note { level: c.level.clone(), message: c.message.clone(), spans: places(&c.spans) })
                        .collect(),
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
}

impl Cargo {
    /// The sandboxed cargo command line: cargo and rustc of the toolchain by path (no rustup proxy), a cleared
    /// environment, the registry and toolchain read-only, the workspace and target dir read-write, and nothing else
    /// of the host but `scope.readable` (and `/etc/alternatives`, where `cc` points through).
    fn command(&self, scope: Scope, args: &[&str]) -> Command {
        let manifest = scope.workspace.join("Cargo.toml");
        let program = match args.first() {
            Some(&"clippy") => Some(self.toolchain.bin("cargo-clippy")).filter(|p| p.is_file()),
            _ => None,
        };
        let cargo = self.toolchain.cargo();
        let mut argv: Vec<OsString> = args.iter().map(OsString::from).collect();
        argv.extend(["--release", "--offline", "--message-format=json", "--manifest-path"].map(OsString::from));
        argv.push(manifest.into_os_string());
        let bin = self.toolchain.sysroot.join("bin");
        let env = [
            ("PATH", format!("{}:/usr/bin:/bin", bin.display())),
            ("CARGO_HOME", self.toolchain.cargo_home.display().to_string()),
            ("CARGO_TARGET_DIR", self.target_dir.display().to_string()),
            ("RUSTC", self.toolchain.bin("rustc").display().to_string()),
            ("CARGO", cargo.display().to_string()),
            ("CARGO_TERM_COLOR", "never".to_owned()),
            ("HOME", "/tmp".to_owned()),
        ];
        let mut paths = vec![
            (self.toolchain.sysroot.as_path(), Access::ReadOnly),
            (self.toolchain.cargo_home.as_path(), Access::ReadOnly),
            (self.target_dir.as_path(), Access::ReadWrite),
            (scope.workspace, Access::ReadWrite),
        ];
        let alternatives = Path::new("/etc/alternatives");
        if alternatives.is_dir() {
            paths.push((alternatives, Access::ReadOnly));
        }
        paths.extend(scope.readable.iter().map(|p| (p.as_path(), Access::ReadOnly)));
        self.sandbox.command(program.as_deref().unwrap_or(&cargo), &argv, &env, &paths, None)
    }
}

/// What `rustfmt --check` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Formatting {
    /// Where rustfmt would change the code: file and first line of each hunk (empty when all is formatted).
    Checked(Vec<(PathBuf, usize)>),
    /// rustfmt could not be run.
    Unavailable(Unformatted),
}

/// Why rustfmt could not tell; reporters phrase it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unformatted {
    /// It could not be started (the error).
    Missing(String),
    TimedOut,
    /// It failed without a finding (the first line it printed to stderr).
    Failed(String),
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
    #[serde(default)]
    children: Vec<CompilerDiagnostic>,
}

/// Spans as places, primary ones first.
fn places(spans: &[Span]) -> Vec<Place> {
    let mut sorted: Vec<&Span> = spans.iter().collect();
    sorted.sort_by_key(|s| !s.is_primary);
    sorted
        .into_iter()
        .map(|s| Place {
            file: PathBuf::from(&s.file_name),
            line: s.line_start,
            column: s.column_start,
            label: s.label.clone(),
            source: s.text.first().map(|t| t.text.clone()),
        })
        .collect()
}

#[derive(Deserialize)]
struct Code {
    code: String,
}

#[derive(Deserialize)]
struct Span {
    file_name: String,
    line_start: usize,
    #[serde(default)]
    column_start: usize,
    is_primary: bool,
    #[serde(default)]
    label: Option<String>,
    #[serde(default)]
    text: Vec<SpanText>,
}

#[derive(Deserialize)]
struct SpanText {
    text: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_build_reads_a_host_file_only_when_its_scope_lists_it() {
        // bubblewrap's mount namespace is what hides the file here (Landlock, a second layer, needs the harness
        // binary as its launcher, which `cargo test --lib` alone does not build).
        let sandbox = Sandbox::detect(true).unwrap();
        assert!(sandbox.is_active(), "bubblewrap is installed where the tests run");
        let secret = tempfile::tempdir().unwrap();
        std::fs::write(secret.path().join("secret.txt"), "hidden").unwrap();
        let workspace = tempfile::tempdir().unwrap();
        std::fs::write(
            workspace.path().join("Cargo.toml"),
            "[package]\nname = \"probe\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n",
        )
        .unwrap();
        std::fs::create_dir(workspace.path().join("src")).unwrap();
        let lib = format!("pub const S: &str = include_str!({:?});\n", secret.path().join("secret.txt"));
        std::fs::write(workspace.path().join("src/lib.rs"), lib).unwrap();
        let target = tempfile::tempdir().unwrap();
        let cargo =
            Cargo::new(target.path().to_path_buf(), Duration::from_secs(120), Toolchain::detect().unwrap(), sandbox);

        let hidden = cargo.build(Scope { workspace: workspace.path(), readable: &[] }, "probe").unwrap();
        assert!(!hidden.success, "the build read a file outside its scope");
        let errors: Vec<_> = hidden.errors_for("probe").iter().map(|d| d.message.clone()).collect();
        assert!(errors.iter().any(|m| m.contains("couldn't read")), "{errors:?}\n{}", hidden.stderr);

        let readable = [secret.path().to_path_buf()];
        let shown = cargo.build(Scope { workspace: workspace.path(), readable: &readable }, "probe").unwrap();
        assert!(shown.success, "{:?}\n{}", shown.diagnostics, shown.stderr);
    }

    #[test]
    fn hidden_places_are_named_but_never_quoted() {
        let place = |file: &str, label: &str, source: &str| Place {
            file: PathBuf::from(file),
            line: 3,
            column: 5,
            label: Some(label.to_owned()),
            source: Some(source.to_owned()),
        };
        let diagnostic = Diagnostic {
            target: "runner".into(),
            level: "error".into(),
            rendered: String::new(),
            code: Some("E0308".into()),
            message: "mismatched types".into(),
            location: None,
            spans: vec![place("/bank/hidden/suite.rs", "expected `u32`", "let secret = f(&rows);")],
            children: vec![Note {
                level: "note".into(),
                message: "function defined here".into(),
                spans: vec![place("candidate/src/lib.rs", "here", "pub fn f(rows: &[u64]) -> u32 {")],
            }],
        };
        let text = diagnostic.render_quoting(&|f| f.starts_with("candidate"), &|f| f.display().to_string());
        assert!(text.starts_with("error[E0308]: mismatched types\n"), "{text}");
        assert!(text.contains("--> the hidden suite: expected `u32`"), "{text}");
        assert!(!text.contains("secret") && !text.contains("suite.rs"), "{text}");
        assert!(text.contains("--> candidate/src/lib.rs:3:5: here\n   | pub fn f(rows: &[u64]) -> u32 {"), "{text}");
    }

    fn failed(stderr: &str, diagnostics: Vec<Diagnostic>) -> Build {
        Build {
            success: false,
            timed_out: false,
            diagnostics,
            artifacts: Vec::new(),
            stderr: stderr.to_owned(),
            elapsed: Duration::ZERO,
        }
    }

    fn error(message: &str, spans: Vec<Place>) -> Diagnostic {
        Diagnostic {
            target: "candidate".into(),
            level: "error".into(),
            rendered: message.into(),
            code: None,
            message: message.into(),
            location: None,
            spans,
            children: Vec::new(),
        }
    }

    #[test]
    fn a_crate_missing_from_the_cache_of_an_offline_build_is_the_environment_in_cargos_words() {
        let stderr = "error: failed to download `chacha20 v0.10.2`\n\nCaused by:\n  attempting to make an HTTP \
                      request, but --offline was specified\n";
        let why =
            "failed to download `chacha20 v0.10.2`: attempting to make an HTTP request, but --offline was specified";
        assert_eq!(failed(stderr, Vec::new()).environment_fault(&[]), Some(Environment::MissingCrate(why.into())));
        let empty = "error: no matching package named `serde_json` found\nlocation searched: crates.io index\nrequired by \
                     package `runner_1_1 v0.1.0`\nAs a reminder, you're using offline mode (--offline) which can \
                     sometimes cause surprising resolution failures\n";
        let why = "no matching package named `serde_json` found";
        assert_eq!(failed(empty, Vec::new()).environment_fault(&[]), Some(Environment::MissingCrate(why.into())));
    }

    #[test]
    fn a_feature_the_dependency_lacks_is_the_candidates_manifest_not_the_registry() {
        let stderr = "error: failed to select a version for `serde_json`.\n    ... required by package `candidate_1_1`\n\
                      package `candidate_1_1` depends on `serde_json` with feature `nope` but `serde_json` does not have \
                      that feature.\nAs a reminder, you're using offline mode (--offline)\n";
        assert_eq!(failed(stderr, Vec::new()).environment_fault(&[]), None);
    }

    #[test]
    fn a_full_disk_is_read_from_cargo_and_from_errors_at_no_source_line_but_never_from_the_candidates_code() {
        let rustc = error(
            "failed to build archive at `/t/release/deps/libx.rlib`: No space left on device (os error 28)",
            vec![],
        );
        let stderr = "error: could not compile `proc-macro2` (lib) due to 1 previous error\n";
        let fault = failed(stderr, vec![rustc]).environment_fault(&[]);
        assert!(
            matches!(&fault, Some(Environment::DiskFull(line)) if line.starts_with("failed to build archive")),
            "{fault:?}"
        );
        let cargo = "error: failed to write /t/release/.fingerprint/x/lib-x\n\nCaused by:\n  No space left on device (os \
                     error 28)\n";
        assert!(matches!(failed(cargo, Vec::new()).environment_fault(&[]), Some(Environment::DiskFull(_))));
        // A compile error the candidate wrote may say anything; it points at its source line.
        let place = Place { file: "candidate/src/lib.rs".into(), line: 1, column: 1, label: None, source: None };
        let quoted = error("No space left on device", vec![place]);
        assert_eq!(failed("error: could not compile `candidate_1_1`\n", vec![quoted]).environment_fault(&[]), None);
    }

    #[test]
    fn a_sandbox_or_a_tool_that_did_not_start_is_the_environment() {
        let namespace = "bwrap: Creating new namespace failed: No space left on device\n";
        let fault = failed(namespace, Vec::new()).environment_fault(&[]);
        assert_eq!(fault, Some(Environment::Sandbox(namespace.trim().into())), "the sandbox, not the disk");
        let missing = "bwrap: execvp cargo: No such file or directory\n";
        assert_eq!(
            failed(missing, Vec::new()).environment_fault(&[]),
            Some(Environment::MissingTool(missing.trim().into()))
        );
        let launcher = "harness-confine: failed to run cargo: No such file or directory (os error 2)\n";
        assert!(matches!(failed(launcher, Vec::new()).environment_fault(&[]), Some(Environment::MissingTool(_))));
        let contain = "harness-contain: failed to run cargo: No such file or directory (os error 2)\n";
        assert!(matches!(failed(contain, Vec::new()).environment_fault(&[]), Some(Environment::MissingTool(_))));
        let unshare = "harness-contain: failed to create the sandbox's namespaces (unshare): No space left on device\n";
        assert_eq!(
            failed(unshare, Vec::new()).environment_fault(&[]),
            Some(Environment::Sandbox(unshare.trim().into()))
        );
        let linker = failed("error: could not compile `runner_1_1`\n", vec![error("linker `cc` not found", vec![])]);
        assert_eq!(linker.environment_fault(&[]), Some(Environment::MissingTool("linker `cc` not found".into())));
    }

    #[test]
    fn a_compile_error_a_timeout_or_a_success_is_no_environment_fault() {
        let place = Place { file: "candidate/src/lib.rs".into(), line: 3, column: 5, label: None, source: None };
        let compile =
            failed("error: could not compile `candidate_1_1` (lib)\n", vec![error("mismatched types", vec![place])]);
        assert_eq!(compile.environment_fault(&[Path::new("/")]), None);
        let timed_out = Build { timed_out: true, ..failed("error: failed to download `x`\n", Vec::new()) };
        assert_eq!(timed_out.environment_fault(&[]), None);
        let built = Build { success: true, ..failed("", Vec::new()) };
        assert_eq!(built.environment_fault(&[]), None);
    }

    #[test]
    fn cargos_error_is_one_line_with_its_deepest_cause() {
        let stderr = "warning: x\nerror: failed to get `serde` as a dependency of package `c`\n\nCaused by:\n  failed \
                      to load source for dependency `serde`\n\nCaused by:\n  unable to update registry\n";
        assert_eq!(
            cargo_says(stderr),
            "failed to get `serde` as a dependency of package `c`: unable to update registry"
        );
        assert_eq!(cargo_says("bwrap: no\n"), "bwrap: no");
        assert_eq!(cargo_says(""), "cargo said nothing");
    }

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
