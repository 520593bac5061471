//! Hidden suite: per-user group-by aggregates with NULL amounts and timestamps.

use harness_support::prelude::*;

use candidate as cand;
use reference as refr;

/// An event as plain data: (user, amount, timestamp), `None` for NULL.
type Row = (String, Option<f64>, Option<i64>);
type Summary = Vec<(String, u64, f64, Option<i64>)>;
type Means = Vec<(String, Option<f64>)>;

fn cand_events(rows: &[Row]) -> Vec<cand::Event> {
    rows.iter().map(|(u, a, t)| cand::Event { user_id: u.clone(), amount: *a, ts: *t }).collect()
}

fn refr_events(rows: &[Row]) -> Vec<refr::Event> {
    rows.iter().map(|(u, a, t)| refr::Event { user_id: u.clone(), amount: *a, ts: *t }).collect()
}

fn cand_summary(rows: &[Row]) -> Summary {
    cand::summarise(&cand_events(rows)).into_iter().map(|s| (s.user_id, s.events, s.total, s.first_ts)).collect()
}

fn refr_summary(rows: &[Row]) -> Summary {
    refr::summarise(&refr_events(rows)).into_iter().map(|s| (s.user_id, s.events, s.total, s.first_ts)).collect()
}

fn cand_means((rows, min): &(Vec<Row>, u64)) -> Means {
    cand::mean_spend(&cand_events(rows), *min)
}

fn refr_means((rows, min): &(Vec<Row>, u64)) -> Means {
    refr::mean_spend(&refr_events(rows), *min)
}

