//! Scaling verdicts: instruction counts (callgrind) decide growth and speed, and they repeat under load.

use crate::support::{harness, harness_with_env, json, outcome, points};
use serde_json::Value;
use std::process::{Child, Command};

const PROBLEM: &str = "top-k-merchants";
const CASE: &str = "ranks_300k_transactions_over_100k_merchants";

/// A busy loop on each core, killed when dropped: the machine is as loaded as a shared CI runner.
struct CpuHog(Vec<Child>);

impl CpuHog {
    fn start() -> CpuHog {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        CpuHog(
            (0..cores)
                .map(|_| Command::new("sh").args(["-c", "while :; do :; done"]).spawn().expect("sh runs"))
                .collect(),
        )
    }
}

impl Drop for CpuHog {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn scaling_case(grade: &Value) -> &Value {
    grade["tests"].as_array().unwrap().iter().find(|c| c["name"] == CASE).expect("the scaling case is reported")
}

/// What must repeat exactly: every area's points, the scaling case's growth class and score, the band and its caps.
fn verdict(grade: &Value) -> (Vec<f64>, String, f64, Value, Value) {
    let areas = ["correctness", "edge_cases", "performance", "quality"].map(|a| points(grade, a)).to_vec();
    let case = scaling_case(grade);
    let card = &grade["scorecard"];
    // The caps without their measured slopes, which are fitted from counts that move in the fourth digit.
    let caps: Vec<Value> = card["caps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| serde_json::json!([c["band"], c["reason"], c["signal"]]))
        .collect();
    (
        areas,
        case["scaling"]["growth"].as_str().unwrap_or("none").to_owned(),
        case["score"].as_f64().unwrap(),
        card["band"].clone(),
        Value::from(caps),
    )
}

#[test]
fn a_quadratic_solution_loses_the_scaling_case_with_its_slope_as_evidence() {
    let run = harness(&["grade", PROBLEM, "solutions/top-k-merchants/quadratic-aggregation", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let grade = json(&run);
    let case = scaling_case(&grade);
    assert_eq!(case["outcome"], "fail");
    assert_eq!(case["scaling"]["growth"], "worse");
    assert_eq!(case["scaling"]["unit"], "instructions");
    let slope = case["scaling"]["candidate_slope"].as_f64().unwrap();
    let reference = case["scaling"]["reference_slope"].as_f64().unwrap();
    assert!(slope - reference > 0.6, "slopes {slope} vs {reference}");
    let message = case["failure"]["message"].as_str().unwrap();
    assert!(message.contains("grows faster than the reference"), "{message}");
    assert!(points(&grade, "performance") < 15.0);
    assert_eq!(points(&grade, "correctness"), 40.0);
}

#[test]
fn the_reference_grows_like_itself_and_keeps_the_scaling_case() {
    let run = harness(&["grade", PROBLEM, "solutions/top-k-merchants/reference", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let grade = json(&run);
    assert_eq!(outcome(&grade, CASE), "pass");
    let scaling = &scaling_case(&grade)["scaling"];
    assert_eq!(scaling["growth"], "same");
    assert_eq!(scaling["points"].as_array().unwrap().len(), 6);
    let ratio = scaling["ratio"].as_f64().unwrap();
    assert!((0.9..1.1).contains(&ratio), "{ratio}");
}

#[test]
fn without_valgrind_scaling_falls_back_to_cpu_time_and_says_so() {
    let env = [("HARNESS_METER", "cpu")];
    let slow = harness_with_env(
        &["grade", PROBLEM, "solutions/top-k-merchants/quadratic-aggregation", "--format", "json"],
        &env,
    );
    assert_eq!(slow.code, 0, "{}", slow.stderr);
    let grade = json(&slow);
    assert_eq!(scaling_case(&grade)["scaling"]["unit"], "cpu_nanos");
    assert_eq!(scaling_case(&grade)["scaling"]["growth"], "worse");
    let notes = grade["notes"].to_string();
    assert!(notes.contains("measured in CPU time"), "{notes}");
    let text = harness_with_env(&["grade", PROBLEM, "solutions/top-k-merchants/reference"], &env);
    assert!(text.stdout.contains("note: scaling was measured in CPU time"), "{}", text.stdout);
    assert!(text.stdout.contains("Performance ┆   15/15"), "{}", text.stdout);
}

#[test]
fn scaling_verdicts_repeat_exactly_five_times_beside_a_cpu_hog() {
    let _hog = CpuHog::start();
    for solution in ["quadratic-aggregation", "reference"] {
        let dir = format!("solutions/{PROBLEM}/{solution}");
        let verdicts: Vec<_> = (0..5)
            .map(|_| {
                let run = harness(&["grade", PROBLEM, &dir, "--format", "json"]);
                assert_eq!(run.code, 0, "{}", run.stderr);
                verdict(&json(&run))
            })
            .collect();
        assert!(verdicts.windows(2).all(|w| w[0] == w[1]), "{solution}: {verdicts:?}");
        let band = if solution == "reference" { "strong_hire" } else { "lean_no" };
        assert_eq!(verdicts[0].3, band, "{solution}: {verdicts:?}");
    }
}
