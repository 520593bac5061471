//! The one owner of child processes: spawning in their own session, the result channel on fd 3, resource limits
//! (rlimits, and a cgroup per confined run where cgroups can be written), wall-clock timeouts that kill the whole
//! process group (and everything left in the run's cgroup), and capped capture of stdout and stderr.

use crate::cgroup::{self, Cgroup, Movers};
use crate::os;
use serde::Serialize;
use std::io::{Read, Write};
use std::os::fd::{FromRawFd, OwnedFd, RawFd};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// How long readers may keep draining after the child is gone (a grandchild that escaped the group may hold a pipe).
const DRAIN_GRACE: Duration = Duration::from_secs(2);

/// What a child may use.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub timeout: Duration,
    /// Bytes of stdout and of stderr kept (the rest is drained and counted).
    pub output_cap: usize,
    /// Bytes kept from the result channel.
    pub channel_cap: usize,
    /// Address-space limit (`RLIMIT_AS`), if any.
    pub address_space: Option<u64>,
    /// Candidate code: also cap CPU seconds (the timeout, rounded up), file size, open files and (when the child
    /// runs as its own unprivileged user) processes, so a runaway is stopped by the kernel even if the harness is not
    /// there to kill it; and, where cgroups can be written, run it in a cgroup of its own that caps the memory
    /// (`address_space`, else [`GROUP_MEMORY_DEFAULT`]) and the processes ([`cgroup::PROCESSES_CAP`]) of everything it
    /// starts together, and whose every process is killed when the run ends.
    pub confine: bool,
}

impl Limits {
    /// Limits for a tool of the harness's own (cargo, rustfmt): a timeout and output caps.
    pub fn tool(timeout: Duration, output_cap: usize) -> Limits {
        Limits { timeout, output_cap, channel_cap: 0, address_space: None, confine: false }
    }
}

/// Largest file a confined child may write.
const FILE_SIZE_CAP: u64 = 64 << 20;
/// Most descriptors a confined child may hold open.
const OPEN_FILES_CAP: u64 = 256;
/// Memory a confined run's processes may use together when it has no address-space limit.
pub const GROUP_MEMORY_DEFAULT: u64 = 4 << 30;

/// Captured output: the first `cap` bytes, and how many more were dropped.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Captured {
    pub text: String,
    pub dropped_bytes: u64,
}

/// How the child ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum Exit {
    Code(i32),
    Signal(i32),
    TimedOut,
}

/// How a child that did not report ended, in words for a message (`was killed by signal 11 (SIGSEGV)`);
/// `oom_killed`: the cgroup's memory limit killed it or a process of it.
pub fn describe(exit: Exit, oom_killed: bool) -> String {
    // The cgroup's OOM killer ends a process with SIGKILL; say why rather than name the signal.
    match exit {
        Exit::Signal(libc::SIGKILL) if oom_killed => {
            return "was killed: memory limit of the sandbox reached".to_owned();
        }
        Exit::Code(_) | Exit::Signal(_) if oom_killed => {
            return format!(
                "{} (a process of it was killed: memory limit of the sandbox reached)",
                describe(exit, false)
            );
        }
        _ => {}
    }
    match exit {
        Exit::Code(code) => format!("exited with code {code} without reporting"),
        Exit::Signal(signal) => {
            let name = match signal {
                libc::SIGSEGV => " (SIGSEGV)",
                libc::SIGABRT => " (SIGABRT: abort, stack overflow or failed allocation)",
                libc::SIGKILL => " (SIGKILL)",
                libc::SIGBUS => " (SIGBUS)",
                libc::SIGILL => " (SIGILL)",
                libc::SIGFPE => " (SIGFPE)",
                _ => "",
            };
            format!("was killed by signal {signal}{name}")
        }
        Exit::TimedOut => "timed out".to_owned(),
    }
}

