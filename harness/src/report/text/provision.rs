//! The first grade's fetch of the crates its offline builds read, as one progress line.

use harness_engine::provision::Fetching;

/// What a grade says while it fills cargo's registry cache (once per lock file).
pub fn fetching(fetching: &Fetching) -> String {
    format!(
        "fetching the crates the runner needs into {} (once for {}; grades then build offline) …",
        fetching.cargo_home.display(),
        fetching.lock.display()
    )
}
