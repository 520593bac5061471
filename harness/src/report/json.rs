//! JSON rendering: the engine's data as serde serialises it, pretty-printed.

use serde::Serialize;

/// Pretty JSON with a trailing newline.
pub fn render(value: &impl Serialize) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}
