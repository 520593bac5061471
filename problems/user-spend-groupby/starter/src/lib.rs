//! Per-user spend summary. Read the task with `harness show user-spend-groupby`.

#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub user_id: String,
    pub amount: Option<f64>,
    pub ts: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UserSummary {
    pub user_id: String,
    pub events: u64,
    pub total: f64,
    pub first_ts: Option<i64>,
}

pub fn summarise(events: &[Event]) -> Vec<UserSummary> {
    todo!("group {} events by user", events.len())
}

pub fn mean_spend(events: &[Event], min_events: u64) -> Vec<(String, Option<f64>)> {
    todo!("mean spend of users with at least {min_events} of {} events", events.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    // An example to start from; add your own.
    #[test]
    fn two_events_of_one_user_are_summed() {
        let events = [
            Event { user_id: "u1".into(), amount: Some(2.0), ts: Some(10) },
            Event { user_id: "u1".into(), amount: Some(3.0), ts: Some(5) },
        ];
        let out = summarise(&events);
        assert_eq!(out, [UserSummary { user_id: "u1".into(), events: 2, total: 5.0, first_ts: Some(5) }]);
    }
}
