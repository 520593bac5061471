//! Hidden suite: top-K merchants by total spend, then over a stream of aggregated totals in O(k) memory.

use harness_support::prelude::*;
use std::collections::HashSet;

/// Transactions (or stream items) as plain data: `(merchant_id, amount or total)`.
type Rows = Vec<(String, f64)>;
/// What both functions return: `(merchant_id, total)`, best first.
type Ranking = Vec<(String, f64)>;

// The adapters, written once for both sides: `cand::top` calls the candidate, `refr::top` the reference.
sides! {
    /// The rows as this side's transactions.
    pub fn txns(rows: &[(String, f64)]) -> Vec<api::Txn> {
        rows.iter().map(|(m, a)| api::Txn { merchant_id: m.clone(), amount: *a }).collect()
    }

    /// The core stage over `rows` as transactions.
    pub fn top(rows: &[(String, f64)], k: usize) -> Ranking {
        api::top_k_merchants(&txns(rows), k)
    }

    /// The stream stage, fed through a plain iterator (not a collection it could index).
    pub fn stream(rows: &[(String, f64)], k: usize) -> Ranking {
        api::top_k_stream(rows.iter().cloned(), k)
    }
}

fn rows(spec: &[(&str, f64)]) -> Rows {
    spec.iter().map(|(m, a)| ((*m).to_owned(), *a)).collect()
}

/// An expected answer, written out by hand.
fn ranking(spec: &[(&str, f64)]) -> Ranking {
    rows(spec)
}

/// The merchants rule 3 keeps: those with at least one amount (or stream total) that is a number.
fn live(rows: &[(String, f64)]) -> usize {
    rows.iter().filter(|(_, a)| !a.is_nan()).map(|(m, _)| m.as_str()).collect::<HashSet<_>>().len()
}

/// A random differential input: at least one row, and `1 <= k <= live merchants`. Empty input, `k = 0` and `k`
/// beyond the merchants are rule 5's (its own cases), so shrinking keeps every smaller input inside these bounds.
#[derive(Debug, Clone)]
struct Batch {
    rows: Rows,
    k: usize,
}

impl Batch {
    fn valid(&self) -> bool {
        !self.rows.is_empty() && self.k >= 1 && self.k <= live(&self.rows)
    }
}

impl Shrink for Batch {
    fn shrink(&self) -> Vec<Self> {
        let smaller_k = self.k.shrink().into_iter().filter(|&k| k >= 1).map(|k| Batch { rows: self.rows.clone(), k });
        let fewer_rows =
            self.rows.shrink().into_iter().map(|rows| Batch { k: self.k.min(live(&rows)), rows }).filter(Batch::valid);
        smaller_k.chain(fewer_rows).collect()
    }

    /// The NaN amounts it holds (ids are never empty, and neither are the rows).
    fn edges(&self) -> Edges {
        self.rows.edges()
    }
}

/// A `k` in `1..=live(rows)`, after making sure one merchant has a number (an all-NaN batch is rule 5's).
fn with_k(g: &mut Gen, mut rows: Rows, value: impl Fn(&mut Gen) -> f64) -> Batch {
    if live(&rows) == 0 {
        rows[0].1 = g.ordinary(value);
    }
    let k = g.usize(1, live(&rows));
    Batch { rows, k }
}

/// Transactions over a small merchant pool (so totals aggregate several rows), with continuous amounts from
/// -200 to 500 (refunds included) so that two totals are never equal or within rounding noise of each other. With
/// NaN on, some amounts are NaN, and a merchant whose every amount is NaN must vanish (rule 3).
fn random_batch(g: &mut Gen) -> Batch {
    let pool = g.usize(1, 12);
    let n = g.usize(1, g.size());
    let rows = g.vec(n, |g| (g.id("m", pool), g.f64(-200.0, 500.0)));
    with_k(g, rows, |g| g.f64(-200.0, 500.0))
}

/// Transactions of whole amounts 1 to 4 over up to 20 merchants `m0` … `m19` (byte order puts `m10` before `m2`):
/// totals tie often, and the cut at k often falls inside a tie. No refunds, no NaN: those are other rules' cases.
fn tied_batch(g: &mut Gen) -> Batch {
    let pool = g.usize(2, 20);
    let n = g.usize(1, g.size());
    let rows = g.vec(n, |g| (g.id("m", pool), g.i64(1, 4) as f64));
    let k = g.usize(1, live(&rows));
    Batch { rows, k }
}

