//! `harness session` in a real terminal (tmux) and scripted, `harness practice` and `harness history`.

use crate::support::{harness, harness_with_env, root};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Copies a crate's sources (not its `target/`) into `to`.
fn copy_crate(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            if entry.file_name() != "target" {
                copy_crate(&entry.path(), &target);
            }
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A tmux server of its own (`-L`), killed on drop.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn run(&self, args: &[&str]) -> String {
        let output = Command::new("tmux").arg("-L").arg(&self.socket).args(args).output().expect("tmux runs");
        assert!(output.status.success(), "tmux {args:?}: {}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "interview"])
    }

    /// Waits until the screen shows `text`; returns the screen.
    fn wait_for(&self, text: &str, limit: Duration) -> String {
        let started = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(started.elapsed() < limit, "`{text}` did not show within {limit:?}; the screen:\n{screen}");
            std::thread::sleep(Duration::from_millis(250));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux").arg("-L").arg(&self.socket).arg("kill-server").output();
    }
}

#[test]
fn an_interviewer_session_in_tmux_grades_on_a_key_and_on_save_reveals_the_next_stage_and_writes_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let candidate = dir.path().join("candidate");
    copy_crate(&root().join("solutions/fraud-scorer/reference"), &candidate);
    // The bundled solutions are formatted with the repo's rustfmt settings, which a copy elsewhere would lose.
    std::fs::copy(root().join("rustfmt.toml"), dir.path().join("rustfmt.toml")).unwrap();
    let out = dir.path().join("report");
    let command = format!(
        "cd '{}' && '{}' session fraud-scorer --candidate '{}' --out '{}' 2>'{}'",
        root().display(),
        env!("CARGO_BIN_EXE_harness"),
        candidate.display(),
        out.display(),
        dir.path().join("stderr").display()
    );
    let tmux = Tmux { socket: format!("harness-test-{}", std::process::id()) };
    tmux.run(&["new-session", "-d", "-s", "interview", "-x", "120", "-y", "40", &command]);

    let screen = tmux.wait_for("no grade yet", Duration::from_secs(30));
    assert!(screen.contains("stage 1/2: core") && screen.contains("/ 40:00"), "{screen}");
    assert!(screen.contains("pub trait Model") && !screen.contains("Follow-up stage"), "{screen}");
    eprintln!("---- started ----\n{screen}");

    tmux.run(&["send-keys", "-t", "interview", "g"]);
    tmux.wait_for("grading…", Duration::from_secs(10));
    let screen = tmux.wait_for("score 100/100 Strong hire", Duration::from_secs(900));
    assert!(screen.contains("Correctness 40/40") && screen.contains("trend █"), "{screen}");
    eprintln!("---- graded ----\n{screen}");

    // Saving a file re-grades on its own.
    let lib = candidate.join("src/lib.rs");
    let source = std::fs::read_to_string(&lib).unwrap();
    std::fs::write(&lib, format!("{source}\n// The interviewer asked for a comment.\n")).unwrap();
    let screen = tmux.wait_for("trend ██  (2 grades)", Duration::from_secs(600));
    assert!(screen.contains("score 100/100"), "{screen}");

    tmux.run(&["send-keys", "-t", "interview", "n"]);
    let screen = tmux.wait_for("stage 2/2: chunked", Duration::from_secs(10));
    assert!(screen.contains("## Follow-up stage: `chunked`"), "the new stage scrolls into view:\n{screen}");
    eprintln!("---- next stage ----\n{screen}");
    tmux.run(&["send-keys", "-t", "interview", "i"]);
    let screen = tmux.wait_for("Interviewer notes: fraud scorer", Duration::from_secs(10));
    eprintln!("---- interviewer notes ----\n{screen}");

    tmux.run(&["send-keys", "-t", "interview", "q"]);
    let started = Instant::now();
    while !out.join("score.svg").is_file() {
        assert!(started.elapsed() < Duration::from_secs(30), "no report in {}", out.display());
        std::thread::sleep(Duration::from_millis(200));
    }
    std::thread::sleep(Duration::from_millis(300));
    let markdown = std::fs::read_to_string(out.join("session.md")).unwrap();
    assert!(markdown.contains("| core | key | 100 | Strong hire | 40/40 | 25/25 | 15/15 | 20/20 |"), "{markdown}");
    assert!(markdown.contains("`chunked` at "), "{markdown}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("session.json")).unwrap()).unwrap();
    assert_eq!(json["timeline"].as_array().unwrap().len(), 2);
    assert_eq!(json["timeline"][0]["total"], 100.0);
    assert_eq!(json["timeline"][1]["trigger"], "change");
    assert_eq!(json["stages"][1]["id"], "chunked");
    assert!(json["stages"][1]["at_secs"].is_number());
    assert!(std::fs::read_to_string(out.join("score.svg")).unwrap().contains("<circle"));
}

/// Runs `harness args…` with `stdin` as its input.
fn harness_with_input(args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_harness"))
        .args(args)
        .current_dir(root())
        .env_remove("HARNESS_ROOT")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn a_scripted_session_records_each_grade_with_its_stage_and_keeps_the_notes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let notes = dir.path().join("notes.md");
    std::fs::write(&notes, "Asked about NaN before coding.\n").unwrap();
    let (code, stdout, stderr) = harness_with_input(
        &[
            "session",
            "fraud-scorer",
            "--candidate",
            "tests/fixtures/fraud-scorer/does-not-compile",
            "--out",
            out.to_str().unwrap(),
            "--notes",
            notes.to_str().unwrap(),
            "--script",
        ],
        "n\nn\nnote chose a HashSet for ids\ng\nfly\nq\n",
    );
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("revealed stage 2/2: chunked") && stdout.contains("max_batch"), "{stdout}");
    assert!(stdout.contains("every stage is shown; still stage 2/2"), "{stdout}");
    assert!(stdout.contains("score 0/100 No hire (does not compile)"), "{stdout}");
    assert!(stdout.contains("unknown command `fly`"), "{stdout}");
    assert!(stdout.contains(&format!("wrote {}", out.join("session.md").display())), "{stdout}");
    let markdown = std::fs::read_to_string(out.join("session.md")).unwrap();
    assert!(markdown.contains("| chunked | key | 0 | No hire |"), "{markdown}");
    assert!(markdown.contains("does not compile"), "{markdown}");
    assert!(markdown.contains(": chose a HashSet for ids") && markdown.contains("Asked about NaN"), "{markdown}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("session.json")).unwrap()).unwrap();
    assert_eq!(json["schema"], "harness-session/1");
    assert_eq!(json["timeline"][0]["verdict"], "does not compile");
}

#[test]
fn a_session_without_a_terminal_or_a_script_is_a_usage_error() {
    let run = harness(&["session", "fraud-scorer", "--candidate", "solutions/fraud-scorer/reference"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.starts_with("error: failed to start the session: stdout is not a terminal"), "{}", run.stderr);
}

#[test]
fn practice_starts_a_problem_grades_it_into_the_history_and_history_shows_progress() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let env = [("HARNESS_DATA_DIR", data.to_str().unwrap())];
    let attempt = dir.path().join("attempt");
    let attempt = attempt.to_str().unwrap();

    let run = harness_with_env(&["history"], &env);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("no practice attempts yet"), "{}", run.stdout);

    let run = harness_with_env(&["practice", "--problem", "fraud-scorer", attempt], &env);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("picked fraud-scorer · "), "{}", run.stdout);
    assert!(run.stdout.contains("harness practice grade"), "{}", run.stdout);

    let run = harness_with_env(&["practice", "grade", attempt], &env);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("No hire") && run.stdout.contains("time: 00:"), "{}", run.stdout);
    assert!(run.stdout.contains("fraud-scorer: attempt 1 · best "), "{}", run.stdout);

    let run = harness_with_env(&["history", "fraud-scorer"], &env);
    assert!(run.stdout.contains("fraud-scorer") && run.stdout.contains("No hire"), "{}", run.stdout);
    assert!(run.stdout.contains("Progress"), "{}", run.stdout);
    let run = harness_with_env(&["history", "--format", "json"], &env);
    let history: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(history["attempts"].as_array().unwrap().len(), 1);
    assert_eq!(history["progress"][0]["problem"], "fraud-scorer");
    assert_eq!(history["attempts"][0]["total"], 0.0, "the untouched starter earns nothing");
    assert_eq!(history["attempts"][0]["band"], "no_hire");
    assert!(data.join("history.json").is_file());
}

#[test]
fn practice_picks_at_random_with_the_seed_printed_and_refuses_filters_nothing_matches() {
    let dir = tempfile::tempdir().unwrap();
    let env = [("HARNESS_DATA_DIR", dir.path().to_str().unwrap())];
    let first = dir.path().join("one");
    let run = harness_with_env(&["practice", "--seed", "7", first.to_str().unwrap()], &env);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("at random from 10 problems, seed 7"), "{}", run.stdout);
    assert!(first.join("src/lib.rs").is_file() && first.join(".harness-practice.json").is_file());
    let run =
        harness_with_env(&["practice", "--tag", "no-such-pattern", dir.path().join("two").to_str().unwrap()], &env);
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr.trim(), "error: failed to find a problem matching the filters");
    let run = harness_with_env(&["practice", "grade", dir.path().to_str().unwrap()], &env);
    assert_eq!(run.code, 2);
    assert!(run.stderr.starts_with("error: failed to find a practice attempt in "), "{}", run.stderr);
}
