//! The one owner of child processes: spawning in their own session, the result channel on fd 3, resource limits,
//! wall-clock timeouts that kill the whole process group, and capped capture of stdout and stderr.

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
    /// there to kill it.
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
/// Most processes the sandbox's own user may run at once (a fork bomb stops here).
pub const PROCESSES_CAP: u64 = 512;

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
    let write_fd: Option<RawFd> = pipe.as_ref().map(|(_, w)| std::os::fd::AsRawFd::as_raw_fd(w));
    let secret = match channel {
        Some(secret) => {
            let (read, write) = self::pipe()?;
            // The secret is far smaller than a pipe's buffer, so this cannot block.
            std::fs::File::from(write).write_all(secret)?;
            Some(read)
        }
        None => None,
    };
    let secret_fd: Option<RawFd> = secret.as_ref().map(std::os::fd::AsRawFd::as_raw_fd);
    let address_space = limits.address_space;
    let confine = limits.confine;
    let cpu_secs = limits.timeout.as_secs() + 1;
    // SAFETY: getuid has no preconditions. A root harness hands the sandbox to an unprivileged user of its own
    // (sandbox.rs); RLIMIT_NPROC counts per user (and never applies to root), so it is set only for that user: a
    // developer's own account may well run more processes than a sandbox needs.
    let harness_is_root = unsafe { libc::getuid() } == 0;
    command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    // SAFETY: the closure only makes async-signal-safe system calls (setsid, dup2, setrlimit) between fork and exec.
    unsafe {
        command.pre_exec(move || {
            if libc::setsid() < 0 {
                return Err(std::io::Error::last_os_error());
            }
            if let Some(fd) = write_fd {
                // dup2 clears close-on-exec on the new descriptor, so only fd 3 survives exec.
                if libc::dup2(fd, harness_protocol::RESULT_FD) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
            }
            if let Some(fd) = secret_fd
                && libc::dup2(fd, harness_protocol::SECRET_FD) < 0
            {
                return Err(std::io::Error::last_os_error());
            }
            let no_core = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
            libc::setrlimit(libc::RLIMIT_CORE, &raw const no_core);
            // Nothing a child runs may gain privileges (a setuid binary, a file capability).
            libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
            if confine {
                let cap = |resource, value: u64| {
                    let limit = libc::rlimit { rlim_cur: value, rlim_max: value };
                    libc::setrlimit(resource, &raw const limit);
                };
                cap(libc::RLIMIT_CPU, cpu_secs);
                cap(libc::RLIMIT_FSIZE, FILE_SIZE_CAP);
                cap(libc::RLIMIT_NOFILE, OPEN_FILES_CAP);
                // std switches the uid (Command::uid) before running pre_exec closures.
                if harness_is_root && libc::getuid() != 0 {
                    cap(libc::RLIMIT_NPROC, PROCESSES_CAP);
                }
            }
            if let Some(bytes) = address_space {
                let limit = libc::rlimit { rlim_cur: bytes, rlim_max: bytes };
                libc::setrlimit(libc::RLIMIT_AS, &raw const limit);
            }
            Ok(())
        });
    }
    let start = Instant::now();
    let mut child = command.spawn()?;
    drop(secret);
    let pid = child.id() as libc::pid_t;
    let channel_reader = pipe.map(|(read, write)| {
        drop(write);
        reader(std::fs::File::from(read), limits.channel_cap)
    });
    let stdout = reader(child.stdout.take().expect("stdout is piped"), limits.output_cap);
    let stderr = reader(child.stderr.take().expect("stderr is piped"), limits.output_cap);

    // The waiter sees the child exit without reaping it, so its pid (and process group id) cannot be reused before
    // the group is killed below.
    let (done_tx, done_rx) = mpsc::channel();
    let waiter = thread::spawn(move || {
        wait_exited(pid);
        let _ = done_tx.send(());
    });
    let timed_out = done_rx.recv_timeout(limits.timeout).is_err();
    // Kill the whole group: on timeout the child itself, otherwise anything it left running.
    // SAFETY: plain system call; the group id is the child's pid because it called setsid.
    unsafe {
        libc::killpg(pid, libc::SIGKILL);
    }
    waiter.join().map_err(|_| std::io::Error::other("the wait thread panicked"))?;
    let (status, cpu) = reap(pid)?;
    drop(child);
    let elapsed = start.elapsed();
    let exit = if timed_out {
        Exit::TimedOut
    } else if let Some(code) = status.code() {
        Exit::Code(code)
    } else {
        Exit::Signal(status.signal().unwrap_or(0))
    };
    let deadline = Instant::now() + DRAIN_GRACE;
    let (channel, _) = channel_reader.map(|r| r.finish(deadline)).unwrap_or_default();
    let (out, out_dropped) = stdout.finish(deadline);
    let (err, err_dropped) = stderr.finish(deadline);
    Ok(Finished {
        exit,
        stdout: Captured { text: String::from_utf8_lossy(&out).into_owned(), dropped_bytes: out_dropped },
        stderr: Captured { text: String::from_utf8_lossy(&err).into_owned(), dropped_bytes: err_dropped },
        channel,
        elapsed,
        cpu,
    })
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
/// The lowest descriptor number a pipe given to a child may have: above the numbers the child gets them on
/// (`RESULT_FD`, `SECRET_FD`), so that dup2-ing one into place never overwrites the other. (A result pipe that landed
/// on fd 4 and a secret pipe on fd 3 made the child's fd 4 a second copy of the result pipe: no nonce, no result.)
const FIRST_PIPE_FD: RawFd = 10;

fn pipe() -> std::io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two descriptors pipe2 writes.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: pipe2 succeeded, so both descriptors are open and owned by nobody else.
    let (read, write) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    Ok((above_child_fds(read)?, above_child_fds(write)?))
}

/// The same open file on a descriptor numbered [`FIRST_PIPE_FD`] or higher (close-on-exec); the original is closed.
pub(crate) fn above_child_fds(fd: OwnedFd) -> std::io::Result<OwnedFd> {
    use std::os::fd::AsRawFd;
    // SAFETY: plain fcntl on a descriptor we own; on success the new descriptor is ours alone.
    let moved = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_DUPFD_CLOEXEC, FIRST_PIPE_FD) };
    if moved < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: fcntl returned a fresh open descriptor.
    Ok(unsafe { OwnedFd::from_raw_fd(moved) })
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
            assert!(read.as_raw_fd() >= FIRST_PIPE_FD && write.as_raw_fd() >= FIRST_PIPE_FD);
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
}
