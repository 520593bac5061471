//! The Landlock layer: the `harness-confine` launcher on its own, and inside the sandbox, where it denies what
//! bubblewrap alone allows. Tests that need Landlock say so and return on a kernel without it.

use harness_sandbox::{Jail, Sandbox, Who};
use std::ffi::OsString;
use std::path::Path;
use std::process::{Command, Output};

/// The harness executable, which is the launcher when started as `harness-confine`.
const HARNESS: &str = env!("CARGO_BIN_EXE_harness");
/// What a dynamically linked program in `/usr/bin` needs to start (the links are skipped where they are symlinks
/// into `/usr`, or missing).
const SYSTEM: [&str; 8] = ["--ro", "/usr", "--ro", "/lib", "--ro", "/lib64", "--ro", "/bin"];

/// The running kernel's Landlock ABI (0 without Landlock), asked of the kernel itself rather than of the launcher.
fn kernel_abi() -> i64 {
    // SAFETY: landlock_create_ruleset with no attributes and LANDLOCK_CREATE_RULESET_VERSION only returns a number.
    let abi =
        unsafe { libc::syscall(libc::SYS_landlock_create_ruleset, std::ptr::null::<libc::c_void>(), 0usize, 1u32) };
    abi.max(0)
}

fn has_landlock(test: &str) -> bool {
    let has = kernel_abi() > 0;
    if !has {
        eprintln!("note: {test} skipped: this kernel has no Landlock");
    }
    has
}

