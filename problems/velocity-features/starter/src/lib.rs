//! Card velocity over a trailing window. Read the task with `harness show velocity-features`.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub card: String,
    pub ts: i64,
    pub amount_cents: i64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Velocity {
    pub count: u32,
    pub sum_cents: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VelocityError {
    OutOfOrder { index: usize, ts: i64, previous: i64 },
}

/// The adapter returned by [`velocity`]; add the state you need.
pub struct Velocities<I> {
    events: I,
    window: i64,
}

pub fn velocity<I: IntoIterator<Item = Event>>(events: I, window_secs: i64) -> Velocities<I::IntoIter> {
    Velocities { events: events.into_iter(), window: window_secs }
}

impl<I: Iterator<Item = Event>> Iterator for Velocities<I> {
    type Item = Result<Velocity, VelocityError>;

    fn next(&mut self) -> Option<Self::Item> {
        todo!("pull one of the {} or more events left, give its velocity over {} s", self.events.size_hint().0, self.window)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // An example to start from; add your own.
    #[test]
    fn two_events_of_a_card_within_the_window_are_counted_together() {
        let events = vec![
            Event { card: "a".into(), ts: 0, amount_cents: 100 },
            Event { card: "a".into(), ts: 30, amount_cents: 50 },
        ];
        let out: Vec<_> = velocity(events, 60).collect();
        assert_eq!(out[1], Ok(Velocity { count: 2, sum_cents: 150 }));
    }
}
