//! Doc comments on the library's public functions, structs, enums and traits: the share documented (10% of the
//! area); a library with nothing public keeps it.

use super::{Evidence, Item, Summary, Unit};
use crate::quality::Quality;

pub struct Docs;

impl Unit for Docs {
    fn title(&self) -> &'static str {
        "doc comments"
    }

    fn share(&self) -> u32 {
        10
    }

    fn earned(&self, quality: &Quality) -> f64 {
        let docs = &quality.docs;
        if docs.public == 0 { 1.0 } else { docs.documented as f64 / docs.public as f64 }
    }

    fn evidence(&self, quality: &Quality) -> Evidence {
        let docs = &quality.docs;
        Evidence {
            summary: Summary::Documented { documented: docs.documented, public: docs.public },
            items: docs.missing.iter().cloned().map(Item::Found).collect(),
        }
    }
}
