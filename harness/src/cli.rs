//! The command line: parse arguments, call the engine, hand its data to a reporter, choose the exit code.

use crate::history::{self, History};
use crate::practice::{self, Filter};
use crate::report::model::Report;
use crate::report::{BoardFormat, Format, Output, ReportFormat, csv, github, json, markdown, style, text};
use crate::store::{self, ReportFolder};
use crate::ui::{self, Settings};
use clap::{Parser, Subcommand};
use harness_engine::batch::{self, Event};
use harness_engine::cargo::Toolchain;
use harness_engine::clock::{Clock, SystemClock};
use harness_engine::error::{Error, Result, exit};
use harness_engine::grade::{self, Options};
use harness_engine::layout::Layout;
use harness_engine::leaderboard::{self, Entry, Leaderboard};
use harness_engine::problem::{Difficulty, Problem};
use harness_engine::provision::{self, Fetching};
use harness_engine::shard::Shard;
use harness_engine::{mutants, starter, verify};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

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
3 candidate not built (compile error, API mismatch, rejected), 4 broken problem package, 5 harness or environment error. \
grade-all and merge-reports: 0 every candidate graded (and at or above --min-score), 1 some graded candidate below \
--min-score, 3 some candidate not built, 5 the harness failed on some candidate (its row says why); the highest applies.";

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
    Grade(GradeArgs),
    /// Grade every candidate folder under DIR (those with a Cargo.toml or src/lib.rs), write each report as
    /// OUT/<candidate>.json and a leaderboard (leaderboard.csv, leaderboard.json). Resumes: a candidate whose report
    /// is there and whose inputs (its sources, the problem, the seed) have not changed is not graded again.
    GradeAll(GradeAllArgs),
    /// Combine the report folders of grade-all shards into one: copies every OUT/<candidate>.json into --out and
    /// writes the leaderboard there. A candidate in two folders is an error.
    MergeReports(MergeArgs),
    /// Run a timed interview (for the interviewer): the spec stage by stage, a timer against the time box, re-grades
    /// as the candidate saves, interviewer notes, and a session report at the end.
    #[command(after_help = "Keys: n next stage, g grade now, i interviewer notes, t type a note, arrows scroll, \
q end and write the report.")]
    Session {
        problem: String,
        /// The candidate's crate (watched: saving a file re-grades).
        #[arg(long)]
        candidate: PathBuf,
        /// Where the report goes (session.md, session.json, score.svg; default: CANDIDATE/.harness-session).
        #[arg(long)]
        out: Option<PathBuf>,
        /// A notes file read into the report at the end.
        #[arg(long, value_name = "FILE")]
        notes: Option<PathBuf>,
        /// No terminal UI: read commands from stdin, one a line (g, n, i, note TEXT, q).
        #[arg(long)]
        script: bool,
        /// Seed for the random trials.
        #[arg(long, default_value_t = grade::DEFAULT_SEED)]
        seed: u64,
        /// Run the candidate's code without the sandbox when it is not available (only for code you trust).
        #[arg(long)]
        allow_unsandboxed: bool,
    },
    /// Practise alone: pick a problem (at random unless narrowed), start it in DIR and the clock with it;
    /// `practice grade DIR` grades with full feedback and keeps the attempt in your history.
    #[command(args_conflicts_with_subcommands = true)]
    Practice {
        #[command(subcommand)]
        action: Option<PracticeAction>,
        /// This problem.
        #[arg(long, conflicts_with_all = ["tag", "difficulty"])]
        problem: Option<String>,
        /// A problem with a tag containing TAG (e.g. heap, streaming, NaN).
        #[arg(long)]
        tag: Option<String>,
        #[arg(long, value_enum)]
        difficulty: Option<DifficultyArg>,
        /// Seed of the random pick (default: from the time; printed).
        #[arg(long)]
        seed: Option<u64>,
        /// Where to start (default: practice-PROBLEM in the current directory).
        dir: Option<PathBuf>,
    },
    /// Your practice attempts (per problem and rubric area) and progress: best, latest, trend.
    History {
        /// Only this problem.
        problem: Option<String>,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Check that every bundled solution gets the verdict it declares.
    Verify {
        /// Only this problem (default: all).
        problem: Option<String>,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Run the bundled solutions without the sandbox when it is not available.
        #[arg(long)]
        allow_unsandboxed: bool,
        /// Instead: measure the hidden suites' strength with cargo-mutants (mutants of each reference caught by its
        /// correctness and edge cases; slow, needs `cargo install cargo-mutants`).
        #[arg(long)]
        mutants: bool,
    },
}

