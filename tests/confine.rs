//! The sandbox's launchers: `harness-contain`, the embedded backend's namespaces and mounts, on its own (it needs
//! user namespaces and fails loudly without them); and the Landlock layer, the `harness-confine` launcher, on its own
//! and inside the sandbox, where it denies what the namespaces alone allow. Tests that need Landlock say so and
//! return on a kernel without it.

use harness_sandbox::{Backend, Jail, Sandbox, Who};
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
fn in_the_sandbox_landlock_denies_what_the_namespaces_alone_allow() {
    use std::os::unix::process::CommandExt;
    if !has_landlock("in_the_sandbox_landlock_denies_what_the_namespaces_alone_allow") {
        return;
    }
    let sandbox = Sandbox::detect(false).expect("the sandbox works here");
    let embedded = sandbox.backend() == Some(Backend::Embedded);
    let layers = sandbox.layers().active;
    assert!(layers.iter().any(|layer| matches!(layer, harness_sandbox::Layer::Landlock { .. })), "{layers:?}");
    // Make a dir in the sandbox's root, rename itself through /proc, signal the sandbox's init, use /tmp.
    let script = "mkdir /escape && echo made; echo x > /proc/self/comm && echo renamed; kill -0 1 && echo signalled; \
                  echo tmp > /tmp/t && cat /tmp/t";
    let args = [OsString::from("-c"), OsString::from(script)];
    let jail = Jail::new(sandbox).unwrap();
    let mut confined = jail.command(Path::new("/usr/bin/sh"), &args, &[], None, Who::Candidate);
    // The namespaces alone: the same sandbox, the program started without the launcher.
    let options: Vec<OsString> = confined.get_args().map(ToOwned::to_owned).collect();
    let dashes = options.iter().position(|arg| arg == "--").expect("the sandbox's options end with --");
    assert_eq!(options[dashes + 1], "/run/harness-confine", "{options:?}");
    let mut alone = Command::new(confined.get_program());
    if embedded {
        alone.arg0("harness-contain");
    }
    alone.args(&options[..=dashes]).arg("/usr/bin/sh").args(&args);

    let alone = alone.output().unwrap();
    // The embedded backend's root is read-only already; bubblewrap's is a writable tmpfs.
    let made = if embedded { "" } else { "made\n" };
    assert_eq!(text(&alone.stdout), format!("{made}renamed\nsignalled\ntmp\n"), "{}", text(&alone.stderr));
    let confined = confined.output().unwrap();
    assert_eq!(text(&confined.stdout), "tmp\n", "{}", text(&confined.stderr));
    let stderr = text(&confined.stderr);
    assert!(stderr.contains("Permission denied") && stderr.contains("Operation not permitted"), "{stderr}");
}

