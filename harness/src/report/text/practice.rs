//! `practice` for a terminal: what starting an attempt did, and the line after a practice grade.

use crate::history::{Attempt, Progress};
use crate::report::{points, session};
use harness_engine::clock;
use harness_engine::problem::Problem;
use std::fmt::Write;

/// What `harness practice` did: the pick, the folder, the clock, the next steps.
pub fn practice_start(
    problem: &Problem,
    pool: usize,
    seed: u64,
    dir: &std::path::Path,
    files: usize,
    started: &crate::practice::Started,
) -> String {
    let m = &problem.manifest;
    let how = if pool == 1 {
        "the one problem matching".to_owned()
    } else {
        format!("at random from {pool} problems, seed {seed}")
    };
    format!(
        "picked {} · {} ({}, {} minutes; {how})\n\
created {} ({files} files) from its starter; the clock started at {} UTC\n\
read the task:  harness show {}\n\
grade it:       harness practice grade {}   (full feedback; kept in your history)\n\
progress:       harness history {}\n",
        problem.slug,
        m.title,
        m.difficulty.name(),
        m.time_box_minutes,
        dir.display(),
        clock::date(started.started_unix),
        problem.slug,
        dir.display(),
        problem.slug
    )
}

/// One line after a practice grade: the attempt's time against the time box and the problem's progress.
pub fn practice_summary(attempt: &Attempt, progress: Option<&Progress>, saved_to: &std::path::Path) -> String {
    let over = attempt.secs_spent > u64::from(attempt.time_box_minutes) * 60;
    let mut out = format!(
        "time: {} of a {}-minute time box{}\n",
        clock::minutes(attempt.secs_spent as f64),
        attempt.time_box_minutes,
        if over { " (over)" } else { "" }
    );
    if let Some(p) = progress {
        let _ = writeln!(
            out,
            "{}: attempt {} · best {} · latest {} · {}",
            p.problem,
            p.attempts,
            points(p.best),
            points(p.latest),
            session::sparkline(&p.totals)
        );
    }
    let _ = writeln!(out, "saved to {}", saved_to.display());
    out
}
