//! Known-bad: the stream stage collects every item and sorts them all, so it holds O(n) items instead of O(k).

use std::cmp::Ordering;
use std::collections::HashMap;

/// One card transaction: the merchant paid and the amount (negative for a refund).
#[derive(Debug, Clone, PartialEq)]
pub struct Txn {
    pub merchant_id: String,
    pub amount: f64,
}

/// The `k` merchants with the largest total spend as `(merchant, total)`, largest first, ties by id ascending.
pub fn top_k_merchants(txns: &[Txn], k: usize) -> Vec<(String, f64)> {
    let mut totals: HashMap<&str, f64> = HashMap::new();
    for txn in txns.iter().filter(|t| !t.amount.is_nan()) {
        *totals.entry(txn.merchant_id.as_str()).or_insert(0.0) += txn.amount;
    }
    top_k_stream(totals.into_iter().map(|(id, total)| (id.to_owned(), total)), k)
}

/// The same ranking over already-aggregated `(merchant, total)` pairs.
pub fn top_k_stream<I: IntoIterator<Item = (String, f64)>>(items: I, k: usize) -> Vec<(String, f64)> {
    // The bug: the whole stream is materialised to sort it, however small k is.
    let mut all: Vec<(String, f64)> = items.into_iter().filter(|(_, total)| !total.is_nan()).collect();
    all.sort_by(rank);
    all.truncate(k);
    all
}

/// Larger total first, then smaller id.
fn rank(a: &(String, f64), b: &(String, f64)) -> Ordering {
    b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0))
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
    }

    #[test]
    fn equal_totals_are_ordered_by_id_and_nan_is_skipped() {
        let batch = txns(&[("m9", 4.0), ("m10", 4.0), ("top", 9.0), ("m2", 4.0), ("ghost", f64::NAN)]);
        assert_eq!(top_k_merchants(&batch, 9), ranking(&[("top", 9.0), ("m10", 4.0), ("m2", 4.0), ("m9", 4.0)]));
        assert!(top_k_merchants(&batch, 0).is_empty());
    }

    #[test]
    fn the_stream_returns_the_best_k() {
        let items = (0..100).map(|i| (format!("m{i:02}"), f64::from(i)));
        assert_eq!(top_k_stream(items, 2), ranking(&[("m99", 99.0), ("m98", 98.0)]));
    }
}
