//! `harness verify`: every bundled solution gets the verdict it declares.

use crate::support::{harness, root};

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

#[test]
fn a_broken_expected_toml_is_a_mismatch_row_and_the_other_solutions_are_still_checked() {
    let bank = tempfile::tempdir().unwrap();
    let copy = |from: &str, to: &str| {
        let status = std::process::Command::new("cp")
            .args(["-r", root().join(from).to_str().unwrap(), bank.path().join(to).to_str().unwrap()])
            .status()
            .unwrap();
        assert!(status.success());
    };
    std::fs::create_dir_all(bank.path().join("problems")).unwrap();
    std::fs::create_dir_all(bank.path().join("solutions/fraud-scorer")).unwrap();
    copy("problems/fraud-scorer", "problems/fraud-scorer");
    copy("solutions/fraud-scorer/reference", "solutions/fraud-scorer/reference");
    copy("solutions/fraud-scorer/strict-threshold", "solutions/fraud-scorer/strict-threshold");
    // A bank's rustfmt settings travel with it: the bundled solutions are formatted with the repo's.
    copy("rustfmt.toml", "rustfmt.toml");
    std::fs::write(bank.path().join("solutions/fraud-scorer/strict-threshold/expected.toml"), "lose = [\"speed\"]\n")
        .unwrap();
    let target = root().join("target").join("harness");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_harness"))
        .args(["--root", bank.path().to_str().unwrap(), "verify", "--format", "json"])
        .env("HARNESS_TARGET_DIR", target)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", String::from_utf8_lossy(&output.stderr));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    let rows = report["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["solution"], "reference");
    assert_eq!(rows[0]["ok"], true);
    assert_eq!(rows[1]["ok"], false);
    assert!(rows[1]["mismatch"].as_str().unwrap().contains("expected.toml"), "{}", rows[1]);
}
