//! Known-bad: the window's events are kept in one deque, and each velocity is recomputed by scanning it for the card.

use std::collections::VecDeque;

/// A card payment at a time (seconds), in cents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub card: String,
    pub ts: i64,
    pub amount_cents: i64,
}

/// Count and sum of a card's events in the trailing window, this event included.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Velocity {
    pub count: u32,
    pub sum_cents: i64,
}

/// An event the adapter cannot place in the stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VelocityError {
    /// The event at stream position `index` is older than the event before it; it is skipped.
    OutOfOrder { index: usize, ts: i64, previous: i64 },
}

/// The adapter returned by [`velocity`].
#[derive(Debug)]
pub struct Velocities<I> {
    events: I,
    window: i64,
    index: usize,
    last_ts: Option<i64>,
    /// Every event still inside the window, oldest first.
    live: VecDeque<Event>,
}

/// Lazily computes each event's velocity over the trailing `window_secs`: events of the same card with a time in
/// `(ts - window_secs, ts]` seen so far.
pub fn velocity<I: IntoIterator<Item = Event>>(events: I, window_secs: i64) -> Velocities<I::IntoIter> {
    Velocities { events: events.into_iter(), window: window_secs, index: 0, last_ts: None, live: VecDeque::new() }
}

impl<I: Iterator<Item = Event>> Velocities<I> {
    /// Drops every live event at or before `horizon`.
    fn expire(&mut self, horizon: i64) {
        while self.live.front().is_some_and(|e| e.ts <= horizon) {
            self.live.pop_front();
        }
    }

    /// Count and sum of the live events of `card`.
    fn velocity_of(&self, card: &str) -> Velocity {
        self.live
            .iter()
            .filter(|e| e.card == card)
            .fold(Velocity::default(), |v, e| Velocity { count: v.count + 1, sum_cents: v.sum_cents + e.amount_cents })
    }
}

impl<I: Iterator<Item = Event>> Iterator for Velocities<I> {
    type Item = Result<Velocity, VelocityError>;

    fn next(&mut self) -> Option<Self::Item> {
        let event = self.events.next()?;
        let index = self.index;
        self.index += 1;
        if let Some(previous) = self.last_ts.filter(|&p| event.ts < p) {
            return Some(Err(VelocityError::OutOfOrder { index, ts: event.ts, previous }));
        }
        self.last_ts = Some(event.ts);
        self.expire(event.ts.saturating_sub(self.window));
        let card = event.card.clone();
        self.live.push_back(event);
        Some(Ok(self.velocity_of(&card)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(card: &str, ts: i64, amount_cents: i64) -> Event {
        Event { card: card.to_owned(), ts, amount_cents }
    }

    fn run(events: Vec<Event>, window: i64) -> Vec<Result<Velocity, VelocityError>> {
        velocity(events, window).collect()
    }

    #[test]
    fn events_of_the_same_card_inside_the_window_add_up() {
        let out = run(vec![ev("a", 0, 100), ev("b", 10, 5), ev("a", 50, 200), ev("a", 70, 1)], 60);
        assert_eq!(out[2], Ok(Velocity { count: 2, sum_cents: 300 }));
        assert_eq!(out[3], Ok(Velocity { count: 2, sum_cents: 201 }));
    }

    #[test]
    fn an_event_exactly_a_window_old_has_left_it() {
        let out = run(vec![ev("a", 0, 1), ev("a", 60, 2)], 60);
        assert_eq!(out[1], Ok(Velocity { count: 1, sum_cents: 2 }));
    }

    #[test]
    fn an_out_of_order_event_is_reported_and_skipped() {
        let out = run(vec![ev("a", 10, 1), ev("a", 5, 2), ev("a", 11, 3)], 60);
        assert_eq!(out[1], Err(VelocityError::OutOfOrder { index: 1, ts: 5, previous: 10 }));
        assert_eq!(out[2], Ok(Velocity { count: 2, sum_cents: 4 }));
    }

    #[test]
    fn expired_events_are_dropped() {
        let mut it = velocity(vec![ev("a", 0, 1), ev("b", 100, 1)], 60);
        it.next();
        it.next();
        assert_eq!(it.live.len(), 1);
    }
}
