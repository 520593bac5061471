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
    // Write your tests here, with a fake `Model`.
}