/// `n` distinct merchant ids `m0` … in a random arrival order.
fn shuffled_ids(g: &mut Gen, n: usize) -> Vec<String> {
    let mut ids: Vec<String> = (0..n).map(|i| format!("m{i}")).collect();
    for i in (1..n).rev() {
        ids.swap(i, g.index(i + 1));
    }
    ids
}

/// Already-aggregated totals, one per merchant, continuous (no ties), negatives included; NaN totals with NaN on.
fn random_totals(g: &mut Gen) -> Batch {
    let n = g.usize(1, g.size());
    let rows = shuffled_ids(g, n).into_iter().map(|id| (id, g.f64(-200.0, 1000.0))).collect();
    with_k(g, rows, |g| g.f64(-200.0, 1000.0))
}

/// Aggregated totals that tie often (whole numbers 1 to 4), in a random arrival order.
fn tied_totals(g: &mut Gen) -> Batch {
    let n = g.usize(1, g.size());
    let rows: Rows = shuffled_ids(g, n).into_iter().map(|id| (id, g.i64(1, 4) as f64)).collect();
    let k = g.usize(1, n);
    Batch { rows, k }
}

/// A scaling input: the same transactions built for both sides before the measured call, so that what is measured
/// is the candidate's aggregation and selection, not the suite copying strings into `Txn`s.
struct Large {
    cand: Vec<cand::api::Txn>,
    refr: Vec<refr::api::Txn>,
    k: usize,
}

impl std::fmt::Debug for Large {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} transactions, k = {}", self.refr.len(), self.k)
    }
}

impl Large {
    fn new(rows: Rows, k: usize) -> Self {
        let refr = refr::txns(&rows);
        let cand = rows.into_iter().map(|(merchant_id, amount)| cand::api::Txn { merchant_id, amount }).collect();
        Large { cand, refr, k }
    }
}

/// `n` transactions over `n / 3` merchants (three rows each on average, so m grows with n), amounts continuous and
/// positive (no ties, no refunds: other rules' cases); a short queue that grows slowly, k = 10 + n / 3000.
fn many_transactions(g: &mut Gen) -> Large {
    let n = g.size();
    let pool = (n / 3).max(1);
    let rows: Rows = (0..n).map(|_| (format!("merchant-{:06}", g.index(pool)), g.f64(1.0, 1000.0))).collect();
    Large::new(rows, 10 + n / 3000)
}

/// `n` merchants with one transaction each, so that the selection over m = n merchants is most of the work, and
/// k = n / 16: a size-k heap costs about one comparison per merchant, a scan of the k kept per merchant grows like
/// m·k.
fn many_merchants(g: &mut Gen) -> Large {
    let n = g.size();
    let rows: Rows = (0..n).map(|i| (format!("m{i:07}"), g.f64(0.0, 1e6))).collect();
    Large::new(rows, (n / 16).max(1))
}

