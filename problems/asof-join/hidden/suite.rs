//! Hidden suite: backward as-of join with tolerance over unsorted inputs, and the nearest variant.

use harness_support::prelude::*;

/// An as-of join as plain data: transactions (key, time), quotes (key, time, value), tolerance.
type Input = (Vec<(String, i64)>, Vec<(String, i64, f64)>, i64);
type Out = Result<Vec<Option<usize>>, String>;

// The adapters, written once for both sides: `cand::asof` calls the candidate, `refr::asof` the reference.
sides! {
    fn txns(rows: &[(String, i64)]) -> Vec<api::Txn> {
        rows.iter().map(|(k, t)| api::Txn { key: k.clone(), ts: *t }).collect()
    }

    fn quotes(rows: &[(String, i64, f64)]) -> Vec<api::Quote> {
        rows.iter().map(|(k, t, v)| api::Quote { key: k.clone(), ts: *t, value: *v }).collect()
    }

    pub fn err(e: api::AsofError) -> String {
        match e {
            api::AsofError::NegativeTolerance(t) => format!("NegativeTolerance({t})"),
        }
    }

    /// The backward join on this side.
    pub fn asof((t, q, tol): &Input) -> Out {
        api::asof_join(&txns(t), &quotes(q), *tol).map_err(err)
    }

    /// The nearest join on this side.
    pub fn nearest((t, q, tol): &Input) -> Out {
        api::asof_nearest(&txns(t), &quotes(q), *tol).map_err(err)
    }
}

/// A fixed example: transactions and quotes as (key, time); a quote's value is its index.
fn input(txns: &[(&str, i64)], quotes: &[(&str, i64)], tolerance: i64) -> Input {
    let txns = txns.iter().map(|(k, t)| ((*k).to_owned(), *t)).collect();
    let quotes = quotes.iter().enumerate().map(|(i, (k, t))| ((*k).to_owned(), *t, i as f64)).collect();
    (txns, quotes, tolerance)
}

/// How many rows one side of a random input has: none only when the trial mixes in empty values (`@empty`).
fn count(g: &mut Gen) -> usize {
    let n = g.len();
    if n == 0 && !g.edges().contains(Edges::EMPTY) { 1 } else { n }
}

/// A key from a small pool (so keys are shared), or with `@empty` now and then an empty or blank one.
fn key(g: &mut Gen) -> String {
    g.text(|g| g.id("k", 3))
}

/// A multiple of 4 up to 120, or with `@extremes` now and then `i64::MAX` (no staleness limit).
fn tolerance(g: &mut Gen) -> i64 {
    if g.edges().contains(Edges::EXTREMES) && g.bool(0.25) {
        return i64::MAX;
    }
    4 * g.i64(0, 30)
}

/// Random unsorted inputs where no situation owned by the edge cases can occur: quote times are distinct multiples
/// of 4, transaction times 1 more than a multiple of 4 (no exact match; a backward distance is 1 mod 4, a forward one
/// 3 mod 4, so no nearest tie), the tolerance a multiple of 4 (no quote exactly `tolerance` away). Quote values
/// (NaN with `@nan`), keys and empty sides are the variants' boundary values.
fn random_asof(g: &mut Gen) -> Input {
    let m = count(g);
    // Times straddle zero, so a bound computed as `txn.ts - tolerance` or `quote.ts + tolerance` meets `i64::MAX`.
    let span = m as i64 * 25;
    let mut quotes: Vec<(String, i64, f64)> =
        (0..m as i64).map(|i| (key(g), 4 * (i * 25 + g.i64(0, 24) - span / 2), g.f64(0.5, 2.0))).collect();
    for i in (1..quotes.len()).rev() {
        let j = g.index(i + 1);
        quotes.swap(i, j);
    }
    let n = count(g);
    let txns = g.vec(n, |g| (key(g), 4 * (g.i64(-3, span + 3) - span / 2) + 1));
    (txns, quotes, tolerance(g))
}

