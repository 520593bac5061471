//! Grading a scaling case: measure candidate and reference at doubling sizes, fit how each one's cost grows
//! (the slope of log cost against log n), and score the growth (slope difference) and the speed (cost ratio at the
//! largest size) against the problem's budget. Pure arithmetic is separate from the runs so it can be tested.

use crate::ending::Broke;
use crate::error::{Error, ProblemError, Result};
use crate::meter::{Measured, Meter, Unit};
use crate::problem::{Budget, Problem};
use harness_protocol::{CaseMeta, Side};
use serde::Serialize;

/// A candidate stops being measured once it costs this many times the reference at one size.
pub const EARLY_STOP_RATIO: f64 = 50.0;
/// Rounds of the CPU-time measurements (each a candidate and a reference process, alternating); the least counts.
const CPU_ROUNDS: usize = 5;
/// Calls per CPU-time process; the first warms caches and the allocator.
const CPU_REPEATS: u32 = 3;

/// Slope differences that separate the same complexity class from a worse one.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Thresholds {
    /// At or below: the same class.
    pub same: f64,
    /// At or above: a worse class. In between, two larger sizes are added and the slopes refitted.
    pub worse: f64,
}

impl Thresholds {
    /// Instruction counts repeat exactly, so the design's thresholds apply; CPU time is noisier, so they widen.
    pub fn for_unit(unit: Unit) -> Thresholds {
        match unit {
            Unit::Instructions => Thresholds { same: 0.3, worse: 0.6 },
            Unit::CpuNanos => Thresholds { same: 0.4, worse: 0.8 },
        }
    }
}

/// The cost of both sides at one size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Point {
    pub size: u64,
    pub candidate: u64,
    pub reference: u64,
}

/// How the candidate's cost grows compared with the reference's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Growth {
    Same,
    /// Between the thresholds even after refitting at larger sizes: half the growth credit.
    Borderline,
    Worse,
}

/// The evidence and score of one scaling case.
#[derive(Debug, Clone, PartialEq)]
pub struct Scaling {
    pub unit: Unit,
    pub points: Vec<Point>,
    pub candidate_slope: Option<f64>,
    pub reference_slope: Option<f64>,
    pub growth: Growth,
    /// Candidate ÷ reference cost at the largest size both finished.
    pub ratio: Option<f64>,
    /// Candidate ÷ reference CPU time at the largest size (least of several alternating runs).
    pub cpu_ratio: Option<f64>,
    /// Why measuring stopped before the last size, if it did.
    pub stopped: Option<Stop>,
    /// Share of the case's weight earned: half for growth, half for speed; nothing when it grows worse.
    pub score: f64,
    /// The problem's speed budget the ratios were held to: full speed credit up to `speed_ratio`, and (under
    /// callgrind) CPU time at most `cpu_ratio` times the reference's.
    pub speed_ratio: f64,
    pub cpu_budget: f64,
}

/// Why a candidate stopped being measured before the last size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Stop {
    /// It did not finish within the scaling timeout at `size`.
    TimedOut { size: u64, timeout_secs: u64 },
    /// It cost `ratio` times the reference at `size`, over [`EARLY_STOP_RATIO`].
    FarSlower { size: u64, ratio: f64 },
}

/// Least-squares slope of `ln cost` against `ln size`.
pub fn slope(points: &[(u64, u64)]) -> Option<f64> {
    if points.len() < 2 {
        return None;
    }
    let xy: Vec<(f64, f64)> = points.iter().map(|&(n, c)| ((n as f64).ln(), (c.max(1) as f64).ln())).collect();
    let count = xy.len() as f64;
    let mean_x = xy.iter().map(|p| p.0).sum::<f64>() / count;
    let mean_y = xy.iter().map(|p| p.1).sum::<f64>() / count;
    let sxx: f64 = xy.iter().map(|p| (p.0 - mean_x).powi(2)).sum();
    let sxy: f64 = xy.iter().map(|p| (p.0 - mean_x) * (p.1 - mean_y)).sum();
    (sxx > 0.0).then(|| sxy / sxx)
}

/// Slopes of the candidate's and the reference's costs over `points`.
fn fit(points: &[Point]) -> (Option<f64>, Option<f64>) {
    let candidate = slope(&points.iter().map(|p| (p.size, p.candidate)).collect::<Vec<_>>());
    let reference = slope(&points.iter().map(|p| (p.size, p.reference)).collect::<Vec<_>>());
    (candidate, reference)
}

