//! `harness-contain`: the embedded sandbox, a small bubblewrap. The harness executable is also this launcher: started
//! under the name `harness-contain`, `main` hands its arguments here, so a machine that has the harness has its
//! sandbox too (no system package). It takes the subset of bubblewrap's options the sandbox uses:
//!
//! ```text
//! harness-contain [--ro-bind SRC DST | --bind SRC DST | --symlink TARGET PATH | --proc DIR | --dev DIR
//!                  | [--size BYTES] --tmpfs DIR | --chdir DIR | --setenv NAME VALUE]... -- PROGRAM [ARGS...]
//! ```
//!
//! and always does what `bwrap --unshare-all --die-with-parent --new-session --cap-drop ALL --clearenv` does:
//!
//! 1. The launcher (single-threaded, right after `exec`) unshares the user, mount, PID, network, IPC, UTS and cgroup
//!    namespaces, maps its own uid and gid to themselves (`setgroups` denied), sets the new user namespace's
//!    `max_user_namespaces` to 0 (nothing inside may create one: bubblewrap's `--disable-userns`), then forks. It waits and exits with
//!    its child's code, or 128 + the signal that killed it; it dies with its parent (`PR_SET_PDEATHSIG`).
//! 2. The child is PID 1 of the new PID namespace and dies with the launcher. It builds the new root as bubblewrap
//!    does: a tmpfs on `/tmp` (in its own mount namespace only), `newroot` and `oldroot` in it, `pivot_root`, each
//!    mount made into `/newroot` from `/oldroot` in the order given (read-only binds keep the flags the kernel locks
//!    in a user namespace and make every submount read-only too; every bind is nosuid, nodev but for `/dev`'s
//!    nodes), then the root itself made read-only (bubblewrap leaves it writable) and the host's root detached. It
//!    sets the hostname, starts a new session, drops every capability (bounding set, ambient, effective, permitted,
//!    inheritable), enters `--chdir` and forks the program with only the `--setenv` variables. It stays as a tiny
//!    init that reaps and exits with the program's status, so the program is never PID 1 and the whole namespace
//!    (a `setsid` daemon included) dies when the program ends or the launcher is killed.
//!
//! Exit code 125 ([`EXIT_FAILURE`], the same as `harness-confine`'s): the arguments are wrong, or building the
//! sandbox or starting the program failed (one line on stderr, `harness-contain: failed to …`). Otherwise the exit
//! code is the program's, or 128 + the signal that killed it.

use crate::Access;
use std::ffi::{CString, OsString};
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::process::CommandExt;
use std::path::{Component, Path, PathBuf};
use std::process::Command;

/// The name the harness executable answers to as the embedded sandbox's launcher.
pub const NAME: &str = "harness-contain";
/// The exit code of a failure of the launcher itself (the same as `harness-confine`'s).
pub const EXIT_FAILURE: u8 = crate::confine::EXIT_FAILURE;
const USAGE: &str = "usage: harness-contain [--ro-bind SRC DST | --bind SRC DST | --symlink TARGET PATH | --proc DIR \
                     | --dev DIR | [--size BYTES] --tmpfs DIR | --chdir DIR | --setenv NAME VALUE]... -- PROGRAM [ARGS...]";
/// The namespaces the sandbox has of its own.
const NAMESPACES: libc::c_int = libc::CLONE_NEWUSER
    | libc::CLONE_NEWNS
    | libc::CLONE_NEWPID
    | libc::CLONE_NEWNET
    | libc::CLONE_NEWIPC
    | libc::CLONE_NEWUTS
    | libc::CLONE_NEWCGROUP;
/// The sandbox's hostname (its UTS namespace would otherwise keep the host's).
const HOSTNAME: &str = "harness";
/// Where the new root is assembled: a tmpfs over this dir, in the launcher's own mount namespace.
const BASE: &str = "/tmp";
/// The new root and the host's root while the sandbox is assembled (after the first `pivot_root`).
const NEW_ROOT: &str = "/newroot";
const OLD_ROOT: &str = "/oldroot";
/// The host's device nodes bound into `--dev`.
const DEVICES: [&str; 6] = ["null", "zero", "full", "random", "urandom", "tty"];
/// The links `--dev` makes to the process's own descriptors.
const DEVICE_LINKS: [(&str, &str); 4] = [
    ("fd", "/proc/self/fd"),
    ("stdin", "/proc/self/fd/0"),
    ("stdout", "/proc/self/fd/1"),
    ("stderr", "/proc/self/fd/2"),
];
/// Size of the tmpfs under `--dev` (it holds only empty files, links and `shm`).
const DEV_BYTES: u64 = 1 << 20;
/// Parts of a fresh `/proc` that are bound read-only over themselves, as bubblewrap does.
const PROC_COVERED: [&str; 4] = ["sys", "sysrq-trigger", "irq", "bus"];

