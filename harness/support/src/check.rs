//! Checks a case body makes: `expect_eq` with a diff on mismatch, `expect`, `fail`, and context on failures.

use crate::approx::Approx;
use crate::diff::render_diff;
use harness_protocol::{FailureReport, Metrics};
use std::fmt::{Debug, Write};

/// Why a check failed. Built by the `expect*` functions; rendered by the harness.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Failure {
    // Boxed so that `Outcome` stays a small `Result` on the happy path.
    pub(crate) report: Box<FailureReport>,
    pub(crate) panicked: bool,
    /// The case was not judged (the message says why); it scores in no area.
    pub(crate) skipped: bool,
    /// What the trial measured before it failed (a memory case's peak and budget), reported with the failure.
    pub(crate) metrics: Option<Box<Metrics>>,
}

/// Values longer than this many lines (a scaling case's whole output) are shown as an excerpt around the first line
/// that differs: a record must stay small enough for the result channel, and a diff of millions of lines is no help.
const EXCERPT_MAX_LINES: usize = 200;
/// Lines of an excerpt shown before the first difference.
const EXCERPT_BEFORE: usize = 20;

/// Both values whole when short; otherwise the same window of lines of each, from a little before the first line that
/// differs, with the lines left out counted.
fn excerpts(expected: &str, actual: &str) -> (String, String) {
    let (e, a): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    if e.len() <= EXCERPT_MAX_LINES && a.len() <= EXCERPT_MAX_LINES {
        return (expected.to_owned(), actual.to_owned());
    }
    let first = e.iter().zip(&a).position(|(x, y)| x != y).unwrap_or(e.len().min(a.len()));
    let start = first.saturating_sub(EXCERPT_BEFORE);
    let window = |lines: &[&str]| {
        let end = (start + EXCERPT_MAX_LINES - EXCERPT_BEFORE).min(lines.len());
        let mut out = String::new();
        if start > 0 {
            let _ = writeln!(out, "… {start} equal lines left out");
        }
        for line in &lines[start.min(end)..end] {
            out.push_str(line);
            out.push('\n');
        }
        if end < lines.len() {
            let _ = writeln!(out, "… {} more lines left out ({} in all)", lines.len() - end, lines.len());
        }
        out
    };
    (window(&e), window(&a))
}

/// What a check or a case body returns.
pub type Outcome = Result<(), Failure>;

impl Failure {
    /// A failure with only a message.
    pub fn new(message: impl Into<String>) -> Self {
        Failure {
            report: Box::new(FailureReport { message: message.into(), ..FailureReport::default() }),
            panicked: false,
            skipped: false,
            metrics: None,
        }
    }

    /// Not a failure: the case was not judged, for the reason given (it then counts in no area).
    pub fn skipped(message: impl Into<String>) -> Self {
        let mut failure = Failure::new(message);
        failure.skipped = true;
        failure
    }

    /// A failure from comparing two values; non-generic so that suites stay cheap to compile.
    pub fn mismatch(message: impl Into<String>, expected: &dyn Debug, actual: &dyn Debug) -> Self {
        let (expected, actual) = excerpts(&format!("{expected:#?}"), &format!("{actual:#?}"));
        let diff = render_diff(&expected, &actual);
        Failure {
            report: Box::new(FailureReport {
                message: message.into(),
                expected: Some(expected),
                actual: Some(actual),
                diff: Some(diff),
                ..FailureReport::default()
            }),
            panicked: false,
            skipped: false,
            metrics: None,
        }
    }

    /// The candidate's code panicked with `message`.
    pub fn panicked(message: &str) -> Self {
        let mut failure = Failure::new(format!("panicked: {message}"));
        failure.panicked = true;
        failure.report.unimplemented = harness_protocol::is_unimplemented(message);
        failure
    }

    /// Prefixes the message with where the failure happened (`"batch of three: "`).
    #[must_use]
    pub fn context(mut self, context: impl Into<String>) -> Self {
        self.report.message = format!("{}: {}", context.into(), self.report.message);
        self
    }

    /// Attaches the input that showed the failure (shown only when the grader reveals inputs).
    #[must_use]
    pub fn with_input(mut self, input: &dyn Debug) -> Self {
        self.report.input = Some(format!("{input:#?}"));
        self
    }

