//! Grade reports: every format rendered from one grade (text, JSON, JUnit, Markdown), the JSON checked against
//! Exercism's results.json v3, the JUnit XML against the Jenkins schema, inputs hidden unless revealed, colour, GitHub
//! annotations and the exit codes around them.

use crate::support::{Run, harness, harness_with_env, redact_timings, root};
use crate::xsd::Schema;
use std::path::Path;
use std::sync::OnceLock;

/// One grade and every report it was rendered to.
struct Graded {
    run: Run,
    json: String,
    junit: String,
    markdown: String,
    text: String,
}

/// Grades `candidate` (a folder relative to the workspace root) once, with stdout as JSON and a file per format.
fn grade_to_files(candidate: &str, extra: &[&str]) -> Graded {
    let dir = tempfile::tempdir().expect("a temp dir");
    let file = |name: &str| dir.path().join(name);
    let (json, junit, markdown, text) =
        (file("out/report.json"), file("junit.xml"), file("summary.md"), file("report"));
    let outputs = [
        format!("--output={}", json.display()),
        format!("--output={}", junit.display()),
        format!("--output={}", markdown.display()),
        format!("--output=text:{}", text.display()),
    ];
    let mut args = vec!["grade", "fraud-scorer", candidate, "--format", "json"];
    args.extend(outputs.iter().map(String::as_str));
    args.extend_from_slice(extra);
    let run = harness(&args);
    let read = |path: &Path| {
        std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("{} was not written ({e}): {}", path.display(), run.stderr))
    };
    Graded { json: read(&json), junit: read(&junit), markdown: read(&markdown), text: read(&text), run }
}

fn reference() -> &'static Graded {
    static GRADED: OnceLock<Graded> = OnceLock::new();
    GRADED.get_or_init(|| grade_to_files("solutions/fraud-scorer/reference", &[]))
}

/// A known-bad solution: it calls the model once per row, so three correctness cases fail, one with a diff.
fn known_bad() -> &'static Graded {
    static GRADED: OnceLock<Graded> = OnceLock::new();
    GRADED.get_or_init(|| grade_to_files("solutions/fraud-scorer/calls-per-row", &[]))
}

fn parse(json: &str) -> serde_json::Value {
    serde_json::from_str(json).unwrap_or_else(|e| panic!("not JSON ({e}):\n{json}"))
}

/// The harness version as it appears in reports (so a version bump leaves the snapshots alone).
const VERSION_PATTERN: &str = concat!(r"\b", env!("CARGO_PKG_VERSION"), r"\b");

