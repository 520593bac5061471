//! The hostile suite: submissions that try to escape, cheat or hang the harness. Each is the fraud-scorer reference
//! with an attack run at the start of every scoring call (`tests/fixtures/hostile/<name>/attack.rs`) plus any files
//! it ships, and its expected verdict as data (`expected.toml`). Every one must end in that verdict within a bounded
//! time, leave nothing running, write nothing outside the job, leak nothing of the hidden suite, and never have a
//! trial that ran the attack scored as passed.

use crate::support::{json, root};
use serde::Deserialize;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Longest one hostile grade may take: trials and measurements are bounded by their timeouts, so this only fails
/// if a limit does not hold.
const BOUND: Duration = Duration::from_secs(300);
/// A line of the hidden suite that no report may contain.
const SUITE_SECRET: &str = "fn cand_batch(";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    attack: String,
    /// `graded`, `rejected` or `compile_error` (the report's `verdict.kind`).
    verdict: String,
    /// Cases whose trials run the attack: none may pass.
    #[serde(default)]
    not_passed: Vec<String>,
    /// Areas that keep full marks (the code is correct; only the attack's effects are checked).
    #[serde(default)]
    keeps: Vec<String>,
    /// Text the report must contain.
    evidence: Option<String>,
}

fn fixtures() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root().join("tests/fixtures/hostile"))
        .expect("the hostile fixtures are there")
        .map(|e| e.expect("readable").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    // `HOSTILE_ONLY=fork` runs the fixtures whose name contains `fork` (while working on one attack).
    if let Ok(only) = std::env::var("HOSTILE_ONLY") {
        dirs.retain(|d| d.file_name().is_some_and(|n| n.to_string_lossy().contains(&only)));
    }
    dirs
}

/// A bank holding only fraud-scorer, with a short trial timeout: a hostile trial that hangs costs 3 s, not the
/// problem's generous 10 s, times every trial.
fn bank() -> tempfile::TempDir {
    let bank = tempfile::Builder::new().prefix("hostile-bank-").tempdir().expect("a temp dir");
    let copy = |from: &str| {
        let to = bank.path().join(from);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        let status = std::process::Command::new("cp")
            .args(["-r", root().join(from).to_str().unwrap(), to.to_str().unwrap()])
            .status()
            .unwrap();
        assert!(status.success());
    };
    copy("problems/fraud-scorer");
    copy("solutions/fraud-scorer/reference");
    copy("rustfmt.toml");
    let manifest = bank.path().join("problems/fraud-scorer/problem.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let mut table: toml::Table = toml::from_str(&text).unwrap();
    let mut limits = toml::Table::new();
    limits.insert("trial_timeout_secs".into(), 3.into());
    // Scaling keeps its 10 s: the reference itself must finish its largest callgrind run on a loaded machine.
    limits.insert("scaling_timeout_secs".into(), 10.into());
    table.insert("limits".into(), limits.into());
    std::fs::write(&manifest, toml::to_string(&table).unwrap()).unwrap();
    bank
}

/// The submission: the reference, with the fixture's attack called first thing in every scoring call.
fn assemble(bank: &Path, fixture: &Path, mark: &str, port: u16) -> tempfile::TempDir {
    let reference = bank.join("solutions/fraud-scorer/reference");
    let suite = bank.join("problems/fraud-scorer/hidden/suite.rs");
    let fill = |text: &str| {
        text.replace("{SUITE_REL}", &format!("../../../..{}", suite.display()))
            .replace("{SUITE}", &suite.display().to_string())
            .replace("{REFERENCE}", &reference.join("src/lib.rs").display().to_string())
            .replace("{MARK}", mark)
            .replace("{PORT}", &port.to_string())
    };
    let dir = tempfile::Builder::new().prefix("hostile-").tempdir().expect("a temp dir");
    std::fs::create_dir(dir.path().join("src")).unwrap();
    let lib = std::fs::read_to_string(reference.join("src/lib.rs")).unwrap();
    let signature =
        "pub fn score_chunked(&self, batch: &[Transaction], max_batch: usize) -> Result<Vec<Decision>, ScoreError> {";
    assert!(lib.contains(signature), "the reference's score_chunked signature changed");
    let lib = lib.replacen(signature, &format!("{signature}\n        crate::attack::run();"), 1) + "\nmod attack;\n";
    std::fs::write(dir.path().join("src/lib.rs"), lib).unwrap();
    let attack = std::fs::read_to_string(fixture.join("attack.rs")).unwrap();
    std::fs::write(dir.path().join("src/attack.rs"), fill(&attack)).unwrap();
    let mut manifest = std::fs::read_to_string(reference.join("Cargo.toml")).unwrap();
    for extra in [".cargo/config.toml", "build.rs"] {
        let from = fixture.join(extra);
        if from.is_file() {
            let to = dir.path().join(extra);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::write(&to, fill(&std::fs::read_to_string(&from).unwrap())).unwrap();
            if extra == "build.rs" {
                manifest = manifest.replacen("[package]\n", "[package]\nbuild = \"build.rs\"\n", 1);
            }
        }
    }
    std::fs::write(dir.path().join("Cargo.toml"), manifest).unwrap();
    if let Ok(links) = std::fs::read_to_string(fixture.join("symlinks.toml")) {
        let links: toml::Table = toml::from_str(&links).unwrap();
        for (link, target) in links {
            std::os::unix::fs::symlink(fill(target.as_str().unwrap()), dir.path().join(link)).unwrap();
        }
    }
    dir
}

/// Processes whose command line mentions `mark` (a daemon the attack left behind).
fn survivors(mark: &str) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().filter_map(Result::ok) {
        if let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) {
            let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
            if cmdline.contains(mark) && !cmdline.contains("hostile.rs") {
                found.push(cmdline);
            }
        }
    }
    found
}

