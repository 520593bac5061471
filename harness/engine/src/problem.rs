//! A problem package: `problem.toml` (validated strictly), the candidate-facing `spec.md`, the `interviewer.md`
//! notes, the `hidden/suite.rs` test suite and the `starter/` crate.

use crate::error::{Error, ProblemError, Result};
use harness_protocol::{CaseMeta, Kind};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How hard the problem is for its time box.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Difficulty {
    Easy,
    Medium,
    Hard,
}

impl Difficulty {
    pub fn name(self) -> &'static str {
        match self {
            Difficulty::Easy => "easy",
            Difficulty::Medium => "medium",
            Difficulty::Hard => "hard",
        }
    }
}

/// One stage of the interview: the core task or a follow-up wrinkle.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    pub id: String,
    pub title: String,
}

/// Points per rubric area; they sum to 100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Weights {
    pub correctness: u32,
    pub edge_cases: u32,
    pub performance: u32,
    pub quality: u32,
}

impl Weights {
    pub fn total(&self) -> u32 {
        self.correctness + self.edge_cases + self.performance + self.quality
    }
}

/// Resource limits for building and running the candidate.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Wall-clock limit of one correctness or edge-case trial.
    pub trial_timeout_secs: u64,
    /// Wall-clock limit of one scaling or memory trial (generous: a quadratic solution should blow through it).
    pub scaling_timeout_secs: u64,
    /// Address-space limit of a trial process.
    pub memory_limit_mb: u64,
    /// How much of a trial's stdout and stderr is kept.
    pub output_limit_kb: u64,
    /// Wall-clock limit of building the candidate against the suite.
    pub build_timeout_secs: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            trial_timeout_secs: 10,
            scaling_timeout_secs: 20,
            memory_limit_mb: 4096,
            output_limit_kb: 64,
            build_timeout_secs: 600,
        }
    }
}

impl Limits {
    pub fn trial_timeout(&self) -> Duration {
        Duration::from_secs(self.trial_timeout_secs)
    }
    pub fn scaling_timeout(&self) -> Duration {
        Duration::from_secs(self.scaling_timeout_secs)
    }
    pub fn build_timeout(&self) -> Duration {
        Duration::from_secs(self.build_timeout_secs)
    }
}

/// Budgets relative to the reference. Memory: `max(reference × memory_ratio, reference + slack)` peak heap bytes.
/// Speed (scaling cases): full credit up to `speed_ratio` × the reference's cost at the largest size, none from
/// `speed_ratio_zero` ×, and no speed credit when the CPU time is over `cpu_ratio` × the reference's.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Budget {
    pub memory_ratio: f64,
    pub memory_slack_kib: u64,
    pub speed_ratio: f64,
    pub speed_ratio_zero: f64,
    pub cpu_ratio: f64,
}

impl Default for Budget {
    fn default() -> Self {
        Budget { memory_ratio: 2.0, memory_slack_kib: 256, speed_ratio: 2.0, speed_ratio_zero: 6.0, cpu_ratio: 5.0 }
    }
}

/// The input sizes scaling cases are measured at (the case's own `size` is for the correctness run).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ScalingSizes {
    pub sizes: Vec<u64>,
}

impl Default for ScalingSizes {
    fn default() -> Self {
        ScalingSizes { sizes: (0..6).map(|i| 1024 << i).collect() }
    }
}

/// The `problem.toml` file as written.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub title: String,
    /// One sentence for `harness list`.
    pub summary: String,
    pub difficulty: Difficulty,
    pub time_box_minutes: u32,
    /// The interview-guide patterns the problem exercises.
    pub tags: Vec<String>,
    pub stages: Vec<Stage>,
    pub rubric: Weights,
    #[serde(default)]
    pub limits: Limits,
    #[serde(default)]
    pub budget: Budget,
    #[serde(default)]
    pub scaling: ScalingSizes,
    /// Mutants of the reference no test can tell from it (`harness verify --mutants` lists them apart).
    #[serde(default)]
    pub equivalent_mutants: Vec<EquivalentMutant>,
    /// What the problem exists to test, and the production-severity bugs: missing one caps the band.
    #[serde(default)]
    pub signals: Vec<CentralSignal>,
    /// Rules of the spec deliberately left without a hidden case, and why (`harness verify` accepts them).
    #[serde(default)]
    pub unchecked_rules: Vec<UncheckedRule>,
}