/// Growth class from the slope difference.
pub fn classify(delta: f64, thresholds: Thresholds) -> Growth {
    if delta <= thresholds.same {
        Growth::Same
    } else if delta >= thresholds.worse {
        Growth::Worse
    } else {
        Growth::Borderline
    }
}

/// Speed credit, 0 to 1: full up to `speed_ratio`, none from `speed_ratio_zero`, linear between; none at all when
/// the CPU time is over budget (instructions miss cache stalls).
pub fn speed_credit(ratio: f64, cpu_ratio: Option<f64>, budget: &Budget) -> f64 {
    if cpu_ratio.is_some_and(|r| r > budget.cpu_ratio) {
        return 0.0;
    }
    if ratio <= budget.speed_ratio {
        1.0
    } else if ratio >= budget.speed_ratio_zero {
        0.0
    } else {
        1.0 - (ratio - budget.speed_ratio) / (budget.speed_ratio_zero - budget.speed_ratio)
    }
}

/// The case score: growth and speed count half each; a worse growth class earns nothing.
pub fn score(growth: Growth, speed: f64) -> f64 {
    let growth_credit = match growth {
        Growth::Same => 1.0,
        Growth::Borderline => 0.5,
        Growth::Worse => return 0.0,
    };
    ((0.5 * growth_credit + 0.5 * speed) * 100.0).round() / 100.0
}

/// What measures one side of a scaling case at one size through a meter: the grade's runner
/// ([`trial::Runner`](crate::trial::Runner)), or a fake in tests.
pub trait Measure: Sync {
    /// `side`'s cost of one call on the case's input of `size`, the least of `repeats` calls.
    fn measure(&self, case: &str, side: Side, size: u64, repeats: u32, meter: &Meter) -> Result<Measured>;
}

/// Where a scaling case is measured: what measures, the problem (sizes, budget, limits), the meter, and whether both
/// sides may be measured at once.
#[derive(Clone, Copy)]
pub struct Bench<'a> {
    pub measure: &'a dyn Measure,
    pub problem: &'a Problem,
    pub meter: &'a Meter,
    pub parallel: bool,
}

impl std::fmt::Debug for Bench<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bench").field("problem", &self.problem.slug).field("meter", self.meter).finish_non_exhaustive()
    }
}

/// What measuring a scaling case found: its evidence, or the candidate failing on one of the inputs.
#[derive(Debug, Clone)]
pub enum Finding {
    Measured(Scaling),
    /// The candidate panicked or crashed on the input of this size.
    Failed {
        size: u64,
        broke: Broke,
    },
}

impl Finding {
    /// Whether the measurement alone decides the case (it grows worse, or the candidate failed on an input).
    pub fn decides(&self) -> bool {
        match self {
            Finding::Measured(scaling) => scaling.growth == Growth::Worse,
            Finding::Failed { .. } => true,
        }
    }
}

