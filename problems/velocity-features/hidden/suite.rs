//! Hidden suite: trailing-window velocity per card as a streaming iterator adapter.

use harness_support::prelude::*;

use candidate as cand;
use reference as refr;

/// A stream as plain data: (card, gap in seconds since the previous event, amount in cents) and the window.
type Input = (Vec<(String, i64, i64)>, i64);
type Out = Vec<Result<(u32, i64), String>>;

fn timed(rows: &[(String, i64, i64)]) -> Vec<(String, i64, i64)> {
    let mut ts = 1;
    rows.iter()
        .map(|(card, gap, amount)| {
            ts += gap;
            (card.clone(), ts, *amount)
        })
        .collect()
}

fn cand_run(events: &[(String, i64, i64)], window: i64) -> Out {
    let events: Vec<cand::Event> =
        events.iter().map(|(c, t, a)| cand::Event { card: c.clone(), ts: *t, amount_cents: *a }).collect();
    cand::velocity(events, window)
        .map(|r| match r {
            Ok(v) => Ok((v.count, v.sum_cents)),
            Err(cand::VelocityError::OutOfOrder { index, ts, previous }) => {
                Err(format!("OutOfOrder {{ index: {index}, ts: {ts}, previous: {previous} }}"))
            }
        })
        .collect()
}

fn refr_run(events: &[(String, i64, i64)], window: i64) -> Out {
    let events: Vec<refr::Event> =
        events.iter().map(|(c, t, a)| refr::Event { card: c.clone(), ts: *t, amount_cents: *a }).collect();
    refr::velocity(events, window)
        .map(|r| match r {
            Ok(v) => Ok((v.count, v.sum_cents)),
            Err(refr::VelocityError::OutOfOrder { index, ts, previous }) => {
                Err(format!("OutOfOrder {{ index: {index}, ts: {ts}, previous: {previous} }}"))
            }
        })
        .collect()
}

fn at(spec: &[(&str, i64, i64)]) -> Vec<(String, i64, i64)> {
    spec.iter().map(|(c, t, a)| ((*c).to_owned(), *t, *a)).collect()
}

/// Random time-ordered streams where no situation owned by the edge cases can occur: times strictly increase and are
/// all odd (gaps are even), the window is odd, so no event is ever exactly a window old and no two times tie.
fn random_stream(g: &mut Gen) -> Input {
    let n = g.len().max(1);
    let rows = g.vec(n, |g| (g.id("card-", 4), 2 * g.i64(1, 40), g.i64(1, 50_000)));
    (rows, 2 * g.i64(1, 60) + 1)
}

fn valid((rows, window): &Input) -> bool {
    !rows.is_empty() && *window > 0 && window % 2 == 1 && rows.iter().all(|(_, gap, _)| *gap > 0 && gap % 2 == 0)
}

