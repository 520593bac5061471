//! Hidden suite: safe joins — explicit kind, key validation, NULL keys, row counts, explosion guard.

use harness_support::prelude::*;

/// A join as plain data: left keys, right keys, kind (0..4: inner, left, right, outer), validation (0..3:
/// many-to-many, one-to-one, many-to-one). Row values are the row positions.
type Input = (Vec<Option<String>>, Vec<Option<String>>, u8, u8);
type Pairs = Vec<(Option<usize>, Option<usize>)>;
/// `(left_rows, right_rows, matched_left, unmatched_left, unmatched_right, output_rows)`.
type Counts = (usize, usize, usize, usize, usize, usize);
type Out = Result<(Pairs, Counts), String>;

/// The join kinds by their number in [`Input`], for messages.
const HOW: [&str; 4] = ["Inner", "Left", "Right", "Outer"];
const INNER: u8 = 0;
const LEFT: u8 = 1;
const RIGHT: u8 = 2;
const OUTER: u8 = 3;
const MANY_TO_MANY: u8 = 0;
const ONE_TO_ONE: u8 = 1;
const MANY_TO_ONE: u8 = 2;

// The adapters, written once for both sides: `cand::join` calls the candidate, `refr::join` the reference.
sides! {
    pub fn rows(keys: &[Option<String>]) -> Vec<api::Row> {
        keys.iter().enumerate().map(|(i, k)| api::Row { key: k.clone(), value: i as i64 }).collect()
    }

    fn how(h: u8) -> api::How {
        [api::How::Inner, api::How::Left, api::How::Right, api::How::Outer][usize::from(h % 4)]
    }

    fn validate(v: u8) -> api::Validate {
        [api::Validate::ManyToMany, api::Validate::OneToOne, api::Validate::ManyToOne][usize::from(v % 3)]
    }

    fn out(r: Result<api::Joined, api::JoinError>) -> Out {
        match r {
            Ok(j) => {
                let c = j.counts;
                Ok((
                    j.rows,
                    (c.left_rows, c.right_rows, c.matched_left, c.unmatched_left, c.unmatched_right, c.output_rows),
                ))
            }
            Err(api::JoinError::DuplicateKey { side, key }) => {
                let side = match side {
                    api::Side::Left => "left",
                    api::Side::Right => "right",
                };
                Err(format!("DuplicateKey {{ side: {side}, key: {key} }}"))
            }
            Err(api::JoinError::TooManyRows { would_produce, max }) => {
                Err(format!("TooManyRows {{ would_produce: {would_produce}, max: {max} }}"))
            }
        }
    }

    pub fn join((l, r, h, v): &Input) -> Out {
        out(api::join(&rows(l), &rows(r), how(*h), validate(*v)))
    }

    pub fn guarded((input, max): &(Input, usize)) -> Out {
        let (l, r, h, v) = input;
        out(api::join_guarded(&rows(l), &rows(r), how(*h), validate(*v), *max))
    }

    /// An inner many-to-many `join_guarded` of rows built beforehand (the memory case measures the join alone).
    pub fn guarded_rows(left: &[api::Row], right: &[api::Row], max: usize) -> Result<(usize, Counts), String> {
        summary(out(api::join_guarded(left, right, api::How::Inner, api::Validate::ManyToMany, max)))
    }
}

/// A large answer as its size and counts: a wrong answer of a million rows, printed in full, would not fit the report.
fn summary(out: Out) -> Result<(usize, Counts), String> {
    out.map(|(rows, counts)| (rows.len(), counts))
}

fn keys(ks: &[Option<&str>]) -> Vec<Option<String>> {
    ks.iter().map(|k| k.map(str::to_owned)).collect()
}

fn some(ks: &[&str]) -> Vec<Option<String>> {
    ks.iter().map(|k| Some((*k).to_owned())).collect()
}

fn duplicate(side: &str, key: &str) -> Out {
    Err(format!("DuplicateKey {{ side: {side}, key: {key} }}"))
}

fn too_many(would_produce: usize, max: usize) -> Out {
    Err(format!("TooManyRows {{ would_produce: {would_produce}, max: {max} }}"))
}

/// What the fixed edge cases compare: the rows in every kind, the counts in the outer join only, where each of them
/// can be read off the rows. Whether the counts hold in every kind is rule 4's, charged by its own case, so a counts
/// bug does not fail the empty, single and NULL cases as well.
type Seen = Result<(Pairs, Option<Counts>), String>;