/// One step of building the sandbox's filesystem, inside it: destinations are absolute paths in the new root.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Mount {
    /// The host's `src` (an absolute path, resolved on the host before anything is unshared) at `dst`.
    Bind {
        src: PathBuf,
        dst: PathBuf,
        access: Access,
    },
    Symlink {
        target: PathBuf,
        path: PathBuf,
    },
    Proc(PathBuf),
    Dev(PathBuf),
    /// A tmpfs (mode 1777), of at most `bytes` when given.
    Tmpfs {
        dst: PathBuf,
        bytes: Option<u64>,
    },
}

/// What the command line asks for.
#[derive(Debug, Default, PartialEq, Eq)]
struct Plan {
    mounts: Vec<Mount>,
    chdir: Option<PathBuf>,
    env: Vec<(OsString, OsString)>,
    program: OsString,
    args: Vec<OsString>,
}

/// Whether the running executable was started as the launcher (its `argv[0]` names [`NAME`]).
pub fn invoked() -> bool {
    crate::started_as(NAME)
}

/// The launcher's work, in each of its processes: `Ok` is the exit code this process ends with (the program's, for
/// the launcher and PID 1), `Err` why the sandbox could not be built or the program not started (one line; the
/// binary's `main` prints it and exits [`EXIT_FAILURE`]). The program itself never returns here (`exec`).
pub fn launch() -> Result<u8, String> {
    let mut plan = parse(std::env::args_os().skip(1))?;
    resolve_sources(&mut plan)?;
    // SAFETY: geteuid and getegid have no preconditions.
    let (uid, gid) = unsafe { (libc::geteuid(), libc::getegid()) };
    // SAFETY: unshare with namespace flags only changes this (single-threaded) process's namespaces.
    if unsafe { libc::unshare(NAMESPACES) } < 0 {
        return Err(failed("create the sandbox's namespaces (unshare)")(io::Error::last_os_error()));
    }
    map_ids(uid, gid)?;
    forbid_nested_user_namespaces()?;
    die_with_parent()?;
    // The launcher holds the write end: PID 1 sees it closed if the launcher died before PID 1 could ask to die
    // with it.
    let (alive, held) = pipe()?;
    if fork()? == 0 {
        drop(held);
        return init(&plan, alive);
    }
    drop(alive);
    let code = wait_for(ChildOf::Launcher);
    drop(held);
    code
}

/// Reads the command line into a [`Plan`].
fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Plan, String> {
    let mut args = args.into_iter();
    let mut plan = Plan::default();
    let mut size = None;
    while let Some(arg) = args.next() {
        let flag = arg.to_string_lossy().into_owned();
        if size.is_some() && flag != "--tmpfs" {
            return Err(format!("failed to read --size: it must come right before --tmpfs ({USAGE})"));
        }
        let mut value = |what: &str| args.next().ok_or_else(|| format!("failed to find the {what} after {flag}"));
        match flag.as_str() {
            "--ro-bind" | "--bind" => {
                let src = host_path(value("source")?)?;
                let dst = sandbox_path(value("destination")?)?;
                let access = if flag == "--bind" { Access::ReadWrite } else { Access::ReadOnly };
                plan.mounts.push(Mount::Bind { src, dst, access });
            }
            "--symlink" => {
                let target = PathBuf::from(value("target")?);
                plan.mounts.push(Mount::Symlink { target, path: sandbox_path(value("path")?)? });
            }
            "--proc" => plan.mounts.push(Mount::Proc(sandbox_path(value("path")?)?)),
            "--dev" => plan.mounts.push(Mount::Dev(sandbox_path(value("path")?)?)),
            "--size" => {
                let bytes = value("size")?;
                let parsed = bytes.to_str().and_then(|bytes| bytes.parse().ok()).filter(|&bytes: &u64| bytes > 0);
                size = Some(parsed.ok_or_else(|| format!("failed to read the size {}", bytes.to_string_lossy()))?);
            }
            "--tmpfs" => plan.mounts.push(Mount::Tmpfs { dst: sandbox_path(value("path")?)?, bytes: size.take() }),
            "--chdir" => plan.chdir = Some(sandbox_path(value("dir")?)?),
            "--setenv" => {
                let name = value("name")?;
                plan.env.push((name, value("value")?));
            }
            "--" => {
                plan.program = args.next().ok_or_else(|| format!("failed to find the program to run ({USAGE})"))?;
                plan.args = args.collect();
                return Ok(plan);
            }
            _ => return Err(format!("failed to read the argument {flag} ({USAGE})")),
        }
    }
    Err(format!("failed to find `--` and the program to run ({USAGE})"))
}

