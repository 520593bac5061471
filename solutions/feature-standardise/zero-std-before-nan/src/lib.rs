//! Known-bad: the zero-std test comes before the NaN test, so a NaN cell of a constant column becomes 0.0.

/// The first row whose length differs from the expected width.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShapeError {
    Ragged { row: usize, expected: usize, got: usize },
}

/// Per-column statistics fitted on one matrix and applied to others.
#[derive(Debug, Clone, PartialEq)]
pub struct Scaler {
    pub means: Vec<f64>,
    pub stds: Vec<f64>,
}

impl Scaler {
    /// Mean and population std of each column over its non-NaN cells (NaN for a column with none).
    pub fn fit(rows: &[Vec<f64>]) -> Result<Scaler, ShapeError> {
        let width = rows.first().map_or(0, Vec::len);
        check_width(rows, width)?;
        let mut means = Vec::with_capacity(width);
        let mut stds = Vec::with_capacity(width);
        for col in 0..width {
            let (mean, std) = column_stats(rows.iter().map(|r| r[col]));
            means.push(mean);
            stds.push(std);
        }
        Ok(Scaler { means, stds })
    }

    /// `(x - mean) / std` per cell; NaN stays NaN; a zero-std column gives 0.0.
    pub fn transform(&self, rows: &[Vec<f64>]) -> Result<Vec<Vec<f64>>, ShapeError> {
        check_width(rows, self.means.len())?;
        Ok(rows
            .iter()
            .map(|row| row.iter().zip(self.means.iter().zip(&self.stds)).map(|(&x, (&m, &s))| scale(x, m, s)).collect())
            .collect())
    }
}

/// Standardises every column of `rows` with its own mean and population std.
pub fn standardise(rows: &[Vec<f64>]) -> Result<Vec<Vec<f64>>, ShapeError> {
    Scaler::fit(rows)?.transform(rows)
}

fn check_width(rows: &[Vec<f64>], width: usize) -> Result<(), ShapeError> {
    match rows.iter().position(|r| r.len() != width) {
        Some(row) => Err(ShapeError::Ragged { row, expected: width, got: rows[row].len() }),
        None => Ok(()),
    }
}

/// Two-pass mean and population std over the non-NaN values; std is exactly 0.0 when they are all equal.
fn column_stats(values: impl Iterator<Item = f64> + Clone) -> (f64, f64) {
    let present = values.filter(|x| !x.is_nan());
    let (mut n, mut sum, mut min, mut max) = (0usize, 0.0, f64::INFINITY, f64::NEG_INFINITY);
    for x in present.clone() {
        n += 1;
        sum += x;
        min = min.min(x);
        max = max.max(x);
    }
    if n == 0 {
        return (f64::NAN, f64::NAN);
    }
    let mean = sum / n as f64;
    if min == max {
        return (mean, 0.0);
    }
    let variance = present.map(|x| (x - mean) * (x - mean)).sum::<f64>() / n as f64;
    (mean, variance.sqrt())
}

fn scale(x: f64, mean: f64, std: f64) -> f64 {
    // The bug: a constant column answers 0.0 before a missing cell is kept missing.
    if std == 0.0 {
        0.0
    } else if x.is_nan() || std.is_nan() {
        f64::NAN
    } else {
        (x - mean) / std
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_get_zero_mean_and_unit_population_std() {
        let out = standardise(&[vec![1.0, 10.0], vec![3.0, 10.0]]).unwrap();
        assert_eq!(out, [vec![-1.0, 0.0], vec![1.0, 0.0]]);
    }

    #[test]
    fn nan_is_skipped_in_the_statistics_and_kept_in_the_output() {
        let out = standardise(&[vec![1.0], vec![f64::NAN], vec![3.0]]).unwrap();
        assert_eq!(out[0][0], -1.0);
        assert!(out[1][0].is_nan());
        assert_eq!(out[2][0], 1.0);
    }

    #[test]
    fn ragged_rows_are_an_error() {
        let err = standardise(&[vec![1.0, 2.0], vec![3.0]]).unwrap_err();
        assert_eq!(err, ShapeError::Ragged { row: 1, expected: 2, got: 1 });
    }

    #[test]
    fn a_fitted_scaler_applies_training_statistics_to_new_rows() {
        let scaler = Scaler::fit(&[vec![0.0], vec![4.0]]).unwrap();
        assert_eq!(scaler.transform(&[vec![6.0]]).unwrap(), [vec![2.0]]);
    }
}
