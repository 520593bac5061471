//! Known-bad: totals live in a `Vec` that is searched linearly for every transaction, so aggregation is O(n·m).

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

/// One card transaction: the merchant paid and the amount (negative for a refund).
#[derive(Debug, Clone, PartialEq)]
pub struct Txn {
    pub merchant_id: String,
    pub amount: f64,
}

/// The `k` merchants with the largest total spend as `(merchant, total)`, largest first, ties by id ascending.
pub fn top_k_merchants(txns: &[Txn], k: usize) -> Vec<(String, f64)> {
    let mut totals: Vec<(String, f64)> = Vec::new();
    for txn in txns.iter().filter(|t| !t.amount.is_nan()) {
        // The bug: a scan of every merchant seen so far, per transaction.
        match totals.iter_mut().find(|(id, _)| *id == txn.merchant_id) {
            Some((_, total)) => *total += txn.amount,
            None => totals.push((txn.merchant_id.clone(), txn.amount)),
        }
    }
    top_k_stream(totals, k)
}

/// The same ranking over already-aggregated `(merchant, total)` pairs, holding at most `k` of them at a time.
pub fn top_k_stream<I: IntoIterator<Item = (String, f64)>>(items: I, k: usize) -> Vec<(String, f64)> {
    if k == 0 {
        return Vec::new();
    }
    let mut heap: BinaryHeap<Reverse<Ranked>> = BinaryHeap::new();
    for (id, total) in items {
        if total.is_nan() {
            continue;
        }
        let item = Ranked { total, id };
        if heap.len() < k {
            heap.push(Reverse(item));
        } else if let Some(mut worst) = heap.peek_mut() {
            // Replacing the top in place sifts it down once: O(log k).
            if item > worst.0 {
                *worst = Reverse(item);
            }
        }
    }
    heap.into_sorted_vec().into_iter().map(|Reverse(r)| (r.id, r.total)).collect()
}

/// A merchant's place in the ranking: greater means ranked higher (larger total, then smaller id).
struct Ranked {
    total: f64,
    id: String,
}

impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> Ordering {
        self.total.total_cmp(&other.total).then_with(|| other.id.cmp(&self.id))
    }
}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Ranked {}

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
    fn equal_totals_are_ordered_by_id_and_nan_is_skipped() {
        let batch = txns(&[("m9", 4.0), ("m10", 4.0), ("top", 9.0), ("m2", 4.0), ("ghost", f64::NAN)]);
        assert_eq!(top_k_merchants(&batch, 3), ranking(&[("top", 9.0), ("m10", 4.0), ("m2", 4.0)]));
        assert!(top_k_merchants(&[], 3).is_empty());
    }
}