/// `n` aggregated totals, distinct merchants and totals, with k = n / 16.
fn many_totals(g: &mut Gen) -> (Rows, usize) {
    let n = g.size();
    let rows = (0..n).map(|i| (format!("merchant-{i:07}"), g.f64(0.0, 1e6))).collect();
    (rows, (n / 16).max(1))
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

/// The core stage's cases: fixed examples, random batches, then the edge cases.
fn core_cases() -> Vec<Case> {
    vec![
        case(
            "ranks_merchants_by_total_spend",
            Kind::Correctness,
            "the basic contract: totals per merchant, largest first, exactly k of them",
        )
        .rules(&["R1", "R4"])
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
            expect_eq(&cand::top(&batch, 3), &ranking(&[("airline", 405.5), ("casino", 370.0), ("grocer", 60.25)]))
                .context("k = 3 of 4 merchants")?;
            expect_eq(&cand::top(&batch, 1), &ranking(&[("airline", 405.5)])).context("k = 1")?;
            expect_eq(
                &cand::top(&batch, 4),
                &ranking(&[("airline", 405.5), ("casino", 370.0), ("grocer", 60.25), ("cafe", 8.25)]),
            )
            .context("k = number of merchants")
        }),
        case(
            "merchant_ids_are_exact_strings",
            Kind::Correctness,
            "ids that differ only in case or spacing are different merchants, each reported under its own id",
        )
        .rules(&["R1"])
        .weight(2)
        .check(|| {
            let batch = rows(&[
                ("Acme", 10.0),
                ("acme", 7.0),
                ("ACME", 4.0),
                ("acme ", 2.5),
                ("Acme", 6.0),
                (" acme", 1.0),
                ("acme", 2.0),
            ]);
            expect_eq(
                &cand::top(&batch, 5),
                &ranking(&[("Acme", 16.0), ("acme", 9.0), ("ACME", 4.0), ("acme ", 2.5), (" acme", 1.0)]),
            )
            .context("five merchants that a normalised id would merge")
        }),
        case(
            "refunds_reduce_a_merchants_total",
            Kind::Correctness,
            "a negative amount is a refund: totals can reach zero or below and still rank",
        )
        .rules(&["R2"])
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
                &cand::top(&batch, 4),
                &ranking(&[("books", 25.0), ("shoes", 0.0), ("games", -15.0), ("tickets", -150.0)]),
            )
            .context("all four merchants")?;
            expect_eq(&cand::top(&batch, 2), &ranking(&[("books", 25.0), ("shoes", 0.0)])).context("k = 2")
        }),
        case(
            "matches_the_reference_on_random_batches",
            Kind::Correctness,
            "any batch over a small merchant pool aggregates and ranks like the rules say",
        )
        .rules(&["R1", "R2", "R4", "R6"])
        .edges(Edges::NAN, &["R3"])
        .weight(3)
        .differential_within(
            random_batch,
            Batch::valid,
            |b| cand::top(&b.rows, b.k),
            |b| refr::top(&b.rows, b.k),
        ),
        case(
            "no_transactions_or_k_zero_gives_an_empty_list",
            Kind::EdgeEmpty,
            "nothing to rank, or nothing asked for, is an empty queue, not a panic",
        )
        .rules(&["R5"])
        .weight(2)
        .check(|| {
            expect_eq(&cand::top(&[], 3), &Vec::new()).context("no transactions, k = 3")?;
            expect_eq(&cand::top(&rows(&[("a", 5.0), ("b", 7.0)]), 0), &Vec::new()).context("two merchants, k = 0")?;
            expect_eq(&cand::top(&[], 0), &Vec::new()).context("no transactions, k = 0")
        }),
        case(
            "a_k_beyond_the_merchants_returns_every_merchant",
            Kind::EdgeEmpty,
            "asking for more merchants than there are returns all of them, ranked, not a panic",
        )
        .rules(&["R5"])
        .check(|| {
            let batch = rows(&[("b", 4.0), ("a", 9.0), ("c", 1.5), ("b", 3.0)]);
            let all = ranking(&[("a", 9.0), ("b", 7.0), ("c", 1.5)]);
            expect_eq(&cand::top(&batch, 4), &all).context("three merchants, k = 4")?;
            expect_eq(&cand::top(&batch, 1000), &all).context("three merchants, k = 1000")
        }),
        case(
            "a_single_merchant_is_the_whole_ranking",
            Kind::EdgeSingle,
            "one merchant, whatever k, is a one-line queue with its summed total",
        )
        .rules(&["R1", "R5"])
        .check(|| {
            expect_eq(&cand::top(&rows(&[("solo", 42.5)]), 1), &ranking(&[("solo", 42.5)]))
                .context("one transaction, k = 1")?;
            let three = rows(&[("solo", 10.0), ("solo", 2.5), ("solo", 7.25)]);
            expect_eq(&cand::top(&three, 1), &ranking(&[("solo", 19.75)])).context("three transactions, k = 1")?;
            expect_eq(&cand::top(&three, 4), &ranking(&[("solo", 19.75)])).context("three transactions, k = 4")
        }),
        case(
            "equal_totals_are_ordered_by_merchant_id",
            Kind::EdgeTies,
            "ties are ordered by id ascending, and that order decides who makes the k-th place",
        )
        .rules(&["R4"])
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
            expect_eq(&cand::top(&batch, 3), &ranking(&[("alpha", 30.0), ("beta", 20.0), ("m10", 20.0)]))
                .context("k = 3 cuts inside the tie")?;
            expect_eq(
                &cand::top(&batch, 7),
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
            expect_eq(&cand::top(&rows(&[("b", 1.5), ("a", 1.5)]), 2), &ranking(&[("a", 1.5), ("b", 1.5)]))
                .context("two merchants, one tie")
        }),
        case(
            "equal_totals_match_the_reference_on_random_batches",
            Kind::EdgeTies,
            "whole amounts over ids like m2 and m10 tie often: the order, and the cut at k, follow the ids",
        )
        .rules(&["R4"])
        .weight(2)
        .differential_within(
            tied_batch,
            Batch::valid,
            |b| cand::top(&b.rows, b.k),
            |b| refr::top(&b.rows, b.k),
        ),
        case(
            "nan_amounts_are_skipped",
            Kind::EdgeNan,
            "a lost amount must neither poison a total nor invent a merchant",
        )
        .rules(&["R3"])
        .weight(2)
        .check(|| {
            let batch =
                rows(&[("a", 10.0), ("b", f64::NAN), ("a", f64::NAN), ("c", 7.0), ("a", 5.0), ("ghost", f64::NAN)]);
            expect_eq(&cand::top(&batch, 2), &ranking(&[("a", 15.0), ("c", 7.0)])).context("k = 2")?;
            expect_eq(&cand::top(&batch, 3), &ranking(&[("a", 15.0), ("c", 7.0)]))
                .context("k = 3: merchants with only NaN amounts do not exist")?;
            expect_eq(&cand::top(&rows(&[("x", f64::NAN)]), 1), &Vec::new()).context("only a NaN row")
        }),
        case(
            "ranks_300k_transactions_over_100k_merchants",
            Kind::Scaling,
            "aggregation must be a hash map, not a scan of the merchants seen so far per row",
        )
        .rules(&["R7"])
        .weight(2)
        .size(300_000)
        .scaling(
            many_transactions,
            |l: &Large| cand::api::top_k_merchants(&l.cand, l.k),
            |l: &Large| refr::api::top_k_merchants(&l.refr, l.k),
        ),
        case(
            "selects_the_top_k_of_100k_merchants",
            Kind::Scaling,
            "one transaction per merchant: selecting k of m merchants must cost a size-k heap, not a scan of the \
             kept k per merchant",
        )
        .rules(&["R7"])
        .weight(2)
        .size(100_000)
        .scaling(
            many_merchants,
            |l: &Large| cand::api::top_k_merchants(&l.cand, l.k),
            |l: &Large| refr::api::top_k_merchants(&l.refr, l.k),
        ),
    ]
}