fn seen(out: Out, how: u8) -> Seen {
    out.map(|(rows, counts)| (rows, (how == OUTER).then_some(counts)))
}

/// The rows of an accepted join (validation cases judge acceptance, not the counts, which are rule 4's).
fn accepted(out: Out) -> Result<Pairs, String> {
    out.map(|(rows, _)| rows)
}

/// Both sides on one input, as the edge cases compare them.
fn edge_check(input: &Input) -> Outcome {
    let how = input.2;
    expect_eq(&seen(cand::join(input), how), &seen(refr::join(input), how))
}

/// Random sides over a small key pool (so duplicates and misses are common); every kind; validation off most of
/// the time. NULL keys and empty sides appear only in the edge variants that mix them in (`g.maybe`, `g.len`).
fn random_join(g: &mut Gen) -> Input {
    let side = |g: &mut Gen| {
        let n = if g.edges().contains(Edges::EMPTY) { g.len() } else { g.len().max(1) };
        g.vec(n, |g| g.maybe(|g| g.id("k", 8)))
    };
    let (l, r) = (side(g), side(g));
    let how = g.usize(0, 3) as u8;
    let validate = if g.bool(0.7) { MANY_TO_MANY } else { g.usize(1, 2) as u8 };
    (l, r, how, validate)
}

/// A guarded join: a random join and a limit around the sizes the join produces.
fn random_guarded(g: &mut Gen) -> (Input, usize) {
    let input = random_join(g);
    let max = g.usize(0, 3 * g.size());
    (input, max)
}

/// What a guarded join did, next to that side's own `join` of the same input: the join's answer, or something
/// else (a refusal). The guard cases judge the guard against the candidate's own `join`, so a bug of the core
/// (counts, order, validation order) is charged by the core's cases, not again by the guard's.
#[derive(Debug, Clone, PartialEq)]
enum Guarded {
    SameAsJoin,
    Differs(Out),
}

impl Approx for Guarded {
    fn approx_eq(&self, other: &Self) -> bool {
        self == other
    }
}

fn guarded_as(guarded: Out, join: Out) -> Guarded {
    if guarded == join { Guarded::SameAsJoin } else { Guarded::Differs(guarded) }
}

