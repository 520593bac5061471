//! Safe join with validation. Read the task with `harness show safe-join`.

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// `None` is a NULL key: it never matches anything.
    pub key: Option<String>,
    pub value: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    Inner,
    Left,
    Right,
    Outer,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validate {
    ManyToMany,
    OneToOne,
    ManyToOne,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Left,
    Right,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JoinError {
    DuplicateKey { side: Side, key: String },
    TooManyRows { would_produce: usize, max: usize },
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub left_rows: usize,
    pub right_rows: usize,
    pub matched_left: usize,
    pub unmatched_left: usize,
    pub unmatched_right: usize,
    pub output_rows: usize,
}

/// Output rows as indices into `left` and `right`, and the counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Joined {
    pub rows: Vec<(Option<usize>, Option<usize>)>,
    pub counts: Counts,
}

pub fn join(left: &[Row], right: &[Row], how: How, validate: Validate) -> Result<Joined, JoinError> {
    todo!("{how:?} join of {} and {} rows, validated {validate:?}", left.len(), right.len())
}

pub fn join_guarded(
    left: &[Row],
    right: &[Row],
    how: How,
    validate: Validate,
    max_rows: usize,
) -> Result<Joined, JoinError> {
    todo!("{how:?} join of {} and {} rows, {validate:?}, at most {max_rows} rows", left.len(), right.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    // An example to start from; add your own.
    #[test]
    fn an_inner_join_pairs_equal_keys() {
        let left = [Row { key: Some("m1".into()), value: 10 }];
        let right = [Row { key: Some("m1".into()), value: 20 }];
        let joined = join(&left, &right, How::Inner, Validate::OneToOne).unwrap();
        assert_eq!(joined.rows, [(Some(0), Some(0))]);
    }
}
