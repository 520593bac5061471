//! Known-bad: in the nearest join, a quote as far after the transaction as another is before it wins.

use std::collections::HashMap;

/// A transaction to align: its key and time (seconds).
#[derive(Debug, Clone, PartialEq)]
pub struct Txn {
    pub key: String,
    pub ts: i64,
}

/// A quote valid from `ts` on for `key`.
#[derive(Debug, Clone, PartialEq)]
pub struct Quote {
    pub key: String,
    pub ts: i64,
    pub value: f64,
}

/// Why an as-of join cannot run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AsofError {
    NegativeTolerance(i64),
}

/// For each transaction, the index of the latest quote of its key at or before its time, at most `tolerance` older;
/// among quotes with equal times the last one in input order.
pub fn asof_join(txns: &[Txn], quotes: &[Quote], tolerance: i64) -> Result<Vec<Option<usize>>, AsofError> {
    let book = Book::new(quotes, tolerance)?;
    Ok(txns.iter().map(|t| book.backward(t).map(|(_, i)| i)).collect())
}

/// Like [`asof_join`], but the closest quote in either direction within `tolerance`; at equal distance the earlier
/// (backward) one; among equal times the last in input order.
pub fn asof_nearest(txns: &[Txn], quotes: &[Quote], tolerance: i64) -> Result<Vec<Option<usize>>, AsofError> {
    let book = Book::new(quotes, tolerance)?;
    Ok(txns.iter().map(|t| book.nearest(t)).collect())
}

/// Quotes per key, sorted by (time, input index).
struct Book<'a> {
    by_key: HashMap<&'a str, Vec<(i64, usize)>>,
    tolerance: i64,
}

impl<'a> Book<'a> {
    fn new(quotes: &'a [Quote], tolerance: i64) -> Result<Self, AsofError> {
        if tolerance < 0 {
            return Err(AsofError::NegativeTolerance(tolerance));
        }
        let mut by_key: HashMap<&str, Vec<(i64, usize)>> = HashMap::new();
        for (i, q) in quotes.iter().enumerate() {
            by_key.entry(q.key.as_str()).or_default().push((q.ts, i));
        }
        for list in by_key.values_mut() {
            list.sort_unstable();
        }
        Ok(Book { by_key, tolerance })
    }

    fn quotes(&self, t: &Txn) -> &[(i64, usize)] {
        self.by_key.get(t.key.as_str()).map_or(&[], Vec::as_slice)
    }

    fn backward(&self, t: &Txn) -> Option<(i64, usize)> {
        let list = self.quotes(t);
        let at_or_before = list.partition_point(|&(ts, _)| ts <= t.ts);
        let &(ts, i) = list[..at_or_before].last()?;
        (t.ts - ts <= self.tolerance).then_some((ts, i))
    }

    fn forward(&self, t: &Txn) -> Option<(i64, usize)> {
        let list = self.quotes(t);
        let after = list.partition_point(|&(ts, _)| ts <= t.ts);
        let &(ts, _) = list.get(after)?;
        // The last quote at that same time wins.
        let last = list.partition_point(|&(q, _)| q <= ts) - 1;
        (ts - t.ts <= self.tolerance).then_some(list[last])
    }

    fn nearest(&self, t: &Txn) -> Option<usize> {
        match (self.backward(t), self.forward(t)) {
            (Some((bts, b)), Some((fts, f))) => Some(if fts - t.ts <= t.ts - bts { f } else { b }),
            (back, forward) => back.or(forward).map(|(_, i)| i),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn txn(key: &str, ts: i64) -> Txn {
        Txn { key: key.to_owned(), ts }
    }

    fn quote(key: &str, ts: i64) -> Quote {
        Quote { key: key.to_owned(), ts, value: ts as f64 }
    }

    #[test]
    fn the_latest_earlier_quote_of_the_same_key_within_tolerance_wins() {
        let quotes = [quote("eur", 10), quote("usd", 15), quote("eur", 5)];
        let out = asof_join(&[txn("eur", 12), txn("eur", 4), txn("eur", 30), txn("usd", 15)], &quotes, 10).unwrap();
        assert_eq!(out, [Some(0), None, None, Some(1)]);
    }

    #[test]
    fn among_equal_times_the_last_quote_wins_and_the_tolerance_is_inclusive() {
        let quotes = [quote("eur", 10), quote("eur", 10)];
        assert_eq!(asof_join(&[txn("eur", 13)], &quotes, 3).unwrap(), [Some(1)]);
    }

    #[test]
    fn a_negative_tolerance_is_an_error() {
        assert_eq!(asof_join(&[], &[], -1), Err(AsofError::NegativeTolerance(-1)));
    }

    #[test]
    fn nearest_looks_both_ways() {
        let quotes = [quote("eur", 10), quote("eur", 20)];
        let out = asof_nearest(&[txn("eur", 18), txn("eur", 12), txn("eur", 2)], &quotes, 10).unwrap();
        assert_eq!(out, [Some(1), Some(0), Some(0)]);
    }
}
