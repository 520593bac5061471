//! `harness init`: a fresh candidate crate from a problem's starter.

use crate::error::{Error, Result};
use crate::problem::Problem;
use std::path::{Path, PathBuf};

/// Copies the starter crate into `dest` (which must not exist or be empty); returns the files written.
pub fn init(problem: &Problem, dest: &Path) -> Result<Vec<PathBuf>> {
    if dest.exists() && std::fs::read_dir(dest).map_err(|e| Error::io("read", dest, e))?.next().is_some() {
        return Err(Error::Usage(format!("failed to initialise {}: the folder is not empty", dest.display())));
    }
    let mut written = Vec::new();
    copy(&problem.starter_dir(), dest, &mut written)?;
    Ok(written)
}

fn copy(from: &Path, to: &Path, written: &mut Vec<PathBuf>) -> Result<()> {
    std::fs::create_dir_all(to).map_err(|e| Error::io("create", to, e))?;
    let mut entries: Vec<_> =
        std::fs::read_dir(from).map_err(|e| Error::io("read", from, e))?.filter_map(std::result::Result::ok).collect();
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for entry in entries {
        let (path, target) = (entry.path(), to.join(entry.file_name()));
        if path.is_dir() {
            if entry.file_name() != "target" {
                copy(&path, &target, written)?;
            }
        } else if entry.file_name() != "Cargo.lock" {
            std::fs::copy(&path, &target).map_err(|e| Error::io("copy", &path, e))?;
            written.push(target);
        }
    }
    Ok(())
}
