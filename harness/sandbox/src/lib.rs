//! The one owner of the sandbox every candidate process runs in (trials, measurements, the candidate's own tests):
//! namespaces of its own (user, mount, PID, network, IPC, UTS, cgroup), nothing of the host visible but the system's
//! read-only `/usr` and the files a run needs, a size-capped `/tmp`, a cleared environment, no capabilities, and
//! (when the harness runs as root) a drop to an unprivileged uid before the sandbox starts; inside it, where the
//! kernel has Landlock, the `harness-confine` launcher restricts the program to the files it was given before
//! `exec`ing it. The namespaces are made by the harness executable itself started as `harness-contain`
//! ([`contain`], the embedded backend) or, when asked for or when the embedded one cannot start, by bubblewrap.
//! `process` adds rlimits and the wall-clock kill.

pub mod cgroup;
pub mod confine;
pub mod contain;
pub mod os;
pub mod process;

use process::{Exit, Limits};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

/// When the harness is root, each grade's candidate processes run as a uid of their own from this range (and the
/// reference's measurements as the next uid): `RLIMIT_NPROC` counts per uid, so one grade's fork bomb can neither
/// starve another grade running beside it nor the reference it is measured against.
const UID_BASE: u32 = 1_000_000;
/// Size of the sandbox's private `/tmp`.
const TMP_BYTES: u64 = 64 << 20;
/// Environment variable naming the executable that acts as the sandbox's launchers, `harness-contain` (the embedded
/// backend) and `harness-confine` (Landlock), under those names (an absolute path), instead of the running harness.
pub const ENV_CONFINE: &str = "HARNESS_CONFINE";
/// Environment variable naming the bubblewrap executable, instead of `bwrap` on the system's `PATH`.
pub const ENV_BWRAP: &str = "HARNESS_BWRAP";
/// Environment variable choosing the sandbox's backend: `embedded` (the harness executable as `harness-contain`),
/// `bwrap` (bubblewrap), or unset for the embedded one, falling back to bubblewrap when it cannot start here.
pub const ENV_SANDBOX: &str = "HARNESS_SANDBOX";
/// The kernel settings that may forbid unprivileged user namespaces, under `/proc/sys`, with the value that does.
const USERNS_POLICIES: [(&str, &str, &str); 3] = [
    ("kernel/apparmor_restrict_unprivileged_userns", "1", "AppArmor restricts unprivileged user namespaces"),
    ("kernel/unprivileged_userns_clone", "0", "unprivileged user namespaces are disabled"),
    ("user/max_user_namespaces", "0", "user namespaces are disabled"),
];
/// Where the launcher is mounted (read-only) inside the sandbox.
const CONFINE_PATH: &str = "/run/harness-confine";
/// Longest a probe of the sandbox (a backend running `true`, the launcher naming what it enforces) may take.
const PROBE_TIMEOUT: Duration = Duration::from_secs(30);
/// Bytes kept of a probe's stdout and stderr.
const PROBE_OUTPUT: usize = 16 << 10;

/// The prefix of a grade's jail folder in the temp dir (`harness-sandbox-<pid>-…`), by which a later harness finds
/// and removes those a harness that is gone left behind.
pub const JAIL_PREFIX: &str = "harness-sandbox-";

/// What stops the sandbox from confining a run.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The sandbox cannot start here, and why.
    #[error("{0}")]
    Unavailable(String),
    /// A file the jail needs could not be made.
    #[error("failed to {action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A path with no file name was given as an executable.
    #[error("failed to name {}", .0.display())]
    Unnamed(PathBuf),
}

impl Error {
    fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io { action, path: path.into(), source }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// How candidate processes are confined in this grade.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sandbox {
    /// What makes the sandbox's namespaces and mounts; none when candidate code runs unsandboxed.
    namespaces: Option<Namespaces>,
    /// The Landlock launcher, when it enforces Landlock inside the sandbox here.
    landlock: Option<Landlock>,
}

/// Which program makes the sandbox's namespaces and mounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// The harness executable, started as `harness-contain` ([`contain`]).
    Embedded,
    /// bubblewrap (`bwrap`).
    Bubblewrap,
}

/// A backend and the executable that is it here.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Namespaces {
    backend: Backend,
    program: PathBuf,
}