/// `grade`'s arguments.
#[derive(Debug, clap::Args)]
pub struct GradeArgs {
    pub problem: String,
    pub dir: PathBuf,
    /// What stdout gets (text is coloured on a terminal unless NO_COLOR is set).
    #[arg(long, value_enum, default_value = "text")]
    pub format: ReportFormat,
    /// Also write the report to FILE, in the format of its extension (.json, .xml for JUnit, .md, .txt) or
    /// named as FORMAT:FILE (text, json, junit, markdown); repeatable.
    #[arg(long, value_name = "FILE")]
    pub output: Vec<Output>,
    /// Seed for the random trials (the default is fixed, so grades repeat).
    #[arg(long, default_value_t = grade::DEFAULT_SEED)]
    pub seed: u64,
    /// Show the (shrunk) inputs of failing random trials.
    #[arg(long)]
    pub reveal: bool,
    /// Exit with code 1 when the total is below this score.
    #[arg(long, value_parser = clap::value_parser!(u32).range(0..=100))]
    pub min_score: Option<u32>,
    /// Trials run at once (default: the number of cores).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=64))]
    pub jobs: Option<u32>,
    /// Run the candidate's code without the sandbox when it is not available (only for code you trust: your own).
    #[arg(long)]
    pub allow_unsandboxed: bool,
}

/// `grade-all`'s arguments.
#[derive(Debug, clap::Args)]
pub struct GradeAllArgs {
    pub problem: String,
    pub dir: PathBuf,
    /// Candidates graded at once; each grade runs its trials on max(1, cores / N) workers. Builds share the target
    /// dir, and cargo's lock on it makes them take turns.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=64))]
    pub jobs: u32,
    /// Only the candidates of shard I of N (1-based): those whose folder name's FNV-1a 64 hash is I - 1 modulo N.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<Shard>,
    /// Where reports go (default: DIR-reports, next to DIR).
    #[arg(long, value_name = "OUT")]
    pub out: Option<PathBuf>,
    /// Grade every candidate again, even those with an up-to-date report.
    #[arg(long)]
    pub force: bool,
    /// Seed for the random trials (the default is fixed, so grades repeat).
    #[arg(long, default_value_t = grade::DEFAULT_SEED)]
    pub seed: u64,
    /// Exit with code 1 when a graded candidate's total is below this score.
    #[arg(long, value_parser = clap::value_parser!(u32).range(0..=100))]
    pub min_score: Option<u32>,
    /// What stdout gets: the leaderboard table (text), the batch as JSON, or the leaderboard as Markdown.
    #[arg(long, value_enum, default_value = "text")]
    pub format: BoardFormat,
    /// Run candidate code without the sandbox when it is not available (only for code you trust).
    #[arg(long)]
    pub allow_unsandboxed: bool,
}

/// `merge-reports`' arguments.
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// The `--out` folders of grade-all runs (shards).
    #[arg(required = true, value_name = "OUT_DIR")]
    pub dirs: Vec<PathBuf>,
    /// The merged folder.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Exit with code 1 when a graded candidate's total is below this score.
    #[arg(long, value_parser = clap::value_parser!(u32).range(0..=100))]
    pub min_score: Option<u32>,
    /// What stdout gets: the leaderboard as a table, JSON or Markdown.
    #[arg(long, value_enum, default_value = "text")]
    pub format: BoardFormat,
}

#[derive(Debug, Subcommand)]
enum PracticeAction {
    /// Grade a practice attempt with full feedback (failing inputs revealed) and add it to the history.
    Grade {
        dir: PathBuf,
        /// Run your code without the sandbox when it is not available.
        #[arg(long)]
        allow_unsandboxed: bool,
    },
}

