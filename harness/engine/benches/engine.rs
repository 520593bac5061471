//! The harness's own hot paths: what every grade pays per case or per measurement besides the candidate's code.
//! `cargo bench -p harness-engine --bench engine`; figures in BENCHMARKS.md.

use criterion::{Criterion, criterion_group, criterion_main};
use harness_engine::problem::parse_manifest;
use harness_engine::scaling::slope;
use harness_sandbox::process::{self, Limits};
use std::hint::black_box;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

fn manifest(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../problems/top-k-merchants/problem.toml");
    let text = std::fs::read_to_string(&path).expect("the bundled problem.toml is readable");
    c.bench_function("parse problem.toml", |b| b.iter(|| parse_manifest(&path, black_box(&text)).expect("valid")));
}

fn fit(c: &mut Criterion) {
    let points: Vec<(u64, u64)> = (0..8).map(|i| (1024u64 << i, 40 * (1024u64 << i) + 900)).collect();
    c.bench_function("fit a log-log slope (8 points)", |b| b.iter(|| slope(black_box(&points))));
}

fn spawn(c: &mut Criterion) {
    let limits = Limits {
        timeout: Duration::from_secs(10),
        output_cap: 64 << 10,
        channel_cap: 1 << 20,
        address_space: None,
        confine: false,
    };
    let mut group = c.benchmark_group("child process");
    group.sample_size(30);
    group.bench_function("spawn, capture and reap `true` with a result channel", |b| {
        b.iter(|| process::run(Command::new("true"), limits, Some(b"secret")).expect("true runs"));
    });
    group.finish();
}

criterion_group!(engine, manifest, fit, spawn);
criterion_main!(engine);
