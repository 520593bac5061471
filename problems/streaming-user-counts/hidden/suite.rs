//! Hidden suite: streaming per-user event counts over JSON lines.

use harness_support::prelude::*;
use std::io::{BufReader, Read};

use candidate as cand;
use reference as refr;

/// Counts as comparable data: users with their counts (sorted by id), and rejected lines.
type Out = Result<(Vec<(String, u64)>, u64), String>;
/// Parsed lines as comparable data: (line number, user id or None for a rejected line).
type ParsedOut = Result<Vec<(usize, Option<String>)>, String>;

fn cand_counts(text: &[u8]) -> Out {
    cand::count_events(text)
        .map(|c| (c.per_user.into_iter().collect(), c.rejected))
        .map_err(|e| format!("io error: {e}"))
}

fn refr_counts(text: &[u8]) -> Out {
    refr::count_events(text)
        .map(|c| (c.per_user.into_iter().collect(), c.rejected))
        .map_err(|e| format!("io error: {e}"))
}

fn cand_parsed(p: cand::Parsed) -> (usize, Option<String>) {
    match p {
        cand::Parsed::Event { line, user_id } => (line, Some(user_id)),
        cand::Parsed::Rejected { line } => (line, None),
    }
}

fn refr_parsed(p: refr::Parsed) -> (usize, Option<String>) {
    match p {
        refr::Parsed::Event { line, user_id } => (line, Some(user_id)),
        refr::Parsed::Rejected { line } => (line, None),
    }
}

fn cand_events(text: &[u8]) -> ParsedOut {
    cand::events(text).map(|p| p.map(cand_parsed).map_err(|e| format!("io error: {e}"))).collect()
}

fn refr_events(text: &[u8]) -> ParsedOut {
    refr::events(text).map(|p| p.map(refr_parsed).map_err(|e| format!("io error: {e}"))).collect()
}

/// The text of a list of lines, newline-terminated.
fn text(lines: &[String]) -> Vec<u8> {
    let mut out = Vec::new();
    for line in lines {
        out.extend_from_slice(line.as_bytes());
        out.push(b'\n');
    }
    out
}

const USERS: [&str; 8] = ["u1", "u2", "u3", "acct-0042", "ümlaut", "用户7", "with space", "quote\\\"d"];

/// A random non-blank line: mostly events, some malformed, some non-objects, some with a non-string user id.
/// Null and missing user ids and blank lines belong to the edge cases, so they are never drawn here.
fn random_line(g: &mut Gen) -> String {
    let user = *g.pick(&USERS);
    match g.usize(0, 19) {
        0..=13 => match g.usize(0, 2) {
            0 => format!("{{\"user_id\":\"{user}\",\"event\":\"click\",\"amount\":{}}}", g.i64(1, 500)),
            1 => format!("{{ \"event\": \"login\", \"meta\": {{\"user_id\": 5}}, \"user_id\": \"{user}\" }}"),
            _ => format!("{{\"user_id\":\"{user}\"}}"),
        },
        14..=15 => g.pick(&["{\"user_id\":\"u1\"", "not json", "{user_id: u1}", "{\"user_id\":\"u2\"}}"]).to_string(),
        16..=17 => g.pick(&["[1,2,3]", "42", "\"u1\"", "true"]).to_string(),
        _ => g.pick(&["{\"user_id\":42}", "{\"user_id\":{\"id\":\"u1\"}}", "{\"user_id\":[\"u1\"]}"]).to_string(),
    }
}

fn random_lines(g: &mut Gen) -> Vec<String> {
    let n = g.len().max(1);
    g.vec(n, random_line)
}

/// A reader that writes deterministic JSON lines on the fly: no input is ever held in memory by the suite.
struct LazyLines {
    next: usize,
    total: usize,
    users: usize,
    pending: Vec<u8>,
    pos: usize,
}

impl LazyLines {
    fn new(total: usize, users: usize) -> BufReader<LazyLines> {
        BufReader::new(LazyLines { next: 0, total, users, pending: Vec::with_capacity(128), pos: 0 })
    }
}

