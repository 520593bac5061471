//! The one owner of what jobs leave in cargo's shared target dir (`Layout::target_dir`): the names a job's packages
//! carry there, the removal of a job's artifacts once its grade is done, and the sweep of what grades of harness
//! processes that are gone left behind.
//!
//! Cargo hashes path packages relative to the workspace root, so the packages of two jobs would share artifact names
//! in the shared dir if they had one name; each job's are named after the harness's pid and the job
//! (`candidate_<pid>_<n>`, `runner_<pid>_<n>`). The candidate's library is always [`CANDIDATE_LIB`]: its files
//! (`libcandidate-<hash>.rlib`, `candidate-<hash>.d`) are the job's only through the hash its package's fingerprint
//! folder (`.fingerprint/candidate_<pid>_<n>-<hash>`) names.
//!
//! A process killed mid-grade, a cancelled CI job, a session ended during a grade never runs its cleanup. Every name a
//! grade leaves carries the pid of its harness (the packages above, the job's temp folder `harness-job-<pid>-…`, the
//! jail's `harness-sandbox-<pid>-…`); [`sweep`] removes an entry only when that process no longer exists and the
//! entry has not been touched for [`QUIET_FOR`], so a grade running in another PID namespace on a shared target dir is
//! left alone.

use crate::cargo::Build;
use harness_sandbox::JAIL_PREFIX;
use harness_sandbox::os::alive;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime};

/// The library target of every job's candidate package (what the hidden suite calls `candidate`).
pub const CANDIDATE_LIB: &str = "candidate";
/// How long an entry must have been left untouched before it is removed (longer than any grade takes).
pub const QUIET_FOR: Duration = Duration::from_secs(2 * 3600);
/// The prefixes of a job's package names, each followed by `<pid>_<n>`.
const CANDIDATE_PACKAGE: &str = "candidate_";
const RUNNER_PACKAGE: &str = "runner_";
/// The prefix of a job's temp folder, followed by `<pid>-`.
const JOB_PREFIX: &str = "harness-job-";

/// Jobs this process has prepared, for numbering their packages.
static JOBS: AtomicU32 = AtomicU32::new(0);

/// The package names of one job, which no other job's share in the shared target dir.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packages {
    /// The job's copy of the candidate (its library is [`CANDIDATE_LIB`]).
    pub candidate: String,
    /// The job's runner, package and binary.
    pub runner: String,
}

impl Packages {
    /// The names of this process's next job.
    pub fn next() -> Packages {
        let (pid, n) = (std::process::id(), JOBS.fetch_add(1, Ordering::Relaxed));
        Packages { candidate: format!("{CANDIDATE_PACKAGE}{pid}_{n}"), runner: format!("{RUNNER_PACKAGE}{pid}_{n}") }
    }
}

/// The prefix of this process's job temp folders (`harness-job-<pid>-`), by which [`sweep`] knows them.
pub fn job_dir_prefix() -> String {
    format!("{JOB_PREFIX}{}-", std::process::id())
}

/// A job's candidate and runner artifacts in the shared target dir, removed when this is dropped (on every way out of
/// a grade, a failed build's included), so the dir keeps only what is reused (dependencies, the reference, the support
/// library).
#[derive(Debug)]
pub struct Cleanup {
    target_dir: PathBuf,
    packages: Packages,
    /// The job's cargo runs: the files of the candidate's library they report carry its hashes.
    pub builds: Vec<Build>,
}

impl Cleanup {
    /// Registers the job whose packages are `candidate` and `runner` in `target_dir`, before its first build.
    pub fn new(target_dir: PathBuf, candidate: &str, runner: &str) -> Cleanup {
        let packages = Packages { candidate: candidate.to_owned(), runner: runner.to_owned() };
        Cleanup { target_dir, packages, builds: Vec::new() }
    }
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        remove_job(&self.target_dir, &self.packages, &self.builds);
    }
}

/// Removes the artifacts of a job's packages from `target_dir`, and those of its candidate library: of each hash its
/// builds reported, and of each hash its fingerprint folders name (a failed compile reports no artifact but leaves its
/// dep-info).
fn remove_job(target_dir: &Path, packages: &Packages, builds: &[Build]) {
    let release = target_dir.join("release");
    // Fingerprints are named after packages (unique to this job), artifacts after targets plus a hash.
    let mut prefixes = vec![packages.runner.clone(), packages.candidate.clone()];
    let fingerprint = format!("{}-", packages.candidate);
    for entry in entries(&release.join(".fingerprint")) {
        if let Some(hash) = name(&entry).and_then(|name| name.strip_prefix(&fingerprint)) {
            prefixes.extend(library_files(hash));
        }
    }
    for artifact in builds.iter().flat_map(|b| &b.artifacts).filter(|a| a.target == CANDIDATE_LIB) {
        for file in artifact.filenames.iter().chain(&artifact.executable) {
            let Some(stem) = file.file_stem().and_then(|s| s.to_str()) else { continue };
            if let Some((_, hash)) = stem.rsplit_once('-') {
                prefixes.extend(library_files(hash));
            }
        }
    }
    for dir in [release.clone(), release.join("deps"), release.join(".fingerprint")] {
        for entry in entries(&dir) {
            let Some(name) = name(&entry) else { continue };
            let mine = prefixes
                .iter()
                .any(|p| name == *p || name.starts_with(&format!("{p}.")) || name.starts_with(&format!("{p}-")));
            if mine {
                remove(&entry);
            }
        }
    }
}

