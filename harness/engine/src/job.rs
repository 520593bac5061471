//! A grading job's working copy: the candidate's sources copied into a temp dir under a generated manifest, and a
//! generated runner crate that includes the hidden suite and depends on the candidate and the reference by path.
//!
//! A job is built in two phases. In the candidate phase the runner is a stub with the same dependencies minus the
//! reference, so the candidate's library compiles exactly as the runner will link it while nothing hidden exists in
//! the job or is visible to the build; in the runner phase the real runner is compiled against the candidate's
//! (then up to date) library, with the suite and reference visible and no candidate source compiled.

use crate::error::{Error, Result};
use crate::layout::Layout;
use crate::problem::{Problem, Reference};
use crate::screen;
use crate::target::{self, Packages};
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// Crates a candidate may depend on (they are in the pinned lock file, so offline builds resolve them).
pub const ALLOWED_DEPENDENCIES: [&str; 2] = ["serde", "serde_json"];
/// The most a candidate's copied sources may weigh.
pub const MAX_SOURCE_BYTES: u64 = 4 << 20;
/// The most files a candidate's copied sources may hold.
pub const MAX_SOURCE_FILES: usize = 500;
/// Folders of the candidate crate that are copied.
const COPIED_DIRS: [&str; 2] = ["src", "tests"];

/// A prepared job directory (deleted when dropped).
#[derive(Debug)]
pub struct Job {
    dir: TempDir,
    /// Package and binary name of this job's runner, unique to the job in the shared target dir (see [`target`]).
    pub runner: String,
    /// Package name of this job's copy of the candidate (its library is always [`target::CANDIDATE_LIB`]), unique to
    /// the job in the shared target dir: another job's "up to date" library is never linked.
    pub candidate_package: String,
    /// The problem's reference (its manifest read once), which the real runner depends on.
    pub reference: Reference,
    /// The candidate's Rust edition (its Cargo.toml's, else 2024).
    pub edition: String,
    suite: PathBuf,
    /// The runner's manifest and `main.rs` in each phase.
    stub: RunnerFiles,
    runner_files: RunnerFiles,
    /// The pinned lock file, restored before each phase (a phase may prune entries the other needs).
    lock: Vec<u8>,
    /// Host paths a build reads besides the job dir: the support library's (public) workspace, and, only in the
    /// runner phase, the hidden suite's folder and the reference.
    public: Vec<PathBuf>,
    hidden: Vec<PathBuf>,
}

#[derive(Debug)]
struct RunnerFiles {
    manifest: String,
    main: String,
}

/// Which of a job's two builds it is set up for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// The candidate's library (and its tests and lints) with a stub runner: no hidden file is in the job or
    /// visible to the build.
    Candidate,
    /// The runner with the hidden suite and the reference, against the candidate's library built before.
    Runner,
}

impl Job {
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn manifest(&self) -> PathBuf {
        self.root().join("Cargo.toml")
    }

    /// Writes the runner (a stub, or the real one) and the pinned lock file for `phase`.
    pub fn enter(&self, phase: Phase) -> Result<()> {
        let files = match phase {
            Phase::Candidate => &self.stub,
            Phase::Runner => &self.runner_files,
        };
        let runner_dir = self.root().join("runner");
        write(&runner_dir.join("Cargo.toml"), &files.manifest)?;
        write(&runner_dir.join("src").join("main.rs"), &files.main)?;
        let lock = self.root().join("Cargo.lock");
        std::fs::write(&lock, &self.lock).map_err(|e| Error::io("write", &lock, e))
    }

    /// The host paths (besides the job dir, the toolchain and the target dir) a build in `phase` may read.
    pub fn visible(&self, phase: Phase) -> Vec<PathBuf> {
        let mut paths = self.public.clone();
        if phase == Phase::Runner {
            paths.extend(self.hidden.iter().cloned());
        }
        paths
    }

    /// The copy of the candidate's crate.
    pub fn candidate_dir(&self) -> PathBuf {
        self.root().join("candidate")
    }

