//! `unwrap()` and `expect()` in the library outside tests: each costs one step, [`UNWRAP_STEPS`] empty the share
//! (10% of the area).

use super::{Evidence, Item, Summary, Unit, steps};
use crate::quality::Quality;

/// `unwrap()`s that cost the whole share.
pub const UNWRAP_STEPS: usize = 4;

pub struct Unwraps;

impl Unit for Unwraps {
    fn title(&self) -> &'static str {
        "unwrap/expect"
    }

    fn share(&self) -> u32 {
        10
    }

    fn earned(&self, quality: &Quality) -> f64 {
        steps(quality.unwraps.len(), UNWRAP_STEPS)
    }

    fn evidence(&self, quality: &Quality) -> Evidence {
        Evidence {
            summary: Summary::Calls(quality.unwraps.len()),
            items: quality.unwraps.iter().cloned().map(Item::Found).collect(),
        }
    }
}
