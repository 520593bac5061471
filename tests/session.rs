//! `harness session` in a pseudo-terminal (portable-pty, its screen read through the vt100 terminal emulator) and
//! scripted, `harness practice` and `harness history`.

use crate::support::{harness, harness_with_env, root};
use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
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

/// `harness args…` in a pseudo-terminal of its own, `cols` by `rows`, started in the workspace root: what it writes
/// goes through a terminal emulator (vt100) on a reader thread, and keys go in as bytes. Dropping it (on a panic too)
/// kills the process if it still runs and reaps it.
struct Terminal {
    child: Box<dyn portable_pty::Child + Send + Sync>,
    keys: Box<dyn Write + Send>,
    screen: Arc<Mutex<vt100::Parser>>,
    _master: Box<dyn portable_pty::MasterPty + Send>,
}

impl Terminal {
    fn start(args: &[&str], cols: u16, rows: u16) -> Self {
        let pair = portable_pty::native_pty_system()
            .openpty(portable_pty::PtySize { rows, cols, pixel_width: 0, pixel_height: 0 })
            .expect("a pseudo-terminal opens");
        let mut command = portable_pty::CommandBuilder::new(env!("CARGO_BIN_EXE_harness"));
        command.args(args);
        command.cwd(root());
        command.env("TERM", "xterm-256color");
        let child = pair.slave.spawn_command(command).expect("the harness starts in the pseudo-terminal");
        // Only the child holds the terminal's side now, so reading ends when it exits.
        drop(pair.slave);
        let mut output = pair.master.try_clone_reader().expect("the terminal's output can be read");
        let keys = pair.master.take_writer().expect("the terminal's input can be written");
        let screen = Arc::new(Mutex::new(vt100::Parser::new(
            NonZeroU16::new(rows).expect("rows"),
            NonZeroU16::new(cols).expect("columns"),
            0,
        )));
        let emulator = Arc::clone(&screen);
        std::thread::spawn(move || {
            let mut buffer = [0; 8192];
            loop {
                match output.read(&mut buffer) {
                    Ok(0) => break,
                    Ok(n) => emulator.lock().unwrap().process(&buffer[..n]),
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    // EIO once the child has exited and closed the terminal.
                    Err(_) => break,
                }
            }
        });
        Terminal { child, keys, screen, _master: pair.master }
    }

    /// The text on the screen, a line per row.
    fn screen(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    /// Types `key`.
    fn press(&mut self, key: u8) {
        self.keys.write_all(&[key]).and_then(|()| self.keys.flush()).expect("a key reaches the terminal");
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

    /// Waits until the process exits; returns how.
    fn wait_for_exit(&mut self, limit: Duration) -> portable_pty::ExitStatus {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("the child's status can be read") {
                return status;
            }
            assert!(
                started.elapsed() < limit,
                "the harness did not exit within {limit:?}; the screen:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        if !matches!(self.child.try_wait(), Ok(Some(_))) {
            // SIGHUP, then SIGKILL after a grace period.
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

#[test]
fn an_interviewer_session_in_a_terminal_grades_on_a_key_and_on_save_reveals_the_next_stage_and_writes_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let candidate = dir.path().join("candidate");
    copy_crate(&root().join("solutions/fraud-scorer/reference"), &candidate);
    // The bundled solutions are formatted with the repo's rustfmt settings, which a copy elsewhere would lose.
    std::fs::copy(root().join("rustfmt.toml"), dir.path().join("rustfmt.toml")).unwrap();
    let out = dir.path().join("report");
    let (candidate_arg, out_arg) = (candidate.to_str().unwrap(), out.to_str().unwrap());
    let mut terminal =
        Terminal::start(&["session", "fraud-scorer", "--candidate", candidate_arg, "--out", out_arg], 120, 40);

    let screen = terminal.wait_for("no grade yet", Duration::from_secs(30));
    assert!(screen.contains("stage 1/2: core") && screen.contains("/ 40:00"), "{screen}");
    assert!(screen.contains("pub trait Model") && !screen.contains("Follow-up stage"), "{screen}");
    eprintln!("---- started ----\n{screen}");

    terminal.press(b'g');
    terminal.wait_for("grading…", Duration::from_secs(10));
    let screen = terminal.wait_for("score 100/100 Strong hire", Duration::from_secs(900));
    assert!(screen.contains("Correctness 40/40") && screen.contains("trend █"), "{screen}");
    eprintln!("---- graded ----\n{screen}");

    // Saving a file re-grades on its own.
    let lib = candidate.join("src/lib.rs");
    let source = std::fs::read_to_string(&lib).unwrap();
    std::fs::write(&lib, format!("{source}\n// The interviewer asked for a comment.\n")).unwrap();
    let screen = terminal.wait_for("trend ██  (2 grades)", Duration::from_secs(600));
    assert!(screen.contains("score 100/100"), "{screen}");

    terminal.press(b'n');
    let screen = terminal.wait_for("stage 2/2: chunked", Duration::from_secs(10));
    assert!(screen.contains("## Follow-up stage: `chunked`"), "the new stage scrolls into view:\n{screen}");
    eprintln!("---- next stage ----\n{screen}");
    terminal.press(b'i');
    let screen = terminal.wait_for("Interviewer notes: fraud scorer", Duration::from_secs(10));
    eprintln!("---- interviewer notes ----\n{screen}");

    terminal.press(b'q');
    let started = Instant::now();
    while !out.join("score.svg").is_file() {
        assert!(started.elapsed() < Duration::from_secs(30), "no report in {}", out.display());
        std::thread::sleep(Duration::from_millis(200));
    }
    let status = terminal.wait_for_exit(Duration::from_secs(30));
    assert!(status.success(), "{status}; the screen:\n{}", terminal.screen());
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