    /// Attaches what the trial measured, so the harness sees it although the trial failed.
    #[must_use]
    pub fn with_metrics(mut self, metrics: Metrics) -> Self {
        self.metrics = Some(Box::new(metrics));
        self
    }

    /// The message as the report will show it.
    pub fn message(&self) -> &str {
        &self.report.message
    }

    /// Whether the failure is a panic of the candidate's code.
    pub fn is_panic(&self) -> bool {
        self.panicked
    }

    /// Whether the case was not judged at all.
    pub fn is_skip(&self) -> bool {
        self.skipped
    }

    /// The protocol form of this failure.
    pub fn into_report(self) -> FailureReport {
        *self.report
    }
}

/// Adds context to a failed [`Outcome`].
pub trait Context {
    /// Prefixes the failure's message, if any.
    #[must_use]
    fn context(self, context: impl Into<String>) -> Self;
}

impl Context for Outcome {
    fn context(self, context: impl Into<String>) -> Self {
        self.map_err(|failure| failure.context(context))
    }
}

/// Passes when `actual` equals `expected` (floats within tolerance, NaN equal to NaN); else fails with a diff.
pub fn expect_eq<T: Approx + Debug + ?Sized>(actual: &T, expected: &T) -> Outcome {
    if actual.approx_eq(expected) { Ok(()) } else { Err(Failure::mismatch("wrong answer", &expected, &actual)) }
}

/// Passes when `condition` holds; else fails with `message`.
pub fn expect(condition: bool, message: impl Into<String>) -> Outcome {
    if condition { Ok(()) } else { Err(Failure::new(message)) }
}

/// Fails with `message`.
pub fn fail(message: impl Into<String>) -> Outcome {
    Err(Failure::new(message))
}

/// Unwraps an `Ok`, or fails naming the error the candidate returned.
pub fn expect_ok<T, E: Debug>(result: Result<T, E>, what: &str) -> Result<T, Failure> {
    result.map_err(|error| Failure::new(format!("{what}: expected Ok, got Err({error:?})")))
}

/// Unwraps an `Err`, or fails naming the value the candidate returned.
pub fn expect_err<T: Debug, E>(result: Result<T, E>, what: &str) -> Result<E, Failure> {
    match result {
        Ok(value) => Err(Failure::new(format!("{what}: expected an error, got Ok({value:?})"))),
        Err(error) => Ok(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_mismatch_is_shown_as_an_excerpt_around_its_first_difference() {
        let expected: Vec<u32> = (0..100_000).collect();
        let mut actual = expected.clone();
        actual[60_000] = 7;
        let failure = expect_eq(&actual, &expected).unwrap_err();
        let report = &failure.report;
        let shown = report.actual.as_deref().unwrap();
        assert!(shown.lines().count() <= EXCERPT_MAX_LINES + 2, "{} lines", shown.lines().count());
        assert!(shown.starts_with("… 59981 equal lines left out") && shown.contains("    7,"), "{shown}");
        assert!(shown.contains("more lines left out (100002 in all)"), "{shown}");
        let diff = report.diff.as_deref().unwrap();
        assert!(diff.contains("-    60000,") && diff.contains("+    7,"), "{diff}");
    }

    #[test]
    fn expect_eq_reports_both_values_and_a_diff() {
        let failure = expect_eq(&vec![1, 2, 4], &vec![1, 2, 3]).unwrap_err();
        let report = failure.into_report();
        assert_eq!(report.message, "wrong answer");
        assert!(report.expected.unwrap().contains('3'));
        assert!(report.actual.unwrap().contains('4'));
        let diff = report.diff.unwrap();
        assert!(diff.contains("-    [-3,-]") && diff.contains("+    {+4,+}"), "{diff}");
    }

    #[test]
    fn context_prefixes_the_message() {
        let outcome: Outcome = fail("boom").context("empty batch");
        assert_eq!(outcome.unwrap_err().message(), "empty batch: boom");
    }

    #[test]
    fn expect_err_fails_on_ok() {
        let result: Result<u8, &str> = Ok(1);
        assert!(expect_err(result, "duplicate keys").is_err());
    }
}