/// Runs the snapshot assertion with wall-clock figures and what the shared build dir happened to compile redacted.
macro_rules! assert_redacted_snapshot {
    ($name:expr, $value:expr) => {
        insta::with_settings!({filters => vec![
            (r#""(duration|build_secs|run_secs|measure_secs|tests_secs|lint_secs)": [0-9.eE+-]+"#, r#""$1": "[secs]""#),
            // Measured figures move in their last digits with hash-map seeds; growth and score are the verdict.
            (r#""(candidate|reference|candidate_slope|reference_slope|ratio|cpu_ratio)": [0-9.eE+-]+"#, r#""$1": "[measured]""#),
            (r#"(?s)"compiled": \[.*?\]"#, r#""compiled": "[compiled]""#),
            (r#"time="[0-9.]+""#, r#"time="[secs]""#),
            (VERSION_PATTERN, "[version]"),
            (r"Landlock \(ABI \d+\)", "Landlock (ABI [abi])"),
            // The cgroup layer is there only where cgroups can be written (root, or a delegated v2 subtree).
            (r#"\n *"cgroup v[12]: [^"]*","#, ""),
        ]}, {
            insta::assert_snapshot!($name, redact_timings($value));
        });
    };
}

#[test]
fn a_known_bad_grade_renders_the_same_data_in_every_format() {
    let graded = known_bad();
    assert_eq!(graded.run.code, 0, "{}", graded.run.stderr);
    assert_eq!(graded.run.stdout, graded.json, "stdout and the .json file are the same report");
    assert!(!graded.text.contains('\u{1b}'), "a text file is never coloured");
    for (name, report) in
        [("text", &graded.text), ("json", &graded.json), ("junit", &graded.junit), ("markdown", &graded.markdown)]
    {
        assert!(report.contains("calls_the_model_once_per_batch"), "{name} names the failed case:\n{report}");
        assert!(report.contains("the model is costly"), "{name} says why the case matters:\n{report}");
    }
    assert_redacted_snapshot!("known_bad_text", &graded.text);
    assert_redacted_snapshot!("known_bad_json", &graded.json);
    assert_redacted_snapshot!("known_bad_junit", &graded.junit);
    assert_redacted_snapshot!("known_bad_markdown", &graded.markdown);
}

#[test]
fn the_reference_renders_a_passing_report_in_every_format() {
    let graded = reference();
    assert_eq!(graded.run.code, 0, "{}", graded.run.stderr);
    assert_eq!(parse(&graded.json)["status"], "pass");
    assert!(!graded.junit.contains("<failure") && !graded.junit.contains("<error"), "{}", graded.junit);
    assert!(graded.markdown.starts_with("## ✅ fraud-scorer"), "{}", graded.markdown);
    assert!(!graded.markdown.contains("Failed cases"), "{}", graded.markdown);
    assert_redacted_snapshot!("reference_markdown", &graded.markdown);
    assert_redacted_snapshot!("reference_junit", &graded.junit);
}

/// The case names of the hidden suite, in the order `suite.rs` declares them.
fn suite_order() -> Vec<String> {
    let suite = std::fs::read_to_string(root().join("problems/fraud-scorer/hidden/suite.rs")).unwrap();
    suite
        .split("case(")
        .skip(1)
        .filter_map(|rest| rest.trim_start().strip_prefix('"').and_then(|r| r.split_once('"')).map(|(name, _)| name))
        .map(str::to_owned)
        .collect()
}

/// The stage ids of problem.toml, in order.
fn stage_ids() -> Vec<String> {
    let manifest = std::fs::read_to_string(root().join("problems/fraud-scorer/problem.toml")).unwrap();
    let manifest: toml::Value = toml::from_str(&manifest).unwrap();
    manifest["stages"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap().to_owned()).collect()
}

/// Checks the fields Exercism's test-runner interface (results.json, version 3) requires or defines.
fn assert_exercism_v3(report: &serde_json::Value) {
    assert_eq!(report["version"], 3);
    let status = report["status"].as_str().expect("status is a string");
    assert!(["pass", "fail", "error"].contains(&status), "{status}");
    let message = report.get("message").expect("message is present");
    if status == "error" {
        assert!(message.as_str().is_some_and(|m| !m.is_empty()), "an error has a message: {message}");
    } else {
        assert!(message.is_null(), "only an error has a top-level message: {message}");
    }
    let tests = report["tests"].as_array().expect("tests is an array");
    for test in tests {
        assert!(test["name"].is_string(), "{test}");
        let test_status = test["status"].as_str().expect("a test's status is a string");
        assert!(["pass", "fail", "error"].contains(&test_status), "{test}");
        assert!(test["message"].is_string() || test["message"].is_null(), "{test}");
        assert_eq!(test["message"].is_null(), test_status == "pass", "failed tests, and only they, have a message");
        match &test["output"] {
            serde_json::Value::Null => {}
            serde_json::Value::String(output) => assert!(output.chars().count() <= 500, "{output}"),
            other => panic!("output is a string or null: {other}"),
        }
        assert!(test["task_id"].as_u64().is_some_and(|id| id >= 1), "task_id is a 1-based number: {test}");
    }
    let failing = tests.iter().any(|t| t["status"] != "pass");
    if status != "error" {
        assert_eq!(status == "fail", failing, "the report fails exactly when a test did not pass");
    }
}

#[test]
fn the_json_report_is_exercism_results_v3_with_tests_in_suite_order_and_stages_as_tasks() {
    let stages = stage_ids();
    for graded in [reference(), known_bad()] {
        let report = parse(&graded.json);
        assert_exercism_v3(&report);
        assert_eq!(report["schema"], "harness-report/1");
        assert_eq!(report["problem"], "fraud-scorer");
        assert_eq!(report["seed"], 20_261_124);
        assert_eq!(report["harness_version"], env!("CARGO_PKG_VERSION"));
        let tests = report["tests"].as_array().unwrap();
        let names: Vec<&str> = tests.iter().map(|t| t["name"].as_str().unwrap()).collect();
        // Each case in the suite's order, its edge variants (`case@nan`) right after it.
        let cases: Vec<&str> = names.iter().copied().filter(|n| !n.contains('@')).collect();
        assert_eq!(cases, suite_order());
        for (i, name) in names.iter().enumerate().filter(|(_, n)| n.contains('@')) {
            let base = name.split('@').next().unwrap();
            assert!(names[..i].iter().rev().take_while(|n| n.starts_with(base)).any(|n| *n == base), "{names:?}");
        }
        for test in tests {
            let stage = test["stage"].as_str().unwrap();
            let task = stages.iter().position(|s| s == stage).unwrap() + 1;
            assert_eq!(test["task_id"], task, "{test}");
            assert!(["correctness", "edge_cases", "performance"].contains(&test["area"].as_str().unwrap()));
            assert!(test["duration"].is_f64() && test["max_score"].as_f64().unwrap() > 0.0, "{test}");
        }
        // Each case's points add up to its area's, and the areas to the total.
        let card = &report["scorecard"];
        for area in card["areas"].as_array().unwrap().iter().filter(|a| a["area"] != "quality") {
            let mine = tests.iter().filter(|t| t["area"] == area["area"]);
            let (mut score, mut max) = mine
                .fold((0.0, 0.0), |(s, m), t| (s + t["score"].as_f64().unwrap(), m + t["max_score"].as_f64().unwrap()));
            // A scaling case's answer on its large input counts in correctness.
            if area["area"] == "correctness" {
                for t in tests.iter().filter(|t| t.get("answer_max_score").is_some()) {
                    score += t["answer_score"].as_f64().unwrap();
                    max += t["answer_max_score"].as_f64().unwrap();
                }
            }
            assert!((score - area["points"].as_f64().unwrap()).abs() < 0.1, "{area}: {score}");
            assert!((max - area["max"].as_f64().unwrap()).abs() < 0.1, "{area}: {max}");
        }
        assert!(card["total"].is_f64() && card["band"].is_string(), "{card}");
    }
    assert_eq!(parse(&known_bad().json)["status"], "fail");
}

#[test]
fn a_candidate_that_does_not_compile_is_an_exercism_error_with_the_compiler_message() {
    let graded = grade_to_files("tests/fixtures/fraud-scorer/does-not-compile", &[]);
    assert_eq!(graded.run.code, 3, "{}", graded.run.stderr);
    let report = parse(&graded.json);
    assert_exercism_v3(&report);
    assert_eq!(report["status"], "error");
    assert!(report["message"].as_str().unwrap().contains("error[E0308]"), "{report}");
    assert_eq!(report["tests"], serde_json::json!([]));
    assert!(graded.junit.contains("<error message=\"does not compile\""), "{}", graded.junit);
    assert_valid_junit(&graded.junit);
    assert!(graded.markdown.contains("**does not compile**"), "{}", graded.markdown);
}

/// What the committed Jenkins JUnit schema finds wrong with `xml` (one problem a line), or `None` when it validates.
/// The check runs in-process (`tests/xsd.rs`), and a schema the checker does not fully understand fails the test
/// rather than being skipped.
fn junit_schema_errors(xml: &str) -> Option<String> {
    let path = root().join("tests/fixtures/junit/jenkins-junit.xsd");
    let xsd = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("failed to read {}: {e}", path.display()));
    let schema = Schema::parse(&xsd).unwrap_or_else(|e| panic!("tests/xsd.rs cannot check {}: {e}", path.display()));
    let errors = schema.validate(xml);
    (!errors.is_empty()).then(|| errors.join("\n"))
}

fn assert_valid_junit(xml: &str) {
    if let Some(errors) = junit_schema_errors(xml) {
        panic!("the JUnit report does not validate against the Jenkins schema:\n{errors}\n{xml}");
    }
}

#[test]
fn the_junit_report_validates_against_the_jenkins_schema() {
    for graded in [reference(), known_bad()] {
        assert_valid_junit(&graded.junit);
    }
    let junit = &known_bad().junit;
    assert!(junit.contains("<testsuite name=\"fraud-scorer.correctness\" tests=\"11\""), "{junit}");
    assert_eq!(junit.matches("<failure ").count(), 2, "{junit}");
    assert!(junit.contains("<property name=\"band\" value=\"Lean no\"/>"), "{junit}");
    assert!(
        junit.contains(
            "<property name=\"band_note\" value=\"capped at Lean no: `calls_the_model_once_per_batch` failed"
        ),
        "{junit}"
    );
    assert!(junit.contains("own tests passed"), "the candidate's own tests are testcases too: {junit}");
}

#[test]
fn the_schema_check_fails_a_report_the_jenkins_schema_rejects() {
    let bad = known_bad().junit.replacen("<testsuites ", "<testsuites skipped=\"0\" ", 1);
    let errors = junit_schema_errors(&bad).expect("the schema declares no `skipped` attribute on <testsuites>");
    assert!(errors.contains("/testsuites (line 2): attribute 'skipped' is not allowed on <testsuites>"), "{errors}");
}

#[test]
fn the_schema_check_fails_a_report_missing_a_required_attribute() {
    let bad = known_bad().junit.replacen("<property name=\"band\" ", "<property ", 1);
    assert_ne!(bad, known_bad().junit, "the report has a band property");
    let errors = junit_schema_errors(&bad).expect("a property needs a name");
    assert!(
        errors.contains(
            "/testsuites/testsuite[1]/properties[1]/property[6] (line 10): required attribute 'name' is missing"
        ),
        "{errors}"
    );
}

#[test]
fn the_schema_check_fails_a_report_with_an_element_out_of_place() {
    // A testcase's <skipped> comes before its <failure>s.
    let bad = known_bad().junit.replacen("</failure>", "</failure><skipped/>", 1);
    let errors = junit_schema_errors(&bad).expect("<skipped> after <failure> is out of order");
    assert!(
        errors
            .contains("element <skipped> is not allowed here; <testcase> allows in order: skipped?, error*, failure*"),
        "{errors}"
    );
    let bad = known_bad().junit.replacen("</properties>", "</properties><properties/>", 1);
    let errors = junit_schema_errors(&bad).expect("a testsuite has one <properties>");
    assert!(errors.contains("element <properties> is not allowed here"), "{errors}");
}

/// A line of the (shrunk) failing input of the `panics` fixture, if the report shows one.
fn revealed_input_line(report: &serde_json::Value) -> String {
    let input = report["tests"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|t| t["failure"]["input"].as_str())
        .expect("a revealed report carries the failing input");
    input.lines().map(str::trim).max_by_key(|l| l.len()).unwrap().to_owned()
}

#[test]
fn failing_inputs_appear_in_no_format_unless_revealed() {
    let revealed = grade_to_files("tests/fixtures/fraud-scorer/panics", &["--reveal"]);
    let line = revealed_input_line(&parse(&revealed.json));
    assert!(line.len() > 8, "{line}");
    let hidden = grade_to_files("tests/fixtures/fraud-scorer/panics", &[]);
    for (name, shown, kept) in [
        ("json", &revealed.json, &hidden.json),
        ("junit", &revealed.junit, &hidden.junit),
        ("markdown", &revealed.markdown, &hidden.markdown),
        ("text", &revealed.text, &hidden.text),
    ] {
        assert!(shown.contains(&line), "{name} shows the input with --reveal:\n{shown}");
        assert!(!kept.contains(&line), "{name} hides the input without --reveal:\n{kept}");
    }
    assert!(!hidden.json.contains("trial_seed"), "{}", hidden.json);
    assert!(hidden.markdown.contains("--reveal"), "the summary says how to see inputs: {}", hidden.markdown);
}

#[test]
fn text_is_coloured_when_forced_and_never_with_no_color() {
    let args = ["grade", "fraud-scorer", "tests/fixtures/fraud-scorer/bad-dependency"];
    let forced = harness_with_env(&args, &[("CLICOLOR_FORCE", "1")]);
    assert_eq!(forced.code, 3, "{}", forced.stderr);
    assert!(forced.stdout.contains("\u{1b}["), "{:?}", forced.stdout);
    let plain = harness_with_env(&args, &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]);
    assert!(plain.stdout.contains("✗ rejected") && !plain.stdout.contains('\u{1b}'), "{:?}", plain.stdout);
    let piped = harness(&args);
    assert!(!piped.stdout.contains('\u{1b}'), "a pipe gets no colour: {:?}", piped.stdout);
}

#[test]
fn github_actions_gets_one_escaped_error_annotation_per_failed_case_on_stderr() {
    let args = ["grade", "fraud-scorer", "solutions/fraud-scorer/calls-per-row", "--format", "json"];
    let run = harness_with_env(&args, &[("GITHUB_ACTIONS", "true")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    parse(&run.stdout);
    let annotations: Vec<&str> = run.stderr.lines().filter(|l| l.starts_with("::error ")).collect();
    assert_eq!(annotations.len(), 2, "{}", run.stderr);
    let first = annotations[0];
    assert!(
        first.starts_with(
            "::error title=fraud-scorer%3A calls_the_model_once_per_batch (correctness%2C weight 3) failed::"
        ),
        "{first}"
    );
    assert!(first.contains("one per row%0Athe model was called 5 times"), "line breaks are escaped: {first}");
    let outside = harness(&args);
    assert!(!outside.stderr.contains("::error"), "no annotations outside GitHub Actions: {}", outside.stderr);
}

#[test]
fn an_output_file_of_unknown_format_is_a_usage_error() {
    let run = harness(&["grade", "fraud-scorer", "solutions/fraud-scorer/reference", "--output", "report.html"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("failed to tell the format of `report.html`"), "{}", run.stderr);
}

#[test]
fn a_min_score_above_one_hundred_is_a_usage_error() {
    let run = harness(&["grade", "fraud-scorer", "solutions/fraud-scorer/reference", "--min-score", "101"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("--min-score"), "{}", run.stderr);
}

#[test]
fn a_grade_below_min_score_still_writes_every_report_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("junit.xml");
    let run = harness(&[
        "grade",
        "fraud-scorer",
        "solutions/fraud-scorer/calls-per-row",
        "--min-score",
        "90",
        "--output",
        junit.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(junit.is_file(), "the report is written before the exit code is decided");
}
