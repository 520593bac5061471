//! Pure scoring: case results and the quality check, weighed by the problem's rubric, to points and a band.

use crate::problem::Weights;
use crate::quality::Quality;
use crate::trial::CaseResult;
use harness_protocol::Kind;
use serde::{Deserialize, Serialize};

/// The four rubric areas.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Area {
    Correctness,
    EdgeCases,
    Performance,
    Quality,
}

impl Area {
    pub const ALL: [Area; 4] = [Area::Correctness, Area::EdgeCases, Area::Performance, Area::Quality];

    /// The area a case kind scores in.
    pub fn of(kind: Kind) -> Area {
        match kind {
            Kind::Correctness => Area::Correctness,
            Kind::Scaling | Kind::Memory => Area::Performance,
            _ => Area::EdgeCases,
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Area::Correctness => "Correctness",
            Area::EdgeCases => "Edge cases",
            Area::Performance => "Performance",
            Area::Quality => "Quality",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Area::Correctness => "correctness",
            Area::EdgeCases => "edge_cases",
            Area::Performance => "performance",
            Area::Quality => "quality",
        }
    }

    fn max(self, weights: &Weights) -> u32 {
        match self {
            Area::Correctness => weights.correctness,
            Area::EdgeCases => weights.edge_cases,
            Area::Performance => weights.performance,
            Area::Quality => weights.quality,
        }
    }
}

/// The hiring band a total falls in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    StrongHire,
    Hire,
    LeanNo,
    NoHire,
}

impl Band {
    pub fn of(total: f64) -> Band {
        if total >= 85.0 {
            Band::StrongHire
        } else if total >= 70.0 {
            Band::Hire
        } else if total >= 50.0 {
            Band::LeanNo
        } else {
            Band::NoHire
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Band::StrongHire => "Strong hire",
            Band::Hire => "Hire",
            Band::LeanNo => "Lean no",
            Band::NoHire => "No hire",
        }
    }
}

/// One area's score.
#[derive(Debug, Clone, Serialize)]
pub struct AreaScore {
    pub area: Area,
    pub points: f64,
    pub max: u32,
    /// Weight of what passed and of everything (case weights, or own tests for quality).
    pub passed_weight: u32,
    /// Weight earned, counting partial credit (a scaling case that grows right but runs slow earns part of its).
    pub earned_weight: f64,
    pub total_weight: u32,
    /// Number of cases (or tests) that passed, and in all.
    pub passed: usize,
    pub total: usize,
}

impl AreaScore {
    pub fn full(&self) -> bool {
        self.passed_weight == self.total_weight && self.total_weight > 0
    }
}

/// Points per area, the total and the band.
#[derive(Debug, Clone, Serialize)]
pub struct Scorecard {
    pub areas: Vec<AreaScore>,
    pub total: f64,
    pub band: Band,
}

impl Scorecard {
    pub fn area(&self, area: Area) -> &AreaScore {
        self.areas.iter().find(|a| a.area == area).expect("every area is scored")
    }

    /// A zero score in every area (for a candidate that could not be built).
    pub fn zero(weights: &Weights) -> Scorecard {
        let areas = Area::ALL
            .iter()
            .map(|&area| AreaScore {
                area,
                points: 0.0,
                max: area.max(weights),
                passed_weight: 0,
                earned_weight: 0.0,
                total_weight: 0,
                passed: 0,
                total: 0,
            })
            .collect();
        Scorecard { areas, total: 0.0, band: Band::NoHire }
    }
}

