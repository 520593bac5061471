//! Top-K merchants by spend. Read the task with `harness show top-k-merchants`.

#[derive(Debug, Clone, PartialEq)]
pub struct Txn {
    pub merchant_id: String,
    pub amount: f64,
}

pub fn top_k_merchants(txns: &[Txn], k: usize) -> Vec<(String, f64)> {
    todo!("total the spend of {} transactions per merchant, keep the best {k}", txns.len())
}

pub fn top_k_stream<I: IntoIterator<Item = (String, f64)>>(items: I, k: usize) -> Vec<(String, f64)> {
    let items = items.into_iter();
    todo!("keep the best {k} of a stream of at least {} totals", items.size_hint().0)
}

#[cfg(test)]
mod tests {
    // Write your tests here.
}