pub fn cases() -> Vec<Case> {
    vec![
        case(
            "joins_a_small_example_every_way",
            Kind::Correctness,
            "each join kind keeps the rows it promises, in the specified order, with counts",
        )
        .rules(&["R1", "R3", "R4"])
        .weight(3)
        .check(|| {
            let l = some(&["m1", "m2", "m3", "m2"]);
            let r = some(&["m2", "m4", "m1"]);
            for how in 0..4 {
                let input = (l.clone(), r.clone(), how, MANY_TO_ONE);
                expect_eq(&cand::join(&input), &refr::join(&input)).context(HOW[usize::from(how)])?;
            }
            Ok(())
        }),
        case(
            "matches_the_reference_on_random_joins",
            Kind::Correctness,
            "any keys, kind and validation: same rows, order, counts and errors",
        )
        .rules(&["R1", "R2", "R3", "R4"])
        .edges(Edges::NULL, &["R1", "R2"])
        .edges(Edges::EMPTY, &["R5"])
        .weight(3)
        .differential(random_join, cand::join, refr::join),
        case(
            "output_follows_left_order_then_unmatched_right_rows",
            Kind::Correctness,
            "pairs in left order, each left row's matches in right order, unmatched right rows last",
        )
        .rules(&["R3"])
        .weight(2)
        .check(|| {
            let l = some(&["b", "x", "a", "b"]);
            let r = some(&["a", "z", "b", "b", "y"]);
            let pair = |i: Option<usize>, j: Option<usize>| (i, j);
            let matched = [
                pair(Some(0), Some(2)),
                pair(Some(0), Some(3)),
                pair(Some(1), None),
                pair(Some(2), Some(0)),
                pair(Some(3), Some(2)),
                pair(Some(3), Some(3)),
                pair(None, Some(1)),
                pair(None, Some(4)),
            ];
            let keep = |how: u8| {
                move |p: &&(Option<usize>, Option<usize>)| match p {
                    (Some(_), Some(_)) => true,
                    (Some(_), None) => how == LEFT || how == OUTER,
                    _ => how == RIGHT || how == OUTER,
                }
            };
            for how in 0..4 {
                let expected: Pairs = matched.iter().filter(keep(how)).copied().collect();
                let rows = cand::join(&(l.clone(), r.clone(), how, MANY_TO_MANY)).map(|(rows, _)| rows);
                expect_eq(&rows, &Ok(expected)).context(HOW[usize::from(how)])?;
            }
            Ok(())
        }),
        case(
            "counts_do_not_depend_on_the_join_kind",
            Kind::Correctness,
            "matched and unmatched rows are facts of the inputs; only output_rows follows the kind",
        )
        .rules(&["R4"])
        .weight(2)
        .check(|| {
            // Left rows 0 and 2 match (twice each), 1 and 3 do not; right row 2 matches nothing.
            let l = some(&["a", "b", "a", "x"]);
            let r = some(&["a", "a", "c"]);
            for (how, output) in [(INNER, 4), (LEFT, 6), (RIGHT, 5), (OUTER, 7)] {
                let counts = cand::join(&(l.clone(), r.clone(), how, MANY_TO_MANY)).map(|(_, c)| c);
                expect_eq(&counts, &Ok((4, 3, 2, 2, 1, output))).context(format!(
                    "{} join, counts as (left_rows, right_rows, matched_left, unmatched_left, unmatched_right, \
                     output_rows)",
                    HOW[usize::from(how)]
                ))?;
            }
            Ok(())
        }),
        case(
            "one_to_one_rejects_duplicates_on_either_side",
            Kind::Correctness,
            "validation exists to stop silent row multiplication",
        )
        .rules(&["R2"])
        .weight(2)
        .check(|| {
            let input = (some(&["a", "b", "a"]), some(&["a"]), INNER, ONE_TO_ONE);
            expect_eq(&cand::join(&input), &duplicate("left", "a")).context("left")?;
            let input = (some(&["a"]), some(&["b", "b"]), INNER, ONE_TO_ONE);
            expect_eq(&cand::join(&input), &duplicate("right", "b")).context("right")
        }),
        case(
            "many_to_one_checks_only_the_right_side",
            Kind::Correctness,
            "a lookup table must be unique; the fact table may repeat keys",
        )
        .rules(&["R2"])
        .check(|| {
            let input = (some(&["a", "a"]), some(&["a", "b"]), LEFT, MANY_TO_ONE);
            expect_eq(&accepted(cand::join(&input)), &accepted(refr::join(&input)))
                .context("duplicates on the left are fine")?;
            let input = (some(&["a"]), some(&["a", "c", "c"]), LEFT, MANY_TO_ONE);
            expect_eq(&cand::join(&input), &duplicate("right", "c"))
        }),
        case(
            "many_to_many_checks_nothing",
            Kind::Correctness,
            "an unvalidated join may repeat keys on both sides, and multiplies them",
        )
        .rules(&["R2"])
        .check(|| {
            let input = (some(&["a", "a"]), some(&["a", "a", "b", "b"]), INNER, MANY_TO_MANY);
            expect_eq(&accepted(cand::join(&input)), &accepted(refr::join(&input)))
        }),
        case(
            "one_to_one_checks_the_left_side_first",
            Kind::Correctness,
            "with duplicates on both sides, the left side's is the one reported",
        )
        .rules(&["R2"])
        .check(|| {
            let input = (some(&["a", "b", "a"]), some(&["c", "c"]), INNER, ONE_TO_ONE);
            expect_eq(&cand::join(&input), &duplicate("left", "a"))?;
            let input = (some(&["x", "y", "y"]), some(&["y", "y", "z", "z"]), OUTER, ONE_TO_ONE);
            expect_eq(&cand::join(&input), &duplicate("left", "y"))
        }),
        case(
            "the_error_names_the_first_row_whose_key_repeats",
            Kind::Correctness,
            "for keys [a, b, b, a] the first repeat is the third row's b, not a",
        )
        .rules(&["R2"])
        .check(|| {
            let input = (some(&["a", "b", "b", "a"]), some(&["a"]), INNER, ONE_TO_ONE);
            expect_eq(&cand::join(&input), &duplicate("left", "b")).context("one-to-one, left side")?;
            let input = (some(&["a"]), some(&["c", "d", "e", "d", "c"]), INNER, MANY_TO_ONE);
            expect_eq(&cand::join(&input), &duplicate("right", "d")).context("many-to-one, right side")
        }),
        case(
            "the_guard_matches_the_reference",
            Kind::Correctness,
            "under the limit the guarded join is the join; over it, a refusal with the figure",
        )
        .rules(&["guard.R1", "guard.R2", "guard.R3"])
        .stage("guard")
        .edges(Edges::NULL, &["R1", "guard.R3"])
        .weight(2)
        .differential(
            random_guarded,
            |i| guarded_as(cand::guarded(i), cand::join(&i.0)),
            |i| guarded_as(refr::guarded(i), refr::join(&i.0)),
        ),
        case(
            "the_guard_refuses_a_many_to_many_explosion",
            Kind::Correctness,
            "1,000 × 1,000 rows on one key would be a million rows: refuse with the figure",
        )
        .rules(&["guard.R3"])
        .stage("guard")
        .check(|| {
            let many: Vec<Option<String>> = vec![Some("k".to_owned()); 1000];
            let input = ((many.clone(), many, INNER, MANY_TO_MANY), 10_000);
            expect_eq(&summary(cand::guarded(&input)), &summary(too_many(1_000_000, 10_000)))
        }),
        case(
            "the_guard_allows_exactly_max_rows",
            Kind::Correctness,
            "the limit is inclusive: max_rows rows are returned, one more is refused",
        )
        .rules(&["guard.R1", "guard.R3"])
        .stage("guard")
        .check(|| {
            // 4 matching pairs, one unmatched row on each side: 6 rows in the outer join.
            let join = (some(&["a", "a", "b"]), some(&["a", "a", "c"]), OUTER, MANY_TO_MANY);
            let allowed =
                |input: &Input, max: usize| guarded_as(cand::guarded(&(input.clone(), max)), cand::join(input));
            expect_eq(&allowed(&join, 6), &Guarded::SameAsJoin).context("max_rows = 6, what join returns")?;
            expect_eq(&cand::guarded(&(join, 5)), &too_many(6, 5)).context("max_rows = 5")?;
            let empty = (Vec::new(), Vec::new(), OUTER, MANY_TO_MANY);
            expect_eq(&allowed(&empty, 0), &Guarded::SameAsJoin).context("no rows, max_rows = 0, what join returns")
        }),
        case(
            "the_guard_counts_the_unmatched_rows_the_kind_keeps",
            Kind::Correctness,
            "would_produce is the output the kind would return, unmatched rows included",
        )
        .rules(&["guard.R3"])
        .stage("guard")
        .check(|| {
            let (l, r) = (some(&["a", "a", "b"]), some(&["a", "a", "c"]));
            for (how, expected) in [(LEFT, too_many(5, 4)), (RIGHT, too_many(5, 4)), (OUTER, too_many(6, 4))] {
                let input = ((l.clone(), r.clone(), how, MANY_TO_MANY), 4);
                expect_eq(&cand::guarded(&input), &expected).context(HOW[usize::from(how)])?;
            }
            let inner = (l, r, INNER, MANY_TO_MANY);
            let guarded = guarded_as(cand::guarded(&(inner.clone(), 4)), cand::join(&inner));
            expect_eq(&guarded, &Guarded::SameAsJoin).context("Inner, exactly 4 rows: what join returns")
        }),
        case(
            "the_guard_validates_before_counting",
            Kind::Correctness,
            "a duplicate key is the error even when the join would also be too large",
        )
        .rules(&["guard.R2"])
        .stage("guard")
        .check(|| {
            let hot: Vec<Option<String>> = vec![Some("k".to_owned()); 50];
            let input = ((hot.clone(), hot.clone(), INNER, MANY_TO_ONE), 100);
            expect_eq(&cand::guarded(&input), &duplicate("right", "k")).context("many-to-one, 50 × 50 on one key")?;
            let input = ((hot, some(&["k"]), OUTER, ONE_TO_ONE), 0);
            expect_eq(&cand::guarded(&input), &duplicate("left", "k")).context("one-to-one, 50 × 1, max_rows = 0")
        }),
        case(
            "the_guard_refuses_an_explosion_without_building_it",
            Kind::Memory,
            "counting first costs the index; building a million rows to count them costs 32 MB",
        )
        .rules(&["guard.R4"])
        .stage("guard")
        .size(1000)
        .memory(
            |n| {
                let hot: Vec<Option<String>> = vec![Some("k".to_owned()); n];
                (cand::rows(&hot), refr::rows(&hot), n)
            },
            |(rows, _, n)| cand::guarded_rows(&rows, &rows, n),
            |(_, rows, n)| refr::guarded_rows(&rows, &rows, n),
        ),
        case(
            "the_guard_refuses_200k_rows_in_linear_time",
            Kind::Scaling,
            "the count comes from the index: a guard that compares every pair of rows is quadratic",
        )
        .rules(&["guard.R4"])
        .stage("guard")
        .size(200_000)
        .scaling(
            |g| {
                let n = g.size();
                // Many-to-one: half of the left keys find their right row, the other half miss; a left join keeps
                // all n left rows, one over the limit.
                let l: Vec<Option<String>> = (0..n).map(|i| Some(format!("m{:06}", (i * 7919) % n))).collect();
                let r: Vec<Option<String>> = (0..n / 2).map(|i| Some(format!("m{i:06}"))).collect();
                ((l, r, LEFT, MANY_TO_ONE), n - 1)
            },
            |i: &(Input, usize)| summary(cand::guarded(i)),
            |i: &(Input, usize)| summary(refr::guarded(i)),
        ),
        case(
            "empty_sides",
            Kind::EdgeEmpty,
            "an empty table joins to nothing (inner) or to its other side unmatched (outer)",
        )
        .rules(&["R5", "R3"])
        .weight(2)
        .check(|| {
            for how in 0..4 {
                for (l, r) in [(vec![], vec![]), (some(&["a"]), vec![]), (vec![], some(&["a"]))] {
                    edge_check(&(l, r, how, ONE_TO_ONE)).context(HOW[usize::from(how)])?;
                }
            }
            Ok(())
        }),
        case("single_rows", Kind::EdgeSingle, "one row each side: a match, or a miss kept by the outer sides")
            .rules(&["R1", "R3"])
            .check(|| {
                for (l, r) in [("a", "a"), ("a", "b")] {
                    for how in 0..4 {
                        edge_check(&(some(&[l]), some(&[r]), how, ONE_TO_ONE))
                            .context(format!("{l} ⋈ {r}, {}", HOW[usize::from(how)]))?;
                    }
                }
                Ok(())
            }),
        case(
            "null_keys_never_match",
            Kind::EdgeNull,
            "NULL is unknown, not a value: it matches nothing, not even another NULL, and is no duplicate",
        )
        .rules(&["R1", "R2"])
        .weight(3)
        .check(|| {
            let l = keys(&[None, Some("a"), None]);
            let r = keys(&[None, Some("a"), None]);
            for how in 0..4 {
                edge_check(&(l.clone(), r.clone(), how, ONE_TO_ONE)).context(HOW[usize::from(how)])?;
            }
            let input = (keys(&[Some("a"), None]), keys(&[None, Some("a"), None, Some("b")]), LEFT, MANY_TO_ONE);
            edge_check(&input).context("many-to-one, two NULL keys on the unique side")
        }),
        case(
            "empty_and_blank_keys_are_ordinary_keys",
            Kind::EdgeEmpty,
            "only None is NULL: \"\" and whitespace-only keys match equal keys, exactly (no trimming, no case folding)",
        )
        .rules(&["R1"])
        .check(|| {
            // "" matches "", " " matches " "; "\u{a0}", "a " and "A" match nothing (no trimming, no case folding).
            let l = some(&["", " ", "\u{a0}", "a", "a "]);
            let r = some(&[" ", "", "A", "\t", "a"]);
            for how in 0..4 {
                edge_check(&(l.clone(), r.clone(), how, ONE_TO_ONE)).context(HOW[usize::from(how)])?;
            }
            Ok(())
        }),
        case(
            "joins_200k_rows_each_side",
            Kind::Scaling,
            "a hash join is linear; a nested loop over 200k × 200k rows is not",
        )
        .rules(&["R5"])
        .size(200_000)
        .scaling(
            |g| {
                let n = g.size();
                let l: Vec<Option<String>> = (0..n).map(|i| Some(format!("m{:06}", (i * 7919) % n))).collect();
                let r: Vec<Option<String>> = (0..n).map(|i| Some(format!("m{i:06}"))).collect();
                (l, r, INNER, MANY_TO_ONE)
            },
            |i: &Input| cand::join(i).map(|(rows, _)| rows.len()),
            |i: &Input| refr::join(i).map(|(rows, _)| rows.len()),
        ),
    ]
}
