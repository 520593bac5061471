//! JUnit XML (quick-junit), in the shape the Jenkins JUnit schema accepts: one `<testsuite>` per rubric area with a
//! `<testcase>` per hidden case (the quality suite holds the candidate's own tests), grade-wide properties (score,
//! band, seed) and the area's points on each suite. A candidate that was not built is one suite with one error.

use crate::report::model::{Report, Status, Test};
use crate::report::{band, points, verdict};
use harness_engine::rubric::{Area, AreaScore};
use quick_junit::{NonSuccessKind, Property, TestCase, TestCaseStatus, TestSuite};
use std::time::Duration;

/// The report as JUnit XML.
pub fn render(report: &Report) -> String {
    let mut junit = quick_junit::Report::new(format!("harness {}", report.problem));
    let t = report.timings;
    junit.set_time(seconds(t.build_secs + t.run_secs + t.tests_secs));
    if report.built() {
        for area in &report.scorecard.areas {
            let mut suite = suite(report, area.area.key(), Some(area));
            if area.area == Area::Quality {
                suite.add_test_cases(own_tests(report));
            } else {
                let tests = report.tests.iter().filter(|t| t.area == area.area);
                suite.add_test_cases(tests.map(|t| case(report, t)));
            }
            junit.add_test_suite(suite);
        }
    } else {
        let mut suite = suite(report, "build", None);
        let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
        status
            .set_message(verdict::title(&report.verdict))
            .set_type(verdict::title(&report.verdict))
            .set_description(report.message.clone().unwrap_or_default());
        let mut case = TestCase::new("build", status);
        case.set_classname(format!("{}.build", report.problem)).set_time(seconds(t.build_secs));
        suite.add_test_case(case);
        junit.add_test_suite(suite);
    }
    let xml = junit.to_string().unwrap_or_else(|e| format!("<!-- failed to write JUnit XML: {e} -->\n"));
    without_root_skipped(&xml)
}

/// quick-junit always writes `skipped` on `<testsuites>`, which the Jenkins schema does not declare there (only on
/// `<testsuite>`); nothing here is ever skipped, so the attribute is dropped from the root.
fn without_root_skipped(xml: &str) -> String {
    match xml.find("<testsuites ") {
        Some(start) => {
            let end = xml[start..].find('>').map_or(xml.len(), |e| start + e);
            let root = xml[start..end].replacen(" skipped=\"0\"", "", 1);
            format!("{}{}{}", &xml[..start], root, &xml[end..])
        }
        None => xml.to_owned(),
    }
}

fn suite(report: &Report, name: &str, area: Option<&AreaScore>) -> TestSuite {
    let mut suite = TestSuite::new(format!("{}.{name}", report.problem));
    let card = &report.scorecard;
    suite.add_properties([
        Property::new("problem", &report.problem),
        Property::new("candidate", &report.candidate),
        Property::new("seed", report.seed.to_string()),
        Property::new("score", points(card.total)),
        Property::new("max_score", "100"),
        Property::new("band", card.band.title()),
        Property::new("harness_version", report.harness_version),
    ]);
    if let Some(line) = band::line(card).filter(|_| report.built()) {
        suite.add_property(Property::new("band_note", line));
    }
    if let Some(area) = area {
        suite.add_properties([
            Property::new("area_points", points(area.points)),
            Property::new("area_max_points", area.max.to_string()),
        ]);
    }
    suite
}

fn case(report: &Report, test: &Test) -> TestCase {
    let status = match test.status {
        Status::Pass => TestCaseStatus::success(),
        failed => {
            let kind = if failed == Status::Fail { NonSuccessKind::Failure } else { NonSuccessKind::Error };
            let mut status = TestCaseStatus::non_success(kind);
            let first_line =
                test.failure.as_ref().and_then(|f| f.message.lines().next()).unwrap_or(test.outcome.label());
            status
                .set_message(first_line)
                .set_type(test.outcome.label())
                .set_description(test.message.clone().unwrap_or_default());
            status
        }
    };
    let mut case = TestCase::new(&test.name, status);
    case.set_classname(format!("{}.{}", report.problem, test.area.key())).set_time(seconds(test.duration));
    if let Some(output) = &test.output {
        case.set_system_out(output);
    }
    case
}

/// The candidate's own tests: each failed one by name, the passing ones together, or why none counted.
fn own_tests(report: &Report) -> Vec<TestCase> {
    let q = &report.quality.own_tests;
    let classname = format!("{}.quality", report.problem);
    let mut cases = Vec::new();
    for name in &q.failed {
        let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
        status.set_message("the candidate's own test failed").set_type("own test");
        let mut case = TestCase::new(format!("own test {name}"), status);
        case.set_classname(&classname);
        cases.push(case);
    }
    if q.passed > 0 {
        let mut case =
            TestCase::new(format!("{} of {} own tests passed", q.passed, q.total), TestCaseStatus::success());
        case.set_classname(&classname);
        cases.push(case);
    }
    if q.total == 0 {
        let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
        let note = q.note.as_ref().map_or_else(|| "no own tests ran".to_owned(), crate::report::quality::uncountable);
        status.set_message(note.lines().next().unwrap_or_default()).set_type("own tests").set_description(note);
        let mut case = TestCase::new("own tests", status);
        case.set_classname(&classname);
        cases.push(case);
    }
    cases
}

fn seconds(secs: f64) -> Duration {
    Duration::try_from_secs_f64(secs).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_root_loses_its_skipped_attribute() {
        let xml =
            "<testsuites name=\"h\" tests=\"1\" skipped=\"0\" failures=\"0\">\n<testsuite name=\"s\" skipped=\"0\">";
        let fixed = without_root_skipped(xml);
        assert_eq!(fixed, "<testsuites name=\"h\" tests=\"1\" failures=\"0\">\n<testsuite name=\"s\" skipped=\"0\">");
    }
}
