//! The command line: parse arguments, call the engine, hand its data to a reporter, choose the exit code.

use crate::error::{Error, Result, exit};
use crate::grade::{self, Options};
use crate::layout::Layout;
use crate::report::model::Report;
use crate::report::{Format, Output, ReportFormat, github, json, style, text};
use crate::{mutants, starter, verify};
use clap::{Parser, Subcommand};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

/// Grade a candidate's Rust crate against a hidden interview suite, with a rubric score and evidence.
#[derive(Debug, Parser)]
#[command(name = "harness", version, about, after_help = EXIT_CODES)]
pub struct Cli {
    /// The checkout holding problems/ and solutions/ (default: found from the current directory).
    #[arg(long, global = true, env = "HARNESS_ROOT")]
    root: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

const EXIT_CODES: &str = "Exit codes: 0 done, 1 verify mismatch or score below --min-score, 2 usage error, \
3 candidate not built (compile error, API mismatch, rejected), 4 broken problem package, 5 harness or environment error.";

#[derive(Debug, Subcommand)]
enum Command {
    /// List the problems in the bank.
    List {
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Print a problem's spec (what the candidate reads).
    Show {
        problem: String,
        /// Also print the interviewer notes (follow-ups, what to look for).
        #[arg(long)]
        interviewer: bool,
    },
    /// Start a candidate crate from the problem's starter.
    Init { problem: String, dir: PathBuf },
    /// Build a candidate crate against the hidden suite and score it.
    Grade {
        problem: String,
        dir: PathBuf,
        /// What stdout gets (text is coloured on a terminal unless NO_COLOR is set).
        #[arg(long, value_enum, default_value = "text")]
        format: ReportFormat,
        /// Also write the report to FILE, in the format of its extension (.json, .xml for JUnit, .md, .txt) or
        /// named as FORMAT:FILE (text, json, junit, markdown); repeatable.
        #[arg(long, value_name = "FILE")]
        output: Vec<Output>,
        /// Seed for the random trials (the default is fixed, so grades repeat).
        #[arg(long, default_value_t = grade::DEFAULT_SEED)]
        seed: u64,
        /// Show the (shrunk) inputs of failing random trials.
        #[arg(long)]
        reveal: bool,
        /// Exit with code 1 when the total is below this score.
        #[arg(long, value_parser = clap::value_parser!(u32).range(0..=100))]
        min_score: Option<u32>,
        /// Trials run at once (default: the number of cores).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=64))]
        jobs: Option<u32>,
        /// Run the candidate's code without bubblewrap when it is not available (only for code you trust: your own).
        #[arg(long)]
        allow_unsandboxed: bool,
    },
    /// Check that every bundled solution gets the verdict it declares.
    Verify {
        /// Only this problem (default: all).
        problem: Option<String>,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Run the bundled solutions without bubblewrap when it is not available.
        #[arg(long)]
        allow_unsandboxed: bool,
        /// Instead: measure the hidden suites' strength with cargo-mutants (mutants of each reference caught by its
        /// correctness and edge cases; slow, needs `cargo install cargo-mutants`).
        #[arg(long)]
        mutants: bool,
    },
}

/// Runs the command line; returns the exit code, or the error `main` prints.
pub fn run() -> Result<u8> {
    let cli = Cli::parse();
    let layout = Layout::discover(cli.root)?;
    match cli.command {
        Command::List { format } => {
            let problems = layout.problems()?;
            match format {
                Format::Text => print(&text::problems(&problems)),
                Format::Json => {
                    let list: Vec<_> =
                        problems.iter().map(|p| serde_json::json!({"slug": p.slug, "manifest": p.manifest})).collect();
                    print(&json::render(&list));
                }
            }
            Ok(exit::OK)
        }
        Command::Show { problem, interviewer } => {
            let problem = layout.problem(&problem)?;
            let read = |path: PathBuf| std::fs::read_to_string(&path).map_err(|e| Error::io("read", path, e));
            let spec = read(problem.spec_path())?;
            let notes = if interviewer { Some(read(problem.interviewer_path())?) } else { None };
            print(&text::problem(&problem, &spec, notes.as_deref()));
            Ok(exit::OK)
        }
        Command::Init { problem, dir } => {
            let problem = layout.problem(&problem)?;
            let files = starter::init(&problem, &dir)?;
            print(&format!(
                "created {} ({} files) from the {} starter\nread the task:  harness show {}\ngrade it:       harness grade {} {}\n",
                dir.display(),
                files.len(),
                problem.slug,
                problem.slug,
                problem.slug,
                dir.display()
            ));
            Ok(exit::OK)
        }
        Command::Grade { problem, dir, format, output, seed, reveal, min_score, jobs, allow_unsandboxed } => {
            let problem = layout.problem(&problem)?;
            let mut options = Options { seed, allow_unsandboxed, ..Options::default() };
            if let Some(jobs) = jobs {
                options.jobs = jobs as usize;
            }
            let grade = grade::grade(&layout, &problem, &dir, options)?;
            let report = Report::new(&grade, &problem.manifest.stages, reveal);
            let colour = style::wanted(std::io::stdout().is_terminal(), |name| std::env::var_os(name));
            print(&format.render(&report, colour));
            for file in &output {
                if let Some(dir) = file.path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(|e| Error::io("create the folder", dir, e))?;
                }
                std::fs::write(&file.path, file.format.render(&report, false))
                    .map_err(|e| Error::io("write the report", &file.path, e))?;
            }
            if std::env::var_os("GITHUB_ACTIONS").is_some_and(|v| v == "true") {
                // Workflow commands are read from stderr too, which keeps stdout a clean JSON/JUnit/Markdown document.
                eprint!("{}", github::annotations(&report));
            }
            Ok(if !grade.verdict.built() {
                exit::NOT_BUILT
            } else if min_score.is_some_and(|min| grade.scorecard.total < f64::from(min)) {
                exit::MISMATCH
            } else {
                exit::OK
            })
        }
        Command::Verify { problem, format, allow_unsandboxed, mutants } => {
            let problems = match problem {
                Some(slug) => vec![layout.problem(&slug)?],
                None => layout.problems()?,
            };
            if mutants {
                let mut scores = Vec::new();
                for problem in &problems {
                    let score = mutants::score(&layout, problem)?;
                    eprintln!("{}", text::mutation_progress(&score));
                    scores.push(score);
                }
                match format {
                    Format::Text => print(&text::mutation_scores(&scores)),
                    Format::Json => print(&json::render(&scores)),
                }
                return Ok(exit::OK);
            }
            let options = Options { allow_unsandboxed, ..Options::default() };
            let verification = verify::verify(&layout, &problems, options, |row| {
                eprintln!("{}", text::progress(row));
            })?;
            match format {
                Format::Text => print(&text::verification(&verification)),
                Format::Json => print(&json::render(&verification)),
            }
            Ok(if verification.ok() { exit::OK } else { exit::MISMATCH })
        }
    }
}

/// Writes to stdout; a closed pipe (`| head`) is not an error worth a panic.
fn print(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush());
}