/// Runs the command line; returns the exit code, or the error `main` prints.
pub fn run() -> Result<u8> {
    let cli = Cli::parse();
    let layout = Layout::discover(cli.root)?;
    match cli.command {
        Command::List { format } => list(&layout, format),
        Command::Show { problem, interviewer } => show(&layout, &problem, interviewer),
        Command::Init { problem, dir } => init(&layout, &problem, &dir),
        Command::Grade(args) => grade_candidate(&layout, args),
        Command::GradeAll(args) => grade_all(&layout, args),
        Command::MergeReports(args) => merge_reports(args),
        Command::Session { problem, candidate, out, notes, script, seed, allow_unsandboxed } => {
            let options = Options { seed, allow_unsandboxed, ..Options::default() };
            session(&layout, &problem, candidate, out, notes, script, options)
        }
        Command::Practice { action: Some(PracticeAction::Grade { dir, allow_unsandboxed }), .. } => {
            practice_grade(&layout, &dir, Options { allow_unsandboxed, on_fetch: report_fetch, ..Options::default() })
        }
        Command::Practice { action: None, problem, tag, difficulty, seed, dir } => {
            practice_start(&layout, problem, Filter { tag, difficulty: difficulty.map(Difficulty::from) }, seed, dir)
        }
        Command::History { problem, format } => show_history(problem.as_deref(), format),
        Command::Verify { problem, format, allow_unsandboxed, mutants } => {
            let problems = match problem {
                Some(slug) => vec![layout.problem(&slug)?],
                None => layout.problems()?,
            };
            if mutants {
                mutation_scores(&layout, &problems, format)
            } else {
                let options = Options { allow_unsandboxed, on_fetch: report_fetch, ..Options::default() };
                verify_solutions(&layout, &problems, format, options)
            }
        }
    }
}

/// `harness list`: the bank, as a table or JSON.
fn list(layout: &Layout, format: Format) -> Result<u8> {
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

/// `harness init P DIR`: the starter copied into `dir`, and what to do next.
fn init(layout: &Layout, problem: &str, dir: &Path) -> Result<u8> {
    let problem = layout.problem(problem)?;
    let files = starter::init(&problem, dir)?;
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

/// `harness grade P DIR`: the report on stdout and in each `--output` file, annotations under GitHub Actions, and the
/// exit code of the verdict and `--min-score`.
fn grade_candidate(layout: &Layout, args: GradeArgs) -> Result<u8> {
    let problem = layout.problem(&args.problem)?;
    let mut options = Options {
        seed: args.seed,
        allow_unsandboxed: args.allow_unsandboxed,
        on_fetch: report_fetch,
        ..Options::default()
    };
    if let Some(jobs) = args.jobs {
        options.jobs = jobs as usize;
    }
    let grade = grade::grade(layout, &problem, &args.dir, options)?;
    let report = Report::new(&grade, &problem.manifest.stages, args.reveal);
    let colour = style::wanted(std::io::stdout().is_terminal(), |name| std::env::var_os(name));
    print(&args.format.render(&report, colour));
    write_outputs(&args.output, &report)?;
    if std::env::var_os("GITHUB_ACTIONS").is_some_and(|v| v == "true") {
        // Workflow commands are read from stderr too, which keeps stdout a clean JSON/JUnit/Markdown document.
        eprint!("{}", github::annotations(&report));
    }
    Ok(if !grade.verdict.built() {
        exit::NOT_BUILT
    } else if args.min_score.is_some_and(|min| grade.scorecard.total < f64::from(min)) {
        exit::MISMATCH
    } else {
        exit::OK
    })
}

/// The progress line of a first grade's fetch of the crates it builds against, on stderr (stdout stays the report).
fn report_fetch(fetching: &Fetching) {
    eprintln!("{}", text::fetching(fetching));
}

/// Writes `report` to each `--output` file in its format (never coloured), creating their folders.
fn write_outputs(outputs: &[Output], report: &Report) -> Result<()> {
    for file in outputs {
        if let Some(dir) = file.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| Error::io("create the folder", dir, e))?;
        }
        std::fs::write(&file.path, file.format.render(report, false))
            .map_err(|e| Error::io("write the report", &file.path, e))?;
    }
    Ok(())
}