fn confine(args: &[&str]) -> Output {
    use std::os::unix::process::CommandExt;
    Command::new(HARNESS).arg0("harness-confine").args(args).output().expect("the launcher starts")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn the_probe_reports_the_abi_the_kernel_enforces() {
    let probe = confine(&["--probe"]);
    assert!(probe.status.success(), "{}", text(&probe.stderr));
    let stdout = text(&probe.stdout);
    match kernel_abi() {
        0 => assert_eq!(stdout, "not enforced\n"),
        abi => assert!(stdout.ends_with(&format!(" enforced abi {}\n", abi.min(10))), "kernel ABI {abi}: {stdout}"),
    }
}

#[test]
fn a_confined_program_reads_only_beneath_its_read_only_paths() {
    if !has_landlock("a_confined_program_reads_only_beneath_its_read_only_paths") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("secret");
    std::fs::write(&secret, "hidden material").unwrap();
    let (dir, secret) = (dir.path().to_str().unwrap(), secret.to_str().unwrap());

    let denied = confine(&[&SYSTEM[..], &["--", "/usr/bin/cat", secret]].concat());
    assert!(!denied.status.success(), "read without --ro: {}", text(&denied.stdout));
    assert!(text(&denied.stderr).contains("Permission denied"), "{}", text(&denied.stderr));
    assert_eq!(text(&denied.stdout), "");

    let allowed = confine(&[&SYSTEM[..], &["--ro", dir, "--", "/usr/bin/cat", secret]].concat());
    assert!(allowed.status.success(), "{}", text(&allowed.stderr));
    assert_eq!(text(&allowed.stdout), "hidden material");
}

#[test]
fn a_confined_program_writes_only_beneath_its_read_write_paths() {
    if !has_landlock("a_confined_program_writes_only_beneath_its_read_write_paths") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let made = dir.path().join("made");
    let script = format!("echo x > {}", made.display());
    let dir = dir.path().to_str().unwrap();

    let denied = confine(&[&SYSTEM[..], &["--ro", dir, "--", "/usr/bin/sh", "-c", &script]].concat());
    assert!(!denied.status.success() && !made.exists(), "wrote beneath a --ro path");
    assert!(text(&denied.stderr).contains("Permission denied"), "{}", text(&denied.stderr));

    let allowed = confine(&[&SYSTEM[..], &["--rw", dir, "--", "/usr/bin/sh", "-c", &script]].concat());
    assert!(allowed.status.success(), "{}", text(&allowed.stderr));
    assert_eq!(std::fs::read_to_string(&made).unwrap(), "x\n");
}

#[test]
fn a_path_that_does_not_exist_is_skipped() {
    let run =
        confine(&[&["--ro", "/no/such/dir", "--rw", "/no/such/file"], &SYSTEM[..], &["--", "/usr/bin/true"]].concat());
    assert!(run.status.success(), "{}", text(&run.stderr));
}

#[test]
fn the_launcher_fails_with_125_and_one_line_when_it_cannot_run_the_program() {
    for args in [&["--ro", "/usr"][..], &["--bogus", "--", "/usr/bin/true"], &["--ro"], &["--", "/no/such/program"]] {
        let run = confine(args);
        let stderr = text(&run.stderr);
        assert_eq!(run.status.code(), Some(125), "{args:?}: {stderr}");
        assert!(stderr.starts_with("harness-confine: failed to ") && stderr.lines().count() == 1, "{args:?}: {stderr}");
    }
}

#[test]
fn in_the_sandbox_landlock_denies_what_bubblewrap_alone_allows() {
    if !has_landlock("in_the_sandbox_landlock_denies_what_bubblewrap_alone_allows") {
        return;
    }
    let sandbox = Sandbox::detect(false).expect("bubblewrap works here");
    let layers = sandbox.layers().active;
    assert!(layers.iter().any(|layer| matches!(layer, harness_sandbox::Layer::Landlock { .. })), "{layers:?}");
    // Make a dir in the sandbox's root, rename itself through /proc, signal the sandbox's init, use /tmp.
    let script = "mkdir /escape && echo made; echo x > /proc/self/comm && echo renamed; kill -0 1 && echo signalled; \
                  echo tmp > /tmp/t && cat /tmp/t";
    let args = [OsString::from("-c"), OsString::from(script)];
    let jail = Jail::new(sandbox).unwrap();
    let mut confined = jail.command(Path::new("/usr/bin/sh"), &args, &[], None, Who::Candidate);
    // bubblewrap alone: the same sandbox, the program started without the launcher.
    let options: Vec<OsString> = confined.get_args().map(ToOwned::to_owned).collect();
    let dashes = options.iter().position(|arg| arg == "--").expect("bubblewrap's options end with --");
    assert_eq!(options[dashes + 1], "/run/harness-confine", "{options:?}");
    let mut alone = Command::new(confined.get_program());
    alone.args(&options[..=dashes]).arg("/usr/bin/sh").args(&args);

    let alone = alone.output().unwrap();
    assert_eq!(text(&alone.stdout), "made\nrenamed\nsignalled\ntmp\n", "{}", text(&alone.stderr));
    let confined = confined.output().unwrap();
    assert_eq!(text(&confined.stdout), "tmp\n", "{}", text(&confined.stderr));
    let stderr = text(&confined.stderr);
    assert!(stderr.contains("Permission denied") && stderr.contains("Operation not permitted"), "{stderr}");
}

#[test]
fn without_landlock_grading_refuses_unless_allowed_and_then_the_report_does_not_claim_it() {
    use std::os::unix::fs::PermissionsExt;
    // A launcher whose probe finds no Landlock, as on a kernel without it.
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("harness-confine");
    std::fs::write(&fake, "#!/bin/sh\necho 'not enforced'\n").unwrap();
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let fake = fake.to_string_lossy().into_owned();
    let vars = [("HARNESS_CONFINE", fake.as_str())];
    let reference = ["grade", "fraud-scorer", "solutions/fraud-scorer/reference", "--format", "json"];

    let refused = crate::support::harness_with_env(&reference, &vars);
    assert_eq!(refused.code, 5, "{}{}", refused.stdout, refused.stderr);
    assert_eq!(refused.stderr.lines().count(), 1, "{}", refused.stderr);
    assert!(refused.stderr.contains("Landlock is not enforced"), "{}", refused.stderr);
    assert!(refused.stderr.contains("--allow-unsandboxed"), "{}", refused.stderr);

    let allowed = crate::support::harness_with_env(&[&reference[..], &["--allow-unsandboxed"]].concat(), &vars);
    assert_eq!(allowed.code, 0, "{}", allowed.stderr);
    let grade = crate::support::json(&allowed);
    assert_eq!(grade["scorecard"]["total"], 100.0, "bubblewrap alone still grades");
    assert_eq!(grade["sandbox"]["sandboxed"], true);
    let layers = grade["sandbox"]["active"].as_array().unwrap();
    assert!(!layers.iter().any(|l| l.as_str().unwrap_or("").contains("Landlock")), "{layers:?}");
}

#[test]
fn without_bubblewrap_grading_refuses_unless_allowed_and_then_runs_unsandboxed_saying_so() {
    // No bubblewrap where the harness is told to find it.
    let vars = [("HARNESS_BWRAP", "/nonexistent/bwrap")];
    let reference = ["grade", "fraud-scorer", "solutions/fraud-scorer/reference", "--format", "json"];

    let refused = crate::support::harness_with_env(&reference, &vars);
    assert_eq!(refused.code, 5, "{}{}", refused.stdout, refused.stderr);
    assert!(refused.stderr.contains("bubblewrap (bwrap) is not installed"), "{}", refused.stderr);

    let allowed = crate::support::harness_with_env(&[&reference[..], &["--allow-unsandboxed"]].concat(), &vars);
    assert_eq!(allowed.code, 0, "{}", allowed.stderr);
    let grade = crate::support::json(&allowed);
    assert_eq!(grade["scorecard"]["total"], 100.0, "an unsandboxed build and run still grade");
    assert_eq!(grade["sandbox"]["sandboxed"], false);
    let layers = grade["sandbox"]["active"].as_array().unwrap();
    assert!(!layers.iter().any(|l| l.as_str().is_some_and(|l| l.contains("bubblewrap"))), "{layers:?}");
}
