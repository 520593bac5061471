//! Hidden suite: trailing-window velocity per card as a streaming iterator adapter.

use harness_support::prelude::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Timed events as plain data: (card, time in seconds, amount in cents).
type Events = Vec<(String, i64, i64)>;
/// A generated stream: rows of (card, gap, amount in cents) and the window. A row's time is the clock (the time of the
/// last in-order row) plus its gap; a negative gap makes a late event and leaves the clock where it was.
type Input = (Vec<(String, i64, i64)>, i64);
/// Each item as plain data: the velocity's (count, sum) or the error, spelled out.
type Out = Vec<Result<(u32, i64), String>>;

/// Where the clock of a generated stream starts: far enough from 0 that a late event's time stays valid.
const START: i64 = 1_000_001;

// The adapters, written once for both sides: `cand::run` calls the candidate, `refr::run` the reference.
sides! {
    fn event((card, ts, amount): &(String, i64, i64)) -> api::Event {
        api::Event { card: card.clone(), ts: *ts, amount_cents: *amount }
    }

    fn item(result: Result<api::Velocity, api::VelocityError>) -> Result<(u32, i64), String> {
        match result {
            Ok(v) => Ok((v.count, v.sum_cents)),
            Err(api::VelocityError::OutOfOrder { index, ts, previous }) => {
                Err(format!("OutOfOrder {{ index: {index}, ts: {ts}, previous: {previous} }}"))
            }
        }
    }

    /// Every item of this side's adapter over `events`.
    pub fn run(events: &[(String, i64, i64)], window: i64) -> Out {
        let events: Vec<api::Event> = events.iter().map(event).collect();
        api::velocity(events, window).map(item).collect()
    }

    /// A generated stream's items.
    pub fn stream((rows, window): &Input) -> Out {
        run(&timed(rows), *window)
    }

    /// A large input's items, summed up: how many, the totals of their counts and of their sums, and the errors.
    pub fn digest((events, window): &(Events, i64)) -> (usize, u64, i64, usize) {
        let events: Vec<api::Event> = events.iter().map(event).collect();
        api::velocity(events, *window).fold((0, 0, 0, 0), |(n, count, sum, errors), r| match r {
            Ok(v) => (n + 1, count + u64::from(v.count), sum + v.sum_cents, errors),
            Err(_) => (n + 1, count, sum, errors + 1),
        })
    }

    /// The totals of every count and sum over `n` events made lazily, one a second, each card of `cards` in turn.
    pub fn totals((n, cards, window): (usize, usize, i64)) -> (u64, i64) {
        let events = (0..n).map(move |i| api::Event {
            card: format!("card-{}", i % cards),
            ts: i as i64,
            amount_cents: (i % 977) as i64,
        });
        api::velocity(events, window).fold((0, 0), |(count, sum), r| match r {
            Ok(v) => (count + u64::from(v.count), sum + v.sum_cents),
            Err(_) => (count, sum),
        })
    }
}

/// Gives each row its time (see [`Input`]).
fn timed(rows: &[(String, i64, i64)]) -> Events {
    let mut clock = START;
    rows.iter()
        .map(|(card, gap, amount)| {
            let ts = clock + gap;
            if *gap >= 0 {
                clock = ts;
            }
            (card.clone(), ts, *amount)
        })
        .collect()
}

fn at(spec: &[(&str, i64, i64)]) -> Events {
    spec.iter().map(|(c, t, a)| ((*c).to_owned(), *t, *a)).collect()
}

fn out_of_order(index: usize, ts: i64, previous: i64) -> Result<(u32, i64), String> {
    Err(format!("OutOfOrder {{ index: {index}, ts: {ts}, previous: {previous} }}"))
}

/// An in-order row of a random stream: gaps are even and times start odd, so with an odd window no event is ever
/// exactly a window old and no two times tie (the boundary and equal times are the edge cases' own). Amounts include
/// refunds.
fn on_time(g: &mut Gen) -> (String, i64, i64) {
    (g.id("card-", 4), 2 * g.i64(1, 40), g.i64(-2_000, 50_000))
}