pub fn cases() -> Vec<Case> {
    vec![
        case("velocity_of_a_small_stream", Kind::Correctness, "count and sum of the same card's events in the trailing window, this one included")
            .weight(2)
            .check(|| {
                let events = at(&[("a", 0, 100), ("b", 10, 5), ("a", 50, 200), ("a", 70, 1), ("b", 200, 7)]);
                expect_eq(&cand_run(&events, 60), &vec![Ok((1, 100)), Ok((1, 5)), Ok((2, 300)), Ok((2, 201)), Ok((1, 7))])
            }),
        case("matches_the_reference_on_random_streams", Kind::Correctness, "any time-ordered stream over several cards")
            .weight(3)
            .differential_within(random_stream, valid, |(r, w)| cand_run(&timed(r), *w), |(r, w)| refr_run(&timed(r), *w)),
        case("out_of_order_events_are_reported_and_skipped", Kind::Correctness, "a late event is an error item, and must not corrupt the window for the rest")
            .weight(2)
            .check(|| {
                let events = at(&[("a", 10, 1), ("a", 5, 2), ("a", 11, 3), ("a", 9, 4), ("a", 12, 5)]);
                expect_eq(
                    &cand_run(&events, 60),
                    &vec![
                        Ok((1, 1)),
                        Err("OutOfOrder { index: 1, ts: 5, previous: 10 }".to_owned()),
                        Ok((2, 4)),
                        Err("OutOfOrder { index: 3, ts: 9, previous: 11 }".to_owned()),
                        Ok((3, 9)),
                    ],
                )
            }),
        case("the_adapter_pulls_one_event_per_item", Kind::Correctness, "a streaming adapter is lazy: the first three items of a million-event stream need about three events, not the stream")
            .weight(2)
            .check(|| {
                let pulled = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
                let counter = std::sync::Arc::clone(&pulled);
                let events = (0..1_000_000_i64).map(move |i| {
                    counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    cand::Event { card: format!("card-{}", i % 7), ts: i, amount_cents: 1 }
                });
                let mut velocities = cand::velocity(events, 60);
                for _ in 0..3 {
                    expect(velocities.next().is_some_and(|v| v.is_ok()), "an in-order event yields its velocity")?;
                }
                let pulled = pulled.load(std::sync::atomic::Ordering::Relaxed);
                // One event of look-ahead is still lazy; the rule is one event per item.
                expect(pulled <= 4, format!("three items pulled {pulled} events from the input"))
            }),
        case("an_empty_stream_yields_nothing", Kind::EdgeEmpty, "no events, no items, no panic")
            .check(|| expect_eq(&cand_run(&[], 60), &Vec::new())),
        case("a_single_event_counts_itself", Kind::EdgeSingle, "the window includes the current event")
            .check(|| expect_eq(&cand_run(&at(&[("solo", 1_000, 4_999)]), 3_600), &vec![Ok((1, 4_999))])),
        case("an_event_exactly_a_window_old_has_left_it", Kind::EdgeTies, "the window is (t - w, t]: an hour-old event is out of a one-hour window")
            .weight(2)
            .check(|| {
                let events = at(&[("a", 0, 1), ("a", 1, 2), ("a", 3_600, 4), ("a", 3_601, 8)]);
                expect_eq(&cand_run(&events, 3_600), &vec![Ok((1, 1)), Ok((2, 3)), Ok((2, 6)), Ok((2, 12))])
            }),
        case("equal_timestamps_all_count", Kind::EdgeTies, "a burst in the same second is the velocity signal itself")
            .check(|| {
                let events = at(&[("a", 5, 1), ("a", 5, 2), ("b", 5, 4), ("a", 5, 8)]);
                expect_eq(&cand_run(&events, 60), &vec![Ok((1, 1)), Ok((2, 3)), Ok((1, 4)), Ok((3, 11))])
            }),
        case("velocity_over_500k_events", Kind::Scaling, "O(1) amortised per event: rescanning a card's history is quadratic")
            .size(500_000)
            .scaling(
                |g| {
                    let n = g.size();
                    (0..n).map(|i| (format!("card-{}", i % 10), i as i64, g.i64(1, 10_000))).collect::<Vec<_>>()
                },
                |e: &Vec<(String, i64, i64)>| cand_run(e, 100).len(),
                |e: &Vec<(String, i64, i64)>| refr_run(e, 100).len(),
            ),
        case("memory_is_bounded_by_the_window", Kind::Memory, "a million events over 50,000 cards with a one-minute window: keep the minute, not the stream or every card ever seen")
            .stage("bounded")
            .weight(2)
            .size(1_000_000)
            .memory(
                |n| {
                    (0..n).map(|i| cand::Event { card: format!("card-{}", i % 50_000), ts: i as i64, amount_cents: (i % 977) as i64 })
                },
                |events| cand::velocity(events, 60).map(|r| r.map_or(0, |v| u64::from(v.count))).sum::<u64>(),
                |events| {
                    let events = events.map(|e| refr::Event { card: e.card, ts: e.ts, amount_cents: e.amount_cents });
                    refr::velocity(events, 60).map(|r| r.map_or(0, |v| u64::from(v.count))).sum::<u64>()
                },
            ),
    ]
}
