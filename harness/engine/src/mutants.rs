//! `harness verify --mutants`: how strong a problem's hidden suite is. The one owner of cargo-mutants: it mutates a
//! copy of the reference (replaced function bodies, flipped operators, …) and runs the hidden correctness and
//! edge-case cases against each mutant, with the untouched reference as the oracle. The share of mutants the suite
//! catches is the figure; the survivors are listed so an author can add the case that kills them.

use crate::cargo::Toolchain;
use crate::error::{Error, Result};
use crate::job::{self, table};
use crate::layout::Layout;
use crate::problem::{EquivalentMutant, Problem, Reference};
use harness_sandbox::process::{Exit, Limits};
use serde::Serialize;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Longest a whole cargo-mutants run of one problem may take.
const RUN_TIMEOUT: Duration = Duration::from_secs(3 * 3600);
/// Longest one mutant's test run may take before cargo-mutants calls it a timeout (a caught mutant).
const MUTANT_TIMEOUT_SECS: u64 = 120;

/// What cargo-mutants found for one problem.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MutationScore {
    pub problem: String,
    pub caught: usize,
    /// Mutants the hidden suite did not catch: `src/lib.rs:25:5: replace top_k -> Vec<…> with vec![]`.
    pub missed: Vec<String>,
    /// Mutants that hung the suite: caught, since a hang fails a trial.
    pub timeouts: usize,
    /// Mutants that did not compile: not counted.
    pub unviable: usize,
    /// Survivors the problem declares equivalent to the reference (`[[equivalent_mutants]]`), with the reason:
    /// not counted either.
    pub equivalent: Vec<(String, String)>,
}

impl MutationScore {
    /// Caught (and timed out) as a share of the viable mutants.
    pub fn share(&self) -> Option<f64> {
        let viable = self.caught + self.timeouts + self.missed.len();
        (viable > 0).then(|| (self.caught + self.timeouts) as f64 / viable as f64)
    }
}

/// Runs cargo-mutants on `problem`'s reference with its hidden suite as the tests.
pub fn score(layout: &Layout, problem: &Problem) -> Result<MutationScore> {
    let dir = tempfile::Builder::new()
        .prefix("harness-mutants-")
        .tempdir()
        .map_err(|e| Error::io("create", "a temp dir", e))?;
    let subject = subject(layout, problem, dir.path())?;
    let out = dir.path().join("out");
    let timeout = MUTANT_TIMEOUT_SECS.to_string();
    let mut args: Vec<OsString> =
        vec!["mutants".into(), "--dir".into(), subject.into(), "--output".into(), out.clone().into()];
    let options = ["--no-shuffle", "--jobs", "1", "--timeout", &timeout, "--cargo-arg=--offline"];
    args.extend(options.into_iter().chain(["--", "--test", "hidden"]).map(OsString::from));
    let done = Toolchain::detect()?
        .run_cargo(&args, Limits::tool(RUN_TIMEOUT, 64 << 10))
        .map_err(|e| Error::Harness(format!("failed to run cargo mutants: {e}")))?;
    let found = out.join("mutants.out");
    if !found.join("outcomes.json").is_file() {
        let why = match done.exit {
            Exit::TimedOut => format!("it did not finish within {}s", RUN_TIMEOUT.as_secs()),
            _ if done.stderr.text.contains("no such command") || done.stderr.text.contains("no such subcommand") => {
                "it is not installed (cargo install cargo-mutants)".to_owned()
            }
            _ => done.stderr.text.trim().lines().last().unwrap_or("no output").to_owned(),
        };
        return Err(Error::Harness(format!("failed to run cargo mutants on {}: {why}", problem.slug)));
    }
    let read = |name: &str| std::fs::read_to_string(found.join(name)).unwrap_or_default();
    if let Some(summary) = baseline_failure(&read("outcomes.json")) {
        return Err(Error::Harness(format!(
            "failed to run cargo mutants on {}: the unmutated reference did not pass its hidden suite ({summary}); \
             run `harness verify {}` first",
            problem.slug, problem.slug
        )));
    }
    let (equivalent, missed) = split_equivalent(lines(&read("missed.txt")), &problem.manifest.equivalent_mutants);
    Ok(MutationScore {
        problem: problem.slug.clone(),
        caught: lines(&read("caught.txt")).len(),
        missed,
        timeouts: lines(&read("timeout.txt")).len(),
        unviable: lines(&read("unviable.txt")).len(),
        equivalent,
    })
}

