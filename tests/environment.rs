//! Failures of the machine, not of the candidate's code: no registry for the first grade's fetch, a registry cache
//! that lost a crate since, no toolchain, no cargo, a full disk, a sandbox that does not start, a runner that breaks
//! its protocol. Each is exit code 5 with one `error: failed to …` line on stderr and no grade on stdout (in any
//! format); in `grade-all` it is that candidate's row while the others are graded. None of these tests uses the
//! network: every cargo run here is offline (`CARGO_NET_OFFLINE`), against an empty cargo home or the local cache.

use crate::support::{Run, root};
use std::ffi::OsStr;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

const REFERENCE: &str = "solutions/fraud-scorer/reference";

/// `harness args…` in the workspace root, with `set` added to its environment and `unset` removed from it, through
/// `wrapper` (a program and its arguments before the harness's) when given.
fn harness_in(args: &[&str], set: &[(&str, &OsStr)], unset: &[&str], wrapper: &[&OsStr]) -> Run {
    let mut command = match wrapper.split_first() {
        Some((program, rest)) => {
            let mut command = Command::new(program);
            command.args(rest).arg(env!("CARGO_BIN_EXE_harness"));
            command
        }
        None => Command::new(env!("CARGO_BIN_EXE_harness")),
    };
    command.args(args).current_dir(root());
    for name in ["HARNESS_ROOT", "NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "GITHUB_ACTIONS", "HARNESS_METER"] {
        command.env_remove(name);
    }
    for name in unset {
        command.env_remove(name);
    }
    let output = command.envs(set.iter().copied()).output().expect("the harness binary runs");
    Run::from(output)
}

/// The run ended as a harness error: exit 5, nothing on stdout (no grade, no JSON), and one error line on stderr,
/// the last, starting `error: failed to` and containing `words` (a progress line may come before it).
fn assert_environment_error(run: &Run, words: &str) {
    assert_eq!(run.code, 5, "stdout:\n{}\nstderr:\n{}", run.stdout, run.stderr);
    assert_eq!(run.stdout, "", "no grade is printed");
    let errors: Vec<&str> = run.stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "one error line:\n{}", run.stderr);
    assert_eq!(run.stderr.lines().last(), Some(errors[0]), "the error is the last line:\n{}", run.stderr);
    assert!(errors[0].starts_with("error: failed to "), "{}", errors[0]);
    assert!(errors[0].contains(words), "`{words}` is not in: {}", errors[0]);
    for verdict in ["does not compile", "/100", "compile_error"] {
        assert!(!run.stderr.contains(verdict), "a verdict on stderr: {}", run.stderr);
    }
}

/// The fetch markers in `target`.
fn markers(target: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(target) else { return Vec::new() };
    entries
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(harness_engine::provision::MARKER_PREFIX))
        .collect()
}

/// A cargo home with an empty registry cache whose crates a marker in `target` says were fetched: what a cache pruned
/// since its fetch looks like to the harness.
fn pruned_cargo_home(target: &Path) -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir(home.path().join("registry")).unwrap();
    let lock = std::fs::read(root().join("Cargo.lock")).unwrap();
    let marker = harness_engine::provision::marker(target, &lock);
    std::fs::write(marker, home.path().canonicalize().unwrap().as_os_str().as_encoded_bytes()).unwrap();
    home
}

