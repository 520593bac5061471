//! Known-bad: the rolling mean divides by the window, also while the user has had fewer events.

use std::collections::{HashMap, VecDeque};
use std::num::NonZeroUsize;

const DAY: i64 = 86_400;

/// A user's spend at a time.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub user_id: String,
    /// Seconds since the epoch; `None` is a NULL timestamp.
    pub ts: Option<i64>,
    pub amount: f64,
}

/// Window features of one event.
#[derive(Debug, Clone, PartialEq)]
pub struct Features {
    pub cum_spend: f64,
    pub time_rank: Option<u32>,
    pub days_since_prev: Option<i64>,
}

/// One row of features per event, in input order.
pub fn window_features(events: &[Event]) -> Vec<Features> {
    let ranks = dense_ranks(events);
    let mut spend: HashMap<&str, f64> = HashMap::new();
    let mut previous: HashMap<&str, Option<i64>> = HashMap::new();
    events
        .iter()
        .map(|e| {
            let user = e.user_id.as_str();
            let cum = spend.entry(user).or_insert(0.0);
            *cum += e.amount;
            let days = match (previous.insert(user, e.ts), e.ts) {
                (Some(Some(prev)), Some(ts)) => Some((ts - prev).div_euclid(DAY)),
                _ => None,
            };
            let rank = e.ts.map(|ts| {
                let times = &ranks[user];
                // Every timestamp was collected, so the search finds it; either way `at` is its place.
                let (Ok(at) | Err(at)) = times.binary_search(&ts);
                at as u32 + 1
            });
            Features { cum_spend: *cum, time_rank: rank, days_since_prev: days }
        })
        .collect()
}

/// Each user's distinct non-NULL timestamps, sorted: a timestamp's dense rank is its index + 1.
fn dense_ranks(events: &[Event]) -> HashMap<&str, Vec<i64>> {
    let mut times: HashMap<&str, Vec<i64>> = HashMap::new();
    for e in events {
        let entry = times.entry(e.user_id.as_str()).or_default();
        if let Some(ts) = e.ts {
            entry.push(ts);
        }
    }
    for list in times.values_mut() {
        list.sort_unstable();
        list.dedup();
    }
    times
}

/// Mean amount of each event's user over its last `window` events (this one included), in input order.
pub fn rolling_mean(events: &[Event], window: NonZeroUsize) -> Vec<f64> {
    let mut recent: HashMap<&str, (VecDeque<f64>, f64)> = HashMap::new();
    events
        .iter()
        .map(|e| {
            let (amounts, sum) = recent.entry(e.user_id.as_str()).or_default();
            amounts.push_back(e.amount);
            *sum += e.amount;
            let fallen_out = amounts.len().saturating_sub(window.get());
            *sum -= amounts.drain(..fallen_out).sum::<f64>();
            *sum / window.get() as f64
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(user: &str, ts: Option<i64>, amount: f64) -> Event {
        Event { user_id: user.to_owned(), ts, amount }
    }

    #[test]
    fn features_follow_each_user_in_input_order() {
        let out = window_features(&[ev("a", Some(0), 1.0), ev("b", Some(5), 2.0), ev("a", Some(2 * DAY + 7), 3.0)]);
        assert_eq!(out[2], Features { cum_spend: 4.0, time_rank: Some(2), days_since_prev: Some(2) });
        assert_eq!(out[1], Features { cum_spend: 2.0, time_rank: Some(1), days_since_prev: None });
    }

    #[test]
    fn equal_times_share_a_dense_rank() {
        let out = window_features(&[ev("a", Some(9), 1.0), ev("a", Some(3), 1.0), ev("a", Some(9), 1.0)]);
        let ranks: Vec<Option<u32>> = out.iter().map(|f| f.time_rank).collect();
        assert_eq!(ranks, [Some(2), Some(1), Some(2)]);
    }

    #[test]
    fn the_rolling_mean_forgets_old_events() {
        let events = [ev("a", None, 1.0), ev("a", None, 3.0), ev("a", None, 8.0)];
        assert_eq!(rolling_mean(&events, NonZeroUsize::new(2).unwrap())[1..], [2.0, 5.5]);
    }
}
