//! Known-bad: the best k are kept in a plain `Vec`, and every merchant (or stream item) scans all k of them for the
//! weakest, so selection costs O(m·k) instead of O(m log k).

use std::cmp::Ordering;
use std::collections::HashMap;

/// One card transaction: the merchant paid and the amount (negative for a refund).
#[derive(Debug, Clone, PartialEq)]
pub struct Txn {
    pub merchant_id: String,
    pub amount: f64,
}

/// The `k` merchants with the largest total spend as `(merchant, total)`, largest first, equal totals by id
/// ascending. Rows with a NaN amount are skipped. O(n) to aggregate.
pub fn top_k_merchants(txns: &[Txn], k: usize) -> Vec<(String, f64)> {
    if k == 0 {
        return Vec::new();
    }
    let mut totals: HashMap<&str, f64> = HashMap::new();
    for txn in txns.iter().filter(|t| !t.amount.is_nan()) {
        *totals.entry(txn.merchant_id.as_str()).or_insert(0.0) += txn.amount;
    }
    select(totals, k).into_iter().map(|(id, total)| (id.to_owned(), total)).collect()
}

/// The same ranking over already-aggregated `(merchant, total)` pairs, holding at most `k` of them at a time.
/// Pairs with a NaN total are skipped.
pub fn top_k_stream<I: IntoIterator<Item = (String, f64)>>(items: I, k: usize) -> Vec<(String, f64)> {
    select(items, k)
}

/// A merchant's place in the ranking: greater means ranked higher (larger total, then smaller id).
struct Ranked<S> {
    total: f64,
    id: S,
}

impl<S: AsRef<str>> Ord for Ranked<S> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.total.total_cmp(&other.total).then_with(|| other.id.as_ref().cmp(self.id.as_ref()))
    }
}

impl<S: AsRef<str>> PartialOrd for Ranked<S> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<S: AsRef<str>> PartialEq for Ranked<S> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl<S: AsRef<str>> Eq for Ranked<S> {}

/// Keeps the best `k` items: a new item replaces the weakest kept one when it ranks higher. O(k) memory.
fn select<S: AsRef<str>>(items: impl IntoIterator<Item = (S, f64)>, k: usize) -> Vec<(S, f64)> {
    if k == 0 {
        return Vec::new();
    }
    let mut kept: Vec<Ranked<S>> = Vec::with_capacity(k);
    for (id, total) in items {
        if total.is_nan() {
            continue;
        }
        let item = Ranked { total, id };
        if kept.len() < k {
            kept.push(item);
        } else if let Some(weakest) = kept.iter_mut().min() {
            // The bug: finding the weakest is a scan of all k kept items, for every item.
            if item > *weakest {
                *weakest = item;
            }
        }
    }
    // Best first.
    kept.sort_by(|a, b| b.cmp(a));
    kept.into_iter().map(|r| (r.id, r.total)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn txns(rows: &[(&str, f64)]) -> Vec<Txn> {
        rows.iter().map(|(m, a)| Txn { merchant_id: (*m).to_owned(), amount: *a }).collect()
    }

    fn ranking(rows: &[(&str, f64)]) -> Vec<(String, f64)> {
        rows.iter().map(|(m, t)| ((*m).to_owned(), *t)).collect()
    }

    #[test]
    fn totals_are_ranked_and_refunds_count() {
        let batch = txns(&[("a", 10.0), ("b", 30.0), ("a", 25.0), ("c", 5.0), ("b", -20.0), ("d", -3.0)]);
        assert_eq!(top_k_merchants(&batch, 2), ranking(&[("a", 35.0), ("b", 10.0)]));
        assert_eq!(top_k_merchants(&batch, 9), ranking(&[("a", 35.0), ("b", 10.0), ("c", 5.0), ("d", -3.0)]));
    }

    #[test]
    fn equal_totals_are_ordered_by_id_and_cut_at_k() {
        let batch = txns(&[("m9", 4.0), ("m10", 4.0), ("top", 9.0), ("m2", 4.0)]);
        assert_eq!(top_k_merchants(&batch, 3), ranking(&[("top", 9.0), ("m10", 4.0), ("m2", 4.0)]));
    }

    #[test]
    fn nan_rows_are_skipped_and_k_zero_is_empty() {
        let batch = txns(&[("a", 1.0), ("ghost", f64::NAN), ("a", f64::NAN)]);
        assert_eq!(top_k_merchants(&batch, 5), ranking(&[("a", 1.0)]));
        assert!(top_k_merchants(&batch, 0).is_empty());
        assert!(top_k_merchants(&[], 3).is_empty());
    }

    #[test]
    fn the_stream_keeps_the_best_k() {
        let items = (0..1000).map(|i| (format!("m{i:03}"), f64::from(i % 100)));
        assert_eq!(top_k_stream(items, 3), ranking(&[("m099", 99.0), ("m199", 99.0), ("m299", 99.0)]));
        assert_eq!(top_k_stream(vec![("x".to_owned(), f64::NAN)], 2), Vec::new());
    }
}
