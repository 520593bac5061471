//! Known-bad: in chunks, duplicate ids are checked within each chunk, so a repeat across chunks is missed.

use std::collections::HashSet;

/// Anything that turns feature rows into fraud probabilities.
pub trait Model {
    /// One fraud probability per row, in the order of `rows`.
    fn predict_proba(&self, rows: &[&[f64]]) -> Vec<f64>;
}

/// A transaction to score: its id and the model's feature row.
#[derive(Debug, Clone, PartialEq)]
pub struct Transaction {
    pub id: String,
    pub features: Vec<f64>,
}

/// What to do with a transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Approve,
    Flag,
    Review,
}

/// The model's probability for one transaction and the action it leads to.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub id: String,
    pub probability: f64,
    pub action: Action,
}

/// Why a scorer cannot be built or a batch cannot be scored.
#[derive(Debug, Clone, PartialEq)]
pub enum ScoreError {
    InvalidThreshold(f64),
    InvalidBatchSize,
    DuplicateId(String),
    WrongLength { expected: usize, got: usize },
}

/// Scores batches through an injected model and decides an action per transaction.
pub struct Scorer<M: Model> {
    model: M,
    threshold: f64,
}

impl<M: Model> Scorer<M> {
    /// A scorer that flags probabilities at or above `threshold`; the threshold must be within `[0, 1]`.
    pub fn new(model: M, threshold: f64) -> Result<Self, ScoreError> {
        if !(0.0..=1.0).contains(&threshold) {
            return Err(ScoreError::InvalidThreshold(threshold));
        }
        Ok(Scorer { model, threshold })
    }

    /// Decides every transaction of `batch` with one model call.
    pub fn score(&self, batch: &[Transaction]) -> Result<Vec<Decision>, ScoreError> {
        self.score_chunked(batch, batch.len().max(1))
    }

    /// Decides every transaction of `batch`, calling the model on at most `max_batch` rows at a time.
    pub fn score_chunked(&self, batch: &[Transaction], max_batch: usize) -> Result<Vec<Decision>, ScoreError> {
        if max_batch == 0 {
            return Err(ScoreError::InvalidBatchSize);
        }
        let mut decisions = Vec::with_capacity(batch.len());
        for chunk in batch.chunks(max_batch) {
            check_unique(chunk)?;
            let rows: Vec<&[f64]> = chunk.iter().map(|t| t.features.as_slice()).collect();
            let probabilities = self.model.predict_proba(&rows);
            if probabilities.len() != rows.len() {
                return Err(ScoreError::WrongLength { expected: rows.len(), got: probabilities.len() });
            }
            decisions.extend(chunk.iter().zip(probabilities).map(|(t, p)| Decision {
                id: t.id.clone(),
                probability: p,
                action: self.action(p),
            }));
        }
        Ok(decisions)
    }

    fn action(&self, p: f64) -> Action {
        if !(0.0..=1.0).contains(&p) {
            Action::Review
        } else if p >= self.threshold {
            Action::Flag
        } else {
            Action::Approve
        }
    }
}

fn check_unique(batch: &[Transaction]) -> Result<(), ScoreError> {
    let mut seen = HashSet::with_capacity(batch.len());
    match batch.iter().find(|t| !seen.insert(t.id.as_str())) {
        Some(t) => Err(ScoreError::DuplicateId(t.id.clone())),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    /// Returns each row's first feature as its probability and counts calls.
    struct FirstFeature {
        calls: Cell<usize>,
    }

    impl Model for FirstFeature {
        fn predict_proba(&self, rows: &[&[f64]]) -> Vec<f64> {
            self.calls.set(self.calls.get() + 1);
            rows.iter().map(|r| r[0]).collect()
        }
    }

    fn tx(id: &str, p: f64) -> Transaction {
        Transaction { id: id.to_owned(), features: vec![p] }
    }

    fn scorer(threshold: f64) -> Scorer<FirstFeature> {
        Scorer::new(FirstFeature { calls: Cell::new(0) }, threshold).unwrap()
    }

    #[test]
    fn a_probability_at_the_threshold_is_flagged_and_nan_is_reviewed() {
        let s = scorer(0.5);
        let actions: Vec<Action> =
            s.score(&[tx("a", 0.5), tx("b", 0.49), tx("c", f64::NAN)]).unwrap().iter().map(|d| d.action).collect();
        assert_eq!(actions, [Action::Flag, Action::Approve, Action::Review]);
        assert_eq!(s.model.calls.get(), 1);
    }

    #[test]
    fn an_empty_batch_never_calls_the_model() {
        let s = scorer(0.5);
        assert!(s.score(&[]).unwrap().is_empty());
        assert_eq!(s.model.calls.get(), 0);
    }

    #[test]
    fn duplicates_and_bad_thresholds_are_errors() {
        assert_eq!(scorer(0.1).score(&[tx("a", 0.1), tx("a", 0.2)]), Err(ScoreError::DuplicateId("a".into())));
        assert!(Scorer::new(FirstFeature { calls: Cell::new(0) }, f64::NAN).is_err());
    }

    #[test]
    fn chunks_call_the_model_once_per_chunk() {
        let s = scorer(0.5);
        let batch: Vec<Transaction> = (0..5).map(|i| tx(&i.to_string(), 0.1)).collect();
        assert_eq!(s.score_chunked(&batch, 2).unwrap().len(), 5);
        assert_eq!(s.model.calls.get(), 3);
    }
}
