//! Batches: `grade-all` over a folder of candidates (reports, leaderboard, resume, exit codes), `--shard`,
//! `merge-reports`, and the example CI workflow that uses them.

use crate::support::{Run, harness, root};
use std::path::Path;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            if entry.file_name() != "target" {
                copy_dir(&entry.path(), &target);
            }
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A crate with a manifest and no `src/lib.rs`: rejected without building anything.
fn rejected(dir: &Path) {
    write(&dir.join("Cargo.toml"), "[package]\nname = \"x\"\nversion = \"0.1.0\"\nedition = \"2024\"\n");
}

fn run(args: &[&str]) -> Run {
    let run = harness(args);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    run
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

fn names(value: &serde_json::Value) -> Vec<&str> {
    value.as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{} was not written: {e}", path.display()))
}

#[test]
fn grade_all_writes_each_report_and_a_sorted_leaderboard_and_a_rerun_grades_only_what_changed() {
    let temp = tempfile::tempdir().unwrap();
    // The bundled solutions are formatted with the repo's settings; they travel with the copies.
    std::fs::copy(root().join("rustfmt.toml"), temp.path().join("rustfmt.toml")).unwrap();
    let subs = temp.path().join("subs");
    copy_dir(&root().join("solutions/fraud-scorer/reference"), &subs.join("reference"));
    copy_dir(&root().join("tests/fixtures/fraud-scorer/does-not-compile"), &subs.join("broken"));
    rejected(&subs.join("no-lib"));
    write(&subs.join("notes/todo.txt"), "not a crate");
    let out = temp.path().join("out");
    let (subs_arg, out_arg) = (subs.to_str().unwrap(), out.to_str().unwrap());

    let first = run(&["grade-all", "fraud-scorer", subs_arg, "--jobs", "2", "--out", out_arg]);
    assert_eq!(first.code, 3, "a candidate that does not compile makes the batch exit 3:\n{}", first.stderr);
    assert!(first.stderr.contains("ignored notes: not a crate"), "{}", first.stderr);
    assert!(first.stderr.contains("graded broken: does not compile"), "{}", first.stderr);
    assert!(first.stdout.contains("3 candidates: 3 graded, 0 already graded"), "{}", first.stdout);

    // Each report is the grade's JSON report.
    let report = json(&read(&out.join("reference.json")));
    assert_eq!((report["schema"].as_str(), report["status"].as_str()), (Some("harness-report/1"), Some("pass")));
    assert!(report["tests"].as_array().is_some_and(|t| !t.is_empty()), "{report}");
    assert_eq!(json(&read(&out.join("broken.json")))["verdict"]["kind"], "compile_error");
    assert_eq!(json(&read(&out.join("no-lib.json")))["verdict"]["kind"], "rejected");
    assert!(!out.join("notes.json").exists());

    let csv = read(&out.join("leaderboard.csv"));
    let rows: Vec<Vec<&str>> = csv.lines().map(|l| l.split(',').collect()).collect();
    assert_eq!(rows[0][..6], ["rank", "candidate", "problem", "total", "band", "verdict"]);
    assert_eq!((rows[1][1], rows[1][3], rows[1][5]), ("reference", "100", "graded"), "{csv}");
    assert_eq!(rows.len(), 4, "{csv}");
    let board = json(&read(&out.join("leaderboard.json")));
    let totals: Vec<f64> = board["entries"].as_array().unwrap().iter().map(|e| e["total"].as_f64().unwrap()).collect();
    assert!(totals.windows(2).all(|w| w[0] >= w[1]), "sorted by total: {totals:?}");

    // Delete one report and change another candidate: only those two are graded again.
    std::fs::remove_file(out.join("broken.json")).unwrap();
    write(&subs.join("no-lib/Cargo.toml"), "[package]\nname = \"y\"\nversion = \"0.1.0\"\nedition = \"2024\"\n");
    let second = run(&["grade-all", "fraud-scorer", subs_arg, "--out", out_arg, "--format", "json"]);
    assert_eq!(second.code, 3, "{}", second.stderr);
    let batch = json(&second.stdout);
    assert_eq!(names(&batch["graded"]), ["broken", "no-lib"], "{batch}");
    assert_eq!(names(&batch["resumed"]), ["reference"], "{batch}");
    assert!(second.stderr.contains("skipped reference (already graded): 100/100 Strong hire"), "{}", second.stderr);
    assert_eq!(batch["leaderboard"]["entries"].as_array().unwrap().len(), 3, "{batch}");
    assert!(out.join("broken.json").is_file());
}

#[test]
fn the_shards_of_a_batch_grade_every_candidate_once_and_merge_into_one_leaderboard() {
    let temp = tempfile::tempdir().unwrap();
    let subs = temp.path().join("subs");
    let all = ["ada", "barbara", "edsger", "grace", "ken", "linus"];
    for name in all {
        rejected(&subs.join(name));
    }
    let subs_arg = subs.to_str().unwrap();
    let mut graded: Vec<String> = Vec::new();
    let mut outs = Vec::new();
    for shard in ["1/2", "2/2"] {
        let out = temp.path().join(format!("out-{}", &shard[..1]));
        let run = run(&["grade-all", "fraud-scorer", subs_arg, "--shard", shard, "--out", out.to_str().unwrap()]);
        assert_eq!(run.code, 3, "rejected candidates are not built: {}", run.stderr);
        let mine: Vec<String> = std::fs::read_dir(&out)
            .unwrap()
            .filter_map(|e| e.unwrap().file_name().into_string().ok())
            .filter_map(|n| n.strip_suffix(".json").filter(|n| *n != "leaderboard").map(str::to_owned))
            .collect();
        assert!(!mine.is_empty(), "shard {shard} got no candidate of six");
        graded.extend(mine);
        outs.push(out);
    }
    graded.sort();
    assert_eq!(graded, all, "together the shards graded every candidate exactly once");

    // A re-run of a shard skips everything; --force grades it all again.
    let out = outs[0].to_str().unwrap();
    let again = run(&["grade-all", "fraud-scorer", subs_arg, "--shard", "1/2", "--out", out, "--format", "json"]);
    assert!(names(&json(&again.stdout)["graded"]).is_empty(), "{}", again.stdout);
    let forced =
        run(&["grade-all", "fraud-scorer", subs_arg, "--shard", "1/2", "--out", out, "--format", "json", "--force"]);
    let forced = json(&forced.stdout);
    assert!(names(&forced["resumed"]).is_empty() && !names(&forced["graded"]).is_empty(), "{forced}");

    let merged = temp.path().join("merged");
    let (a, b, m) = (outs[0].to_str().unwrap(), outs[1].to_str().unwrap(), merged.to_str().unwrap());
    let run = run(&["merge-reports", a, b, "--out", m, "--format", "json"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    let board = json(&run.stdout);
    let mut candidates: Vec<&str> =
        board["entries"].as_array().unwrap().iter().map(|e| e["candidate"].as_str().unwrap()).collect();
    candidates.sort_unstable();
    assert_eq!(candidates, all);
    for name in all {
        assert!(merged.join(format!("{name}.json")).is_file(), "{name}'s report is copied");
    }
    assert_eq!(read(&merged.join("leaderboard.csv")).lines().count(), 7);

    let duplicate = harness(&["merge-reports", a, b, a, "--out", m]);
    assert_eq!(duplicate.code, 2, "{}", duplicate.stderr);
    assert!(duplicate.stderr.contains("error: failed to merge the reports: candidate `"), "{}", duplicate.stderr);
}

#[test]
fn merge_reports_exits_one_when_a_graded_total_is_below_the_bar_and_renders_markdown() {
    let temp = tempfile::tempdir().unwrap();
    let report = |total: f64| {
        format!(
            r#"{{"schema": "harness-report/1", "problem": "p", "message": null, "verdict": {{"kind": "graded"}},
                "timings": {{"build_secs": 1.0}}, "scorecard": {{"total": {total}, "band": "hire",
                "areas": [{{"area": "correctness", "points": {total}, "max": 100}}]}}}}"#
        )
    };
    write(&temp.path().join("a/alice.json"), &report(72.5));
    write(&temp.path().join("b/bob.json"), &report(91.0));
    let (a, b) = (temp.path().join("a"), temp.path().join("b"));
    let out = temp.path().join("merged");
    let args = |extra: &'static [&'static str]| {
        let mut args = vec!["merge-reports", a.to_str().unwrap(), b.to_str().unwrap(), "--out", out.to_str().unwrap()];
        args.extend_from_slice(extra);
        args.into_iter().map(str::to_owned).collect::<Vec<_>>()
    };
    let strings = args(&["--format", "markdown", "--min-score", "70"]);
    let passed = harness(&strings.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(passed.code, 0, "{}", passed.stderr);
    assert!(passed.stdout.contains("| 1 | bob | 91 | Hire |"), "{}", passed.stdout);
    assert!(passed.stdout.contains("| 2 | alice | 72.5 |"), "{}", passed.stdout);
    let strings = args(&["--min-score", "80"]);
    let below = harness(&strings.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(below.code, 1, "alice is below 80: {}", below.stdout);
}

#[test]
fn a_shard_outside_one_to_n_is_a_usage_error() {
    for shard in ["0/2", "3/2", "1/0", "two"] {
        let run = harness(&["grade-all", "fraud-scorer", "solutions/fraud-scorer", "--shard", shard]);
        assert_eq!(run.code, 2, "{shard}: {}", run.stderr);
        assert!(run.stderr.contains("failed to read the shard"), "{shard}: {}", run.stderr);
    }
}

/// What SchemaStore's GitHub workflow schema (`tests/fixtures/github-workflow/`) finds wrong with the workflow `yaml`,
/// one problem each; empty when it validates.
fn workflow_schema_errors(yaml: &str) -> Vec<String> {
    let schema = read(&root().join("tests/fixtures/github-workflow/github-workflow.json"));
    let schema: serde_json::Value = serde_json::from_str(&schema).expect("the workflow schema is JSON");
    let validator =
        jsonschema::draft7::new(&schema).unwrap_or_else(|e| panic!("the workflow schema does not load: {e}"));
    let workflow: serde_json::Value =
        yaml_serde::from_str(yaml).unwrap_or_else(|e| panic!("the workflow is not YAML with string keys: {e}"));
    validator.iter_errors(&workflow).map(|e| format!("{}: {e}", e.instance_path())).collect()
}

#[test]
fn the_example_ci_workflow_matches_the_github_workflow_schema() {
    let text = read(&root().join("docs/examples/grade-submissions.yml"));
    let errors = workflow_schema_errors(&text);
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    assert!(
        text.contains("shard \"$PROBLEM\" submissions \\\n            ${{ matrix.shard }}/${{ strategy.job-total }}"),
        "shards by the matrix"
    );
    assert!(
        text.contains("grade-submissions.sh merge leaderboard shards/reports-*")
            && text.contains("$GITHUB_STEP_SUMMARY"),
        "merges"
    );
    assert_eq!(text.matches("docs/examples/grade-submissions.sh setup").count(), 2, "both jobs set up with the script");
}

#[test]
fn the_example_ci_workflow_without_a_runner_or_with_an_unknown_event_fails_the_schema() {
    let text = read(&root().join("docs/examples/grade-submissions.yml"));
    let no_runner = text.replacen("    needs: grade\n    runs-on: ubuntu-latest\n", "    needs: grade\n", 1);
    let unknown_event = text.replacen("on:\n  workflow_dispatch:\n", "on:\n  workflow_dispatched:\n", 1);
    for (name, workflow, wanted) in
        [("no runs-on", no_runner, "/jobs/leaderboard: "), ("unknown event", unknown_event, "/on: ")]
    {
        assert_ne!(workflow, text, "{name}: the example changed, so this test no longer breaks it");
        let errors = workflow_schema_errors(&workflow).join("\n");
        assert!(errors.contains(wanted), "{name}: {errors}");
    }
}

/// Runs the example workflow's script (`docs/examples/grade-submissions.sh`) with the harness under test.
fn script(args: &[&str]) -> Run {
    let output = std::process::Command::new(root().join("docs/examples/grade-submissions.sh"))
        .args(args)
        .current_dir(root())
        .env("HARNESS", env!("CARGO_BIN_EXE_harness"))
        .env_remove("GITHUB_ACTIONS")
        .output()
        .expect("the workflow's script runs");
    Run::from(output)
}

/// A leaderboard's rows without what varies between runs (build times).
fn rows(board: &serde_json::Value) -> Vec<serde_json::Value> {
    let entries = board["entries"].as_array().unwrap_or_else(|| panic!("no entries: {board}"));
    entries
        .iter()
        .map(|e| {
            serde_json::json!({"rank": e["rank"], "candidate": e["candidate"], "total": e["total"],
                "band": e["band"], "verdict": e["verdict"], "areas": e["areas"], "message": e["message"]})
        })
        .collect()
}

#[test]
fn the_example_workflow_script_grades_two_shards_and_merges_them_into_the_leaderboard_of_one_batch() {
    let temp = tempfile::tempdir().unwrap();
    std::fs::copy(root().join("rustfmt.toml"), temp.path().join("rustfmt.toml")).unwrap();
    let subs = temp.path().join("submissions");
    copy_dir(&root().join("solutions/fraud-scorer/reference"), &subs.join("reference"));
    copy_dir(&root().join("solutions/fraud-scorer/strict-threshold"), &subs.join("strict"));
    copy_dir(&root().join("tests/fixtures/fraud-scorer/does-not-compile"), &subs.join("broken"));
    rejected(&subs.join("no-lib"));
    let subs_arg = subs.to_str().unwrap();
    let mut shards = Vec::new();
    for (i, shard) in ["1/2", "2/2"].iter().enumerate() {
        let out = temp.path().join(format!("reports-{}", i + 1));
        let run = script(&["shard", "fraud-scorer", subs_arg, shard, out.to_str().unwrap()]);
        // Two candidates are not built (exit 3 from grade-all): results the leaderboard shows, not a failed step.
        assert_eq!(run.code, 0, "shard {shard}: {}", run.stderr);
        shards.push(out);
    }
    let merged = temp.path().join("leaderboard");
    let mut args = vec!["merge", merged.to_str().unwrap()];
    args.extend(shards.iter().map(|s| s.to_str().unwrap()));
    let run = script(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("| # | Candidate |") && run.stdout.contains("| reference |"), "{}", run.stdout);

    let single = temp.path().join("single");
    let batch = harness(&["grade-all", "fraud-scorer", subs_arg, "--out", single.to_str().unwrap()]);
    assert_eq!(batch.code, 3, "{}", batch.stderr);
    let (merged, single) =
        (json(&read(&merged.join("leaderboard.json"))), json(&read(&single.join("leaderboard.json"))));
    assert_eq!(rows(&merged), rows(&single), "the shards' merged leaderboard is the one batch's");
    assert_eq!(rows(&single).len(), 4);

    // A failure that is not a result (here a usage error) fails the step with its code.
    let bad = script(&["shard", "fraud-scorer", subs_arg, "3/2", temp.path().join("x").to_str().unwrap()]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
}