/// Survivors split into those the problem declares equivalent (with the reason) and the rest.
fn split_equivalent(survivors: Vec<String>, declared: &[EquivalentMutant]) -> (Vec<(String, String)>, Vec<String>) {
    let mut equivalent = Vec::new();
    let mut missed = Vec::new();
    for survivor in survivors {
        match declared.iter().find(|d| survivor.contains(&d.mutant)) {
            Some(d) => equivalent.push((survivor, d.why.clone())),
            None => missed.push(survivor),
        }
    }
    (equivalent, missed)
}

/// The mutated crate: a copy of the reference's sources as package `candidate`, whose one test target is the
/// hidden suite (minus scaling and memory cases, which measure cost, not behaviour), with the untouched reference
/// as `reference`.
fn subject(layout: &Layout, problem: &Problem, dir: &Path) -> Result<PathBuf> {
    let reference = layout.reference(&problem.slug)?;
    let generated = subject_manifest(layout, &reference)?;
    let subject = dir.join("subject");
    copy_dir(&reference.dir.join("src"), &subject.join("src"))?;
    job::write(&subject.join("Cargo.toml"), &generated)?;
    job::write(
        &subject.join("tests").join("hidden.rs"),
        &format!(
            "// Generated by `harness verify --mutants`: the hidden suite's behaviour cases against a mutant.\n\
             #[path = {suite:?}]\nmod suite;\n\n\
             fn main() -> std::process::ExitCode {{\n    \
             let cost = [harness_support::Kind::Scaling, harness_support::Kind::Memory];\n    \
             harness_support::main(suite::cases().into_iter().filter(|c| !cost.contains(&c.meta().kind)).collect())\n}}\n",
            suite = problem.suite_path().to_string_lossy(),
        ),
    )?;
    let lock = layout.lock_file();
    std::fs::copy(&lock, subject.join("Cargo.lock")).map_err(|e| Error::io("copy", &lock, e))?;
    Ok(subject)
}

/// The mutated crate's manifest: package `candidate` with the reference's edition and dependencies, the untouched
/// reference and the support library for its one test target, `hidden`; a workspace of its own.
fn subject_manifest(layout: &Layout, reference: &Reference) -> Result<String> {
    let support = layout.support_crate();
    let hidden = table([("name", "hidden".into()), ("path", "tests/hidden.rs".into()), ("harness", false.into())]);
    let dev = table([
        ("reference", job::path_dependency(&reference.dir.to_string_lossy(), Some(&reference.package))),
        ("harness-support", job::path_dependency(&support.to_string_lossy(), None)),
    ]);
    let manifest = table([
        ("package", job::package_table("candidate", reference.edition.as_deref().unwrap_or("2024")).into()),
        ("dependencies", reference.dependencies.clone().into()),
        ("dev-dependencies", dev.into()),
        ("test", vec![hidden].into()),
        ("workspace", toml::Table::new().into()),
    ]);
    job::render_manifest("Generated by `harness verify --mutants`: the reference's sources, to be mutated.", &manifest)
}

/// The baseline's summary in cargo-mutants' `outcomes.json` when it is not a success (no mutant is tested then).
fn baseline_failure(outcomes: &str) -> Option<String> {
    let outcomes: serde_json::Value = serde_json::from_str(outcomes).ok()?;
    let baseline = outcomes["outcomes"].as_array()?.iter().find(|o| o["scenario"] == "Baseline")?;
    let summary = baseline["summary"].as_str()?;
    (summary != "Success").then(|| summary.to_owned())
}

