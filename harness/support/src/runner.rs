//! The runner's `main`: the harness protocol (`list`, `run <case>`) when started by the harness, libtest-style
//! output (via libtest-mimic) when a problem author runs the binary by hand.

use crate::case::{Case, Ctx};
use crate::check::Failure;
use crate::panic::{catch, install_hook};
use crate::protocol::{Channel, ctx_from_env};
use harness_protocol::{CaseRecord, ListRecord, MeasureRecord, Metrics, PROTOCOL_VERSION, Side, Status};
use libtest_mimic::{Arguments, Failed, Trial};
use std::collections::HashSet;
use std::fmt::Write;
use std::process::ExitCode;
use std::sync::Arc;

/// Entry point of a generated runner: `fn main() -> ExitCode { harness_support::main(suite::cases()) }`.
pub fn main(cases: Vec<Case>) -> ExitCode {
    install_hook();
    let mut seen = HashSet::new();
    if let Some(dup) = cases.iter().flat_map(Case::metas).find(|m| !seen.insert(m.name.clone())) {
        eprintln!("error: the suite declares the case `{}` twice", dup.name);
        return ExitCode::from(2);
    }
    if let Some(case) = cases.iter().find(|c| c.meta.name.contains('@')) {
        eprintln!("error: the case name `{}` has an `@`, which names edge variants", case.meta.name);
        return ExitCode::from(2);
    }
    let ctx = ctx_from_env();
    match Channel::from_env() {
        Some(channel) => protocol_main(channel, &ctx, cases),
        None => human_main(ctx, cases),
    }
}

fn protocol_main(mut channel: Channel, ctx: &Ctx, cases: Vec<Case>) -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let sent = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["list"] => channel.send(&ListRecord {
            nonce: channel.nonce.clone(),
            version: PROTOCOL_VERSION,
            cases: cases.iter().flat_map(Case::metas).cloned().collect(),
        }),
        ["run", name] => {
            let Some((case, edges)) = cases.iter().find_map(|c| Some((c, c.runs(name)?))) else {
                eprintln!("error: no case named `{name}`");
                return ExitCode::from(2);
            };
            let (status, failure, metrics) = run_case(case, name, &Ctx { edges, ..*ctx });
            channel.send(&CaseRecord {
                nonce: channel.nonce.clone(),
                version: PROTOCOL_VERSION,
                case: (*name).to_owned(),
                status,
                failure: failure.map(Failure::into_report),
                metrics,
            })
        }
        ["measure", name, side, size, repeats] => {
            match measure_record(&channel, ctx, &cases, [name, side, size, repeats]) {
                Ok(record) => channel.send(&record),
                Err(code) => return code,
            }
        }
        _ => {
            eprintln!("usage: runner list | runner run <case> | runner measure <case> <side> <size> <repeats>");
            return ExitCode::from(2);
        }
    };
    match sent {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: failed to write the result record: {error}");
            ExitCode::from(3)
        }
    }
}

/// `measure <case> <side> <size> <repeats>`: the record of one measured call, or the exit code of a bad request.
fn measure_record(channel: &Channel, ctx: &Ctx, cases: &[Case], args: [&str; 4]) -> Result<MeasureRecord, ExitCode> {
    let [name, side, size, repeats] = args;
    let (Some(side), Ok(size), Ok(repeats)) = (Side::parse(side), size.parse::<usize>(), repeats.parse::<u32>()) else {
        eprintln!("usage: runner measure <case> candidate|reference <size> <repeats>");
        return Err(ExitCode::from(2));
    };
    let Some((case, measure)) = cases.iter().find(|c| c.meta.name == name).and_then(|c| Some((c, c.measure.as_ref()?)))
    else {
        eprintln!("error: no scaling case named `{name}`");
        return Err(ExitCode::from(2));
    };
    let (cost, panic) = match measure(ctx, &case.meta.name, side, size, repeats) {
        Ok(cost) => (Some(cost), None),
        Err(message) => (None, Some(message)),
    };
    Ok(MeasureRecord {
        nonce: channel.nonce.clone(),
        version: PROTOCOL_VERSION,
        case: case.meta.name.clone(),
        side,
        size: size as u64,
        cpu_nanos: cost.map_or(0, |c| c.cpu_nanos),
        peak_bytes: cost.map_or(0, |c| c.peak_bytes),
        panic,
    })
}

/// Runs one case body (as the case `name`, itself or an edge variant), turning a panic that escapes it into a
/// `Panic` status.
fn run_case(case: &Case, name: &str, ctx: &Ctx) -> (Status, Option<Failure>, Metrics) {
    match catch(|| (case.body)(ctx, name)) {
        Ok(Ok(metrics)) => (Status::Pass, None, metrics),
        Ok(Err(mut failure)) => {
            let status = if failure.is_skip() {
                Status::Skip
            } else if failure.is_panic() {
                Status::Panic
            } else {
                Status::Fail
            };
            let metrics = failure.metrics.take().map_or_else(Metrics::default, |m| *m);
            (status, Some(failure), metrics)
        }
        Err(message) => (Status::Panic, Some(Failure::panicked(&message)), Metrics::default()),
    }
}

fn human_main(ctx: Ctx, cases: Vec<Case>) -> ExitCode {
    let args = Arguments::from_args();
    let trials = cases
        .into_iter()
        .map(Arc::new)
        .flat_map(|case| {
            let metas: Vec<_> = case.metas().cloned().collect();
            metas.into_iter().map(move |meta| (Arc::clone(&case), meta))
        })
        .map(|(case, meta)| {
            let edges = case.runs(&meta.name).unwrap_or_default();
            let (name, why) = (meta.name.clone(), meta.why.clone());
            Trial::test(meta.name.clone(), move || match run_case(&case, &name, &Ctx { edges, ..ctx }) {
                (Status::Pass, _, _) => Ok(()),
                (_, failure, _) => {
                    let report = failure.map(Failure::into_report).unwrap_or_default();
                    let mut text = format!("{}\n  why: {why}", report.message);
                    if let Some(diff) = report.diff {
                        let _ = write!(text, "\n  diff (- expected, + actual):\n{diff}");
                    }
                    if let Some(input) = report.input {
                        let _ = write!(text, "\n  input: {input}");
                    }
                    Err(Failed::from(text))
                }
            })
            .with_kind(meta.kind.as_str())
        })
        .collect();
    libtest_mimic::run(&args, trials).exit_code()
}