/// What went wrong with one hostile submission (empty: it held).
fn check(name: &str, expected: &Expected, grade: &serde_json::Value, text: &str, elapsed: Duration) -> Vec<String> {
    let mut problems = Vec::new();
    if elapsed > BOUND {
        problems.push(format!("took {elapsed:?}"));
    }
    if grade["verdict"]["kind"] != expected.verdict.as_str() {
        problems.push(format!("verdict {} instead of {}", grade["verdict"]["kind"], expected.verdict));
    }
    if let Some(evidence) = &expected.evidence
        && !text.contains(evidence.as_str())
    {
        problems.push(format!("no evidence `{evidence}` in the report"));
    }
    for case in &expected.not_passed {
        let test = grade["tests"].as_array().unwrap().iter().find(|t| t["name"] == case.as_str());
        match test {
            Some(test) if test["outcome"] == "pass" => problems.push(format!("{case} passed")),
            Some(_) => {}
            None => problems.push(format!("{case} is not in the report")),
        }
    }
    for area in &expected.keeps {
        let scored = grade["scorecard"]["areas"].as_array().unwrap().iter().find(|a| a["area"] == area.as_str());
        if scored.is_none_or(|a| a["points"].as_f64() != a["max"].as_f64()) {
            problems.push(format!("lost points in {area}"));
        }
    }
    if text.contains(SUITE_SECRET) {
        problems.push("the report leaks the hidden suite".to_owned());
    }
    if name == "include-absolute" || name == "include-relative" || name == "path-attribute" {
        // Rejected before any build: nothing was compiled.
        if grade["compiled"].as_array().is_some_and(|c| !c.is_empty()) {
            problems.push("compiled something".to_owned());
        }
    }
    problems
}

#[test]
fn every_hostile_submission_ends_in_its_verdict_and_escapes_nothing() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a local port");
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let bank = bank();
    let target = root().join("target").join("harness");
    let mut failures = Vec::new();
    let mut table = Vec::new();
    for fixture in fixtures() {
        let name = fixture.file_name().unwrap().to_string_lossy().into_owned();
        let expected: Expected = toml::from_str(&std::fs::read_to_string(fixture.join("expected.toml")).unwrap())
            .unwrap_or_else(|e| panic!("{name}/expected.toml: {e}"));
        let mark = format!("hostile-mark-{}-{name}", std::process::id());
        let escape = PathBuf::from(format!("/tmp/hostile-escape-{mark}"));
        let submission = assemble(bank.path(), &fixture, &mark, port);
        let started = Instant::now();
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_harness"))
            .args(["--root", &bank.path().to_string_lossy(), "grade", "fraud-scorer"])
            .arg(submission.path())
            .args(["--format", "json"])
            .env("HARNESS_TARGET_DIR", &target)
            .env_remove("HARNESS_METER")
            .output()
            .expect("the harness runs");
        let elapsed = started.elapsed();
        let run = crate::support::Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        };
        let mut problems = if run.code == 0 || run.code == 3 {
            check(&name, &expected, &json(&run), &run.stdout, elapsed)
        } else {
            vec![format!("exit code {}: {}", run.code, run.stderr.trim())]
        };
        if escape.exists() {
            problems.push(format!("wrote {}", escape.display()));
            let _ = std::fs::remove_file(&escape);
        }
        std::thread::sleep(Duration::from_millis(200));
        let left = survivors(&mark);
        if !left.is_empty() {
            problems.push(format!("left running: {left:?}"));
        }
        if listener.accept().is_ok() {
            problems.push("reached the host over TCP".to_owned());
        }
        let total = serde_json::from_str::<serde_json::Value>(&run.stdout)
            .map(|g| g["scorecard"]["total"].to_string())
            .unwrap_or_default();
        table.push(format!(
            "{name:<22} {:<14} total {total:>5} in {:>5.1}s  ({})",
            expected.verdict,
            elapsed.as_secs_f64(),
            expected.attack
        ));
        if !problems.is_empty() {
            failures.push(format!("{name}: {}", problems.join("; ")));
        }
    }
    eprintln!("{}", table.join("\n"));
    if std::env::var_os("HOSTILE_ONLY").is_none() {
        assert!(table.len() >= 15, "the hostile suite has {} submissions", table.len());
    }
    assert!(failures.is_empty(), "{}\n\n{}", failures.join("\n"), table.join("\n"));
}