/// The `harness-confine` launcher on the host and the Landlock ABI it enforces.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Landlock {
    launcher: PathBuf,
    abi: u32,
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

/// How candidate code of a grade was confined: the layers that were active, in the order they apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layers {
    /// Whether candidate code ran inside the sandbox's namespaces (either backend).
    pub sandboxed: bool,
    pub active: Vec<Layer>,
}

impl Layers {
    /// Whether a layer of this kind was active.
    pub fn has(&self, kind: fn(&Layer) -> bool) -> bool {
        self.active.iter().any(kind)
    }
}

/// One layer of confinement; the binary's reporters phrase it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layer {
    /// The sandbox's namespaces, made by this backend: user, mount, pid, network (none at all), IPC, UTS and cgroup.
    Namespaces(Backend),
    /// Read-only `/usr`, only the files the run needs, and a private `/tmp` of this many MiB.
    Filesystem { tmp_mib: u64 },
    /// A uid of the grade's own when the harness is root, no capabilities, no_new_privs.
    Privileges,
    /// A cleared environment (only the harness's own variables).
    Environment,
    /// cargo confined too, in two phases: the candidate's library first, seeing nothing hidden; then the runner.
    Builds,
    /// The Landlock launcher at this ABI: reads and writes restricted to the run's files; no TCP from ABI 4; no
    /// signals or abstract sockets beyond the sandbox from ABI 6.
    Landlock { abi: u32 },
    /// rlimits: CPU time, address space, file size, open files, processes, no core dumps.
    Rlimits,
    /// Each run's processes in a cgroup of their own, capped at the run's memory and at `processes`, all killed
    /// when it ends; `every_run` is false once a run went without its group.
    Cgroup { version: cgroup::Version, processes: u64, every_run: bool },
    /// What the wall-clock limit kills.
    WallClock(Kill),
}

/// What a run's wall-clock limit kills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kill {
    /// The sandbox's whole PID namespace.
    Namespace,
    /// The process group, then every process left in the run's cgroup (a setsid daemon included).
    GroupAndCgroup,
    /// The process group only (a setsid daemon may survive).
    Group,
}

impl Sandbox {
    /// The sandbox with Landlock inside when both work here; otherwise an error, unless `allow_unsandboxed`
    /// (self-assessment on a machine without them), in which case candidate code runs in the namespaces alone, or,
    /// without them, with process groups and rlimits only. The namespaces are the embedded backend's unless
    /// `HARNESS_SANDBOX` asks for bubblewrap, or the embedded one cannot start here and bubblewrap can.
    pub fn detect(allow_unsandboxed: bool) -> Result<Sandbox> {
        static PROBE: OnceLock<std::result::Result<Namespaces, String>> = OnceLock::new();
        match PROBE.get_or_init(probe) {
            Ok(namespaces) => {
                static LANDLOCK: OnceLock<Option<Landlock>> = OnceLock::new();
                let landlock = LANDLOCK.get_or_init(|| probe_landlock(namespaces)).clone();
                if landlock.is_none() && !allow_unsandboxed {
                    return Err(Error::Unavailable(
                        "failed to start the sandbox: Landlock is not enforced inside the sandbox here (a kernel \
                         without Landlock, or the harness executable not found to act as its launcher: set \
                         HARNESS_CONFINE); pass --allow-unsandboxed to run candidate code in the sandbox's \
                         namespaces alone"
                            .to_owned(),
                    ));
                }
                Ok(Sandbox { namespaces: Some(namespaces.clone()), landlock })
            }
            Err(_) if allow_unsandboxed => Ok(Sandbox::none()),
            Err(why) => Err(Error::Unavailable(format!(
                "failed to start the sandbox: {why}; pass --allow-unsandboxed to run candidate code without it (only \
                 for your own code)"
            ))),
        }
    }

    /// No sandbox (unit tests of the engine, which run only code of this repository).
    pub fn none() -> Sandbox {
        Sandbox { namespaces: None, landlock: None }
    }

    pub fn is_active(&self) -> bool {
        self.namespaces.is_some()
    }

    /// Which program makes the sandbox's namespaces, when there is a sandbox.
    pub fn backend(&self) -> Option<Backend> {
        self.namespaces.as_ref().map(|namespaces| namespaces.backend)
    }