/// The name stems of the candidate library's files of one hash (`candidate-<hash>`, `libcandidate-<hash>`).
fn library_files(hash: &str) -> [String; 2] {
    [format!("{CANDIDATE_LIB}-{hash}"), format!("lib{CANDIDATE_LIB}-{hash}")]
}

/// [`sweep`], the first time this process asks.
pub fn sweep_once(target_dir: &Path, temp_dir: &Path) {
    static SWEPT: std::sync::Once = std::sync::Once::new();
    SWEPT.call_once(|| {
        sweep(target_dir, temp_dir);
    });
}

/// Removes what dead grades left in `target_dir` (the shared candidate target dir) and in `temp_dir`. Returns how many
/// entries were removed. Errors are ignored: this is housekeeping, and a grade must not fail over it.
pub fn sweep(target_dir: &Path, temp_dir: &Path) -> usize {
    let now = SystemTime::now();
    let stale = |path: &Path, pid: u32| !alive(pid) && quiet(path, now);
    let mut removed = 0;
    let release = target_dir.join("release");
    // Fingerprint folders name the package (with its pid) and the hash its files in deps/ carry.
    let mut hashes = Vec::new();
    for entry in entries(&release.join(".fingerprint")) {
        if let Some((pid, hash)) = job_package(&entry).and_then(|(pid, hash)| Some((pid, hash?)))
            && stale(&entry, pid)
        {
            hashes.push(hash);
            removed += usize::from(remove(&entry));
        }
    }
    for dir in [release.clone(), release.join("deps")] {
        for entry in entries(&dir) {
            let of_dead_job = job_package(&entry).is_some_and(|(pid, _)| stale(&entry, pid));
            let of_swept_hash = name(&entry).is_some_and(|name| {
                hashes.iter().any(|hash| library_files(hash).iter().any(|stem| name.starts_with(stem.as_str())))
            });
            if of_dead_job || of_swept_hash {
                removed += usize::from(remove(&entry));
            }
        }
    }
    for entry in entries(temp_dir) {
        let pid = name(&entry).and_then(|name| {
            let rest = name.strip_prefix(JOB_PREFIX).or_else(|| name.strip_prefix(JAIL_PREFIX))?;
            rest.split('-').next()?.parse().ok()
        });
        if pid.is_some_and(|pid| stale(&entry, pid)) {
            removed += usize::from(remove(&entry));
        }
    }
    removed
}

/// The pid in a job package's artifact name (`runner_<pid>_<n>`, `candidate_<pid>_<n>`, then `-<hash>` or `.d`), and
/// the hash when there is one.
fn job_package(path: &Path) -> Option<(u32, Option<String>)> {
    let name = name(path)?;
    let rest = name.strip_prefix(RUNNER_PACKAGE).or_else(|| name.strip_prefix(CANDIDATE_PACKAGE))?;
    let (pid, rest) = rest.split_once('_')?;
    let pid = pid.parse().ok()?;
    let (n, hash) = match rest.split_once('-') {
        Some((n, hash)) => (n, Some(hash.split('.').next().unwrap_or(hash).to_owned())),
        None => (rest.split('.').next().unwrap_or(rest), None),
    };
    n.parse::<u32>().ok()?;
    Some((pid, hash.filter(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_hexdigit()))))
}

fn quiet(path: &Path, now: SystemTime) -> bool {
    let modified = std::fs::symlink_metadata(path).and_then(|m| m.modified());
    modified.is_ok_and(|at| now.duration_since(at).is_ok_and(|age| age >= QUIET_FOR))
}

fn entries(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir).map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect()).unwrap_or_default()
}

fn name(path: &Path) -> Option<&str> {
    path.file_name()?.to_str()
}