/// A host path given as a source: absolute.
fn host_path(path: OsString) -> Result<PathBuf, String> {
    let path = PathBuf::from(path);
    if path.is_absolute() { Ok(path) } else { Err(format!("failed to bind {}: not an absolute path", path.display())) }
}

/// A path in the sandbox: absolute, without `.` or `..`, and not the root itself.
fn sandbox_path(path: OsString) -> Result<PathBuf, String> {
    let path = PathBuf::from(path);
    let mut components = path.components();
    let plain = components.next() == Some(Component::RootDir)
        && components.clone().next().is_some()
        && components.all(|c| matches!(c, Component::Normal(_)));
    if plain {
        Ok(path.components().collect())
    } else {
        Err(format!("failed to place {} in the sandbox: not an absolute path below / without . or ..", path.display()))
    }
}

/// Resolves each bind's source on the host (its symlinks would otherwise be followed inside the half-built sandbox,
/// where an absolute link points elsewhere); a missing source is an error, as in bubblewrap.
fn resolve_sources(plan: &mut Plan) -> Result<(), String> {
    for mount in &mut plan.mounts {
        if let Mount::Bind { src, .. } = mount {
            *src = std::fs::canonicalize(&*src).map_err(failed(format!("find {}", src.display())))?;
        }
    }
    Ok(())
}

/// `failed to {what}: {error}`, for `map_err`.
fn failed(what: impl std::fmt::Display) -> impl FnOnce(io::Error) -> String {
    move |error| format!("failed to {what}: {error}")
}

/// Maps the launcher's uid and gid to themselves in its new user namespace (the same ids inside, as bubblewrap does),
/// after denying `setgroups` (which an unprivileged gid map requires).
fn map_ids(uid: libc::uid_t, gid: libc::gid_t) -> Result<(), String> {
    let write = |file: &str, text: String| {
        std::fs::write(Path::new("/proc/self").join(file), text).map_err(failed(format!("write /proc/self/{file}")))
    };
    match write("setgroups", "deny".to_owned()) {
        // Kernels before 3.19 have no such file and need none.
        Err(_) if !Path::new("/proc/self/setgroups").exists() => {}
        result => result?,
    }
    write("uid_map", format!("{uid} {uid} 1\n"))?;
    write("gid_map", format!("{gid} {gid} 1\n"))
}

/// Sets the sandbox's own user namespace limit to none: nothing in it may create a user namespace of its own (where
/// it would hold every capability again, and the kernel's namespace code would be open to it). Kernels before 4.9
/// have no per-namespace limit.
fn forbid_nested_user_namespaces() -> Result<(), String> {
    let limit = Path::new("/proc/sys/user/max_user_namespaces");
    match std::fs::write(limit, "0") {
        Err(_) if !limit.exists() => Ok(()),
        result => result.map_err(failed("forbid user namespaces inside the sandbox")),
    }
}

/// Asks the kernel to SIGKILL this process when its parent dies.
fn die_with_parent() -> Result<(), String> {
    prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong).map_err(failed("ask to die with its parent"))
}

/// prctl(2) with one argument, passed (like the unused ones) as the `unsigned long` the kernel reads.
fn prctl(option: libc::c_int, arg: libc::c_ulong) -> io::Result<()> {
    // SAFETY: prctl with integer arguments only; none of the options used here reads memory.
    if unsafe { libc::prctl(option, arg, 0 as libc::c_ulong, 0 as libc::c_ulong, 0 as libc::c_ulong) } < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// A pipe whose both ends close on exec.
fn pipe() -> Result<(OwnedFd, OwnedFd), String> {
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two descriptors pipe2 writes.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } < 0 {
        return Err(failed("create a pipe")(io::Error::last_os_error()));
    }
    // SAFETY: pipe2 succeeded, so both descriptors are open and owned by nobody else.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// Forks; 0 in the child, the child's pid in the parent.
fn fork() -> Result<libc::pid_t, String> {
    // SAFETY: the launcher is single-threaded (no thread holds a lock the child could need), so the child may go on
    // running ordinary Rust code, allocation included.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        return Err(failed("fork")(io::Error::last_os_error()));
    }
    Ok(pid)
}

/// Whose end is waited for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ChildOf {
    /// The launcher waits for PID 1, its only child.
    Launcher,
    /// PID 1 reaps every process of the namespace that ends until this one, the program, does.
    Init(libc::pid_t),
}

