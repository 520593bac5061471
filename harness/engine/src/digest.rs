//! Stable content hashes: FNV-1a (64-bit), written out here so a value never changes between Rust versions (std's
//! `DefaultHasher` may), for shard assignment and for telling whether a batch's inputs changed since a report.

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// FNV-1a 64-bit offset basis.
const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
/// FNV-1a 64-bit prime.
const PRIME: u64 = 0x0000_0100_0000_01b3;

/// An FNV-1a 64-bit hash being fed bytes.
#[derive(Debug, Clone, Copy)]
pub struct Fnv1a(u64);

impl Default for Fnv1a {
    fn default() -> Self {
        Fnv1a(OFFSET)
    }
}

impl Fnv1a {
    /// Feeds `bytes`, one at a time: xor, then multiply by the prime.
    pub fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = (self.0 ^ u64::from(byte)).wrapping_mul(PRIME);
        }
    }

    /// Feeds a length-prefixed field, so `("ab", "c")` and `("a", "bc")` hash apart.
    pub fn field(&mut self, bytes: &[u8]) {
        self.write(&(bytes.len() as u64).to_le_bytes());
        self.write(bytes);
    }

    pub fn finish(self) -> u64 {
        self.0
    }
}

/// FNV-1a 64 of `bytes`.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash = Fnv1a::default();
    hash.write(bytes);
    hash.finish()
}

/// Folders never hashed: build output and version control.
const SKIPPED_DIRS: [&str; 2] = ["target", ".git"];

/// Feeds every regular file under `root` (paths relative to `root`, in sorted order, then contents) into `hash`,
/// skipping symlinks and `target/` / `.git/`. A missing `root` feeds only its name, so it hashes apart from an empty one.
pub fn tree(hash: &mut Fnv1a, root: &Path) -> Result<()> {
    hash.field(root.file_name().map(std::ffi::OsStr::as_encoded_bytes).unwrap_or_default());
    let mut files = Vec::new();
    collect(root, Path::new(""), &mut files)?;
    files.sort();
    hash.field(&(files.len() as u64).to_le_bytes());
    for relative in files {
        let path = root.join(&relative);
        let bytes = std::fs::read(&path).map_err(|e| Error::io("read", &path, e))?;
        hash.field(relative.to_string_lossy().replace('\\', "/").as_bytes());
        hash.field(&bytes);
    }
    Ok(())
}

fn collect(root: &Path, relative: &Path, files: &mut Vec<PathBuf>) -> Result<()> {
    let dir = root.join(relative);
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && relative.as_os_str().is_empty() => return Ok(()),
        Err(e) => return Err(Error::io("read", &dir, e)),
    };
    for entry in entries {
        let entry = entry.map_err(|e| Error::io("read", &dir, e))?;
        let kind = entry.file_type().map_err(|e| Error::io("read", entry.path(), e))?;
        let name = entry.file_name();
        if kind.is_dir() && !SKIPPED_DIRS.iter().any(|s| name == *s) {
            collect(root, &relative.join(&name), files)?;
        } else if kind.is_file() {
            files.push(relative.join(&name));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_the_published_test_vectors() {
        // From the FNV reference (draft-eastlake-fnv): the empty string, "a" and "foobar".
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn a_tree_hash_changes_with_a_file_and_ignores_build_output() {
        let dir = tempfile::tempdir().unwrap();
        let write = |path: &str, text: &str| {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        let digest = || {
            let mut hash = Fnv1a::default();
            tree(&mut hash, dir.path()).unwrap();
            hash.finish()
        };
        write("src/lib.rs", "pub fn f() {}\n");
        let before = digest();
        write("target/release/junk", "built");
        assert_eq!(digest(), before, "target/ is not an input");
        write("src/lib.rs", "pub fn f() { }\n");
        assert_ne!(digest(), before, "an edited source is");
    }

    #[test]
    fn moving_bytes_between_fields_changes_the_hash() {
        let hash = |fields: &[&str]| {
            let mut hash = Fnv1a::default();
            for f in fields {
                hash.field(f.as_bytes());
            }
            hash.finish()
        };
        assert_ne!(hash(&["ab", "c"]), hash(&["a", "bc"]));
    }
}