fn remove(path: &Path) -> bool {
    let removed =
        if path.is_dir() && !path.is_symlink() { std::fs::remove_dir_all(path) } else { std::fs::remove_file(path) };
    removed.is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pid no process has: above the kernel's pid_max.
    const DEAD: u32 = 4_194_305;

    fn touch(path: &Path, age: Duration) {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(path, "x").unwrap();
        let file = std::fs::File::options().write(true).open(path).unwrap();
        file.set_modified(SystemTime::now() - age).unwrap();
    }

    #[test]
    fn a_job_s_packages_carry_the_pid_and_a_number_of_their_own() {
        let (first, second) = (Packages::next(), Packages::next());
        let pid = std::process::id();
        assert!(first.candidate.starts_with(&format!("candidate_{pid}_")), "{first:?}");
        assert!(first.runner.starts_with(&format!("runner_{pid}_")), "{first:?}");
        assert_ne!(first, second);
        for name in [&first.candidate, &first.runner] {
            assert_eq!(job_package(Path::new(name)), Some((pid, None)), "the sweep knows {name}");
        }
        assert!(job_dir_prefix().starts_with(JOB_PREFIX) && job_dir_prefix().ends_with(&format!("{pid}-")));
    }

    #[test]
    fn a_finished_job_s_artifacts_are_removed_and_nothing_else() {
        let target = tempfile::tempdir().unwrap();
        let release = target.path().join("release");
        let packages = Packages { candidate: "candidate_9_1".into(), runner: "runner_9_1".into() };
        let failed_compile = release.join(".fingerprint/candidate_9_1-00ff/lib-candidate");
        let mine =
            [release.join("runner_9_1"), release.join("deps/runner_9_1-0abc"), release.join("deps/candidate-00ff.d")];
        let others = [
            release.join("runner_9_10"),
            release.join("deps/libcandidate-0123.rlib"),
            release.join("deps/libserde-00ff.rlib"),
            release.join(".fingerprint/candidate_9_2-0123/lib-candidate"),
        ];
        for path in mine.iter().chain(&others).chain([&failed_compile]) {
            touch(path, Duration::ZERO);
        }
        drop(Cleanup::new(target.path().to_path_buf(), &packages.candidate, &packages.runner));
        assert!(!failed_compile.parent().unwrap().exists());
        for gone in &mine {
            assert!(!gone.exists(), "{} is left", gone.display());
        }
        for kept in &others {
            assert!(kept.exists(), "{} was removed", kept.display());
        }
    }

    #[test]
    fn job_artifact_names_give_their_pid_and_hash() {
        let at = |name: &str| job_package(Path::new(name));
        assert_eq!(at("runner_123_4"), Some((123, None)));
        assert_eq!(at("runner_123_4.d"), Some((123, None)));
        assert_eq!(at("runner_123_4-0a1b2c3d4e5f6789"), Some((123, Some("0a1b2c3d4e5f6789".into()))));
        assert_eq!(at("candidate_77_0-00ff.d"), Some((77, Some("00ff".into()))));
        assert_eq!(at("libcandidate-00ff.rlib"), None);
        assert_eq!(at("candidate-00ff"), None);
        assert_eq!(at("serde-1a2b"), None);
        assert_eq!(at("runner_x_4"), None);
    }

    #[test]
    fn only_old_leftovers_of_dead_grades_are_removed() {
        let target = tempfile::tempdir().unwrap();
        let temp = tempfile::tempdir().unwrap();
        let release = target.path().join("release");
        let old = QUIET_FOR + Duration::from_secs(60);
        let me = std::process::id();
        let dead_runner = release.join(format!("runner_{DEAD}_0"));
        let dead_fingerprint = release.join(format!(".fingerprint/candidate_{DEAD}_0-00ff/lib-candidate"));
        let dead_lib = release.join("deps/libcandidate-00ff.rlib");
        let fresh_dead = release.join(format!("deps/runner_{DEAD}_1-0abc"));
        let mine = release.join(format!("runner_{me}_0"));
        let other_lib = release.join("deps/libcandidate-0123.rlib");
        let shared = release.join("deps/libserde-0abc.rlib");
        let dead_job = temp.path().join(format!("{JOB_PREFIX}{DEAD}-aaaa/Cargo.toml"));
        let my_jail = temp.path().join(format!("{JAIL_PREFIX}{me}-bbbb/bin"));
        for path in [&dead_runner, &dead_fingerprint, &dead_lib, &mine, &other_lib, &shared, &dead_job, &my_jail] {
            touch(path, old);
        }
        touch(&fresh_dead, Duration::ZERO);
        // The folders' own times are what is checked for folders.
        for dir in [dead_fingerprint.parent().unwrap(), dead_job.parent().unwrap(), my_jail.parent().unwrap()] {
            std::fs::File::open(dir).unwrap().set_modified(SystemTime::now() - old).unwrap();
        }

        let removed = sweep(target.path(), temp.path());
        assert_eq!(removed, 4, "the dead runner, its fingerprint, the library of that hash, the dead job");
        for gone in [&dead_runner, &dead_lib] {
            assert!(!gone.exists(), "{} is left", gone.display());
        }
        assert!(!dead_fingerprint.parent().unwrap().exists());
        assert!(!dead_job.parent().unwrap().exists());
        for kept in [&fresh_dead, &mine, &other_lib, &shared, &my_jail] {
            assert!(kept.exists(), "{} was removed", kept.display());
        }
    }
}