/// A rule of the spec no hidden case checks, on purpose.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UncheckedRule {
    /// The rule's id (`R6`, `chunked.R2`).
    pub rule: String,
    pub why: String,
}

/// How much missing a [`CentralSignal`] weighs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The pattern the problem (or one of its follow-up stages) exists to test: the complexity it asks for, the
    /// memory model of a streaming stage, the semantics the story is about.
    #[default]
    Central,
    /// A bug a team would treat as an incident (a NaN score approving a payment, a panic on an empty batch, rows
    /// silently duplicated), whichever stage it is in.
    Production,
}

/// One thing the problem exists to test, tied to the hidden cases that show it (`[[signals]]` in problem.toml). A
/// signal is missed when one of its cases shows it missed: a `check` or `differential` case that fails, a memory
/// case over its budget, a scaling case that grows a class worse than the reference (or, with `max_ratio`, costs
/// more than that multiple of it at the largest size) or fails on a measured input.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CentralSignal {
    /// Stable, unique in the problem (`hash-join`).
    pub id: String,
    /// What it is, as a noun phrase the report completes (`... and this problem is about {about}`).
    pub about: String,
    /// Names of the hidden cases that show it; they must all be in one stage, which is the signal's stage.
    pub cases: Vec<String>,
    #[serde(default)]
    pub severity: Severity,
    /// Scaling cases only: the signal is also missed above this multiple of the reference's cost at the largest
    /// size (a log factor the spec rules out does not show in a slope).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_ratio: Option<f64>,
}

/// A mutant of the reference that behaves exactly like it, and why: `mutant` is matched as a substring of
/// cargo-mutants' description (`replace > with >= in select`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EquivalentMutant {
    pub mutant: String,
    pub why: String,
}

/// A loaded, validated problem package.
#[derive(Debug, Clone)]
pub struct Problem {
    pub slug: String,
    pub dir: PathBuf,
    pub manifest: Manifest,
}

impl Problem {
    /// Reads and validates `dir/problem.toml` and checks the package's files are there.
    pub fn load(dir: &Path) -> Result<Problem, ProblemError> {
        let path = dir.join("problem.toml");
        let text = std::fs::read_to_string(&path).map_err(|e| ProblemError::new(&path, None, e.to_string()))?;
        let manifest = parse_manifest(&path, &text)?;
        let slug = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
        let problem = Problem { slug, dir: dir.to_path_buf(), manifest };
        for required in [problem.spec_path(), problem.interviewer_path(), problem.suite_path()] {
            if !required.is_file() {
                return Err(ProblemError::new(&required, None, "the file is missing"));
            }
        }
        if !problem.starter_dir().join("src").join("lib.rs").is_file() {
            return Err(ProblemError::new(problem.starter_dir(), None, "the starter crate has no src/lib.rs"));
        }
        Ok(problem)
    }

    pub fn spec_path(&self) -> PathBuf {
        self.dir.join("spec.md")
    }
    pub fn interviewer_path(&self) -> PathBuf {
        self.dir.join("interviewer.md")
    }
    pub fn suite_path(&self) -> PathBuf {
        self.dir.join("hidden").join("suite.rs")
    }
    pub fn starter_dir(&self) -> PathBuf {
        self.dir.join("starter")
    }
    pub fn manifest_path(&self) -> PathBuf {
        self.dir.join("problem.toml")
    }
    pub fn has_stage(&self, id: &str) -> bool {
        self.manifest.stages.iter().any(|s| s.id == id)
    }

    /// The suite's cases when each names a stage of problem.toml; otherwise why not.
    pub fn check_case_stages(&self, cases: Vec<CaseMeta>) -> Result<Vec<CaseMeta>, String> {
        match cases.iter().find(|c| !self.has_stage(&c.stage)) {
            Some(case) => Err(format!("case `{}` names stage `{}`, not in problem.toml", case.name, case.stage)),
            None => Ok(cases),
        }
    }

