//! Where things live: the repository root with its `problems/`, `solutions/` and the shared target dir.

use crate::error::{Error, Result};
use crate::problem::{Problem, Reference};
use std::path::{Path, PathBuf};

/// The problem bank and solution folders the harness works from.
#[derive(Debug, Clone)]
pub struct Layout {
    pub root: PathBuf,
}

impl Layout {
    /// Uses `explicit` (from `--root` or `HARNESS_ROOT`) if given; otherwise the nearest ancestor of the current
    /// directory with a `problems/` folder and a `Cargo.toml`; otherwise the checkout this binary was built from.
    pub fn discover(explicit: Option<PathBuf>) -> Result<Layout> {
        if let Some(root) = explicit {
            if !root.join("problems").is_dir() {
                return Err(Error::Usage(format!("failed to find a problems/ folder under {}", root.display())));
            }
            return Layout::at(&root);
        }
        let cwd = std::env::current_dir().map_err(|e| Error::io("read", ".", e))?;
        if let Some(root) = cwd.ancestors().find(|d| d.join("problems").is_dir() && d.join("Cargo.toml").is_file()) {
            return Layout::at(root);
        }
        let built_from = built_from();
        if built_from.join("problems").is_dir() {
            return Layout::at(&built_from);
        }
        Err(Error::Usage("failed to find the problem bank: run inside the checkout or pass --root".to_owned()))
    }

    fn at(root: &Path) -> Result<Layout> {
        let root = root.canonicalize().map_err(|e| Error::io("resolve", root, e))?;
        Ok(Layout { root })
    }

    pub fn problems_dir(&self) -> PathBuf {
        self.root.join("problems")
    }

    pub fn solutions_dir(&self, slug: &str) -> PathBuf {
        self.root.join("solutions").join(slug)
    }

    /// The reference solution's crate of problem `slug`.
    pub fn reference_dir(&self, slug: &str) -> PathBuf {
        self.solutions_dir(slug).join("reference")
    }

    /// The reference solution of problem `slug`, its manifest read (a broken one is a broken problem).
    pub fn reference(&self, slug: &str) -> Result<Reference> {
        Reference::load(&self.reference_dir(slug))
    }

    /// The one target dir every candidate build shares, so dependencies compile once (`HARNESS_TARGET_DIR`
    /// overrides it, e.g. to give parallel CI shards their own).
    pub fn target_dir(&self) -> PathBuf {
        match std::env::var_os("HARNESS_TARGET_DIR") {
            Some(dir) if !dir.is_empty() => PathBuf::from(dir),
            _ => self.root.join("target").join("harness"),
        }
    }

    /// The pinned lock file job builds start from: the bank's own, else the one of the checkout the harness was
    /// built from (a bank kept elsewhere with `--root` need not carry the harness).
    pub fn lock_file(&self) -> PathBuf {
        self.own_or_built_from(Path::new("Cargo.lock"))
    }

    /// The support library hidden suites are written against (found like the lock file).
    pub fn support_crate(&self) -> PathBuf {
        self.own_or_built_from(&Path::new("harness").join("support"))
    }

    fn own_or_built_from(&self, relative: &Path) -> PathBuf {
        let own = self.root.join(relative);
        if own.exists() { own } else { built_from().join(relative) }
    }

    /// Slugs of every problem folder (those holding a `problem.toml`), sorted.
    pub fn problem_slugs(&self) -> Result<Vec<String>> {
        let dir = self.problems_dir();
        let entries = std::fs::read_dir(&dir).map_err(|e| Error::io("read", &dir, e))?;
        let mut slugs: Vec<String> = entries
            .filter_map(std::result::Result::ok)
            .filter(|e| e.path().join("problem.toml").is_file())
            .filter_map(|e| e.file_name().to_str().map(str::to_owned))
            .collect();
        slugs.sort();
        Ok(slugs)
    }

    /// Loads one problem by slug; an unknown slug is a usage error suggesting the closest known one (or naming them
    /// all when none is close).
    pub fn problem(&self, slug: &str) -> Result<Problem> {
        let slugs = self.problem_slugs()?;
        if !slugs.iter().any(|s| s == slug) {
            return Err(Error::Usage(match suggest(slug, &slugs) {
                Some(close) => format!("failed to find problem `{slug}`: did you mean `{close}`?"),
                None => format!("failed to find problem `{slug}` (known: {})", slugs.join(", ")),
            }));
        }
        Ok(Problem::load(&self.problems_dir().join(slug))?)
    }

    /// Every problem, loaded.
    pub fn problems(&self) -> Result<Vec<Problem>> {
        self.problem_slugs()?.iter().map(|slug| Ok(Problem::load(&self.problems_dir().join(slug))?)).collect()
    }
}

/// The known name closest to `name`, when it is close: a few edits away (Damerau–Levenshtein, relative to its length)
/// or a prefix of it.
pub fn suggest<'a>(name: &str, known: &'a [String]) -> Option<&'a str> {
    let name = name.to_lowercase();
    known
        .iter()
        .map(|k| {
            let score = if !name.is_empty() && k.starts_with(&name) {
                1.0
            } else {
                strsim::normalized_damerau_levenshtein(&name, k)
            };
            (score, k)
        })
        .filter(|(score, _)| *score >= 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k.as_str())
}

/// The checkout this harness was built from (the workspace root, two folders above this crate's manifest).
fn built_from() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> Vec<String> {
        ["asof-join", "fraud-scorer", "safe-join", "top-k-merchants"].iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn a_misspelt_or_shortened_name_suggests_the_closest_problem() {
        assert_eq!(suggest("fraud-scorr", &known()), Some("fraud-scorer"));
        assert_eq!(suggest("Fraud-Scorer", &known()), Some("fraud-scorer"));
        assert_eq!(suggest("top-k", &known()), Some("top-k-merchants"));
        assert_eq!(suggest("safe-jion", &known()), Some("safe-join"));
    }

    #[test]
    fn a_name_like_none_of_them_suggests_nothing() {
        assert_eq!(suggest("no-such-problem", &known()), None);
        assert_eq!(suggest("", &known()), None);
    }
}
