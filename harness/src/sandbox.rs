//! The one owner of the sandbox every candidate process runs in (trials, measurements, the candidate's own tests):
//! bubblewrap with every namespace unshared, nothing of the host visible but the system's read-only `/usr` and the
//! files a run needs, a size-capped `/tmp`, a cleared environment, no capabilities, and (when the harness runs as
//! root) a drop to an unprivileged uid before bubblewrap starts. `process` adds rlimits and the wall-clock kill.

use crate::error::{Error, Result};
use serde::Serialize;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// When the harness is root, each grade's candidate processes run as a uid of their own from this range (and the
/// reference's measurements as the next uid): `RLIMIT_NPROC` counts per uid, so one grade's fork bomb can neither
/// starve another grade running beside it nor the reference it is measured against.
const UID_BASE: u32 = 1_000_000;
/// Size of the sandbox's private `/tmp`.
const TMP_BYTES: u64 = 64 << 20;

/// How candidate processes are confined in this grade.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sandbox {
    bwrap: Option<PathBuf>,
}

/// Whose code a confined process runs: the candidate's (every trial and test), or only the reference's (its side
/// of a measurement), which runs as a uid of its own so the candidate's processes cannot starve it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    Candidate,
    Reference,
}

/// Whether a path inside the sandbox may be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    ReadOnly,
    ReadWrite,
}

/// What a report says about the confinement of candidate code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Layers {
    /// Whether candidate code ran inside bubblewrap.
    pub sandboxed: bool,
    /// Each active layer, in words.
    pub active: Vec<String>,
}

impl Sandbox {
    /// bubblewrap when it works here; otherwise an error, unless `allow_unsandboxed` (self-assessment on a machine
    /// without it), in which case candidate code runs with process groups and rlimits only.
    pub fn detect(allow_unsandboxed: bool) -> Result<Sandbox> {
        static PROBE: OnceLock<std::result::Result<PathBuf, String>> = OnceLock::new();
        match PROBE.get_or_init(probe) {
            Ok(bwrap) => Ok(Sandbox { bwrap: Some(bwrap.clone()) }),
            Err(_) if allow_unsandboxed => Ok(Sandbox { bwrap: None }),
            Err(why) => Err(Error::Harness(format!(
                "failed to start the sandbox: {why}; install bubblewrap (apt-get install bubblewrap), or pass \
                 --allow-unsandboxed to run candidate code without it (only for your own code)"
            ))),
        }
    }

    /// No sandbox (unit tests of the engine, which run only code of this repository).
    pub fn none() -> Sandbox {
        Sandbox { bwrap: None }
    }

    pub fn is_active(&self) -> bool {
        self.bwrap.is_some()
    }

    /// The layers a report lists.
    pub fn layers(&self) -> Layers {
        let mut active = Vec::new();
        if self.bwrap.is_some() {
            active
                .push("bubblewrap: user, pid, network, IPC, UTS and cgroup namespaces (no network at all)".to_owned());
            active.push("filesystem: read-only /usr, only the files the run needs, private /tmp of 64 MiB".to_owned());
            active.push(
                "privileges: a uid of the grade's own when started as root, no capabilities, no_new_privs".to_owned(),
            );
            active.push("environment: cleared (only the harness's own variables)".to_owned());
        }
        active.push("rlimits: CPU time, address space, file size, open files, processes, no core dumps".to_owned());
        active.extend(crate::cgroup::layer());
        active.push(if self.bwrap.is_some() {
            "wall-clock limit: the sandbox's whole PID namespace is killed".to_owned()
        } else if crate::cgroup::available().is_some() {
            "wall-clock limit: the process group is killed, then every process left in the run's cgroup (a setsid \
             daemon included)"
                .to_owned()
        } else {
            "wall-clock limit: the process group is killed (a setsid daemon may survive)".to_owned()
        });
        Layers { sandboxed: self.bwrap.is_some(), active }
    }