/// Everything a finished child left behind.
#[derive(Debug)]
pub struct Finished {
    pub exit: Exit,
    pub stdout: Captured,
    pub stderr: Captured,
    /// Bytes written to the result channel (fd 3), if one was opened.
    pub channel: Vec<u8>,
    pub elapsed: Duration,
    /// CPU time (user + system) the child itself used; a timeout with little CPU was waiting, not computing.
    pub cpu: Duration,
    /// The kernel's OOM killer killed a process of the run: its cgroup's memory cap was reached (the child itself,
    /// or the process it runs, then died by SIGKILL).
    pub oom_killed: bool,
}

impl Finished {
    pub fn success(&self) -> bool {
        self.exit == Exit::Code(0)
    }
}

/// Runs `command` to completion or timeout. With `channel`, the child finds a pipe on fd 3 to write its result to,
/// and on fd 4 a pipe it can read the given secret from (never the environment, which `/proc/self/environ` keeps
/// readable for the life of the process).
pub fn run(mut command: Command, limits: Limits, channel: Option<&[u8]>) -> std::io::Result<Finished> {
    let pipe = if channel.is_some() { Some(pipe()?) } else { None };
    let secret = channel.map(secret_pipe).transpose()?;
    let group = if limits.confine {
        Cgroup::create(limits.address_space.unwrap_or(GROUP_MEMORY_DEFAULT), cgroup::PROCESSES_CAP)
    } else {
        None
    };
    // The child writes a byte here if it could not move itself into its group.
    let unmoved = if group.is_some() { Some(self::pipe()?) } else { None };
    command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let setup = ChildSetup {
        result_fd: pipe.as_ref().map(|(_, w)| std::os::fd::AsRawFd::as_raw_fd(w)),
        secret_fd: secret.as_ref().map(std::os::fd::AsRawFd::as_raw_fd),
        movers: group.as_ref().map(Cgroup::movers).unwrap_or_default(),
        unmoved_fd: unmoved.as_ref().map(|(_, w)| std::os::fd::AsRawFd::as_raw_fd(w)),
        limits,
        // SAFETY: getuid has no preconditions.
        harness_is_root: unsafe { libc::getuid() } == 0,
    };
    set_up_child(&mut command, setup);
    let start = Instant::now();
    let mut child = command.spawn()?;
    drop(secret);
    // spawn returns once the child has exec'd, so a failed move is already in the pipe.
    if let Some((read, write)) = unmoved {
        drop(write);
        if moved_failed(&read) {
            cgroup::count_miss();
        }
    }
    let pid = child.id() as libc::pid_t;
    let readers = Readers {
        channel: pipe.map(|(read, write)| {
            drop(write);
            reader(std::fs::File::from(read), limits.channel_cap)
        }),
        stdout: reader(child.stdout.take().expect("stdout is piped"), limits.output_cap),
        stderr: reader(child.stderr.take().expect("stderr is piped"), limits.output_cap),
    };
    let timed_out = wait_then_kill(pid, limits.timeout, group.as_ref())?;
    let (status, cpu) = reap(pid)?;
    drop(child);
    let oom_killed = group.as_ref().is_some_and(Cgroup::oom_killed);
    drop(group);
    let elapsed = start.elapsed();
    Ok(readers.finish(Finished {
        exit: if timed_out { Exit::TimedOut } else { Exit::of(status) },
        stdout: Captured::default(),
        stderr: Captured::default(),
        channel: Vec::new(),
        elapsed,
        cpu,
        oom_killed,
    }))
}

impl Exit {
    /// How a process that finished in time ended.
    fn of(status: std::process::ExitStatus) -> Exit {
        match status.code() {
            Some(code) => Exit::Code(code),
            None => Exit::Signal(status.signal().unwrap_or(0)),
        }
    }
}

/// A pipe holding `secret` for the child to read; the read end is returned.
fn secret_pipe(secret: &[u8]) -> std::io::Result<OwnedFd> {
    let (read, write) = pipe()?;
    // The secret is far smaller than a pipe's buffer, so this cannot block.
    std::fs::File::from(write).write_all(secret)?;
    Ok(read)
}

