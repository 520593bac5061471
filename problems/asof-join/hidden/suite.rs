//! Hidden suite: backward as-of join with tolerance over unsorted inputs, and the nearest variant.

use harness_support::prelude::*;

use candidate as cand;
use reference as refr;

/// An as-of join as plain data: transactions (key, time), quotes (key, time), tolerance.
type Input = (Vec<(String, i64)>, Vec<(String, i64)>, i64);
type Out = Result<Vec<Option<usize>>, String>;

fn cand_txns(rows: &[(String, i64)]) -> Vec<cand::Txn> {
    rows.iter().map(|(k, t)| cand::Txn { key: k.clone(), ts: *t }).collect()
}

fn refr_txns(rows: &[(String, i64)]) -> Vec<refr::Txn> {
    rows.iter().map(|(k, t)| refr::Txn { key: k.clone(), ts: *t }).collect()
}

fn cand_quotes(rows: &[(String, i64)]) -> Vec<cand::Quote> {
    rows.iter().enumerate().map(|(i, (k, t))| cand::Quote { key: k.clone(), ts: *t, value: i as f64 }).collect()
}

fn refr_quotes(rows: &[(String, i64)]) -> Vec<refr::Quote> {
    rows.iter().enumerate().map(|(i, (k, t))| refr::Quote { key: k.clone(), ts: *t, value: i as f64 }).collect()
}

fn cand_err(e: cand::AsofError) -> String {
    match e {
        cand::AsofError::NegativeTolerance(t) => format!("NegativeTolerance({t})"),
    }
}

fn refr_err(e: refr::AsofError) -> String {
    match e {
        refr::AsofError::NegativeTolerance(t) => format!("NegativeTolerance({t})"),
    }
}

fn cand_asof((t, q, tol): &Input) -> Out {
    cand::asof_join(&cand_txns(t), &cand_quotes(q), *tol).map_err(cand_err)
}

fn refr_asof((t, q, tol): &Input) -> Out {
    refr::asof_join(&refr_txns(t), &refr_quotes(q), *tol).map_err(refr_err)
}

fn cand_nearest((t, q, tol): &Input) -> Out {
    cand::asof_nearest(&cand_txns(t), &cand_quotes(q), *tol).map_err(cand_err)
}

fn refr_nearest((t, q, tol): &Input) -> Out {
    refr::asof_nearest(&refr_txns(t), &refr_quotes(q), *tol).map_err(refr_err)
}

fn rows(spec: &[(&str, i64)]) -> Vec<(String, i64)> {
    spec.iter().map(|(k, t)| ((*k).to_owned(), *t)).collect()
}

/// Random unsorted inputs where no situation owned by the edge cases can occur: quote times are even and distinct,
/// transaction times odd (no exact matches), the tolerance even (no quote exactly `tolerance` old).
fn random_asof(g: &mut Gen) -> Input {
    let m = g.len().max(1);
    let mut quotes: Vec<(String, i64)> = (0..m as i64).map(|i| (g.id("k", 3), 2 * (i * 50 + g.i64(0, 49)))).collect();
    for i in (1..quotes.len()).rev() {
        let j = g.index(i + 1);
        quotes.swap(i, j);
    }
    let n = g.len().max(1);
    let span = m as i64 * 50;
    let txns = g.vec(n, |g| (g.id("k", 3), 2 * g.i64(-5, span + 5) + 1));
    (txns, quotes, 2 * g.i64(0, 60))
}

fn valid((t, q, tol): &Input) -> bool {
    !t.is_empty() && !q.is_empty() && *tol >= 0 && tol % 2 == 0
}