/// A folder every user may enter, holding `name`, an executable shell script of `body`.
fn script(name: &str, body: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

/// What bubblewrap says when the kernel refuses it another namespace (`user.max_user_namespaces` reached).
const NO_NAMESPACE_BWRAP: &str = "bwrap: Creating new namespace failed: No space left on device";
/// What the embedded sandbox says then.
const NO_NAMESPACE: &str =
    "harness-contain: failed to create the sandbox's namespaces (unshare): No space left on device (os error 28)";

/// An embedded sandbox that starts the sandbox's probes but fails to create the namespaces of every build (or, with
/// `once`, of the first build only), as a kernel out of namespaces does: a launcher for `HARNESS_CONFINE` that fails
/// a build and hands everything else to a copy of the harness (named instead of itself where the sandbox binds the
/// Landlock launcher).
fn failing_sandbox(once: bool) -> tempfile::TempDir {
    let dir = script("harness", "");
    let real = dir.path().join("harness-real");
    std::fs::copy(env!("CARGO_BIN_EXE_harness"), &real).unwrap();
    let fail = format!("echo \"{NO_NAMESPACE}\" >&2; exit 125");
    let fail = if once { format!("if mkdir \"$(dirname \"$0\")/failed\" 2>/dev/null; then {fail}; fi") } else { fail };
    let real = real.display();
    let launcher = format!(
        "#!/bin/bash\ncase \"$*\" in *--message-format=json*) {fail} ;; esac\nargs=()\nfor arg in \"$@\"; do \
         [ \"$arg\" = \"$0\" ] && arg={real}; args+=(\"$arg\"); done\nexec -a harness-contain {real} \"${{args[@]}}\"\n"
    );
    std::fs::write(dir.path().join("harness"), launcher).unwrap();
    dir
}

#[test]
fn a_first_grade_without_a_registry_fails_to_fetch_in_one_line_and_grades_nothing() {
    let (target, home) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let set = [
        ("HARNESS_TARGET_DIR", target.path().as_os_str()),
        ("CARGO_HOME", home.path().as_os_str()),
        ("CARGO_NET_OFFLINE", OsStr::new("true")),
    ];
    let run = harness_in(&["grade", "fraud-scorer", REFERENCE, "--format", "json"], &set, &[], &[]);
    assert_environment_error(&run, "failed to fetch the crates the runner needs (no matching package named");
    assert!(run.stderr.starts_with("fetching the crates the runner needs into "), "one progress line: {}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 2, "{}", run.stderr);
    assert_eq!(markers(target.path()), Vec::<String>::new(), "a failed fetch is not recorded");
}

#[test]
fn a_registry_cache_that_lost_a_crate_since_its_fetch_is_the_environments_fault_and_is_fetched_again() {
    let target = tempfile::tempdir().unwrap();
    let home = pruned_cargo_home(target.path());
    let set = [
        ("HARNESS_TARGET_DIR", target.path().as_os_str()),
        ("CARGO_HOME", home.path().as_os_str()),
        ("CARGO_NET_OFFLINE", OsStr::new("true")),
    ];
    let run = harness_in(&["grade", "fraud-scorer", REFERENCE], &set, &[], &[]);
    assert_environment_error(&run, "failed to build offline: cargo's registry cache lacks a crate the runner needs");
    assert!(!run.stderr.contains("fetching"), "the marker said the crates were there: {}", run.stderr);
    assert_eq!(markers(target.path()), Vec::<String>::new(), "the stale marker is forgotten");
    let again = harness_in(&["grade", "fraud-scorer", REFERENCE], &set, &[], &[]);
    assert_environment_error(&again, "failed to fetch the crates the runner needs");
    assert!(again.stderr.starts_with("fetching the crates"), "the next grade fetches again: {}", again.stderr);
}

#[test]
fn a_machine_without_a_rust_toolchain_on_its_path_is_a_harness_error() {
    let empty = tempfile::tempdir().unwrap();
    let set = [("PATH", empty.path().as_os_str())];
    let run = harness_in(&["grade", "fraud-scorer", REFERENCE, "--format", "json"], &set, &["CARGO", "RUSTC"], &[]);
    assert_environment_error(&run, "failed to run rustc (is Rust installed?)");
}

#[test]
fn a_toolchain_without_cargo_is_a_harness_error_whether_it_fetches_or_builds() {
    // A toolchain of rustc alone: its sysroot's bin/ has no cargo, and neither has PATH.
    let sysroot = tempfile::tempdir().unwrap();
    std::fs::create_dir(sysroot.path().join("bin")).unwrap();
    let shown = sysroot.path().canonicalize().unwrap();
    let rustc = sysroot.path().join("bin/rustc");
    let answers = format!(
        "case \"$1\" in --print) echo {} ;; -vV) echo 'host: x86_64-unknown-linux-gnu' ;; esac\n",
        shown.display()
    );
    std::fs::write(&rustc, format!("#!/bin/sh\n{answers}")).unwrap();
    std::fs::set_permissions(&rustc, std::fs::Permissions::from_mode(0o755)).unwrap();
    let (empty, target) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let home = tempfile::tempdir().unwrap();
    let set = [
        ("PATH", empty.path().as_os_str()),
        ("RUSTC", rustc.as_os_str()),
        ("HARNESS_TARGET_DIR", target.path().as_os_str()),
        ("CARGO_HOME", home.path().as_os_str()),
    ];
    let args = ["grade", "fraud-scorer", REFERENCE, "--format", "json"];
    let fetching = harness_in(&args, &set, &["CARGO"], &[]);
    assert_environment_error(&fetching, "failed to fetch the crates the runner needs (cargo could not be started");
    // With the crates recorded as fetched, the sandboxed build is where cargo is missed.
    let home = pruned_cargo_home(target.path());
    let set = [&set[..3], &[("CARGO_HOME", home.path().as_os_str())]].concat();
    let building = harness_in(&args, &set, &["CARGO"], &[]);
    assert_environment_error(&building, "failed to build: a tool is missing");
    assert!(building.stderr.contains("cargo"), "{}", building.stderr);
}

/// `harness args…` with a tmpfs of `size` mounted at `dir` for it alone (a mount namespace of its own: needs root,
/// as CI has).
fn on_a_small_disk(size: &str, dir: &Path, args: &[&str], set: &[(&str, &OsStr)]) -> Run {
    let mount = "mount -t tmpfs -o size=\"$1\" tmpfs \"$2\" && shift 2 && exec \"$@\"";
    let wrapper = ["unshare", "--mount", "--propagation", "private", "sh", "-c", mount, "sh", size].map(OsStr::new);
    let run = harness_in(args, set, &[], &[&wrapper[..], &[dir.as_os_str()]].concat());
    assert!(
        !run.stderr.contains("unshare:") && !run.stderr.contains("mount:"),
        "mounting a small tmpfs needs root (CI runs as root): {}",
        run.stderr
    );
    run
}

#[test]
fn a_full_disk_while_building_is_a_harness_error_not_a_compile_error() {
    let target = tempfile::tempdir().unwrap();
    let set = [("HARNESS_TARGET_DIR", target.path().as_os_str()), ("CARGO_NET_OFFLINE", OsStr::new("true"))];
    let args = ["grade", "fraud-scorer", REFERENCE, "--format", "json"];
    let run = on_a_small_disk("1m", target.path(), &args, &set);
    assert_environment_error(&run, "failed to build: the disk is full");
}

#[test]
fn a_full_disk_while_copying_the_candidate_is_a_harness_error() {
    let candidate = tempfile::tempdir().unwrap();
    std::fs::create_dir(candidate.path().join("src")).unwrap();
    std::fs::copy(root().join(REFERENCE).join("src/lib.rs"), candidate.path().join("src/lib.rs")).unwrap();
    std::fs::write(candidate.path().join("src/notes.txt"), vec![b'x'; 1 << 20]).unwrap();
    let temp = tempfile::tempdir().unwrap();
    let set = [("TMPDIR", temp.path().as_os_str())];
    let args = ["grade", "fraud-scorer", candidate.path().to_str().unwrap(), "--format", "json"];
    let run = on_a_small_disk("256k", temp.path(), &args, &set);
    assert_environment_error(&run, "No space left on device");
}

#[test]
fn a_sandbox_that_cannot_start_is_a_harness_error_at_the_probe_and_at_a_build() {
    let args = ["grade", "fraud-scorer", REFERENCE, "--format", "json"];
    let refusing = script("harness", &format!("echo \"{NO_NAMESPACE}\" >&2\nexit 125\n"));
    let launcher = refusing.path().join("harness");
    let set = [("HARNESS_SANDBOX", OsStr::new("embedded")), ("HARNESS_CONFINE", launcher.as_os_str())];
    let run = harness_in(&args, &set, &[], &[]);
    assert_environment_error(&run, "failed to start the sandbox: the embedded sandbox cannot start here");
    let refusing = script("bwrap", &format!("echo '{NO_NAMESPACE_BWRAP}' >&2\nexit 1\n"));
    let bwrap = refusing.path().join("bwrap");
    let run =
        harness_in(&args, &[("HARNESS_SANDBOX", OsStr::new("bwrap")), ("HARNESS_BWRAP", bwrap.as_os_str())], &[], &[]);
    assert_environment_error(&run, "failed to start the sandbox: bubblewrap cannot create a sandbox here");
    // A sandbox that starts for the probes, then not for the build: today's kernel out of namespaces.
    let failing = failing_sandbox(false);
    let launcher = failing.path().join("harness");
    let set = [("HARNESS_CONFINE", launcher.as_os_str()), ("CARGO_NET_OFFLINE", OsStr::new("true"))];
    let run = harness_in(&args, &set, &[], &[]);
    assert_environment_error(&run, &format!("failed to build: the sandbox did not start ({NO_NAMESPACE})"));
}

#[test]
fn a_runner_that_writes_no_list_record_is_a_harness_error() {
    let bank = tempfile::tempdir().unwrap();
    let copy = |from: &str| {
        let to = bank.path().join(from);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        let status = Command::new("cp").arg("-r").arg(root().join(from)).arg(&to).status().unwrap();
        assert!(status.success());
    };
    copy("problems/fraud-scorer");
    copy(REFERENCE);
    // The suite's runner exits before the support library writes the list record.
    let suite = bank.path().join("problems/fraud-scorer/hidden/suite.rs");
    let text = std::fs::read_to_string(&suite).unwrap();
    let cases = "pub fn cases() -> Vec<Case> {";
    assert!(text.contains(cases), "the suite's entry point moved");
    std::fs::write(&suite, text.replace(cases, &format!("{cases}\n    std::process::exit(0);"))).unwrap();
    let reference = bank.path().join(REFERENCE);
    let root = bank.path().to_str().unwrap();
    let args = ["--root", root, "grade", "fraud-scorer", reference.to_str().unwrap(), "--format", "json"];
    let run = harness_in(&args, &[("CARGO_NET_OFFLINE", OsStr::new("true"))], &[], &[]);
    assert_environment_error(&run, "failed to list the hidden cases of `fraud-scorer`: no list record");
}

fn copy_reference(to: &Path) {
    std::fs::create_dir_all(to.join("src")).unwrap();
    std::fs::copy(root().join(REFERENCE).join("Cargo.toml"), to.join("Cargo.toml")).unwrap();
    std::fs::copy(root().join(REFERENCE).join("src/lib.rs"), to.join("src/lib.rs")).unwrap();
}

#[test]
fn in_a_batch_an_environment_failure_is_that_candidates_row_and_the_others_are_graded() {
    let temp = tempfile::tempdir().unwrap();
    let subs = temp.path().join("subs");
    copy_reference(&subs.join("alice"));
    copy_reference(&subs.join("bob"));
    let out = temp.path().join("out");
    let failing = failing_sandbox(true);
    let launcher = failing.path().join("harness");
    let set = [("HARNESS_CONFINE", launcher.as_os_str()), ("CARGO_NET_OFFLINE", OsStr::new("true"))];
    let (subs_arg, out_arg) = (subs.to_str().unwrap(), out.to_str().unwrap());
    let run = harness_in(&["grade-all", "fraud-scorer", subs_arg, "--out", out_arg], &set, &[], &[]);
    assert_eq!(run.code, 5, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("✗ alice: failed to build: the sandbox did not start"), "{}", run.stdout);
    assert!(run.stderr.contains("graded alice: harness error"), "{}", run.stderr);
    assert!(run.stderr.contains("graded bob: "), "{}", run.stderr);
    // Alice's row has no score: no total, band or points, in the table and in the CSV.
    let table_row = run.stdout.lines().find(|l| l.contains("alice") && l.contains("harness error")).unwrap_or_default();
    assert_eq!(table_row.matches('–').count(), 6, "{}", run.stdout);
    let csv = std::fs::read_to_string(out.join("leaderboard.csv")).unwrap();
    let csv_row: Vec<&str> = csv.lines().find(|l| l.contains(",alice,")).unwrap().split(',').collect();
    assert_eq!(csv_row[3..10], ["", "", "error", "", "", "", ""], "{csv}");
    let board: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("leaderboard.json")).unwrap()).unwrap();
    let row = |name: &str| board["entries"].as_array().unwrap().iter().find(|e| e["candidate"] == name).cloned();
    let (alice, bob) = (row("alice").unwrap(), row("bob").unwrap());
    assert_eq!((alice["verdict"].as_str(), alice["band"].as_str()), (Some("error"), None), "{alice}");
    assert!(alice["message"].as_str().unwrap().contains(NO_NAMESPACE), "{alice}");
    assert_eq!(bob["verdict"], "graded", "{bob}");
    assert!(bob["total"].as_f64().unwrap() > 90.0, "{bob}");
    let failure = std::fs::read_to_string(out.join("alice.json")).unwrap();
    assert!(failure.contains("harness-batch-failure/1") && !failure.contains("\"scorecard\""), "{failure}");
}

#[test]
fn a_batch_whose_crates_cannot_be_fetched_stops_before_any_candidate_in_one_line() {
    let temp = tempfile::tempdir().unwrap();
    let subs = temp.path().join("subs");
    copy_reference(&subs.join("alice"));
    let (target, home) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let set = [
        ("HARNESS_TARGET_DIR", target.path().as_os_str()),
        ("CARGO_HOME", home.path().as_os_str()),
        ("CARGO_NET_OFFLINE", OsStr::new("true")),
    ];
    let out = temp.path().join("out");
    let args = ["grade-all", "fraud-scorer", subs.to_str().unwrap(), "--out", out.to_str().unwrap()];
    let run = harness_in(&args, &set, &[], &[]);
    assert_environment_error(&run, "failed to fetch the crates the runner needs");
    assert!(run.stderr.contains("fetching the crates the runner needs into "), "{}", run.stderr);
    assert!(!out.join("alice.json").exists(), "no candidate was graded");
}
