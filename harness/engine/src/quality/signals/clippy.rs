//! clippy's default lints on the library and its tests: a warning costs one step, an error two, and an attribute
//! that silences clippy one; [`LINT_STEPS`] empty the share (15% of the area).

use super::{Evidence, Item, Summary, Unit, silencers, steps};
use crate::quality::{LintLevel, Quality, Tool};

/// Steps of clippy lints (a warning 1, an error 2) that cost the whole clippy share.
pub const LINT_STEPS: usize = 4;

pub struct Clippy;

impl Unit for Clippy {
    fn title(&self) -> &'static str {
        "clippy"
    }

    fn share(&self) -> u32 {
        15
    }

    fn earned(&self, quality: &Quality) -> f64 {
        // An attribute that silences a tool costs a step of that tool's share, whether the tool ran or not.
        let lints: usize =
            quality.clippy.iter().flatten().map(|l| if l.level == LintLevel::Error { 2 } else { 1 }).sum();
        steps(lints + quality.silencers(Tool::Clippy), LINT_STEPS)
    }

    fn evidence(&self, quality: &Quality) -> Evidence {
        let found = quality.clippy.as_deref().unwrap_or_default();
        let errors = found.iter().filter(|l| l.level == LintLevel::Error).count();
        let mut items: Vec<Item> = found
            .iter()
            .map(|l| Item::Lint {
                location: l.location.clone(),
                level: l.level,
                code: l.code.clone(),
                message: l.message.clone(),
            })
            .collect();
        items.extend(silencers(quality, Tool::Clippy));
        let silencers = quality.silencers(Tool::Clippy);
        Evidence { summary: Summary::Lints { warnings: found.len() - errors, errors, silencers }, items }
    }
}