    /// The layers a report lists.
    pub fn layers(&self) -> Layers {
        let mut active = Vec::new();
        if let Some(backend) = self.backend() {
            active.extend([
                Layer::Namespaces(backend),
                Layer::Filesystem { tmp_mib: TMP_BYTES >> 20 },
                Layer::Privileges,
                Layer::Environment,
                Layer::Builds,
            ]);
        }
        if let Some(Landlock { abi, .. }) = self.landlock {
            active.push(Layer::Landlock { abi });
        }
        active.push(Layer::Rlimits);
        active.extend(cgroup::layer());
        active.push(Layer::WallClock(if self.is_active() {
            Kill::Namespace
        } else if cgroup::available().is_some() {
            Kill::GroupAndCgroup
        } else {
            Kill::Group
        }));
        Layers { sandboxed: self.is_active(), active }
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
        self.build(program, args, env, paths, uid, true)
    }

    /// [`command`](Self::command), with the program started through the launcher (when there is one) or not (the
    /// launcher's own probe). Both backends take the same options for the mounts, the directory and the environment.
    fn build(
        &self,
        program: &Path,
        args: &[OsString],
        env: &[(&str, String)],
        paths: &[(&Path, Access)],
        uid: Option<u32>,
        through_launcher: bool,
    ) -> Command {
        use std::os::unix::process::CommandExt;
        let Some(namespaces) = &self.namespaces else {
            let mut command = Command::new(program);
            command.args(args).env_clear().env("PATH", "/usr/bin:/bin").envs(env.iter().map(|(k, v)| (k, v)));
            return command;
        };
        let mut command = Command::new(&namespaces.program);
        command.env_clear();
        match namespaces.backend {
            Backend::Embedded => command.arg0(contain::NAME),
            Backend::Bubblewrap => {
                command.args(["--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL"])
            }
        };
        let system = system_mounts(&mut command);
        command.args(["--proc", "/proc", "--dev", "/dev"]);
        command.args(["--size", &TMP_BYTES.to_string(), "--tmpfs", "/tmp"]);
        for (path, access) in paths {
            let flag = match access {
                Access::ReadOnly => "--ro-bind",
                Access::ReadWrite => "--bind",
            };
            command.arg(flag).arg(path).arg(path);
        }
        if let Some(landlock) = &self.landlock {
            command.arg("--ro-bind").arg(&landlock.launcher).arg(CONFINE_PATH);
        }
        command.args(["--chdir", "/tmp"]);
        if namespaces.backend == Backend::Bubblewrap {
            // The embedded backend always clears it.
            command.arg("--clearenv");
        }
        command.args(["--setenv", "PATH", "/usr/bin:/bin"]);
        for (name, value) in env {
            command.arg("--setenv").arg(name).arg(value);
        }
        command.arg("--");
        if self.landlock.is_some() && through_launcher {
            command.args(confine_args(&system, paths));
        }
        command.arg(program).args(args);
        if let Some(uid) = uid {
            command.uid(uid).gid(uid);
        }
        command
    }

    /// Whether candidate processes get a uid of their own: when the harness runs as root (a sandbox started by root
    /// keeps every capability in the host), and only inside the sandbox.
    fn drops_privileges(&self) -> bool {
        // SAFETY: geteuid has no preconditions.
        self.is_active() && unsafe { libc::geteuid() } == 0
    }

    /// Both backends report a child killed by signal N as exit code 128 + N; this turns it back into the signal.
    pub fn signal_of(&self, code: i32) -> Option<i32> {
        (self.is_active() && (129..160).contains(&code)).then(|| code - 128)
    }
}

/// Adds the system's read-only `/usr` and the root links (`/bin`, `/lib`, `/lib64`, `/sbin`: a symlink where the host
/// has one, else a read-only bind of the dir) to a sandbox's command; returns the system dirs that are bound.
fn system_mounts(command: &mut Command) -> Vec<PathBuf> {
    command.args(["--ro-bind", "/usr", "/usr"]);
    let mut system = vec![PathBuf::from("/usr")];
    for link in ["bin", "lib", "lib64", "sbin"] {
        let host = Path::new("/").join(link);
        match std::fs::read_link(&host) {
            Ok(target) => {
                command.arg("--symlink").arg(target).arg(&host);
            }
            Err(_) if host.is_dir() => {
                command.arg("--ro-bind").arg(&host).arg(&host);
                system.push(host);
            }
            Err(_) => {}
        }
    }
    system
}

