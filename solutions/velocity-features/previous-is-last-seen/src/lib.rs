//! Known-bad: a late event's time is recorded as the previous time, so the next event is checked against it.

use std::collections::{HashMap, VecDeque};

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
    /// The time of the last event seen.
    last_ts: Option<i64>,
    /// Every event still inside the window, oldest first: (time, card, amount).
    live: VecDeque<(i64, String, i64)>,
    /// Per-card totals over `live`; a card leaves the map when its last live event expires.
    per_card: HashMap<String, Velocity>,
}

/// Lazily computes each event's velocity over the trailing `window_secs`: events of the same card with a time in
/// `(ts - window_secs, ts]` seen so far.
pub fn velocity<I: IntoIterator<Item = Event>>(events: I, window_secs: i64) -> Velocities<I::IntoIter> {
    Velocities {
        events: events.into_iter(),
        window: window_secs,
        index: 0,
        last_ts: None,
        live: VecDeque::new(),
        per_card: HashMap::new(),
    }
}

impl<I: Iterator<Item = Event>> Velocities<I> {
    /// Drops every live event at or before `horizon`.
    fn expire(&mut self, horizon: i64) {
        let expired = self.live.iter().take_while(|(ts, _, _)| *ts <= horizon).count();
        for (_, card, amount) in self.live.drain(..expired) {
            // Every live event was added to its card's totals.
            let Some(totals) = self.per_card.get_mut(&card) else { continue };
            totals.count -= 1;
            totals.sum_cents -= amount;
            if totals.count == 0 {
                self.per_card.remove(&card);
            }
        }
    }
}

impl<I: Iterator<Item = Event>> Iterator for Velocities<I> {
    type Item = Result<Velocity, VelocityError>;

    fn next(&mut self) -> Option<Self::Item> {
        let event = self.events.next()?;
        let index = self.index;
        self.index += 1;
        let last = self.last_ts.replace(event.ts);
        if let Some(previous) = last.filter(|&p| event.ts < p) {
            return Some(Err(VelocityError::OutOfOrder { index, ts: event.ts, previous }));
        }
        self.expire(event.ts.saturating_sub(self.window));
        let totals = self.per_card.entry(event.card.clone()).or_default();
        totals.count += 1;
        totals.sum_cents += event.amount_cents;
        let current = *totals;
        self.live.push_back((event.ts, event.card, event.amount_cents));
        Some(Ok(current))
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
    fn expired_cards_are_forgotten() {
        let mut it = velocity(vec![ev("a", 0, 1), ev("b", 100, 1)], 60);
        it.next();
        it.next();
        assert_eq!(it.per_card.len(), 1);
    }
}