    /// The rustfmt settings the candidate's sources are checked against (see [`rustfmt_config`]).
    pub fn rustfmt_config(&self) -> PathBuf {
        self.root().join("rustfmt.toml")
    }

    /// The crate roots rustfmt starts from: `src/lib.rs` and each `tests/*.rs` (it follows their `mod`s).
    pub fn crate_roots(&self) -> Vec<PathBuf> {
        let dir = self.candidate_dir();
        let mut roots = vec![dir.join("src").join("lib.rs")];
        if let Ok(entries) = std::fs::read_dir(dir.join("tests")) {
            let mut tests: Vec<PathBuf> = entries
                .filter_map(std::result::Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "rs"))
                .collect();
            tests.sort();
            roots.extend(tests);
        }
        roots
    }

    /// A path in compiler or rustfmt output (absolute, or relative to the job root) as a path relative to the
    /// candidate's crate (`src/lib.rs`); other paths are scrubbed.
    pub fn relative(&self, path: &Path) -> String {
        let dir = self.candidate_dir();
        let inside = path.strip_prefix(&dir).or_else(|_| path.strip_prefix("candidate"));
        match inside {
            Ok(rest) => rest.to_string_lossy().into_owned(),
            Err(_) => self.scrub(&path.to_string_lossy()),
        }
    }

    /// Rewrites the job's temp paths in compiler output to `$CANDIDATE/…` and the suite's path to `$SUITE`.
    pub fn scrub(&self, text: &str) -> String {
        let candidate = self.root().join("candidate");
        text.replace(&*self.suite.to_string_lossy(), "$SUITE")
            .replace(&*candidate.to_string_lossy(), "$CANDIDATE")
            .replace(&*self.root().to_string_lossy(), "$JOB")
            .replace("--> candidate/", "--> $CANDIDATE/")
    }
}

/// Why a candidate folder cannot be graded at all (before anything is compiled); reporters phrase it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// The folder has no `src/lib.rs`: a candidate is a library crate (`harness init <problem>` starts one).
    NoLibrary { folder: PathBuf, problem: String },
    /// Its `Cargo.toml` does not parse (the parser's `message`).
    ManifestUnparsable { message: String },
    /// Its `Cargo.toml` asks for an edition this toolchain lacks.
    UnknownEdition { edition: String },
    /// A dependency outside [`ALLOWED_DEPENDENCIES`].
    DependencyNotAllowed { name: String },
    /// A source reads a file or variable outside the crate at compile time (`file` relative to the crate).
    Screened { file: String, refusal: crate::screen::Refusal },
    /// More than [`MAX_SOURCE_FILES`] files or [`MAX_SOURCE_BYTES`] bytes.
    TooLarge,
    /// A symbolic link (`symlink`) or special file: a crate holds regular files only.
    NotRegularFile { file: String, symlink: bool },
}

/// Copies `candidate` into a fresh job dir and generates the workspace, candidate manifest and runner around it.
pub fn prepare(layout: &Layout, problem: &Problem, candidate: &Path) -> Result<std::result::Result<Job, Rejection>> {
    if !candidate.join("src").join("lib.rs").is_file() {
        return Ok(Err(Rejection::NoLibrary { folder: candidate.to_path_buf(), problem: problem.slug.clone() }));
    }
    let dependencies = match candidate_dependencies(candidate) {
        Ok(deps) => deps,
        Err(rejection) => return Ok(Err(rejection)),
    };
    let dir = tempfile::Builder::new()
        .prefix(&target::job_dir_prefix())
        .tempdir()
        .map_err(|e| Error::io("create", "a temp dir", e))?;
    let packages = Packages::next();
    let reference = layout.reference(&problem.slug)?;
    let suite = canonical(&problem.suite_path())?;
    let support = canonical(&layout.support_crate())?;
    let lock_file = layout.lock_file();
    let lock = std::fs::read(&lock_file).map_err(|e| Error::io("read", &lock_file, e))?;
    let runners = Runners { packages: &packages, reference: &reference, suite: &suite, support: &support };
    let job = Job {
        dir,
        stub: runners.stub()?,
        runner_files: runners.real()?,
        edition: dependencies.edition.clone().unwrap_or_else(|| "2024".to_owned()),
        lock,
        public: support_workspace(&support),
        hidden: vec![suite.parent().unwrap_or(&suite).to_path_buf(), reference.dir.clone()],
        reference,
        suite,
        runner: packages.runner,
        candidate_package: packages.candidate,
    };
    if let Err(rejection) = copy_candidate(candidate, &job.candidate_dir())? {
        return Ok(Err(rejection));
    }
    write(&job.candidate_dir().join("Cargo.toml"), &candidate_manifest(&job.candidate_package, &dependencies)?)?;
    write(&job.manifest(), &workspace_manifest()?)?;
    job.enter(Phase::Candidate)?;
    write(&job.rustfmt_config(), &rustfmt_config(candidate))?;
    Ok(Ok(job))
}

