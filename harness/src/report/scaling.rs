//! A scaling case's measurement in words: the evidence line (growth and slopes, then speed against the budget), why
//! measuring stopped early, and costs in readable units; and the measurement as a report's `scaling` object.

use harness_engine::meter::Unit;
use harness_engine::scaling::{EARLY_STOP_RATIO, Growth, Point, Scaling, Stop};
use serde::Serialize;
use std::fmt::Write;

/// A report's `scaling` object: the measurement and its evidence line.
#[derive(Debug, Clone, Serialize)]
pub struct View {
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
    pub stopped: Option<String>,
    /// Share of the case's weight earned: half for growth, half for speed; nothing when it grows worse.
    pub score: f64,
    /// One line of evidence for the report.
    pub summary: String,
}

impl View {
    pub fn of(scaling: &Scaling) -> View {
        View {
            unit: scaling.unit,
            points: scaling.points.clone(),
            candidate_slope: scaling.candidate_slope,
            reference_slope: scaling.reference_slope,
            growth: scaling.growth,
            ratio: scaling.ratio,
            cpu_ratio: scaling.cpu_ratio,
            stopped: scaling.stopped.map(|stop| stopped(stop, scaling.unit)),
            score: scaling.score,
            summary: summary(scaling),
        }
    }
}

/// `1.2M instructions` / `3.4 ms CPU`.
pub fn cost(unit: Unit, value: u64) -> String {
    let v = value as f64;
    match unit {
        Unit::Instructions if v >= 1e9 => format!("{:.2}G instructions", v / 1e9),
        Unit::Instructions if v >= 1e6 => format!("{:.2}M instructions", v / 1e6),
        Unit::Instructions if v >= 1e3 => format!("{:.1}k instructions", v / 1e3),
        Unit::Instructions => format!("{value} instructions"),
        Unit::CpuNanos if v >= 1e9 => format!("{:.2} s CPU", v / 1e9),
        Unit::CpuNanos if v >= 1e6 => format!("{:.2} ms CPU", v / 1e6),
        Unit::CpuNanos => format!("{:.1} µs CPU", v / 1e3),
    }
}

/// `instructions` / `CPU time`.
pub fn unit_name(unit: Unit) -> &'static str {
    match unit {
        Unit::Instructions => "instructions",
        Unit::CpuNanos => "CPU time",
    }
}

/// Why measuring stopped early.
fn stopped(stop: Stop, unit: Unit) -> String {
    match stop {
        Stop::TimedOut { size, timeout_secs } => {
            format!("stopped at n = {size}: the candidate did not finish within {timeout_secs}s")
        }
        Stop::FarSlower { size, ratio } => format!(
            "stopped at n = {size}: {ratio:.0}× the reference's {} (over {EARLY_STOP_RATIO:.0}×)",
            unit_name(unit)
        ),
    }
}

/// The evidence line: why measuring stopped (if it did), growth, then speed.
pub fn summary(scaling: &Scaling) -> String {
    let line = growth_and_speed(scaling);
    match scaling.stopped {
        Some(stop) => format!("{}; {line}", stopped(stop, scaling.unit)),
        None => line,
    }
}

fn growth_and_speed(scaling: &Scaling) -> String {
    let (unit, points) = (scaling.unit, &scaling.points);
    let range = match (points.first(), points.last()) {
        (Some(a), Some(b)) => format!("n = {}…{}", a.size, b.size),
        _ => "no size finished".to_owned(),
    };
    let slopes = match (scaling.candidate_slope, scaling.reference_slope) {
        (Some(c), Some(r)) => format!("slope {c:.2} against the reference's {r:.2} over {range}"),
        _ => range,
    };
    let growth = match scaling.growth {
        Growth::Same => format!("grows like the reference ({slopes})"),
        Growth::Borderline => format!("grows somewhat faster than the reference ({slopes})"),
        Growth::Worse => format!("grows faster than the reference ({slopes})"),
    };
    let worse = scaling.growth == Growth::Worse;
    let Some((ratio, last)) = scaling.ratio.zip(points.last()).filter(|_| !worse) else { return growth };
    let mut speed = format!(
        "{ratio:.1}× the reference's {} at n = {} ({} vs {}; full speed credit up to {}×)",
        unit_name(unit),
        last.size,
        cost(unit, last.candidate),
        cost(unit, last.reference),
        scaling.speed_ratio
    );
    if let Some(cpu) = scaling.cpu_ratio.filter(|_| unit == Unit::Instructions) {
        let _ = write!(speed, "; CPU time {cpu:.1}× (at most {}×)", scaling.cpu_budget);
    }
    format!("{growth}; {speed}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measured(growth: Growth, candidate_slope: f64) -> Scaling {
        Scaling {
            unit: Unit::Instructions,
            points: vec![
                Point { size: 1024, candidate: 2000, reference: 1000 },
                Point { size: 2048, candidate: 8000, reference: 2000 },
            ],
            candidate_slope: Some(candidate_slope),
            reference_slope: Some(1.0),
            growth,
            ratio: Some(4.0),
            cpu_ratio: Some(3.0),
            stopped: None,
            score: 0.0,
            speed_ratio: 2.0,
            cpu_budget: 3.0,
        }
    }

    #[test]
    fn the_summary_names_slopes_ratio_and_budget() {
        assert_eq!(
            summary(&measured(Growth::Worse, 2.0)),
            "grows faster than the reference (slope 2.00 against the reference's 1.00 over n = 1024…2048)"
        );
        let text = summary(&measured(Growth::Same, 1.1));
        assert!(text.contains("4.0× the reference's instructions at n = 2048"), "{text}");
        assert!(text.contains("full speed credit up to 2×") && text.contains("CPU time 3.0× (at most 3×)"), "{text}");
    }

    #[test]
    fn a_measurement_that_stopped_early_says_where_and_why_first() {
        let mut scaling = measured(Growth::Worse, 2.0);
        scaling.stopped = Some(Stop::FarSlower { size: 2048, ratio: 64.0 });
        let text = summary(&scaling);
        assert!(text.starts_with("stopped at n = 2048: 64× the reference's instructions (over 50×); grows"), "{text}");
        scaling.stopped = Some(Stop::TimedOut { size: 4096, timeout_secs: 20 });
        assert_eq!(
            View::of(&scaling).stopped.as_deref(),
            Some("stopped at n = 4096: the candidate did not finish within 20s")
        );
    }

    #[test]
    fn counts_render_in_readable_units() {
        assert_eq!(cost(Unit::Instructions, 1_234_567), "1.23M instructions");
        assert_eq!(cost(Unit::Instructions, 950), "950 instructions");
        assert_eq!(cost(Unit::CpuNanos, 3_400_000), "3.40 ms CPU");
    }
}