fn odd_window(g: &mut Gen) -> i64 {
    2 * g.i64(1, 60) + 1
}

fn odd_window_ok(window: i64) -> bool {
    window > 0 && window % 2 == 1
}

/// Random time-ordered streams over a few cards (empty only in the `@empty` variant).
fn random_stream(g: &mut Gen) -> Input {
    let n = g.len();
    let n = if g.edges().contains(Edges::EMPTY) { n } else { n.max(1) };
    (g.vec(n, on_time), odd_window(g))
}

fn valid_stream((rows, window): &Input) -> bool {
    odd_window_ok(*window) && rows.iter().all(|(_, gap, _)| *gap > 0 && gap % 2 == 0)
}

/// Random streams with late events: after an in-order first event, about one event in four is up to 80 seconds
/// older than the clock, and late events often follow one another.
fn late_stream(g: &mut Gen) -> Input {
    let n = g.len().max(1);
    let mut rows = vec![on_time(g)];
    for _ in 1..n {
        let (card, gap, amount) = on_time(g);
        let gap = if g.bool(0.25) { -gap } else { gap };
        rows.push((card, gap, amount));
    }
    (rows, odd_window(g))
}

fn valid_late((rows, window): &Input) -> bool {
    odd_window_ok(*window)
        && rows.first().is_some_and(|(_, gap, _)| *gap > 0)
        && rows.iter().all(|(_, gap, _)| *gap != 0 && gap % 2 == 0)
}

/// Bursty streams: gaps of 0 to 3 seconds, windows of 1 to 6, three cards, so equal times and events exactly a window
/// old are everywhere.
fn bursty_stream(g: &mut Gen) -> Input {
    let n = g.len().max(1);
    (g.vec(n, |g| (g.id("card-", 3), g.i64(0, 3), g.i64(1, 500))), g.i64(1, 6))
}

fn valid_bursty((rows, window): &Input) -> bool {
    *window > 0 && rows.iter().all(|(_, gap, _)| *gap >= 0)
}

/// `n` events of one card under attack, two seconds apart, in a window holding about n / 4 of them: rescanning the
/// card's history or its window per event grows quadratically. Times are even and the window odd, so no event is ever
/// exactly a window old.
fn large_stream(g: &mut Gen) -> (Events, i64) {
    let n = g.size();
    let window = 2 * (n as i64 / 4) + 1;
    ((0..n).map(|i| ("card-0".to_owned(), 2 * i as i64, g.i64(1, 10_000))).collect(), window)
}

/// `n` events, one a second, over `n / 4` cards in turn, in a window holding the last three events of every card: so
/// about `n / 4` cards are live at once, and sweeping every (live) card per event grows quadratically. A card comes
/// back every `n / 4` seconds and the window is odd, so no event is ever exactly a window old.
fn many_cards_stream(g: &mut Gen) -> (Events, i64) {
    let n = g.size();
    let cards = (n / 4).max(1);
    let window = 2 * cards as i64 + 1;
    ((0..n).map(|i| (format!("card-{}", i % cards), i as i64, g.i64(1, 10_000))).collect(), window)
}