impl Read for LazyLines {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.pos == self.pending.len() {
            if self.next == self.total {
                return Ok(0);
            }
            self.pending.clear();
            self.pos = 0;
            let i = self.next;
            self.next += 1;
            let line = if i % 50 == 49 {
                "{\"user_id\": 7}\n".to_owned()
            } else {
                format!(
                    "{{\"user_id\":\"user-{}\",\"event\":\"purchase\",\"amount\":{}}}\n",
                    (i * 7919) % self.users,
                    i % 997
                )
            };
            self.pending.extend_from_slice(line.as_bytes());
        }
        let n = out.len().min(self.pending.len() - self.pos);
        out[..n].copy_from_slice(&self.pending[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// A reader whose every read fails, as a disk or network error would; chained after some good bytes.
struct Broken;

impl Read for Broken {
    fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
        Err(std::io::Error::other("the disk went away"))
    }
}

/// `good` followed by a failing read.
fn failing_after(good: &'static [u8]) -> BufReader<std::io::Chain<&'static [u8], Broken>> {
    BufReader::new(good.chain(Broken))
}

/// Counts of a large input, compared cheaply: (users, events, rejected lines, events of the busiest user).
fn summary(per_user: &std::collections::BTreeMap<String, u64>, rejected: u64) -> (usize, u64, u64, u64) {
    let events = per_user.values().sum();
    (per_user.len(), events, rejected, per_user.values().copied().max().unwrap_or(0))
}

fn example(lines: &[&str]) -> Vec<u8> {
    text(&lines.iter().map(|l| (*l).to_owned()).collect::<Vec<_>>())
}

pub fn cases() -> Vec<Case> {
    vec![
        case(
            "counts_a_small_log",
            Kind::Correctness,
            "the basic contract: events per user, bad lines counted once each",
        )
        .weight(2)
        .check(|| {
            let log = example(&[
                r#"{"user_id":"u1","event":"login"}"#,
                r#"{"user_id":"u2","event":"click","amount":3.5}"#,
                r#"{"user_id":"u1","event":"click"}"#,
                r#"{"user_id":"u1""#,
                r#"{"event":"click","user_id":"u3"}"#,
            ]);
            expect_eq(&cand_counts(&log), &refr_counts(&log))
        }),
        case(
            "matches_the_reference_on_random_logs",
            Kind::Correctness,
            "any mix of events, malformed lines, non-objects and non-string ids must be counted by the rules",
        )
        .weight(3)
        .differential_within(
            random_lines,
            |lines: &Vec<String>| !lines.is_empty(),
            |l| cand_counts(&text(l)),
            |l| refr_counts(&text(l)),
        ),
        case(
            "non_string_user_ids_are_rejected",
            Kind::Correctness,
            "a number or object is not a user id; it must not become a user",
        )
        .check(|| {
            let log = example(&[r#"{"user_id":42}"#, r#"{"user_id":{"id":"u1"}}"#, r#"{"user_id":"42"}"#]);
            expect_eq(&cand_counts(&log), &Ok((vec![("42".to_owned(), 1)], 2)))
        }),
        case(
            "windows_line_endings_are_accepted",
            Kind::Correctness,
            "a \\r before the newline is whitespace, not a malformed line",
        )
        .check(|| {
            let log = b"{\"user_id\":\"u1\"}\r\n{\"user_id\":\"u2\"}\r\n".to_vec();
            expect_eq(&cand_counts(&log), &Ok((vec![("u1".to_owned(), 1), ("u2".to_owned(), 1)], 0)))
        }),
        case(
            "invalid_utf8_and_trailing_text_are_rejected_lines",
            Kind::Correctness,
            "a Latin-1 byte or junk after the object is bad data: one rejected line, never an error for the whole log",
        )
        .check(|| {
            let log = b"{\"user_id\":\"caf\xe9\"}\n{\"user_id\":\"u1\"}}\n\xff\xfe\n{\"user_id\":\"u1\"}\n".to_vec();
            expect_eq(&cand_counts(&log), &Ok((vec![("u1".to_owned(), 1)], 3)))
        }),
        case(
            "escaped_user_ids_are_decoded",
            Kind::Correctness,
            "the same user written with and without JSON escapes is one user",
        )
        .check(|| {
            let log = example(&[r#"{"user_id":"\u00fcser"}"#, r#"{"user_id":"üser"}"#, r#"{"user_id":"a\"b"}"#]);
            expect_eq(&cand_counts(&log), &Ok((vec![("a\"b".to_owned(), 1), ("üser".to_owned(), 2)], 0)))
        }),
        case(
            "a_failing_reader_is_an_error",
            Kind::Correctness,
            "a read error is not bad data: returning partial counts as if complete would hide lost events",
        )
        .check(|| {
            let result = cand::count_events(failing_after(b"{\"user_id\":\"a\"}\nnot json\n"));
            expect(result.is_err(), format!("count_events returned {result:?} although the reader failed"))
        }),
        case(
            "the_iterator_yields_a_read_error_once_then_ends",
            Kind::Correctness,
            "the good lines, then the error, then the end: collecting the iterator must terminate",
        )
        .stage("iterator")
        .check(|| {
            let reader = failing_after(b"{\"user_id\":\"a\"}\n[2]\n");
            // At most six items: an iterator that repeats the error forever must not hang the case.
            let items: Vec<Result<(usize, Option<String>), ()>> =
                cand::events(reader).take(6).map(|p| p.map(cand_parsed).map_err(|_| ())).collect();
            expect_eq(&items, &vec![Ok((1, Some("a".to_owned()))), Ok((2, None)), Err(())])
        }),
        case(
            "iterator_numbers_lines_from_one",
            Kind::Correctness,
            "line numbers are what an operator greps for: 1-based, in file order, rejected lines included",
        )
        .stage("iterator")
        .weight(2)
        .check(|| {
            let log = b"{\"user_id\":\"a\"}\nnot json\n{\"user_id\":\"b\"}\n".to_vec();
            expect_eq(&cand_events(&log), &Ok(vec![(1, Some("a".to_owned())), (2, None), (3, Some("b".to_owned()))]))
        }),
        case(
            "iterator_matches_the_reference_on_random_logs",
            Kind::Correctness,
            "the iterator yields exactly the parsed lines, in order",
        )
        .stage("iterator")
        .weight(2)
        .differential_within(
            random_lines,
            |lines: &Vec<String>| !lines.is_empty(),
            |l| cand_events(&text(l)),
            |l| refr_events(&text(l)),
        ),
        case(
            "empty_input_gives_empty_counts",
            Kind::EdgeEmpty,
            "no input is a normal day: no users, nothing rejected, no error",
        )
        .weight(2)
        .check(|| expect_eq(&cand_counts(b""), &Ok((Vec::new(), 0)))),
        case(
            "blank_lines_are_skipped_not_rejected",
            Kind::EdgeEmpty,
            "blank and whitespace-only lines are padding, not bad data",
        )
        .weight(2)
        .check(|| {
            let log = b"\n   \n\t\n{\"user_id\":\"a\"}\n\r\n\n[1]\n \t \r\n".to_vec();
            expect_eq(&cand_counts(&log), &Ok((vec![("a".to_owned(), 1)], 1)))?;
            expect_eq(&cand_counts(b"\n\n  \n"), &Ok((Vec::new(), 0))).context("only blank lines")
        }),
        case("the_iterator_of_empty_input_is_empty", Kind::EdgeEmpty, "nothing to read means nothing to yield")
            .stage("iterator")
            .check(|| expect_eq(&cand_events(b""), &Ok(Vec::new()))),
        case(
            "the_iterator_skips_blank_lines_but_numbers_them",
            Kind::EdgeEmpty,
            "blank lines yield nothing, yet line numbers must still match the file",
        )
        .stage("iterator")
        .check(|| {
            let log = b"\n   \n{\"user_id\":\"a\"}\n\r\n[1]\n\n".to_vec();
            expect_eq(&cand_events(&log), &Ok(vec![(3, Some("a".to_owned())), (5, None)]))
        }),
        case(
            "a_single_line_without_a_trailing_newline",
            Kind::EdgeSingle,
            "the last line of a file often has no newline and still counts",
        )
        .check(|| expect_eq(&cand_counts(br#"{"user_id":"solo"}"#), &Ok((vec![("solo".to_owned(), 1)], 0)))),
        case(
            "null_or_missing_user_ids_are_rejected",
            Kind::EdgeNull,
            "an event without an owner cannot be attributed: reject it, never invent a user",
        )
        .weight(2)
        .check(|| {
            let log = example(&[
                r#"{"user_id":null,"event":"click"}"#,
                r#"{"event":"click"}"#,
                r#"{"user_id":"null"}"#,
                r#"{"user_id":"u1"}"#,
            ]);
            expect_eq(&cand_counts(&log), &Ok((vec![("null".to_owned(), 1), ("u1".to_owned(), 1)], 2)))
        }),
        case(
            "counts_300k_lines_over_100k_users",
            Kind::Scaling,
            "aggregation must stay near-linear when users are many",
        )
        .size(300_000)
        .scaling(
            |g| {
                let n = g.size();
                let mut log = String::with_capacity(n * 40);
                for i in 0..n {
                    log.push_str(&format!("{{\"user_id\":\"user-{}\",\"event\":\"click\"}}\n", (i * 7919) % 100_000));
                }
                log
            },
            |log: &String| cand_counts(log.as_bytes()),
            |log: &String| refr_counts(log.as_bytes()),
        ),
        case(
            "counting_streams_the_input",
            Kind::Memory,
            "300k lines must be counted a line at a time; the log does not fit in memory in production",
        )
        .size(300_000)
        .memory(
            |n| LazyLines::new(n, 500),
            |r| cand::count_events(r).map(|c| summary(&c.per_user, c.rejected)).map_err(|e| e.to_string()),
            |r| refr::count_events(r).map(|c| summary(&c.per_user, c.rejected)).map_err(|e| e.to_string()),
        ),
        case("the_iterator_is_lazy", Kind::Memory, "taking the first events of a huge log must not read the rest")
            .stage("iterator")
            .size(1_000_000)
            .memory(
                |n| LazyLines::new(n, 500),
                |r| cand::events(r).take(10).filter(|p| p.is_ok()).count(),
                |r| refr::events(r).take(10).filter(|p| p.is_ok()).count(),
            ),
    ]
}
