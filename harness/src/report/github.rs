//! GitHub Actions workflow annotations: one `::error title=…::…` line per failed case (or for a candidate that was not
//! built), escaped as the Actions toolkit escapes them.

use crate::report::model::Report;
use crate::report::verdict;
use std::fmt::Write;

/// The workflow commands for `report`, one per line; empty when everything passed.
pub fn annotations(report: &Report) -> String {
    let mut out = String::new();
    if let Some(message) = &report.message {
        let title = format!("{}: {}", report.problem, verdict::title(&report.verdict));
        command(&mut out, &title, message);
    }
    for test in report.failed() {
        let title = format!(
            "{}: {} ({}, weight {}) {}",
            report.problem,
            test.name,
            test.kind,
            test.weight,
            test.outcome.label()
        );
        command(&mut out, &title, test.message.as_deref().unwrap_or_default());
    }
    for name in report.quality.own_tests.failed.iter().filter(|_| report.built()) {
        command(
            &mut out,
            &format!("{}: own test {name} failed", report.problem),
            "one of the candidate's own tests failed",
        );
    }
    out
}

fn command(out: &mut String, title: &str, message: &str) {
    let _ = writeln!(out, "::error title={}::{}", escape_property(title), escape_data(message));
}

/// A command's message: `%`, carriage return and line feed are percent-encoded.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// A command's property value: as [`escape_data`], and also `:` and `,` (they delimit properties).
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_escapes_percent_signs_before_line_breaks() {
        assert_eq!(escape_data("100% done\r\nnext"), "100%25 done%0D%0Anext");
        assert_eq!(escape_data("%0A is literal"), "%250A is literal");
        assert_eq!(escape_data("a: b, c"), "a: b, c");
    }

    #[test]
    fn properties_also_escape_colons_and_commas() {
        assert_eq!(escape_property("p: case (edge:ties, weight 2)"), "p%3A case (edge%3Aties%2C weight 2)");
        assert_eq!(escape_property("50%\n"), "50%25%0A");
    }
}
