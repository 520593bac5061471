//! Expected/actual diffs with `similar`: a unified line diff, with the changed words marked for short values.

use similar::{ChangeTag, TextDiff};
use std::fmt::Write;

/// Values shorter than this (in lines, both sides) get word-level emphasis.
const INLINE_MAX_LINES: usize = 12;

/// Renders `expected` → `actual` as `-`/`+` lines; for short values the changed words are wrapped in `[-…-]`/`{+…+}`.
pub fn render_diff(expected: &str, actual: &str) -> String {
    let diff = TextDiff::from_lines(expected, actual);
    let short = expected.lines().count() + actual.lines().count() <= 2 * INLINE_MAX_LINES;
    let mut out = String::new();
    for op in diff.ops() {
        if short {
            for change in diff.iter_inline_changes(op) {
                let sign = sign(change.tag());
                out.push(sign);
                for (emphasised, text) in change.iter_strings_lossy() {
                    let text = text.trim_end_matches('\n');
                    match (emphasised, change.tag()) {
                        (true, ChangeTag::Delete) => write!(out, "[-{text}-]").unwrap(),
                        (true, ChangeTag::Insert) => write!(out, "{{+{text}+}}").unwrap(),
                        _ => out.push_str(text),
                    }
                }
                out.push('\n');
            }
        } else {
            for change in diff.iter_changes(op) {
                out.push(sign(change.tag()));
                out.push_str(change.value().trim_end_matches('\n'));
                out.push('\n');
            }
        }
    }
    out
}

fn sign(tag: ChangeTag) -> char {
    match tag {
        ChangeTag::Delete => '-',
        ChangeTag::Insert => '+',
        ChangeTag::Equal => ' ',
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_values_mark_the_changed_words() {
        let out = render_diff("[\n    \"m1\",\n    \"m2\",\n]", "[\n    \"m2\",\n    \"m1\",\n]");
        assert!(out.lines().any(|l| l.starts_with('-')), "{out}");
        assert!(out.lines().any(|l| l.starts_with('+')), "{out}");
    }

    #[test]
    fn long_values_fall_back_to_plain_lines() {
        let expected: String = (0..40).map(|i| i.to_string() + "\n").collect();
        let actual = expected.replace("17\n", "71\n");
        let out = render_diff(&expected, &actual);
        assert!(out.contains("-17\n") && out.contains("+71\n"), "{out}");
        assert!(!out.contains("[-"));
    }
}