/// The tolerance keeps the generator's domain: a multiple of 4 (no boundary), or `i64::MAX`.
fn valid((_, _, tol): &Input) -> bool {
    *tol == i64::MAX || (*tol >= 0 && tol % 4 == 0)
}

/// Random unsorted inputs full of quotes republished at the same time, and nothing else the edge cases own: quote
/// times are multiples of 4 from a small pool, transaction times 1 more than a multiple of 4, and the tolerance is
/// larger than any distance (its boundary and its enforcement are other cases'). Enough quotes per key that a sort
/// which is not stable shows.
fn random_ties(g: &mut Gen) -> Input {
    let m = 1 + g.size();
    let pool = (m as i64 / 8).max(1);
    let quotes = g.vec(m, |g| (g.id("k", 2), 4 * g.i64(0, pool), 1.0));
    let n = 1 + g.size() / 2;
    let txns = g.vec(n, |g| (g.id("k", 2), 4 * g.i64(-1, pool + 1) + 1));
    (txns, quotes, 4 * (pool + 2))
}

/// The large input of the scaling cases: n transactions and n quotes over 10 keys, both growing with the size.
fn large(g: &mut Gen) -> Input {
    let n = g.size();
    let quotes = (0..n).map(|i| (format!("k{}", i % 10), g.i64(0, 10_000_000), 1.0)).collect();
    let txns = (0..n).map(|i| (format!("k{}", i % 10), g.i64(0, 10_000_000))).collect();
    (txns, quotes, 50_000)
}

/// Checks that `run` rejects a negative tolerance whatever the inputs hold, and accepts a zero one.
fn checks_the_tolerance(run: fn(&Input) -> Out) -> Outcome {
    let err = Err("NegativeTolerance(-5)".to_owned());
    expect_eq(&run(&input(&[("k", 1)], &[("k", 1)], -5)), &err).context("one transaction and one quote")?;
    expect_eq(&run(&input(&[], &[("k", 1)], -5)), &err).context("no transactions")?;
    expect_eq(&run(&input(&[("k", 1)], &[], -5)), &err).context("no quotes")?;
    expect_eq(&run(&input(&[], &[], -5)), &err).context("no transactions and no quotes")?;
    expect(run(&input(&[("k", 1)], &[("k", 3)], 0)).is_ok(), "a tolerance of 0 is valid, not an error")
}

