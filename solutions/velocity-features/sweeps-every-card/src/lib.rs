//! Known-bad: per-card deques; idle cards are forgotten by sweeping every card on each event (O(cards) per event).

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
    last_ts: Option<i64>,
    per_card: HashMap<String, (VecDeque<(i64, i64)>, Velocity)>,
}

/// Lazily computes each event's velocity over the trailing `window_secs`.
pub fn velocity<I: IntoIterator<Item = Event>>(events: I, window_secs: i64) -> Velocities<I::IntoIter> {
    Velocities { events: events.into_iter(), window: window_secs, index: 0, last_ts: None, per_card: HashMap::new() }
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
        let horizon = event.ts.saturating_sub(self.window);
        // Expire every card, and forget the ones left with no event in the window.
        self.per_card.retain(|_, (live, totals)| {
            let expired = live.iter().take_while(|(ts, _)| *ts <= horizon).count();
            for (_, amount) in live.drain(..expired) {
                totals.count -= 1;
                totals.sum_cents -= amount;
            }
            !live.is_empty()
        });
        let (live, totals) = self.per_card.entry(event.card).or_default();
        live.push_back((event.ts, event.amount_cents));
        totals.count += 1;
        totals.sum_cents += event.amount_cents;
        Some(Ok(*totals))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expired_cards_are_forgotten() {
        let mut it = velocity(
            vec![
                Event { card: "a".into(), ts: 0, amount_cents: 1 },
                Event { card: "b".into(), ts: 100, amount_cents: 1 },
            ],
            60,
        );
        it.next();
        it.next();
        assert_eq!(it.per_card.len(), 1);
    }

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
}
