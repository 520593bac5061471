//! Short expected and actual values for a terminal: side by side with their changed words marked, and the lines of a
//! multi-line diff coloured.

use crate::report::style::{GREEN, GREEN_EMPHASIS, Paint, RED, RED_EMPHASIS};
use anstyle::Style;
use similar::{ChangeTag, TextDiff};

/// Expected and actual values up to this long, each on one line, are shown side by side with the changed words marked.
const INLINE_MAX_CHARS: usize = 100;

/// A value short enough to show on one line with its changed words emphasised.
pub(super) fn short_line(value: &str) -> bool {
    !value.contains('\n') && value.chars().count() <= INLINE_MAX_CHARS
}

/// `expected` and `actual` with the words that differ emphasised: in colour (bold, underlined), or plain with the
/// diff's own markers, `[-removed-]` and `{+added+}`.
pub(super) fn inline_diff(expected: &str, actual: &str, paint: Paint) -> (String, String) {
    let old = tokens(expected);
    let new = tokens(actual);
    let diff = TextDiff::from_slices(&old, &new);
    let (mut left, mut right) = (Vec::<(bool, String)>::new(), Vec::<(bool, String)>::new());
    let push = |side: &mut Vec<(bool, String)>, changed: bool, text: &str| match side.last_mut() {
        Some((c, t)) if *c == changed => t.push_str(text),
        _ => side.push((changed, text.to_owned())),
    };
    for change in diff.iter_all_changes() {
        match change.tag() {
            ChangeTag::Equal => {
                push(&mut left, false, change.value());
                push(&mut right, false, change.value());
            }
            ChangeTag::Delete => push(&mut left, true, change.value()),
            ChangeTag::Insert => push(&mut right, true, change.value()),
        }
    }
    let render = |side: Vec<(bool, String)>, style: Style, (open, close): (&str, &str)| {
        side.into_iter()
            .map(|(changed, text)| match (changed, paint.colour) {
                (false, _) => text,
                (true, true) => paint.paint(style, &text),
                (true, false) => format!("{open}{text}{close}"),
            })
            .collect::<String>()
    };
    (render(left, RED_EMPHASIS, ("[-", "-]")), render(right, GREEN_EMPHASIS, ("{+", "+}")))
}

/// Words (letters, digits, `_`, `.`) and single other characters.
fn tokens(text: &str) -> Vec<&str> {
    let word = |c: char| c.is_alphanumeric() || c == '_' || c == '.';
    let mut tokens = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        let end = i + c.len_utf8();
        let next_is_word = text[end..].chars().next().is_some_and(word);
        if !(word(c) && next_is_word) {
            tokens.push(&text[start..end]);
            start = end;
        }
    }
    tokens
}

/// One line of the support crate's diff: `-` red, `+` green, with its `[-…-]` / `{+…+}` marks turned into emphasis when
/// colouring (kept as they are otherwise).
pub(super) fn diff_line(line: &str, paint: Paint) -> String {
    if !paint.colour {
        return line.to_owned();
    }
    let (base, emphasis, open, close) = match line.chars().next() {
        Some('-') => (RED, RED_EMPHASIS, "[-", "-]"),
        Some('+') => (GREEN, GREEN_EMPHASIS, "{+", "+}"),
        _ => return line.to_owned(),
    };
    let mut out = String::new();
    let mut rest = line;
    while let Some(start) = rest.find(open) {
        let Some(len) = rest[start + open.len()..].find(close) else { break };
        out.push_str(&paint.paint(base, &rest[..start]));
        out.push_str(&paint.paint(emphasis, &rest[start + open.len()..start + open.len() + len]));
        rest = &rest[start + open.len() + len + close.len()..];
    }
    out.push_str(&paint.paint(base, rest));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::style::RED_EMPHASIS;

    const PLAIN: Paint = Paint { colour: false };
    const COLOUR: Paint = Paint { colour: true };

    #[test]
    fn single_line_values_mark_only_the_words_that_differ() {
        let (expected, actual) = inline_diff("Ok((\"x\", 0.5, \"flag\"))", "Ok((\"x\", 0.5, \"approve\"))", PLAIN);
        assert_eq!(expected, "Ok((\"x\", 0.5, \"[-flag-]\"))");
        assert_eq!(actual, "Ok((\"x\", 0.5, \"{+approve+}\"))");
    }

    #[test]
    fn coloured_single_line_values_emphasise_without_markers() {
        let (expected, actual) = inline_diff("3 calls", "5 calls", COLOUR);
        assert!(!expected.contains("[-") && !actual.contains("{+"), "{expected:?} {actual:?}");
        assert!(expected.contains(&format!("{RED_EMPHASIS}3{RED_EMPHASIS:#}")), "{expected:?}");
        assert!(actual.ends_with(" calls"), "{actual:?}");
    }

    #[test]
    fn words_keep_numbers_and_names_whole() {
        assert_eq!(
            tokens("Err(\"DuplicateId(b)\") 0.25"),
            ["Err", "(", "\"", "DuplicateId", "(", "b", ")", "\"", ")", " ", "0.25"]
        );
    }

    #[test]
    fn diff_lines_turn_their_markers_into_colour_only_when_colouring() {
        assert_eq!(diff_line("-    [-\"m1\"-],", PLAIN), "-    [-\"m1\"-],");
        let coloured = diff_line("-    [-\"m1\"-],", COLOUR);
        assert!(!coloured.contains("[-") && coloured.contains("\"m1\""), "{coloured:?}");
        assert!(coloured.contains(&format!("{RED_EMPHASIS}\"m1\"{RED_EMPHASIS:#}")), "{coloured:?}");
    }
}
