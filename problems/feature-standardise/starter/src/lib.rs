//! Per-feature standardisation. Read the task with `harness show feature-standardise`.

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShapeError {
    Ragged { row: usize, expected: usize, got: usize },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Scaler {
    pub means: Vec<f64>,
    pub stds: Vec<f64>,
}

impl Scaler {
    pub fn fit(rows: &[Vec<f64>]) -> Result<Scaler, ShapeError> {
        todo!("column means and population stds of {} rows", rows.len())
    }

    pub fn transform(&self, rows: &[Vec<f64>]) -> Result<Vec<Vec<f64>>, ShapeError> {
        todo!("apply {} column statistics to {} rows", self.means.len(), rows.len())
    }
}

pub fn standardise(rows: &[Vec<f64>]) -> Result<Vec<Vec<f64>>, ShapeError> {
    todo!("standardise {} rows", rows.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    // An example to start from; add your own.
    #[test]
    fn two_values_become_minus_one_and_one() {
        assert_eq!(standardise(&[vec![1.0], vec![3.0]]).unwrap(), [vec![-1.0], vec![1.0]]);
    }
}
