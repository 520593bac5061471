//! Reporters: render the engine's data as text tables, JSON, JUnit XML, Markdown or GitHub annotations. Nothing else in
//! the harness formats output. A grade is rendered from one model, [`model::Report`].

pub mod band;
pub mod batch;
pub mod csv;
pub mod failure;
pub mod github;
pub mod json;
pub mod junit;
pub mod layers;
pub mod markdown;
pub mod model;
pub mod quality;
pub mod scaling;
pub mod session;
pub mod style;
pub mod text;
pub mod verdict;
pub mod verify;

use std::path::PathBuf;

/// Output format of `list` and `verify`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// Output format of a batch's summary (`grade-all`, `merge-reports`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BoardFormat {
    /// The leaderboard table and a line on what the run did.
    Text,
    /// `grade-all`: the batch (graded, skipped, ignored, the leaderboard); `merge-reports`: the leaderboard.
    Json,
    /// The leaderboard as a Markdown table, for a CI step summary.
    Markdown,
}

/// Output format of a grade report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// Tables and evidence lines, coloured on a terminal.
    Text,
    /// The documented schema (docs/report-schema.md), a superset of Exercism's results.json v3.
    Json,
    /// JUnit XML for CI test-result viewers.
    Junit,
    /// Markdown for a CI step summary.
    Markdown,
}

impl ReportFormat {
    /// Renders `report`; only text is ever coloured.
    pub fn render(self, report: &model::Report, colour: bool) -> String {
        match self {
            ReportFormat::Text => text::grade(report, colour),
            ReportFormat::Json => json::render(report),
            ReportFormat::Junit => junit::render(report),
            ReportFormat::Markdown => markdown::render(report),
        }
    }

    fn named(name: &str) -> Option<ReportFormat> {
        match name {
            "text" | "txt" => Some(ReportFormat::Text),
            "json" => Some(ReportFormat::Json),
            "junit" | "xml" => Some(ReportFormat::Junit),
            "markdown" | "md" => Some(ReportFormat::Markdown),
            _ => None,
        }
    }
}

/// A report file: `--output FILE` (format from the extension) or `--output FORMAT:FILE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub format: ReportFormat,
    pub path: PathBuf,
}

impl std::str::FromStr for Output {
    type Err = String;

    fn from_str(spec: &str) -> Result<Output, String> {
        if let Some((format, path)) = spec.split_once(':').and_then(|(f, p)| Some((ReportFormat::named(f)?, p))) {
            if path.is_empty() {
                return Err(format!(
                    "failed to find a file name after `{}:`",
                    spec.split(':').next().unwrap_or_default()
                ));
            }
            return Ok(Output { format, path: PathBuf::from(path) });
        }
        let path = PathBuf::from(spec);
        let extension = path.extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase();
        match ReportFormat::named(&extension) {
            Some(format) => Ok(Output { format, path }),
            None => Err(format!(
                "failed to tell the format of `{spec}`: use a .json, .xml (JUnit), .md or .txt file, or FORMAT:FILE \
                 with FORMAT one of text, json, junit, markdown"
            )),
        }
    }
}

/// Points as the reports print them: whole numbers bare, others with one decimal.
pub fn points(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 { format!("{}", x.round() as i64) } else { format!("{x:.1}") }
}

/// A leaderboard row's points as [`points`], or `none` for a candidate the harness failed on: it has no score.
pub fn row_points(entry: &harness_engine::leaderboard::Entry, x: f64, none: &str) -> String {
    if entry.failed() { none.to_owned() } else { points(x) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(spec: &str) -> Result<Output, String> {
        spec.parse()
    }

    #[test]
    fn an_output_file_gets_the_format_of_its_extension() {
        assert_eq!(parse("out/report.json").unwrap().format, ReportFormat::Json);
        assert_eq!(parse("junit.XML").unwrap().format, ReportFormat::Junit);
        assert_eq!(parse("summary.md").unwrap().format, ReportFormat::Markdown);
        assert_eq!(parse("grade.txt").unwrap().format, ReportFormat::Text);
    }

    #[test]
    fn an_explicit_format_prefix_wins_over_the_extension() {
        let output = parse("junit:results.out").unwrap();
        assert_eq!(output, Output { format: ReportFormat::Junit, path: PathBuf::from("results.out") });
        assert_eq!(parse("markdown:summary.json").unwrap().format, ReportFormat::Markdown);
    }

    #[test]
    fn an_unknown_extension_or_an_empty_file_name_is_refused() {
        assert!(parse("report.html").unwrap_err().starts_with("failed to tell the format of `report.html`"));
        assert!(parse("json:").is_err());
        assert!(parse("report").is_err());
    }

    #[test]
    fn points_are_whole_or_one_decimal() {
        assert_eq!(points(40.0), "40");
        assert_eq!(points(27.5), "27.5");
    }
}
