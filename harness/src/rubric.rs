//! Pure scoring: case results and the quality signals, weighed by the problem's rubric, to points and a band.

use crate::problem::Weights;
use crate::quality::{LintLevel, Quality};
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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

/// A signal the quality area is counted from; each earns its share of the area's points, never more, so one bad
/// habit cannot cost the whole area.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Signal {
    /// The candidate's own tests: present and passing (the senior signal).
    OwnTests,
    /// clippy's default lints: a warning costs one step, an error two, [`LINT_STEPS`] empty the share.
    Clippy,
    /// `rustfmt --check`: each hunk costs one step, [`FORMAT_STEPS`] empty the share.
    Rustfmt,
    /// The share of public functions, structs, enums and traits with doc comments.
    Docs,
    /// The longest function: full up to [`FULL_LINES`], nothing from [`ZERO_LINES`], linear between.
    FunctionLength,
    /// `unwrap()` / `expect()` outside tests: each costs one step, [`UNWRAP_STEPS`] empty the share.
    Unwraps,
}

/// Steps of clippy lints (a warning 1, an error 2) that cost the whole clippy share.
pub const LINT_STEPS: usize = 4;
/// Unformatted hunks that cost the whole rustfmt share.
pub const FORMAT_STEPS: usize = 4;
/// `unwrap()`s that cost the whole share.
pub const UNWRAP_STEPS: usize = 4;
/// The longest function may have this many lines and keep its share.
pub const FULL_LINES: usize = 40;
/// A function this long (or longer) costs the whole share.
pub const ZERO_LINES: usize = 100;

impl Signal {
    pub const ALL: [Signal; 6] =
        [Signal::OwnTests, Signal::Clippy, Signal::Rustfmt, Signal::Docs, Signal::FunctionLength, Signal::Unwraps];

    /// Percent of the quality area's points (they sum to 100).
    pub fn share(self) -> u32 {
        match self {
            Signal::OwnTests => 40,
            Signal::Clippy | Signal::Rustfmt => 15,
            Signal::Docs | Signal::FunctionLength | Signal::Unwraps => 10,
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Signal::OwnTests => "own tests",
            Signal::Clippy => "clippy",
            Signal::Rustfmt => "rustfmt",
            Signal::Docs => "doc comments",
            Signal::FunctionLength => "longest function",
            Signal::Unwraps => "unwrap/expect",
        }
    }

    /// The part of its share (0 to 1) the quality data earns. A signal that could not be measured (its tool is
    /// missing) costs nothing.
    pub fn earned(self, quality: &Quality) -> f64 {
        let steps = |taken: usize, of: usize| 1.0 - taken.min(of) as f64 / of as f64;
        match self {
            Signal::OwnTests => {
                let tests = &quality.own_tests;
                if tests.total == 0 { 0.0 } else { tests.passed as f64 / tests.total as f64 }
            }
            Signal::Clippy => quality.clippy.as_ref().map_or(1.0, |lints| {
                let taken = lints.iter().map(|l| if l.level == LintLevel::Error { 2 } else { 1 }).sum();
                steps(taken, LINT_STEPS)
            }),
            Signal::Rustfmt => quality.rustfmt.as_ref().map_or(1.0, |hunks| steps(hunks.len(), FORMAT_STEPS)),
            Signal::Docs => {
                let docs = &quality.docs;
                if docs.public == 0 { 1.0 } else { docs.documented as f64 / docs.public as f64 }
            }
            Signal::FunctionLength => quality.longest_function.as_ref().map_or(1.0, |f| {
                let over = f.lines.saturating_sub(FULL_LINES);
                steps(over, ZERO_LINES - FULL_LINES)
            }),
            Signal::Unwraps => steps(quality.unwraps.len(), UNWRAP_STEPS),
        }
    }
}

/// One quality signal's points.
#[derive(Debug, Clone, Serialize)]
pub struct PartScore {
    pub signal: Signal,
    pub points: f64,
    pub max: f64,
    /// The part of the share earned, 0 to 1.
    pub earned: f64,
}

