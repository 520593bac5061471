//! Cases: a name, a kind, a weight and a *why*, and a body built from a check, a differential test against the
//! reference, a scaling run or a memory measurement.

use crate::alloc::MemoryWindow;
use crate::approx::Approx;
use crate::check::{Failure, Outcome};
use crate::generator::{Edges, Gen, trial_seed};
use crate::measure::{Cost, measure};
use crate::panic::catch;
use crate::shrink::{Shrink, minimise};
pub use harness_protocol::{CaseMeta, Kind};
use harness_protocol::{Metrics, Side};
use std::fmt::Debug;
use std::sync::Arc;

/// How many shrink steps a failing random input gets at most.
const MAX_SHRINK_STEPS: u32 = 500;

/// Settings a trial runs with, from the harness.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ctx {
    pub seed: u64,
    pub memory_ratio: f64,
    pub memory_slack: u64,
    /// The boundary classes of the edge variant being run (none for the case itself).
    pub edges: Edges,
}

type Body = Box<dyn Fn(&Ctx, &str) -> Result<Metrics, Failure> + Send + Sync>;

/// A scaling case's measurement: generate the input of a size, call one side on it `repeats` times, return the
/// least CPU time and the peak heap of one call, or the panic message.
type Measure = Box<dyn Fn(&Ctx, &str, Side, usize, u32) -> Result<Cost, String> + Send + Sync>;

/// One hidden test: metadata the harness reads with `runner list`, and the code `runner run <name>` executes.
pub struct Case {
    pub(crate) meta: CaseMeta,
    pub(crate) body: Body,
    /// Scaling cases only: what `runner measure <name> <side> <size> <repeats>` executes.
    pub(crate) measure: Option<Measure>,
    /// Differential cases only: the edge variants listed beside the case (`name@nan`, …), each run by the same body
    /// with its boundary classes on.
    pub(crate) variants: Vec<Variant>,
}

/// An edge variant of a differential case: its own name (`name@nan`), kind, weight and rules, and its classes.
#[derive(Debug, Clone)]
pub(crate) struct Variant {
    pub meta: CaseMeta,
    pub edges: Edges,
}

impl std::fmt::Debug for Case {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Case").field("meta", &self.meta).finish_non_exhaustive()
    }
}

impl Case {
    /// The case's metadata.
    pub fn meta(&self) -> &CaseMeta {
        &self.meta
    }

    /// The case and its edge variants, as `runner list` lists them.
    pub(crate) fn metas(&self) -> impl Iterator<Item = &CaseMeta> {
        std::iter::once(&self.meta).chain(self.variants.iter().map(|v| &v.meta))
    }

    /// The body to run for `name` (this case or one of its variants) and the classes it runs with.
    pub(crate) fn runs(&self, name: &str) -> Option<Edges> {
        if self.meta.name == name {
            return Some(Edges::NONE);
        }
        self.variants.iter().find(|v| v.meta.name == name).map(|v| v.edges)
    }
}

/// Starts a case: `case("ties_order_by_id", Kind::EdgeTies, "equal spend must be ordered by merchant id")`.
pub fn case(name: &str, kind: Kind, why: &str) -> CaseBuilder {
    CaseBuilder {
        meta: CaseMeta {
            name: name.to_owned(),
            kind,
            weight: 1,
            why: why.to_owned(),
            stage: "core".to_owned(),
            rules: Vec::new(),
        },
        trials: 200,
        max_size: 40,
        size: 1000,
        variants: Vec::new(),
    }
}

/// Builder returned by [`case`]; finish it with one of `check`, `differential`, `scaling` or `memory`.
#[derive(Debug, Clone)]
pub struct CaseBuilder {
    meta: CaseMeta,
    trials: u32,
    max_size: usize,
    size: usize,
    variants: Vec<Variant>,
}

impl CaseBuilder {
    /// Relative weight within its rubric area (default 1).
    #[must_use]
    pub fn weight(mut self, weight: u32) -> Self {
        self.meta.weight = weight;
        self
    }