#[test]
fn without_landlock_grading_refuses_unless_allowed_and_then_the_report_does_not_claim_it() {
    // A launcher whose probe finds no Landlock, as on a kernel without it; started as `harness-contain` (the embedded
    // sandbox, which the same variable names), it is a copy of the harness under that name.
    let dir = tempfile::tempdir().unwrap();
    let harness = dir.path().join("harness");
    std::fs::copy(HARNESS, &harness).unwrap();
    let script = format!(
        "#!/bin/bash\nif [ \"$1\" = --probe ]; then echo 'not enforced'; else exec -a harness-contain {} \"$@\"; fi\n",
        harness.display()
    );
    let fake = executable(dir.path(), "harness-confine", &script);
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

/// An executable script `name` in `dir` (both reachable by every user, as a sandbox's user must reach its launcher).
fn executable(dir: &Path, name: &str, script: &str) -> String {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(&path, script).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn with_bubblewrap_asked_for_and_missing_grading_refuses_unless_allowed_and_then_runs_unsandboxed_saying_so() {
    // bubblewrap chosen, and none where the harness is told to find it.
    let vars = [("HARNESS_SANDBOX", "bwrap"), ("HARNESS_BWRAP", "/nonexistent/bwrap")];
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

#[test]
fn where_the_kernel_refuses_user_namespaces_grading_fails_with_one_line_naming_the_cause() {
    // A launcher that fails the way harness-contain does when unshare is refused.
    let dir = tempfile::tempdir().unwrap();
    let script = "#!/bin/sh\necho \"harness-contain: failed to create the sandbox's namespaces (unshare): Operation not \
                  permitted (os error 1)\" >&2\nexit 125\n";
    let fake = executable(dir.path(), "harness", script);
    let vars = [("HARNESS_SANDBOX", "embedded"), ("HARNESS_CONFINE", fake.as_str())];
    let refused =
        crate::support::harness_with_env(&["grade", "fraud-scorer", "solutions/fraud-scorer/reference"], &vars);
    assert_eq!(refused.code, 5, "{}{}", refused.stdout, refused.stderr);
    assert_eq!(refused.stderr.lines().count(), 1, "{}", refused.stderr);
    let line = &refused.stderr;
    assert!(line.starts_with("error: failed to start the sandbox: "), "{line}");
    assert!(line.contains("(unshare): Operation not permitted") && line.contains("--allow-unsandboxed"), "{line}");
}

#[test]
fn an_unknown_sandbox_backend_is_refused_in_one_line() {
    let refused = crate::support::harness_with_env(
        &["grade", "fraud-scorer", "solutions/fraud-scorer/reference"],
        &[("HARNESS_SANDBOX", "docker")],
    );
    assert_eq!(refused.code, 5, "{}{}", refused.stdout, refused.stderr);
    assert_eq!(refused.stderr.lines().count(), 1, "{}", refused.stderr);
    assert!(refused.stderr.contains("HARNESS_SANDBOX is `docker`"), "{}", refused.stderr);
}

/// `harness-contain` with the options every sandbox gets (the system read-only as `Sandbox` binds it, a fresh
/// `/proc`, a minimal `/dev`, a small `/tmp` to start in, `PATH`), then `extra`, then the program.
fn contain_command(extra: &[&str], program: &[&str]) -> Command {
    use std::os::unix::process::CommandExt;
    let mut command = Command::new(HARNESS);
    command.arg0("harness-contain").args(["--ro-bind", "/usr", "/usr"]);
    for link in ["/bin", "/lib", "/lib64", "/sbin"] {
        if let Ok(target) = std::fs::read_link(link) {
            command.arg("--symlink").arg(target).arg(link);
        } else if Path::new(link).is_dir() {
            command.args(["--ro-bind", link, link]);
        }
    }
    command.args(["--proc", "/proc", "--dev", "/dev", "--size", "1048576", "--tmpfs", "/tmp", "--chdir", "/tmp"]);
    command.args(["--setenv", "PATH", "/usr/bin:/bin"]).args(extra).arg("--").args(program);
    command
}

fn contain(extra: &[&str], program: &[&str]) -> Output {
    contain_command(extra, program).output().expect("the launcher starts")
}

/// The program's stdout, after checking the launcher and the program succeeded.
fn contained(extra: &[&str], script: &str) -> String {
    let run = contain(extra, &["/usr/bin/sh", "-c", script]);
    assert!(run.status.success(), "{:?}: {}{}", run.status, text(&run.stdout), text(&run.stderr));
    text(&run.stdout)
}

#[test]
fn in_the_embedded_sandbox_usr_and_the_root_are_read_only_and_a_bound_dir_is_writable() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let script = format!("touch /usr/escape 2>&1; mkdir /escape 2>&1; echo made > {d}/made && echo wrote");
    let out = contained(&["--bind", d, d], &script);
    assert_eq!(out.matches("Read-only file system").count(), 2, "{out}");
    assert!(out.ends_with("wrote\n"), "{out}");
    assert_eq!(std::fs::read_to_string(dir.path().join("made")).unwrap(), "made\n");
    assert!(!Path::new("/usr/escape").exists() && !Path::new("/escape").exists());
}

#[test]
fn the_embedded_sandbox_shows_nothing_of_the_host_but_what_it_is_given() {
    let host = tempfile::tempdir().unwrap();
    std::fs::write(host.path().join("secret"), "hidden").unwrap();
    let secret = host.path().join("secret");
    let script = format!(
        "for p in /home /root /work /etc /var /opt /srv /mnt {}; do test -e $p && echo \"visible $p\"; done; ls -A /",
        secret.display()
    );
    let out = contained(&[], &script);
    assert!(!out.contains("visible"), "{out}");
    let allowed = ["bin", "dev", "lib", "lib64", "proc", "sbin", "tmp", "usr"];
    assert!(out.lines().all(|entry| allowed.contains(&entry)), "the root holds more: {out}");
}

#[test]
fn the_embedded_sandbox_has_no_network_but_its_own_loopback_which_is_down() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let script = format!("cat /proc/net/dev; echo x > /dev/tcp/127.0.0.1/{port} && echo connected");
    let run = contain(&[], &["/usr/bin/bash", "-c", &script]);
    let (out, err) = (text(&run.stdout), text(&run.stderr));
    let interfaces: Vec<&str> = out.lines().skip(2).filter_map(|l| l.split(':').next()).map(str::trim).collect();
    assert_eq!(interfaces, ["lo"], "{out}");
    assert!(!out.contains("connected") && err.contains("Network is unreachable"), "{out}{err}");
    assert!(listener.accept().is_err(), "the sandbox reached the host's loopback");
}

#[test]
fn a_program_in_the_embedded_sandbox_is_pid_2_and_sees_only_the_namespace_s_processes() {
    let out = contained(&[], "echo $$; for p in /proc/[0-9]*; do echo ${p#/proc/}; done");
    assert_eq!(out, "2\n1\n2\n");
}

#[test]
fn the_embedded_sandbox_s_program_has_no_capabilities_a_cleared_environment_and_a_hostname_of_its_own() {
    let env = contain(&["--setenv", "A", "1"], &["/usr/bin/env"]);
    assert!(env.status.success(), "{}", text(&env.stderr));
    let mut vars: Vec<String> = text(&env.stdout).lines().map(str::to_owned).collect();
    vars.sort();
    assert_eq!(vars, ["A=1", "PATH=/usr/bin:/bin"], "only the given variables");
    let out = contained(&[], "pwd; cat /proc/sys/kernel/hostname; grep ^Cap /proc/self/status; id -u");
    let mut lines = out.lines();
    assert_eq!((lines.next(), lines.next()), (Some("/tmp"), Some("harness")), "{out}");
    let caps: Vec<&str> = lines.by_ref().take(5).collect();
    assert!(caps.len() == 5 && caps.iter().all(|l| l.ends_with("\t0000000000000000")), "{out}");
    // SAFETY: getuid has no preconditions.
    assert_eq!(lines.next(), Some(unsafe { libc::getuid() }.to_string().as_str()), "the same uid inside: {out}");
}

#[test]
fn nothing_in_the_embedded_sandbox_may_create_a_user_namespace_of_its_own() {
    let run = contain(&[], &["/usr/bin/sh", "-c", "unshare --user true && echo nested"]);
    let (out, err) = (text(&run.stdout), text(&run.stderr));
    assert!(!out.contains("nested") && err.contains("No space left on device"), "{out}{err}");
}

#[test]
fn the_embedded_sandbox_exits_with_the_program_s_code_or_128_plus_its_signal() {
    assert_eq!(contain(&[], &["/usr/bin/sh", "-c", "exit 7"]).status.code(), Some(7));
    let killed = contain(&[], &["/usr/bin/sh", "-c", "kill -SEGV $$"]);
    assert_eq!(killed.status.code(), Some(128 + 11), "{}", text(&killed.stderr));
    assert_eq!(Sandbox::detect(true).unwrap().signal_of(128 + 11), Some(libc::SIGSEGV));
}

#[test]
fn the_launcher_fails_with_125_and_one_line_when_it_cannot_build_the_sandbox_or_start_the_program() {
    let runs = [
        contain(&["--bogus"], &["/usr/bin/true"]),
        contain(&["--ro-bind", "/no/such/dir", "/x"], &["/usr/bin/true"]),
        contain(&["--bind", "/usr", "relative"], &["/usr/bin/true"]),
        contain(&[], &["/no/such/program"]),
    ];
    for run in runs {
        let stderr = text(&run.stderr);
        assert_eq!(run.status.code(), Some(125), "{stderr}");
        assert!(stderr.starts_with("harness-contain: failed to ") && stderr.lines().count() == 1, "{stderr}");
    }
}

/// Host processes that are `sleep {mark}` (zombies have no command line).
fn running(mark: &str) -> usize {
    let Ok(entries) = std::fs::read_dir("/proc") else { return 0 };
    let sleep = format!("sleep\0{mark}\0");
    entries
        .filter_map(Result::ok)
        .filter_map(|entry| std::fs::read(entry.path().join("cmdline")).ok())
        .filter(|cmdline| *cmdline == sleep.as_bytes())
        .count()
}

/// Waits up to 5 s for every `sleep {mark}` to be gone; whether they are.
fn gone(mark: &str) -> bool {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while running(mark) > 0 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    running(mark) == 0
}

/// A sleep no other process has: its duration is unique to this test process.
fn sleep_mark(n: u32) -> String {
    format!("{}.{n}{}", 40 + std::process::id() % 50, std::process::id())
}

#[test]
fn a_daemon_does_not_outlive_the_program_that_started_it() {
    let mark = sleep_mark(1);
    let script = format!(
        "setsid sh -c 'exec sleep {mark}' </dev/null >/dev/null 2>&1 & \
         while ! grep -q {mark} /proc/3/cmdline 2>/dev/null; do :; done; echo started"
    );
    assert_eq!(contained(&[], &script), "started\n");
    assert!(gone(&mark), "the setsid daemon survived its sandbox");
}

#[test]
fn killing_the_launcher_leaves_nothing_of_its_sandbox_running() {
    use std::io::BufRead;
    let mark = sleep_mark(2);
    let script =
        format!("setsid sh -c 'exec sleep {mark}' </dev/null >/dev/null 2>&1 & echo started; exec sleep {mark}");
    let mut launcher = contain_command(&[], &["/usr/bin/sh", "-c", &script])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("the launcher starts");
    let mut line = String::new();
    std::io::BufReader::new(launcher.stdout.take().unwrap()).read_line(&mut line).unwrap();
    assert_eq!(line, "started\n");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while running(&mark) < 2 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(running(&mark), 2, "the program and its daemon run");
    // Only the launcher itself: the sandbox's init must die with it, and the namespace with its init.
    launcher.kill().unwrap();
    launcher.wait().unwrap();
    assert!(gone(&mark), "a process of the sandbox outlived its launcher");
}

#[test]
fn where_the_kernel_allows_no_more_user_namespaces_grading_refuses_in_one_line_naming_the_setting() {
    use std::io::{BufRead, Write};
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    assert!(root, "this test maps the grade uids (from 1 000 000) into a user namespace of its own: run it as root");
    // The harness in a user namespace of its own (every uid mapped to itself, so it is root there and drops to a
    // grade's uid as on the host) whose limit of nested user namespaces is 0: the kernel refuses the sandbox's
    // namespaces as it does with user.max_user_namespaces=0 on the host. The shell waits for the map, then starts a
    // second shell (root, with its capabilities, only once the map exists) that sets the limit and runs the harness.
    let inner = "echo 0 > /proc/sys/user/max_user_namespaces && exec \"$0\" \"$@\"";
    let outer = format!("echo ready; read go; exec sh -c '{inner}' \"$@\"");
    let mut child = Command::new("unshare")
        .args([
            "--user",
            "sh",
            "-c",
            &outer,
            "sh",
            HARNESS,
            "grade",
            "fraud-scorer",
            "solutions/fraud-scorer/reference",
        ])
        .current_dir(crate::support::root())
        .env("HARNESS_SANDBOX", "")
        .env_remove("HARNESS_CONFINE")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("unshare (util-linux) runs");
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    assert_eq!(line, "ready\n", "the user namespace was not created");
    for map in ["uid_map", "gid_map"] {
        std::fs::write(format!("/proc/{}/{map}", child.id()), "0 0 4294967295\n").unwrap();
    }
    child.stdin.take().unwrap().write_all(b"go\n").unwrap();
    let done = child.wait_with_output().unwrap();
    let stderr = text(&done.stderr);
    assert_eq!(done.status.code(), Some(5), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("user namespaces are disabled (sysctl user.max_user_namespaces=0)"), "{stderr}");
    assert!(stderr.contains("No space left on device") && stderr.contains("--allow-unsandboxed"), "{stderr}");
}
