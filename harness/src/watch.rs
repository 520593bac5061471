//! The one owner of file watching: tells a session when a candidate's sources change (`src/`, `tests/`,
//! `Cargo.toml`), debounced so one save (or a burst of them) is one change.

use harness_engine::error::{Error, Result};
use notify::{Event, RecommendedWatcher, RecursiveMode, Watcher};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

/// A change is reported once nothing has changed for this long (a save, or a burst of them, is one change).
pub const DEBOUNCE: Duration = Duration::from_millis(600);

/// Watches while alive (the debouncing thread ends with it).
#[derive(Debug)]
pub struct Watch {
    _watcher: RecommendedWatcher,
}

/// Calls `on_change` (on a thread of its own) once after each quiet-ended burst of changes to what a grade reads in
/// `candidate`.
pub fn watch(candidate: &Path, mut on_change: impl FnMut() + Send + 'static) -> Result<Watch> {
    let root = candidate.canonicalize().map_err(|e| Error::io("resolve", candidate, e))?;
    let failed = |e: notify::Error| Error::Harness(format!("failed to watch {}: {e}", root.display()));
    let (tx, rx) = mpsc::channel::<()>();
    let graded = root.clone();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<Event>| {
        let relevant = event.is_ok_and(|e| !e.kind.is_access() && e.paths.iter().any(|p| is_graded(&graded, p)));
        if relevant {
            let _ = tx.send(());
        }
    })
    .map_err(failed)?;
    watcher.watch(&root, RecursiveMode::Recursive).map_err(failed)?;
    std::thread::spawn(move || {
        // Ends when the watcher (and with it the sender) is dropped.
        while rx.recv().is_ok() {
            loop {
                match rx.recv_timeout(DEBOUNCE) {
                    Ok(()) => {}
                    Err(mpsc::RecvTimeoutError::Timeout) => break,
                    Err(mpsc::RecvTimeoutError::Disconnected) => return,
                }
            }
            on_change();
        }
    });
    Ok(Watch { _watcher: watcher })
}

/// Whether a change at `path` can change a grade: the sources and tests a job copies, and the manifest.
pub fn is_graded(root: &Path, path: &Path) -> bool {
    let Ok(relative) = path.strip_prefix(root) else { return false };
    let first: PathBuf = relative.components().take(1).collect();
    first == Path::new("src") || first == Path::new("tests") || relative == Path::new("Cargo.toml")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    #[test]
    fn only_sources_tests_and_the_manifest_count_as_changes() {
        let root = Path::new("/c");
        assert!(is_graded(root, Path::new("/c/src/lib.rs")));
        assert!(is_graded(root, Path::new("/c/tests/it.rs")));
        assert!(is_graded(root, Path::new("/c/Cargo.toml")));
        assert!(!is_graded(root, Path::new("/c/target/debug/x")));
        assert!(!is_graded(root, Path::new("/c/.harness-session/session.md")));
        assert!(!is_graded(root, Path::new("/elsewhere/src/lib.rs")));
    }

    #[test]
    fn saving_a_source_file_is_reported_once_after_the_debounce() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("src")).unwrap();
        let (tx, rx) = mpsc::channel();
        let _watch = watch(dir.path(), move || {
            let _ = tx.send(());
        })
        .unwrap();
        std::thread::sleep(Duration::from_millis(200));
        std::fs::write(dir.path().join("notes.txt"), "not graded").unwrap();
        std::fs::write(dir.path().join("src/lib.rs"), "pub fn a() {}").unwrap();
        std::fs::write(dir.path().join("src/lib.rs"), "pub fn b() {}").unwrap();
        assert!(rx.recv_timeout(Duration::from_secs(10)).is_ok(), "the change was seen");
        assert!(rx.recv_timeout(DEBOUNCE * 3).is_err(), "two quick saves are one change");
    }
}