    /// The problem stage this case belongs to (default `core`).
    #[must_use]
    pub fn stage(mut self, stage: &str) -> Self {
        stage.clone_into(&mut self.meta.stage);
        self
    }

    /// The spec's rules this case checks, by id: `R3` for the core's third rule, `chunked.R1` for a follow-up's
    /// first (`harness verify` checks every rule has a case and every id names a rule).
    #[must_use]
    pub fn rules(mut self, rules: &[&str]) -> Self {
        self.meta.rules = rules.iter().map(|r| (*r).to_owned()).collect();
        self
    }

    /// A differential case only: adds an edge variant, listed as its own case `name@nan` (`@null`, `@empty`,
    /// `@extremes`) of the edge kind `edges` is charged to ([`Edges::kind`]), weight 1, checking `rules`. The variant
    /// runs the case's trials with `edges` mixed into the generator's draws; a failure counts only when its shrunk
    /// input still holds those values, and only when the case's ordinary trials pass (that failure is the case's).
    /// Declare only the classes the spec allows in this input.
    #[must_use]
    pub fn edges(mut self, edges: Edges, rules: &[&str]) -> Self {
        let meta = CaseMeta {
            name: harness_protocol::variant_name(&self.meta.name, edges.name()),
            kind: edges.kind(),
            weight: 1,
            why: format!("{} (with {} values in the random inputs)", self.meta.why, edges.name()),
            stage: self.meta.stage.clone(),
            rules: rules.iter().map(|r| (*r).to_owned()).collect(),
        };
        self.variants.push(Variant { meta, edges });
        self
    }

    /// Number of random trials of a differential case (default 200).
    #[must_use]
    pub fn trials(mut self, trials: u32) -> Self {
        self.trials = trials.max(1);
        self
    }

    /// Largest size hint a differential case's generator sees; sizes ramp up from 1 (default 40).
    #[must_use]
    pub fn max_size(mut self, max_size: usize) -> Self {
        self.max_size = max_size.max(1);
        self
    }

    /// Size of the input of a scaling or memory case (default 1000).
    #[must_use]
    pub fn size(mut self, size: usize) -> Self {
        self.size = size;
        self
    }

    /// A fixed example: the body calls the candidate and checks what it returns.
    pub fn check(self, body: impl Fn() -> Outcome + Send + Sync + 'static) -> Case {
        Case {
            meta: self.meta,
            body: Box::new(move |_, _| body().map(|()| Metrics::default())),
            measure: None,
            variants: Vec::new(),
        }
    }

    /// Seeded random inputs compared against the reference; a failing input is shrunk before it is reported.
    pub fn differential<I, O>(
        self,
        generate: impl Fn(&mut Gen) -> I + Send + Sync + 'static,
        candidate: impl Fn(&I) -> O + Send + Sync + 'static,
        reference: impl Fn(&I) -> O + Send + Sync + 'static,
    ) -> Case
    where
        I: Shrink + Debug + 'static,
        O: Approx + Debug + 'static,
    {
        self.differential_within(generate, |_: &I| true, candidate, reference)
    }