/// Waits for the child `pid` to exit or for `timeout`, then kills its whole process group (on timeout the child
/// itself, otherwise anything it left running) and everything left in its cgroup; whether it timed out.
fn wait_then_kill(pid: libc::pid_t, timeout: Duration, group: Option<&Cgroup>) -> std::io::Result<bool> {
    // The waiter sees the child exit without reaping it, so its pid (and process group id) cannot be reused before
    // the group is killed below.
    let (done_tx, done_rx) = mpsc::channel();
    let waiter = thread::spawn(move || {
        wait_exited(pid);
        let _ = done_tx.send(());
    });
    let timed_out = done_rx.recv_timeout(timeout).is_err();
    // SAFETY: plain system call; the group id is the child's pid because it called setsid.
    unsafe {
        libc::killpg(pid, libc::SIGKILL);
    }
    // Then everything left in the run's cgroup: a process that left the group with setsid (without a PID namespace to
    // take it down) is still in the cgroup.
    if let Some(group) = group {
        group.kill_all();
    }
    waiter.join().map_err(|_| std::io::Error::other("the wait thread panicked"))?;
    Ok(timed_out)
}

/// The threads draining a child's channel, stdout and stderr.
struct Readers {
    channel: Option<Reader>,
    stdout: Reader,
    stderr: Reader,
}

impl Readers {
    /// `finished` with what the readers kept, each given until a short grace after the child's end.
    fn finish(self, finished: Finished) -> Finished {
        let deadline = Instant::now() + DRAIN_GRACE;
        let (channel, _) = self.channel.map(|r| r.finish(deadline)).unwrap_or_default();
        let (out, out_dropped) = self.stdout.finish(deadline);
        let (err, err_dropped) = self.stderr.finish(deadline);
        Finished {
            stdout: Captured { text: String::from_utf8_lossy(&out).into_owned(), dropped_bytes: out_dropped },
            stderr: Captured { text: String::from_utf8_lossy(&err).into_owned(), dropped_bytes: err_dropped },
            channel,
            ..finished
        }
    }
}

/// Whether the child reported (one byte on the pipe) that it could not move itself into its cgroup. Non-blocking: the
/// child wrote before exec, and another thread's child may briefly hold a copy of the write end.
fn moved_failed(read: &OwnedFd) -> bool {
    let fd = std::os::fd::AsRawFd::as_raw_fd(read);
    let mut byte = 0u8;
    // SAFETY: plain fcntl and a one-byte read into a local, on a descriptor we own.
    unsafe {
        libc::fcntl(fd, libc::F_SETFL, libc::O_NONBLOCK);
        libc::read(fd, (&raw mut byte).cast(), 1) == 1
    }
}

/// What a child sets up for itself between fork and exec: plain values only, since nothing there may allocate.
#[derive(Debug, Clone, Copy)]
struct ChildSetup {
    /// The result pipe's write end, moved to fd 3.
    result_fd: Option<RawFd>,
    /// The secret pipe's read end, moved to fd 4.
    secret_fd: Option<RawFd>,
    /// The run's cgroup, if it has one.
    movers: Movers,
    /// Where to report a failed move into the cgroup.
    unmoved_fd: Option<RawFd>,
    limits: Limits,
    /// RLIMIT_NPROC counts per user (and never applies to root), so it is set only when a root harness hands the
    /// child to an unprivileged user of its own (sandbox.rs): a developer's own account may well run more processes
    /// than a sandbox needs.
    harness_is_root: bool,
}

