//! Hidden suite: safe joins — explicit kind, key validation, NULL keys, row counts, explosion guard.

use harness_support::prelude::*;

use candidate as cand;
use reference as refr;

/// A join as plain data: left keys, right keys, kind (0..4: inner, left, right, outer), validation (0..3:
/// many-to-many, one-to-one, many-to-one). Row values are the row positions.
type Input = (Vec<Option<String>>, Vec<Option<String>>, u8, u8);
type Counts = (usize, usize, usize, usize, usize, usize);
type Out = Result<(Vec<(Option<usize>, Option<usize>)>, Counts), String>;

fn cand_rows(keys: &[Option<String>]) -> Vec<cand::Row> {
    keys.iter().enumerate().map(|(i, k)| cand::Row { key: k.clone(), value: i as i64 }).collect()
}

fn refr_rows(keys: &[Option<String>]) -> Vec<refr::Row> {
    keys.iter().enumerate().map(|(i, k)| refr::Row { key: k.clone(), value: i as i64 }).collect()
}

fn cand_how(h: u8) -> cand::How {
    [cand::How::Inner, cand::How::Left, cand::How::Right, cand::How::Outer][usize::from(h % 4)]
}

fn refr_how(h: u8) -> refr::How {
    [refr::How::Inner, refr::How::Left, refr::How::Right, refr::How::Outer][usize::from(h % 4)]
}

fn cand_validate(v: u8) -> cand::Validate {
    [cand::Validate::ManyToMany, cand::Validate::OneToOne, cand::Validate::ManyToOne][usize::from(v % 3)]
}

fn refr_validate(v: u8) -> refr::Validate {
    [refr::Validate::ManyToMany, refr::Validate::OneToOne, refr::Validate::ManyToOne][usize::from(v % 3)]
}

fn cand_out(r: Result<cand::Joined, cand::JoinError>) -> Out {
    match r {
        Ok(j) => {
            let c = j.counts;
            Ok((
                j.rows,
                (c.left_rows, c.right_rows, c.matched_left, c.unmatched_left, c.unmatched_right, c.output_rows),
            ))
        }
        Err(cand::JoinError::DuplicateKey { side, key }) => {
            let side = match side {
                cand::Side::Left => "left",
                cand::Side::Right => "right",
            };
            Err(format!("DuplicateKey {{ side: {side}, key: {key} }}"))
        }
        Err(cand::JoinError::TooManyRows { would_produce, max }) => {
            Err(format!("TooManyRows {{ would_produce: {would_produce}, max: {max} }}"))
        }
    }
}

fn refr_out(r: Result<refr::Joined, refr::JoinError>) -> Out {
    match r {
        Ok(j) => {
            let c = j.counts;
            Ok((
                j.rows,
                (c.left_rows, c.right_rows, c.matched_left, c.unmatched_left, c.unmatched_right, c.output_rows),
            ))
        }
        Err(refr::JoinError::DuplicateKey { side, key }) => {
            let side = match side {
                refr::Side::Left => "left",
                refr::Side::Right => "right",
            };
            Err(format!("DuplicateKey {{ side: {side}, key: {key} }}"))
        }
        Err(refr::JoinError::TooManyRows { would_produce, max }) => {
            Err(format!("TooManyRows {{ would_produce: {would_produce}, max: {max} }}"))
        }
    }
}

fn cand_join((l, r, h, v): &Input) -> Out {
    cand_out(cand::join(&cand_rows(l), &cand_rows(r), cand_how(*h), cand_validate(*v)))
}

fn refr_join((l, r, h, v): &Input) -> Out {
    refr_out(refr::join(&refr_rows(l), &refr_rows(r), refr_how(*h), refr_validate(*v)))
}

fn cand_guarded((input, max): &(Input, usize)) -> Out {
    let (l, r, h, v) = input;
    cand_out(cand::join_guarded(&cand_rows(l), &cand_rows(r), cand_how(*h), cand_validate(*v), *max))
}

fn refr_guarded((input, max): &(Input, usize)) -> Out {
    let (l, r, h, v) = input;
    refr_out(refr::join_guarded(&refr_rows(l), &refr_rows(r), refr_how(*h), refr_validate(*v), *max))
}

fn keys(ks: &[Option<&str>]) -> Vec<Option<String>> {
    ks.iter().map(|k| k.map(str::to_owned)).collect()
}

/// Random non-empty sides over a small key pool (so duplicates and misses are common), never a NULL key (NULL
/// belongs to the edge cases); every kind; validation off most of the time.
fn random_join(g: &mut Gen) -> Input {
    let side = |g: &mut Gen| {
        let n = g.len().max(1);
        g.vec(n, |g| Some(g.id("k", 8)))
    };
    let (l, r) = (side(g), side(g));
    let how = g.usize(0, 3) as u8;
    let validate = if g.bool(0.7) { 0 } else { g.usize(1, 2) as u8 };
    (l, r, how, validate)
}

fn valid((l, r, _, _): &Input) -> bool {
    !l.is_empty() && !r.is_empty() && l.iter().chain(r).all(Option::is_some)
}