/// Waits as `who` and returns the exit code to end with: the child's own code, or 128 + the signal that killed it.
fn wait_for(who: ChildOf) -> Result<u8, String> {
    loop {
        let mut status = 0;
        // SAFETY: plain system call; `status` is a valid out-pointer.
        let pid = unsafe { libc::waitpid(-1, &raw mut status, 0) };
        if pid < 0 {
            let error = io::Error::last_os_error();
            if error.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(failed("wait for the sandboxed program")(error));
        }
        if who == ChildOf::Launcher || who == ChildOf::Init(pid) {
            return Ok(exit_code(status));
        }
    }
}

/// The exit code that tells how a process ended (`wait` status): its code, or 128 + its signal.
fn exit_code(status: libc::c_int) -> u8 {
    if libc::WIFSIGNALED(status) { 128 + libc::WTERMSIG(status) as u8 } else { libc::WEXITSTATUS(status) as u8 }
}

/// PID 1 of the sandbox: dies with the launcher, builds the filesystem, drops every privilege, starts the program
/// and reaps until it ends.
fn init(plan: &Plan, alive: OwnedFd) -> Result<u8, String> {
    die_with_parent()?;
    if launcher_gone(&alive) {
        return Err("failed to start: the launcher is gone".to_owned());
    }
    drop(alive);
    assemble(&plan.mounts)?;
    // SAFETY: sethostname reads `len` bytes of a live buffer; setsid has no preconditions.
    unsafe {
        if libc::sethostname(HOSTNAME.as_ptr().cast(), HOSTNAME.len()) < 0 {
            return Err(failed("set the hostname")(io::Error::last_os_error()));
        }
        if libc::setsid() < 0 {
            return Err(failed("start a new session")(io::Error::last_os_error()));
        }
    }
    drop_capabilities()?;
    let dir = plan.chdir.as_deref().unwrap_or(Path::new("/"));
    std::env::set_current_dir(dir).map_err(failed(format!("enter {}", dir.display())))?;
    // Nothing of the sandbox may read this process's memory or descriptors through /proc/1 (the program's `exec`
    // makes the program dumpable again).
    prctl(libc::PR_SET_DUMPABLE, 0).map_err(failed("make itself non-dumpable"))?;
    let program = fork()?;
    if program == 0 {
        return Err(exec(plan));
    }
    close_inherited();
    wait_for(ChildOf::Init(program))
}

/// Whether the launcher has died (the pipe it holds the write end of is closed).
fn launcher_gone(alive: &OwnedFd) -> bool {
    let mut poll = libc::pollfd { fd: alive.as_raw_fd(), events: libc::POLLIN, revents: 0 };
    // SAFETY: one valid pollfd, no waiting.
    let ready = unsafe { libc::poll(&raw mut poll, 1, 0) };
    ready > 0 && poll.revents & libc::POLLHUP != 0
}

/// Closes every descriptor above stderr that PID 1 inherited (the result channel, the nonce's pipe): the program has
/// its own copies. PID 1 owns no descriptor (`OwnedFd`) by then.
fn close_inherited() {
    // SAFETY: close_range only closes this process's descriptors; none above 2 is used by PID 1 from here on.
    if unsafe { libc::syscall(libc::SYS_close_range, 3u32, u32::MAX, 0u32) } < 0 {
        for fd in 3..1024 {
            // SAFETY: as above, one descriptor at a time (a kernel before 5.9 has no close_range).
            unsafe { libc::close(fd) };
        }
    }
}

/// Starts the program in place of this process, with only the given environment; returns only on failure.
fn exec(plan: &Plan) -> String {
    let env = plan.env.iter().map(|(name, value)| (name, value));
    let error = Command::new(&plan.program).args(&plan.args).env_clear().envs(env).exec();
    format!("failed to run {}: {error}", plan.program.to_string_lossy())
}

/// Drops every capability: the bounding set (so nothing the program executes can gain one), the ambient set, then
/// the effective, permitted and inheritable sets.
fn drop_capabilities() -> Result<(), String> {
    for cap in 0..64 {
        match prctl(libc::PR_CAPBSET_DROP, cap) {
            // Past the kernel's last capability.
            Err(error) if error.raw_os_error() == Some(libc::EINVAL) => break,
            result => result.map_err(failed(format!("drop capability {cap} from the bounding set")))?,
        }
    }
    // A kernel before 4.3 has no ambient set (EINVAL): nothing to clear.
    let _ = prctl(libc::PR_CAP_AMBIENT, libc::PR_CAP_AMBIENT_CLEAR_ALL as libc::c_ulong);
    let header = CapHeader { version: CAP_VERSION_3, pid: 0 };
    let data = [CapData { effective: 0, permitted: 0, inheritable: 0 }; 2];
    // SAFETY: capset reads a version 3 header and the two data structs that version has.
    if unsafe { libc::syscall(libc::SYS_capset, &raw const header, data.as_ptr()) } < 0 {
        return Err(failed("drop the capabilities (capset)")(io::Error::last_os_error()));
    }
    Ok(())
}