pub fn cases() -> Vec<Case> {
    vec![
        case(
            "joins_a_small_example",
            Kind::Correctness,
            "latest quote of the same key at or before the transaction, within the tolerance",
        )
        .weight(2)
        .check(|| {
            let quotes = rows(&[("eur", 100), ("usd", 90), ("eur", 40), ("eur", 160)]);
            let txns = rows(&[("eur", 130), ("eur", 30), ("usd", 250), ("usd", 95), ("gbp", 100), ("eur", 175)]);
            expect_eq(&cand_asof(&(txns, quotes, 60)), &Ok(vec![Some(0), None, None, Some(1), None, Some(3)]))
        }),
        case(
            "matches_the_reference_on_random_inputs",
            Kind::Correctness,
            "any unsorted quotes and transactions over several keys",
        )
        .weight(3)
        .differential_within(random_asof, valid, cand_asof, refr_asof),
        case("unsorted_quotes_are_accepted", Kind::Correctness, "feeds arrive out of order; sorting is the join's job")
            .check(|| {
                let quotes = rows(&[("k", 50), ("k", 10), ("k", 30), ("k", 20)]);
                expect_eq(&cand_asof(&(rows(&[("k", 35), ("k", 25)]), quotes, 100)), &Ok(vec![Some(2), Some(3)]))
            }),
        case(
            "a_negative_tolerance_is_an_error",
            Kind::Correctness,
            "a tolerance below zero is a caller bug, not an empty result",
        )
        .check(|| {
            expect_eq(&cand_asof(&(rows(&[("k", 1)]), rows(&[("k", 1)]), -5)), &Err("NegativeTolerance(-5)".to_owned()))
        }),
        case(
            "nearest_matches_the_reference",
            Kind::Correctness,
            "the nearest quote either way within the tolerance, earlier at equal distance",
        )
        .stage("nearest")
        .weight(2)
        .differential_within(random_asof, valid, cand_nearest, refr_nearest),
        case("nearest_looks_forward_too", Kind::Correctness, "a quote 2 s after beats one 9 s before")
            .stage("nearest")
            .check(|| {
                let quotes = rows(&[("k", 0), ("k", 11)]);
                expect_eq(&cand_nearest(&(rows(&[("k", 9), ("k", 5)]), quotes, 10)), &Ok(vec![Some(1), Some(0)]))
            }),
        case(
            "no_transactions_or_no_quotes",
            Kind::EdgeEmpty,
            "nothing to join is a normal batch: no rows, or no match for any row",
        )
        .weight(2)
        .check(|| {
            expect_eq(&cand_asof(&(Vec::new(), rows(&[("k", 1)]), 5)), &Ok(Vec::new())).context("no transactions")?;
            expect_eq(&cand_asof(&(rows(&[("k", 1), ("j", 2)]), Vec::new(), 5)), &Ok(vec![None, None]))
                .context("no quotes")
        }),
        case("a_single_transaction_and_quote", Kind::EdgeSingle, "one of each: a match inside the tolerance")
            .check(|| expect_eq(&cand_asof(&(rows(&[("k", 7)]), rows(&[("k", 3)]), 10)), &Ok(vec![Some(0)]))),
        case(
            "an_exact_time_match_counts",
            Kind::EdgeTies,
            "at or before: a quote at the transaction's own time is the freshest one",
        )
        .weight(2)
        .check(|| {
            let quotes = rows(&[("k", 90), ("k", 100)]);
            expect_eq(&cand_asof(&(rows(&[("k", 100)]), quotes, 50)), &Ok(vec![Some(1)]))
        }),
        case(
            "the_last_of_equal_time_quotes_wins",
            Kind::EdgeTies,
            "a corrected quote republished at the same time replaces the earlier one",
        )
        .weight(2)
        .check(|| {
            let quotes = rows(&[("k", 80), ("k", 80), ("j", 80), ("k", 80), ("k", 10)]);
            expect_eq(&cand_asof(&(rows(&[("k", 85)]), quotes, 50)), &Ok(vec![Some(3)]))
        }),
        case(
            "a_quote_exactly_tolerance_old_matches",
            Kind::EdgeTies,
            "the tolerance is inclusive: 30 s old is within 30 s",
        )
        .check(|| {
            let quotes = rows(&[("k", 70)]);
            expect_eq(&cand_asof(&(rows(&[("k", 100), ("k", 101)]), quotes, 30)), &Ok(vec![Some(0), None]))
        }),
        case(
            "joins_100k_transactions_to_100k_quotes",
            Kind::Scaling,
            "O((n + m) log m): a scan of all quotes per transaction is quadratic",
        )
        .size(100_000)
        .scaling(
            |g| {
                let n = g.size();
                let quotes: Vec<(String, i64)> =
                    (0..n).map(|i| (format!("k{}", i % 10), g.i64(0, 10_000_000))).collect();
                let txns: Vec<(String, i64)> = (0..n).map(|i| (format!("k{}", i % 10), g.i64(0, 10_000_000))).collect();
                (txns, quotes, 50_000)
            },
            |i: &Input| cand_asof(i).map(|v| v.iter().flatten().count()),
            |i: &Input| refr_asof(i).map(|v| v.iter().flatten().count()),
        ),
    ]
}
