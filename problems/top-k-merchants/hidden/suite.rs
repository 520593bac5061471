//! Hidden suite: top-K merchants by total spend, then over a stream of aggregated totals in O(k) memory.

use harness_support::prelude::*;
use std::collections::HashSet;

use candidate as cand;
use reference as refr;

/// Transactions (or stream items) as plain data: `(merchant_id, amount or total)`.
type Rows = Vec<(String, f64)>;
/// What both functions return: `(merchant_id, total)`, best first.
type Ranking = Vec<(String, f64)>;

fn rows(spec: &[(&str, f64)]) -> Rows {
    spec.iter().map(|(m, a)| ((*m).to_owned(), *a)).collect()
}

/// An expected answer, written out by hand.
fn ranking(spec: &[(&str, f64)]) -> Ranking {
    rows(spec)
}

fn cand_top(rows: &[(String, f64)], k: usize) -> Ranking {
    let txns: Vec<cand::Txn> = rows.iter().map(|(m, a)| cand::Txn { merchant_id: m.clone(), amount: *a }).collect();
    cand::top_k_merchants(&txns, k)
}

fn refr_top(rows: &[(String, f64)], k: usize) -> Ranking {
    let txns: Vec<refr::Txn> = rows.iter().map(|(m, a)| refr::Txn { merchant_id: m.clone(), amount: *a }).collect();
    refr::top_k_merchants(&txns, k)
}

/// The candidate's stream stage, fed through a plain iterator (not a collection it could index).
fn cand_stream(rows: &[(String, f64)], k: usize) -> Ranking {
    cand::top_k_stream(rows.iter().cloned(), k)
}

fn refr_stream(rows: &[(String, f64)], k: usize) -> Ranking {
    refr::top_k_stream(rows.iter().cloned(), k)
}

fn merchants(rows: &[(String, f64)]) -> usize {
    rows.iter().map(|(m, _)| m.as_str()).collect::<HashSet<_>>().len()
}

/// A random differential input: at least one row, and `1 <= k <= merchants`. Empty input, `k = 0` and `k` beyond
/// the merchant count belong to the edge cases, so shrinking keeps every smaller input inside these bounds too.
#[derive(Debug, Clone)]
struct Batch {
    rows: Rows,
    k: usize,
}

impl Shrink for Batch {
    fn shrink(&self) -> Vec<Self> {
        let smaller_k = self.k.shrink().into_iter().filter(|&k| k >= 1).map(|k| Batch { rows: self.rows.clone(), k });
        let fewer_rows = self
            .rows
            .shrink()
            .into_iter()
            .filter(|rows| !rows.is_empty())
            .map(|rows| Batch { k: self.k.min(merchants(&rows)), rows });
        smaller_k.chain(fewer_rows).collect()
    }
}

/// Transactions over a small merchant pool (so totals aggregate several rows), with continuous amounts from
/// -200 to 500 (refunds included) so that two totals are never equal or within rounding noise of each other.
fn random_batch(g: &mut Gen) -> Batch {
    let pool = g.usize(1, 12);
    let n = g.usize(1, g.size());
    let rows = g.vec(n, |g| (g.id("m", pool), g.f64(-200.0, 500.0)));
    let k = g.usize(1, merchants(&rows));
    Batch { rows, k }
}

/// Already-aggregated totals, one per merchant, continuous (no ties), negatives included.
fn random_totals(g: &mut Gen) -> Batch {
    let n = g.usize(1, g.size());
    let rows = (0..n).map(|i| (format!("m{i}"), g.f64(-200.0, 1000.0))).collect();
    let k = g.usize(1, n);
    Batch { rows, k }
}

/// A deterministic, well-spread total in [0, 1e6) for item `i` of the memory stream (splitmix64 bits).
fn spread(i: u64) -> f64 {
    let mut z = i.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64 * 1e6
}

/// `n` aggregated totals produced lazily: nothing exists until the consumer pulls it.
fn lazy_totals(n: usize) -> impl Iterator<Item = (String, f64)> {
    (0..n as u64).map(|i| (format!("merchant-{i:07}"), spread(i)))
}