/// `struct __user_cap_header_struct` of `<linux/capability.h>`.
#[repr(C)]
struct CapHeader {
    version: u32,
    pid: libc::c_int,
}

/// `struct __user_cap_data_struct` of `<linux/capability.h>` (version 3 takes two).
#[repr(C)]
#[derive(Clone, Copy)]
struct CapData {
    effective: u32,
    permitted: u32,
    inheritable: u32,
}

/// `_LINUX_CAPABILITY_VERSION_3`.
const CAP_VERSION_3: u32 = 0x2008_0522;

/// A path beneath one of the roots while the sandbox is assembled (`/oldroot/usr`, `/newroot/tmp`).
fn beneath(root: &str, path: &Path) -> PathBuf {
    Path::new(root).join(path.strip_prefix("/").unwrap_or(path))
}

fn c_path(path: &Path) -> io::Result<CString> {
    CString::new(path.as_os_str().as_bytes()).map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))
}

/// mount(2), with an optional source, filesystem type and data string.
fn mount(
    src: Option<&Path>,
    dst: &Path,
    fstype: Option<&str>,
    flags: libc::c_ulong,
    data: Option<&str>,
) -> io::Result<()> {
    let src = src.map(c_path).transpose()?;
    let dst = c_path(dst)?;
    let fstype =
        fstype.map(|t| CString::new(t).map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))).transpose()?;
    let data = data.map(|d| CString::new(d).map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))).transpose()?;
    let ptr = |s: &Option<CString>| s.as_ref().map_or(std::ptr::null(), |s| s.as_ptr());
    // SAFETY: every pointer is null or a NUL-terminated string that outlives the call.
    let rc = unsafe { libc::mount(ptr(&src), dst.as_ptr(), ptr(&fstype), flags, ptr(&data).cast()) };
    if rc < 0 { Err(io::Error::last_os_error()) } else { Ok(()) }
}

/// umount2(2) with `MNT_DETACH`.
fn detach(path: &Path) -> io::Result<()> {
    let path = c_path(path)?;
    // SAFETY: a NUL-terminated path that outlives the call.
    if unsafe { libc::umount2(path.as_ptr(), libc::MNT_DETACH) } < 0 { Err(io::Error::last_os_error()) } else { Ok(()) }
}

/// pivot_root(2).
fn pivot_root(new_root: &Path, put_old: &Path) -> io::Result<()> {
    let (new_root, put_old) = (c_path(new_root)?, c_path(put_old)?);
    // SAFETY: two NUL-terminated paths that outlive the call.
    if unsafe { libc::syscall(libc::SYS_pivot_root, new_root.as_ptr(), put_old.as_ptr()) } < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(())
    }
}

/// Builds the sandbox's filesystem and makes it this process's root, as bubblewrap does: a tmpfs on [`BASE`] holding
/// the new root and, after a first `pivot_root`, the host's root at [`OLD_ROOT`]; each mount made; the new root made
/// read-only; the host's root detached and the new root pivoted into `/`.
fn assemble(mounts: &[Mount]) -> Result<(), String> {
    let (base, new_root, old_root) = (Path::new(BASE), Path::new(NEW_ROOT), Path::new(OLD_ROOT));
    let flags = libc::MS_REC | libc::MS_PRIVATE;
    mount(None, Path::new("/"), None, flags, None).map_err(failed("make the host's mounts private"))?;
    let flags = libc::MS_NOSUID | libc::MS_NODEV;
    mount(Some(Path::new("tmpfs")), base, Some("tmpfs"), flags, Some("mode=0755"))
        .map_err(failed(format!("mount a tmpfs on {BASE}")))?;
    let (new_in_base, old_in_base) = (beneath(BASE, new_root), beneath(BASE, old_root));
    for dir in [&new_in_base, &old_in_base] {
        std::fs::create_dir(dir).map_err(failed(format!("create {}", dir.display())))?;
    }
    mount(Some(&new_in_base), &new_in_base, None, libc::MS_BIND | libc::MS_REC, None)
        .map_err(failed("bind the new root onto itself"))?;
    pivot_root(base, &old_in_base).map_err(failed(format!("pivot into {BASE}")))?;
    std::env::set_current_dir("/").map_err(failed("enter the new root"))?;
    for step in mounts {
        make(step)?;
    }
    let flags = libc::MS_BIND | libc::MS_REMOUNT | libc::MS_RDONLY | libc::MS_NOSUID | libc::MS_NODEV;
    mount(None, new_root, None, flags, None).map_err(failed("make the sandbox's root read-only"))?;
    detach(old_root).map_err(failed("detach the host's root"))?;
    std::env::set_current_dir(new_root).map_err(failed("enter the sandbox's root"))?;
    pivot_root(Path::new("."), Path::new(".")).map_err(failed("pivot into the sandbox's root"))?;
    detach(Path::new(".")).map_err(failed("detach the assembly's root"))?;
    std::env::set_current_dir("/").map_err(failed("enter the sandbox's root"))
}

