//! Fraud scorer with an injected model. Read the task with `harness show fraud-scorer`.

pub trait Model {
    /// One fraud probability per row, in the order of `rows`.
    fn predict_proba(&self, rows: &[&[f64]]) -> Vec<f64>;
}

#[derive(Debug, Clone, PartialEq)]
pub struct Transaction {
    pub id: String,
    pub features: Vec<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Approve,
    Flag,
    Review,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub id: String,
    pub probability: f64,
    pub action: Action,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ScoreError {
    InvalidThreshold(f64),
    InvalidBatchSize,
    DuplicateId(String),
    WrongLength { expected: usize, got: usize },
}

pub struct Scorer<M: Model> {
    model: M,
    threshold: f64,
}

impl<M: Model> Scorer<M> {
    pub fn new(model: M, threshold: f64) -> Result<Self, ScoreError> {
        todo!("validate the threshold, keep the model: {:?}", (threshold, std::mem::size_of_val(&model)))
    }

    pub fn score(&self, batch: &[Transaction]) -> Result<Vec<Decision>, ScoreError> {
        todo!("score {} transactions with threshold {}", batch.len(), self.threshold)
    }

    pub fn score_chunked(&self, batch: &[Transaction], max_batch: usize) -> Result<Vec<Decision>, ScoreError> {
        let _ = &self.model;
        todo!("score {} transactions in chunks of {max_batch}", batch.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fake model: each row's first feature is its probability.
    struct FirstFeature;

    impl Model for FirstFeature {
        fn predict_proba(&self, rows: &[&[f64]]) -> Vec<f64> {
            rows.iter().map(|r| r[0]).collect()
        }
    }

    // An example to start from; add your own.
    #[test]
    fn a_probability_above_the_threshold_is_flagged() {
        let scorer = Scorer::new(FirstFeature, 0.5).unwrap();
        let batch = [Transaction { id: "t1".into(), features: vec![0.9] }];
        let decisions = scorer.score(&batch).unwrap();
        assert_eq!(decisions[0].action, Action::Flag);
    }
}
