//! Hidden suite: per-user window features (cumulative sum, dense rank, day gaps) and a rolling mean.

use harness_support::prelude::*;
use std::num::NonZeroUsize;

const DAY: i64 = 86_400;

/// An event as plain data: (user, timestamp or None for NULL, amount).
type Row = (String, Option<i64>, f64);
type Out = Vec<(f64, Option<u32>, Option<i64>)>;

// The adapters, written once for both sides: `cand::features` calls the candidate, `refr::features` the reference.
sides! {
    fn events(rows: &[Row]) -> Vec<api::Event> {
        rows.iter().map(|(u, t, a)| api::Event { user_id: u.clone(), ts: *t, amount: *a }).collect()
    }

    /// `window_features` as plain tuples (spend, rank, gap).
    pub fn features(rows: &[Row]) -> Out {
        api::window_features(&events(rows))
            .into_iter()
            .map(|f| (f.cum_spend, f.time_rank, f.days_since_prev))
            .collect()
    }

    /// `rolling_mean` with a window of `w + 1` (so a generated or shrunk `w` never reaches zero).
    pub fn rolling(rows: &[Row], w: usize) -> Vec<f64> {
        api::rolling_mean(&events(rows), window(w))
    }
}

fn window(w: usize) -> NonZeroUsize {
    NonZeroUsize::new(w + 1).expect("w + 1 is never zero")
}

fn row(user: &str, ts: Option<i64>, amount: f64) -> Row {
    (user.to_owned(), ts, amount)
}

fn spends(out: Out) -> Vec<f64> {
    out.into_iter().map(|f| f.0).collect()
}

fn ranks(out: Out) -> Vec<Option<u32>> {
    out.into_iter().map(|f| f.1).collect()
}

fn gaps(out: Out) -> Vec<Option<i64>> {
    out.into_iter().map(|f| f.2).collect()
}

/// Random non-empty logs in no particular time order over a few users, with distinct timestamps (ties belong to the
/// edge cases) and amounts that may be negative; NULL timestamps only in the `@null` variants.
fn random_rows(g: &mut Gen) -> Vec<Row> {
    let n = g.len().max(1);
    let mut rows: Vec<Row> = (0..n)
        .map(|i| (g.id("u", 4), g.maybe(|g| i as i64 * 40_000 + g.i64(0, 39_999)), g.f64(-50.0, 300.0)))
        .collect();
    for i in (1..rows.len()).rev() {
        let j = g.index(i + 1);
        rows.swap(i, j);
    }
    rows
}

/// Non-empty, and no two non-NULL timestamps equal.
fn valid(rows: &Vec<Row>) -> bool {
    let mut times: Vec<i64> = rows.iter().filter_map(|r| r.1).collect();
    let known = times.len();
    times.sort_unstable();
    times.dedup();
    !rows.is_empty() && times.len() == known
}

/// A large log: half the events belong to one heavy user (a bot), the rest to `n / 20` users, times at random.
fn large_log(g: &mut Gen) -> Vec<Row> {
    let n = g.size();
    let users = n / 20 + 1;
    (0..n)
        .map(|i| {
            let user = if i % 2 == 0 { "bot".to_owned() } else { format!("u{}", g.index(users)) };
            (user, Some(g.i64(0, 1_000_000_000)), g.f64(1.0, 100.0))
        })
        .collect()
}

