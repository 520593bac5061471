//! The quality area: the same logic written tidily (the fraud-scorer reference) and untidily (a fixture) differs only
//! in quality, and every deduction is shown as an evidence line naming file:line.

use crate::support::{Run, grade_fixture, harness, json, points};

/// The tidy side of the pair: the bundled reference, with its own tests, docs and formatting.
fn grade_tidy(extra: &[&str]) -> Run {
    let mut args = vec!["grade", "fraud-scorer", "solutions/fraud-scorer/reference"];
    args.extend_from_slice(extra);
    harness(&args)
}

/// Points of one quality signal in a JSON grade.
fn signal(grade: &serde_json::Value, name: &str) -> f64 {
    let quality = grade["scorecard"]["areas"].as_array().unwrap().iter().find(|a| a["area"] == "quality").unwrap();
    let parts = quality["parts"].as_array().expect("the quality area has parts");
    parts.iter().find(|p| p["signal"] == name).unwrap_or_else(|| panic!("no signal {name}"))["points"].as_f64().unwrap()
}

#[test]
fn tidy_and_untidy_code_with_the_same_logic_differ_only_in_quality() {
    let tidy = json(&grade_tidy(&["--format", "json"]));
    let untidy = json(&grade_fixture("untidy", &["--format", "json"]));
    for area in ["correctness", "edge_cases", "performance"] {
        assert_eq!(points(&tidy, area), points(&untidy, area), "{area}");
    }
    assert_eq!(points(&tidy, "quality"), 20.0);
    assert_eq!(tidy["scorecard"]["total"], 100.0);
    assert!(points(&untidy, "quality") <= 5.0, "untidy quality {}", points(&untidy, "quality"));
    for lost in ["own_tests", "clippy", "rustfmt", "function_length", "unwraps"] {
        assert!(signal(&untidy, lost) < signal(&tidy, lost), "{lost} should cost the untidy fixture points");
    }
    assert_eq!(signal(&untidy, "docs"), signal(&tidy, "docs"), "both document their public items");
    assert_eq!(untidy["quality"]["longest_function"]["name"], "score_chunked");
    assert!(untidy["quality"]["longest_function"]["lines"].as_u64().unwrap() >= 100);
}

#[test]
fn each_quality_deduction_is_an_evidence_line_naming_file_and_line() {
    let run = grade_fixture("untidy", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let quality =
        run.stdout.split("\nQuality\n").nth(1).unwrap_or_else(|| panic!("no Quality section:\n{}", run.stdout));
    for evidence in [
        "no tests found: write at least one #[test]",
        "src/lib.rs:79: warning clippy::len_zero",
        "src/lib.rs:85: warning clippy::needless_range_loop",
        "src/lib.rs:49: not formatted as rustfmt would",
        "src/lib.rs:62: fn `score_chunked` is 117 lines",
        "src/lib.rs:137: `.unwrap()` in `score_chunked`",
    ] {
        assert!(quality.contains(evidence), "missing {evidence:?} in:\n{quality}");
    }
    let tidy = grade_tidy(&[]);
    assert!(!tidy.stdout.contains("\nQuality\n"), "a tidy grade has no deductions to show:\n{}", tidy.stdout);
}
