//! `harness verify`: every bundled solution gets the verdict and the band it declares, and every starter scores 0.

use crate::support::{harness, root};

#[test]
fn verify_passes_on_every_bundled_problem_with_the_declared_bands() {
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
            mine.iter().any(|r| r["solution"] == "reference" && r["total"] == 100.0 && r["band"] == "strong_hire"),
            "{slug}: no full-marks reference"
        );
        let starter = mine.iter().find(|r| r["solution"] == "starter").expect("a starter row");
        assert_eq!(starter["total"], 0.0, "{slug}: the untouched starter earns points: {starter}");
        for row in &mine {
            if row["solution"] != "starter" {
                assert_eq!(row["band"], row["expected_band"], "{row}");
            }
        }
    }
    assert!(rows.iter().all(|r| r["ok"] == true));
    // Every rule of every spec is checked by a case (or declared unchecked with a reason).
    let coverage = report["coverage"].as_array().expect("coverage");
    assert_eq!(coverage.len(), problems.as_array().unwrap().len());
    for problem in coverage {
        assert_eq!(problem["gaps"], serde_json::json!([]), "{}", problem["problem"]);
        let rules = problem["rules"].as_array().unwrap();
        assert!(rules.len() >= 4, "{}: {} rules", problem["problem"], rules.len());
        assert!(
            rules.iter().any(|r| r["rule"].as_str().unwrap().contains(".R")),
            "{}: no follow-up rule",
            problem["problem"]
        );
    }
    for calibration in report["calibration"].as_array().expect("calibration") {
        assert_eq!(calibration["missing"], serde_json::json!([]), "{calibration}");
        assert!(calibration["known_bad"].as_u64().unwrap() >= 3, "{calibration}");
    }
    // The known-bad solutions are spread over the bands, none of them graded Strong hire.
    let bands: Vec<(String, u64)> = report["bands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (b[0].as_str().unwrap().to_owned(), b[1].as_u64().unwrap()))
        .collect();
    assert_eq!(bands[0], ("strong_hire".to_owned(), 0), "{bands:?}");
    assert!(bands[1].1 > 0 && bands[2].1 > 0, "{bands:?}");
}

#[test]
fn a_wrong_band_and_a_broken_expected_toml_are_mismatches_and_the_other_solutions_are_still_checked() {
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
    for solution in ["reference", "strict-threshold", "nan-approves"] {
        copy(&format!("solutions/fraud-scorer/{solution}"), &format!("solutions/fraud-scorer/{solution}"));
    }
    // A bank's rustfmt settings travel with it: the bundled solutions are formatted with the repo's.
    copy("rustfmt.toml", "rustfmt.toml");
    let solutions = bank.path().join("solutions/fraud-scorer");
    std::fs::write(solutions.join("strict-threshold/expected.toml"), "lose = [\"speed\"]\n").unwrap();
    let declared = std::fs::read_to_string(solutions.join("nan-approves/expected.toml")).unwrap();
    std::fs::write(solutions.join("nan-approves/expected.toml"), declared.replace("\"lean_no\"", "\"strong_hire\""))
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
    let names: Vec<&str> = rows.iter().map(|r| r["solution"].as_str().unwrap()).collect();
    assert_eq!(names, ["reference", "nan-approves", "strict-threshold", "starter"]);
    assert_eq!(rows[0]["ok"], true);
    assert_eq!((rows[1]["ok"].clone(), rows[1]["band"].clone()), (false.into(), "lean_no".into()));
    let mismatch = rows[1]["mismatch"].as_str().unwrap();
    assert!(mismatch.starts_with("graded Lean no at 69.9, declared Strong hire"), "{mismatch}");
    assert_eq!(rows[1]["cap"]["signal"], "nan-never-approves", "{}", rows[1]);
    assert_eq!(rows[2]["ok"], false);
    assert!(rows[2]["mismatch"].as_str().unwrap().contains("expected.toml"), "{}", rows[2]);
    assert_eq!((rows[3]["ok"].clone(), rows[3]["total"].clone()), (true.into(), 0.0.into()));
    // Two known-bad solutions are fewer than a problem needs, and no Hire is declared any more.
    let missing = report["calibration"][0]["missing"].as_array().unwrap();
    assert!(missing.iter().any(|m| m.as_str().unwrap().contains("fewer than 3")), "{missing:?}");
}
