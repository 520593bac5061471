//! Known-bad: the guard counts and refuses before the join validates, so a too-large invalid join is `TooManyRows`.

use std::collections::HashMap;

/// A row to join: its key and a value.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// `None` is a NULL key: it never matches anything.
    pub key: Option<String>,
    pub value: i64,
}

/// Which unmatched rows a join keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    Inner,
    Left,
    Right,
    Outer,
}

/// Which sides of a join must have unique keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validate {
    ManyToMany,
    OneToOne,
    ManyToOne,
}

/// A side of a join.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Left,
    Right,
}

/// Why a join was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JoinError {
    DuplicateKey { side: Side, key: String },
    TooManyRows { would_produce: usize, max: usize },
}

/// Row counts of a join, for checking that it did not duplicate or drop rows.
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
    if validate == Validate::OneToOne {
        check_unique(left, Side::Left)?;
    }
    if validate != Validate::ManyToMany {
        check_unique(right, Side::Right)?;
    }
    let index = index(right);
    let matches = |row: &Row| row.key.as_deref().and_then(|k| index.get(k)).map_or(&[][..], Vec::as_slice);
    let keep = keeps(how);
    let (mut counts, matched_right, pairs) = count_matches(left, right.len(), matches);
    let rows = build_rows(left, &matched_right, keep, output_size(&counts, pairs, keep), matches);
    counts.output_rows = rows.len();
    Ok(Joined { rows, counts })
}

/// Like [`join`], but refuses (before building anything) to produce more than `max_rows` rows.
pub fn join_guarded(
    left: &[Row],
    right: &[Row],
    how: How,
    validate: Validate,
    max_rows: usize,
) -> Result<Joined, JoinError> {
    // The bug: the size is checked before `join` validates the keys.
    let index = index(right);
    let matches = |row: &Row| row.key.as_deref().and_then(|k| index.get(k)).map_or(&[][..], Vec::as_slice);
    let (counts, _, pairs) = count_matches(left, right.len(), matches);
    let would_produce = output_size(&counts, pairs, keeps(how));
    if would_produce > max_rows {
        return Err(JoinError::TooManyRows { would_produce, max: max_rows });
    }
    join(left, right, how, validate)
}

/// Whether the kind keeps unmatched (left, right) rows.
fn keeps(how: How) -> (bool, bool) {
    (matches!(how, How::Left | How::Outer), matches!(how, How::Right | How::Outer))
}

/// The number of rows a join with these counts and matching pairs produces.
fn output_size(counts: &Counts, pairs: usize, (keep_left, keep_right): (bool, bool)) -> usize {
    pairs + if keep_left { counts.unmatched_left } else { 0 } + if keep_right { counts.unmatched_right } else { 0 }
}

/// How `left` matches, without building a row (so the guard can refuse early): the counts so far, which right rows
/// found a match, and the number of matching pairs.
fn count_matches<M: AsRef<[usize]>>(
    left: &[Row],
    right_rows: usize,
    matches: impl Fn(&Row) -> M,
) -> (Counts, Vec<bool>, usize) {
    let mut matched_right = vec![false; right_rows];
    let mut counts = Counts { left_rows: left.len(), right_rows, ..Counts::default() };
    let mut pairs = 0;
    for row in left {
        let found = matches(row);
        for &j in found.as_ref() {
            matched_right[j] = true;
        }
        if found.as_ref().is_empty() {
            counts.unmatched_left += 1;
        } else {
            counts.matched_left += 1;
            pairs += found.as_ref().len();
        }
    }
    counts.unmatched_right = matched_right.iter().filter(|m| !**m).count();
    (counts, matched_right, pairs)
}

/// The output rows: each left row's matches (or the row alone when kept unmatched), in left order, then unmatched right rows.
fn build_rows<M: AsRef<[usize]>>(
    left: &[Row],
    matched_right: &[bool],
    keep: (bool, bool),
    capacity: usize,
    matches: impl Fn(&Row) -> M,
) -> Vec<(Option<usize>, Option<usize>)> {
    let (keep_left, keep_right) = keep;
    let mut rows = Vec::with_capacity(capacity);
    for (i, row) in left.iter().enumerate() {
        let found = matches(row);
        if found.as_ref().is_empty() && keep_left {
            rows.push((Some(i), None));
        }
        rows.extend(found.as_ref().iter().map(|&j| (Some(i), Some(j))));
    }
    if keep_right {
        rows.extend(matched_right.iter().enumerate().filter(|(_, m)| !**m).map(|(j, _)| (None, Some(j))));
    }
    rows
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
