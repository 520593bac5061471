//! Hidden suite: per-user group-by aggregates with NULL amounts and timestamps.

use harness_support::prelude::*;

/// An event as plain data: (user, amount, timestamp), `None` for NULL.
type Row = (String, Option<f64>, Option<i64>);
type Summary = Vec<(String, u64, f64, Option<i64>)>;
type Means = Vec<(String, Option<f64>)>;

// The adapters, written once for both sides: `cand::summary` calls the candidate, `refr::summary` the reference.
sides! {
    fn events(rows: &[Row]) -> Vec<api::Event> {
        rows.iter().map(|(u, a, t)| api::Event { user_id: u.clone(), amount: *a, ts: *t }).collect()
    }

    /// `summarise` as plain tuples, in the order returned.
    pub fn summary(rows: &[Row]) -> Summary {
        api::summarise(&events(rows)).into_iter().map(|s| (s.user_id, s.events, s.total, s.first_ts)).collect()
    }

    /// `mean_spend`, in the order returned.
    pub fn means((rows, min): &(Vec<Row>, u64)) -> Means {
        api::mean_spend(&events(rows), *min)
    }
}

/// What rules 2 and 3 decide, per user in user order whatever order the candidate returned: (user, events, total).
fn counts_and_totals(summary: Summary) -> Vec<(String, u64, f64)> {
    let mut out: Vec<(String, u64, f64)> = summary.into_iter().map(|(u, n, t, _)| (u, n, t)).collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// What rule 2 alone decides, per user in user order: (user, events).
fn counts(summary: Summary) -> Vec<(String, u64)> {
    counts_and_totals(summary).into_iter().map(|(u, n, _)| (u, n)).collect()
}

/// What rule 3 alone decides, per user in user order: (user, total).
fn totals(summary: Summary) -> Vec<(String, f64)> {
    counts_and_totals(summary).into_iter().map(|(u, _, t)| (u, t)).collect()
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

/// Which field of a random event may be NULL when the trial's edges are on. The other is drawn ordinary, so that a
/// NULL-amount bug is charged to the amount rules' case and a NULL-timestamp bug to rule 4's, once each.
#[derive(Clone, Copy)]
enum Nullable {
    Amount,
    Ts,
}

/// Random non-empty batches, unsorted, over a small pool of users (`user-0` … `user-11`, so plain string order is
/// not numeric order), amounts from refunds to payments, timestamps anywhere in `i64`. With [`Edges::NULL`] on, the
/// `nullable` field is now and then NULL; with [`Edges::EMPTY`] / [`Edges::BLANK`] on, a user id is now and then
/// empty or whitespace (rule 1's); with [`Edges::EXTREMES`] on, a timestamp is now and then `i64::MIN` or `i64::MAX`
/// (rule 4's). Each class is on only in the edge variant of the case whose rule owns it.
fn random_rows(g: &mut Gen, nullable: Nullable) -> Vec<Row> {
    let amount = |g: &mut Gen| g.maybe(|g| g.f64(-100.0, 500.0));
    let ts = |g: &mut Gen| g.maybe(|g| g.i64(i64::MIN, i64::MAX));
    let n = g.len().max(1);
    g.vec(n, |g| {
        let user = g.text(|g| g.id("user-", 12));
        match nullable {
            Nullable::Amount => (user, amount(g), g.ordinary(ts)),
            Nullable::Ts => (user, g.ordinary(amount), ts(g)),
        }
    })
}

/// `n` events over `n / 3` users in a scattered order, no NULLs (they are the edge cases' to charge).
fn large_rows(g: &mut Gen) -> Vec<Row> {
    let n = g.size();
    let users = (n / 3).max(1);
    (0..n)
        .map(|i| (format!("user-{:06}", (i * 7919) % users), Some(g.f64(1.0, 100.0)), Some(g.i64(0, 1_000_000))))
        .collect()
}

pub fn cases() -> Vec<Case> {
    let mut all = core_cases();
    all.extend(having_cases());
    all
}

fn core_cases() -> Vec<Case> {
    vec![
        // Each rule is checked on its own (counts and totals, earliest times, order), so one slip costs its own rule.
        case("counts_and_totals_per_user", Kind::Correctness, "every event counts for its user, and amounts add up per user")
            .rules(&["R2", "R3"])
            .weight(2)
            .check(|| {
                let rows = vec![
                    row("u2", Some(10.0), Some(300)),
                    row("u1", Some(5.5), Some(200)),
                    row("u2", Some(2.5), Some(100)),
                    row("u3", Some(1.0), Some(50)),
                ];
                expect_eq(
                    &counts_and_totals(cand::summary(&rows)),
                    &vec![("u1".to_owned(), 1, 5.5), ("u2".to_owned(), 2, 12.5), ("u3".to_owned(), 1, 1.0)],
                )
            }),
        case("counts_and_totals_match_the_reference_on_random_batches", Kind::Correctness, "any unsorted batch counts and sums per user by the rules")
            .rules(&["R2", "R3"])
            .edges(Edges::NULL, &["R2", "R3"])
            .weight(3)
            .differential(
                |g| random_rows(g, Nullable::Amount),
                |r| counts_and_totals(cand::summary(r)),
                |r| counts_and_totals(refr::summary(r)),
            ),
        case("first_time_is_the_earliest_not_the_first_seen", Kind::Correctness, "events arrive out of order; the first event is the earliest one")
            .rules(&["R4"])
            .check(|| {
                let rows = vec![row("u1", Some(1.0), Some(900)), row("u1", Some(1.0), Some(100)), row("u1", Some(1.0), Some(500))];
                expect_eq(&earliest_times(cand::summary(&rows)), &vec![("u1".to_owned(), Some(100))])
            }),
        case("earliest_times_match_the_reference_on_random_batches", Kind::Correctness, "in any unsorted batch, each user's first time is the smallest of its times")
            .rules(&["R4"])
            .edges(Edges::NULL, &["R4"])
            .edges(Edges::EXTREMES, &["R4"])
            .weight(2)
            .differential(
                |g| random_rows(g, Nullable::Ts),
                |r| earliest_times(cand::summary(r)),
                |r| earliest_times(refr::summary(r)),
            ),
        case("users_are_ordered_by_id", Kind::Correctness, "one row per user, ordered by user id")
            .rules(&["R1"])
            .edges(Edges::EMPTY | Edges::BLANK, &["R1"])
            .weight(2)
            .differential(|g| random_rows(g, Nullable::Amount), |r| users(cand::summary(r)), |r| users(refr::summary(r))),
        case("ids_are_ordered_byte_by_byte", Kind::Correctness, "plain string order: upper case before lower case, `user-10` before `user-9`")
            .rules(&["R1"])
            .check(|| {
                let rows: Vec<Row> = ["user-9", "a", "user-10", "é", "B", "Z"].iter().map(|u| row(u, Some(1.0), Some(1))).collect();
                let expected: Vec<String> = ["B", "Z", "a", "user-10", "user-9", "é"].iter().map(|u| (*u).to_owned()).collect();
                expect_eq(&users(cand::summary(&rows)), &expected)
            }),
        case("user_ids_are_taken_exactly_as_given", Kind::EdgeEmpty, "ids are keys: nothing trimmed or folded, and an empty or blank id is a user of its own")
            .rules(&["R1"])
            .weight(2)
            .check(|| {
                // Compared per user in user order, so the order the candidate returns is not this case's to judge.
                let ids = ["u1", " u1", "u1 ", "U1", "", " ", "\t", "\u{a0}", "u1"];
                let rows: Vec<Row> = ids.iter().map(|u| row(u, Some(1.0), Some(1))).collect();
                let expected: Vec<(String, u64)> = ["", "\t", " ", " u1", "U1", "u1", "u1 ", "\u{a0}"]
                    .iter()
                    .map(|u| ((*u).to_owned(), if *u == "u1" { 2 } else { 1 }))
                    .collect();
                expect_eq(&counts(cand::summary(&rows)), &expected)
            }),
        case("timestamps_may_be_any_i64", Kind::Correctness, "a time before 1970, zero or at either end of i64 is a time, not a sentinel")
            .rules(&["R4"])
            .check(|| {
                let rows = vec![
                    row("max", Some(1.0), Some(i64::MAX)),
                    row("min", Some(1.0), Some(5)),
                    row("min", Some(1.0), Some(i64::MIN)),
                    row("negative", Some(1.0), Some(-1)),
                    row("negative", Some(1.0), Some(-86_400)),
                    row("zero", Some(1.0), Some(0)),
                ];
                expect_eq(
                    &earliest_times(cand::summary(&rows)),
                    &vec![
                        ("max".to_owned(), Some(i64::MAX)),
                        ("min".to_owned(), Some(i64::MIN)),
                        ("negative".to_owned(), Some(-86_400)),
                        ("zero".to_owned(), Some(0)),
                    ],
                )
            }),
        case("no_events_no_users", Kind::EdgeEmpty, "an empty day is not an error")
            .rules(&["R5", "having.R4"])
            .weight(2)
            .check(|| {
                expect_eq(&cand::summary(&[]), &Vec::new()).context("summarise")?;
                expect_eq(&cand::means(&(Vec::new(), 1)), &Vec::new()).context("mean_spend")
            }),
        case("a_single_event", Kind::EdgeSingle, "one event is one user with itself as total and first time")
            .rules(&["R1", "R2", "R3", "R4"])
            .check(|| expect_eq(&cand::summary(&[row("solo", Some(7.25), Some(42))]), &vec![("solo".to_owned(), 1, 7.25, Some(42))])),
        case("null_amounts_count_as_events", Kind::EdgeNull, "size, not count: an event with a NULL amount or time is still an event of its user")
            .rules(&["R2"])
            .check(|| {
                let rows = vec![row("a", None, Some(5)), row("a", Some(3.0), Some(6)), row("b", None, Some(7)), row("b", None, None)];
                expect_eq(&counts(cand::summary(&rows)), &vec![("a".to_owned(), 2), ("b".to_owned(), 2)])
            }),
        case("null_amounts_are_skipped_in_the_total", Kind::EdgeNull, "a NULL amount is unknown, not zero: it adds nothing; all-NULL sums to 0.0 as pandas does")
            .rules(&["R3"])
            .weight(2)
            .check(|| {
                let rows = vec![
                    row("a", None, Some(5)),
                    row("a", Some(3.0), Some(6)),
                    row("a", None, Some(4)),
                    row("b", None, Some(7)),
                    row("b", None, Some(8)),
                ];
                expect_eq(&totals(cand::summary(&rows)), &vec![("a".to_owned(), 3.0), ("b".to_owned(), 0.0)])
            }),
        case("null_timestamps_are_ignored_for_the_first_time", Kind::EdgeNull, "an unknown time cannot be the earliest; only-NULL times give None")
            .rules(&["R4"])
            .check(|| {
                // A NULL before the known time and one after it: neither may replace it.
                let rows = vec![
                    row("a", Some(1.0), None),
                    row("a", Some(1.0), Some(9)),
                    row("a", Some(1.0), None),
                    row("b", Some(1.0), None),
                    row("b", Some(1.0), None),
                ];
                expect_eq(&earliest_times(cand::summary(&rows)), &vec![("a".to_owned(), Some(9)), ("b".to_owned(), None)])
            }),
        case("summarises_300k_events_over_100k_users", Kind::Scaling, "one pass with a map: the work per event must not grow with the number of users")
            .rules(&["R6"])
            .size(300_000)
            .scaling(
                |g| {
                    let n = g.size();
                    (0..n).map(|i| (format!("user-{:06}", (i * 7919) % 100_000), Some(g.f64(1.0, 100.0)), Some(g.i64(0, 1_000_000)))).collect::<Vec<Row>>()
                },
                |r: &Vec<Row>| cand::summary(r).len(),
                |r: &Vec<Row>| refr::summary(r).len(),
            ),
    ]
}

fn having_cases() -> Vec<Case> {
    vec![
        case("mean_spend_matches_the_reference", Kind::Correctness, "the mean per user, keeping only users with enough events")
            .rules(&["having.R1", "having.R2"])
            .edges(Edges::NULL, &["having.R1", "having.R2", "having.R3"])
            .stage("having")
            .weight(2)
            .differential(
                |g| (random_rows(g, Nullable::Amount), g.u64() % 4),
                |input| sorted_means(cand::means(input)),
                |input| sorted_means(refr::means(input)),
            ),
        case("means_are_ordered_by_user_id", Kind::Correctness, "the means come one row per kept user, ordered by user id")
            .rules(&["having.R4"])
            .stage("having")
            .differential(
                |g| random_rows(g, Nullable::Amount),
                |r| cand::means(&(r.clone(), 1)).into_iter().map(|m| m.0).collect::<Vec<_>>(),
                |r| refr::means(&(r.clone(), 1)).into_iter().map(|m| m.0).collect::<Vec<_>>(),
            ),
        case("min_events_filters_small_groups", Kind::Correctness, "HAVING count >= n drops users below the bar, keeps those at it")
            .rules(&["having.R1"])
            .stage("having")
            .check(|| {
                let rows = vec![row("a", Some(2.0), Some(1)), row("a", Some(4.0), Some(2)), row("b", Some(1.0), Some(3))];
                expect_eq(&cand::means(&(rows, 2)), &vec![("a".to_owned(), Some(3.0))])
            }),
        case("null_amount_events_count_towards_min_events", Kind::EdgeNull, "HAVING count(*) counts every event, a NULL amount too, not only the known amounts")
            .rules(&["having.R1"])
            .stage("having")
            .check(|| {
                // Every kept user is over the bar, not at it: keeping users at it is min_events_filters_small_groups'.
                let rows = vec![
                    row("a", Some(6.0), Some(1)),
                    row("a", None, Some(2)),
                    row("a", None, None),
                    row("b", Some(1.0), Some(3)),
                    row("c", Some(2.0), None),
                    row("c", None, Some(5)),
                    row("c", Some(4.0), Some(4)),
                ];
                expect_eq(&cand::means(&(rows, 2)), &vec![("a".to_owned(), Some(6.0)), ("c".to_owned(), Some(3.0))])
            }),
        case("the_mean_skips_null_amounts", Kind::EdgeNull, "NULLs are not zeros: the mean divides by the known amounts only")
            .rules(&["having.R2"])
            .stage("having")
            .check(|| {
                // min_events 0 keeps every user, so how the filter counts cannot matter here.
                let rows = vec![row("a", Some(4.0), Some(1)), row("a", None, Some(2)), row("a", Some(8.0), Some(3)), row("b", Some(5.0), None)];
                expect_eq(&cand::means(&(rows, 0)), &vec![("a".to_owned(), Some(6.0)), ("b".to_owned(), Some(5.0))])
            }),
        case("the_mean_of_only_null_amounts_is_none", Kind::EdgeNull, "a mean over no known amounts is unknown: None, not 0.0 and not NaN, and the user stays")
            .rules(&["having.R3"])
            .stage("having")
            .weight(2)
            .check(|| {
                let rows = vec![row("a", Some(4.0), Some(1)), row("b", None, Some(2)), row("b", None, Some(3))];
                expect_eq(&cand::means(&(rows, 0)), &vec![("a".to_owned(), Some(4.0)), ("b".to_owned(), None)])
            }),
        case("a_mean_of_zero_is_some_zero", Kind::Correctness, "only a user with no known amount has no mean: zero amounts, or a refund cancelling a payment, average to Some(0.0)")
            .rules(&["having.R3"])
            .stage("having")
            .check(|| {
                // No NULLs here: the all-NULL mean is the_mean_of_only_null_amounts_is_none's.
                let rows = vec![
                    row("a", Some(0.0), Some(1)),
                    row("a", Some(0.0), Some(2)),
                    row("b", Some(25.0), Some(3)),
                    row("b", Some(-25.0), Some(4)),
                    row("c", Some(2.0), Some(5)),
                ];
                expect_eq(
                    &cand::means(&(rows, 0)),
                    &vec![("a".to_owned(), Some(0.0)), ("b".to_owned(), Some(0.0)), ("c".to_owned(), Some(2.0))],
                )
            }),
        case("mean_spend_over_300k_events", Kind::Scaling, "the HAVING mean comes from the same one-pass group-by, not a scan of the events per user")
            .rules(&["having.R5"])
            .stage("having")
            .size(300_000)
            .scaling(
                |g| (large_rows(g), 2),
                |input: &(Vec<Row>, u64)| cand::means(input).len(),
                |input: &(Vec<Row>, u64)| refr::means(input).len(),
            ),
    ]
}
