//! Small facts of the operating system: whether a pid runs and a descriptor moved above the numbers a child's fixed
//! descriptors use (which the process and cgroup owners both need), and the space left on a path's filesystem (which
//! tells a failed build on a full disk from a failed compile).

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

/// Bytes an unprivileged process may still write on the filesystem holding `path` (`statvfs`), or `None` when it
/// cannot be asked.
pub fn available_bytes(path: &Path) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt;
    let path = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
    let mut stat = std::mem::MaybeUninit::<libc::statvfs>::uninit();
    // SAFETY: `path` is a NUL-terminated string and `stat` is a writable statvfs that the call fills on success.
    if unsafe { libc::statvfs(path.as_ptr(), stat.as_mut_ptr()) } != 0 {
        return None;
    }
    // SAFETY: statvfs returned 0, so it filled `stat`.
    let stat = unsafe { stat.assume_init() };
    Some(stat.f_bavail.saturating_mul(stat.f_frsize))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_space_left_on_a_real_filesystem_is_known_and_on_a_missing_path_is_not() {
        assert!(available_bytes(Path::new("/")).is_some());
        assert_eq!(available_bytes(Path::new("/no/such/path/here")), None);
    }
}