/// Makes one mount into the new root.
fn make(step: &Mount) -> Result<(), String> {
    match step {
        Mount::Bind { src, dst, access } => {
            let (host, inside) = (beneath(OLD_ROOT, src), beneath(NEW_ROOT, dst));
            mount_point(&inside, host.is_dir()).map_err(failed(format!("create {}", dst.display())))?;
            bind(&host, &inside, *access, false).map_err(failed(format!("bind {} at {}", src.display(), dst.display())))
        }
        Mount::Symlink { target, path } => {
            let link = beneath(NEW_ROOT, path);
            parent_dirs(&link).and_then(|()| std::os::unix::fs::symlink(target, &link)).map_err(failed(format!(
                "link {} to {}",
                path.display(),
                target.display()
            )))
        }
        Mount::Proc(dst) => {
            proc(&beneath(NEW_ROOT, dst)).map_err(failed(format!("mount a fresh proc at {}", dst.display())))
        }
        Mount::Dev(dst) => {
            dev(&beneath(NEW_ROOT, dst)).map_err(failed(format!("make a minimal dev at {}", dst.display())))
        }
        Mount::Tmpfs { dst, bytes } => {
            let data = bytes.map_or_else(|| "mode=1777".to_owned(), |bytes| format!("mode=1777,size={bytes}"));
            tmpfs(&beneath(NEW_ROOT, dst), &data).map_err(failed(format!("mount a tmpfs at {}", dst.display())))
        }
    }
}

fn parent_dirs(path: &Path) -> io::Result<()> {
    path.parent().map_or(Ok(()), std::fs::create_dir_all)
}

/// What a mount is made on: a directory for a directory, an empty file for anything else.
fn mount_point(path: &Path, dir: bool) -> io::Result<()> {
    if dir {
        return std::fs::create_dir_all(path);
    }
    parent_dirs(path)?;
    std::fs::OpenOptions::new().write(true).create(true).truncate(false).open(path).map(drop)
}

fn tmpfs(dst: &Path, data: &str) -> io::Result<()> {
    std::fs::create_dir_all(dst)?;
    mount(Some(Path::new("tmpfs")), dst, Some("tmpfs"), libc::MS_NOSUID | libc::MS_NODEV, Some(data))
}

/// Binds `src` (and everything mounted beneath it) at `dst`, then remounts `dst` and each mount beneath it nosuid,
/// nodev (unless `devices`) and, for [`Access::ReadOnly`], read-only, keeping each mount's own flags: in a user
/// namespace the kernel locks those of the host's mounts, and a remount that would clear one fails.
fn bind(src: &Path, dst: &Path, access: Access, devices: bool) -> io::Result<()> {
    mount(Some(src), dst, None, libc::MS_BIND | libc::MS_REC, None)?;
    let mut wanted = libc::MS_NOSUID;
    if !devices {
        wanted |= libc::MS_NODEV;
    }
    if access == Access::ReadOnly {
        wanted |= libc::MS_RDONLY;
    }
    let table = std::fs::read_to_string(beneath(OLD_ROOT, Path::new("/proc/self/mountinfo")))?;
    let mut points = mounts_beneath(&table, dst);
    // The bind itself first: a submount that cannot be remounted is only skipped when it cannot be reached.
    points.sort_by_key(|(point, _)| point.as_path() != dst);
    for (index, (point, flags)) in points.into_iter().enumerate() {
        if flags | wanted == flags {
            continue;
        }
        match mount(None, &point, None, libc::MS_BIND | libc::MS_REMOUNT | flags | wanted, None) {
            Err(error) if index > 0 && error.raw_os_error() == Some(libc::EACCES) => {}
            result => result?,
        }
    }
    Ok(())
}

