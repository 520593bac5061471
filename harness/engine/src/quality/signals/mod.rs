//! The quality area's signals, one unit each: its share of the area, the part of it the candidate's code earns, and
//! its evidence as typed data (reporters phrase it). [`Signal::ALL`] is the one list they are registered in: a new
//! signal is a file here (with whatever it reads from [`Quality`]), a variant, and a line in [`Signal::unit`].

mod clippy;
mod docs;
mod function_length;
mod own_tests;
mod rustfmt;
mod unwraps;

pub use function_length::{FULL_LINES, ZERO_LINES};

use crate::quality::{Finding, LintLevel, Location, Quality, Tool};
use serde::Serialize;

/// A signal the quality area is counted from; each earns its share of the area's points, never more, so one bad
/// habit cannot cost the whole area.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Signal {
    /// The candidate's own tests: present and passing (the senior signal).
    OwnTests,
    /// clippy's default lints.
    Clippy,
    /// `rustfmt --check`.
    Rustfmt,
    /// The share of public functions, structs, enums and traits with doc comments.
    Docs,
    /// The longest function.
    FunctionLength,
    /// `unwrap()` / `expect()` outside tests.
    Unwraps,
}

/// What one signal is: how much it weighs, what it earns and what it shows.
pub trait Unit: Sync {
    /// Its name in reports.
    fn title(&self) -> &'static str;
    /// Percent of the quality area's points (the signals' shares sum to 100).
    fn share(&self) -> u32;
    /// The part of its share (0 to 1) the quality data earns. A signal that could not be measured (its tool is
    /// missing) costs nothing.
    fn earned(&self, quality: &Quality) -> f64;
    /// What was counted and the located items behind a deduction.
    fn evidence(&self, quality: &Quality) -> Evidence;
}

impl Signal {
    pub const ALL: [Signal; 6] =
        [Signal::OwnTests, Signal::Clippy, Signal::Rustfmt, Signal::Docs, Signal::FunctionLength, Signal::Unwraps];

    /// The signal's unit.
    pub fn unit(self) -> &'static dyn Unit {
        match self {
            Signal::OwnTests => &own_tests::OwnTests,
            Signal::Clippy => &clippy::Clippy,
            Signal::Rustfmt => &rustfmt::Rustfmt,
            Signal::Docs => &docs::Docs,
            Signal::FunctionLength => &function_length::FunctionLength,
            Signal::Unwraps => &unwraps::Unwraps,
        }
    }

    pub fn title(self) -> &'static str {
        self.unit().title()
    }

    pub fn share(self) -> u32 {
        self.unit().share()
    }

    pub fn earned(self, quality: &Quality) -> f64 {
        self.unit().earned(quality)
    }

    pub fn evidence(self, quality: &Quality) -> Evidence {
        self.unit().evidence(quality)
    }
}

/// A signal's evidence: what was counted, and the items behind a deduction, in the order to show them.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    pub summary: Summary,
    pub items: Vec<Item>,
}

/// What a signal counted.
#[derive(Debug, Clone, PartialEq)]
pub enum Summary {
    /// Tests that passed of those that ran (none ran when `total` is 0).
    Passed { passed: usize, total: usize },
    /// Lints by level, and attributes that silence the tool.
    Lints { warnings: usize, errors: usize, silencers: usize },
    /// Places a formatter would change, and attributes that silence it.
    Unformatted { places: usize, silencers: usize },
    /// Public items documented of all public items.
    Documented { documented: usize, public: usize },
    /// The longest function and its length against the lengths that keep full marks and earn none; `None` when
    /// there are no functions.
    Longest { function: Option<(String, usize)>, full: usize, zero: usize },
    /// Calls counted outside tests.
    Calls(usize),
}

/// One item of evidence.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// A test that failed, hung or never reported.
    FailedTest(String),
    /// Why the candidate's own tests could not be counted.
    Uncountable(crate::quality::own_tests::Uncountable),
    /// A lint: its level, code and message.
    Lint { location: Location, level: LintLevel, code: String, message: String },
    /// An attribute that silences `tool`, counted like what it hides.
    Silencer { location: Location, attribute: String, tool: Tool },
    /// A located finding with the tool's message.
    Found(Finding),
    /// A function and its length.
    Function { location: Location, name: String, lines: usize },
}

/// The share of `of` steps left after `taken` (each step costs `1 / of`, at least nothing is left).
fn steps(taken: usize, of: usize) -> f64 {
    1.0 - taken.min(of) as f64 / of as f64
}

/// Each attribute that silences `tool`, as evidence.
fn silencers(quality: &Quality, tool: Tool) -> impl Iterator<Item = Item> + '_ {
    quality.silenced.iter().filter(move |s| s.tool == tool).map(|s| Item::Silencer {
        location: s.location.clone(),
        attribute: s.attribute.clone(),
        tool: s.tool,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shares_of_the_registered_signals_sum_to_the_whole_area() {
        assert_eq!(Signal::ALL.iter().map(|s| s.share()).sum::<u32>(), 100);
    }

    #[test]
    fn a_silencing_attribute_is_evidence_of_the_tool_it_silences() {
        let quality = Quality {
            silenced: vec![crate::quality::Silencer {
                tool: Tool::Rustfmt,
                location: Location { file: "src/lib.rs".into(), line: 3 },
                attribute: "#[rustfmt::skip]".into(),
            }],
            ..Quality::default()
        };
        let rustfmt = Signal::Rustfmt.evidence(&quality);
        assert_eq!(rustfmt.summary, Summary::Unformatted { places: 0, silencers: 1 });
        assert!(matches!(rustfmt.items.as_slice(), [Item::Silencer { tool: Tool::Rustfmt, .. }]));
        assert_eq!(Signal::Clippy.evidence(&quality).items, Vec::new());
    }
}
