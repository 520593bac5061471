//! What grades of harness processes that are gone left behind: their artifacts in the shared target dir and their
//! temp folders (a process killed mid-grade, a cancelled CI job, a session ended during a grade never runs its
//! cleanup). Every such name carries the process id of the grade's harness (`runner_<pid>_<n>`,
//! `candidate_<pid>_<n>`, `harness-job-<pid>-…`, `harness-sandbox-<pid>-…`); an entry is removed only when that
//! process no longer exists and the entry has not been touched for [`QUIET_FOR`], so a grade running in another PID
//! namespace on a shared target dir is left alone.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// How long an entry must have been left untouched before it is removed (longer than any grade takes).
pub const QUIET_FOR: Duration = Duration::from_secs(2 * 3600);
/// Prefixes of a job's temp folder and of a grade's sandbox folder, each followed by `<pid>-`.
pub const JOB_PREFIX: &str = "harness-job-";
pub const JAIL_PREFIX: &str = "harness-sandbox-";

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
                hashes.iter().any(|hash| {
                    ["candidate-", "libcandidate-"].iter().any(|lib| name.starts_with(&format!("{lib}{hash}")))
                })
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
    let rest = name.strip_prefix("runner_").or_else(|| name.strip_prefix("candidate_"))?;
    let (pid, rest) = rest.split_once('_')?;
    let pid = pid.parse().ok()?;
    let (n, hash) = match rest.split_once('-') {
        Some((n, hash)) => (n, Some(hash.split('.').next().unwrap_or(hash).to_owned())),
        None => (rest.split('.').next().unwrap_or(rest), None),
    };
    n.parse::<u32>().ok()?;
    Some((pid, hash.filter(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_hexdigit()))))
}

/// Whether a process with this pid runs (in this PID namespace).
pub(crate) fn alive(pid: u32) -> bool {
    Path::new("/proc").join(pid.to_string()).exists()
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
