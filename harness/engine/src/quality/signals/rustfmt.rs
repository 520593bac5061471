//! `rustfmt --check` with the candidate's settings: each hunk costs one step, and an attribute that silences rustfmt
//! one; [`FORMAT_STEPS`] empty the share (15% of the area).

use super::{Evidence, Item, Summary, Unit, silencers, steps};
use crate::quality::{Quality, Tool};

/// Unformatted hunks that cost the whole rustfmt share.
pub const FORMAT_STEPS: usize = 4;

pub struct Rustfmt;

impl Unit for Rustfmt {
    fn title(&self) -> &'static str {
        "rustfmt"
    }

    fn share(&self) -> u32 {
        15
    }

    fn earned(&self, quality: &Quality) -> f64 {
        let hunks = quality.rustfmt.as_ref().map_or(0, Vec::len);
        steps(hunks + quality.silencers(Tool::Rustfmt), FORMAT_STEPS)
    }

    fn evidence(&self, quality: &Quality) -> Evidence {
        let hunks = quality.rustfmt.as_deref().unwrap_or_default();
        let mut items: Vec<Item> = hunks.iter().cloned().map(Item::Found).collect();
        items.extend(silencers(quality, Tool::Rustfmt));
        let silencers = quality.silencers(Tool::Rustfmt);
        Evidence { summary: Summary::Unformatted { places: hunks.len(), silencers }, items }
    }
}
