//! A verdict in words, for every format: its title, why a candidate was rejected, and the verdict's JSON
//! (`{"kind": "rejected", "reason": "…"}`).

use harness_engine::grade::Verdict;
use harness_engine::job::{ALLOWED_DEPENDENCIES, MAX_SOURCE_BYTES, MAX_SOURCE_FILES, Rejection};
use harness_engine::screen::Refused;
use serde::Serializer;
use serde::ser::SerializeStruct;

/// The verdict as a short title (`does not compile`).
pub fn title(verdict: &Verdict) -> &'static str {
    match verdict {
        Verdict::Graded => "graded",
        Verdict::CompileError { .. } => "does not compile",
        Verdict::ApiMismatch { .. } => "API does not match the spec",
        Verdict::Rejected { .. } => "rejected",
    }
}

/// Why a candidate folder was rejected, in one sentence.
pub fn rejection(rejection: &Rejection) -> String {
    match rejection {
        Rejection::NoLibrary { folder, problem } => format!(
            "{} has no src/lib.rs: a candidate is a library crate (start from `harness init {problem}`)",
            folder.display()
        ),
        Rejection::ManifestUnparsable { message } => format!("Cargo.toml does not parse: {message}"),
        Rejection::UnknownEdition { edition } => {
            format!("Cargo.toml asks for edition `{edition}`, which this toolchain lacks")
        }
        Rejection::DependencyNotAllowed { name } => {
            format!("dependency `{name}` is not allowed (allowed: {})", ALLOWED_DEPENDENCIES.join(", "))
        }
        Rejection::Screened { file, refusal } => format!("{file}:{}: {}", refusal.line, refused(&refusal.refused)),
        Rejection::TooLarge => {
            format!("the sources exceed {MAX_SOURCE_FILES} files or {} MiB", MAX_SOURCE_BYTES >> 20)
        }
        Rejection::NotRegularFile { file, symlink } => {
            let what = if *symlink { "a symbolic link" } else { "not a regular file" };
            format!("{file} is {what}: a candidate crate holds regular files only")
        }
    }
}

/// What a screened source may not do at compile time.
fn refused(refused: &Refused) -> String {
    match refused {
        Refused::IncludeOutside { name, path } => format!("{name}!(\"{path}\") reads a file outside the crate"),
        Refused::IncludeNotLiteral { name } => {
            format!("`{name}` is allowed only as {name}!(\"relative/path\") with a plain string literal")
        }
        Refused::EnvNotCargo { name } => {
            format!("{name}! may read only CARGO_* variables (the build's environment is not yours)")
        }
        Refused::PathAttribute => "#[path] must name a file inside the crate with a relative path".to_owned(),
    }
}

/// The verdict's JSON: its `kind`, and the compiler's `diagnostics` or the rejection's `reason`.
pub fn serialize<S: Serializer>(verdict: &Verdict, serializer: S) -> Result<S::Ok, S::Error> {
    let fields = usize::from(!matches!(verdict, Verdict::Graded));
    let mut out = serializer.serialize_struct("Verdict", 1 + fields)?;
    out.serialize_field("kind", verdict.kind())?;
    match verdict {
        Verdict::Graded => {}
        Verdict::CompileError { diagnostics } | Verdict::ApiMismatch { diagnostics } => {
            out.serialize_field("diagnostics", diagnostics)?;
        }
        Verdict::Rejected { reason } => out.serialize_field("reason", &rejection(reason))?,
    }
    out.end()
}
