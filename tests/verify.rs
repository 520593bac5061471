//! `harness verify`: every bundled solution gets the verdict it declares.

use crate::support::harness;

#[test]
fn verify_passes_on_every_bundled_problem() {
    let run = harness(&["verify", "--format", "json"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    let rows = report["rows"].as_array().expect("rows");
    let listed = harness(&["list", "--format", "json"]);
    let problems: serde_json::Value = serde_json::from_str(&listed.stdout).expect("json");
    for problem in problems.as_array().expect("problems") {
        let slug = problem["slug"].as_str().unwrap();
        let mine: Vec<_> = rows.iter().filter(|r| r["problem"] == slug).collect();
        assert!(
            mine.iter().any(|r| r["solution"] == "reference" && r["total"] == 100.0),
            "{slug}: no full-marks reference"
        );
        assert!(mine.len() >= 4, "{slug}: fewer than three known-bad solutions");
    }
    assert!(rows.iter().all(|r| r["ok"] == true));
}