/// The mount points at or beneath `dst` in a `/proc/self/mountinfo` table, each with its own flags as `mount` takes
/// them (what `statvfs`' `f_flag` reports: read-only, nosuid, nodev, noexec, the atime flags, nosymfollow).
fn mounts_beneath(table: &str, dst: &Path) -> Vec<(PathBuf, libc::c_ulong)> {
    table
        .lines()
        .filter_map(|line| {
            let mut fields = line.split(' ');
            let point = PathBuf::from(unescape(fields.nth(4)?));
            let options = fields.next()?;
            point.starts_with(dst).then(|| (point, mount_flags(options)))
        })
        .collect()
}

/// A mount's per-mount options (`rw,nosuid,nodev,relatime`) as `mount` flags; without `noatime` or `relatime` it is
/// `strictatime`, which a remount must then ask for.
fn mount_flags(options: &str) -> libc::c_ulong {
    let mut flags = 0;
    for option in options.split(',') {
        flags |= match option {
            "ro" => libc::MS_RDONLY,
            "nosuid" => libc::MS_NOSUID,
            "nodev" => libc::MS_NODEV,
            "noexec" => libc::MS_NOEXEC,
            "noatime" => libc::MS_NOATIME,
            "nodiratime" => libc::MS_NODIRATIME,
            "relatime" => libc::MS_RELATIME,
            "nosymfollow" => libc::MS_NOSYMFOLLOW,
            _ => 0,
        };
    }
    if flags & (libc::MS_NOATIME | libc::MS_RELATIME) == 0 {
        flags |= libc::MS_STRICTATIME;
    }
    flags
}

