//! `harness-confine`: the Landlock layer of the sandbox. The harness executable is also the launcher: started under
//! the name `harness-confine` (the sandbox mounts it at `/run/harness-confine`), `main` hands its arguments here, so
//! the launcher is there wherever the harness runs. It runs after the sandbox's mounts are made (a Landlock-restricted
//! process can no longer mount, so it cannot come before them), restricts itself and then
//! `exec`s the program, which keeps the restriction, as does everything the program starts.
//!
//! ```text
//! harness-confine [--ro PATH]... [--rw PATH]... -- PROGRAM [ARGS...]
//! harness-confine --probe
//! ```
//!
//! Beneath each `--ro` path the program may read files, list directories and execute; beneath each `--rw` path it
//! may do anything; elsewhere, nothing the kernel's Landlock can deny (every filesystem right of the newest ABI this
//! crate knows, best effort: what the running kernel lacks is left out). Where the kernel supports it, no TCP (or
//! UDP) bind or connect at all, and no signals or abstract unix sockets beyond the program's own processes. A path
//! that does not exist is skipped. On a kernel without Landlock the program runs unrestricted.
//!
//! `--probe` prints what would be enforced and exits 0: `fully enforced abi 10`, `partially enforced abi 7` (a kernel
//! older than the newest ABI the crate knows: every right of ABI 7 is enforced, the later ones do not exist there) or
//! `not enforced`.
//!
//! Exit code 125: the arguments are wrong, or the restriction or the `exec` failed (one line on stderr,
//! `harness-confine: failed to …`). Otherwise the exit code is the program's.

use landlock::{
    ABI, Access, AccessFs, AccessNet, LandlockStatus, RestrictionStatus, Ruleset, RulesetAttr, RulesetCreated,
    RulesetCreatedAttr, RulesetStatus, Scope, path_beneath_rules,
};
use std::ffi::OsString;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::Command;

/// The exit code of a failure of the launcher itself.
pub const EXIT_FAILURE: u8 = 125;
/// The newest Landlock ABI this crate knows; the rights the kernel lacks are dropped (best effort).
const ABI_WANTED: ABI = ABI::V10;
const USAGE: &str = "usage: harness-confine [--ro PATH]... [--rw PATH]... -- PROGRAM [ARGS...] | --probe";

/// What the command line asks for.
enum Request {
    Probe,
    Run { ro: Vec<PathBuf>, rw: Vec<PathBuf>, program: OsString, args: Vec<OsString> },
}

/// The name the harness executable answers to as the launcher.
pub const NAME: &str = "harness-confine";

/// Whether the running executable was started as the launcher (its `argv[0]` names [`NAME`]).
pub fn invoked() -> bool {
    crate::started_as(NAME)
}

/// The launcher's work: restricts this process and `exec`s the program, which never returns; or returns what to
/// print: the probe's line (`Ok`, exit 0) or why it failed (`Err`, one line, exit [`EXIT_FAILURE`]). The binary's
/// `main` prints it.
pub fn launch() -> Result<String, String> {
    match parse(std::env::args_os().skip(1))? {
        Request::Probe => restrict(&[], &[]).map(|status| describe(&status)),
        Request::Run { ro, rw, program, args } => {
            restrict(&ro, &rw)?;
            // `exec` returns only on failure.
            let error = Command::new(&program).args(args).exec();
            Err(format!("failed to run {}: {error}", program.to_string_lossy()))
        }
    }
}

fn parse(mut args: impl Iterator<Item = OsString>) -> Result<Request, String> {
    let (mut ro, mut rw) = (Vec::new(), Vec::new());
    while let Some(arg) = args.next() {
        let list = match arg.to_str() {
            Some("--probe") if ro.is_empty() && rw.is_empty() && args.next().is_none() => return Ok(Request::Probe),
            Some("--ro") => &mut ro,
            Some("--rw") => &mut rw,
            Some("--") => {
                let program = args.next().ok_or_else(|| format!("failed to find the program to run ({USAGE})"))?;
                return Ok(Request::Run { ro, rw, program, args: args.collect() });
            }
            _ => return Err(format!("failed to read the argument {} ({USAGE})", arg.to_string_lossy())),
        };
        list.push(
            args.next()
                .map(PathBuf::from)
                .ok_or_else(|| format!("failed to find the path after {}", arg.to_string_lossy()))?,
        );
    }
    Err(format!("failed to find `--` and the program to run ({USAGE})"))
}

/// Restricts this process (and so the program it execs): read and execute beneath `ro`, everything beneath `rw`, no
/// network, signals and abstract sockets scoped to this process and its children. Paths that cannot be opened
/// (missing) are skipped.
fn restrict(ro: &[PathBuf], rw: &[PathBuf]) -> Result<RestrictionStatus, String> {
    Ruleset::default()
        .handle_access(AccessFs::from_all(ABI_WANTED))
        .and_then(|ruleset| ruleset.handle_access(AccessNet::from_all(ABI_WANTED)))
        .and_then(|ruleset| ruleset.scope(Scope::from_all(ABI_WANTED)))
        .and_then(Ruleset::create)
        .and_then(|ruleset| ruleset.add_rules(path_beneath_rules(ro, AccessFs::from_read(ABI_WANTED))))
        .and_then(|ruleset| ruleset.add_rules(path_beneath_rules(rw, AccessFs::from_all(ABI_WANTED))))
        .and_then(RulesetCreated::restrict_self)
        .map_err(|error| format!("failed to restrict itself with Landlock: {error}"))
}

/// `fully enforced abi 10`, `partially enforced abi 7` (an older kernel: only its ABI's rights) or `not enforced`.
fn describe(status: &RestrictionStatus) -> String {
    match (&status.ruleset, status.landlock) {
        (RulesetStatus::NotEnforced, _) | (_, LandlockStatus::NotEnabled | LandlockStatus::NotImplemented) => {
            "not enforced".to_owned()
        }
        (RulesetStatus::FullyEnforced, LandlockStatus::Available { effective_abi, .. }) => {
            format!("fully enforced abi {effective_abi}")
        }
        (RulesetStatus::PartiallyEnforced, LandlockStatus::Available { effective_abi, .. }) => {
            format!("partially enforced abi {effective_abi}")
        }
    }
}