    /// A command that runs `program args…` confined, seeing `paths` (each at its own path) and nothing else of the
    /// host but `/usr`, as `uid` (and the same gid) when given. `env` is the whole environment the program gets.
    pub fn command(
        &self,
        program: &Path,
        args: &[OsString],
        env: &[(&str, String)],
        paths: &[(&Path, Access)],
        uid: Option<u32>,
    ) -> Command {
        let Some(bwrap) = &self.bwrap else {
            let mut command = Command::new(program);
            command.args(args).env_clear().envs(env.iter().map(|(k, v)| (k, v))).env("PATH", "/usr/bin:/bin");
            return command;
        };
        let mut command = Command::new(bwrap);
        command.env_clear();
        command.args(["--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL"]);
        command.args(["--ro-bind", "/usr", "/usr"]);
        for link in ["bin", "lib", "lib64", "sbin"] {
            let host = Path::new("/").join(link);
            match std::fs::read_link(&host) {
                Ok(target) => {
                    command.arg("--symlink").arg(target).arg(&host);
                }
                Err(_) if host.is_dir() => {
                    command.arg("--ro-bind").arg(&host).arg(&host);
                }
                Err(_) => {}
            }
        }
        command.args(["--proc", "/proc", "--dev", "/dev"]);
        command.args(["--size", &TMP_BYTES.to_string(), "--tmpfs", "/tmp"]);
        for (path, access) in paths {
            let flag = match access {
                Access::ReadOnly => "--ro-bind",
                Access::ReadWrite => "--bind",
            };
            command.arg(flag).arg(path).arg(path);
        }
        command.args(["--chdir", "/tmp", "--clearenv", "--setenv", "PATH", "/usr/bin:/bin"]);
        for (name, value) in env {
            command.arg("--setenv").arg(name).arg(value);
        }
        command.arg("--").arg(program).args(args);
        if let Some(uid) = uid {
            use std::os::unix::process::CommandExt;
            command.uid(uid).gid(uid);
        }
        command
    }

    /// Whether candidate processes get a uid of their own: when the harness runs as root (bubblewrap started by root
    /// keeps every capability in the host), and only inside bubblewrap.
    fn drops_privileges(&self) -> bool {
        // SAFETY: geteuid has no preconditions.
        self.bwrap.is_some() && unsafe { libc::geteuid() } == 0
    }

    /// bubblewrap reports a child killed by signal N as exit code 128 + N; this turns it back into the signal.
    pub fn signal_of(&self, code: i32) -> Option<i32> {
        (self.bwrap.is_some() && (129..160).contains(&code)).then(|| code - 128)
    }
}

/// A grade's private folder for what candidate processes may see: copies of the executables they run (read-only in
/// the sandbox, so a trial cannot replace the runner the next trial starts) and one fresh output folder per
/// measurement (the only place they may write). It lives outside the job dir, handed to the sandbox's user, so an
/// unprivileged sandbox can bind it even when the build dirs are private to root.
#[derive(Debug)]
pub struct Jail {
    pub sandbox: Sandbox,
    dir: tempfile::TempDir,
    outputs: std::sync::atomic::AtomicUsize,
    /// The candidate's uid (the reference's is the next one), when the harness is root.
    uid: Option<u32>,
}

/// Grades this process has started, for choosing each one's uid.
static GRADES: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

impl Jail {
    pub fn new(sandbox: Sandbox) -> Result<Jail> {
        let dir = tempfile::Builder::new()
            .prefix("harness-sandbox-")
            .tempdir()
            .map_err(|e| Error::io("create", "a sandbox dir", e))?;
        std::fs::create_dir(dir.path().join("bin")).map_err(|e| Error::io("create", dir.path(), e))?;
        set_mode(dir.path(), 0o755)?;
        set_mode(&dir.path().join("bin"), 0o755)?;
        let uid = sandbox.drops_privileges().then(|| {
            let grade = GRADES.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % 32;
            UID_BASE + (std::process::id() % 100_000) * 64 + grade * 2
        });
        Ok(Jail { sandbox, dir, outputs: std::sync::atomic::AtomicUsize::new(0), uid })
    }

    /// Copies the executable `exe` into the jail and returns the copy's path (the same file name).
    pub fn admit(&self, exe: &Path) -> Result<PathBuf> {
        let name = exe.file_name().ok_or_else(|| Error::Harness(format!("failed to name {}", exe.display())))?;
        let copy = self.dir.path().join("bin").join(name);
        if !copy.exists() {
            std::fs::copy(exe, &copy).map_err(|e| Error::io("copy", exe, e))?;
            set_mode(&copy, 0o755)?;
        }
        Ok(copy)
    }

    /// A fresh folder the next confined process may write to (callgrind's output), owned by the user it runs as.
    pub fn output_dir(&self, who: Who) -> Result<PathBuf> {
        let n = self.outputs.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = self.dir.path().join(format!("out-{n}"));
        std::fs::create_dir(&dir).map_err(|e| Error::io("create", &dir, e))?;
        if let Some(uid) = self.uid_of(who) {
            std::os::unix::fs::chown(&dir, Some(uid), Some(uid)).map_err(|e| Error::io("hand over", &dir, e))?;
        }
        Ok(dir)
    }

