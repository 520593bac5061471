//! What a grade's offline builds read, provisioned once per lock file: before the first grade builds anything,
//! `cargo fetch --locked` of the pinned lock file's workspace (through the toolchain owner, on the host, with the
//! network) puts every crate a job's workspace can need (the support library's, the references', the allowlisted
//! candidate dependencies) in cargo's registry cache. A marker in the shared target dir records it, so later grades
//! check one small file and stay offline.
//!
//! Returns data; the progress of a fetch goes through a callback that the binary phrases.

use crate::cargo::Toolchain;
use crate::clock::Stopwatch;
use crate::digest;
use crate::error::{Error, Result};
use crate::layout::Layout;
use std::path::{Path, PathBuf};

/// The prefix of a marker's name in the shared target dir, followed by the FNV-1a 64 of the lock file's bytes in hex.
pub const MARKER_PREFIX: &str = "harness-fetched-";

/// A fetch about to start: which lock file's crates go into which cargo home.
#[derive(Debug, Clone, Copy)]
pub struct Fetching<'a> {
    pub lock: &'a Path,
    pub cargo_home: &'a Path,
}

/// Whether the registry cache had to be filled.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Provisioned {
    /// A marker says the lock file's crates are in this cargo home already: nothing ran.
    Recorded,
    /// `cargo fetch` ran (and succeeded) in this many seconds.
    Fetched { secs: f64 },
}

/// Makes sure every crate of the pinned lock file is in `toolchain`'s registry cache: nothing when its marker says
/// so, else `on_fetch` hears of it, `cargo fetch --locked` runs (an [`Environment::Fetch`] error when it cannot) and
/// the marker is written.
///
/// [`Environment::Fetch`]: crate::error::Environment::Fetch
pub fn ensure(layout: &Layout, toolchain: &Toolchain, on_fetch: impl FnOnce(&Fetching)) -> Result<Provisioned> {
    let lock = layout.lock_file();
    let bytes = std::fs::read(&lock).map_err(|e| Error::io("read", &lock, e))?;
    let marker = marker(&layout.target_dir(), &bytes);
    if recorded(&marker, &toolchain.cargo_home) {
        return Ok(Provisioned::Recorded);
    }
    on_fetch(&Fetching { lock: &lock, cargo_home: &toolchain.cargo_home });
    let started = Stopwatch::start();
    toolchain.fetch(&lock.with_file_name("Cargo.toml"))?;
    record(&marker, &toolchain.cargo_home)?;
    Ok(Provisioned::Fetched { secs: started.secs() })
}

/// Where the marker of the lock file `lock` (its bytes) is kept in `target_dir`: `harness-fetched-<FNV-1a 64>`. It
/// holds the path of the cargo home the crates were fetched into.
pub fn marker(target_dir: &Path, lock: &[u8]) -> PathBuf {
    target_dir.join(format!("{MARKER_PREFIX}{:016x}", digest::fnv1a(lock)))
}

/// Whether `marker` records a fetch into `cargo_home`, whose registry is still there.
fn recorded(marker: &Path, cargo_home: &Path) -> bool {
    std::fs::read(marker).is_ok_and(|held| held == cargo_home.as_os_str().as_encoded_bytes())
        && cargo_home.join("registry").is_dir()
}

/// Writes `marker` (through a temp file and a rename, so a reader never sees half of it).
fn record(marker: &Path, cargo_home: &Path) -> Result<()> {
    let dir = marker.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io("create", dir, e))?;
    let temp = marker.with_extension(format!("{}.tmp", std::process::id()));
    std::fs::write(&temp, cargo_home.as_os_str().as_encoded_bytes()).map_err(|e| Error::io("write", &temp, e))?;
    std::fs::rename(&temp, marker).map_err(|e| Error::io("write", marker, e))
}

/// Forgets every fetch recorded in `target_dir` (a build found a crate missing from the cache: it was pruned since),
/// so that the next grade fetches again.
pub fn forget(target_dir: &Path) {
    let Ok(entries) = std::fs::read_dir(target_dir) else { return };
    for entry in entries.filter_map(std::result::Result::ok) {
        if entry.file_name().to_string_lossy().starts_with(MARKER_PREFIX) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_marker_is_named_after_its_lock_file_and_holds_for_its_cargo_home_only() {
        let target = tempfile::tempdir().unwrap();
        let home = tempfile::tempdir().unwrap();
        std::fs::create_dir(home.path().join("registry")).unwrap();
        let marker = marker(target.path(), b"[[package]]\n");
        assert_ne!(marker, super::marker(target.path(), b"[[package]]\nname = \"other\"\n"));
        assert!(!recorded(&marker, home.path()), "nothing is recorded before a fetch");
        record(&marker, home.path()).unwrap();
        assert!(recorded(&marker, home.path()));
        let other = tempfile::tempdir().unwrap();
        std::fs::create_dir(other.path().join("registry")).unwrap();
        assert!(!recorded(&marker, other.path()), "another cargo home was never fetched into");
        std::fs::remove_dir(home.path().join("registry")).unwrap();
        assert!(!recorded(&marker, home.path()), "a cargo home whose registry is gone needs a fetch");
    }

    #[test]
    fn forgetting_removes_every_marker_and_nothing_else() {
        let target = tempfile::tempdir().unwrap();
        let home = tempfile::tempdir().unwrap();
        for lock in [&b"a"[..], b"b"] {
            record(&marker(target.path(), lock), home.path()).unwrap();
        }
        std::fs::create_dir(target.path().join("release")).unwrap();
        forget(target.path());
        let left: Vec<_> = std::fs::read_dir(target.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(left, ["release"]);
    }
}