pub fn cases() -> Vec<Case> {
    vec![
        case(
            "ranks_merchants_by_total_spend",
            Kind::Correctness,
            "the basic contract: totals per merchant, largest first, exactly k of them",
        )
        .weight(2)
        .check(|| {
            let batch = rows(&[
                ("grocer", 42.0),
                ("airline", 310.0),
                ("cafe", 4.5),
                ("grocer", 18.25),
                ("casino", 250.0),
                ("cafe", 3.75),
                ("airline", 95.5),
                ("casino", 120.0),
            ]);
            expect_eq(&cand_top(&batch, 3), &ranking(&[("airline", 405.5), ("casino", 370.0), ("grocer", 60.25)]))
                .context("k = 3 of 4 merchants")?;
            expect_eq(&cand_top(&batch, 1), &ranking(&[("airline", 405.5)])).context("k = 1")?;
            expect_eq(
                &cand_top(&batch, 4),
                &ranking(&[("airline", 405.5), ("casino", 370.0), ("grocer", 60.25), ("cafe", 8.25)]),
            )
            .context("k = number of merchants")
        }),
        case(
            "refunds_reduce_a_merchants_total",
            Kind::Correctness,
            "a negative amount is a refund: totals can reach zero or below and still rank",
        )
        .weight(2)
        .check(|| {
            let batch = rows(&[
                ("shoes", 120.0),
                ("shoes", -120.0),
                ("books", 30.0),
                ("tickets", 200.0),
                ("tickets", -350.0),
                ("books", -5.0),
                ("games", -15.0),
            ]);
            expect_eq(
                &cand_top(&batch, 4),
                &ranking(&[("books", 25.0), ("shoes", 0.0), ("games", -15.0), ("tickets", -150.0)]),
            )
            .context("all four merchants")?;
            expect_eq(&cand_top(&batch, 2), &ranking(&[("books", 25.0), ("shoes", 0.0)])).context("k = 2")
        }),
        case(
            "matches_the_reference_on_random_batches",
            Kind::Correctness,
            "any batch over a small merchant pool aggregates and ranks like the rules say",
        )
        .weight(3)
        .differential(random_batch, |b| cand_top(&b.rows, b.k), |b| refr_top(&b.rows, b.k)),
        case(
            "stream_ranks_aggregated_totals",
            Kind::Correctness,
            "the stream stage gives the same ranking over pre-aggregated totals",
        )
        .stage("stream")
        .check(|| {
            let totals = rows(&[
                ("airline", 405.5),
                ("cafe", 8.25),
                ("refunds-co", -40.0),
                ("casino", 370.0),
                ("grocer", 60.25),
            ]);
            expect_eq(&cand_stream(&totals, 3), &ranking(&[("airline", 405.5), ("casino", 370.0), ("grocer", 60.25)]))
                .context("k = 3")?;
            expect_eq(
                &cand_stream(&totals, 5),
                &ranking(&[
                    ("airline", 405.5),
                    ("casino", 370.0),
                    ("grocer", 60.25),
                    ("cafe", 8.25),
                    ("refunds-co", -40.0),
                ]),
            )
            .context("k = number of items")
        }),
        case(
            "stream_matches_the_reference",
            Kind::Correctness,
            "the best k of any stream of distinct merchants, whatever order they arrive in",
        )
        .stage("stream")
        .weight(2)
        .differential(random_totals, |b| cand_stream(&b.rows, b.k), |b| refr_stream(&b.rows, b.k)),
        case(
            "no_transactions_or_k_zero_gives_an_empty_list",
            Kind::EdgeEmpty,
            "nothing to rank, or nothing asked for, is an empty queue, not a panic",
        )
        .weight(2)
        .check(|| {
            expect_eq(&cand_top(&[], 3), &Vec::new()).context("no transactions, k = 3")?;
            expect_eq(&cand_top(&rows(&[("a", 5.0), ("b", 7.0)]), 0), &Vec::new()).context("two merchants, k = 0")?;
            expect_eq(&cand_top(&[], 0), &Vec::new()).context("no transactions, k = 0")
        }),
        case(
            "an_empty_stream_or_k_zero_gives_an_empty_list",
            Kind::EdgeEmpty,
            "the stream stage has the same empty cases",
        )
        .stage("stream")
        .check(|| {
            expect_eq(&cand_stream(&[], 3), &Vec::new()).context("empty stream, k = 3")?;
            expect_eq(&cand_stream(&rows(&[("a", 5.0), ("b", 7.0)]), 0), &Vec::new()).context("two items, k = 0")
        }),
        case(
            "a_single_merchant_is_the_whole_ranking",
            Kind::EdgeSingle,
            "one merchant, whatever k, is a one-line queue with its summed total",
        )
        .check(|| {
            expect_eq(&cand_top(&rows(&[("solo", 42.5)]), 1), &ranking(&[("solo", 42.5)]))
                .context("one transaction, k = 1")?;
            let three = rows(&[("solo", 10.0), ("solo", 2.5), ("solo", 7.25)]);
            expect_eq(&cand_top(&three, 1), &ranking(&[("solo", 19.75)])).context("three transactions, k = 1")?;
            expect_eq(&cand_top(&three, 4), &ranking(&[("solo", 19.75)])).context("three transactions, k = 4")
        }),
        case("a_single_item_stream", Kind::EdgeSingle, "a stream of one item is that item, even when k is larger")
            .stage("stream")
            .check(|| {
                expect_eq(&cand_stream(&rows(&[("solo", 42.5)]), 1), &ranking(&[("solo", 42.5)])).context("k = 1")?;
                expect_eq(&cand_stream(&rows(&[("solo", 42.5)]), 3), &ranking(&[("solo", 42.5)])).context("k = 3")
            }),
        case(
            "equal_totals_are_ordered_by_merchant_id",
            Kind::EdgeTies,
            "ties are ordered by id ascending, and that order decides who makes the k-th place",
        )
        .weight(2)
        .check(|| {
            // Five merchants tie at 20.0 (two of them only after aggregation); byte order puts "m10" before "m2".
            let batch = rows(&[
                ("m9", 20.0),
                ("m10", 20.0),
                ("acme", 5.0),
                ("zeta", 12.0),
                ("beta", 12.0),
                ("m2", 20.0),
                ("zeta", 8.0),
                ("beta", 8.0),
                ("alpha", 30.0),
            ]);
            expect_eq(&cand_top(&batch, 3), &ranking(&[("alpha", 30.0), ("beta", 20.0), ("m10", 20.0)]))
                .context("k = 3 cuts inside the tie")?;
            expect_eq(
                &cand_top(&batch, 7),
                &ranking(&[
                    ("alpha", 30.0),
                    ("beta", 20.0),
                    ("m10", 20.0),
                    ("m2", 20.0),
                    ("m9", 20.0),
                    ("zeta", 20.0),
                    ("acme", 5.0),
                ]),
            )
            .context("every merchant")?;
            expect_eq(&cand_top(&rows(&[("b", 1.5), ("a", 1.5)]), 2), &ranking(&[("a", 1.5), ("b", 1.5)]))
                .context("two merchants, one tie")
        }),
        case(
            "stream_ties_are_ordered_by_merchant_id",
            Kind::EdgeTies,
            "a tie at the k-th place is won by the smaller id, not by whoever arrived first",
        )
        .stage("stream")
        .check(|| {
            let items = rows(&[("d", 5.0), ("b", 5.0), ("a", 9.0), ("c", 5.0), ("e", 1.0)]);
            expect_eq(&cand_stream(&items, 2), &ranking(&[("a", 9.0), ("b", 5.0)])).context("k = 2")?;
            expect_eq(&cand_stream(&items, 3), &ranking(&[("a", 9.0), ("b", 5.0), ("c", 5.0)])).context("k = 3")?;
            expect_eq(&cand_stream(&items, 5), &ranking(&[("a", 9.0), ("b", 5.0), ("c", 5.0), ("d", 5.0), ("e", 1.0)]))
                .context("k = 5")
        }),
        case(
            "nan_amounts_are_skipped",
            Kind::EdgeNan,
            "a lost amount must neither poison a total nor invent a merchant",
        )
        .weight(2)
        .check(|| {
            let batch =
                rows(&[("a", 10.0), ("b", f64::NAN), ("a", f64::NAN), ("c", 7.0), ("a", 5.0), ("ghost", f64::NAN)]);
            expect_eq(&cand_top(&batch, 2), &ranking(&[("a", 15.0), ("c", 7.0)])).context("k = 2")?;
            expect_eq(&cand_top(&batch, 3), &ranking(&[("a", 15.0), ("c", 7.0)]))
                .context("k = 3: merchants with only NaN amounts do not exist")?;
            expect_eq(&cand_top(&rows(&[("x", f64::NAN)]), 1), &Vec::new()).context("only a NaN row")
        }),
        case(
            "nan_totals_in_the_stream_are_skipped",
            Kind::EdgeNan,
            "a NaN total in the stream is dropped, never ranked first or last",
        )
        .stage("stream")
        .check(|| {
            let items = rows(&[("a", 5.0), ("b", f64::NAN), ("c", 7.0), ("d", f64::NAN)]);
            expect_eq(&cand_stream(&items, 2), &ranking(&[("c", 7.0), ("a", 5.0)])).context("k = 2")?;
            expect_eq(&cand_stream(&items, 4), &ranking(&[("c", 7.0), ("a", 5.0)])).context("k = 4")
        }),
        case(
            "ranks_300k_transactions_over_100k_merchants",
            Kind::Scaling,
            "aggregation must be a hash map, not a scan of the merchants seen so far per row",
        )
        .weight(2)
        .size(300_000)
        .scaling(
            |g| {
                let n = g.size();
                (0..n).map(|_| (format!("merchant-{:06}", g.index(100_000)), g.f64(1.0, 1000.0))).collect::<Rows>()
            },
            |batch: &Rows| cand_top(batch, 100),
            |batch: &Rows| refr_top(batch, 100),
        ),
        case(
            "stream_keeps_only_k_items_in_memory",
            Kind::Memory,
            "1M lazily produced totals: a size-k heap fits the budget, collecting them all does not",
        )
        .stage("stream")
        .weight(2)
        .size(1_000_000)
        .memory(lazy_totals, |items| cand::top_k_stream(items, 10), |items| refr::top_k_stream(items, 10)),
    ]
}
