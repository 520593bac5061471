//! `history` for a terminal: the practice attempts and the progress per problem.

use super::table;
use crate::history::{Attempt, Progress};
use crate::report::{points, session};
use comfy_table::{Cell, CellAlignment};
use harness_engine::clock;
use harness_engine::rubric::Area;

/// The practice history: a row per attempt, then the progress per problem.
pub fn history(attempts: &[&Attempt], progress: &[Progress]) -> String {
    if attempts.is_empty() {
        return "no practice attempts yet: start one with `harness practice`\n".to_owned();
    }
    let mut header = vec!["Date (UTC)", "Problem", "Total", "Band"];
    header.extend(Area::ALL.iter().map(|a| a.title()));
    header.push("Time");
    let mut t = table(&header);
    for attempt in attempts {
        let mut row = vec![
            Cell::new(clock::date(attempt.graded_unix)),
            Cell::new(&attempt.problem),
            Cell::new(points(attempt.total)).set_alignment(CellAlignment::Right),
            Cell::new(if attempt.verdict == "graded" {
                attempt.band.title().to_owned()
            } else {
                format!("{} ({})", attempt.band.title(), attempt.verdict)
            }),
        ];
        for area in Area::ALL {
            let earned = attempt.areas.iter().find(|a| a.area == area);
            let text = earned.map_or_else(String::new, |a| format!("{}/{}", points(a.points), a.max));
            row.push(Cell::new(text).set_alignment(CellAlignment::Right));
        }
        let over = attempt.secs_spent > u64::from(attempt.time_box_minutes) * 60;
        let spent = clock::minutes(attempt.secs_spent as f64);
        row.push(Cell::new(if over { format!("{spent} (over {}m)", attempt.time_box_minutes) } else { spent }));
        t.add_row(row);
    }
    let mut p = table(&["Problem", "Attempts", "Best", "Latest", "Trend", "Totals"]);
    for row in progress {
        let trend = match row.trend {
            Some(d) if d > 0.0 => format!("↑ +{}", points(d)),
            Some(d) if d < 0.0 => format!("↓ {}", points(d)),
            Some(_) => "→ 0".to_owned(),
            None => "–".to_owned(),
        };
        p.add_row(vec![
            Cell::new(&row.problem),
            Cell::new(row.attempts).set_alignment(CellAlignment::Right),
            Cell::new(points(row.best)).set_alignment(CellAlignment::Right),
            Cell::new(points(row.latest)).set_alignment(CellAlignment::Right),
            Cell::new(trend),
            Cell::new(session::sparkline(&row.totals)),
        ]);
    }
    format!("{t}\n\nProgress\n{p}\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn the_history_table_has_a_row_per_attempt_and_progress_per_problem() {
        let attempts = [crate::history::tests::attempt("p", 40.0), crate::history::tests::attempt("p", 72.5)];
        let kept = crate::history::History { attempts: attempts.to_vec(), ..Default::default() };
        let text = history(&kept.attempts(None), &kept.progress(None));
        assert!(text.contains("1970-01-01 00:10") && text.contains("72.5") && text.contains("Hire"), "{text}");
        assert!(text.contains("↑ +32.5") && text.contains("▄▆"), "{text}");
        assert_eq!(history(&[], &[]), "no practice attempts yet: start one with `harness practice`\n");
    }
}
