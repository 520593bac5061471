//! Every bundled reference at the scaling sizes the harness measures (`[scaling] sizes`, 1024 … 32768), on inputs
//! shaped like each suite's scaling case. For calibration and BENCHMARKS.md, never for verdicts: the harness grades
//! on instruction counts, which repeat exactly, while these wall-clock figures move with the machine's load.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

const SIZES: [usize; 3] = [1024, 8192, 32768];

/// A small deterministic generator (the figures must not depend on the run).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn unit(&mut self) -> f64 {
        self.next() as f64 / f64::from(1u32 << 31)
    }
}

/// Benchmarks `run` on `make(n)` at every size, as group `name`.
fn sizes<I>(c: &mut Criterion, name: &str, make: impl Fn(usize) -> I, run: impl Fn(&I)) {
    let mut group = c.benchmark_group(name);
    group.sample_size(20);
    for n in SIZES {
        let input = make(n);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &input, |b, input| b.iter(|| run(black_box(input))));
    }
    group.finish();
}

fn top_k(c: &mut Criterion) {
    use top_k_merchants::{Txn, top_k_merchants};
    sizes(
        c,
        "top-k-merchants",
        |n| {
            let mut g = Lcg(1);
            (0..n)
                .map(|_| Txn {
                    merchant_id: format!("merchant-{:06}", g.below(100_000)),
                    amount: 1.0 + 999.0 * g.unit(),
                })
                .collect::<Vec<_>>()
        },
        |txns| {
            black_box(top_k_merchants(txns, 100));
        },
    );
}

fn streaming(c: &mut Criterion) {
    sizes(
        c,
        "streaming-user-counts",
        |n| {
            let mut log = String::with_capacity(n * 40);
            for i in 0..n {
                log.push_str("{\"user_id\":\"user-");
                log.push_str(&((i * 7919) % 100_000).to_string());
                log.push_str("\",\"event\":\"click\"}\n");
            }
            log
        },
        |log| {
            black_box(streaming_user_counts::count_events(log.as_bytes()).expect("in-memory reads do not fail"));
        },
    );
}

fn groupby(c: &mut Criterion) {
    use user_spend_groupby::{Event, summarise};
    sizes(
        c,
        "user-spend-groupby",
        |n| {
            let mut g = Lcg(2);
            (0..n)
                .map(|i| Event {
                    user_id: format!("user-{:06}", (i * 7919) % 100_000),
                    amount: Some(1.0 + 99.0 * g.unit()),
                    ts: Some(g.below(1_000_000) as i64),
                })
                .collect::<Vec<_>>()
        },
        |events| {
            black_box(summarise(events));
        },
    );
}

fn window(c: &mut Criterion) {
    use window_features::{Event, window_features};
    sizes(
        c,
        "window-features",
        |n| {
            let mut g = Lcg(3);
            (0..n)
                .map(|i| Event {
                    user_id: format!("u{}", i % 10),
                    ts: Some(g.below(1_000_000_000) as i64),
                    amount: 1.0 + 99.0 * g.unit(),
                })
                .collect::<Vec<_>>()
        },
        |events| {
            black_box(window_features(events));
        },
    );
}

fn velocity(c: &mut Criterion) {
    use velocity_features::{Event, velocity};
    sizes(
        c,
        "velocity-features",
        |n| {
            let mut g = Lcg(4);
            (0..n)
                .map(|i| Event {
                    card: format!("card-{}", i % 10),
                    ts: i as i64,
                    amount_cents: 1 + g.below(10_000) as i64,
                })
                .collect::<Vec<_>>()
        },
        |events| {
            black_box(velocity(events.iter().cloned(), 100).count());
        },
    );
}

fn asof(c: &mut Criterion) {
    use asof_join::{Quote, Txn, asof_join};
    sizes(
        c,
        "asof-join",
        |n| {
            let mut g = Lcg(5);
            let quotes: Vec<Quote> = (0..n)
                .map(|i| Quote { key: format!("k{}", i % 10), ts: g.below(10_000_000) as i64, value: g.unit() })
                .collect();
            let txns: Vec<Txn> =
                (0..n).map(|i| Txn { key: format!("k{}", i % 10), ts: g.below(10_000_000) as i64 }).collect();
            (txns, quotes)
        },
        |(txns, quotes)| {
            black_box(asof_join(txns, quotes, 50_000).expect("valid input"));
        },
    );
}

fn standardise(c: &mut Criterion) {
    sizes(
        c,
        "feature-standardise",
        |n| {
            let mut g = Lcg(6);
            (0..n).map(|_| (0..4).map(|_| 2000.0 * g.unit() - 1000.0).collect::<Vec<f64>>()).collect::<Vec<_>>()
        },
        |rows| {
            black_box(feature_standardise::standardise(rows).expect("rectangular input"));
        },
    );
}

fn percentile(c: &mut Criterion) {
    use percentile_flags::{Row, percentile_flags};
    sizes(
        c,
        "percentile-flags",
        |n| {
            let mut g = Lcg(7);
            (0..n).map(|i| Row { category: format!("c{}", i % 2), amount: 1e6 * g.unit() }).collect::<Vec<_>>()
        },
        |rows| {
            black_box(percentile_flags(rows));
        },
    );
}

fn safe_join(c: &mut Criterion) {
    use safe_join::{How, Row, Validate, join};
    sizes(
        c,
        "safe-join",
        |n| {
            let left: Vec<Row> =
                (0..n).map(|i| Row { key: Some(format!("m{:06}", (i * 7919) % n)), value: i as i64 }).collect();
            let right: Vec<Row> = (0..n).map(|i| Row { key: Some(format!("m{i:06}")), value: i as i64 }).collect();
            (left, right)
        },
        |(left, right)| {
            black_box(join(left, right, How::Inner, Validate::OneToOne).expect("unique keys"));
        },
    );
}

/// The fraud scorer with a fake model: the cost is the scorer's own bookkeeping, not the model.
struct Fake;

impl fraud_scorer::Model for Fake {
    fn predict_proba(&self, rows: &[&[f64]]) -> Vec<f64> {
        rows.iter().map(|r| r.first().copied().unwrap_or(0.0)).collect()
    }
}

fn fraud(c: &mut Criterion) {
    use fraud_scorer::{Scorer, Transaction};
    let scorer = Scorer::new(Fake, 0.5).expect("a valid threshold");
    sizes(
        c,
        "fraud-scorer",
        |n| {
            let mut g = Lcg(8);
            (0..n).map(|i| Transaction { id: format!("txn-{i:07}"), features: vec![g.unit(), 0.0] }).collect::<Vec<_>>()
        },
        |batch| {
            black_box(scorer.score(batch).expect("valid batch"));
        },
    );
}

criterion_group!(
    references,
    top_k,
    streaming,
    groupby,
    window,
    velocity,
    asof,
    standardise,
    percentile,
    safe_join,
    fraud
);
criterion_main!(references);
