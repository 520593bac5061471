//! Window features per user. Read the task with `harness show window-features`.

use std::num::NonZeroUsize;

#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub user_id: String,
    pub ts: Option<i64>,
    pub amount: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Features {
    pub cum_spend: f64,
    pub time_rank: Option<u32>,
    pub days_since_prev: Option<i64>,
}

pub fn window_features(events: &[Event]) -> Vec<Features> {
    todo!("features for {} events", events.len())
}

pub fn rolling_mean(events: &[Event], window: NonZeroUsize) -> Vec<f64> {
    todo!("rolling mean over {window} events for {} events", events.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    // An example to start from; add your own.
    #[test]
    fn the_first_event_of_a_user_has_rank_one_and_no_gap() {
        let out = window_features(&[Event { user_id: "a".into(), ts: Some(10), amount: 2.0 }]);
        assert_eq!(out, [Features { cum_spend: 2.0, time_rank: Some(1), days_since_prev: None }]);
    }
}