/// Copies the candidate's [`COPIED_DIRS`] into `to` (see [`copy_tree`]).
fn copy_candidate(candidate: &Path, to: &Path) -> Result<std::result::Result<(), Rejection>> {
    let mut budget = CopyBudget { bytes: 0, files: 0 };
    for sub in COPIED_DIRS {
        let from = candidate.join(sub);
        if from.is_dir() {
            if let Err(rejection) = copy_tree(&from, &to.join(sub), &mut budget)? {
                return Ok(Err(rejection));
            }
        }
    }
    Ok(Ok(()))
}

/// The job's workspace: the candidate and the runner, released with overflow checks on.
fn workspace_manifest() -> Result<String> {
    let manifest = table([
        ("workspace", table([("resolver", "3".into()), ("members", vec!["candidate", "runner"].into())]).into()),
        ("profile", table([("release", table([("overflow-checks", true.into())]).into())]).into()),
    ]);
    render_manifest("Generated by the harness: the job's workspace.", &manifest)
}

/// What the two runners of a job are generated from.
struct Runners<'a> {
    packages: &'a Packages,
    reference: &'a Reference,
    suite: &'a Path,
    support: &'a Path,
}

impl Runners<'_> {
    /// The runner phase's crate: the hidden suite, run through the support library's protocol.
    fn real(&self) -> Result<RunnerFiles> {
        let reference = path_dependency(&self.reference.dir.to_string_lossy(), Some(&self.reference.package));
        let manifest =
            self.manifest("Generated by the harness: the hidden suite's runner.", table([("reference", reference)]))?;
        let main = format!(
            "// Generated by the harness: the hidden suite, run through the support library's protocol.\n\
             #[path = {suite:?}]\nmod suite;\n\n\
             fn main() -> std::process::ExitCode {{\n    harness_support::main(suite::cases())\n}}\n",
            suite = self.suite.to_string_lossy(),
        );
        Ok(RunnerFiles { manifest, main })
    }

    /// The candidate phase's stand-in: the real runner's dependencies with the reference's own dependencies in place
    /// of the reference, so features unify as they will in the runner phase and the candidate's library built now is
    /// the one the runner phase links (cargo then finds it up to date and compiles no candidate source there).
    fn stub(&self) -> Result<RunnerFiles> {
        let manifest = self.manifest(
            "Generated by the harness: a stand-in runner while the candidate builds.",
            self.reference.dependencies.clone(),
        )?;
        let main = "// Generated by the harness: a stand-in while the candidate builds; nothing hidden is here.\n\
                    fn main() {}\n"
            .to_owned();
        Ok(RunnerFiles { manifest, main })
    }

    /// A runner's manifest: `dependencies` besides the candidate and the support library, which both runners have.
    fn manifest(&self, header: &str, mut dependencies: toml::Table) -> Result<String> {
        dependencies.insert("candidate".into(), path_dependency("../candidate", Some(&self.packages.candidate)));
        dependencies.insert("harness-support".into(), path_dependency(&self.support.to_string_lossy(), None));
        let manifest = table([
            ("package", package_table(&self.packages.runner, "2024").into()),
            ("dependencies", dependencies.into()),
        ]);
        render_manifest(header, &manifest)
    }
}