/// Installs the `pre_exec` step: into the cgroup, own session, fds 3 and 4, rlimits, no_new_privs.
fn set_up_child(command: &mut Command, setup: ChildSetup) {
    // SAFETY: the closure only makes async-signal-safe system calls (write, setsid, dup2, setrlimit) between fork and
    // exec, and allocates nothing.
    unsafe {
        command.pre_exec(move || {
            // Into the cgroup first, so everything the child ever starts is in it. Writing "0" to `cgroup.procs` moves
            // the writer; the descriptors were opened before fork (by the harness, which may write there).
            if let Some(fd) = setup.unmoved_fd
                && !setup.movers.move_self()
            {
                libc::write(fd, b"!".as_ptr().cast(), 1);
            }
            if libc::setsid() < 0 {
                return Err(std::io::Error::last_os_error());
            }
            if let Some(fd) = setup.result_fd {
                // dup2 clears close-on-exec on the new descriptor, so only fd 3 survives exec.
                if libc::dup2(fd, harness_protocol::RESULT_FD) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
            }
            if let Some(fd) = setup.secret_fd
                && libc::dup2(fd, harness_protocol::SECRET_FD) < 0
            {
                return Err(std::io::Error::last_os_error());
            }
            let no_core = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
            libc::setrlimit(libc::RLIMIT_CORE, &raw const no_core);
            // Nothing a child runs may gain privileges (a setuid binary, a file capability).
            libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
            if setup.limits.confine {
                let cap = |resource, value: u64| {
                    let limit = libc::rlimit { rlim_cur: value, rlim_max: value };
                    libc::setrlimit(resource, &raw const limit);
                };
                cap(libc::RLIMIT_CPU, setup.limits.timeout.as_secs() + 1);
                cap(libc::RLIMIT_FSIZE, FILE_SIZE_CAP);
                cap(libc::RLIMIT_NOFILE, OPEN_FILES_CAP);
                // std switches the uid (Command::uid) before running pre_exec closures.
                if setup.harness_is_root && libc::getuid() != 0 {
                    cap(libc::RLIMIT_NPROC, cgroup::PROCESSES_CAP);
                }
            }
            if let Some(bytes) = setup.limits.address_space {
                let limit = libc::rlimit { rlim_cur: bytes, rlim_max: bytes };
                libc::setrlimit(libc::RLIMIT_AS, &raw const limit);
            }
            Ok(())
        });
    }
}

/// Blocks until `pid` has exited, leaving it a zombie (`WNOWAIT`).
fn wait_exited(pid: libc::pid_t) {
    loop {
        // SAFETY: `info` is a valid out-pointer; waitid only writes to it.
        let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
        let id = libc::id_t::try_from(pid).unwrap_or(0);
        // SAFETY: plain system call on our own child.
        let rc = unsafe { libc::waitid(libc::P_PID, id, &raw mut info, libc::WEXITED | libc::WNOWAIT) };
        if rc == 0 || std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
            return;
        }
    }
}

/// Reaps an exited child: its exit status and the CPU time (user + system) it used.
fn reap(pid: libc::pid_t) -> std::io::Result<(std::process::ExitStatus, Duration)> {
    let mut status = 0;
    loop {
        // SAFETY: `usage` is a valid out-pointer; wait4 only writes to it and to `status`.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: plain system call on our own, already exited, child.
        let rc = unsafe { libc::wait4(pid, &raw mut status, 0, &raw mut usage) };
        if rc == pid {
            let micros = |t: libc::timeval| t.tv_sec as u64 * 1_000_000 + t.tv_usec as u64;
            let cpu = Duration::from_micros(micros(usage.ru_utime) + micros(usage.ru_stime));
            return Ok((std::process::ExitStatus::from_raw(status), cpu));
        }
        let error = std::io::Error::last_os_error();
        if error.kind() != std::io::ErrorKind::Interrupted {
            return Err(error);
        }
    }
}

/// A pipe whose both ends close on exec (the write end is re-opened as fd 3 in the child).
fn pipe() -> std::io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two descriptors pipe2 writes.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: pipe2 succeeded, so both descriptors are open and owned by nobody else.
    let (read, write) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    Ok((os::above_child_fds(read)?, os::above_child_fds(write)?))
}

/// A thread draining one pipe: keeps the first `cap` bytes, counts the rest.
struct Reader(mpsc::Receiver<(Vec<u8>, u64)>);

impl Reader {
    /// The bytes read by `deadline` (whatever was read if the pipe is still open then).
    fn finish(self, deadline: Instant) -> (Vec<u8>, u64) {
        self.0.recv_timeout(deadline.saturating_duration_since(Instant::now())).unwrap_or_default()
    }
}

