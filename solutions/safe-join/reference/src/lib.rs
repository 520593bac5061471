//! Reference solution: a hash join with an explicit kind, key validation, NULL keys that never match, row counts and
//! a guard against row explosion.

use std::collections::HashMap;

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

/// Joins `left` and `right` on `key`.
pub fn join(left: &[Row], right: &[Row], how: How, validate: Validate) -> Result<Joined, JoinError> {
    join_guarded(left, right, how, validate, usize::MAX)
}

/// Like [`join`], but refuses (before building anything) to produce more than `max_rows` rows.
pub fn join_guarded(
    left: &[Row],
    right: &[Row],
    how: How,
    validate: Validate,
    max_rows: usize,
) -> Result<Joined, JoinError> {
    if validate == Validate::OneToOne {
        check_unique(left, Side::Left)?;
    }
    if validate != Validate::ManyToMany {
        check_unique(right, Side::Right)?;
    }
    let index = index(right);
    let matches = |row: &Row| row.key.as_deref().and_then(|k| index.get(k)).map_or(&[][..], Vec::as_slice);
    let keep_left = matches!(how, How::Left | How::Outer);
    let keep_right = matches!(how, How::Right | How::Outer);

    let mut matched_right = vec![false; right.len()];
    let mut counts = Counts { left_rows: left.len(), right_rows: right.len(), ..Counts::default() };
    let mut would_produce = 0usize;
    for row in left {
        let found = matches(row);
        for &j in found {
            matched_right[j] = true;
        }
        if found.is_empty() {
            counts.unmatched_left += 1;
            would_produce += usize::from(keep_left);
        } else {
            counts.matched_left += 1;
            would_produce += found.len();
        }
    }
    counts.unmatched_right = matched_right.iter().filter(|m| !**m).count();
    if keep_right {
        would_produce += counts.unmatched_right;
    }
    if would_produce > max_rows {
        return Err(JoinError::TooManyRows { would_produce, max: max_rows });
    }

    let mut rows = Vec::with_capacity(would_produce);
    for (i, row) in left.iter().enumerate() {
        let found = matches(row);
        if found.is_empty() && keep_left {
            rows.push((Some(i), None));
        }
        rows.extend(found.iter().map(|&j| (Some(i), Some(j))));
    }
    if keep_right {
        rows.extend(matched_right.iter().enumerate().filter(|(_, m)| !**m).map(|(j, _)| (None, Some(j))));
    }
    counts.output_rows = rows.len();
    Ok(Joined { rows, counts })
}

/// Row indices per non-NULL key, in row order.
fn index(rows: &[Row]) -> HashMap<&str, Vec<usize>> {
    let mut index: HashMap<&str, Vec<usize>> = HashMap::new();
    for (j, row) in rows.iter().enumerate() {
        if let Some(key) = row.key.as_deref() {
            index.entry(key).or_default().push(j);
        }
    }
    index
}

/// The first row whose non-NULL key appeared earlier on the same side is an error.
fn check_unique(rows: &[Row], side: Side) -> Result<(), JoinError> {
    let mut seen = std::collections::HashSet::new();
    match rows.iter().filter_map(|r| r.key.as_deref()).find(|k| !seen.insert(*k)) {
        Some(key) => Err(JoinError::DuplicateKey { side, key: key.to_owned() }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(keys: &[Option<&str>]) -> Vec<Row> {
        keys.iter().enumerate().map(|(i, k)| Row { key: k.map(str::to_owned), value: i as i64 }).collect()
    }

    #[test]
    fn an_outer_join_keeps_unmatched_rows_of_both_sides() {
        let out = join(&rows(&[Some("a"), None]), &rows(&[Some("a"), Some("b")]), How::Outer, Validate::OneToOne);
        let out = out.unwrap();
        assert_eq!(out.rows, [(Some(0), Some(0)), (Some(1), None), (None, Some(1))]);
        assert_eq!((out.counts.unmatched_left, out.counts.unmatched_right, out.counts.output_rows), (1, 1, 3));
    }

    #[test]
    fn null_keys_never_match_each_other() {
        let out = join(&rows(&[None]), &rows(&[None]), How::Inner, Validate::ManyToMany).unwrap();
        assert!(out.rows.is_empty());
    }

    #[test]
    fn a_duplicate_on_the_unique_side_is_an_error() {
        let err = join(&rows(&[Some("a")]), &rows(&[Some("a"), Some("a")]), How::Inner, Validate::ManyToOne);
        assert_eq!(err, Err(JoinError::DuplicateKey { side: Side::Right, key: "a".into() }));
    }

    #[test]
    fn the_guard_refuses_an_explosion() {
        let many = rows(&[Some("k"); 4]);
        let err = join_guarded(&many, &many, How::Inner, Validate::ManyToMany, 10);
        assert_eq!(err, Err(JoinError::TooManyRows { would_produce: 16, max: 10 }));
    }
}