    fn uid_of(&self, who: Who) -> Option<u32> {
        self.uid.map(|uid| match who {
            Who::Candidate => uid,
            Who::Reference => uid + 1,
        })
    }

    /// Runs `program` (a path returned by [`admit`](Self::admit), or a system program under `/usr`) confined:
    /// the jail's executables are visible read-only, `writable` (an [`output_dir`](Self::output_dir)) read-write.
    pub fn command(
        &self,
        program: &Path,
        args: &[OsString],
        env: &[(&str, String)],
        writable: Option<&Path>,
        who: Who,
    ) -> Command {
        let bin = self.dir.path().join("bin");
        let mut paths = vec![(bin.as_path(), Access::ReadOnly)];
        if let Some(dir) = writable {
            paths.push((dir, Access::ReadWrite));
        }
        self.sandbox.command(program, args, env, &paths, self.uid_of(who))
    }
}

fn set_mode(path: &Path, mode: u32) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .map_err(|e| Error::io("set the mode of", path, e))
}

/// Finds bubblewrap and checks it can build a sandbox here (namespaces may be disabled in a container).
fn probe() -> std::result::Result<PathBuf, String> {
    let bwrap = PathBuf::from("bwrap");
    let sandbox = Sandbox { bwrap: Some(bwrap.clone()) };
    let uid = sandbox.drops_privileges().then_some(UID_BASE);
    let mut command = sandbox.command(Path::new("/usr/bin/true"), &[], &[], &[], uid);
    let output = command.stdin(Stdio::null()).output();
    match output {
        Ok(out) if out.status.success() => Ok(bwrap),
        Ok(out) => Err(format!(
            "bubblewrap cannot create a sandbox here ({})",
            String::from_utf8_lossy(&out.stderr).trim().lines().next().unwrap_or("no message")
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err("bubblewrap (bwrap) is not installed".to_owned()),
        Err(e) => Err(format!("bubblewrap does not start: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(command: &Command) -> Vec<String> {
        command.get_args().map(|a| a.to_string_lossy().into_owned()).collect()
    }

    #[test]
    fn a_sandboxed_command_unshares_everything_and_binds_only_what_it_is_given() {
        let sandbox = Sandbox { bwrap: Some(PathBuf::from("bwrap")) };
        let command = sandbox.command(
            Path::new("/t/runner"),
            &[OsString::from("run"), OsString::from("case")],
            &[("HARNESS_SEED", "7".to_owned())],
            &[(Path::new("/t/runner"), Access::ReadOnly), (Path::new("/s"), Access::ReadWrite)],
            None,
        );
        let args = args(&command).join(" ");
        assert!(args.starts_with("--unshare-all --die-with-parent --new-session --cap-drop ALL"), "{args}");
        assert!(args.contains("--ro-bind /t/runner /t/runner"), "{args}");
        assert!(args.contains("--bind /s /s"), "{args}");
        assert!(args.contains("--clearenv"), "{args}");
        assert!(args.contains("--setenv HARNESS_SEED 7"), "{args}");
        assert!(args.ends_with("-- /t/runner run case"), "{args}");
        assert!(!args.contains("/work") && !args.contains("--bind / "), "{args}");
        assert_eq!(command.get_envs().count(), 0, "the host environment is cleared");
    }

    #[test]
    fn without_bubblewrap_the_environment_is_still_cleared() {
        let command =
            Sandbox::none().command(Path::new("/t/runner"), &[OsString::from("list")], &[("A", "1".into())], &[], None);
        assert_eq!(command.get_program(), "/t/runner");
        let envs: Vec<_> = command.get_envs().map(|(k, _)| k.to_string_lossy().into_owned()).collect();
        assert!(envs.contains(&"A".to_owned()) && envs.contains(&"PATH".to_owned()), "{envs:?}");
        assert!(!Sandbox::none().layers().sandboxed);
    }

    #[test]
    fn signals_come_back_from_bubblewrap_exit_codes() {
        let sandbox = Sandbox { bwrap: Some(PathBuf::from("bwrap")) };
        assert_eq!(sandbox.signal_of(134), Some(6));
        assert_eq!(sandbox.signal_of(3), None);
        assert_eq!(Sandbox::none().signal_of(134), None);
    }
}