/// The support library's workspace as a build must see it: its crates' folder and the workspace manifest they
/// inherit settings from (nothing of the problem bank).
fn support_workspace(support: &Path) -> Vec<PathBuf> {
    let Some(crates) = support.parent() else { return vec![support.to_path_buf()] };
    let mut paths = vec![crates.to_path_buf()];
    if let Some(root) = crates.parent() {
        let manifest = root.join("Cargo.toml");
        if manifest.is_file() {
            paths.push(manifest);
        }
    }
    paths
}

fn canonical(path: &Path) -> Result<PathBuf> {
    path.canonicalize().map_err(|e| Error::io("find", path, e))
}

/// Settings that would let a candidate switch the formatting check off rather than format.
const RUSTFMT_ESCAPES: [&str; 2] = ["ignore", "disable_all_formatting"];

/// The rustfmt settings `cargo fmt` would use in the candidate's folder: the nearest `rustfmt.toml` or
/// `.rustfmt.toml` in it or above it (empty when there is none, or it does not parse), minus [`RUSTFMT_ESCAPES`].
pub fn rustfmt_config(candidate: &Path) -> String {
    let start = candidate.canonicalize().unwrap_or_else(|_| candidate.to_path_buf());
    let found = start
        .ancestors()
        .flat_map(|dir| [dir.join("rustfmt.toml"), dir.join(".rustfmt.toml")])
        .find(|file| file.is_file());
    let Some(table) =
        found.and_then(|file| std::fs::read_to_string(file).ok()).and_then(|text| text.parse::<toml::Table>().ok())
    else {
        return String::new();
    };
    let kept: toml::Table = table.into_iter().filter(|(key, _)| !RUSTFMT_ESCAPES.contains(&key.as_str())).collect();
    kept.to_string()
}

/// The candidate's dependencies that we keep (`[dependencies]` and `[dev-dependencies]`), and its edition.
#[derive(Debug, Default)]
struct Dependencies {
    normal: toml::Table,
    dev: toml::Table,
    edition: Option<String>,
}

fn candidate_dependencies(candidate: &Path) -> std::result::Result<Dependencies, Rejection> {
    let path = candidate.join("Cargo.toml");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(Dependencies::default());
    };
    let table: toml::Table =
        toml::from_str(&text).map_err(|e| Rejection::ManifestUnparsable { message: e.message().trim().to_owned() })?;
    let mut deps = Dependencies {
        edition: table.get("package").and_then(|p| p.get("edition")).and_then(|e| e.as_str()).map(str::to_owned),
        ..Dependencies::default()
    };
    if let Some(edition) = &deps.edition {
        if !["2015", "2018", "2021", "2024"].contains(&edition.as_str()) {
            return Err(Rejection::UnknownEdition { edition: edition.clone() });
        }
    }
    for (section, out) in [("dependencies", &mut deps.normal), ("dev-dependencies", &mut deps.dev)] {
        let Some(entries) = table.get(section).and_then(|d| d.as_table()) else { continue };
        for (name, spec) in entries {
            if !ALLOWED_DEPENDENCIES.contains(&name.as_str()) {
                return Err(Rejection::DependencyNotAllowed { name: name.clone() });
            }
            out.insert(name.clone(), allowed_dependency(spec));
        }
    }
    Ok(deps)
}

/// An allowed dependency as the job declares it: any version (the pinned lock file decides), the candidate's features.
fn allowed_dependency(spec: &toml::Value) -> toml::Value {
    let mut entry = table([("version", "*".into())]);
    if let Some(features) = spec.get("features").and_then(|f| f.as_array()) {
        let names: Vec<&str> = features.iter().filter_map(|f| f.as_str()).collect();
        entry.insert("features".into(), names.into());
    }
    if let Some(default) = spec.get("default-features").and_then(toml::Value::as_bool) {
        entry.insert("default-features".into(), default.into());
    }
    entry.into()
}