/// A mountinfo path with its octal escapes (`\040` for a space) undone.
fn unescape(field: &str) -> OsString {
    use std::os::unix::ffi::OsStringExt;
    let bytes = field.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let octal =
            bytes.get(i + 1..i + 4).filter(|d| bytes[i] == b'\\' && d.iter().all(|b| (b'0'..=b'7').contains(b)));
        if let Some(digits) = octal {
            out.push(digits.iter().fold(0u8, |n, d| n.wrapping_mul(8).wrapping_add(d - b'0')));
            i += 4;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    OsString::from_vec(out)
}

/// A fresh proc of the sandbox's PID namespace (nosuid, nodev, noexec), with the parts bubblewrap covers bound
/// read-only over themselves.
fn proc(dst: &Path) -> io::Result<()> {
    std::fs::create_dir_all(dst)?;
    let flags = libc::MS_NOSUID | libc::MS_NODEV | libc::MS_NOEXEC;
    mount(Some(Path::new("proc")), dst, Some("proc"), flags, None)?;
    for part in PROC_COVERED {
        let path = dst.join(part);
        match bind(&path, &path, Access::ReadOnly, false) {
            Err(error) if matches!(error.raw_os_error(), Some(libc::ENOENT | libc::EACCES)) => {}
            result => result?,
        }
    }
    Ok(())
}

/// A minimal dev: a small tmpfs with the host's null, zero, full, random, urandom and tty bound onto empty files,
/// the links to the process's own descriptors and an empty `shm`.
fn dev(dst: &Path) -> io::Result<()> {
    std::fs::create_dir_all(dst)?;
    let data = format!("mode=0755,size={DEV_BYTES}");
    mount(Some(Path::new("tmpfs")), dst, Some("tmpfs"), libc::MS_NOSUID | libc::MS_NODEV, Some(&data))?;
    for device in DEVICES {
        let host = beneath(OLD_ROOT, &Path::new("/dev").join(device));
        if !host.exists() {
            continue;
        }
        let node = dst.join(device);
        mount_point(&node, false)?;
        bind(&host, &node, Access::ReadWrite, true)?;
    }
    for (name, target) in DEVICE_LINKS {
        std::os::unix::fs::symlink(target, dst.join(name))?;
    }
    std::fs::create_dir(dst.join("shm"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(args: &[&str]) -> Result<Plan, String> {
        parse(args.iter().map(OsString::from))
    }

    fn path(p: &str) -> PathBuf {
        PathBuf::from(p)
    }

    #[test]
    fn the_command_line_becomes_the_mounts_in_order_the_directory_the_environment_and_the_program() {
        let plan = plan(&[
            "--ro-bind",
            "/usr",
            "/usr",
            "--symlink",
            "usr/lib",
            "/lib",
            "--proc",
            "/proc",
            "--dev",
            "/dev",
            "--size",
            "4096",
            "--tmpfs",
            "/tmp",
            "--bind",
            "/j/out",
            "/j/out",
            "--tmpfs",
            "/scratch",
            "--chdir",
            "/tmp",
            "--setenv",
            "PATH",
            "/usr/bin",
            "--setenv",
            "A",
            "1",
            "--",
            "/usr/bin/sh",
            "-c",
            "exit 3",
        ])
        .unwrap();
        assert_eq!(
            plan.mounts,
            [
                Mount::Bind { src: path("/usr"), dst: path("/usr"), access: Access::ReadOnly },
                Mount::Symlink { target: path("usr/lib"), path: path("/lib") },
                Mount::Proc(path("/proc")),
                Mount::Dev(path("/dev")),
                Mount::Tmpfs { dst: path("/tmp"), bytes: Some(4096) },
                Mount::Bind { src: path("/j/out"), dst: path("/j/out"), access: Access::ReadWrite },
                Mount::Tmpfs { dst: path("/scratch"), bytes: None },
            ]
        );
        assert_eq!(plan.chdir, Some(path("/tmp")));
        let env: Vec<_> =
            plan.env.iter().map(|(k, v)| format!("{}={}", k.to_string_lossy(), v.to_string_lossy())).collect();
        assert_eq!(env, ["PATH=/usr/bin", "A=1"]);
        assert_eq!(plan.program, "/usr/bin/sh");
        assert_eq!(plan.args, ["-c", "exit 3"]);
    }

    #[test]
    fn everything_after_the_dashes_belongs_to_the_program() {
        let plan = plan(&["--", "/bin/prog", "--bind", "/", "/", "--"]).unwrap();
        assert!(plan.mounts.is_empty());
        assert_eq!(plan.args, ["--bind", "/", "/", "--"]);
    }

    #[test]
    fn a_wrong_command_line_is_one_failed_to_line() {
        for args in [
            &[][..],
            &["--ro-bind", "/usr"],
            &["--bind", "usr", "/usr", "--", "/p"],
            &["--ro-bind", "/usr", "usr", "--", "/p"],
            &["--ro-bind", "/usr", "/usr/../etc", "--", "/p"],
            &["--tmpfs", "/", "--", "/p"],
            &["--size", "10", "--proc", "/proc", "--", "/p"],
            &["--size", "lots", "--tmpfs", "/tmp", "--", "/p"],
            &["--unshare-all", "--", "/p"],
            &["--"],
        ] {
            let error = plan(args).unwrap_err();
            assert!(error.starts_with("failed to ") && !error.contains('\n'), "{args:?}: {error}");
        }
    }

    #[test]
    fn sandbox_paths_are_kept_without_a_trailing_slash() {
        assert_eq!(sandbox_path("/tmp/x/".into()).unwrap(), path("/tmp/x"));
        assert_eq!(sandbox_path("//run//harness".into()).unwrap(), path("/run/harness"));
    }

    #[test]
    fn the_mounts_beneath_a_destination_keep_their_own_flags() {
        let table = "\
22 1 0:21 / /oldroot/proc rw,nosuid,nodev,noexec,relatime shared:5 - proc proc rw
40 30 8:1 /usr /newroot/usr ro,nodev,relatime - ext4 /dev/sda1 rw
41 40 0:50 / /newroot/usr/local\\040dir rw,noatime - tmpfs tmpfs rw
42 30 8:1 /usrx /newroot/usrx rw - ext4 /dev/sda1 rw
";
        let points = mounts_beneath(table, Path::new("/newroot/usr"));
        assert_eq!(
            points,
            [
                (path("/newroot/usr"), libc::MS_RDONLY | libc::MS_NODEV | libc::MS_RELATIME),
                (path("/newroot/usr/local dir"), libc::MS_NOATIME),
            ]
        );
        assert_eq!(mount_flags("rw"), libc::MS_STRICTATIME, "no atime option is strictatime");
        assert_eq!(
            mount_flags("rw,nosuid,nosymfollow,relatime"),
            libc::MS_NOSUID | libc::MS_NOSYMFOLLOW | libc::MS_RELATIME
        );
    }

    #[test]
    fn mountinfo_escapes_are_undone_and_a_lone_backslash_kept() {
        assert_eq!(unescape("/a\\040b\\011c\\134d"), "/a b\tc\\d");
        assert_eq!(unescape("/a\\b\\04"), "/a\\b\\04");
    }

    #[test]
    fn a_signal_becomes_128_plus_its_number_and_an_exit_its_code() {
        assert_eq!(exit_code(libc::SIGSEGV), 128 + 11);
        assert_eq!(exit_code(7 << 8), 7);
        assert_eq!(exit_code(0), 0);
    }
}
