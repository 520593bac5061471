//! The quality area's notes in words, for every format (why a signal or the candidate's own tests could not be
//! counted), and the quality section of a report's JSON.

use harness_engine::cargo::Unformatted;
use harness_engine::quality::own_tests::Uncountable;
use harness_engine::quality::{Quality, Uncounted};
use serde::Serializer;
use serde::ser::SerializeMap;

/// Why a signal could not be counted.
pub fn uncounted(note: &Uncounted) -> String {
    match note {
        Uncounted::ClippyTimedOut => "clippy timed out; its lints were not counted".to_owned(),
        Uncounted::ClippyFailed(why) => format!("clippy did not run ({why}); its lints were not counted"),
        Uncounted::Rustfmt(why) => {
            let why = match why {
                Unformatted::Missing(error) => format!("rustfmt is not available ({error})"),
                Unformatted::TimedOut => "rustfmt timed out".to_owned(),
                Unformatted::Failed(why) => format!("rustfmt did not run ({why})"),
            };
            format!("{why}; formatting was not counted")
        }
        Uncounted::Unparsable { file, error } => format!("{file} does not parse ({error}); its code was not read"),
        Uncounted::Unreadable { file, error } => format!("{file} could not be read ({error}); its code was not read"),
    }
}

/// Why the candidate's own tests could not be counted.
pub fn uncountable(note: &Uncountable) -> String {
    match note {
        Uncountable::DoNotCompile(error) => format!("the candidate's tests do not compile:\n{error}"),
        Uncountable::BuildFailed(stderr) => format!("the candidate's tests do not compile: {stderr}"),
        Uncountable::TimedOut => "compiling the candidate's tests timed out".to_owned(),
        Uncountable::NoTests => "no tests found: write at least one #[test]".to_owned(),
    }
}

/// The quality section of a report's JSON: the own tests' counts at its top level, then each signal's findings and
/// the notes, as sentences.
pub fn serialize<S: Serializer>(quality: &Quality, serializer: S) -> Result<S::Ok, S::Error> {
    let tests = &quality.own_tests;
    let mut out = serializer.serialize_map(None)?;
    out.serialize_entry("passed", &tests.passed)?;
    out.serialize_entry("total", &tests.total)?;
    out.serialize_entry("failed", &tests.failed)?;
    out.serialize_entry("note", &tests.note.as_ref().map(uncountable))?;
    out.serialize_entry("clippy", &quality.clippy)?;
    out.serialize_entry("rustfmt", &quality.rustfmt)?;
    out.serialize_entry("docs", &quality.docs)?;
    out.serialize_entry("longest_function", &quality.longest_function)?;
    out.serialize_entry("unwraps", &quality.unwraps)?;
    out.serialize_entry("silenced", &quality.silenced)?;
    out.serialize_entry("notes", &quality.notes.iter().map(uncounted).collect::<Vec<_>>())?;
    out.end()
}