impl PartScore {
    pub fn full(&self) -> bool {
        self.earned >= 1.0
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
    /// The quality area's signals (empty for the other areas).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<PartScore>,
}

impl AreaScore {
    /// Whether the area kept all its points: every case passed, or (quality) every signal earned its share.
    pub fn full(&self) -> bool {
        if self.parts.is_empty() {
            self.passed_weight == self.total_weight && self.total_weight > 0
        } else {
            self.parts.iter().all(PartScore::full)
        }
    }
}

/// Points per area, the total and the band.
#[derive(Debug, Clone, Serialize)]
pub struct Scorecard {
    pub areas: Vec<AreaScore>,
    pub total: f64,
    pub band: Band,
}

/// An area's points in a timeline or a history: what it earned and could earn.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AreaPoints {
    pub area: Area,
    pub points: f64,
    pub max: u32,
}

impl Scorecard {
    /// Each area's points, in rubric order.
    pub fn points(&self) -> Vec<AreaPoints> {
        self.areas.iter().map(|a| AreaPoints { area: a.area, points: a.points, max: a.max }).collect()
    }

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
                parts: Vec::new(),
            })
            .collect();
        Scorecard { areas, total: 0.0, band: Band::NoHire }
    }
}

/// Scores case results and the quality signals against the rubric. A case area earns its points in proportion to
/// the weight of what passed (nothing to score earns nothing); the quality area is the sum of its signals' shares.
pub fn score(weights: &Weights, cases: &[CaseResult], quality: &Quality) -> Scorecard {
    let areas: Vec<AreaScore> = Area::ALL
        .iter()
        .map(|&area| {
            if area == Area::Quality {
                quality_score(weights.quality, quality)
            } else {
                case_score(weights, area, cases)
            }
        })
        .collect();
    let total = round1(areas.iter().map(|a| a.points).sum());
    Scorecard { band: Band::of(total), areas, total }
}

fn case_score(weights: &Weights, area: Area, cases: &[CaseResult]) -> AreaScore {
    let mine: Vec<&CaseResult> = cases.iter().filter(|c| Area::of(c.meta.kind) == area).collect();
    let passed: Vec<&&CaseResult> = mine.iter().filter(|c| c.outcome.passed()).collect();
    let passed_weight: u32 = passed.iter().map(|c| c.meta.weight).sum();
    // A scaling case that grows like the reference but runs slower earns part of its weight.
    let earned_weight: f64 = mine.iter().map(|c| f64::from(c.meta.weight) * c.score.clamp(0.0, 1.0)).sum();
    let total_weight: u32 = mine.iter().map(|c| c.meta.weight).sum();
    let max = area.max(weights);
    let points = if total_weight == 0 { 0.0 } else { round1(f64::from(max) * earned_weight / f64::from(total_weight)) };
    AreaScore {
        area,
        points,
        max,
        passed_weight,
        earned_weight,
        total_weight,
        passed: passed.len(),
        total: mine.len(),
        parts: Vec::new(),
    }
}

