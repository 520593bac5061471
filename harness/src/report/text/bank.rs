//! `list` and `show` for a terminal: the bank with its stages, and a problem's spec with its Markdown rendered for a
//! terminal.

use super::table;
use crate::report::style::{BOLD, CYAN, DIM, Paint};
use comfy_table::{Cell, CellAlignment};
use harness_engine::problem::Problem;
use std::fmt::Write;

/// The problem list.
pub fn problems(problems: &[Problem]) -> String {
    let mut t = table(&["Problem", "Title", "Level", "Minutes", "Stages", "Patterns"]);
    for p in problems {
        let m = &p.manifest;
        t.add_row(vec![
            Cell::new(&p.slug),
            Cell::new(&m.title),
            Cell::new(m.difficulty.name()),
            Cell::new(m.time_box_minutes).set_alignment(CellAlignment::Right),
            Cell::new(m.stages.iter().map(|s| s.id.as_str()).collect::<Vec<_>>().join(" → ")),
            Cell::new(m.tags.join(", ")),
        ]);
    }
    format!("{t}\n")
}

/// A problem's header and spec (and interviewer notes when asked); with `paint.colour` the Markdown is rendered for a
/// terminal (see [`markdown_for_terminal`]), otherwise printed as written.
pub fn problem(problem: &Problem, spec: &str, interviewer: Option<&str>, paint: Paint) -> String {
    let m = &problem.manifest;
    let body = |text: &str| if paint.colour { markdown_for_terminal(text, paint) } else { text.trim_end().to_owned() };
    let mut out = format!(
        "{}\nstages: {}\nrubric: correctness {}, edge cases {}, performance {}, quality {}\n\n{}",
        paint.paint(
            DIM,
            &format!("{} · {} ({}, {} minutes)", problem.slug, m.title, m.difficulty.name(), m.time_box_minutes)
        ),
        m.stages.iter().map(|s| format!("{} ({})", s.id, s.title)).collect::<Vec<_>>().join(", "),
        m.rubric.correctness,
        m.rubric.edge_cases,
        m.rubric.performance,
        m.rubric.quality,
        body(spec)
    );
    out.push('\n');
    if let Some(notes) = interviewer {
        let _ = write!(out, "\n{}\n\n", paint.paint(BOLD, "---- interviewer notes ----"));
        out.push_str(&body(notes));
        out.push('\n');
    }
    out
}

/// Markdown for a terminal: headings bold without their `#` marks (the title underlined too), code blocks indented
/// four spaces without their fences, `inline code` in cyan, `**strong**` in bold.
pub fn markdown_for_terminal(text: &str, paint: Paint) -> String {
    let mut out = Vec::new();
    let mut in_fence = false;
    for line in text.trim_end().lines() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push(if line.is_empty() { String::new() } else { format!("    {}", paint.paint(DIM, line)) });
        } else if let Some(heading) = line.strip_prefix("# ") {
            out.push(paint.paint(BOLD.underline(), heading.trim()));
        } else if line.starts_with("##") {
            out.push(paint.paint(BOLD, line.trim_start_matches('#').trim()));
        } else {
            out.push(inline(line, paint));
        }
    }
    out.join("\n")
}

/// `code` and **strong** spans of one line.
fn inline(line: &str, paint: Paint) -> String {
    let mut out = String::new();
    let mut rest = line;
    loop {
        let code = rest.find('`');
        let strong = rest.find("**");
        match (code, strong) {
            (Some(c), s) if s.is_none_or(|s| c < s) => match rest[c + 1..].find('`') {
                Some(end) => {
                    out.push_str(&rest[..c]);
                    out.push_str(&paint.paint(CYAN, &rest[c + 1..c + 1 + end]));
                    rest = &rest[c + end + 2..];
                }
                None => break,
            },
            (_, Some(s)) => match rest[s + 2..].find("**") {
                Some(end) => {
                    out.push_str(&rest[..s]);
                    out.push_str(&paint.paint(BOLD, &rest[s + 2..s + 2 + end]));
                    rest = &rest[s + end + 4..];
                }
                None => break,
            },
            _ => break,
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAIN: Paint = Paint { colour: false };
    const COLOUR: Paint = Paint { colour: true };

    #[test]
    fn markdown_for_a_terminal_drops_heading_marks_and_fences_and_indents_code() {
        let text = "# Title\n\n## Rules\n\nUse `score` **once**.\n\n```rust\nfn f() {}\n```\n";
        let plain = markdown_for_terminal(text, PLAIN);
        assert_eq!(plain, "Title\n\nRules\n\nUse score once.\n\n    fn f() {}");
        let coloured = markdown_for_terminal(text, COLOUR);
        assert!(coloured.contains(&COLOUR.paint(BOLD, "Rules")), "{coloured:?}");
        assert!(coloured.contains(&COLOUR.paint(CYAN, "score")), "{coloured:?}");
        assert!(coloured.contains(&format!("    {}", COLOUR.paint(DIM, "fn f() {}"))), "{coloured:?}");
    }
}
