//! Hidden suite: fraud scorer with an injected model.

use harness_support::prelude::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The fake model: each row's first feature is its probability (NaN for an empty row). Counts calls and rows seen.
#[derive(Clone, Default)]
struct Fake {
    calls: Arc<AtomicUsize>,
    rows: Arc<AtomicUsize>,
    /// Drop this many probabilities from every answer (a broken model).
    short_by: usize,
}

impl Fake {
    fn answer(&self, rows: &[&[f64]]) -> Vec<f64> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.rows.fetch_add(rows.len(), Ordering::SeqCst);
        let mut out: Vec<f64> = rows.iter().map(|r| r.first().copied().unwrap_or(f64::NAN)).collect();
        out.truncate(out.len().saturating_sub(self.short_by));
        out
    }
    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

/// A batch as plain data: (threshold, [(id, probability, extra feature)]).
type Input = (f64, Vec<(String, f64, f64)>);
/// A comparable outcome: decisions as (id, probability, action) or the error's name.
type Out = Result<Vec<(String, f64, &'static str)>, String>;

// The adapters, written once for both sides: `cand::run` calls the candidate, `refr::run` the reference.
sides! {
    impl api::Model for Fake {
        fn predict_proba(&self, rows: &[&[f64]]) -> Vec<f64> {
            self.answer(rows)
        }
    }

    fn batch(rows: &[(String, f64, f64)]) -> Vec<api::Transaction> {
        rows.iter().map(|(id, p, x)| api::Transaction { id: id.clone(), features: vec![*p, *x] }).collect()
    }

    fn action(a: api::Action) -> &'static str {
        match a {
            api::Action::Approve => "approve",
            api::Action::Flag => "flag",
            api::Action::Review => "review",
        }
    }

    pub fn err(e: api::ScoreError) -> String {
        match e {
            api::ScoreError::InvalidThreshold(t) => format!("InvalidThreshold({t})"),
            api::ScoreError::InvalidBatchSize => "InvalidBatchSize".to_owned(),
            api::ScoreError::DuplicateId(id) => format!("DuplicateId({id})"),
            api::ScoreError::WrongLength { expected, got } => {
                format!("WrongLength {{ expected: {expected}, got: {got} }}")
            }
        }
    }

    /// Scores with this side; `chunk` selects `score_chunked`.
    pub fn run(fake: &Fake, (threshold, rows): &Input, chunk: Option<usize>) -> Out {
        let scorer = api::Scorer::new(fake.clone(), *threshold).map_err(err)?;
        let batch = batch(rows);
        let decisions = match chunk {
            Some(k) => scorer.score_chunked(&batch, k),
            None => scorer.score(&batch),
        };
        decisions.map(|ds| ds.into_iter().map(|d| (d.id, d.probability, action(d.action))).collect()).map_err(err)
    }
}

fn rows(spec: &[(&str, f64)]) -> Vec<(String, f64, f64)> {
    spec.iter().map(|(id, p)| ((*id).to_owned(), *p, 1.0)).collect()
}

/// Checks that `out` is `WrongLength` for one call of at most `max_rows` rows answered one probability short.
fn wrong_length(out: &Out, max_rows: usize) -> Result<(), Failure> {
    let Err(e) = out else {
        return Err(Failure::new(format!("a model answering one probability short was accepted: {out:?}")));
    };
    let fields = e
        .strip_prefix("WrongLength { expected: ")
        .and_then(|r| r.strip_suffix(" }"))
        .and_then(|r| r.split_once(", got: "))
        .and_then(|(e, g)| Some((e.parse::<usize>().ok()?, g.parse::<usize>().ok()?)));
    match fields {
        Some((expected, got)) if expected <= max_rows && got + 1 == expected => Ok(()),
        Some(_) => Err(Failure::new(format!(
            "{e}: expected the length of one call of at most {max_rows} rows, and the model's answer one shorter"
        ))),
        None => Err(Failure::new(format!("expected WrongLength for the short answer, got {e}"))),
    }
}

/// Expected output for a fixed example, from the reference.
fn both(input: &Input, chunk: Option<usize>) -> (Out, Out, Fake) {
    let fake = Fake::default();
    let actual = cand::run(&fake, input, chunk);
    (actual, refr::run(&Fake::default(), input, chunk), fake)
}

/// Random non-empty batches (empty is an edge case of its own) with unique ids and probabilities spread over
/// [0, 1), never exactly on the threshold.
fn random_batch(g: &mut Gen) -> Input {
    // A NaN threshold is rule 1's (its own case), not a NaN probability's.
    let threshold = g.ordinary(|g| g.f64(0.05, 0.95));
    let n = g.len().max(1);
    let rows = (0..n).map(|i| (format!("t{i}"), g.f64(0.0, 1.0), g.f64(-5.0, 5.0))).collect();
    (threshold, rows)
}

