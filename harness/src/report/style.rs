//! Colour for the text report: whether to use it (a terminal, `NO_COLOR`, `CLICOLOR`, `CLICOLOR_FORCE`, `TERM=dumb`)
//! and the few styles it uses (anstyle).

use anstyle::{AnsiColor, Effects, Style};
use std::ffi::OsString;

/// Whether text for a stream should be coloured: never with a non-empty `NO_COLOR` (no-color.org); always with a
/// `CLICOLOR_FORCE` other than `0`; never with `CLICOLOR=0` or `TERM=dumb`; otherwise only on a terminal. The same
/// precedence as anstream's; `var` reads the environment (a parameter so it can be tested).
pub fn wanted(is_terminal: bool, var: impl Fn(&str) -> Option<OsString>) -> bool {
    let set = |name: &str| var(name).is_some_and(|v| !v.is_empty());
    let is = |name: &str, value: &str| var(name).is_some_and(|v| v == value);
    if set("NO_COLOR") {
        false
    } else if set("CLICOLOR_FORCE") && !is("CLICOLOR_FORCE", "0") {
        true
    } else if is("CLICOLOR", "0") || is("TERM", "dumb") {
        false
    } else {
        is_terminal
    }
}

/// Paints text with a style, or leaves it plain.
#[derive(Debug, Clone, Copy)]
pub struct Paint {
    pub colour: bool,
}

pub const BOLD: Style = Style::new().effects(Effects::BOLD);
pub const DIM: Style = Style::new().effects(Effects::DIMMED);
pub const RED: Style = AnsiColor::Red.on_default();
pub const GREEN: Style = AnsiColor::Green.on_default();
pub const YELLOW: Style = AnsiColor::Yellow.on_default();
pub const CYAN: Style = AnsiColor::Cyan.on_default();
/// Changed words inside a `-` / `+` line.
pub const RED_EMPHASIS: Style = AnsiColor::Red.on_default().effects(Effects::BOLD.insert(Effects::UNDERLINE));
pub const GREEN_EMPHASIS: Style = AnsiColor::Green.on_default().effects(Effects::BOLD.insert(Effects::UNDERLINE));

impl Paint {
    /// `text` in `style` when colouring, else `text` as is.
    pub fn paint(self, style: Style, text: &str) -> String {
        if self.colour && !text.is_empty() { format!("{style}{text}{style:#}") } else { text.to_owned() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> {
        let pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        move |name| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| OsString::from(v))
    }

    #[test]
    fn a_terminal_gets_colour_and_a_pipe_does_not() {
        assert!(wanted(true, env(&[])));
        assert!(!wanted(false, env(&[])));
    }

    #[test]
    fn no_color_turns_colour_off_even_on_a_terminal_and_over_clicolor_force() {
        assert!(!wanted(true, env(&[("NO_COLOR", "1")])));
        assert!(!wanted(true, env(&[("NO_COLOR", "1"), ("CLICOLOR_FORCE", "1")])));
        // An empty NO_COLOR does not count (no-color.org).
        assert!(wanted(true, env(&[("NO_COLOR", "")])));
    }

    #[test]
    fn clicolor_force_colours_a_pipe_and_clicolor_zero_or_a_dumb_terminal_do_not() {
        assert!(wanted(false, env(&[("CLICOLOR_FORCE", "1")])));
        assert!(!wanted(false, env(&[("CLICOLOR_FORCE", "0")])));
        assert!(!wanted(true, env(&[("CLICOLOR", "0")])));
        assert!(!wanted(true, env(&[("TERM", "dumb")])));
    }

    #[test]
    fn painting_wraps_text_in_escapes_only_when_colouring() {
        assert_eq!(Paint { colour: false }.paint(RED, "x"), "x");
        let painted = Paint { colour: true }.paint(RED, "x");
        assert!(painted.starts_with('\u{1b}') && painted.contains('x') && painted.ends_with('m'), "{painted:?}");
    }
}