pub fn cases() -> Vec<Case> {
    vec![
        case(
            "joins_a_small_example",
            Kind::Correctness,
            "latest quote of the same key at or before the transaction, within the tolerance",
        )
        .rules(&["R1", "R3"])
        .weight(2)
        .check(|| {
            let quotes = [("eur", 100), ("usd", 90), ("eur", 40), ("eur", 160)];
            let txns = [("eur", 130), ("eur", 30), ("usd", 250), ("usd", 95), ("gbp", 100), ("eur", 175)];
            expect_eq(&cand::asof(&input(&txns, &quotes, 60)), &Ok(vec![Some(0), None, None, Some(1), None, Some(3)]))
        }),
        case(
            "matches_the_reference_on_random_inputs",
            Kind::Correctness,
            "any unsorted quotes and transactions over several keys",
        )
        .rules(&["R1", "R3"])
        .edges(Edges::EMPTY | Edges::BLANK, &["R1", "R3", "R4"])
        .edges(Edges::NAN | Edges::INFINITE | Edges::NEG_ZERO, &["R1"])
        .edges(Edges::EXTREMES, &["R4"])
        .weight(3)
        .differential_within(random_asof, valid, cand::asof, refr::asof),
        case("unsorted_quotes_are_accepted", Kind::Correctness, "feeds arrive out of order; sorting is the join's job")
            .rules(&["R3"])
            .check(|| {
                let quotes = [("k", 50), ("k", 10), ("k", 30), ("k", 20)];
                expect_eq(&cand::asof(&input(&[("k", 35), ("k", 25)], &quotes, 100)), &Ok(vec![Some(2), Some(3)]))
            }),
        case(
            "a_negative_tolerance_is_an_error",
            Kind::Correctness,
            "a tolerance below zero is a caller bug, not an empty result, even when there is nothing to join",
        )
        .rules(&["R4"])
        .check(|| checks_the_tolerance(cand::asof)),
        case(
            "nearest_matches_the_reference",
            Kind::Correctness,
            "the nearest quote either way within the tolerance, earlier at equal distance",
        )
        .rules(&["nearest.R1", "nearest.R2", "nearest.R4"])
        .stage("nearest")
        .edges(Edges::EMPTY | Edges::BLANK, &["nearest.R1", "nearest.R4", "nearest.R5"])
        .edges(Edges::NAN | Edges::INFINITE | Edges::NEG_ZERO, &["nearest.R1"])
        .edges(Edges::EXTREMES, &["nearest.R5"])
        .weight(2)
        .differential_within(random_asof, valid, cand::nearest, refr::nearest),
        case("nearest_looks_forward_too", Kind::Correctness, "a quote 2 s after beats one 9 s before")
            .rules(&["nearest.R1", "nearest.R2"])
            .stage("nearest")
            .check(|| {
                let quotes = [("k", 0), ("k", 11)];
                expect_eq(&cand::nearest(&input(&[("k", 9), ("k", 5)], &quotes, 10)), &Ok(vec![Some(1), Some(0)]))
            }),
        case(
            "nearest_validates_the_tolerance",
            Kind::Correctness,
            "the follow-up rejects a negative tolerance like the core, even when there is nothing to join",
        )
        .rules(&["nearest.R5"])
        .stage("nearest")
        .check(|| checks_the_tolerance(cand::nearest)),
        case(
            "no_transactions_or_no_quotes",
            Kind::EdgeEmpty,
            "nothing to join is a normal batch: no rows, or no match for any row",
        )
        .rules(&["R3", "R4"])
        .weight(2)
        .check(|| {
            expect_eq(&cand::asof(&input(&[], &[("k", 1)], 5)), &Ok(Vec::new())).context("no transactions")?;
            expect_eq(&cand::asof(&input(&[("k", 1), ("j", 2)], &[], 5)), &Ok(vec![None, None])).context("no quotes")?;
            expect_eq(&cand::asof(&input(&[("j", 2)], &[("k", 1)], 5)), &Ok(vec![None])).context("a key without quotes")
        }),
        case(
            "nearest_with_no_transactions_or_no_quotes",
            Kind::EdgeEmpty,
            "the follow-up handles an empty batch and a key without quotes too",
        )
        .rules(&["nearest.R4", "nearest.R5"])
        .stage("nearest")
        .check(|| {
            expect_eq(&cand::nearest(&input(&[], &[("k", 1)], 5)), &Ok(Vec::new())).context("no transactions")?;
            expect_eq(&cand::nearest(&input(&[("k", 1), ("j", 2)], &[], 5)), &Ok(vec![None, None]))
                .context("no quotes")?;
            expect_eq(&cand::nearest(&input(&[("j", 2)], &[("k", 1)], 5)), &Ok(vec![None]))
                .context("a key without quotes")
        }),
        case("a_single_transaction_and_quote", Kind::EdgeSingle, "one of each: a match inside the tolerance")
            .rules(&["R1"])
            .check(|| expect_eq(&cand::asof(&input(&[("k", 7)], &[("k", 3)], 10)), &Ok(vec![Some(0)]))),
        case(
            "an_exact_time_match_counts",
            Kind::EdgeTies,
            "at or before: a quote at the transaction's own time is the freshest one",
        )
        .rules(&["R1"])
        .weight(2)
        .check(|| expect_eq(&cand::asof(&input(&[("k", 100)], &[("k", 90), ("k", 100)], 50)), &Ok(vec![Some(1)]))),
        case(
            "the_last_of_equal_time_quotes_wins",
            Kind::EdgeTies,
            "a corrected quote republished at the same time replaces the earlier one",
        )
        .rules(&["R2"])
        .weight(2)
        .check(|| {
            let quotes = [("k", 80), ("k", 80), ("j", 80), ("k", 80), ("k", 10)];
            expect_eq(&cand::asof(&input(&[("k", 85)], &quotes, 50)), &Ok(vec![Some(3)]))
        }),
        case(
            "equal_time_quotes_on_random_inputs",
            Kind::EdgeTies,
            "many quotes republished at the same times: the last in input order wins, however the quotes are sorted",
        )
        .rules(&["R2"])
        .max_size(240)
        .differential_within(random_ties, valid, cand::asof, refr::asof),
        case(
            "a_quote_exactly_tolerance_old_matches",
            Kind::EdgeTies,
            "the tolerance is inclusive: 30 s old is within 30 s",
        )
        .rules(&["R1"])
        .check(|| expect_eq(&cand::asof(&input(&[("k", 100), ("k", 101)], &[("k", 70)], 30)), &Ok(vec![Some(0), None]))),
        case(
            "nearest_boundaries_are_inclusive",
            Kind::EdgeTies,
            "a quote at the transaction's time, or exactly `tolerance` before or after it, qualifies",
        )
        .rules(&["nearest.R1"])
        .stage("nearest")
        .check(|| {
            let exact = input(&[("k", 20)], &[("k", 20), ("k", 21), ("k", 19)], 5);
            expect_eq(&cand::nearest(&exact), &Ok(vec![Some(0)])).context("a quote at the transaction's time")?;
            let before = input(&[("k", 15)], &[("k", 10)], 5);
            expect_eq(&cand::nearest(&before), &Ok(vec![Some(0)])).context("a quote exactly `tolerance` before")?;
            let after = input(&[("k", 15)], &[("k", 20)], 5);
            expect_eq(&cand::nearest(&after), &Ok(vec![Some(0)])).context("a quote exactly `tolerance` after")
        }),
        case(
            "nearest_at_equal_distance_the_earlier_quote_wins",
            Kind::EdgeTies,
            "a quote as far before as another is after wins: the backward one",
        )
        .rules(&["nearest.R2"])
        .stage("nearest")
        .check(|| {
            let quotes = [("k", 10), ("k", 20), ("k", 30), ("k", 24)];
            expect_eq(&cand::nearest(&input(&[("k", 15), ("k", 27)], &quotes, 10)), &Ok(vec![Some(0), Some(3)]))
        }),
        case(
            "nearest_the_last_of_equal_time_quotes_wins",
            Kind::EdgeTies,
            "equal-time quotes after the transaction resolve like those before it: the last in input order",
        )
        .rules(&["nearest.R3"])
        .stage("nearest")
        .check(|| {
            let quotes = [("k", 30), ("k", 30), ("j", 30), ("k", 30), ("k", 10), ("k", 10)];
            let txns = [("k", 28), ("k", 12)];
            expect_eq(&cand::nearest(&input(&txns, &quotes, 20)), &Ok(vec![Some(3), Some(5)]))
        }),
        case(
            "nearest_equal_time_quotes_on_random_inputs",
            Kind::EdgeTies,
            "many quotes republished at the same times, on both sides of the transactions",
        )
        .rules(&["nearest.R3"])
        .stage("nearest")
        .max_size(240)
        .differential_within(random_ties, valid, cand::nearest, refr::nearest),
        case(
            "joins_100k_transactions_to_100k_quotes",
            Kind::Scaling,
            "O((n + m) log m): a scan of all quotes per transaction is quadratic",
        )
        .rules(&["R5"])
        .size(100_000)
        .scaling(
            large,
            |i: &Input| cand::asof(i).map(|v| v.iter().flatten().count()),
            |i: &Input| refr::asof(i).map(|v| v.iter().flatten().count()),
        ),
        case(
            "nearest_joins_100k_transactions_to_100k_quotes",
            Kind::Scaling,
            "the follow-up keeps O((n + m) log m): a scan of all quotes per transaction is quadratic",
        )
        .rules(&["nearest.R6"])
        .stage("nearest")
        .size(100_000)
        .scaling(
            large,
            |i: &Input| cand::nearest(i).map(|v| v.iter().flatten().count()),
            |i: &Input| refr::nearest(i).map(|v| v.iter().flatten().count()),
        ),
    ]
}
