//! The runner's end of the result channel: the pipe the harness passed, and one record written to it.

pub use harness_protocol::{CaseRecord, ListRecord, Metrics, PROTOCOL_VERSION, Status};
use harness_protocol::{ENV_MEMORY_RATIO, ENV_MEMORY_SLACK, ENV_RESULT_FD, ENV_SECRET_FD, ENV_SEED};

use std::fs::File;
use std::io::Write;
use std::os::fd::FromRawFd;

use crate::case::Ctx;

/// Where records go: the harness's pipe, and the nonce they must carry.
pub(crate) struct Channel {
    file: File,
    pub nonce: String,
}

impl Channel {
    /// The channel the harness set up, if this runner was started by the harness. Takes the variables out of the
    /// environment so code run later does not see them.
    pub fn from_env() -> Option<Channel> {
        let fd: i32 = std::env::var(ENV_RESULT_FD).ok()?.parse().ok()?;
        // SAFETY: plain prctl. From here on this process is not dumpable: its /proc/self/mem and /proc/self/fd belong
        // to root and no other process of its user may ptrace it, so neither the candidate's code (which the harness
        // compiles with `forbid(unsafe_code)`) nor a process it starts can read the nonce out of this memory.
        unsafe {
            libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0);
        }
        let secret_fd: Option<i32> = std::env::var(ENV_SECRET_FD).ok().and_then(|s| s.parse().ok());
        let mut nonce = String::new();
        if let Some(secret_fd) = secret_fd {
            // SAFETY: the harness opened this descriptor for us; reading it to the end and closing it (the File is
            // dropped) leaves the nonce only in this process's memory, not in its environment or descriptors.
            let mut secret = unsafe { File::from_raw_fd(secret_fd) };
            let _ = std::io::Read::read_to_string(&mut secret, &mut nonce);
        }
        // SAFETY: called at the start of main, before any other thread exists.
        unsafe {
            std::env::remove_var(ENV_RESULT_FD);
            std::env::remove_var(ENV_SECRET_FD);
        }
        // SAFETY: the harness opened this descriptor for us and nothing else in this process owns it. Close-on-exec:
        // a process the candidate's code starts (a shell) must not inherit the channel and write a record on it.
        let file = unsafe {
            libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC);
            File::from_raw_fd(fd)
        };
        Some(Channel { file, nonce })
    }

    /// Writes one record as a JSON line and flushes it.
    pub fn send(&mut self, record: &impl harness_protocol::Serialize) -> std::io::Result<()> {
        let mut line = serde_json::to_vec(record)?;
        line.push(b'\n');
        self.file.write_all(&line)?;
        self.file.flush()
    }
}

/// Trial settings from the environment, with defaults for a runner started by hand.
pub(crate) fn ctx_from_env() -> Ctx {
    let var = |name: &str| std::env::var(name).ok();
    Ctx {
        seed: var(ENV_SEED).and_then(|s| s.parse().ok()).unwrap_or(1),
        memory_ratio: var(ENV_MEMORY_RATIO).and_then(|s| s.parse().ok()).unwrap_or(2.0),
        memory_slack: var(ENV_MEMORY_SLACK).and_then(|s| s.parse().ok()).unwrap_or(256 * 1024),
        edges: crate::generator::Edges::NONE,
    }
}
