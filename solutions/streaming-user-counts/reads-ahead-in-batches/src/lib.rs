//! Known-bad: the iterator reads 1,024 lines ahead "for throughput", so taking a few items reads a whole batch.

use serde_json::Value;
use std::collections::{BTreeMap, VecDeque};
use std::io::{self, BufRead};

/// Events per user, and how many non-blank lines could not be used.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    /// Events per user id.
    pub per_user: BTreeMap<String, u64>,
    /// Non-blank lines that are not a usable event.
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

/// How many lines the iterator reads at a time.
const BATCH: usize = 1024;

/// Parses a JSON-lines reader in batches of lines; blank lines yield nothing but still count for line numbers.
#[derive(Debug)]
pub struct Events<R> {
    reader: R,
    /// Non-blank lines read ahead, with their numbers, parsed as they are handed out.
    ahead: VecDeque<(usize, Vec<u8>)>,
    /// A read error met while reading ahead, yielded once the lines before it are out.
    error: Option<io::Error>,
    /// Number of the last line read.
    line: usize,
    /// Set after the end of the input or an I/O error: nothing more is read.
    done: bool,
}

/// The lines of `reader` as parsed events.
pub fn events<R: BufRead>(reader: R) -> Events<R> {
    Events { reader, ahead: VecDeque::new(), error: None, line: 0, done: false }
}

impl<R: BufRead> Events<R> {
    /// Reads up to `BATCH` more lines into `ahead` (fewer at the end of the input or at a read error).
    fn read_batch(&mut self) {
        for _ in 0..BATCH {
            let mut buf = Vec::new();
            match self.reader.read_until(b'\n', &mut buf) {
                Ok(0) => {
                    self.done = true;
                    return;
                }
                Ok(_) => {
                    self.line += 1;
                    if !is_blank(&buf) {
                        self.ahead.push_back((self.line, buf));
                    }
                }
                Err(e) => {
                    self.done = true;
                    self.error = Some(e);
                    return;
                }
            }
        }
    }
}

impl<R: BufRead> Iterator for Events<R> {
    type Item = io::Result<Parsed>;

    fn next(&mut self) -> Option<Self::Item> {
        while self.ahead.is_empty() && !self.done {
            self.read_batch();
        }
        match self.ahead.pop_front() {
            Some((line, bytes)) => Some(Ok(parse(line, &bytes))),
            None => self.error.take().map(Err),
        }
    }
}

/// Empty, or only JSON whitespace (space, tab, `\r`, `\n`).
fn is_blank(line: &[u8]) -> bool {
    line.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
}

/// A non-blank line as an event when it is a JSON object with a string `user_id`, else a rejected line.
fn parse(line: usize, bytes: &[u8]) -> Parsed {
    // `from_slice` checks UTF-8 and rejects trailing text after the value.
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(mut fields)) => match fields.remove("user_id") {
            Some(Value::String(user_id)) => Parsed::Event { line, user_id },
            _ => Parsed::Rejected { line },
        },
        _ => Parsed::Rejected { line },
    }
}

/// Counts events per user over the whole reader without holding it in memory.
pub fn count_events<R: BufRead>(reader: R) -> io::Result<Counts> {
    let mut counts = Counts::default();
    for parsed in events(reader) {
        match parsed? {
            Parsed::Event { user_id, .. } => *counts.per_user.entry(user_id).or_insert(0) += 1,
            Parsed::Rejected { .. } => counts.rejected += 1,
        }
    }
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn count(text: &[u8]) -> Counts {
        count_events(text).unwrap()
    }

    /// A reader that always fails.
    struct Broken;

    impl Read for Broken {
        fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
            Err(io::Error::other("disk gone"))
        }
    }

    #[test]
    fn events_are_counted_per_user_and_bad_lines_rejected() {
        let counts = count(b"{\"user_id\":\"a\"}\n{\"user_id\":\"b\",\"x\":1}\nnot json\n{\"user_id\":\"a\"}\n");
        assert_eq!(counts.per_user, BTreeMap::from([("a".to_owned(), 2), ("b".to_owned(), 1)]));
        assert_eq!(counts.rejected, 1);
    }

    #[test]
    fn null_and_missing_user_ids_are_rejected_and_blank_lines_skipped() {
        let counts = count(b"{\"user_id\":null}\n\n  \r\n{\"event\":\"click\"}\n{\"user_id\":7}");
        assert!(counts.per_user.is_empty());
        assert_eq!(counts.rejected, 3);
    }

    #[test]
    fn invalid_utf8_and_trailing_text_are_bad_data_not_errors() {
        let counts = count(b"{\"user_id\":\"caf\xe9\"}\n{\"user_id\":\"a\"}}\n{\"user_id\":\"\\u00fc\"}\r\n");
        assert_eq!(counts.per_user, BTreeMap::from([("ü".to_owned(), 1)]));
        assert_eq!(counts.rejected, 2);
    }

    #[test]
    fn the_iterator_numbers_lines_from_one_counting_blank_ones() {
        let parsed: Vec<Parsed> = events(&b"\n{\"user_id\":\"a\"}\n[1]\n"[..]).map(Result::unwrap).collect();
        assert_eq!(parsed, [Parsed::Event { line: 2, user_id: "a".into() }, Parsed::Rejected { line: 3 }]);
    }

    #[test]
    fn an_io_error_is_returned_once_and_ends_the_iterator() {
        let reader = || io::BufReader::new((&b"{\"user_id\":\"a\"}\n"[..]).chain(Broken));
        assert!(count_events(reader()).is_err());
        let mut it = events(reader());
        assert_eq!(it.next().unwrap().unwrap(), Parsed::Event { line: 1, user_id: "a".into() });
        assert!(it.next().unwrap().is_err());
        assert!(it.next().is_none());
    }
}
