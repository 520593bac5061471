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

#[test]
fn attributes_that_silence_clippy_or_rustfmt_cost_like_what_they_hide_with_their_lines() {
    // Inside the checkout, so the repo's rustfmt settings apply as they do to the reference itself.
    let scratch = crate::support::root().join("target");
    std::fs::create_dir_all(&scratch).unwrap();
    let dir = tempfile::tempdir_in(&scratch).unwrap();
    let reference = crate::support::root().join("solutions/fraud-scorer/reference");
    std::fs::copy(reference.join("Cargo.toml"), dir.path().join("Cargo.toml")).unwrap();
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    let lib = std::fs::read_to_string(reference.join("src/lib.rs")).unwrap();
    let (docs, rest) = lib.split_at(lib.find("\n\n").expect("a blank line after the crate docs") + 2);
    let silenced = format!("{docs}#![allow(clippy::all)]\n\n#[rustfmt::skip]\nconst _QUIET: u8 = 0;\n\n{rest}");
    std::fs::write(dir.path().join("src/lib.rs"), silenced).unwrap();
    let run = harness(&["grade", "fraud-scorer", dir.path().to_str().unwrap(), "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let grade = json(&run);
    assert_eq!(points(&grade, "correctness"), 40.0, "the behaviour is the reference's");
    // One step of four off each share (3 of 20 points): 3 × 3/4 = 2.25, shown rounded.
    assert_eq!(signal(&grade, "clippy"), 2.3);
    assert_eq!(signal(&grade, "rustfmt"), 2.3);
    let found: Vec<String> = grade["quality"]["silenced"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| format!("{} {}", s["tool"].as_str().unwrap(), s["attribute"].as_str().unwrap()))
        .collect();
    assert_eq!(found, ["clippy #![allow(clippy::all)]", "rustfmt #[rustfmt::skip]"]);
    let text = harness(&["grade", "fraud-scorer", dir.path().to_str().unwrap()]);
    assert!(text.stdout.contains("`#![allow(clippy::all)]` silences clippy"), "{}", text.stdout);
}

#[test]
fn the_harness_keeps_its_own_rule_no_function_of_its_crates_is_over_sixty_lines() {
    for krate in ["harness", "harness/engine", "harness/sandbox", "harness/support", "harness/protocol"] {
        let source = harness_engine::quality::source::analyse(&crate::support::root().join(krate));
        assert!(source.notes.is_empty(), "{krate}: {:?}", source.notes);
        let longest = source.longest_function.unwrap_or_else(|| panic!("{krate} has functions"));
        assert!(longest.lines <= 60, "{krate}: `{}` at {} is {} lines", longest.name, longest.location, longest.lines);
    }
}