pub fn cases() -> Vec<Case> {
    vec![
        case("velocity_of_a_small_stream", Kind::Correctness, "count and sum of the same card's events in the trailing window, this one included")
            .rules(&["R1"])
            .weight(2)
            .check(|| {
                let events = at(&[("a", 0, 100), ("b", 10, 5), ("a", 50, 200), ("a", 70, 1), ("b", 200, 7)]);
                expect_eq(&cand::run(&events, 60), &vec![Ok((1, 100)), Ok((1, 5)), Ok((2, 300)), Ok((2, 201)), Ok((1, 7))])
            }),
        case("matches_the_reference_on_random_streams", Kind::Correctness, "any time-ordered stream over several cards")
            .rules(&["R1"])
            .edges(Edges::EMPTY, &["R3"])
            .weight(3)
            .differential_within(random_stream, valid_stream, cand::stream, refr::stream),
        case("matches_the_reference_with_late_events", Kind::Correctness, "late events, alone or in a row, are error items and leave every window as it was")
            .rules(&["R2"])
            .weight(2)
            .differential_within(late_stream, valid_late, cand::stream, refr::stream),
        case("out_of_order_events_are_reported_and_skipped", Kind::Correctness, "a late event is an error item, and must not corrupt the window for the rest")
            .rules(&["R2"])
            .weight(2)
            .check(|| {
                let events = at(&[("a", 10, 1), ("a", 5, 2), ("a", 11, 3), ("a", 9, 4), ("a", 12, 5)]);
                expect_eq(
                    &cand::run(&events, 60),
                    &vec![Ok((1, 1)), out_of_order(1, 5, 10), Ok((2, 4)), out_of_order(3, 9, 11), Ok((3, 9))],
                )
            }),
        case("late_events_in_a_row_are_measured_against_the_last_accepted_time", Kind::Correctness, "`previous` is the last accepted event's time: a late event does not move the clock back for the next one")
            .rules(&["R2"])
            .check(|| {
                let events = at(&[("a", 10, 1), ("a", 5, 2), ("a", 7, 4), ("b", 8, 8), ("a", 12, 16), ("a", 11, 32)]);
                expect_eq(
                    &cand::run(&events, 60),
                    &vec![
                        Ok((1, 1)),
                        out_of_order(1, 5, 10),
                        out_of_order(2, 7, 10),
                        out_of_order(3, 8, 10),
                        Ok((2, 17)),
                        out_of_order(5, 11, 12),
                    ],
                )
            }),
        case("cards_are_told_apart_exactly", Kind::Correctness, "a card is its exact string: case, spaces and the empty string make different cards")
            .rules(&["R1"])
            .check(|| {
                let events = at(&[("a", 0, 1), ("A", 1, 2), ("a ", 2, 4), ("", 3, 8), ("a", 4, 16), ("", 5, 32)]);
                expect_eq(
                    &cand::run(&events, 60),
                    &vec![Ok((1, 1)), Ok((1, 2)), Ok((1, 4)), Ok((1, 8)), Ok((2, 17)), Ok((2, 40))],
                )
            }),
        case("the_order_is_checked_across_cards", Kind::Correctness, "one clock for the stream: an event older than another card's last accepted event is late too")
            .rules(&["R2"])
            .check(|| {
                let events = at(&[("a", 10, 1), ("b", 5, 2), ("b", 12, 4), ("a", 11, 8), ("c", 12, 16)]);
                expect_eq(
                    &cand::run(&events, 60),
                    &vec![Ok((1, 1)), out_of_order(1, 5, 10), Ok((1, 4)), out_of_order(3, 11, 12), Ok((1, 16))],
                )
            }),
        case("the_adapter_pulls_one_event_per_item", Kind::Correctness, "a streaming adapter is lazy: the first three items of a million-event stream need about three events, not the stream")
            .rules(&["R3"])
            .weight(2)
            .check(|| {
                let pulled = Arc::new(AtomicUsize::new(0));
                let counter = Arc::clone(&pulled);
                let events = (0..1_000_000_i64).map(move |i| {
                    counter.fetch_add(1, Ordering::Relaxed);
                    cand::api::Event { card: format!("card-{}", i % 7), ts: i, amount_cents: 1 }
                });
                let mut velocities = cand::api::velocity(events, 60);
                for _ in 0..3 {
                    expect(velocities.next().is_some_and(|v| v.is_ok()), "an in-order event yields its velocity")?;
                }
                let pulled = pulled.load(Ordering::Relaxed);
                // One event of look-ahead is still lazy; the rule is one event per item.
                expect(pulled <= 4, format!("three items pulled {pulled} events from the input"))
            }),
        case("sums_are_exact_in_cents", Kind::Correctness, "amounts up to the stated bound, refunds among them, sum exactly past 32 bits")
            .rules(&["R4"])
            .check(|| {
                const MAX: i64 = (1 << 31) - 1;
                let events = at(&[("a", 0, MAX), ("a", 1, MAX), ("b", 1, -MAX), ("a", 2, MAX), ("a", 3, -MAX), ("a", 4, MAX)]);
                expect_eq(
                    &cand::run(&events, 3_600),
                    &vec![Ok((1, MAX)), Ok((2, 2 * MAX)), Ok((1, -MAX)), Ok((3, 3 * MAX)), Ok((4, 2 * MAX)), Ok((5, 3 * MAX))],
                )
            }),
        case("an_empty_stream_yields_nothing", Kind::EdgeEmpty, "no events, no items, no panic")
            .rules(&["R3"])
            .check(|| expect_eq(&cand::run(&[], 60), &Vec::new())),
        case("a_single_event_counts_itself", Kind::EdgeSingle, "the window includes the current event")
            .rules(&["R1"])
            .check(|| expect_eq(&cand::run(&at(&[("solo", 1_000, 4_999)]), 3_600), &vec![Ok((1, 4_999))])),
        case("an_event_exactly_a_window_old_has_left_it", Kind::EdgeTies, "the window is (t - w, t]: an hour-old event is out of a one-hour window")
            .rules(&["R1"])
            .weight(2)
            .check(|| {
                let events = at(&[("a", 0, 1), ("a", 1, 2), ("a", 3_600, 4), ("a", 3_601, 8)]);
                expect_eq(&cand::run(&events, 3_600), &vec![Ok((1, 1)), Ok((2, 3)), Ok((2, 6)), Ok((2, 12))])
            }),
        case("equal_timestamps_all_count", Kind::EdgeTies, "a burst in the same second is the velocity signal itself, and in order")
            .rules(&["R1", "R2"])
            .check(|| {
                let events = at(&[("a", 5, 1), ("a", 5, 2), ("b", 5, 4), ("a", 5, 8)]);
                expect_eq(&cand::run(&events, 60), &vec![Ok((1, 1)), Ok((2, 3)), Ok((1, 4)), Ok((3, 11))])
            }),
        case("matches_the_reference_on_bursty_streams", Kind::EdgeTies, "bursts of equal times and events exactly a window old, at random")
            .rules(&["R1", "R2"])
            .differential_within(bursty_stream, valid_bursty, cand::stream, refr::stream),
        case("velocity_over_500k_events", Kind::Scaling, "O(1) amortised per event, however full the window: rescanning a card's history or window is quadratic")
            .rules(&["R4"])
            .size(500_000)
            .scaling(large_stream, cand::digest, refr::digest),
        case("velocity_over_many_live_cards", Kind::Scaling, "forgetting idle cards stays O(1) amortised per event: with a quarter of the events' cards live at once, a sweep over the cards per event is quadratic")
            .rules(&["bounded.R3"])
            .stage("bounded")
            .size(200_000)
            .scaling(many_cards_stream, cand::digest, refr::digest),
        case("memory_does_not_grow_with_the_stream", Kind::Memory, "100,000 events over 500 cards with a window of 749 seconds: keep the window, not the stream")
            .rules(&["bounded.R1"])
            .stage("bounded")
            .size(100_000)
            // A card comes back every 500 seconds, never exactly a window later.
            .memory(|n| (n, 500, 749), cand::totals, refr::totals),
        case("memory_is_bounded_by_the_window", Kind::Memory, "a million events over 50,000 cards with a one-minute window: keep the minute, not the stream or every card ever seen")
            .rules(&["bounded.R1", "bounded.R2"])
            .stage("bounded")
            .weight(2)
            .size(1_000_000)
            .memory(|n| (n, 50_000, 60), cand::totals, refr::totals),
    ]
}