fn lines(text: &str) -> Vec<String> {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect()
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to).map_err(|e| Error::io("create", to, e))?;
    for entry in std::fs::read_dir(from).map_err(|e| Error::io("read", from, e))? {
        let entry = entry.map_err(|e| Error::io("read", from, e))?;
        let (source, target) = (entry.path(), to.join(entry.file_name()));
        if source.is_dir() {
            copy_dir(&source, &target)?;
        } else {
            std::fs::copy(&source, &target).map_err(|e| Error::io("copy", &source, e))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_share_counts_timeouts_as_caught_and_ignores_unviable_mutants() {
        let score = MutationScore {
            problem: "p".into(),
            caught: 6,
            missed: vec!["src/lib.rs:3:5: replace f -> u64 with 0".into()],
            timeouts: 1,
            unviable: 9,
            equivalent: vec![("src/lib.rs:9:1: replace eq -> bool with true".into(), "unused".into())],
        };
        assert!((score.share().unwrap() - 7.0 / 8.0).abs() < 1e-12);
        assert_eq!(MutationScore::default().share(), None);
    }

    #[test]
    fn a_failed_baseline_is_told_apart_from_a_clean_one() {
        let ok = r#"{"outcomes": [{"scenario": "Baseline", "summary": "Success"}], "total_mutants": 3}"#;
        let failed = r#"{"outcomes": [{"scenario": "Baseline", "summary": "BuildFailed"}], "total_mutants": 3}"#;
        assert_eq!(baseline_failure(ok), None);
        assert_eq!(baseline_failure(failed).as_deref(), Some("BuildFailed"));
    }

    #[test]
    fn only_survivors_matching_a_declared_equivalent_are_set_apart() {
        let declared = [EquivalentMutant { mutant: "replace > with >= in select".into(), why: "same order".into() }];
        let survivors = vec![
            "src/lib.rs:73:21: replace > with >= in select".to_owned(),
            "src/lib.rs:80:9: replace > with < in select".to_owned(),
        ];
        let (equivalent, missed) = split_equivalent(survivors, &declared);
        assert_eq!(equivalent, [("src/lib.rs:73:21: replace > with >= in select".to_owned(), "same order".to_owned())]);
        assert_eq!(missed, ["src/lib.rs:80:9: replace > with < in select"]);
    }

    #[test]
    fn the_subject_is_the_reference_with_the_hidden_suite_as_its_one_test_in_a_workspace_of_its_own() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let layout = Layout::discover(Some(root)).unwrap();
        let reference = layout.reference("fraud-scorer").unwrap();
        let manifest = subject_manifest(&layout, &reference).unwrap();
        let table: toml::Table = toml::from_str(&manifest).unwrap();
        assert_eq!(table["package"]["name"].as_str(), Some("candidate"), "{manifest}");
        assert_eq!(table["dependencies"].as_table(), Some(&reference.dependencies), "{manifest}");
        let dev = &table["dev-dependencies"];
        assert_eq!(dev["reference"]["package"].as_str(), Some(reference.package.as_str()), "{manifest}");
        assert!(dev["harness-support"]["path"].is_str(), "{manifest}");
        assert_eq!(table["test"][0]["name"].as_str(), Some("hidden"), "{manifest}");
        assert_eq!(table["test"][0]["harness"].as_bool(), Some(false), "{manifest}");
        assert!(table["workspace"].is_table(), "{manifest}");
    }

    #[test]
    fn outcome_files_are_read_one_mutant_per_line() {
        let text = "src/lib.rs:3:5: replace f -> u64 with 0\n\n  src/lib.rs:9:12: replace < with <= in g  \n";
        assert_eq!(lines(text), ["src/lib.rs:3:5: replace f -> u64 with 0", "src/lib.rs:9:12: replace < with <= in g"]);
    }
}
