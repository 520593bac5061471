//! The library's longest function outside tests: full marks up to [`FULL_LINES`], none from [`ZERO_LINES`], linear
//! between (10% of the area).

use super::{Evidence, Item, Summary, Unit, steps};
use crate::quality::Quality;

/// The longest function may have this many lines and keep its share.
pub const FULL_LINES: usize = 40;
/// A function this long (or longer) costs the whole share.
pub const ZERO_LINES: usize = 100;

pub struct FunctionLength;

impl Unit for FunctionLength {
    fn title(&self) -> &'static str {
        "longest function"
    }

    fn share(&self) -> u32 {
        10
    }

    fn earned(&self, quality: &Quality) -> f64 {
        quality
            .longest_function
            .as_ref()
            .map_or(1.0, |f| steps(f.lines.saturating_sub(FULL_LINES), ZERO_LINES - FULL_LINES))
    }

    fn evidence(&self, quality: &Quality) -> Evidence {
        let longest = quality.longest_function.as_ref();
        Evidence {
            summary: Summary::Longest {
                function: longest.map(|f| (f.name.clone(), f.lines)),
                full: FULL_LINES,
                zero: ZERO_LINES,
            },
            items: longest
                .map(|f| Item::Function { location: f.location.clone(), name: f.name.clone(), lines: f.lines })
                .into_iter()
                .collect(),
        }
    }
}
