//! The command line: listing, showing, initialising, and its errors and exit codes.

use crate::support::{harness, harness_with_env, root};

#[test]
fn list_names_every_problem_with_its_title() {
    let run = harness(&["list"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("fraud-scorer"));
    assert!(run.stdout.contains("Fraud scorer with an injected model"));
    assert!(run.stdout.contains("core → chunked"), "the stages column: {}", run.stdout);
    assert!(run.stdout.contains("medium") && run.stdout.contains("NaN handling"), "{}", run.stdout);
}

#[test]
fn show_renders_markdown_for_a_terminal_and_prints_it_as_written_in_a_pipe() {
    let piped = harness(&["show", "fraud-scorer"]);
    assert!(piped.stdout.contains("## Rules") && piped.stdout.contains("```rust"), "{}", piped.stdout);
    let rendered = harness_with_env(&["show", "fraud-scorer"], &[("CLICOLOR_FORCE", "1")]);
    assert!(!rendered.stdout.contains("## Rules") && !rendered.stdout.contains("```"), "{}", rendered.stdout);
    assert!(rendered.stdout.contains("\u{1b}[1mRules\u{1b}[0m"), "{}", rendered.stdout);
    assert!(rendered.stdout.contains("    \u{1b}[2mpub trait Model {"), "code is indented: {}", rendered.stdout);
}

#[test]
fn a_misspelt_problem_gets_a_did_you_mean_suggestion() {
    let run = harness(&["show", "fraud-scorr"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr, "error: failed to find problem `fraud-scorr`: did you mean `fraud-scorer`?\n");
}

#[test]
fn show_prints_the_spec_and_only_with_a_flag_the_interviewer_notes() {
    let run = harness(&["show", "fraud-scorer"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("pub trait Model"));
    assert!(!run.stdout.contains("interviewer notes"));
    let run = harness(&["show", "fraud-scorer", "--interviewer"]);
    assert!(run.stdout.contains("---- interviewer notes ----"));
}

#[test]
fn an_unknown_problem_is_a_usage_error_naming_the_known_ones() {
    let run = harness(&["grade", "no-such-problem", "."]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.starts_with("error: failed to find problem `no-such-problem` (known: "), "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1);
}

#[test]
fn a_missing_candidate_folder_is_a_usage_error() {
    let run = harness(&["grade", "fraud-scorer", "does/not/exist"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr.trim(), "error: failed to find the candidate folder does/not/exist");
}

#[test]
fn a_broken_problem_toml_is_reported_with_its_file_line_and_key() {
    let bank = tempfile::tempdir().unwrap();
    let problem = bank.path().join("problems").join("broken");
    std::fs::create_dir_all(&problem).unwrap();
    let good = std::fs::read_to_string(root().join("problems/fraud-scorer/problem.toml")).unwrap();
    std::fs::write(
        problem.join("problem.toml"),
        good.replace("time_box_minutes = 40", "time_box_minutes = 40\nowner = \"me\""),
    )
    .unwrap();
    let run = harness(&["--root", bank.path().to_str().unwrap(), "list"]);
    assert_eq!(run.code, 4, "{}", run.stderr);
    let line = run.stderr.trim();
    assert!(line.starts_with("error: failed to load "), "{line}");
    assert!(line.contains("problem.toml:5: unknown field `owner`"), "{line}");
    assert_eq!(run.stderr.lines().count(), 1);
}

#[test]
fn init_copies_a_starter_that_builds_and_scores_no_hire_until_solved() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("attempt");
    let target = target.to_str().unwrap();
    let run = harness(&["init", "fraud-scorer", target]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(dir.path().join("attempt/src/lib.rs").is_file());
    let again = harness(&["init", "fraud-scorer", target]);
    assert_eq!(again.code, 2, "init must not overwrite work");
    let run = harness(&["grade", "fraud-scorer", target]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("No hire"), "{}", run.stdout);
    assert!(run.stdout.contains("panicked"), "{}", run.stdout);
}

#[test]
fn a_problem_missing_its_hidden_suite_is_one_error_line_with_exit_code_4() {
    let bank = tempfile::tempdir().unwrap();
    let problem = bank.path().join("problems").join("fraud-scorer");
    std::fs::create_dir_all(bank.path().join("problems")).unwrap();
    let status = std::process::Command::new("cp")
        .args(["-r", root().join("problems/fraud-scorer").to_str().unwrap(), problem.to_str().unwrap()])
        .status()
        .unwrap();
    assert!(status.success());
    std::fs::remove_file(problem.join("hidden/suite.rs")).unwrap();
    let run = harness(&["--root", bank.path().to_str().unwrap(), "show", "fraud-scorer"]);
    assert_eq!(run.code, 4, "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(run.stderr.starts_with("error: failed to load "), "{}", run.stderr);
    assert!(run.stderr.contains("hidden/suite.rs: the file is missing"), "{}", run.stderr);
}

#[test]
fn an_empty_folder_and_a_bare_workspace_are_rejected_with_exit_code_3() {
    let empty = tempfile::tempdir().unwrap();
    let run = harness(&["grade", "fraud-scorer", empty.path().to_str().unwrap(), "--format", "json"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    let grade: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(grade["verdict"]["kind"], "rejected");
    assert!(grade["verdict"]["reason"].as_str().unwrap().contains("has no src/lib.rs"), "{grade}");

    let workspace = tempfile::tempdir().unwrap();
    std::fs::write(workspace.path().join("Cargo.toml"), "[workspace]\nmembers = [\"scorer\"]\n").unwrap();
    std::fs::create_dir_all(workspace.path().join("scorer/src")).unwrap();
    std::fs::write(workspace.path().join("scorer/src/lib.rs"), "pub fn f() {}\n").unwrap();
    let run = harness(&["grade", "fraud-scorer", workspace.path().to_str().unwrap()]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stdout.contains("✗ rejected: "), "{}", run.stdout);
    assert!(run.stdout.contains("a candidate is a library crate"), "{}", run.stdout);
}

#[test]
fn a_candidate_path_that_is_not_utf8_is_graded_all_the_same() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let odd = dir.path().join(std::ffi::OsStr::from_bytes(b"attempt-\xff"));
    let status = std::process::Command::new("cp")
        .arg("-r")
        .arg(root().join("solutions/fraud-scorer/reference"))
        .arg(&odd)
        .status()
        .unwrap();
    assert!(status.success());
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_harness"))
        .current_dir(root())
        .args(["grade", "fraud-scorer"])
        .arg(&odd)
        .args(["--format", "json"])
        .env_remove("HARNESS_ROOT")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let grade: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(grade["verdict"]["kind"], "graded");
    assert!(grade["candidate"].as_str().unwrap().ends_with("attempt-\u{fffd}"), "{}", grade["candidate"]);
}