pub fn cases() -> Vec<Case> {
    vec![
        case(
            "joins_a_small_example_every_way",
            Kind::Correctness,
            "each join kind keeps the rows it promises, in the specified order, with counts",
        )
        .weight(3)
        .check(|| {
            let l = keys(&[Some("m1"), Some("m2"), Some("m3"), Some("m2")]);
            let r = keys(&[Some("m2"), Some("m4"), Some("m1")]);
            for how in 0..4 {
                let input = (l.clone(), r.clone(), how, 2);
                expect_eq(&cand_join(&input), &refr_join(&input)).context(format!("{:?}", refr_how(how)))?;
            }
            Ok(())
        }),
        case(
            "matches_the_reference_on_random_joins",
            Kind::Correctness,
            "any keys, kind and validation: same rows, order, counts and errors",
        )
        .weight(3)
        .differential_within(random_join, valid, cand_join, refr_join),
        case(
            "one_to_one_rejects_duplicates_on_either_side",
            Kind::Correctness,
            "validation exists to stop silent row multiplication",
        )
        .weight(2)
        .check(|| {
            let input = (keys(&[Some("a"), Some("b"), Some("a")]), keys(&[Some("a")]), 0, 1);
            expect_eq(&cand_join(&input), &Err("DuplicateKey { side: left, key: a }".to_owned())).context("left")?;
            let input = (keys(&[Some("a")]), keys(&[Some("b"), Some("b")]), 0, 1);
            expect_eq(&cand_join(&input), &Err("DuplicateKey { side: right, key: b }".to_owned())).context("right")
        }),
        case(
            "many_to_one_checks_only_the_right_side",
            Kind::Correctness,
            "a lookup table must be unique; the fact table may repeat keys",
        )
        .check(|| {
            let input = (keys(&[Some("a"), Some("a")]), keys(&[Some("a"), Some("b")]), 1, 2);
            expect_eq(&cand_join(&input), &refr_join(&input)).context("duplicates on the left are fine")?;
            let input = (keys(&[Some("a")]), keys(&[Some("a"), Some("c"), Some("c")]), 1, 2);
            expect_eq(&cand_join(&input), &Err("DuplicateKey { side: right, key: c }".to_owned()))
        }),
        case(
            "the_guard_matches_the_reference",
            Kind::Correctness,
            "the explosion guard counts the output before building it",
        )
        .stage("guard")
        .weight(2)
        .differential_within(
            |g| (random_join(g), g.usize(0, 30)),
            |(input, _): &(Input, usize)| valid(input),
            cand_guarded,
            refr_guarded,
        ),
        case(
            "the_guard_refuses_a_many_to_many_explosion",
            Kind::Correctness,
            "1,000 × 1,000 rows on one key would be a million rows: refuse with the figure",
        )
        .stage("guard")
        .check(|| {
            let many: Vec<Option<String>> = vec![Some("k".to_owned()); 1000];
            let input = ((many.clone(), many, 0, 0), 10_000);
            expect_eq(&cand_guarded(&input), &Err("TooManyRows { would_produce: 1000000, max: 10000 }".to_owned()))
        }),
        case(
            "empty_sides",
            Kind::EdgeEmpty,
            "an empty table joins to nothing (inner) or to its other side unmatched (outer)",
        )
        .weight(2)
        .check(|| {
            for how in 0..4 {
                for (l, r) in [(vec![], vec![]), (keys(&[Some("a")]), vec![]), (vec![], keys(&[Some("a")]))] {
                    let input = (l, r, how, 1);
                    expect_eq(&cand_join(&input), &refr_join(&input)).context(format!("{:?}", refr_how(how)))?;
                }
            }
            Ok(())
        }),
        case("single_rows", Kind::EdgeSingle, "one row each side: a match, or a miss kept by the outer sides").check(
            || {
                for (l, r) in [("a", "a"), ("a", "b")] {
                    for how in 0..4 {
                        let input = (keys(&[Some(l)]), keys(&[Some(r)]), how, 1);
                        expect_eq(&cand_join(&input), &refr_join(&input))
                            .context(format!("{l} ⋈ {r}, {:?}", refr_how(how)))?;
                    }
                }
                Ok(())
            },
        ),
        case(
            "null_keys_never_match",
            Kind::EdgeNull,
            "NULL is unknown, not a value: it matches nothing, not even another NULL, and is no duplicate",
        )
        .weight(3)
        .check(|| {
            let l = keys(&[None, Some("a"), None]);
            let r = keys(&[None, Some("a"), None]);
            for how in 0..4 {
                let input = (l.clone(), r.clone(), how, 1);
                expect_eq(&cand_join(&input), &refr_join(&input)).context(format!("{:?}", refr_how(how)))?;
            }
            Ok(())
        }),
        case(
            "joins_200k_rows_each_side",
            Kind::Scaling,
            "a hash join is linear; a nested loop over 200k × 200k rows is not",
        )
        .size(200_000)
        .scaling(
            |g| {
                let n = g.size();
                let l: Vec<Option<String>> = (0..n).map(|i| Some(format!("m{:06}", (i * 7919) % n))).collect();
                let r: Vec<Option<String>> = (0..n).map(|i| Some(format!("m{i:06}"))).collect();
                (l, r, 0u8, 2u8)
            },
            |i: &Input| cand_join(i).map(|(rows, _)| rows.len()),
            |i: &Input| refr_join(i).map(|(rows, _)| rows.len()),
        ),
    ]
}