impl Bench<'_> {
    /// Measures one scaling case and scores it.
    pub fn grade(&self, case: &CaseMeta) -> Result<Finding> {
        let unit = self.meter.unit();
        let budget = &self.problem.manifest.budget;
        let Sampled { points, stopped, candidate_slope, reference_slope } = match self.sample(case)? {
            Ok(sampled) => sampled,
            Err(finding) => return Ok(finding),
        };
        let growth = match (candidate_slope, reference_slope) {
            _ if stopped.is_some() => Growth::Worse,
            (Some(c), Some(r)) => classify(c - r, Thresholds::for_unit(unit)),
            _ => Growth::Worse,
        };
        let last = points.last().copied();
        let ratio = last.map(|p| p.candidate as f64 / p.reference.max(1) as f64);
        let cpu_ratio = match (growth, last, self.meter) {
            (Growth::Worse, _, _) | (_, None, _) => None,
            (_, Some(_), Meter::CpuTime) => ratio,
            (_, Some(p), Meter::Callgrind { .. }) => match self.cpu_ratio(case, p.size)? {
                Ok(r) => Some(r),
                Err(finding) => return Ok(finding),
            },
        };
        let speed = ratio.map_or(0.0, |r| speed_credit(r, cpu_ratio, budget));
        Ok(Finding::Measured(Scaling {
            unit,
            points,
            candidate_slope,
            reference_slope,
            growth,
            ratio,
            cpu_ratio,
            stopped,
            score: score(growth, speed),
            speed_ratio: budget.speed_ratio,
            cpu_budget: budget.cpu_ratio,
        }))
    }

    /// Both sides at each size, doubling on: stopped early when the candidate times out or costs over
    /// [`EARLY_STOP_RATIO`] times the reference, and extended by two sizes (fitted on the last four) once when the
    /// growth is borderline; then both slopes.
    fn sample(&self, case: &CaseMeta) -> Result<std::result::Result<Sampled, Finding>> {
        let thresholds = Thresholds::for_unit(self.meter.unit());
        let mut sizes: Vec<u64> = self.problem.manifest.scaling.sizes.clone();
        let (mut points, mut stopped, mut refitted, mut index) = (Vec::new(), None, false, 0);
        let (candidate_slope, reference_slope) = loop {
            if let Some(&size) = sizes.get(index) {
                index += 1;
                let (candidate, reference) = match self.pair(case, size)? {
                    Ok(pair) => pair,
                    Err(finding) => return Ok(Err(finding)),
                };
                let Some(candidate) = candidate else {
                    let timeout_secs = self.problem.manifest.limits.scaling_timeout_secs;
                    stopped = Some(Stop::TimedOut { size, timeout_secs });
                    break fit(&points);
                };
                points.push(Point { size, candidate, reference });
                let ratio = candidate as f64 / reference.max(1) as f64;
                if ratio > EARLY_STOP_RATIO {
                    stopped = Some(Stop::FarSlower { size, ratio });
                    break fit(&points);
                }
                continue;
            }
            let fitted: &[Point] = if refitted { &points[points.len().saturating_sub(4)..] } else { &points };
            let (candidate_slope, reference_slope) = fit(fitted);
            if let (Some(c), Some(r)) = (candidate_slope, reference_slope)
                && classify(c - r, thresholds) == Growth::Borderline
                && !refitted
            {
                let last = *sizes.last().expect("sizes are validated non-empty");
                sizes.extend([last * 2, last * 4]);
                refitted = true;
                continue;
            }
            break (candidate_slope, reference_slope);
        };
        Ok(Ok(Sampled { points, stopped, candidate_slope, reference_slope }))
    }

    /// Both sides at one size: `(candidate cost or None when it timed out, reference cost)`.
    fn pair(&self, case: &CaseMeta, size: u64) -> Result<std::result::Result<(Option<u64>, u64), Finding>> {
        let (candidate, reference) = match self.meter {
            Meter::Callgrind { .. } if self.parallel => std::thread::scope(|scope| {
                let reference = scope.spawn(|| self.once(case, Side::Reference, size, 1));
                let candidate = self.once(case, Side::Candidate, size, 1);
                (candidate, reference.join().unwrap_or_else(|_| Err(Error::Harness("failed to measure".into()))))
            }),
            Meter::Callgrind { .. } => {
                (self.once(case, Side::Candidate, size, 1), self.once(case, Side::Reference, size, 1))
            }
            Meter::CpuTime => {
                let (mut candidate, mut reference) = (Measured::TimedOut, Measured::TimedOut);
                for _ in 0..CPU_ROUNDS {
                    reference = best(reference, self.once(case, Side::Reference, size, CPU_REPEATS)?);
                    candidate = best(candidate, self.once(case, Side::Candidate, size, CPU_REPEATS)?);
                    if !matches!(candidate, Measured::Done(_)) {
                        break; // a timeout, panic or crash is the verdict; no need to see it again
                    }
                }
                (Ok(candidate), Ok(reference))
            }
        };
        let reference = match reference? {
            Measured::Done(cost) => cost,
            other => return Err(self.broken_reference(case, size, &other)),
        };
        Ok(match candidate? {
            Measured::Done(cost) => Ok((Some(cost), reference)),
            Measured::TimedOut => Ok((None, reference)),
            Measured::Panicked(message) => Err(Finding::Failed { size, broke: Broke::Panicked(message) }),
            Measured::Crashed(death) => Err(Finding::Failed { size, broke: Broke::Died(death) }),
            Measured::Uncounted => Err(Finding::Failed { size, broke: Broke::Uncounted }),
        })
    }

    /// Least CPU time of each side at `size` over alternating rounds, as a ratio.
    fn cpu_ratio(&self, case: &CaseMeta, size: u64) -> Result<std::result::Result<f64, Finding>> {
        let saved = Meter::CpuTime;
        let native = Bench { meter: &saved, ..*self };
        Ok(native.pair(case, size)?.map(|(candidate, reference)| match candidate {
            Some(c) => c as f64 / reference.max(1) as f64,
            None => f64::INFINITY,
        }))
    }

    /// One measurement process; `Done` carries the cost in the meter's unit.
    fn once(&self, case: &CaseMeta, side: Side, size: u64, repeats: u32) -> Result<Measured> {
        self.measure.measure(&case.name, side, size, repeats, self.meter)
    }

    fn broken_reference(&self, case: &CaseMeta, size: u64, how: &Measured) -> Error {
        let how = match how {
            Measured::Done(_) => "finished".to_owned(),
            Measured::Panicked(message) => format!("panicked: {message}"),
            Measured::Crashed(death) => death.to_string(),
            Measured::Uncounted => "left no callgrind count".to_owned(),
            Measured::TimedOut => "did not finish in time".to_owned(),
        };
        ProblemError::new(
            self.problem.suite_path(),
            None,
            format!("the reference failed on scaling case `{}` at n = {size}: {how}", case.name),
        )
        .into()
    }
}

