//! Hidden suite: per-user window features (cumulative sum, dense rank, day gaps) and a rolling mean.

use harness_support::prelude::*;
use std::num::NonZeroUsize;

use candidate as cand;
use reference as refr;

const DAY: i64 = 86_400;

/// An event as plain data: (user, timestamp or None for NULL, amount).
type Row = (String, Option<i64>, f64);
type Out = Vec<(f64, Option<u32>, Option<i64>)>;

fn cand_events(rows: &[Row]) -> Vec<cand::Event> {
    rows.iter().map(|(u, t, a)| cand::Event { user_id: u.clone(), ts: *t, amount: *a }).collect()
}

fn refr_events(rows: &[Row]) -> Vec<refr::Event> {
    rows.iter().map(|(u, t, a)| refr::Event { user_id: u.clone(), ts: *t, amount: *a }).collect()
}

fn cand_features(rows: &[Row]) -> Out {
    cand::window_features(&cand_events(rows))
        .into_iter()
        .map(|f| (f.cum_spend, f.time_rank, f.days_since_prev))
        .collect()
}

fn refr_features(rows: &[Row]) -> Out {
    refr::window_features(&refr_events(rows))
        .into_iter()
        .map(|f| (f.cum_spend, f.time_rank, f.days_since_prev))
        .collect()
}

fn window(w: usize) -> NonZeroUsize {
    NonZeroUsize::new(w + 1).expect("w + 1 is never zero")
}

fn row(user: &str, ts: Option<i64>, amount: f64) -> Row {
    (user.to_owned(), ts, amount)
}

/// Random non-empty batches in no particular time order over a few users, with distinct timestamps (ties belong to
/// the edge cases) and no NULLs.
fn random_rows(g: &mut Gen) -> Vec<Row> {
    let n = g.len().max(1);
    let mut rows: Vec<Row> =
        (0..n).map(|i| (g.id("u", 4), Some(i as i64 * 40_000 + g.i64(0, 39_999)), g.f64(1.0, 300.0))).collect();
    for i in (1..rows.len()).rev() {
        let j = g.index(i + 1);
        rows.swap(i, j);
    }
    rows
}

fn valid(rows: &Vec<Row>) -> bool {
    let mut times: Vec<i64> = rows.iter().filter_map(|r| r.1).collect();
    times.sort_unstable();
    times.dedup();
    !rows.is_empty() && times.len() == rows.len()
}

pub fn cases() -> Vec<Case> {
    vec![
        case(
            "features_for_a_small_log",
            Kind::Correctness,
            "running spend, time rank and day gap, each per user, in input order",
        )
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
                &cand_features(&rows),
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
        .weight(3)
        .differential_within(random_rows, valid, |r| cand_features(r), |r| refr_features(r)),
        case(
            "running_spend_and_gaps_are_per_user",
            Kind::Correctness,
            "PARTITION BY user: interleaved users each keep their own running spend and their own previous event",
        )
        .weight(2)
        .check(|| {
            let rows = vec![
                row("a", Some(0), 10.0),
                row("b", Some(DAY), 1.0),
                row("a", Some(2 * DAY), 5.0),
                row("b", Some(5 * DAY), 2.0),
                row("a", Some(3 * DAY), 1.0),
            ];
            let spend_and_gap = |out: Out| out.into_iter().map(|f| (f.0, f.2)).collect::<Vec<_>>();
            expect_eq(&spend_and_gap(cand_features(&rows)), &spend_and_gap(refr_features(&rows)))
        }),
        case(
            "day_gaps_round_down",
            Kind::Correctness,
            "whole days are floor division: 47 hours is 1 day, -1 hour is -1 day",
        )
        .check(|| {
            let rows =
                vec![row("a", Some(0), 1.0), row("a", Some(47 * 3600), 1.0), row("a", Some(47 * 3600 - 3600 - 1), 1.0)];
            let gaps: Vec<Option<i64>> = cand_features(&rows).into_iter().map(|f| f.2).collect();
            expect_eq(&gaps, &vec![None, Some(1), Some(-1)])
        }),
        case(
            "rolling_mean_matches_the_reference",
            Kind::Correctness,
            "the mean of each user's last w amounts, in input order",
        )
        .stage("rolling")
        .weight(2)
        .differential_within(
            |g| (random_rows(g), g.usize(0, 4)),
            |(rows, _): &(Vec<Row>, usize)| valid(rows),
            |(r, w)| cand::rolling_mean(&cand_events(r), window(*w)),
            |(r, w)| refr::rolling_mean(&refr_events(r), window(*w)),
        ),
        case(
            "rolling_mean_with_a_window_of_one_is_the_amount",
            Kind::Correctness,
            "the smallest window sees only the event itself",
        )
        .stage("rolling")
        .check(|| {
            let rows = vec![row("a", None, 3.0), row("b", None, 4.0), row("a", None, 5.0)];
            expect_eq(&cand::rolling_mean(&cand_events(&rows), window(0)), &vec![3.0, 4.0, 5.0])
        }),
        case("an_empty_log_has_no_features", Kind::EdgeEmpty, "no events, no rows, no panic").weight(2).check(|| {
            expect_eq(&cand_features(&[]), &Vec::new()).context("window_features")?;
            expect_eq(&cand::rolling_mean(&[], window(2)), &Vec::new()).context("rolling_mean")
        }),
        case("a_single_event", Kind::EdgeSingle, "the first event of a user: its own spend, rank 1, no previous gap")
            .check(|| expect_eq(&cand_features(&[row("solo", Some(77), 9.5)]), &vec![(9.5, Some(1), None)])),
        case(
            "equal_times_share_a_dense_rank",
            Kind::EdgeTies,
            "dense rank: ties share a rank and the next time gets the next integer, no gaps",
        )
        .weight(2)
        .check(|| {
            let rows = vec![
                row("a", Some(500), 1.0),
                row("a", Some(100), 1.0),
                row("a", Some(500), 1.0),
                row("a", Some(900), 1.0),
                row("a", Some(100), 1.0),
            ];
            let ranks: Vec<Option<u32>> = cand_features(&rows).into_iter().map(|f| f.1).collect();
            expect_eq(&ranks, &vec![Some(2), Some(1), Some(2), Some(3), Some(1)])
        }),
        case(
            "null_timestamps_have_no_rank_and_no_gap",
            Kind::EdgeNull,
            "an unknown time has no rank and breaks the gap on both sides; spend still accumulates",
        )
        .weight(2)
        .check(|| {
            let rows = vec![
                row("a", Some(0), 1.0),
                row("a", None, 2.0),
                row("a", Some(DAY * 2), 3.0),
                row("a", Some(DAY * 5), 4.0),
            ];
            expect_eq(
                &cand_features(&rows),
                &vec![(1.0, Some(1), None), (3.0, None, None), (6.0, Some(2), None), (10.0, Some(3), Some(3))],
            )
        }),
        case(
            "features_for_100k_events",
            Kind::Scaling,
            "n log n at most: a rescan of each user's history per event is quadratic",
        )
        .size(100_000)
        .scaling(
            |g| {
                let n = g.size();
                (0..n)
                    .map(|i| (format!("u{}", i % 10), Some(g.i64(0, 1_000_000_000)), g.f64(1.0, 100.0)))
                    .collect::<Vec<Row>>()
            },
            |r: &Vec<Row>| cand_features(r).len(),
            |r: &Vec<Row>| refr_features(r).len(),
        ),
    ]
}
