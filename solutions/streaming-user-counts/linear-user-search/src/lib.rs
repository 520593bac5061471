//! Known-bad: users in a Vec, found by a linear scan per event.

use serde_json::Value;
use std::collections::BTreeMap;
use std::io::{self, BufRead};

/// Events per user, and how many non-blank lines could not be used.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub per_user: BTreeMap<String, u64>,
    pub rejected: u64,
}

/// One non-blank line, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    /// A usable event; `line` is 1-based.
    Event { line: usize, user_id: String },
    /// A line that is not a JSON object with a string `user_id`.
    Rejected { line: usize },
}

/// Lazily parses a JSON-lines reader; blank lines yield nothing but still count for line numbers.
#[derive(Debug)]
pub struct Events<R> {
    reader: R,
    buf: Vec<u8>,
    line: usize,
}

/// The lines of `reader` as parsed events, one at a time.
pub fn events<R: BufRead>(reader: R) -> Events<R> {
    Events { reader, buf: Vec::new(), line: 0 }
}

impl<R: BufRead> Iterator for Events<R> {
    type Item = io::Result<Parsed>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            self.buf.clear();
            match self.reader.read_until(b'\n', &mut self.buf) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(e) => return Some(Err(e)),
            }
            self.line += 1;
            if self.buf.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let line = self.line;
            return Some(Ok(match user_id(&self.buf) {
                Some(user_id) => Parsed::Event { line, user_id },
                None => Parsed::Rejected { line },
            }));
        }
    }
}

/// The string `user_id` of a line holding a JSON object, if it has one.
fn user_id(line: &[u8]) -> Option<String> {
    match serde_json::from_slice::<Value>(line).ok()? {
        Value::Object(mut fields) => match fields.remove("user_id")? {
            Value::String(id) => Some(id),
            _ => None,
        },
        _ => None,
    }
}

/// Counts events per user over the whole reader without holding it in memory.
pub fn count_events<R: BufRead>(reader: R) -> io::Result<Counts> {
    let mut users: Vec<(String, u64)> = Vec::new();
    let mut rejected = 0;
    for parsed in events(reader) {
        match parsed? {
            Parsed::Event { user_id, .. } => match users.iter_mut().find(|(id, _)| *id == user_id) {
                Some((_, n)) => *n += 1,
                None => users.push((user_id, 1)),
            },
            Parsed::Rejected { .. } => rejected += 1,
        }
    }
    Ok(Counts { per_user: users.into_iter().collect(), rejected })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(text: &str) -> Counts {
        count_events(text.as_bytes()).unwrap()
    }

    #[test]
    fn events_are_counted_per_user_and_bad_lines_rejected() {
        let counts = count("{\"user_id\":\"a\"}\n{\"user_id\":\"b\",\"x\":1}\nnot json\n{\"user_id\":\"a\"}\n");
        assert_eq!(counts.per_user, BTreeMap::from([("a".to_owned(), 2), ("b".to_owned(), 1)]));
        assert_eq!(counts.rejected, 1);
    }

    #[test]
    fn null_and_missing_user_ids_are_rejected_and_blank_lines_skipped() {
        let counts = count("{\"user_id\":null}\n\n   \n{\"event\":\"click\"}\n{\"user_id\":7}");
        assert!(counts.per_user.is_empty());
        assert_eq!(counts.rejected, 3);
    }

    #[test]
    fn the_iterator_numbers_lines_from_one_counting_blank_ones() {
        let parsed: Vec<Parsed> = events("\n{\"user_id\":\"a\"}\n[1]\n".as_bytes()).map(Result::unwrap).collect();
        assert_eq!(parsed, [Parsed::Event { line: 2, user_id: "a".into() }, Parsed::Rejected { line: 3 }]);
    }
}