/// The stream stage's cases.
fn stream_cases() -> Vec<Case> {
    vec![
        case(
            "stream_ranks_aggregated_totals",
            Kind::Correctness,
            "the stream stage gives the same ranking over pre-aggregated totals",
        )
        .rules(&["stream.R1"])
        .stage("stream")
        .check(|| {
            let totals = rows(&[
                ("airline", 405.5),
                ("cafe", 8.25),
                ("refunds-co", -40.0),
                ("casino", 370.0),
                ("grocer", 60.25),
            ]);
            expect_eq(&cand::stream(&totals, 3), &ranking(&[("airline", 405.5), ("casino", 370.0), ("grocer", 60.25)]))
                .context("k = 3")?;
            expect_eq(
                &cand::stream(&totals, 5),
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
        .rules(&["stream.R1"])
        .edges(Edges::NAN, &["stream.R2"])
        .stage("stream")
        .weight(2)
        .differential_within(
            random_totals,
            Batch::valid,
            |b| cand::stream(&b.rows, b.k),
            |b| refr::stream(&b.rows, b.k),
        ),
        case(
            "an_empty_stream_or_k_zero_gives_an_empty_list",
            Kind::EdgeEmpty,
            "the stream stage has the same empty cases, and a k beyond the items returns them all",
        )
        .rules(&["stream.R3"])
        .stage("stream")
        .check(|| {
            expect_eq(&cand::stream(&[], 3), &Vec::new()).context("empty stream, k = 3")?;
            expect_eq(&cand::stream(&rows(&[("a", 5.0), ("b", 7.0)]), 0), &Vec::new()).context("two items, k = 0")?;
            expect_eq(&cand::stream(&rows(&[("x", f64::NAN)]), 2), &Vec::new()).context("only a NaN total, k = 2")?;
            let items = rows(&[("b", 4.0), ("a", 9.0), ("c", 1.5)]);
            expect_eq(&cand::stream(&items, 7), &ranking(&[("a", 9.0), ("b", 4.0), ("c", 1.5)]))
                .context("three items, k = 7")
        }),
        case("a_single_item_stream", Kind::EdgeSingle, "a stream of one item is that item, even when k is larger")
            .rules(&["stream.R1", "stream.R3"])
            .stage("stream")
            .check(|| {
                expect_eq(&cand::stream(&rows(&[("solo", 42.5)]), 1), &ranking(&[("solo", 42.5)])).context("k = 1")?;
                expect_eq(&cand::stream(&rows(&[("solo", 42.5)]), 3), &ranking(&[("solo", 42.5)])).context("k = 3")
            }),
        case(
            "stream_ties_are_ordered_by_merchant_id",
            Kind::EdgeTies,
            "a tie at the k-th place is won by the smaller id, not by whoever arrived first",
        )
        .rules(&["stream.R1"])
        .stage("stream")
        .check(|| {
            let items = rows(&[("d", 5.0), ("b", 5.0), ("a", 9.0), ("c", 5.0), ("e", 1.0)]);
            expect_eq(&cand::stream(&items, 2), &ranking(&[("a", 9.0), ("b", 5.0)])).context("k = 2")?;
            expect_eq(&cand::stream(&items, 3), &ranking(&[("a", 9.0), ("b", 5.0), ("c", 5.0)])).context("k = 3")?;
            expect_eq(&cand::stream(&items, 5), &ranking(&[("a", 9.0), ("b", 5.0), ("c", 5.0), ("d", 5.0), ("e", 1.0)]))
                .context("k = 5")
        }),
        case(
            "stream_equal_totals_match_the_reference",
            Kind::EdgeTies,
            "random streams of tied totals in any arrival order: ties and the cut at k follow the ids",
        )
        .rules(&["stream.R1"])
        .stage("stream")
        .differential_within(
            tied_totals,
            Batch::valid,
            |b| cand::stream(&b.rows, b.k),
            |b| refr::stream(&b.rows, b.k),
        ),
        case(
            "nan_totals_in_the_stream_are_skipped",
            Kind::EdgeNan,
            "a NaN total in the stream is dropped, never ranked first or last",
        )
        .rules(&["stream.R2"])
        .stage("stream")
        .check(|| {
            let items = rows(&[("a", 5.0), ("b", f64::NAN), ("c", 7.0), ("d", f64::NAN)]);
            expect_eq(&cand::stream(&items, 2), &ranking(&[("c", 7.0), ("a", 5.0)])).context("k = 2")?;
            expect_eq(&cand::stream(&items, 4), &ranking(&[("c", 7.0), ("a", 5.0)])).context("k = 4")
        }),
        case(
            "stream_keeps_only_k_items_in_memory",
            Kind::Memory,
            "1M lazily produced totals: a size-k heap fits the budget, collecting them all does not",
        )
        .rules(&["stream.R4"])
        .stage("stream")
        .weight(2)
        .size(1_000_000)
        .memory(
            lazy_totals,
            |items| cand::api::top_k_stream(items, 10),
            |items| refr::api::top_k_stream(items, 10),
        ),
        case(
            "stream_selects_the_top_k_of_300k_totals",
            Kind::Scaling,
            "each item costs O(log k) against a size-k heap, not a scan of the k kept",
        )
        .rules(&["stream.R5"])
        .stage("stream")
        .size(300_000)
        .scaling(
            many_totals,
            |(r, k): &(Rows, usize)| cand::stream(r, *k),
            |(r, k): &(Rows, usize)| refr::stream(r, *k),
        ),
    ]
}

pub fn cases() -> Vec<Case> {
    let mut cases = core_cases();
    cases.extend(stream_cases());
    cases
}