/// The quality area: each signal's share of `max`, times the part of it earned. Passed and total count own tests.
fn quality_score(max: u32, quality: &Quality) -> AreaScore {
    let parts: Vec<PartScore> = Signal::ALL
        .iter()
        .map(|&signal| {
            let share = f64::from(max) * f64::from(signal.share()) / 100.0;
            let earned = signal.earned(quality);
            PartScore { signal, points: round1(share * earned), max: share, earned }
        })
        .collect();
    let points = round1(parts.iter().map(|p| p.max * p.earned).sum());
    let tests = &quality.own_tests;
    AreaScore {
        area: Area::Quality,
        points,
        max,
        passed_weight: tests.passed as u32,
        earned_weight: tests.passed as f64,
        total_weight: tests.total as u32,
        passed: tests.passed,
        total: tests.total,
        parts,
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quality::{Docs, Finding, Function, Lint, Location, OwnTests};
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

    /// Own tests as given, every other signal clean.
    fn quality(passed: usize, total: usize) -> Quality {
        Quality {
            own_tests: OwnTests { passed, total, ..OwnTests::default() },
            clippy: Some(Vec::new()),
            rustfmt: Some(Vec::new()),
            ..Quality::default()
        }
    }

    fn at(line: usize) -> Location {
        Location { file: "src/lib.rs".into(), line }
    }

    fn finding(line: usize) -> Finding {
        Finding { location: at(line), message: "m".into() }
    }

    fn part(card: &Scorecard, signal: Signal) -> f64 {
        card.area(Area::Quality).parts.iter().find(|p| p.signal == signal).map(|p| p.points).unwrap()
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
    fn no_own_tests_costs_only_the_own_tests_share_of_quality() {
        let card = score(&WEIGHTS, &[result(Kind::Correctness, 1, Outcome::Pass)], &quality(0, 0));
        assert!((card.area(Area::Quality).points - 12.0).abs() < 1e-9);
        assert!(part(&card, Signal::OwnTests).abs() < 1e-9);
        assert!(!card.area(Area::Quality).full());
    }

    #[test]
    fn the_signal_shares_sum_to_the_whole_area() {
        assert_eq!(Signal::ALL.iter().map(|s| s.share()).sum::<u32>(), 100);
        let card = score(&WEIGHTS, &[], &quality(3, 3));
        assert!((card.area(Area::Quality).points - 20.0).abs() < 1e-9);
        assert!(card.area(Area::Quality).full());
    }

    #[test]
    fn clippy_warnings_cost_a_step_each_errors_two_and_the_deduction_is_capped() {
        let lint = |level| Lint { level, code: "clippy::x".into(), location: at(1), message: "m".into() };
        let mut q = quality(1, 1);
        q.clippy = Some(vec![lint(LintLevel::Warning)]);
        assert!((part(&score(&WEIGHTS, &[], &q), Signal::Clippy) - 2.3).abs() < 1e-9); // 3 × 3/4, rounded
        q.clippy = Some(vec![lint(LintLevel::Error), lint(LintLevel::Warning)]);
        assert!((part(&score(&WEIGHTS, &[], &q), Signal::Clippy) - 0.8).abs() < 1e-9);
        q.clippy = Some(vec![lint(LintLevel::Error); 9]);
        let card = score(&WEIGHTS, &[], &q);
        assert!(part(&card, Signal::Clippy).abs() < 1e-9);
        assert!((card.area(Area::Quality).points - 17.0).abs() < 1e-9, "only the clippy share is lost");
    }

    #[test]
    fn a_signal_whose_tool_could_not_run_costs_nothing() {
        let mut q = quality(1, 1);
        q.clippy = None;
        q.rustfmt = None;
        assert!(score(&WEIGHTS, &[], &q).area(Area::Quality).full());
    }

    #[test]
    fn rustfmt_hunks_docs_and_unwraps_cost_their_own_shares() {
        let mut q = quality(1, 1);
        q.rustfmt = Some(vec![finding(1), finding(9)]);
        q.docs = Docs { public: 4, documented: 1, missing: vec![finding(2), finding(3), finding(4)] };
        q.unwraps = vec![finding(5)];
        let card = score(&WEIGHTS, &[], &q);
        assert!((part(&card, Signal::Rustfmt) - 1.5).abs() < 1e-9);
        assert!((part(&card, Signal::Docs) - 0.5).abs() < 1e-9);
        assert!((part(&card, Signal::Unwraps) - 1.5).abs() < 1e-9);
        assert!((card.area(Area::Quality).points - 16.5).abs() < 1e-9);
    }

    #[test]
    fn the_longest_function_keeps_its_share_up_to_forty_lines_and_loses_it_by_one_hundred() {
        let mut q = quality(1, 1);
        let earned = |q: &mut Quality, lines| {
            q.longest_function = Some(Function { name: "f".into(), location: at(1), lines });
            Signal::FunctionLength.earned(q)
        };
        assert!((earned(&mut q, 40) - 1.0).abs() < 1e-9);
        assert!((earned(&mut q, 70) - 0.5).abs() < 1e-9);
        assert!(earned(&mut q, 120).abs() < 1e-9);
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