/// Whether the running executable was started under `name` (its `argv[0]`'s file name): the launchers.
fn started_as(name: &str) -> bool {
    std::env::args_os().next().is_some_and(|arg0| Path::new(&arg0).file_name().is_some_and(|file| file == name))
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
            .prefix(&format!("{}{}-", JAIL_PREFIX, std::process::id()))
            .tempdir()
            .map_err(|e| Error::io("create", "a sandbox dir", e))?;
        std::fs::create_dir(dir.path().join("bin")).map_err(|e| Error::io("create", dir.path(), e))?;
        set_mode(dir.path(), 0o755)?;
        set_mode(&dir.path().join("bin"), 0o755)?;
        let uid = sandbox.drops_privileges().then(|| {
            let grade = GRADES.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % 32;
            UID_BASE + (std::process::id() % 100_000) * 64 + grade * 2
        });
        let mut jail = Jail { sandbox, dir, outputs: std::sync::atomic::AtomicUsize::new(0), uid };
        // The sandbox's user must read the launchers: when it is another user than the harness's and cannot reach the
        // harness executable where it is (a root harness installed under /root), the jail starts and binds a copy.
        let other_user = jail.uid.is_some();
        let unreachable = |exe: &Path| other_user && !world_reachable(exe);
        if let Some(mut landlock) = jail.sandbox.landlock.take() {
            if unreachable(&landlock.launcher) {
                landlock.launcher = jail.admit(&landlock.launcher)?;
            }
            jail.sandbox.landlock = Some(landlock);
        }
        if let Some(mut namespaces) = jail.sandbox.namespaces.take() {
            if namespaces.backend == Backend::Embedded && unreachable(&namespaces.program) {
                namespaces.program = jail.admit(&namespaces.program)?;
            }
            jail.sandbox.namespaces = Some(namespaces);
        }
        Ok(jail)
    }

    /// Copies the executable `exe` into the jail and returns the copy's path (the same file name).
    pub fn admit(&self, exe: &Path) -> Result<PathBuf> {
        let name = exe.file_name().ok_or_else(|| Error::Unnamed(exe.to_owned()))?;
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

/// The sandbox's namespaces as `HARNESS_SANDBOX` asks: the embedded backend (the default), falling back to
/// bubblewrap when the embedded one cannot start here and bubblewrap can; or either one alone. The error says why.
fn probe() -> std::result::Result<Namespaces, String> {
    choose(std::env::var(ENV_SANDBOX).ok().as_deref(), probe_embedded, probe_bwrap)
}

type Probe = fn() -> std::result::Result<Namespaces, String>;

/// The backend `setting` (`HARNESS_SANDBOX`) asks for, probing only what it needs.
fn choose(setting: Option<&str>, embedded: Probe, bwrap: Probe) -> std::result::Result<Namespaces, String> {
    match setting {
        None | Some("") => embedded()
            .or_else(|embedded| bwrap().map_err(|bwrap| format!("{embedded}; bubblewrap cannot stand in: {bwrap}"))),
        Some("embedded") => embedded(),
        Some("bwrap" | "bubblewrap") => bwrap(),
        Some(other) => Err(format!("{ENV_SANDBOX} is `{other}`: it must be `embedded` or `bwrap`")),
    }
}

/// Checks that the embedded backend can build a sandbox here (the kernel may refuse unprivileged user namespaces),
/// started as every confined run is: through `process` (own session, no_new_privs), as a grade's uid when the harness
/// is root, from a jail's copy of the launcher when that uid cannot reach it.
fn probe_embedded() -> std::result::Result<Namespaces, String> {
    let program = find_launcher().ok_or_else(|| {
        "the harness executable was not found to act as the sandbox's launcher (set HARNESS_CONFINE)".to_owned()
    })?;
    let namespaces = Namespaces { backend: Backend::Embedded, program };
    let jail =
        Jail::new(Sandbox { namespaces: Some(namespaces.clone()), landlock: None }).map_err(|e| e.to_string())?;
    let command = jail.command(Path::new("/usr/bin/true"), &[], &[], None, Who::Candidate);
    match process::run(command, Limits::tool(PROBE_TIMEOUT, PROBE_OUTPUT), None) {
        Ok(done) if done.success() => Ok(namespaces),
        Ok(done) if done.exit == Exit::TimedOut => {
            Err(format!("the embedded sandbox did not start within {}s", PROBE_TIMEOUT.as_secs()))
        }
        Ok(done) => {
            let line = done.stderr.text.trim().lines().next().unwrap_or("no message").to_owned();
            let read = |name: &str| std::fs::read_to_string(Path::new("/proc/sys").join(name)).ok();
            Err(match userns_policy(read) {
                Some(cause) => format!("the kernel refuses the sandbox's user namespaces: {cause} ({line})"),
                None => format!("the embedded sandbox cannot start here ({line})"),
            })
        }
        Err(e) => Err(format!("the harness executable does not start as the sandbox's launcher: {e}")),
    }
}

/// Which kernel setting forbids unprivileged user namespaces, if one does (`read` gives a `/proc/sys` file's text).
fn userns_policy(read: impl Fn(&str) -> Option<String>) -> Option<String> {
    USERNS_POLICIES.iter().find_map(|&(name, value, cause)| {
        let set = read(name)?;
        (set.trim() == value).then(|| format!("{cause} (sysctl {}={value})", name.replace('/', ".")))
    })
}

/// Finds bubblewrap and checks it can build a sandbox here (namespaces may be disabled in a container), started as
/// every confined run is (through `process`, in a session of its own, with no_new_privs).
fn probe_bwrap() -> std::result::Result<Namespaces, String> {
    let bwrap = std::env::var_os(ENV_BWRAP).map_or_else(|| PathBuf::from("bwrap"), PathBuf::from);
    let namespaces = Namespaces { backend: Backend::Bubblewrap, program: bwrap };
    let sandbox = Sandbox { namespaces: Some(namespaces.clone()), landlock: None };
    let uid = sandbox.drops_privileges().then_some(UID_BASE);
    let command = sandbox.command(Path::new("/usr/bin/true"), &[], &[], &[], uid);
    match process::run(command, Limits::tool(PROBE_TIMEOUT, PROBE_OUTPUT), None) {
        Ok(done) if done.success() => Ok(namespaces),
        Ok(done) if done.exit == Exit::TimedOut => {
            Err(format!("bubblewrap did not start a sandbox within {}s", PROBE_TIMEOUT.as_secs()))
        }
        Ok(done) => Err(format!(
            "bubblewrap cannot create a sandbox here ({})",
            done.stderr.text.trim().lines().next().unwrap_or("no message")
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Err("bubblewrap (bwrap) is not installed (apt-get install bubblewrap)".to_owned())
        }
        Err(e) => Err(format!("bubblewrap does not start: {e}")),
    }
}

/// The launcher's command line up to the program: read and execute beneath the system dirs (`/usr`, the root links
/// that are real dirs), `/proc` and each read-only path; everything beneath `/tmp`, `/dev` (devices such as
/// `/dev/null` are opened for writing) and each read-write path.
fn confine_args(system: &[PathBuf], paths: &[(&Path, Access)]) -> Vec<OsString> {
    let bound = |access| paths.iter().filter(move |(_, a)| *a == access).map(|(path, _)| *path);
    let ro = system.iter().map(PathBuf::as_path).chain([Path::new("/proc")]).chain(bound(Access::ReadOnly));
    let rw = [Path::new("/tmp"), Path::new("/dev")].into_iter().chain(bound(Access::ReadWrite));
    let mut args = vec![OsString::from(CONFINE_PATH)];
    for (flag, path) in ro.map(|path| ("--ro", path)).chain(rw.map(|path| ("--rw", path))) {
        args.extend([OsString::from(flag), path.into()]);
    }
    args.push("--".into());
    args
}

/// The launcher: `HARNESS_CONFINE`, else the harness executable (the running one; for a test binary in
/// `target/<profile>/deps/`, the `harness` beside that folder), which acts as `harness-confine` under that name.
fn find_launcher() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(ENV_CONFINE) {
        return Some(PathBuf::from(path)).filter(|path| path.is_absolute() && path.is_file());
    }
    let exe = std::env::current_exe().ok()?;
    if exe.file_name().is_some_and(|name| name == "harness") {
        return Some(exe);
    }
    exe.ancestors().skip(1).take(2).map(|dir| dir.join("harness")).find(|path| path.is_file())
}

/// The launcher and the Landlock ABI it enforces inside the sandbox here (`harness-confine --probe`), if it does. It
/// runs as the harness's own user: a jail binds the launcher where the sandbox's user can read it.
fn probe_landlock(namespaces: &Namespaces) -> Option<Landlock> {
    let launcher = find_launcher()?;
    let sandbox = Sandbox { namespaces: Some(namespaces.clone()), landlock: Some(Landlock { launcher, abi: 0 }) };
    let probe = [OsString::from("--probe")];
    let command = sandbox.build(Path::new(CONFINE_PATH), &probe, &[], &[], None, false);
    let done = process::run(command, Limits::tool(PROBE_TIMEOUT, PROBE_OUTPUT), None)
        .ok()
        .filter(process::Finished::success)?;
    let abi = enforced_abi(&done.stdout.text)?;
    sandbox.landlock.map(|landlock| Landlock { abi, ..landlock })
}

/// Whether every user may read and execute `file` and reach it (search every folder above it): then a sandbox whose
/// user is not the harness's can bind it where it is.
fn world_reachable(file: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let mode = |path: &Path| std::fs::metadata(path).map_or(0, |m| m.permissions().mode());
    mode(file) & 0o005 == 0o005 && file.ancestors().skip(1).all(|dir| mode(dir) & 0o001 != 0)
}

/// The ABI in the probe's `fully enforced abi 7` or `partially enforced abi 3` (an older kernel); none in
/// `not enforced`.
fn enforced_abi(probe: &str) -> Option<u32> {
    probe.trim().rsplit_once(" enforced abi ")?.1.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(backend: Backend, program: &str, landlock: Option<Landlock>) -> Sandbox {
        Sandbox { namespaces: Some(Namespaces { backend, program: PathBuf::from(program) }), landlock }
    }

    fn bwrap() -> Sandbox {
        with(Backend::Bubblewrap, "bwrap", None)
    }

    fn args(command: &Command) -> Vec<String> {
        command.get_args().map(|a| a.to_string_lossy().into_owned()).collect()
    }

    #[test]
    fn a_sandboxed_command_unshares_everything_and_binds_only_what_it_is_given() {
        let command = bwrap().command(
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
        assert!(!args.contains("harness-confine"), "no launcher without Landlock: {args}");
        assert!(!args.contains("/work") && !args.contains("--bind / "), "{args}");
        assert_eq!(command.get_envs().count(), 0, "the host environment is cleared");
    }

    #[test]
    fn the_embedded_backend_is_the_harness_started_as_harness_contain_with_bubblewrap_s_mount_options() {
        let launcher = Landlock { launcher: PathBuf::from("/h/harness"), abi: 7 };
        let sandbox = with(Backend::Embedded, "/h/harness", Some(launcher));
        let command = sandbox.command(
            Path::new("/t/runner"),
            &[OsString::from("list")],
            &[("HARNESS_SEED", "7".to_owned())],
            &[(Path::new("/t/runner"), Access::ReadOnly), (Path::new("/s"), Access::ReadWrite)],
            None,
        );
        assert_eq!(command.get_program(), "/h/harness");
        let args = args(&command).join(" ");
        assert!(args.starts_with("--ro-bind /usr /usr "), "{args}");
        assert!(args.contains("--proc /proc --dev /dev --size 67108864 --tmpfs /tmp"), "{args}");
        assert!(args.contains("--ro-bind /t/runner /t/runner --bind /s /s --ro-bind /h/harness /run/harness-confine"));
        assert!(
            args.contains("--chdir /tmp --setenv PATH /usr/bin:/bin --setenv HARNESS_SEED 7 -- /run/harness-confine")
        );
        assert!(args.ends_with("-- /t/runner list"), "{args}");
        assert!(!args.contains("--unshare") && !args.contains("--clearenv"), "bubblewrap's own options: {args}");
        assert_eq!(command.get_envs().count(), 0, "the host environment is cleared");
        let layers = sandbox.layers();
        assert!(layers.sandboxed && layers.active[0] == Layer::Namespaces(Backend::Embedded), "{layers:?}");
        assert!(layers.has(|layer| *layer == Layer::WallClock(Kill::Namespace)), "{layers:?}");
    }

    #[test]
    fn the_embedded_backend_is_chosen_first_bubblewrap_stands_in_and_the_setting_picks_one_alone() {
        let embedded: Probe = || Ok(Namespaces { backend: Backend::Embedded, program: PathBuf::from("/h/harness") });
        let bwrap: Probe = || Ok(Namespaces { backend: Backend::Bubblewrap, program: PathBuf::from("bwrap") });
        let refused: Probe = || Err("the kernel refuses".to_owned());
        let missing: Probe = || Err("not installed".to_owned());
        let backend = |result: std::result::Result<Namespaces, String>| result.map(|n| n.backend);
        assert_eq!(backend(choose(None, embedded, bwrap)), Ok(Backend::Embedded));
        assert_eq!(backend(choose(Some(""), refused, bwrap)), Ok(Backend::Bubblewrap), "bubblewrap stands in");
        assert_eq!(
            backend(choose(None, refused, missing)),
            Err("the kernel refuses; bubblewrap cannot stand in: not installed".to_owned())
        );
        assert_eq!(backend(choose(Some("embedded"), refused, bwrap)), Err("the kernel refuses".to_owned()));
        assert_eq!(backend(choose(Some("bwrap"), embedded, missing)), Err("not installed".to_owned()));
        assert_eq!(backend(choose(Some("bubblewrap"), embedded, bwrap)), Ok(Backend::Bubblewrap));
        assert!(backend(choose(Some("docker"), embedded, bwrap)).unwrap_err().contains("HARNESS_SANDBOX is `docker`"));
    }

    #[test]
    fn a_kernel_setting_that_forbids_user_namespaces_is_named() {
        let sysctl =
            |name: &'static str, value: &'static str| move |asked: &str| (asked == name).then(|| format!("{value}\n"));
        let apparmor = userns_policy(sysctl("kernel/apparmor_restrict_unprivileged_userns", "1")).unwrap();
        assert!(apparmor.starts_with("AppArmor restricts") && apparmor.contains("=1)"), "{apparmor}");
        let debian = userns_policy(sysctl("kernel/unprivileged_userns_clone", "0")).unwrap();
        assert!(debian.contains("(sysctl kernel.unprivileged_userns_clone=0)"), "{debian}");
        assert!(userns_policy(sysctl("user/max_user_namespaces", "0")).unwrap().contains("user.max_user_namespaces=0"));
        assert_eq!(userns_policy(sysctl("kernel/unprivileged_userns_clone", "1")), None);
        assert_eq!(userns_policy(|_| None), None);
    }

    #[test]
    fn without_a_sandbox_the_environment_is_still_cleared() {
        let command =
            Sandbox::none().command(Path::new("/t/runner"), &[OsString::from("list")], &[("A", "1".into())], &[], None);
        assert_eq!(command.get_program(), "/t/runner");
        let envs: Vec<_> = command.get_envs().map(|(k, _)| k.to_string_lossy().into_owned()).collect();
        assert!(envs.contains(&"A".to_owned()) && envs.contains(&"PATH".to_owned()), "{envs:?}");
        assert!(!Sandbox::none().layers().sandboxed);
    }

    #[test]
    fn signals_come_back_from_either_backend_s_exit_codes() {
        for sandbox in [bwrap(), with(Backend::Embedded, "/h/harness", None)] {
            assert_eq!(sandbox.signal_of(134), Some(6));
            assert_eq!(sandbox.signal_of(3), None);
        }
        assert_eq!(Sandbox::none().signal_of(134), None);
    }

    fn landlocked(abi: u32) -> Sandbox {
        let launcher = PathBuf::from("/h/harness-confine");
        with(Backend::Bubblewrap, "bwrap", Some(Landlock { launcher, abi }))
    }

    #[test]
    fn with_landlock_the_launcher_gets_the_bound_paths_as_its_lists_and_the_program_after_its_dashes() {
        let command = landlocked(7).command(
            Path::new("/t/bin/runner"),
            &[OsString::from("run"), OsString::from("case")],
            &[],
            &[(Path::new("/t/bin"), Access::ReadOnly), (Path::new("/t/out"), Access::ReadWrite)],
            None,
        );
        let args = args(&command);
        let dashes = args.iter().position(|a| a == "--").expect("the sandbox's options end with --");
        let options = args[..dashes].join(" ");
        assert!(options.contains("--ro-bind /h/harness-confine /run/harness-confine"), "{options}");
        let launched = args[dashes + 1..].join(" ");
        assert!(launched.starts_with("/run/harness-confine --ro /usr "), "{launched}");
        assert!(
            launched.ends_with("--ro /proc --ro /t/bin --rw /tmp --rw /dev --rw /t/out -- /t/bin/runner run case"),
            "{launched}"
        );
    }

    #[test]
    fn the_launcher_reads_beneath_the_system_dirs_and_writes_beneath_tmp_dev_and_the_writable_paths() {
        let system = [PathBuf::from("/usr"), PathBuf::from("/lib64")];
        let paths = [
            (Path::new("/j/bin"), Access::ReadOnly),
            (Path::new("/j/out-0"), Access::ReadWrite),
            (Path::new("/j/data"), Access::ReadOnly),
        ];
        let args: Vec<String> =
            confine_args(&system, &paths).iter().map(|a| a.to_string_lossy().into_owned()).collect();
        let expected = "/run/harness-confine --ro /usr --ro /lib64 --ro /proc --ro /j/bin --ro /j/data --rw /tmp \
                        --rw /dev --rw /j/out-0 --";
        assert_eq!(args.join(" "), expected);
    }

    #[test]
    fn the_report_lists_landlock_only_when_the_probe_found_it_enforced_and_only_what_its_abi_enforces() {
        let landlock =
            |sandbox: &Sandbox| sandbox.layers().active.into_iter().find(|l| matches!(l, Layer::Landlock { .. }));
        assert_eq!(landlock(&landlocked(7)), Some(Layer::Landlock { abi: 7 }));
        assert_eq!(landlock(&landlocked(3)), Some(Layer::Landlock { abi: 3 }));
        assert_eq!(landlock(&bwrap()), None);
        assert_eq!(landlock(&Sandbox::none()), None);
    }

    #[test]
    fn the_probe_names_the_abi_only_when_landlock_is_enforced() {
        assert_eq!(enforced_abi("fully enforced abi 7\n"), Some(7));
        assert_eq!(enforced_abi("partially enforced abi 3"), Some(3));
        assert_eq!(enforced_abi("not enforced\n"), None);
        assert_eq!(enforced_abi(""), None);
    }

    #[test]
    fn a_jail_binds_the_launcher_where_it_is_when_every_user_can_reach_it_and_a_copy_otherwise() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |path: &Path, mode| std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
        let host = tempfile::tempdir().unwrap();
        let launcher = host.path().join("harness");
        std::fs::write(&launcher, "#!/bin/sh\n").unwrap();
        mode(&launcher, 0o755);
        mode(host.path(), 0o755);
        let landlocked = |launcher: &Path| {
            with(Backend::Bubblewrap, "bwrap", Some(Landlock { launcher: launcher.to_path_buf(), abi: 7 }))
        };
        let bound = |jail: &Jail| jail.sandbox.landlock.as_ref().map(|l| l.launcher.clone()).unwrap();

        assert!(world_reachable(&launcher));
        let jail = Jail::new(landlocked(&launcher)).unwrap();
        assert_eq!(bound(&jail), launcher, "bound where it is");

        mode(host.path(), 0o700);
        assert!(!world_reachable(&launcher));
        let jail = Jail::new(landlocked(&launcher)).unwrap();
        let copy = bound(&jail);
        if jail.uid.is_some() {
            assert!(copy.starts_with(jail.dir.path()) && copy.is_file(), "{}", copy.display());
        } else {
            assert_eq!(copy, launcher, "the sandbox runs as the harness's user, who can read it");
        }
        let args = args(&jail.command(Path::new("/usr/bin/true"), &[], &[], None, Who::Candidate)).join(" ");
        assert!(args.contains(&format!("--ro-bind {} /run/harness-confine", copy.display())), "{args}");
    }
}