/// What rules 2 and 3 decide, per user in user order whatever order the candidate returned: (user, events, total).
fn counts_and_totals(summary: Summary) -> Vec<(String, u64, f64)> {
    let mut out: Vec<(String, u64, f64)> = summary.into_iter().map(|(u, n, t, _)| (u, n, t)).collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// What rule 4 decides, per user in user order: (user, earliest non-NULL time).
fn earliest_times(summary: Summary) -> Vec<(String, Option<i64>)> {
    let mut out: Vec<(String, Option<i64>)> = summary.into_iter().map(|(u, _, _, t)| (u, t)).collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// What rule 1 decides: the users, in the order returned.
fn users(summary: Summary) -> Vec<String> {
    summary.into_iter().map(|s| s.0).collect()
}

/// The means per user in user order, whatever order they came in.
fn sorted_means(mut means: Means) -> Means {
    means.sort_by(|a, b| a.0.cmp(&b.0));
    means
}

fn row(user: &str, amount: Option<f64>, ts: Option<i64>) -> Row {
    (user.to_owned(), amount, ts)
}

/// Random non-empty batches, unsorted, over a small pool of users; no NULLs (they belong to the edge cases).
fn random_rows(g: &mut Gen) -> Vec<Row> {
    let n = g.len().max(1);
    g.vec(n, |g| (g.id("user-", 6), Some(g.f64(1.0, 500.0)), Some(g.i64(1_700_000_000, 1_700_999_999))))
}

fn no_nulls(rows: &Vec<Row>) -> bool {
    !rows.is_empty() && rows.iter().all(|(_, a, t)| a.is_some() && t.is_some())
}

pub fn cases() -> Vec<Case> {
    vec![
        // Each rule is checked on its own (counts and totals, earliest times, order), so one slip costs its own rule.
        case("counts_and_totals_per_user", Kind::Correctness, "every event counts for its user, and amounts add up per user")
            .weight(2)
            .check(|| {
                let rows = vec![
                    row("u2", Some(10.0), Some(300)),
                    row("u1", Some(5.5), Some(200)),
                    row("u2", Some(2.5), Some(100)),
                    row("u3", Some(1.0), Some(50)),
                ];
                expect_eq(
                    &counts_and_totals(cand_summary(&rows)),
                    &vec![("u1".to_owned(), 1, 5.5), ("u2".to_owned(), 2, 12.5), ("u3".to_owned(), 1, 1.0)],
                )
            }),
        case("counts_and_totals_match_the_reference_on_random_batches", Kind::Correctness, "any unsorted batch counts and sums per user by the rules")
            .weight(3)
            .differential_within(random_rows, no_nulls, |r| counts_and_totals(cand_summary(r)), |r| counts_and_totals(refr_summary(r))),
        case("first_time_is_the_earliest_not_the_first_seen", Kind::Correctness, "events arrive out of order; the first event is the earliest one")
            .check(|| {
                let rows = vec![row("u1", Some(1.0), Some(900)), row("u1", Some(1.0), Some(100)), row("u1", Some(1.0), Some(500))];
                expect_eq(&cand_summary(&rows), &vec![("u1".to_owned(), 3, 3.0, Some(100))])
            }),
        case("earliest_times_match_the_reference_on_random_batches", Kind::Correctness, "in any unsorted batch, each user's first time is the smallest of its times")
            .weight(2)
            .differential_within(random_rows, no_nulls, |r| earliest_times(cand_summary(r)), |r| earliest_times(refr_summary(r))),
        case("users_are_ordered_by_id", Kind::Correctness, "one row per user, ordered by user id")
            .weight(2)
            .differential_within(random_rows, no_nulls, |r| users(cand_summary(r)), |r| users(refr_summary(r))),
        case("mean_spend_matches_the_reference", Kind::Correctness, "the mean per user, keeping only users with enough events")
            .stage("having")
            .weight(2)
            .differential_within(
                |g| (random_rows(g), g.u64() % 3 + 1),
                |(rows, min): &(Vec<Row>, u64)| no_nulls(rows) && *min >= 1,
                |input| sorted_means(cand_means(input)),
                |input| sorted_means(refr_means(input)),
            ),
        case("means_are_ordered_by_user_id", Kind::Correctness, "the means come one row per kept user, ordered by user id")
            .stage("having")
            .differential_within(
                random_rows,
                no_nulls,
                |r| cand_means(&(r.clone(), 1)).into_iter().map(|m| m.0).collect::<Vec<_>>(),
                |r| refr_means(&(r.clone(), 1)).into_iter().map(|m| m.0).collect::<Vec<_>>(),
            ),
        case("min_events_filters_small_groups", Kind::Correctness, "HAVING count >= n drops users below the bar, keeps those at it")
            .stage("having")
            .check(|| {
                let rows = vec![row("a", Some(2.0), Some(1)), row("a", Some(4.0), Some(2)), row("b", Some(1.0), Some(3))];
                expect_eq(&cand_means(&(rows, 2)), &vec![("a".to_owned(), Some(3.0))])
            }),
        case("no_events_no_users", Kind::EdgeEmpty, "an empty day is not an error")
            .weight(2)
            .check(|| {
                expect_eq(&cand_summary(&[]), &Vec::new()).context("summarise")?;
                expect_eq(&cand_means(&(Vec::new(), 1)), &Vec::new()).context("mean_spend")
            }),
        case("a_single_event", Kind::EdgeSingle, "one event is one user with itself as total and first time")
            .check(|| expect_eq(&cand_summary(&[row("solo", Some(7.25), Some(42))]), &vec![("solo".to_owned(), 1, 7.25, Some(42))])),
        case("null_amounts_are_skipped_in_the_total", Kind::EdgeNull, "a NULL amount is unknown, not zero: it counts as an event, adds nothing; all-NULL sums to 0.0 as pandas does")
            .weight(2)
            .check(|| {
                let rows = vec![row("a", None, Some(5)), row("a", Some(3.0), Some(6)), row("b", None, Some(7)), row("b", None, Some(8))];
                expect_eq(&cand_summary(&rows), &vec![("a".to_owned(), 2, 3.0, Some(5)), ("b".to_owned(), 2, 0.0, Some(7))])
            }),
        case("null_timestamps_are_ignored_for_the_first_time", Kind::EdgeNull, "an unknown time cannot be the earliest; only-NULL times give None")
            .check(|| {
                let rows = vec![row("a", Some(1.0), None), row("a", Some(1.0), Some(9)), row("b", Some(1.0), None)];
                expect_eq(&cand_summary(&rows), &vec![("a".to_owned(), 2, 2.0, Some(9)), ("b".to_owned(), 1, 1.0, None)])
            }),
        case("the_mean_of_null_amounts_is_none", Kind::EdgeNull, "a mean over no known amounts is unknown: None, not 0.0 and not NaN; NULLs are not zeros")
            .stage("having")
            .weight(2)
            .check(|| {
                let rows = vec![row("a", Some(4.0), Some(1)), row("a", None, Some(2)), row("b", None, Some(3))];
                expect_eq(&cand_means(&(rows, 1)), &vec![("a".to_owned(), Some(4.0)), ("b".to_owned(), None)])
            }),
        case("summarises_300k_events_over_100k_users", Kind::Scaling, "one pass with a map: the work per event must not grow with the number of users")
            .size(300_000)
            .scaling(
                |g| {
                    let n = g.size();
                    (0..n).map(|i| (format!("user-{:06}", (i * 7919) % 100_000), Some(g.f64(1.0, 100.0)), Some(g.i64(0, 1_000_000)))).collect::<Vec<Row>>()
                },
                |r: &Vec<Row>| cand_summary(r).len(),
                |r: &Vec<Row>| refr_summary(r).len(),
            ),
    ]
}
