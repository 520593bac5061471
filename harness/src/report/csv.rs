//! CSV of a leaderboard (RFC 4180: comma-separated, CRLF-free `\n` rows, fields with a comma, quote or newline quoted).

use crate::report::row_points;
use harness_engine::leaderboard::Leaderboard;
use harness_engine::rubric::Area;

/// The columns, in order.
pub const HEADER: [&str; 12] = [
    "rank",
    "candidate",
    "problem",
    "total",
    "band",
    "verdict",
    "correctness",
    "edge_cases",
    "performance",
    "quality",
    "build_secs",
    "message",
];

/// One row per entry, best first, under a header row.
pub fn render(board: &Leaderboard) -> String {
    let mut out = HEADER.join(",");
    out.push('\n');
    for e in &board.entries {
        let mut row = vec![
            e.rank.to_string(),
            e.candidate.clone(),
            e.problem.clone(),
            row_points(e, e.total, ""),
            e.band.map(|b| b.title().to_owned()).unwrap_or_default(),
            e.verdict.clone(),
        ];
        row.extend(Area::ALL.iter().map(|&area| row_points(e, e.points(area), "")));
        row.push(format!("{:.2}", e.build_secs));
        row.push(e.message.clone().unwrap_or_default());
        out.push_str(&row.iter().map(|f| field(f)).collect::<Vec<_>>().join(","));
        out.push('\n');
    }
    out
}

/// A field, quoted (with inner quotes doubled) when it holds a comma, a quote or a line break.
fn field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use harness_engine::leaderboard::Entry;

    #[test]
    fn fields_with_commas_or_quotes_are_quoted_and_rows_follow_the_header() {
        let entry = Entry::failure("o'brien, jr", "p", "failed to \"run\" cargo".into());
        let csv = render(&Leaderboard::new(vec![entry]));
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], HEADER.join(","));
        // The harness failed on it: no total and no points, only why.
        assert_eq!(lines[1], "1,\"o'brien, jr\",p,,,error,,,,,0.00,\"failed to \"\"run\"\" cargo\"");
        assert_eq!(lines.len(), 2);
    }
}