    /// Like [`differential`](Self::differential), but shrinking only ever tries inputs for which `valid` holds, so
    /// the input shown stays inside the generator's domain (non-empty, `k >= 1`, no ties, …).
    pub fn differential_within<I, O>(
        self,
        generate: impl Fn(&mut Gen) -> I + Send + Sync + 'static,
        valid: impl Fn(&I) -> bool + Send + Sync + 'static,
        candidate: impl Fn(&I) -> O + Send + Sync + 'static,
        reference: impl Fn(&I) -> O + Send + Sync + 'static,
    ) -> Case
    where
        I: Shrink + Debug + 'static,
        O: Approx + Debug + 'static,
    {
        let (trials, max_size) = (self.trials, self.max_size);
        let body = move |ctx: &Ctx, name: &str| {
            let compare = |input: &I| differ(&candidate, &reference, input);
            let run = Trials { count: trials, max_size, generate: &generate, valid: &valid, compare: &compare };
            if ctx.edges.is_empty() {
                return match run.first_failure(ctx.seed, name, Edges::NONE)? {
                    Some(failure) => Err(failure),
                    None => Ok(Metrics::default()),
                };
            }
            // An edge variant: a failure the ordinary trials show is the case's own, charged there once; the
            // variant is judged once the case passes.
            let case = harness_protocol::case_of(name);
            if run.first_failure(ctx.seed, case, Edges::NONE)?.is_some() {
                return Err(Failure::skipped(format!(
                    "not judged: `{case}` fails on ordinary inputs, and this variant is judged once it passes"
                )));
            }
            match run.first_failure(ctx.seed, name, ctx.edges)? {
                Some(failure) => Err(failure),
                None => Ok(Metrics::default()),
            }
        };
        Case { meta: self.meta, body: Box::new(body), measure: None, variants: self.variants }
    }

    /// A scaling case. `runner run` checks the candidate against the reference on one large seeded input (of
    /// [`size`](Self::size)) within the trial's time limit; `runner measure` generates the input at each size the
    /// harness asks for and calls one side on it through the measured function, so the harness can fit how the
    /// candidate's cost grows compared with the reference's. `generate` must build an input of `g.size()` items.
    pub fn scaling<I, O>(
        self,
        generate: impl Fn(&mut Gen) -> I + Send + Sync + 'static,
        candidate: impl Fn(&I) -> O + Send + Sync + 'static,
        reference: impl Fn(&I) -> O + Send + Sync + 'static,
    ) -> Case
    where
        I: Debug + 'static,
        O: Approx + Debug + 'static,
    {
        let size = self.size;
        let sides = Arc::new((generate, candidate, reference));
        let shared = Arc::clone(&sides);
        let body = move |ctx: &Ctx, name: &str| {
            let (generate, candidate, reference) = &*shared;
            let input = generate(&mut Gen::new(trial_seed(ctx.seed, name, 0), size));
            if let Some(failure) = differ(candidate, reference, &input)? {
                return Err(failure.context(format!("input of size {size}")));
            }
            Ok(Metrics { size: Some(size as u64), ..Metrics::default() })
        };
        let measure = move |ctx: &Ctx, name: &str, side: Side, size: usize, repeats: u32| {
            let (generate, candidate, reference) = &*sides;
            let input = generate(&mut Gen::new(trial_seed(ctx.seed, name, size as u64), size));
            let call: &dyn Fn(&I) -> O = match side {
                Side::Candidate => candidate,
                Side::Reference => reference,
            };
            let mut best: Option<Cost> = None;
            for _ in 0..repeats.max(1) {
                let (output, cost) = catch(|| measure(|| call(&input)))?;
                drop(std::hint::black_box(output));
                best = Some(match best {
                    Some(b) => Cost {
                        cpu_nanos: b.cpu_nanos.min(cost.cpu_nanos),
                        peak_bytes: b.peak_bytes.max(cost.peak_bytes),
                    },
                    None => cost,
                });
            }
            Ok(best.expect("at least one repeat"))
        };
        Case { meta: self.meta, body: Box::new(body), measure: Some(Box::new(measure)), variants: Vec::new() }
    }

