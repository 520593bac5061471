//! The candidate's own tests: present and passing, the senior signal (40% of the area).

use super::{Evidence, Item, Summary, Unit};
use crate::quality::Quality;

pub struct OwnTests;

impl Unit for OwnTests {
    fn title(&self) -> &'static str {
        "own tests"
    }

    fn share(&self) -> u32 {
        40
    }

    fn earned(&self, quality: &Quality) -> f64 {
        let tests = &quality.own_tests;
        if tests.total == 0 { 0.0 } else { tests.passed as f64 / tests.total as f64 }
    }

    fn evidence(&self, quality: &Quality) -> Evidence {
        let tests = &quality.own_tests;
        let mut items: Vec<Item> = tests.failed.iter().cloned().map(Item::FailedTest).collect();
        items.extend(tests.note.clone().map(Item::Uncountable));
        Evidence { summary: Summary::Passed { passed: tests.passed, total: tests.total }, items }
    }
}
