//! Two small facts of the operating system that the process and cgroup owners both need: whether a pid runs, and a
//! descriptor moved above the numbers a child's fixed descriptors use.

use std::os::fd::{FromRawFd, OwnedFd, RawFd};
use std::path::Path;

/// The lowest descriptor number a pipe given to a child may have: above the numbers the child gets them on
/// (`RESULT_FD`, `SECRET_FD`), so that dup2-ing one into place never overwrites the other. (A result pipe that landed
/// on fd 4 and a secret pipe on fd 3 made the child's fd 4 a second copy of the result pipe: no nonce, no result.)
pub const FIRST_PIPE_FD: RawFd = 10;

/// Whether a process with this pid runs (in this PID namespace).
pub fn alive(pid: u32) -> bool {
    Path::new("/proc").join(pid.to_string()).exists()
}

/// The same open file on a descriptor numbered [`FIRST_PIPE_FD`] or higher (close-on-exec); the original is closed.
pub fn above_child_fds(fd: OwnedFd) -> std::io::Result<OwnedFd> {
    use std::os::fd::AsRawFd;
    // SAFETY: plain fcntl on a descriptor we own; on success the new descriptor is ours alone.
    let moved = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_DUPFD_CLOEXEC, FIRST_PIPE_FD) };
    if moved < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: fcntl returned a fresh open descriptor.
    Ok(unsafe { OwnedFd::from_raw_fd(moved) })
}