    /// Peak heap bytes of the candidate's call, held to a budget relative to the reference's peak on the same input.
    /// `input` is called once per side, outside the measured window (a lazy reader costs nothing until read).
    pub fn memory<I, O>(
        self,
        input: impl Fn(usize) -> I + Send + Sync + 'static,
        candidate: impl Fn(I) -> O + Send + Sync + 'static,
        reference: impl Fn(I) -> O + Send + Sync + 'static,
    ) -> Case
    where
        O: Approx + Debug + 'static,
    {
        let size = self.size;
        let body = move |ctx: &Ctx, _: &str| {
            let reference_input = input(size);
            let window = MemoryWindow::start();
            let expected = catch(|| reference(reference_input))
                .map_err(|m| Failure::new(format!("the reference panicked (a problem bug): {m}")))?;
            let reference_peak = window.peak_bytes();
            let candidate_input = input(size);
            let window = MemoryWindow::start();
            let actual = catch(|| candidate(candidate_input)).map_err(|m| Failure::panicked(&m))?;
            let peak = window.peak_bytes();
            let budget = ((reference_peak as f64 * ctx.memory_ratio) as u64).max(reference_peak + ctx.memory_slack);
            let metrics = Metrics {
                peak_bytes: Some(peak),
                reference_peak_bytes: Some(reference_peak),
                budget_bytes: Some(budget),
                size: Some(size as u64),
            };
            // Over the budget first: that is what a memory case is about, whatever the answer.
            if peak > budget {
                return Err(Failure::new(format!(
                    "peak heap {} over a budget of {} (reference peak {}) on an input of {size} items",
                    human_bytes(peak),
                    human_bytes(budget),
                    human_bytes(reference_peak)
                ))
                .with_metrics(metrics));
            }
            if !actual.approx_eq(&expected) {
                return Err(
                    Failure::mismatch("wrong answer on the memory input", &expected, &actual).with_metrics(metrics)
                );
            }
            Ok(metrics)
        };
        Case { meta: self.meta, body: Box::new(body), measure: None, variants: Vec::new() }
    }
}

/// A differential case's random trials, as both the case and its edge variants run them.
struct Trials<'a, I> {
    count: u32,
    max_size: usize,
    generate: &'a dyn Fn(&mut Gen) -> I,
    valid: &'a dyn Fn(&I) -> bool,
    compare: &'a dyn Fn(&I) -> Result<Option<Failure>, Failure>,
}

impl<I: Shrink + Debug> Trials<'_, I> {
    /// The first failing trial of `name` (seeds follow the name) with `edges` mixed in, shrunk. Shrinking keeps
    /// `valid` and brings in no boundary class the input did not hold; with `edges` it keeps some of them, and a
    /// trial whose input holds none of them is not this variant's to report.
    fn first_failure(&self, base: u64, name: &str, edges: Edges) -> Result<Option<Failure>, Failure> {
        for trial in 0..self.count {
            let seed = trial_seed(base, name, u64::from(trial));
            let size = 1 + (self.max_size - 1) * trial as usize / (self.count as usize).max(2).saturating_sub(1);
            let input = (self.generate)(&mut Gen::new(seed, size).with_edges(edges));
            let held = input.edges();
            if !edges.is_empty() && !held.intersects(edges) {
                continue;
            }
            let Some(failure) = (self.compare)(&input)? else { continue };
            let allowed = |i: &I| {
                let has = i.edges();
                (self.valid)(i) && has.without(held).is_empty() && (edges.is_empty() || has.intersects(edges))
            };
            let (small, failure, steps) = minimise(input, failure, MAX_SHRINK_STEPS, |i| {
                if allowed(i) { (self.compare)(i).ok().flatten() } else { None }
            });
            let mut failure = failure.with_input(&small);
            failure.report.trial_seed = Some(seed);
            failure.report.shrink_steps = Some(steps);
            return Ok(Some(failure.context(format!("random trial {} of {}", trial + 1, self.count))));
        }
        Ok(None)
    }
}

/// Runs both sides on `input`: `Ok(None)` when they agree, `Ok(Some(failure))` when the candidate differs or
/// panics, `Err` when the reference itself panics (a bug in the problem, not the candidate).
fn differ<I: Debug, O: Approx + Debug>(
    candidate: &dyn Fn(&I) -> O,
    reference: &dyn Fn(&I) -> O,
    input: &I,
) -> Result<Option<Failure>, Failure> {
    let expected =
        catch(|| reference(input)).map_err(|m| Failure::new(format!("the reference panicked (a problem bug): {m}")))?;
    Ok(match catch(|| candidate(input)) {
        Err(message) => Some(Failure::panicked(&message)),
        Ok(actual) if actual.approx_eq(&expected) => None,
        Ok(actual) => Some(Failure::mismatch("differs from the reference", &expected, &actual)),
    })
}