/// What sampling a scaling case found: the points, why it stopped early (if it did) and both fitted slopes.
struct Sampled {
    points: Vec<Point>,
    stopped: Option<Stop>,
    candidate_slope: Option<f64>,
    reference_slope: Option<f64>,
}

/// Keeps the cheaper of two CPU-time measurements; `a` starts as a `TimedOut` placeholder, and a failure is kept.
fn best(a: Measured, b: Measured) -> Measured {
    match (a, b) {
        (Measured::Done(x), Measured::Done(y)) => Measured::Done(x.min(y)),
        (a @ (Measured::Panicked(_) | Measured::Crashed(_) | Measured::Uncounted), _) => a,
        (Measured::TimedOut | Measured::Done(_), b) => b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn costs(f: impl Fn(f64) -> f64) -> Vec<(u64, u64)> {
        (0..6).map(|i| 1024u64 << i).map(|n| (n, f(n as f64) as u64)).collect()
    }

    #[test]
    fn slopes_tell_linear_from_quadratic_and_n_log_n_sits_near_one() {
        let linear = slope(&costs(|n| 40.0 * n + 900.0)).unwrap();
        let quadratic = slope(&costs(|n| 3.0 * n * n)).unwrap();
        let n_log_n = slope(&costs(|n| 12.0 * n * n.ln())).unwrap();
        assert!((linear - 1.0).abs() < 0.03, "{linear}");
        assert!((quadratic - 2.0).abs() < 1e-9, "{quadratic}");
        assert!(n_log_n > 1.05 && n_log_n < 1.15, "{n_log_n}");
        let thresholds = Thresholds::for_unit(Unit::Instructions);
        assert_eq!(classify(n_log_n - linear, thresholds), Growth::Same);
        assert_eq!(classify(quadratic - n_log_n, thresholds), Growth::Worse);
        assert_eq!(classify(0.45, thresholds), Growth::Borderline);
    }

    #[test]
    fn a_single_point_has_no_slope() {
        assert_eq!(slope(&[(1024, 5)]), None);
        assert_eq!(slope(&[(1024, 5), (1024, 9)]), None);
    }

    #[test]
    fn speed_credit_is_full_within_budget_and_falls_to_nothing() {
        let budget = Budget::default();
        assert!((speed_credit(1.9, Some(1.5), &budget) - 1.0).abs() < 1e-9);
        assert!((speed_credit(4.0, None, &budget) - 0.5).abs() < 1e-9);
        assert!(speed_credit(6.0, None, &budget).abs() < 1e-9);
        // The CPU check catches what instructions miss (cache stalls).
        assert!(speed_credit(1.2, Some(5.5), &budget).abs() < 1e-9);
    }

    #[test]
    fn a_worse_growth_class_earns_nothing_whatever_the_speed() {
        assert!((score(Growth::Same, 1.0) - 1.0).abs() < 1e-9);
        assert!((score(Growth::Same, 0.5) - 0.75).abs() < 1e-9);
        assert!((score(Growth::Borderline, 1.0) - 0.75).abs() < 1e-9);
        assert!(score(Growth::Worse, 1.0).abs() < 1e-9);
    }
}
