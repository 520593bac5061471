//! Known-bad: `i64::MAX` stands for "no time yet", so a user whose only time is `i64::MAX` gets `None`.

use std::collections::BTreeMap;

/// A payment event.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub user_id: String,
    /// `None` is a NULL amount (the payment processor did not report it).
    pub amount: Option<f64>,
    /// Seconds since the epoch; `None` is a NULL timestamp.
    pub ts: Option<i64>,
}

/// One user's aggregates.
#[derive(Debug, Clone, PartialEq)]
pub struct UserSummary {
    pub user_id: String,
    pub events: u64,
    pub total: f64,
    pub first_ts: Option<i64>,
}

/// Running aggregate of one user; `first_ts` is `NO_TIME` until a time is seen.
#[derive(Debug, Clone, Copy)]
struct Acc {
    events: u64,
    amounts: u64,
    total: f64,
    first_ts: i64,
}

/// Marks a user with no known time yet.
const NO_TIME: i64 = i64::MAX;

impl Default for Acc {
    fn default() -> Self {
        Acc { events: 0, amounts: 0, total: 0.0, first_ts: NO_TIME }
    }
}

impl Acc {
    fn add(&mut self, event: &Event) {
        self.events += 1;
        if let Some(amount) = event.amount {
            self.amounts += 1;
            self.total += amount;
        }
        if let Some(ts) = event.ts {
            self.first_ts = self.first_ts.min(ts);
        }
    }
}

fn group(events: &[Event]) -> BTreeMap<&str, Acc> {
    let mut groups: BTreeMap<&str, Acc> = BTreeMap::new();
    for event in events {
        groups.entry(event.user_id.as_str()).or_default().add(event);
    }
    groups
}

/// One summary per user, ordered by user id.
pub fn summarise(events: &[Event]) -> Vec<UserSummary> {
    group(events)
        .into_iter()
        .map(|(user, acc)| UserSummary {
            user_id: user.to_owned(),
            events: acc.events,
            total: acc.total,
            first_ts: (acc.first_ts != NO_TIME).then_some(acc.first_ts),
        })
        .collect()
}

/// Mean of the non-NULL amounts of each user with at least `min_events` events (NULL ones included in that count);
/// `None` for a user whose amounts are all NULL. Ordered by user id.
pub fn mean_spend(events: &[Event], min_events: u64) -> Vec<(String, Option<f64>)> {
    group(events)
        .into_iter()
        .filter(|(_, acc)| acc.events >= min_events)
        .map(|(user, acc)| (user.to_owned(), (acc.amounts > 0).then(|| acc.total / acc.amounts as f64)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(user: &str, amount: Option<f64>, ts: Option<i64>) -> Event {
        Event { user_id: user.to_owned(), amount, ts }
    }

    #[test]
    fn users_are_summarised_in_id_order() {
        let out = summarise(&[ev("b", Some(2.0), Some(9)), ev("a", Some(1.0), Some(5)), ev("b", Some(3.0), Some(4))]);
        assert_eq!(out[0], UserSummary { user_id: "a".into(), events: 1, total: 1.0, first_ts: Some(5) });
        assert_eq!(out[1], UserSummary { user_id: "b".into(), events: 2, total: 5.0, first_ts: Some(4) });
    }

    #[test]
    fn null_amounts_count_as_events_but_not_in_the_sum() {
        let out = summarise(&[ev("a", None, None), ev("a", None, Some(3))]);
        assert_eq!(out, [UserSummary { user_id: "a".into(), events: 2, total: 0.0, first_ts: Some(3) }]);
    }

    #[test]
    fn the_mean_skips_nulls_and_filters_small_groups() {
        let events = [ev("a", Some(2.0), None), ev("a", None, None), ev("b", Some(1.0), None), ev("c", None, None)];
        assert_eq!(mean_spend(&events, 1), [("a".into(), Some(2.0)), ("b".into(), Some(1.0)), ("c".into(), None)]);
        assert_eq!(mean_spend(&events, 2), [("a".into(), Some(2.0))]);
    }
}