pub fn cases() -> Vec<Case> {
    vec![
        case(
            "flags_and_approves_a_small_batch",
            Kind::Correctness,
            "the basic contract: one decision per transaction, in input order",
        )
        .rules(&["R2", "R3"])
        .weight(2)
        .check(|| {
            let input = (0.7, rows(&[("a", 0.9), ("b", 0.1), ("c", 0.71), ("d", 0.69)]));
            let (actual, expected, _) = both(&input, None);
            expect_eq(&actual, &expected)
        }),
        case(
            "matches_the_reference_on_random_batches",
            Kind::Correctness,
            "decisions must agree with the rules on any batch",
        )
        .rules(&["R2", "R3"])
        .edges(Edges::NAN | Edges::INFINITE | Edges::NEG_ZERO, &["R3"])
        .weight(3)
        .differential_within(
            random_batch,
            |(_, rows): &Input| !rows.is_empty(),
            |i| cand::run(&Fake::default(), i, None),
            |i| refr::run(&Fake::default(), i, None),
        ),
        case(
            "calls_the_model_once_per_batch",
            Kind::Correctness,
            "the model is costly: one call with every row, not one per row",
        )
        .rules(&["R4"])
        .weight(3)
        .check(|| {
            let fake = Fake::default();
            let input = (0.5, rows(&[("a", 0.2), ("b", 0.8), ("c", 0.4), ("d", 0.6), ("e", 0.9)]));
            cand::run(&fake, &input, None).map_err(|e| Failure::new(format!("score returned Err({e})")))?;
            expect(fake.calls() == 1, format!("the model was called {} times for one batch of 5", fake.calls()))?;
            expect(fake.rows.load(Ordering::SeqCst) == 5, "the model did not see every row exactly once")
        }),
        case(
            "duplicate_ids_are_rejected_before_scoring",
            Kind::Correctness,
            "a repeated id is an error, reported for its first repeat, with no model call",
        )
        .rules(&["R5"])
        .check(|| {
            let fake = Fake::default();
            let input = (0.5, rows(&[("a", 0.2), ("b", 0.8), ("c", 0.4), ("b", 0.6), ("a", 0.9)]));
            let actual = cand::run(&fake, &input, None);
            expect_eq(&actual, &Err("DuplicateId(b)".to_owned()))?;
            expect(fake.calls() == 0, "the model was called for a batch that was going to be rejected")
        }),
        case(
            "a_model_answering_the_wrong_length_is_an_error",
            Kind::Correctness,
            "a broken model must not be zipped silently into wrong decisions",
        )
        .rules(&["R6"])
        .check(|| {
            let fake = Fake { short_by: 1, ..Fake::default() };
            let input = (0.5, rows(&[("a", 0.2), ("b", 0.8), ("c", 0.4)]));
            // Whatever rows the candidate sends per call (a per-row caller is charged by the call-count case), the
            // answer one short must come back as WrongLength for that call.
            wrong_length(&cand::run(&fake, &input, None), 3)
        }),
        case(
            "thresholds_outside_zero_to_one_are_rejected",
            Kind::Correctness,
            "a threshold is a probability: outside [0, 1] or NaN is an error",
        )
        .rules(&["R1"])
        .check(|| {
            for t in [1.5, -0.1, f64::NAN, f64::INFINITY] {
                let result = cand::api::Scorer::new(Fake::default(), t).map(|_| ()).map_err(cand::err);
                expect(result.is_err(), format!("Scorer::new accepted the threshold {t}"))?;
            }
            for t in [0.0, 1.0, 0.5] {
                expect(
                    cand::api::Scorer::new(Fake::default(), t).is_ok(),
                    format!("Scorer::new rejected the threshold {t}"),
                )?;
            }
            Ok(())
        }),
        case(
            "chunked_matches_the_reference",
            Kind::Correctness,
            "chunking is an implementation detail: same decisions as one batch",
        )
        .rules(&["chunked.R1"])
        .stage("chunked")
        .weight(2)
        .differential_within(
            // The chunk size is generated (and shrunk) as k - 1, so a shrunk input never reaches k = 0.
            |g| (random_batch(g), g.usize(0, 6)),
            |((_, rows), _): &(Input, usize)| !rows.is_empty(),
            |(i, k)| cand::run(&Fake::default(), i, Some(k + 1)),
            |(i, k)| refr::run(&Fake::default(), i, Some(k + 1)),
        ),
        case(
            "chunked_calls_the_model_once_per_chunk",
            Kind::Correctness,
            "n rows in chunks of k need ceil(n / k) calls, no more",
        )
        .rules(&["chunked.R2"])
        .stage("chunked")
        .weight(2)
        .check(|| {
            for (n, k, calls) in [(10, 3, 4), (9, 3, 3), (2, 5, 1)] {
                let fake = Fake::default();
                let spec: Vec<(String, f64, f64)> = (0..n).map(|i| (format!("t{i}"), 0.3, 0.0)).collect();
                cand::run(&fake, &(0.5, spec), Some(k))
                    .map_err(|e| Failure::new(format!("score_chunked returned Err({e})")))?;
                expect(
                    fake.calls() == calls,
                    format!("{n} rows in chunks of {k}: {} model calls, expected {calls}", fake.calls()),
                )?;
            }
            Ok(())
        }),
        case("chunk_size_zero_is_an_error", Kind::Correctness, "a zero chunk size can make no progress")
        .rules(&["chunked.R3"])
            .stage("chunked")
            .check(|| {
                expect_eq(
                    &cand::run(&Fake::default(), &(0.5, rows(&[("a", 0.2)])), Some(0)),
                    &Err("InvalidBatchSize".to_owned()),
                )
            }),
        case(
            "chunked_checks_duplicates_across_chunks_before_any_call",
            Kind::Correctness,
            "an id repeated in a later chunk is an error before the first chunk is scored",
        )
        .rules(&["chunked.R4"])
        .stage("chunked")
        .check(|| {
            let fake = Fake::default();
            let input = (0.5, rows(&[("a", 0.2), ("b", 0.8), ("c", 0.4), ("d", 0.6), ("a", 0.9)]));
            expect_eq(&cand::run(&fake, &input, Some(2)), &Err("DuplicateId(a)".to_owned()))?;
            expect(fake.calls() == 0, format!("the model was called {} times before the duplicate was found", fake.calls()))
        }),
        case(
            "a_chunk_answered_with_the_wrong_length_is_an_error",
            Kind::Correctness,
            "each chunk's answer is checked against that chunk, not zipped silently",
        )
        .rules(&["chunked.R5"])
        .stage("chunked")
        .check(|| {
            let fake = Fake { short_by: 1, ..Fake::default() };
            let input = (0.5, rows(&[("a", 0.2), ("b", 0.8), ("c", 0.4), ("d", 0.6), ("e", 0.1)]));
            wrong_length(&cand::run(&fake, &input, Some(2)), 2)
        }),
        case(
            "an_empty_batch_is_scored_without_calling_the_model",
            Kind::EdgeEmpty,
            "no rows means no decisions and no wasted model call",
        )
        .rules(&["R4", "chunked.R2"])
        .weight(2)
        .check(|| {
            let fake = Fake::default();
            expect_eq(&cand::run(&fake, &(0.5, Vec::new()), None), &Ok(Vec::new()))?;
            expect(fake.calls() == 0, "the model was called for an empty batch")?;
            let chunked = Fake::default();
            expect_eq(&cand::run(&chunked, &(0.5, Vec::new()), Some(4)), &Ok(Vec::new()))?;
            expect(chunked.calls() == 0, "the model was called for an empty chunked batch")
        }),
        case("a_single_transaction", Kind::EdgeSingle, "one row is still a batch: one call, one decision")
        .rules(&["R2", "R4"]).check(
            || {
                let input = (0.5, rows(&[("only", 0.75)]));
                let (actual, expected, fake) = both(&input, None);
                expect_eq(&actual, &expected)?;
                expect(fake.calls() == 1, "one transaction needs exactly one model call")
            },
        ),
        case(
            "a_probability_equal_to_the_threshold_is_flagged",
            Kind::EdgeTies,
            "the rule is >=: a score exactly at the threshold is flagged",
        )
        .rules(&["R3"])
        .weight(2)
        .check(|| {
            for (t, p) in [(0.5, 0.5), (0.0, 0.0), (1.0, 1.0), (0.3, 0.3)] {
                let input = (t, rows(&[("x", p)]));
                expect_eq(&cand::run(&Fake::default(), &input, None), &Ok(vec![("x".to_owned(), p, "flag")]))
                    .context(format!("threshold {t}, probability {p}"))?;
            }
            Ok(())
        }),
        case(
            "nan_and_out_of_range_probabilities_go_to_review",
            Kind::EdgeNan,
            "a broken score must never approve a payment silently",
        )
        .rules(&["R3"])
        .weight(2)
        .check(|| {
            let input = (0.5, rows(&[("nan", f64::NAN), ("high", 1.2), ("low", -0.1), ("ok", 0.2)]));
            let (actual, expected, _) = both(&input, None);
            expect_eq(&actual, &expected)
        }),
        case(
            "scores_a_large_batch",
            Kind::Scaling,
            "300,000 transactions: duplicate checks and decisions must stay near-linear",
        )
        .rules(&["R7"])
        .size(300_000)
        .scaling(
            |g| {
                let n = g.size();
                (0.5, (0..n).map(|i| (format!("txn-{i:07}"), g.f64(0.0, 1.0), 0.0)).collect::<Vec<_>>())
            },
            |i: &Input| cand::run(&Fake::default(), i, None).map(|d| d.len()),
            |i: &Input| refr::run(&Fake::default(), i, None).map(|d| d.len()),
        ),
        case(
            "scores_a_large_batch_in_chunks",
            Kind::Scaling,
            "300,000 transactions in chunks of 1,000: checking once per batch, not once per chunk, stays near-linear",
        )
        .rules(&["chunked.R6"])
        .stage("chunked")
        .size(300_000)
        .scaling(
            |g| {
                let n = g.size();
                (0.5, (0..n).map(|i| (format!("txn-{i:07}"), g.f64(0.0, 1.0), 0.0)).collect::<Vec<_>>())
            },
            |i: &Input| cand::run(&Fake::default(), i, Some(1000)).map(|d| d.len()),
            |i: &Input| refr::run(&Fake::default(), i, Some(1000)).map(|d| d.len()),
        ),
    ]
}
