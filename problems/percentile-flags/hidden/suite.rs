//! Hidden suite: per-category percentile flags with linear interpolation.

use harness_support::prelude::*;

use candidate as cand;
use reference as refr;

type Rows = Vec<(String, f64)>;
type Out = Vec<Option<&'static str>>;

fn cand_level(l: Option<cand::Level>) -> Option<&'static str> {
    l.map(|l| match l {
        cand::Level::Low => "low",
        cand::Level::Mid => "mid",
        cand::Level::High => "high",
    })
}

fn refr_level(l: Option<refr::Level>) -> Option<&'static str> {
    l.map(|l| match l {
        refr::Level::Low => "low",
        refr::Level::Mid => "mid",
        refr::Level::High => "high",
    })
}

fn cand_flags(rows: &Rows) -> Out {
    let rows: Vec<cand::Row> = rows.iter().map(|(c, a)| cand::Row { category: c.clone(), amount: *a }).collect();
    cand::percentile_flags(&rows).into_iter().map(cand_level).collect()
}

fn refr_flags(rows: &Rows) -> Out {
    let rows: Vec<refr::Row> = rows.iter().map(|(c, a)| refr::Row { category: c.clone(), amount: *a }).collect();
    refr::percentile_flags(&rows).into_iter().map(refr_level).collect()
}

fn cand_with((rows, mid, high): &(Rows, f64, f64)) -> Result<Out, String> {
    let rows: Vec<cand::Row> = rows.iter().map(|(c, a)| cand::Row { category: c.clone(), amount: *a }).collect();
    cand::percentile_flags_with(&rows, *mid, *high)
        .map(|v| v.into_iter().map(cand_level).collect())
        .map_err(|cand::CutoffError::Invalid { mid, high }| format!("Invalid {{ mid: {mid}, high: {high} }}"))
}

fn refr_with((rows, mid, high): &(Rows, f64, f64)) -> Result<Out, String> {
    let rows: Vec<refr::Row> = rows.iter().map(|(c, a)| refr::Row { category: c.clone(), amount: *a }).collect();
    refr::percentile_flags_with(&rows, *mid, *high)
        .map(|v| v.into_iter().map(refr_level).collect())
        .map_err(|refr::CutoffError::Invalid { mid, high }| format!("Invalid {{ mid: {mid}, high: {high} }}"))
}

fn rows(spec: &[(&str, f64)]) -> Rows {
    spec.iter().map(|(c, a)| ((*c).to_owned(), *a)).collect()
}

/// Random rows where no amount can sit exactly on a cutoff (ties at the cutoff belong to the edge cases): every
/// category has an even number (≥ 2) of distinct continuous amounts, so the 50th and 99th percentiles always fall
/// strictly between two amounts. No NaN.
fn random_rows(g: &mut Gen) -> Rows {
    let mut rows = Rows::new();
    for category in ["grocery", "travel", "gaming"] {
        let pairs = g.usize(1, g.size() / 2 + 1);
        for _ in 0..2 * pairs {
            rows.push((category.to_owned(), g.f64(0.0, 1000.0)));
        }
    }
    for i in (1..rows.len()).rev() {
        let j = g.index(i + 1);
        rows.swap(i, j);
    }
    rows
}

fn valid(rows: &Rows) -> bool {
    let mut counts = std::collections::HashMap::new();
    for (c, a) in rows {
        if a.is_nan() {
            return false;
        }
        *counts.entry(c).or_insert(0) += 1;
    }
    let mut amounts: Vec<f64> = rows.iter().map(|r| r.1).collect();
    amounts.sort_by(f64::total_cmp);
    amounts.dedup();
    !rows.is_empty() && counts.values().all(|n| n % 2 == 0) && amounts.len() == rows.len()
}

const NAN: f64 = f64::NAN;

