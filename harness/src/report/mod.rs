//! Reporters: render the engine's data as text tables or JSON. Nothing else in the harness formats output.

pub mod json;
pub mod text;

/// Output format of a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}
