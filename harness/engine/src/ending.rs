//! How a confined process that did not report ended (a death, a broken measurement): typed, for grades and
//! reporters; [`Death`]'s `Display` is for error messages.

use harness_sandbox::process::Exit;

/// How a measurement broke.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Broke {
    /// The measured side panicked with this message.
    Panicked(String),
    /// Its process died or exited without a well-formed record.
    Died(Death),
    /// Under callgrind, it left no instruction count.
    Uncounted,
}

/// How a confined process that did not report ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Death {
    pub exit: Exit,
    /// The sandbox's memory limit killed it (or a process of it).
    pub oom_killed: bool,
    /// The last bytes of its stderr, trimmed; empty when it printed nothing.
    pub stderr: String,
}

impl std::fmt::Display for Death {
    /// `was killed by signal 11 (SIGSEGV); stderr: …`, for an error message.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&harness_sandbox::process::describe(self.exit, self.oom_killed))?;
        if !self.stderr.is_empty() {
            write!(f, "; stderr: {}", self.stderr)?;
        }
        Ok(())
    }
}