/// `harness verify --mutants`: each problem's mutation score (a progress line each on stderr), then the table.
fn mutation_scores(layout: &Layout, problems: &[Problem], format: Format) -> Result<u8> {
    let mut scores = Vec::new();
    for problem in problems {
        let score = mutants::score(layout, problem)?;
        eprintln!("{}", text::mutation_progress(&score));
        scores.push(score);
    }
    match format {
        Format::Text => print(&text::mutation_scores(&scores)),
        Format::Json => print(&json::render(&scores)),
    }
    Ok(exit::OK)
}

/// `harness verify`: every bundled solution against what it declares (a progress line each on stderr), then the
/// tables; exits 1 on a mismatch.
fn verify_solutions(layout: &Layout, problems: &[Problem], format: Format, options: Options) -> Result<u8> {
    let verification = verify::verify(layout, problems, options, |row| {
        eprintln!("{}", text::progress(row));
    })?;
    match format {
        Format::Text => print(&text::verification(&verification)),
        Format::Json => print(&json::render(&crate::report::verify::view(&verification))),
    }
    Ok(if verification.ok() { exit::OK } else { exit::MISMATCH })
}

/// `--difficulty`'s values: a problem's [`Difficulty`].
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum DifficultyArg {
    Easy,
    Medium,
    Hard,
}

impl From<DifficultyArg> for Difficulty {
    fn from(arg: DifficultyArg) -> Difficulty {
        match arg {
            DifficultyArg::Easy => Difficulty::Easy,
            DifficultyArg::Medium => Difficulty::Medium,
            DifficultyArg::Hard => Difficulty::Hard,
        }
    }
}

/// `grade-all`: the batch, its leaderboard files, the summary on stdout and the batch's exit code.
fn grade_all(layout: &Layout, args: GradeAllArgs) -> Result<u8> {
    let problem = layout.problem(&args.problem)?;
    let out = match args.out {
        Some(out) => out,
        None => default_out(&args.dir)?,
    };
    let store = ReportFolder::create(&out, &problem.manifest.stages)?;
    let settings = batch::Settings {
        jobs: args.jobs as usize,
        shard: args.shard,
        force: args.force,
        seed: args.seed,
        allow_unsandboxed: args.allow_unsandboxed,
    };
    let mut progress = Progress::new();
    let batch = batch::grade_all(layout, &problem, &args.dir, &settings, &store, |event| progress.show(&event))?;
    progress.finish();
    write_leaderboard(&batch.out, &batch.leaderboard)?;
    print(&match args.format {
        BoardFormat::Text => text::batch(&batch),
        BoardFormat::Json => json::render(&crate::report::batch::view(&batch)),
        BoardFormat::Markdown => markdown::leaderboard(&batch.leaderboard),
    });
    Ok(batch_exit(&batch.leaderboard.entries, args.min_score))
}

/// `merge-reports`: the shards' reports copied into one folder with one leaderboard.
fn merge_reports(args: MergeArgs) -> Result<u8> {
    let found = store::merge(&args.dirs)?;
    let out = &args.out;
    std::fs::create_dir_all(out).map_err(|e| Error::io("create the folder", out, e))?;
    for report in &found {
        let to = store::report_path(out, &report.entry.candidate);
        if !same_file(&report.path, &to) {
            std::fs::copy(&report.path, &to).map_err(|e| Error::io("copy", &report.path, e))?;
        }
    }
    let board = Leaderboard::new(found.into_iter().map(|f| f.entry).collect());
    write_leaderboard(out, &board)?;
    print(&match args.format {
        BoardFormat::Text => text::leaderboard(&board),
        BoardFormat::Json => json::render(&board),
        BoardFormat::Markdown => markdown::leaderboard(&board),
    });
    Ok(batch_exit(&board.entries, args.min_score))
}