fn reader(mut source: impl Read + Send + 'static, cap: usize) -> Reader {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut kept = Vec::new();
        let mut dropped = 0u64;
        let mut buf = [0u8; 8192];
        loop {
            match source.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    let room = cap.saturating_sub(kept.len()).min(n);
                    kept.extend_from_slice(&buf[..room]);
                    dropped += (n - room) as u64;
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
        let _ = tx.send((kept, dropped));
    });
    Reader(rx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_oom_kill_is_told_as_the_sandbox_memory_limit_not_a_bare_sigkill() {
        assert_eq!(describe(Exit::Signal(libc::SIGKILL), true), "was killed: memory limit of the sandbox reached");
        assert_eq!(describe(Exit::Signal(libc::SIGKILL), false), "was killed by signal 9 (SIGKILL)");
        let exited = describe(Exit::Code(101), true);
        assert!(exited.starts_with("exited with code 101") && exited.contains("memory limit"), "{exited}");
        assert_eq!(describe(Exit::TimedOut, true), "timed out");
    }

    fn limits(secs: u64) -> Limits {
        Limits {
            timeout: Duration::from_secs(secs),
            output_cap: 16,
            channel_cap: 1024,
            address_space: None,
            confine: false,
        }
    }

    fn sh(script: &str) -> Command {
        let mut c = Command::new("sh");
        c.arg("-c").arg(script);
        c
    }

    #[test]
    fn output_is_captured_up_to_the_cap_and_the_rest_counted() {
        let done = run(sh("printf '%s' 0123456789abcdefXYZ; echo oops >&2; exit 4"), limits(5), None).unwrap();
        assert_eq!(done.exit, Exit::Code(4));
        assert_eq!(done.stdout.text, "0123456789abcdef");
        assert_eq!(done.stdout.dropped_bytes, 3);
        assert_eq!(done.stderr.text, "oops\n");
    }

    #[test]
    fn the_result_channel_is_fd_3_and_the_secret_arrives_on_fd_4_not_in_the_environment() {
        let script = "echo \"got $(cat <&4) env=${HARNESS_NONCE:-none}\" >&3";
        let done = run(sh(script), limits(5), Some(b"s3cr3t")).unwrap();
        assert!(done.success(), "{:?}", done.stderr);
        assert_eq!(String::from_utf8(done.channel).unwrap(), "got s3cr3t env=none\n");
    }

    #[test]
    fn pipes_for_a_child_never_sit_on_the_descriptors_they_are_moved_to() {
        use std::os::fd::AsRawFd;
        // Whatever low descriptors are free, a pipe's ends come back above RESULT_FD and SECRET_FD: a secret pipe on
        // fd 3 would be overwritten by the result pipe's dup2 into place in the child.
        for _ in 0..50 {
            let (read, write) = pipe().unwrap();
            assert!(read.as_raw_fd() >= os::FIRST_PIPE_FD && write.as_raw_fd() >= os::FIRST_PIPE_FD);
        }
        let done = run(sh("echo \"$(cat <&4)\" >&3"), limits(5), Some(b"n0nce")).unwrap();
        assert_eq!(String::from_utf8(done.channel).unwrap(), "n0nce\n");
    }

    #[test]
    fn a_hang_is_killed_at_the_timeout_with_its_children() {
        let done = run(sh("sleep 30 & sleep 30; echo never"), limits(1), None).unwrap();
        assert_eq!(done.exit, Exit::TimedOut);
        assert!(done.elapsed < Duration::from_secs(10), "{:?}", done.elapsed);
        assert_eq!(done.stdout.text, "");
    }

    #[test]
    fn cpu_time_tells_a_busy_loop_from_a_sleep() {
        let busy = run(sh("while :; do :; done"), limits(1), None).unwrap();
        let idle = run(sh("exec sleep 5"), limits(1), None).unwrap();
        assert_eq!((busy.exit, idle.exit), (Exit::TimedOut, Exit::TimedOut));
        assert!(busy.cpu > idle.cpu * 4 && busy.cpu > Duration::ZERO, "busy {:?}, idle {:?}", busy.cpu, idle.cpu);
    }

    #[test]
    fn a_crash_reports_its_signal() {
        let done = run(sh("kill -SEGV $$"), limits(5), None).unwrap();
        assert_eq!(done.exit, Exit::Signal(libc::SIGSEGV));
    }

    /// Confined limits (no sandbox here: the command runs on the host, as in `--allow-unsandboxed`).
    fn confined(secs: u64, address_space: Option<u64>) -> Limits {
        Limits { confine: true, address_space, output_cap: 4096, ..limits(secs) }
    }

    fn cgroups_here() -> bool {
        let here = cgroup::available().is_some();
        if !here {
            eprintln!("note: no writable cgroups here (not root, or not delegated); skipped");
        }
        here
    }

    /// The name of the harness group a `cat /proc/self/cgroup` printed (its memory line's last component).
    fn group_name(cgroup_file: &str) -> Option<String> {
        cgroup_file
            .lines()
            .filter(|l| l.contains(":memory:") || l.starts_with("0::"))
            .find_map(|l| l.rsplit('/').next().filter(|n| n.starts_with("harness-")))
            .map(str::to_owned)
    }

    #[test]
    fn a_setsid_daemon_of_a_confined_run_dies_with_its_cgroup_even_without_a_pid_namespace() {
        if !cgroups_here() {
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let pid_file = dir.path().join("daemon.pid");
        let script = format!(
            "setsid sh -c 'echo $$ > {0}.tmp && mv {0}.tmp {0}; exec sleep 31.7' >/dev/null 2>&1 & \
             while [ ! -s {0} ]; do sleep 0.02; done; cat /proc/self/cgroup",
            pid_file.display()
        );
        let done = run(sh(&script), confined(10, None), None).unwrap();
        assert_eq!(done.exit, Exit::Code(0), "{:?}", done.stderr);
        let name = group_name(&done.stdout.text).expect("the run was in a harness cgroup");
        let pid = std::fs::read_to_string(&pid_file).unwrap().trim().to_owned();
        // Killed, it may linger a moment as a zombie (empty command line) until init reaps it.
        let alive = || {
            std::fs::read(format!("/proc/{pid}/cmdline")).is_ok_and(|c| String::from_utf8_lossy(&c).contains("31.7"))
        };
        let deadline = Instant::now() + Duration::from_secs(2);
        while alive() && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(20));
        }
        assert!(!alive(), "the setsid daemon (pid {pid}) survived the run");
        assert!(!cgroup::group_exists(&name), "the run's cgroup {name} was not removed");
    }

    #[test]
    fn processes_that_together_pass_the_memory_limit_are_oom_killed_and_reported() {
        if !cgroups_here() {
            return;
        }
        // Each tail keeps its 100 MiB of input (no newline in it) and fits its own 128 MiB address space; the four
        // together are three times the group's 128 MiB.
        let script = "for i in 1 2 3 4; do (head -c 100M /dev/zero | tail | wc -c) & done; wait";
        let done = run(sh(script), confined(30, Some(128 << 20)), None).unwrap();
        let whole = done.stdout.text.lines().filter(|l| l.trim() == (100u64 << 20).to_string()).count();
        assert!(whole < 4, "every tail kept its 100 MiB: {:?}", done.stdout.text);
        assert!(done.oom_killed, "{done:?}");
        // An unconfined run has no cgroup, so nothing is reported as OOM-killed.
        let free = run(sh("head -c 10M /dev/zero | tail | wc -c"), limits(30), None).unwrap();
        assert!(!free.oom_killed && free.success(), "{free:?}");
    }

    #[test]
    fn a_child_that_drops_to_another_uid_still_lands_in_its_cgroup() {
        // SAFETY: getuid has no preconditions.
        if !cgroups_here() || unsafe { libc::getuid() } != 0 {
            return;
        }
        let mut command = sh("cat /proc/self/cgroup");
        command.uid(1_000_999).gid(1_000_999);
        let done = run(command, confined(10, None), None).unwrap();
        assert!(done.success(), "{done:?}");
        assert!(group_name(&done.stdout.text).is_some(), "not in a harness cgroup: {}", done.stdout.text);
    }
}