/// The manifest of the job's copy of the candidate: its library as [`target::CANDIDATE_LIB`], its kept dependencies,
/// no build script or other targets, and `unsafe` forbidden: it is the candidate's only way at memory it was not
/// handed (the runner's nonce, the reference).
fn candidate_manifest(package: &str, deps: &Dependencies) -> Result<String> {
    let mut package = package_table(package, deps.edition.as_deref().unwrap_or("2024"));
    for key in ["build", "autobins", "autoexamples", "autobenches"] {
        package.insert(key.into(), false.into());
    }
    let manifest = table([
        ("package", package.into()),
        ("lib", table([("name", target::CANDIDATE_LIB.into()), ("path", "src/lib.rs".into())]).into()),
        ("dependencies", deps.normal.clone().into()),
        ("dev-dependencies", deps.dev.clone().into()),
        ("lints", table([("rust", table([("unsafe_code", "forbid".into())]).into())]).into()),
    ]);
    render_manifest(
        "Generated by the harness from the candidate's sources.\n\
         No `unsafe`: it is the candidate's only way at memory it was not handed (the runner's nonce, the reference).",
        &manifest,
    )
}

/// A table of `pairs`, in their order.
pub(crate) fn table<const N: usize>(pairs: [(&str, toml::Value); N]) -> toml::Table {
    pairs.into_iter().map(|(key, value)| (key.to_owned(), value)).collect()
}

/// The `[package]` of a generated crate: `name`, version 0.1.0, `edition`, never published.
pub(crate) fn package_table(name: &str, edition: &str) -> toml::Table {
    table([("name", name.into()), ("version", "0.1.0".into()), ("edition", edition.into()), ("publish", false.into())])
}

/// A dependency on the crate at `path`, under the name of its package `package` when that differs.
pub(crate) fn path_dependency(path: &str, package: Option<&str>) -> toml::Value {
    let mut dependency = table([("path", path.into())]);
    if let Some(package) = package {
        dependency.insert("package".into(), package.into());
    }
    dependency.into()
}

/// The one way a generated manifest is written (the job's workspace, the candidate's, the runners', the
/// `verify --mutants` subject): the table as TOML under `header`, a comment of one or more lines.
pub(crate) fn render_manifest(header: &str, manifest: &toml::Table) -> Result<String> {
    let text =
        toml::to_string(manifest).map_err(|e| Error::Harness(format!("failed to write a generated manifest: {e}")))?;
    let mut out: String = header.lines().flat_map(|line| ["# ", line, "\n"]).collect();
    out.push_str(&text);
    Ok(out)
}

struct CopyBudget {
    bytes: u64,
    files: usize,
}

/// Copies regular files and folders, screening Rust sources; a symlink or special file rejects the candidate.
fn copy_tree(from: &Path, to: &Path, budget: &mut CopyBudget) -> Result<std::result::Result<(), Rejection>> {
    std::fs::create_dir_all(to).map_err(|e| Error::io("create", to, e))?;
    let mut entries: Vec<_> = std::fs::read_dir(from)
        .map_err(|e| Error::io("read", from, e))?
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| Error::io("read", from, e))?;
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for entry in entries {
        let path = entry.path();
        let kind = entry.file_type().map_err(|e| Error::io("read", &path, e))?;
        let target = to.join(entry.file_name());
        if kind.is_dir() {
            if let Err(rejection) = copy_tree(&path, &target, budget)? {
                return Ok(Err(rejection));
            }
        } else if kind.is_file() {
            let len = entry.metadata().map_err(|e| Error::io("read", &path, e))?.len();
            if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read(&path).map_err(|e| Error::io("read", &path, e))?;
                if let Err(refusal) = screen::screen(&String::from_utf8_lossy(&text)) {
                    return Ok(Err(Rejection::Screened { file: shown(&path), refusal }));
                }
            }
            budget.bytes += len;
            budget.files += 1;
            if budget.bytes > MAX_SOURCE_BYTES || budget.files > MAX_SOURCE_FILES {
                return Ok(Err(Rejection::TooLarge));
            }
            std::fs::copy(&path, &target).map_err(|e| Error::io("copy", &path, e))?;
        } else {
            // A symlink could point at the hidden suite or anywhere else on the machine; a crate is regular files.
            return Ok(Err(Rejection::NotRegularFile { file: shown(&path), symlink: kind.is_symlink() }));
        }
    }
    Ok(Ok(()))
}