/// `DIR-reports` next to `dir` (so the reports are never taken for a candidate folder).
fn default_out(dir: &Path) -> Result<PathBuf> {
    let absolute = dir
        .canonicalize()
        .map_err(|_| Error::Usage(format!("failed to find the candidates folder {}", dir.display())))?;
    match (absolute.parent(), absolute.file_name()) {
        (Some(parent), Some(name)) => Ok(parent.join(format!("{}-reports", name.to_string_lossy()))),
        _ => Err(Error::Usage(format!("failed to choose a reports folder next to {}: pass --out", dir.display()))),
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    matches!((a.canonicalize(), b.canonicalize()), (Ok(a), Ok(b)) if a == b)
}

/// Writes `leaderboard.csv` and `leaderboard.json` into `out`.
fn write_leaderboard(out: &Path, board: &Leaderboard) -> Result<()> {
    let stem = out.join(leaderboard::STEM);
    store::write_atomic(&stem.with_extension("csv"), &csv::render(board))?;
    store::write_atomic(&stem.with_extension("json"), &json::render(board))
}

/// The exit code of a batch: the worst of harness failures (5), candidates not built (3) and totals below
/// `min_score` (1).
fn batch_exit(entries: &[Entry], min_score: Option<u32>) -> u8 {
    if entries.iter().any(Entry::failed) {
        exit::HARNESS
    } else if entries.iter().any(|e| !e.graded()) {
        exit::NOT_BUILT
    } else if min_score.is_some_and(|min| entries.iter().any(|e| e.total < f64::from(min))) {
        exit::MISMATCH
    } else {
        exit::OK
    }
}

/// A batch's progress on stderr: a bar on a terminal (finished candidates printed above it), status lines otherwise.
struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    fn new() -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::no_length();
            if let Ok(style) = ProgressStyle::with_template("{elapsed_precise} [{bar:30}] {pos}/{len} {wide_msg}") {
                bar.set_style(style.progress_chars("=> "));
            }
            bar
        });
        Progress { bar }
    }

    fn show(&mut self, event: &Event) {
        let line = text::batch_event(event);
        let Some(bar) = &self.bar else {
            if let Some(line) = line {
                eprintln!("{line}");
            }
            return;
        };
        match event {
            Event::Planned { to_grade, .. } => bar.set_length(*to_grade as u64),
            Event::Started(name) => bar.set_message(format!("grading {name}")),
            Event::Finished { .. } => bar.inc(1),
            Event::Ignored(_) | Event::Resumed(_) | Event::Fetching(_) => {}
        }
        if let Some(line) = line {
            bar.println(line);
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// `harness show P`: the spec, rendered for a terminal or as written.
fn show(layout: &Layout, problem: &str, interviewer: bool) -> Result<u8> {
    let problem = layout.problem(problem)?;
    let read = |path: PathBuf| std::fs::read_to_string(&path).map_err(|e| Error::io("read", path, e));
    let spec = read(problem.spec_path())?;
    let notes = if interviewer { Some(read(problem.interviewer_path())?) } else { None };
    let colour = style::wanted(std::io::stdout().is_terminal(), |name| std::env::var_os(name));
    print(&text::problem(&problem, &spec, notes.as_deref(), style::Paint { colour }));
    Ok(exit::OK)
}

/// `harness history [P]`: the attempts and the progress.
fn show_history(problem: Option<&str>, format: Format) -> Result<u8> {
    let path = history::path()?;
    let kept = History::load(&path)?;
    let attempts = kept.attempts(problem);
    let progress = kept.progress(problem);
    match format {
        Format::Text => print(&text::history(&attempts, &progress)),
        Format::Json => print(&json::render(&serde_json::json!({"attempts": attempts, "progress": progress}))),
    }
    Ok(exit::OK)
}

/// `harness session`: the terminal UI (or the script on stdin), then the report written under `out`.
fn session(
    layout: &Layout,
    problem: &str,
    candidate: PathBuf,
    out: Option<PathBuf>,
    notes: Option<PathBuf>,
    script: bool,
    options: Options,
) -> Result<u8> {
    let problem = layout.problem(problem)?;
    // Before the screen takes the terminal: the first grade's fetch says so on stderr, or fails in one line.
    provision::ensure(layout, &Toolchain::detect()?, report_fetch)?;
    let out = out.unwrap_or_else(|| candidate.join(".harness-session"));
    let settings = Settings { candidate, out, notes_file: notes, options };
    let report = if script {
        ui::scripted(layout, &problem, &settings, std::io::stdin().lock(), &mut std::io::stdout())?
    } else {
        if !std::io::stdout().is_terminal() {
            return Err(Error::Usage(
                "failed to start the session: stdout is not a terminal (use --script for commands on stdin)".to_owned(),
            ));
        }
        ui::interactive(layout, &problem, &settings)?
    };
    let written = ui::write_report(&report, &settings.out)?;
    print(&text::session_end(&report, &written));
    Ok(exit::OK)
}

/// `harness practice`: pick a problem, scaffold it, start the clock.
fn practice_start(
    layout: &Layout,
    problem: Option<String>,
    filter: Filter,
    seed: Option<u64>,
    dir: Option<PathBuf>,
) -> Result<u8> {
    let clock = SystemClock::new();
    let problems = match problem {
        Some(slug) => vec![layout.problem(&slug)?],
        None => layout.problems()?,
    };
    let pool = practice::pool(&problems, &filter);
    let seed = seed.unwrap_or_else(|| clock.unix_secs());
    let picked = practice::pick(&pool, seed)
        .ok_or_else(|| Error::Usage("failed to find a problem matching the filters".to_owned()))?;
    let dir = dir.unwrap_or_else(|| PathBuf::from(format!("practice-{}", picked.slug)));
    let (started, files) = practice::start(picked, &dir, &clock)?;
    print(&text::practice_start(picked, pool.len(), seed, &dir, files.len(), &started));
    Ok(exit::OK)
}

/// `harness practice grade DIR`: the full report, the time spent, the attempt kept in the history.
fn practice_grade(layout: &Layout, dir: &std::path::Path, options: Options) -> Result<u8> {
    let clock = SystemClock::new();
    let started = practice::started(dir)?;
    let problem = layout.problem(&started.problem)?;
    let grade = grade::grade(layout, &problem, dir, options)?;
    let report = Report::new(&grade, &problem.manifest.stages, true);
    let colour = style::wanted(std::io::stdout().is_terminal(), |name| std::env::var_os(name));
    print(&text::grade(&report, colour));
    let attempt = practice::attempt(&started, &grade, &clock);
    let path = history::path()?;
    let mut kept = History::load(&path)?;
    kept.attempts.push(attempt.clone());
    kept.save(&path)?;
    let progress = kept.progress(Some(&started.problem));
    print(&format!("\n{}", text::practice_summary(&attempt, progress.first(), &path)));
    Ok(if grade.verdict.built() { exit::OK } else { exit::NOT_BUILT })
}

/// Writes to stdout; a closed pipe (`| head`) is not an error worth a panic.
fn print(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(verdict: &str, total: f64) -> Entry {
        let mut entry = Entry::failure("c", "p", String::new());
        entry.verdict = verdict.into();
        entry.total = total;
        entry
    }

    #[test]
    fn a_batch_exits_with_its_worst_outcome() {
        let graded = entry("graded", 80.0);
        assert_eq!(batch_exit(std::slice::from_ref(&graded), None), exit::OK);
        assert_eq!(batch_exit(std::slice::from_ref(&graded), Some(80)), exit::OK);
        assert_eq!(batch_exit(&[graded.clone(), entry("graded", 40.0)], Some(50)), exit::MISMATCH);
        let not_built = entry("compile_error", 0.0);
        assert_eq!(batch_exit(&[graded.clone(), not_built.clone()], Some(50)), exit::NOT_BUILT);
        assert_eq!(batch_exit(&[graded, not_built, entry("error", 0.0)], Some(50)), exit::HARNESS);
        assert_eq!(batch_exit(&[], Some(50)), exit::OK);
    }

    #[test]
    fn the_default_reports_folder_sits_next_to_the_candidates_folder() {
        let dir = tempfile::tempdir().unwrap();
        let subs = dir.path().join("subs");
        std::fs::create_dir(&subs).unwrap();
        let out = default_out(&subs).unwrap();
        assert_eq!(out, dir.path().canonicalize().unwrap().join("subs-reports"));
        assert!(matches!(default_out(&dir.path().join("missing")), Err(Error::Usage(_))));
    }
}