    /// Checks the `[[signals]]` against the suite's cases: each case a signal names exists, and a signal's cases
    /// share one stage; `max_ratio` is only for scaling cases. An error names the line of problem.toml.
    pub fn check_signal_cases(&self, cases: &[CaseMeta]) -> Result<(), ProblemError> {
        let path = self.manifest_path();
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        for signal in &self.manifest.signals {
            let mut stage: Option<&str> = None;
            for name in &signal.cases {
                let fail = |message: String| Err(ProblemError::new(&path, signal_case_line(&text, name), message));
                let Some(case) = cases.iter().find(|c| c.name == *name) else {
                    return fail(format!(
                        "signal `{}` names case `{name}`, which the hidden suite does not have",
                        signal.id
                    ));
                };
                if stage.is_some_and(|s| s != case.stage) {
                    return fail(format!(
                        "signal `{}` names cases of two stages; a signal belongs to one stage",
                        signal.id
                    ));
                }
                stage = Some(&case.stage);
                if signal.max_ratio.is_some() && case.kind != Kind::Scaling {
                    return fail(format!(
                        "signal `{}` sets `max_ratio`, but its case `{name}` is not a scaling case",
                        signal.id
                    ));
                }
            }
        }
        Ok(())
    }
}

/// A problem's reference solution (`solutions/<slug>/reference`, loaded by `Layout::reference`): its folder and what
/// its manifest says, read once for what is generated around it (a job's runners, the `verify --mutants` subject) and
/// for telling its compile errors apart.
#[derive(Debug, Clone)]
pub struct Reference {
    /// The crate's folder (canonical).
    pub dir: PathBuf,
    /// Its `[package] name`.
    pub package: String,
    /// Its `[package] edition`, when it names one.
    pub edition: Option<String>,
    /// Its `[dependencies]` as written (empty when it has none).
    pub dependencies: toml::Table,
}

impl Reference {
    /// Reads `dir/Cargo.toml`; a manifest that does not parse or names no package is a broken problem.
    pub fn load(dir: &Path) -> Result<Reference> {
        let dir = dir.canonicalize().map_err(|e| Error::io("find", dir, e))?;
        let path = dir.join("Cargo.toml");
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io("read", &path, e))?;
        let manifest: toml::Table = toml::from_str(&text).map_err(|e| {
            ProblemError::new(&path, e.span().map(|span| line_of(&text, span.start)), e.message().trim())
        })?;
        let package = manifest.get("package").and_then(toml::Value::as_table);
        let field = |key: &str| package.and_then(|p| p.get(key)).and_then(toml::Value::as_str).map(str::to_owned);
        let Some(name) = field("name") else {
            return Err(ProblemError::new(&path, None, "the reference's manifest names no `[package] name`").into());
        };
        let dependencies = manifest.get("dependencies").and_then(toml::Value::as_table).cloned().unwrap_or_default();
        Ok(Reference { package: name, edition: field("edition"), dependencies, dir })
    }

    /// Its library's target name as cargo's messages give it (the package name with `-` as `_`).
    pub fn target(&self) -> String {
        self.package.replace('-', "_")
    }
}

/// Parses and validates a manifest, locating any error at its line and key.
pub fn parse_manifest(path: &Path, text: &str) -> Result<Manifest, ProblemError> {
    let manifest: Manifest = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|span| line_of(text, span.start));
        let key = line.and_then(|l| key_on_line(text, l));
        let message = e.message().trim().to_owned();
        let message = match key {
            Some(key) if !message.contains(&format!("`{key}`")) => format!("key `{key}`: {message}"),
            _ => message,
        };
        ProblemError::new(path, line, message)
    })?;
    let at = |needle: &str| text.lines().position(|l| l.trim_start().starts_with(needle)).map(|i| i + 1);
    let total = manifest.rubric.total();
    if total != 100 {
        return Err(ProblemError::new(path, at("[rubric]"), format!("rubric points sum to {total}, not 100")));
    }
    if manifest.stages.is_empty() {
        return Err(ProblemError::new(path, None, "at least one [[stages]] entry is required"));
    }
    let mut seen = HashSet::new();
    for stage in &manifest.stages {
        if !seen.insert(stage.id.as_str()) {
            return Err(ProblemError::new(path, at("id"), format!("stage id `{}` is declared twice", stage.id)));
        }
    }
    check_signals(path, text, &manifest.signals)?;
    check_numbers(path, text, &manifest)?;
    Ok(manifest)
}