/// Scores case results and the quality check against the rubric. Each area earns its points in proportion to the
/// weight of what passed; an area with nothing to score earns nothing.
pub fn score(weights: &Weights, cases: &[CaseResult], quality: &Quality) -> Scorecard {
    let areas: Vec<AreaScore> = Area::ALL
        .iter()
        .map(|&area| {
            let (passed_weight, earned_weight, total_weight, passed, total) = if area == Area::Quality {
                (quality.passed as u32, quality.passed as f64, quality.total as u32, quality.passed, quality.total)
            } else {
                let mine: Vec<&CaseResult> = cases.iter().filter(|c| Area::of(c.meta.kind) == area).collect();
                let passed: Vec<&&CaseResult> = mine.iter().filter(|c| c.outcome.passed()).collect();
                (
                    passed.iter().map(|c| c.meta.weight).sum(),
                    mine.iter().map(|c| f64::from(c.meta.weight) * c.score.clamp(0.0, 1.0)).sum(),
                    mine.iter().map(|c| c.meta.weight).sum(),
                    passed.len(),
                    mine.len(),
                )
            };
            let max = area.max(weights);
            let points =
                if total_weight == 0 { 0.0 } else { round1(f64::from(max) * earned_weight / f64::from(total_weight)) };
            AreaScore { area, points, max, passed_weight, earned_weight, total_weight, passed, total }
        })
        .collect();
    let total = round1(areas.iter().map(|a| a.points).sum());
    Scorecard { band: Band::of(total), areas, total }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trial::Outcome;
    use harness_protocol::{CaseMeta, Metrics};

    const WEIGHTS: Weights = Weights { correctness: 40, edge_cases: 25, performance: 15, quality: 20 };

    fn result(kind: Kind, weight: u32, outcome: Outcome) -> CaseResult {
        CaseResult {
            meta: CaseMeta { name: "c".into(), kind, weight, why: "w".into(), stage: "core".into() },
            outcome,
            failure: None,
            metrics: Metrics::default(),
            score: if outcome.passed() { 1.0 } else { 0.0 },
            scaling: None,
            elapsed_secs: 0.0,
            output: String::new(),
        }
    }

    fn quality(passed: usize, total: usize) -> Quality {
        Quality { passed, total, ..Quality::default() }
    }

    #[test]
    fn everything_passing_scores_one_hundred_and_strong_hire() {
        let cases = [
            result(Kind::Correctness, 3, Outcome::Pass),
            result(Kind::EdgeEmpty, 1, Outcome::Pass),
            result(Kind::Scaling, 1, Outcome::Pass),
        ];
        let card = score(&WEIGHTS, &cases, &quality(2, 2));
        assert!((card.total - 100.0).abs() < 1e-9);
        assert_eq!(card.band, Band::StrongHire);
        assert!(card.areas.iter().all(AreaScore::full));
    }

    #[test]
    fn a_failed_case_costs_points_in_proportion_to_its_weight_in_its_area_only() {
        let cases = [
            result(Kind::Correctness, 3, Outcome::Pass),
            result(Kind::EdgeEmpty, 1, Outcome::Panic),
            result(Kind::EdgeTies, 3, Outcome::Pass),
            result(Kind::Memory, 1, Outcome::Pass),
        ];
        let card = score(&WEIGHTS, &cases, &quality(1, 1));
        assert!((card.area(Area::EdgeCases).points - 18.8).abs() < 1e-9);
        assert!(card.area(Area::Correctness).full() && card.area(Area::Performance).full());
        assert!((card.total - 93.8).abs() < 1e-9);
    }

    #[test]
    fn a_partly_earned_scaling_case_earns_part_of_its_weight() {
        let mut slow = result(Kind::Scaling, 1, Outcome::Fail);
        slow.score = 0.75;
        let cases = [result(Kind::Correctness, 1, Outcome::Pass), slow, result(Kind::Memory, 1, Outcome::Pass)];
        let card = score(&WEIGHTS, &cases, &quality(1, 1));
        // 15 points over two cases of weight 1: 7.5 × 0.75 + 7.5.
        assert!((card.area(Area::Performance).points - 13.1).abs() < 1e-9, "{}", card.area(Area::Performance).points);
        assert!(!card.area(Area::Performance).full());
    }

    #[test]
    fn no_own_tests_means_no_quality_points() {
        let card = score(&WEIGHTS, &[result(Kind::Correctness, 1, Outcome::Pass)], &quality(0, 0));
        assert!(card.area(Area::Quality).points.abs() < 1e-9);
        assert!(!card.area(Area::Quality).full());
    }

    #[test]
    fn bands_follow_the_thresholds() {
        assert_eq!(Band::of(85.0), Band::StrongHire);
        assert_eq!(Band::of(84.9), Band::Hire);
        assert_eq!(Band::of(70.0), Band::Hire);
        assert_eq!(Band::of(69.9), Band::LeanNo);
        assert_eq!(Band::of(50.0), Band::LeanNo);
        assert_eq!(Band::of(49.9), Band::NoHire);
    }
}