/// A candidate's file as the candidate knows it: from its `src/` or `tests/` folder on.
fn shown(path: &Path) -> String {
    let text = path.to_string_lossy();
    ["/src/", "/tests/"]
        .iter()
        .find_map(|dir| text.rfind(dir).map(|i| text[i + 1..].to_owned()))
        .unwrap_or(text.into_owned())
}

/// Writes `text` to `path`, creating its folder.
pub(crate) fn write(path: &Path, text: &str) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io("create", parent, e))?;
    }
    std::fs::write(path, text).map_err(|e| Error::io("write", path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files_mention(dir: &Path, needle: &str) -> Vec<PathBuf> {
        let mut found = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap().map(std::result::Result::unwrap) {
            let path = entry.path();
            if path.is_dir() {
                found.extend(files_mention(&path, needle));
            } else if std::fs::read_to_string(&path).is_ok_and(|text| text.contains(needle)) {
                found.push(path);
            }
        }
        found
    }

    #[test]
    fn in_the_candidate_phase_nothing_hidden_is_in_the_job_or_visible_to_its_build() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let layout = Layout::discover(Some(root)).unwrap();
        let problem = layout.problem("top-k-merchants").unwrap();
        let reference = layout.reference_dir("top-k-merchants");
        let job = prepare(&layout, &problem, &reference).unwrap().unwrap();
        let suite = problem.suite_path().canonicalize().unwrap();
        let reference = reference.canonicalize().unwrap();
        let hidden = [suite.parent().unwrap().to_path_buf(), reference.clone()];

        let marks = [suite.to_string_lossy().into_owned(), reference.to_string_lossy().into_owned()];
        for mark in &marks {
            assert_eq!(files_mention(job.root(), mark), Vec::<PathBuf>::new(), "{mark} is in the job");
        }
        let visible = job.visible(Phase::Candidate);
        assert!(hidden.iter().all(|h| !visible.iter().any(|v| h.starts_with(v))), "{visible:?}");
        assert!(visible.iter().any(|v| layout.support_crate().canonicalize().unwrap().starts_with(v)));

        job.enter(Phase::Runner).unwrap();
        assert_eq!(files_mention(job.root(), &marks[0]).len(), 1, "the runner includes the suite");
        assert_eq!(files_mention(job.root(), &marks[1]).len(), 1, "the runner depends on the reference");
        let visible = job.visible(Phase::Runner);
        assert!(hidden.iter().all(|h| visible.contains(h)), "{visible:?}");
    }

    fn crate_with(manifest: &str) -> TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("src")).unwrap();
        std::fs::write(dir.path().join("Cargo.toml"), manifest).unwrap();
        dir
    }

    #[test]
    fn allowed_dependencies_keep_their_features_but_not_their_version() {
        let dir = crate_with(
            "[package]\nname='x'\nedition='2021'\n[dependencies]\nserde = { version = '0.1', features = ['derive'] }\n",
        );
        let deps = candidate_dependencies(dir.path()).unwrap();
        let serde = table([("version", "*".into()), ("features", vec!["derive"].into())]);
        assert_eq!(deps.normal, table([("serde", serde.into())]));
        assert_eq!(deps.edition.as_deref(), Some("2021"));
    }

    #[test]
    fn the_candidate_is_compiled_with_unsafe_code_forbidden() {
        let manifest = candidate_manifest("candidate_1_1", &Dependencies::default()).unwrap();
        let table: toml::Table = toml::from_str(&manifest).unwrap();
        assert_eq!(table["lints"]["rust"]["unsafe_code"].as_str(), Some("forbid"), "{manifest}");
    }

    #[test]
    fn the_candidate_manifest_keeps_its_library_targets_and_dependencies_when_written() {
        let dir = crate_with(
            "[package]\nname='x'\nedition='2021'\n[dependencies]\nserde = { version = '1', features = ['derive'], \
             default-features = false }\n[dev-dependencies]\nserde_json = '1'\n",
        );
        let manifest = candidate_manifest("candidate_1_2", &candidate_dependencies(dir.path()).unwrap()).unwrap();
        assert!(manifest.starts_with("# Generated by the harness from the candidate's sources.\n# No `unsafe`"));
        let table: toml::Table = toml::from_str(&manifest).unwrap();
        let package = &table["package"];
        assert_eq!((package["name"].as_str(), package["edition"].as_str()), (Some("candidate_1_2"), Some("2021")));
        for key in ["build", "autobins", "autoexamples", "autobenches", "publish"] {
            assert_eq!(package[key].as_bool(), Some(false), "{key}: {manifest}");
        }
        assert_eq!(table["lib"]["name"].as_str(), Some(target::CANDIDATE_LIB));
        assert_eq!(table["lib"]["path"].as_str(), Some("src/lib.rs"));
        let serde = &table["dependencies"]["serde"];
        assert_eq!(serde["version"].as_str(), Some("*"), "{manifest}");
        assert_eq!(serde["features"].as_array().map(Vec::len), Some(1), "{manifest}");
        assert_eq!(serde["default-features"].as_bool(), Some(false), "{manifest}");
        assert_eq!(table["dev-dependencies"]["serde_json"]["version"].as_str(), Some("*"), "{manifest}");
    }

    #[test]
    fn a_dependency_outside_the_allowlist_is_rejected_by_name() {
        let dir = crate_with("[package]\nname='x'\n[dev-dependencies]\nrayon = '1'\n");
        let rejection = candidate_dependencies(dir.path()).unwrap_err();
        assert_eq!(rejection, Rejection::DependencyNotAllowed { name: "rayon".to_owned() });
    }

    #[test]
    fn the_nearest_rustfmt_config_above_the_candidate_is_used_without_its_escapes() {
        let outer = tempfile::tempdir().unwrap();
        std::fs::write(outer.path().join("rustfmt.toml"), "max_width = 120\nignore = [\"src\"]\n").unwrap();
        let candidate = outer.path().join("attempt");
        std::fs::create_dir_all(&candidate).unwrap();
        let config = rustfmt_config(&candidate);
        assert!(config.contains("max_width = 120"), "{config}");
        assert!(!config.contains("ignore"), "{config}");
        std::fs::write(candidate.join(".rustfmt.toml"), "disable_all_formatting = true\n").unwrap();
        assert_eq!(rustfmt_config(&candidate), "");
    }

    #[test]
    fn a_symlink_rejects_the_candidate_and_is_never_followed() {
        let from = tempfile::tempdir().unwrap();
        std::fs::create_dir(from.path().join("src")).unwrap();
        std::fs::write(from.path().join("src/lib.rs"), "pub fn f() {}").unwrap();
        std::os::unix::fs::symlink("/etc/passwd", from.path().join("src/secret.rs")).unwrap();
        let to = tempfile::tempdir().unwrap();
        let mut budget = CopyBudget { bytes: 0, files: 0 };
        let rejection = copy_tree(from.path(), to.path(), &mut budget).unwrap().unwrap_err();
        assert_eq!(rejection, Rejection::NotRegularFile { file: "src/secret.rs".to_owned(), symlink: true });
        assert!(!to.path().join("src/secret.rs").exists());
    }

    #[test]
    fn a_source_reading_a_file_outside_the_crate_at_compile_time_is_rejected() {
        let from = tempfile::tempdir().unwrap();
        std::fs::create_dir(from.path().join("src")).unwrap();
        std::fs::write(from.path().join("src/lib.rs"), "pub const S: &str =\n    include_str!(\"/etc/hostname\");")
            .unwrap();
        let to = tempfile::tempdir().unwrap();
        let mut budget = CopyBudget { bytes: 0, files: 0 };
        let rejection = copy_tree(from.path(), to.path(), &mut budget).unwrap().unwrap_err();
        let Rejection::Screened { file, refusal } = rejection else { panic!("{rejection:?}") };
        assert_eq!((file.as_str(), refusal.line), ("src/lib.rs", 2), "{refusal:?}");
    }
}