/// The limits, budget and scaling sizes are in range; an error names the key's line.
fn check_numbers(path: &Path, text: &str, manifest: &Manifest) -> Result<(), ProblemError> {
    let at = |needle: &str| text.lines().position(|l| l.trim_start().starts_with(needle)).map(|i| i + 1);
    let limits = &manifest.limits;
    for (key, value) in [
        ("trial_timeout_secs", limits.trial_timeout_secs),
        ("scaling_timeout_secs", limits.scaling_timeout_secs),
        ("memory_limit_mb", limits.memory_limit_mb),
        ("output_limit_kb", limits.output_limit_kb),
        ("build_timeout_secs", limits.build_timeout_secs),
    ] {
        if value == 0 {
            return Err(ProblemError::new(path, at(key), format!("key `{key}` must be greater than 0")));
        }
    }
    let budget = &manifest.budget;
    for (key, value) in [
        ("memory_ratio", budget.memory_ratio),
        ("speed_ratio", budget.speed_ratio),
        ("speed_ratio_zero", budget.speed_ratio_zero),
        ("cpu_ratio", budget.cpu_ratio),
    ] {
        if !(value >= 1.0 && value.is_finite()) {
            return Err(ProblemError::new(path, at(key), format!("key `{key}` must be a finite number >= 1.0")));
        }
    }
    if budget.speed_ratio_zero <= budget.speed_ratio {
        return Err(ProblemError::new(
            path,
            at("speed_ratio_zero"),
            "key `speed_ratio_zero` must be greater than `speed_ratio`",
        ));
    }
    let sizes = &manifest.scaling.sizes;
    if sizes.len() < 3 || sizes.windows(2).any(|w| w[1] <= w[0]) || sizes[0] == 0 {
        return Err(ProblemError::new(
            path,
            at("sizes"),
            "key `sizes` must list at least three increasing sizes greater than 0",
        ));
    }
    Ok(())
}

/// Each signal has a unique id, says what it is about, names at least one case (each once) and, with `max_ratio`,
/// a finite multiple of at least 1.
fn check_signals(path: &Path, text: &str, signals: &[CentralSignal]) -> Result<(), ProblemError> {
    let at = |id: &str| {
        text.lines().position(|l| l.trim_start().starts_with("id") && l.contains(&format!("\"{id}\""))).map(|i| i + 1)
    };
    let mut ids = HashSet::new();
    for signal in signals {
        let fail = |message: String| Err(ProblemError::new(path, at(&signal.id), message));
        if signal.id.trim().is_empty() {
            return fail("a signal's `id` must not be empty".to_owned());
        }
        if !ids.insert(signal.id.as_str()) {
            return fail(format!("signal id `{}` is declared twice", signal.id));
        }
        if signal.about.trim().is_empty() {
            return fail(format!("signal `{}`: key `about` must not be empty", signal.id));
        }
        if signal.cases.is_empty() {
            return fail(format!("signal `{}`: key `cases` must name at least one hidden case", signal.id));
        }
        let mut cases = HashSet::new();
        if let Some(twice) = signal.cases.iter().find(|c| !cases.insert(c.as_str())) {
            return fail(format!("signal `{}` names case `{twice}` twice", signal.id));
        }
        if signal.max_ratio.is_some_and(|r| !(r >= 1.0 && r.is_finite())) {
            return fail(format!("signal `{}`: key `max_ratio` must be a finite number >= 1.0", signal.id));
        }
    }
    Ok(())
}