pub fn cases() -> Vec<Case> {
    vec![
        case(
            "flags_a_small_batch",
            Kind::Correctness,
            "each amount against its own category's 50th and 99th percentiles",
        )
        .weight(2)
        .check(|| {
            let r = rows(&[("a", 10.0), ("a", 20.0), ("b", 7.0), ("a", 35.0), ("a", 400.0), ("b", 1.0)]);
            expect_eq(
                &cand_flags(&r),
                &vec![Some("low"), Some("low"), Some("high"), Some("mid"), Some("high"), Some("low")],
            )
        }),
        case("matches_the_reference_on_random_batches", Kind::Correctness, "any mix of categories and amounts")
            .weight(3)
            .differential_within(random_rows, valid, cand_flags, refr_flags),
        case(
            "percentiles_interpolate_linearly",
            Kind::Correctness,
            "numpy's default: interpolate between the two closest ranks, not the nearest rank",
        )
        .weight(2)
        .check(|| {
            for (values, p, expected) in [
                (vec![4.0, 1.0, 3.0, 2.0], 50.0, Some(2.5)),
                (vec![10.0, 20.0], 99.0, Some(19.9)),
                (vec![1.0, 2.0, 3.0, 4.0, 5.0], 90.0, Some(4.6)),
                (vec![5.0, 1.0, 9.0], 0.0, Some(1.0)),
                (vec![5.0, 1.0, 9.0], 100.0, Some(9.0)),
                (vec![], 50.0, None),
                (vec![1.0], 101.0, None),
            ] {
                let mut v = values.clone();
                expect_eq(&cand::percentile(&mut v, p), &expected).context(format!("p{p} of {values:?}"))?;
            }
            Ok(())
        }),
        case("percentile_matches_the_reference", Kind::Correctness, "any values, any p in [0, 100]")
            .differential_within(
                |g| (g.vec(g.size() + 1, |g| g.f64(-500.0, 500.0)), g.f64(0.0, 100.0)),
                |(v, _): &(Vec<f64>, f64)| !v.is_empty(),
                |(v, p)| cand::percentile(&mut v.clone(), *p),
                |(v, p)| refr::percentile(&mut v.clone(), *p),
            ),
        case(
            "custom_cutoffs_match_the_reference",
            Kind::Correctness,
            "the same rule with any ordered pair of percentiles",
        )
        .stage("cutoffs")
        .weight(2)
        .differential_within(
            |g| {
                let (a, b) = (g.f64(1.0, 98.0), g.f64(1.0, 98.0));
                (random_rows(g), a.min(b), a.max(b))
            },
            |(r, _, _): &(Rows, f64, f64)| valid(r),
            cand_with,
            refr_with,
        ),
        case(
            "cutoffs_out_of_order_are_an_error",
            Kind::Correctness,
            "mid above high, or outside [0, 100], is a configuration bug",
        )
        .stage("cutoffs")
        .check(|| {
            let r = rows(&[("a", 1.0)]);
            expect_eq(&cand_with(&(r.clone(), 90.0, 50.0)), &Err("Invalid { mid: 90, high: 50 }".to_owned()))?;
            expect_eq(&cand_with(&(r, 50.0, 120.0)), &Err("Invalid { mid: 50, high: 120 }".to_owned()))
        }),
        case("no_rows_no_flags", Kind::EdgeEmpty, "an empty batch is not an error")
            .check(|| expect_eq(&cand_flags(&Rows::new()), &Vec::new())),
        case(
            "a_single_amount_is_low",
            Kind::EdgeSingle,
            "alone in its category an amount is its own p50 and p99, so not above either",
        )
        .weight(2)
        .check(|| {
            let r = rows(&[("lonely", 42.0), ("pair", 1.0), ("pair", 2.0)]);
            expect_eq(&cand_flags(&r), &refr_flags(&r))
        }),
        case(
            "an_amount_at_a_cutoff_is_not_above_it",
            Kind::EdgeTies,
            "strictly above: the median itself is low, and equal amounts share a label",
        )
        .weight(2)
        .check(|| {
            let r = rows(&[("a", 1.0), ("a", 2.0), ("a", 3.0), ("b", 5.0), ("b", 5.0), ("b", 5.0), ("b", 9.0)]);
            expect_eq(&cand_flags(&r), &refr_flags(&r))
        }),
        case(
            "nan_amounts_are_not_flagged",
            Kind::EdgeNan,
            "a missing amount gets no label and must not shift its category's percentiles",
        )
        .weight(2)
        .check(|| {
            // Four known amounts, so no cutoff lands on one of them (ties at a cutoff are another case's).
            let r = rows(&[("a", 1.0), ("a", NAN), ("a", 3.0), ("a", 2.0), ("a", 4.0), ("b", NAN)]);
            expect_eq(&cand_flags(&r), &vec![Some("low"), None, Some("mid"), Some("low"), Some("high"), None])
        }),
        case(
            "flags_60k_rows_in_one_category",
            Kind::Scaling,
            "the cutoffs are computed once per category, not per row",
        )
        .size(60_000)
        .scaling(
            |g| {
                let n = g.size();
                (0..n).map(|i| (format!("c{}", i % 2), g.f64(0.0, 1e6))).collect::<Rows>()
            },
            |r: &Rows| cand_flags(r).iter().filter(|l| **l == Some("high")).count(),
            |r: &Rows| refr_flags(r).iter().filter(|l| **l == Some("high")).count(),
        ),
    ]
}
