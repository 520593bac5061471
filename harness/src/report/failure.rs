//! Why a case did not pass, in words for every format: the runner's own message, or how its process or its
//! measurement ended.

use harness_engine::ending::{Broke, Death};
use harness_engine::trial::Failure;
use harness_sandbox::process;

/// The failure's message (a runner's report may span lines; the rest are one line).
pub fn message(failure: &Failure) -> String {
    match failure {
        Failure::Reported(report) => report.message.clone(),
        Failure::TimedOut { secs } => {
            format!("did not finish within {secs}s (an infinite loop or a far slower algorithm)")
        }
        Failure::Died(death) => format!("the trial process {}", death_text(death)),
        Failure::Measuring { size, broke } => {
            let how = match broke {
                Broke::Panicked(message) => format!("panicked: {message}"),
                Broke::Died(death) => format!("the process {}", death_text(death)),
                Broke::Uncounted => "the process left no callgrind count".to_owned(),
            };
            format!("on the input of {size} items: {how}")
        }
    }
}

/// How a process ended, with the end of what it printed to stderr.
fn death_text(death: &Death) -> String {
    let mut text = process::describe(death.exit, death.oom_killed);
    if !death.stderr.is_empty() {
        text.push_str("; stderr: ");
        text.push_str(&death.stderr);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use harness_sandbox::process::Exit;

    #[test]
    fn a_death_reads_as_how_the_process_ended_with_its_stderr_tail() {
        let death = Death { exit: Exit::Signal(11), oom_killed: false, stderr: "boom".to_owned() };
        assert_eq!(
            message(&Failure::Died(death.clone())),
            "the trial process was killed by signal 11 (SIGSEGV); stderr: boom"
        );
        let broke = Broke::Died(Death { stderr: String::new(), ..death });
        assert_eq!(
            message(&Failure::Measuring { size: 4096, broke }),
            "on the input of 4096 items: the process was killed by signal 11 (SIGSEGV)"
        );
        assert_eq!(
            message(&Failure::Measuring { size: 8, broke: Broke::Panicked("not yet implemented".to_owned()) }),
            "on the input of 8 items: panicked: not yet implemented"
        );
        assert!(message(&Failure::TimedOut { secs: 10 }).starts_with("did not finish within 10s"));
    }
}
