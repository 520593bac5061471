//! `harness`: the command-line entry point. The only place errors are printed.

use std::process::ExitCode;

fn main() -> ExitCode {
    // Started as `harness-confine` inside the sandbox: the Landlock launcher, not the CLI.
    if harness::confine::invoked() {
        harness::confine::main();
    }
    match harness::cli::run() {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(error.exit_code())
        }
    }
}