/// `1.5 MiB`-style rendering of a byte count.
pub(crate) fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 { format!("{bytes} B") } else { format!("{value:.1} {}", UNITS[unit]) }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The allocator counts every thread; the slack absorbs what the small tests allocate meanwhile.
    const CTX: Ctx = Ctx { seed: 1, memory_ratio: 2.0, memory_slack: 400 * 1024, edges: Edges::NONE };

    #[allow(clippy::ptr_arg)] // a differential case's sides take `&I`, here `&Vec<i64>`
    fn sorted(v: &Vec<i64>) -> Vec<i64> {
        let mut v = v.clone();
        v.sort_unstable();
        v
    }

    #[test]
    fn a_differential_case_passes_when_both_sides_agree() {
        let _serial = crate::alloc::serial();
        let c = case("sorts", Kind::Correctness, "sorted").differential(
            |g| g.vec(g.size(), |g| g.i64(-9, 9)),
            sorted,
            sorted,
        );
        assert!((c.body)(&CTX, "sorts").is_ok());
    }

    #[test]
    fn a_differential_failure_is_shrunk_to_a_small_input() {
        let _serial = crate::alloc::serial();
        let buggy = |v: &Vec<i64>| {
            let mut out = sorted(v);
            out.dedup();
            out
        };
        let c = case("sorts", Kind::Correctness, "sorted").differential(
            |g| g.vec(g.size(), |g| g.i64(0, 3)),
            buggy,
            sorted,
        );
        let failure = (c.body)(&CTX, "sorts").unwrap_err().into_report();
        let input = failure.input.unwrap();
        // The smallest failing input is a duplicated pair.
        assert_eq!(input.matches(',').count(), 2, "{input}");
        assert!(failure.shrink_steps.unwrap() > 0);
        assert!(failure.message.starts_with("random trial "));
    }

    #[test]
    fn shrinking_within_a_domain_never_shows_an_invalid_input() {
        let _serial = crate::alloc::serial();
        let buggy = |v: &Vec<i64>| {
            let mut out = sorted(v);
            out.dedup();
            out
        };
        let c = case("sorts", Kind::Correctness, "sorted").differential_within(
            |g| g.vec(4 + g.size(), |g| g.i64(0, 3)),
            |v: &Vec<i64>| v.len() >= 4,
            buggy,
            sorted,
        );
        let input = (c.body)(&CTX, "sorts").unwrap_err().into_report().input.unwrap();
        // Unconstrained, this shrinks to a pair; the domain keeps at least four items.
        assert_eq!(input.matches(',').count(), 4, "{input}");
    }

    /// Sums the finite values; the buggy side lets a NaN through, the other skips it.
    #[allow(clippy::ptr_arg)] // a differential case's sides take `&I`, here `&Vec<f64>`
    fn sum_skipping_nan(v: &Vec<f64>) -> f64 {
        v.iter().filter(|x| !x.is_nan()).sum()
    }

    #[allow(clippy::ptr_arg)] // as above
    fn sum_all(v: &Vec<f64>) -> f64 {
        v.iter().sum()
    }

    fn nan_case(candidate: fn(&Vec<f64>) -> f64) -> Case {
        case("sums", Kind::Correctness, "sums the amounts").edges(Edges::NAN, &["R3"]).differential(
            |g| g.vec(1 + g.size(), |g| g.f64(1.0, 9.0)),
            candidate,
            sum_skipping_nan,
        )
    }

    #[test]
    fn an_edge_variant_is_listed_beside_its_case_with_its_kind_and_rules() {
        let c = nan_case(sum_all);
        let metas: Vec<&CaseMeta> = c.metas().collect();
        assert_eq!(metas.len(), 2);
        assert_eq!(
            (metas[1].name.as_str(), metas[1].kind, metas[1].rules.as_slice()),
            ("sums@nan", Kind::EdgeNan, &["R3".to_owned()][..])
        );
        assert_eq!(c.runs("sums@nan"), Some(Edges::NAN));
        assert_eq!(c.runs("sums"), Some(Edges::NONE));
        assert_eq!(c.runs("other"), None);
    }

    #[test]
    fn a_nan_bug_fails_the_nan_variant_only_with_a_nan_in_its_shrunk_input() {
        let _serial = crate::alloc::serial();
        let c = nan_case(sum_all);
        assert!((c.body)(&CTX, "sums").is_ok(), "ordinary draws hold no NaN");
        let failure = (c.body)(&Ctx { edges: Edges::NAN, ..CTX }, "sums@nan").unwrap_err().into_report();
        let input = failure.input.unwrap();
        assert!(input.contains("NaN"), "{input}");
        assert!(input.matches(',').count() <= 2, "shrunk to the NaN: {input}");
    }

    #[test]
    fn a_bug_the_ordinary_trials_show_is_charged_to_the_case_not_to_its_edge_variant() {
        let _serial = crate::alloc::serial();
        let off_by_one = |v: &Vec<f64>| sum_skipping_nan(v) + 1.0;
        let c = case("sums", Kind::Correctness, "sums the amounts").edges(Edges::NAN, &["R3"]).differential(
            |g| g.vec(1 + g.size(), |g| g.f64(1.0, 9.0)),
            off_by_one,
            sum_skipping_nan,
        );
        assert!((c.body)(&CTX, "sums").is_err());
        let variant = (c.body)(&Ctx { edges: Edges::NAN, ..CTX }, "sums@nan").unwrap_err();
        assert!(variant.is_skip(), "{}", variant.message());
    }

    #[test]
    fn shrinking_an_ordinary_failure_brings_in_no_boundary_value() {
        let _serial = crate::alloc::serial();
        // Fails on any input; unconstrained, it would shrink to the empty list (an edge:empty input).
        let c = case("first", Kind::Correctness, "first").differential(
            |g| g.vec(1 + g.size(), |g| g.i64(0, 3)),
            |v: &Vec<i64>| v.len() + 1,
            |v: &Vec<i64>| v.len(),
        );
        let input = (c.body)(&CTX, "first").unwrap_err().into_report().input.unwrap();
        assert_ne!(input.trim(), "[]");
    }

    #[test]
    fn a_candidate_panic_is_a_failure_not_a_crash() {
        let _serial = crate::alloc::serial();
        let c = case("first", Kind::EdgeEmpty, "empty").differential(
            |g| g.list(|g| g.i64(0, 3)),
            |v: &Vec<i64>| v[0],
            |v: &Vec<i64>| v.first().copied().unwrap_or(0),
        );
        let failure = (c.body)(&CTX, "first").unwrap_err();
        assert!(failure.is_panic());
        assert_eq!(failure.into_report().input.unwrap(), "[]");
    }

    #[test]
    fn a_memory_case_fails_a_candidate_that_holds_its_input() {
        let _serial = crate::alloc::serial();
        let streaming = |n: usize| (0..n as u64).sum::<u64>();
        let collecting = |n: usize| (0..n as u64).collect::<Vec<_>>().iter().sum::<u64>();
        let ok = case("mem", Kind::Memory, "streams").size(400_000).memory(|n| n, streaming, streaming);
        if let Err(f) = (ok.body)(&CTX, "mem") {
            panic!("{}", f.message());
        }
        let bad = case("mem", Kind::Memory, "streams").size(400_000).memory(|n| n, collecting, streaming);
        let failure = (bad.body)(&CTX, "mem").unwrap_err();
        assert!(failure.message().contains("over a budget"), "{}", failure.message());
    }

    #[test]
    fn byte_counts_read_naturally() {
        let _serial = crate::alloc::serial();
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(human_bytes(3 * 1024 * 1024 / 2), "1.5 MiB");
    }
}
