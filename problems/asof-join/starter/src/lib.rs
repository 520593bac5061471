//! As-of join with tolerance. Read the task with `harness show asof-join`.

#[derive(Debug, Clone, PartialEq)]
pub struct Txn {
    pub key: String,
    pub ts: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Quote {
    pub key: String,
    pub ts: i64,
    pub value: f64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AsofError {
    NegativeTolerance(i64),
}

pub fn asof_join(txns: &[Txn], quotes: &[Quote], tolerance: i64) -> Result<Vec<Option<usize>>, AsofError> {
    todo!("join {} transactions to {} quotes within {tolerance}", txns.len(), quotes.len())
}

pub fn asof_nearest(txns: &[Txn], quotes: &[Quote], tolerance: i64) -> Result<Vec<Option<usize>>, AsofError> {
    todo!("nearest quotes for {} transactions among {} within {tolerance}", txns.len(), quotes.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    // An example to start from; add your own.
    #[test]
    fn an_earlier_quote_within_the_tolerance_is_used() {
        let quotes = [Quote { key: "eur".into(), ts: 10, value: 1.1 }];
        let txns = [Txn { key: "eur".into(), ts: 12 }];
        assert_eq!(asof_join(&txns, &quotes, 5).unwrap(), [Some(0)]);
    }
}