pub fn cases() -> Vec<Case> {
    vec![
        case(
            "features_for_a_small_log",
            Kind::Correctness,
            "running spend, time rank and day gap, each per user, in input order",
        )
        .rules(&["R1", "R2", "R3", "R4"])
        .weight(2)
        .check(|| {
            let rows = vec![
                row("a", Some(0), 10.0),
                row("b", Some(100), 5.0),
                row("a", Some(3 * DAY + 1), 2.5),
                row("a", Some(DAY), 1.0),
                row("b", Some(50), 4.0),
            ];
            expect_eq(
                &cand::features(&rows),
                &vec![
                    (10.0, Some(1), None),
                    (5.0, Some(2), None),
                    (12.5, Some(3), Some(3)),
                    (13.5, Some(2), Some(-3)),
                    (9.0, Some(1), Some(-1)),
                ],
            )
        }),
        case(
            "matches_the_reference_on_random_logs",
            Kind::Correctness,
            "any unsorted log of several users follows the rules",
        )
        .rules(&["R1", "R2", "R3", "R4"])
        .edges(Edges::NULL, &["R2", "R3", "R4"])
        .weight(3)
        .differential_within(random_rows, valid, |r| cand::features(r), |r| refr::features(r)),
        case(
            "running_spend_and_gaps_are_per_user",
            Kind::Correctness,
            "PARTITION BY user: interleaved users each keep their own running spend, ranks and previous event",
        )
        .rules(&["R2", "R3", "R4"])
        .weight(2)
        .check(|| {
            // Each user's times rise in input order, so only the partition is under test here.
            let rows = vec![
                row("a", Some(0), 10.0),
                row("b", Some(DAY), 1.0),
                row("a", Some(2 * DAY), 5.0),
                row("b", Some(5 * DAY), 2.0),
                row("a", Some(3 * DAY), 1.0),
            ];
            expect_eq(&cand::features(&rows), &refr::features(&rows))
        }),
        case(
            "user_ids_are_compared_exactly",
            Kind::Correctness,
            "\"a\", \"A\" and \"a \" are three users: no trimming, no case folding",
        )
        .rules(&["R1"])
        .check(|| {
            let rows = vec![
                row("a", Some(0), 1.0),
                row("A", Some(DAY), 10.0),
                row("a ", Some(2 * DAY), 100.0),
                row("a", Some(3 * DAY), 1000.0),
            ];
            expect_eq(
                &cand::features(&rows),
                &vec![(1.0, Some(1), None), (10.0, Some(1), None), (100.0, Some(1), None), (1001.0, Some(2), Some(3))],
            )
        }),
        case(
            "running_spend_follows_input_order",
            Kind::Correctness,
            "cum_spend adds up in input order, not in time order",
        )
        .rules(&["R2"])
        .check(|| {
            let rows = vec![row("a", Some(300), 1.0), row("a", Some(100), 10.0), row("a", Some(200), 100.0)];
            expect_eq(&spends(cand::features(&rows)), &vec![1.0, 11.0, 111.0])
        }),
        case(
            "ranks_count_the_whole_history",
            Kind::Correctness,
            "a dense rank over all the user's times, later events included, not only those seen so far",
        )
        .rules(&["R3"])
        .check(|| {
            let rows = vec![row("a", Some(900), 1.0), row("a", Some(500), 1.0), row("a", Some(100), 1.0)];
            expect_eq(&ranks(cand::features(&rows)), &vec![Some(3), Some(2), Some(1)])
        }),
        case(
            "day_gaps_round_down",
            Kind::Correctness,
            "whole days are floor division: 47 hours is 1 day, -1 hour is -1 day",
        )
        .rules(&["R4"])
        .check(|| {
            let rows =
                vec![row("a", Some(0), 1.0), row("a", Some(47 * 3600), 1.0), row("a", Some(47 * 3600 - 3600 - 1), 1.0)];
            expect_eq(&gaps(cand::features(&rows)), &vec![None, Some(1), Some(-1)])
        }),
        case(
            "day_gaps_follow_input_order",
            Kind::Correctness,
            "the previous event is the one before in input order (LAG by position), not the one before in time",
        )
        .rules(&["R4"])
        .check(|| {
            let rows = vec![row("a", Some(5 * DAY), 1.0), row("a", Some(0), 1.0), row("a", Some(2 * DAY), 1.0)];
            expect_eq(&gaps(cand::features(&rows)), &vec![None, Some(-5), Some(2)])
        }),
        case("an_empty_log_has_no_features", Kind::EdgeEmpty, "no events, no rows, no panic")
            .rules(&["R5"])
            .weight(2)
            .check(|| expect_eq(&cand::features(&[]), &Vec::new())),
        case("a_single_event", Kind::EdgeSingle, "the first event of a user: its own spend, rank 1, no previous gap")
            .rules(&["R2", "R3", "R4"])
            .check(|| expect_eq(&cand::features(&[row("solo", Some(77), 9.5)]), &vec![(9.5, Some(1), None)])),
        case(
            "equal_times_share_a_dense_rank",
            Kind::EdgeTies,
            "dense rank: ties share a rank and the next time gets the next integer, no gaps",
        )
        .rules(&["R3"])
        .weight(2)
        .check(|| {
            let rows = vec![
                row("a", Some(500), 1.0),
                row("a", Some(100), 1.0),
                row("a", Some(500), 1.0),
                row("a", Some(900), 1.0),
                row("a", Some(100), 1.0),
            ];
            expect_eq(&ranks(cand::features(&rows)), &vec![Some(2), Some(1), Some(2), Some(3), Some(1)])
        }),
        case(
            "null_timestamps_have_no_rank_and_no_gap",
            Kind::EdgeNull,
            "an unknown time has no rank and breaks the gap on both sides (no skipping back); spend still accumulates",
        )
        .rules(&["R2", "R3", "R4"])
        .weight(2)
        .check(|| {
            let rows = vec![
                row("a", Some(0), 1.0),
                row("a", None, 2.0),
                row("a", Some(DAY * 2), 3.0),
                row("a", Some(DAY * 5), 4.0),
            ];
            expect_eq(
                &cand::features(&rows),
                &vec![(1.0, Some(1), None), (3.0, None, None), (6.0, Some(2), None), (10.0, Some(3), Some(3))],
            )
        }),
        case(
            "features_for_100k_events",
            Kind::Scaling,
            "n log n at most with one user holding half the log: a rescan of the history, or of every user, per \
             event is quadratic",
        )
        .rules(&["R6"])
        .size(100_000)
        .scaling(large_log, |r: &Vec<Row>| cand::features(r).len(), |r: &Vec<Row>| refr::features(r).len()),
        // Follow-up stage `rolling`.
        case(
            "rolling_mean_matches_the_reference",
            Kind::Correctness,
            "the mean of each user's last w amounts, in input order",
        )
        .rules(&["rolling.R1", "rolling.R2", "rolling.R3"])
        .stage("rolling")
        .edges(Edges::NULL, &["rolling.R1"])
        .weight(2)
        .differential_within(
            |g| (random_rows(g), g.usize(0, 4)),
            |(rows, _): &(Vec<Row>, usize)| valid(rows),
            |(r, w)| cand::rolling(r, *w),
            |(r, w)| refr::rolling(r, *w),
        ),
        case(
            "rolling_mean_with_a_window_of_one_is_the_amount",
            Kind::Correctness,
            "the smallest window sees only the event itself",
        )
        .rules(&["rolling.R1"])
        .stage("rolling")
        .check(|| {
            let rows = vec![row("a", Some(10), 3.0), row("b", Some(20), 4.0), row("a", Some(30), 5.0)];
            expect_eq(&cand::rolling(&rows, 0), &vec![3.0, 4.0, 5.0])
        }),
        case(
            "rolling_mean_ignores_timestamps",
            Kind::Correctness,
            "the last w events are the last w in input order, whatever their times say",
        )
        .rules(&["rolling.R1"])
        .stage("rolling")
        .check(|| {
            let rows = vec![row("a", Some(300), 1.0), row("a", Some(100), 2.0), row("a", Some(200), 4.0)];
            expect_eq(&cand::rolling(&rows, 1), &vec![1.0, 1.5, 3.0])
        }),
        case(
            "rolling_windows_are_per_user",
            Kind::Correctness,
            "other users' events neither enter a user's window nor push its events out",
        )
        .rules(&["rolling.R2"])
        .stage("rolling")
        .check(|| {
            let rows = vec![
                row("a", Some(1), 1.0),
                row("b", Some(2), 100.0),
                row("a", Some(3), 3.0),
                row("b", Some(4), 200.0),
                row("a", Some(5), 5.0),
            ];
            expect_eq(&cand::rolling(&rows, 1), &vec![1.0, 100.0, 2.0, 150.0, 4.0])
        }),
        case(
            "a_short_history_is_averaged_over_what_there_is",
            Kind::Correctness,
            "before w events the mean is over the events so far, not a sum over w and not NaN",
        )
        .rules(&["rolling.R3"])
        .stage("rolling")
        .check(|| {
            let rows =
                vec![row("a", Some(1), 2.0), row("a", Some(2), 4.0), row("a", Some(3), 6.0), row("a", Some(4), 8.0)];
            expect_eq(&cand::rolling(&rows, 2), &vec![2.0, 3.0, 4.0, 6.0])
        }),
        case("rolling_mean_of_an_empty_log_is_empty", Kind::EdgeEmpty, "no events, no means, no panic")
            .rules(&["rolling.R4"])
            .stage("rolling")
            .check(|| expect_eq(&cand::rolling(&[], 2), &Vec::new())),
        case(
            "rolling_mean_for_100k_events",
            Kind::Scaling,
            "a running sum per user: with a window of n / 2 events, re-summing the window per event is quadratic",
        )
        .rules(&["rolling.R5"])
        .stage("rolling")
        .size(100_000)
        .scaling(
            |g| {
                let w = g.size() / 2;
                (large_log(g), w)
            },
            |(r, w): &(Vec<Row>, usize)| cand::rolling(r, *w).len(),
            |(r, w): &(Vec<Row>, usize)| refr::rolling(r, *w).len(),
        ),
    ]
}