/// The line of `problem.toml` that names `case` in a signal's `cases`, for errors found once the suite is listed.
pub fn signal_case_line(text: &str, case: &str) -> Option<usize> {
    let quoted = format!("\"{case}\"");
    text.lines().position(|l| l.contains(&quoted)).map(|i| i + 1)
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// The bare key assigned on a line (`key = value`), if any.
fn key_on_line(text: &str, line: usize) -> Option<String> {
    let (key, _) = text.lines().nth(line - 1)?.split_once('=')?;
    let key = key.trim().trim_matches('"');
    (!key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.'))
        .then(|| key.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
title = "T"
summary = "S"
difficulty = "medium"
time_box_minutes = 45
tags = ["heap"]

[[stages]]
id = "core"
title = "Core"

[rubric]
correctness = 40
edge_cases = 25
performance = 15
quality = 20
"#;

    fn parse(text: &str) -> Result<Manifest, ProblemError> {
        parse_manifest(Path::new("p/problem.toml"), text)
    }

    #[test]
    fn a_valid_manifest_parses_with_default_limits() {
        let m = parse(GOOD).unwrap();
        assert_eq!(m.rubric.total(), 100);
        assert_eq!(m.limits.trial_timeout_secs, 10);
        assert!((m.budget.memory_ratio - 2.0).abs() < f64::EPSILON);
    }

    #[test]
    fn an_unknown_key_is_rejected_with_its_line_and_name() {
        let text = GOOD.replace("tags = [\"heap\"]", "tags = [\"heap\"]\ncolour = \"red\"");
        let err = parse(&text).unwrap_err().to_string();
        assert!(err.starts_with("failed to load p/problem.toml:7: "), "{err}");
        assert!(err.contains("`colour`"), "{err}");
    }

    #[test]
    fn a_wrongly_typed_value_names_its_key() {
        let err = parse(&GOOD.replace("time_box_minutes = 45", "time_box_minutes = \"soon\"")).unwrap_err();
        assert_eq!(err.line, Some(5));
        assert!(err.message.contains("`time_box_minutes`"), "{}", err.message);
    }

    #[test]
    fn rubric_points_must_sum_to_one_hundred() {
        let err = parse(&GOOD.replace("quality = 20", "quality = 10")).unwrap_err();
        assert!(err.message.contains("sum to 90"), "{}", err.message);
        assert_eq!(err.line, Some(12));
    }

    #[test]
    fn scaling_sizes_default_to_six_doublings_from_1024_and_must_increase() {
        let m = parse(GOOD).unwrap();
        assert_eq!(m.scaling.sizes, [1024, 2048, 4096, 8192, 16384, 32768]);
        let err = parse(&format!("{GOOD}\n[scaling]\nsizes = [4096, 2048, 8192]\n")).unwrap_err();
        assert!(err.message.contains("increasing"), "{}", err.message);
        let err = parse(&format!("{GOOD}\n[budget]\nspeed_ratio = 3.0\nspeed_ratio_zero = 2.0\n")).unwrap_err();
        assert!(err.message.contains("speed_ratio_zero"), "{}", err.message);
    }

    #[test]
    fn a_reference_manifest_is_read_once_into_its_name_edition_and_dependencies() {
        let dir = tempfile::tempdir().unwrap();
        let manifest = "[package]\nname = \"top-k\"\nedition = \"2021\"\n\n[dependencies]\nserde = \"1\"\n";
        std::fs::write(dir.path().join("Cargo.toml"), manifest).unwrap();
        let reference = Reference::load(dir.path()).unwrap();
        assert_eq!((reference.package.as_str(), reference.target()), ("top-k", "top_k".to_owned()));
        assert_eq!(reference.edition.as_deref(), Some("2021"));
        assert_eq!(reference.dependencies["serde"].as_str(), Some("1"));
        assert_eq!(reference.dir, dir.path().canonicalize().unwrap());
    }

    #[test]
    fn a_broken_reference_manifest_is_a_broken_problem_with_its_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("Cargo.toml"), "[package]\nname = \"r\"\nedition = \n").unwrap();
        let err = Reference::load(dir.path()).unwrap_err();
        assert_eq!(err.exit_code(), crate::error::exit::PROBLEM, "{err}");
        assert!(err.to_string().contains("Cargo.toml:3: "), "{err}");
        std::fs::write(dir.path().join("Cargo.toml"), "[dependencies]\n").unwrap();
        let err = Reference::load(dir.path()).unwrap_err();
        assert_eq!(err.exit_code(), crate::error::exit::PROBLEM, "{err}");
        assert!(err.to_string().ends_with("names no `[package] name`"), "{err}");
    }

    #[test]
    fn zero_limits_and_duplicate_stages_are_rejected() {
        let err = parse(&format!("{GOOD}\n[limits]\ntrial_timeout_secs = 0\n")).unwrap_err();
        assert!(err.message.contains("trial_timeout_secs"), "{}", err.message);
        let twice = GOOD.replace("[rubric]", "[[stages]]\nid = \"core\"\ntitle = \"Again\"\n\n[rubric]");
        assert!(parse(&twice).unwrap_err().message.contains("declared twice"));
    }
}
