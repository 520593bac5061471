//! `harness`: the command-line entry point. The only place errors are printed.

use harness_sandbox::confine;
use std::process::ExitCode;

fn main() -> ExitCode {
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
