//! `harness grade`: verdicts for good, broken and hostile candidates.

use crate::support::{grade_fixture, harness, json, outcome, points, redact_timings};

#[test]
fn grading_the_reference_prints_a_full_marks_table() {
    let run = harness(&["grade", "fraud-scorer", "solutions/fraud-scorer/reference"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    insta::assert_snapshot!(redact_timings(&run.stdout));
}

#[test]
fn a_candidate_that_does_not_compile_gets_the_compiler_errors_with_clean_paths() {
    let run = grade_fixture("does-not-compile", &[]);
    assert_eq!(run.code, 3, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("✗ does not compile"), "{}", run.stdout);
    assert!(run.stdout.contains("error[E0308]: mismatched types"), "{}", run.stdout);
    assert!(run.stdout.contains("$CANDIDATE/src/lib.rs"), "{}", run.stdout);
    assert!(!run.stdout.contains("harness-job-"), "temp paths leak: {}", run.stdout);
    assert!(run.stdout.contains("0/100"), "{}", run.stdout);
}

#[test]
fn a_wrong_signature_is_an_api_mismatch_not_a_compile_error() {
    let run = grade_fixture("wrong-signature", &["--format", "json"]);
    assert_eq!(run.code, 3, "{}{}", run.stdout, run.stderr);
    let grade = json(&run);
    assert_eq!(grade["verdict"]["kind"], "api_mismatch");
    let diagnostics = grade["verdict"]["diagnostics"].as_str().unwrap();
    assert!(diagnostics.contains("the hidden suite"), "{diagnostics}");
    assert!(diagnostics.contains("expected `Vec<Transaction>`"), "{diagnostics}");
    assert!(diagnostics.contains("$CANDIDATE/src/lib.rs:"), "the candidate's own line is quoted: {diagnostics}");
    let suite = std::fs::read_to_string(crate::support::root().join("problems/fraud-scorer/hidden/suite.rs")).unwrap();
    for line in suite.lines().map(str::trim).filter(|l| l.len() > 12) {
        assert!(!diagnostics.contains(line), "a hidden suite line leaks: {line}\n{diagnostics}");
    }
}

#[test]
fn an_infinite_loop_costs_only_the_trials_that_hit_it() {
    let run = grade_fixture("infinite-loop", &["--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let grade = json(&run);
    assert_eq!(outcome(&grade, "nan_and_out_of_range_probabilities_go_to_review"), "timeout");
    assert_eq!(outcome(&grade, "a_probability_equal_to_the_threshold_is_flagged"), "pass");
    assert_eq!(points(&grade, "correctness"), 40.0);
    assert!(points(&grade, "edge_cases") < 25.0);
}

#[test]
fn a_panic_is_reported_with_its_message_and_costs_its_area() {
    let run = grade_fixture("panics", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("✗ chunked_calls_the_model_once_per_chunk (correctness, weight 2): panicked"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("chunking is not supported yet"), "{}", run.stdout);
    assert!(run.stdout.contains("src/lib.rs:"), "the panic location is shown: {}", run.stdout);
}

#[test]
fn failing_random_inputs_are_shown_only_with_reveal() {
    let hidden = grade_fixture("panics", &[]);
    assert!(hidden.stdout.contains("pass --reveal"), "{}", hidden.stdout);
    assert!(!hidden.stdout.contains("    input"), "{}", hidden.stdout);
    let revealed = grade_fixture("panics", &["--reveal"]);
    assert!(revealed.stdout.contains("shrunk in"), "{}", revealed.stdout);
}

#[test]
fn a_candidate_without_tests_loses_the_own_tests_share_of_quality_and_nothing_else() {
    let grade = json(&grade_fixture("no-tests", &["--format", "json"]));
    // Own tests are 40% of the 20 quality points; the fixture is otherwise tidy.
    assert_eq!(points(&grade, "quality"), 12.0);
    assert_eq!(points(&grade, "correctness"), 40.0);
    assert!(grade["quality"]["note"].as_str().unwrap().contains("no tests"));
}

#[test]
fn a_dependency_outside_the_allowlist_is_rejected_before_building() {
    let run = grade_fixture("bad-dependency", &[]);
    assert_eq!(run.code, 3);
    assert!(run.stdout.contains("✗ rejected: dependency `rayon` is not allowed"), "{}", run.stdout);
}

#[test]
fn the_same_candidate_gets_the_same_verdict_twice() {
    let strip = |mut grade: serde_json::Value| {
        grade["timings"] = serde_json::Value::Null;
        // What had to be compiled depends on what an earlier grade left in the shared target dir.
        grade["compiled"] = serde_json::Value::Null;
        for case in grade["tests"].as_array_mut().unwrap() {
            case["duration"] = serde_json::Value::Null;
            // Instruction counts move in their last digits with hash-map seeds; the verdict is growth and score.
            if let Some(scaling) = case.get_mut("scaling") {
                *scaling = serde_json::json!({"growth": scaling["growth"], "score": scaling["score"]});
            }
        }
        grade
    };
    let first = strip(json(&grade_fixture("panics", &["--format", "json"])));
    let second = strip(json(&grade_fixture("panics", &["--format", "json"])));
    assert_eq!(first, second);
}

#[test]
fn a_score_below_min_score_exits_with_code_1() {
    // The fixture scores 92: everything but the own-tests share of quality.
    let run = grade_fixture("no-tests", &["--min-score", "95"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let run = grade_fixture("no-tests", &["--min-score", "90"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
}

#[test]
fn a_warm_regrade_compiles_only_the_candidate_and_its_runner() {
    let warm_up = grade_fixture("no-tests", &["--format", "json"]);
    assert_eq!(warm_up.code, 0, "{}", warm_up.stderr);
    let grade = json(&grade_fixture("no-tests", &["--format", "json"]));
    let compiled: Vec<&str> = grade["compiled"].as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect();
    assert!(compiled.contains(&"candidate"), "{compiled:?}");
    assert!(compiled.iter().all(|t| *t == "candidate" || *t == "runner"), "{compiled:?}");
}

#[test]
fn a_failing_grade_prints_evidence_for_each_lost_case() {
    let run = grade_fixture("panics", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!(redact_timings(&run.stdout));
}
