//! `harness`: the command-line entry point. The only place errors are printed.

use harness_sandbox::{confine, contain};
use std::process::ExitCode;

fn main() -> ExitCode {
    // Started as `harness-contain`: the embedded sandbox's launcher (and, after its forks, the sandbox's init), not
    // the CLI. Its own failures are one line and exit 125; otherwise it ends with the sandboxed program's code.
    if contain::invoked() {
        return match contain::launch() {
            Ok(code) => ExitCode::from(code),
            Err(error) => {
                eprintln!("harness-contain: {error}");
                ExitCode::from(contain::EXIT_FAILURE)
            }
        };
    }
    // Started as `harness-confine` inside the sandbox: the Landlock launcher, not the CLI.
    if confine::invoked() {
        return match confine::launch() {
            Ok(probe) => {
                println!("{probe}");
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("harness-confine: {error}");
                ExitCode::from(confine::EXIT_FAILURE)
            }
        };
    }
    match harness::cli::run() {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(error.exit_code())
        }
    }
}
