//! Known-bad: `percentile` rejects p below 0 or above 100 with two comparisons, which a NaN p passes.

use std::collections::HashMap;

/// An amount in a category.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub category: String,
    pub amount: f64,
}

/// Where an amount falls against its category's percentiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Low,
    Mid,
    High,
}

/// Percentile cutoffs that cannot be used.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CutoffError {
    Invalid { mid: f64, high: f64 },
}

/// The `p`-th percentile (0..=100) of `values` with linear interpolation between closest ranks, as numpy's default.
/// Reorders `values`. `None` for no values or `p` outside `[0, 100]`. `values` must not hold NaN.
pub fn percentile(values: &mut [f64], p: f64) -> Option<f64> {
    if values.is_empty() || p < 0.0 || p > 100.0 {
        return None;
    }
    let rank = p / 100.0 * (values.len() - 1) as f64;
    let lo = rank.floor() as usize;
    let frac = rank - lo as f64;
    let (_, &mut low, above) = values.select_nth_unstable_by(lo, f64::total_cmp);
    if frac == 0.0 {
        return Some(low);
    }
    let high = above.iter().copied().min_by(f64::total_cmp).unwrap_or(low);
    Some(low + (high - low) * frac)
}

/// Labels each row against its category's 50th and 99th percentiles; `None` for a NaN amount.
pub fn percentile_flags(rows: &[Row]) -> Vec<Option<Level>> {
    flags(rows, 50.0, 99.0)
}

/// Labels each row High above the `high` percentile of its category, Mid above the `mid` one, Low otherwise.
pub fn percentile_flags_with(rows: &[Row], mid: f64, high: f64) -> Result<Vec<Option<Level>>, CutoffError> {
    if !(0.0 <= mid && mid <= high && high <= 100.0) {
        return Err(CutoffError::Invalid { mid, high });
    }
    Ok(flags(rows, mid, high))
}

/// Labels each row against cutoffs already checked (`0 <= mid <= high <= 100`).
fn flags(rows: &[Row], mid: f64, high: f64) -> Vec<Option<Level>> {
    let mut amounts: HashMap<&str, Vec<f64>> = HashMap::new();
    for row in rows.iter().filter(|r| !r.amount.is_nan()) {
        amounts.entry(row.category.as_str()).or_default().push(row.amount);
    }
    let cutoffs: HashMap<&str, (f64, f64)> = amounts
        .into_iter()
        .filter_map(|(category, mut values)| {
            // A category is here because it has at least one value, so both are `Some`.
            let m = percentile(&mut values, mid)?;
            let h = percentile(&mut values, high)?;
            Some((category, (m, h)))
        })
        .collect();
    rows.iter()
        .map(|row| {
            if row.amount.is_nan() {
                return None;
            }
            let (m, h) = cutoffs[row.category.as_str()];
            Some(if row.amount > h {
                Level::High
            } else if row.amount > m {
                Level::Mid
            } else {
                Level::Low
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(category: &str, amount: f64) -> Row {
        Row { category: category.to_owned(), amount }
    }

    #[test]
    fn percentiles_interpolate_linearly_between_ranks() {
        assert_eq!(percentile(&mut [4.0, 1.0, 3.0, 2.0], 50.0), Some(2.5));
        assert_eq!(percentile(&mut [10.0, 20.0], 99.0), Some(19.9));
        assert_eq!(percentile(&mut [], 50.0), None);
        assert_eq!(percentile(&mut [1.0, 2.0], 101.0), None);
    }

    #[test]
    fn amounts_are_flagged_against_their_own_category() {
        let rows = [row("a", 1.0), row("a", 2.0), row("a", 100.0), row("b", 5.0), row("a", f64::NAN)];
        assert_eq!(
            percentile_flags(&rows),
            [Some(Level::Low), Some(Level::Low), Some(Level::High), Some(Level::Low), None]
        );
    }

    #[test]
    fn cutoffs_must_be_ordered_percentages() {
        assert!(percentile_flags_with(&[], 60.0, 50.0).is_err());
    }
}
