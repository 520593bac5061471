//! Pure scoring: case results and the quality signals, weighed by the problem's rubric, to points; then the caps
//! that missed central signals, production-severity bugs and failed cases put on the band.

use crate::problem::{CentralSignal, Manifest, Severity, Weights};
use crate::quality::Quality;
use crate::scaling::Growth;
use crate::trial::{CaseResult, Outcome};
use harness_protocol::Kind;
use serde::{Deserialize, Serialize};

/// How close to a band's floor a total is reported as near it (`84.6, 0.4 below Strong hire`).
pub const NEAR: f64 = 2.0;

/// What a grade is scored against: the area weights, the central signals and which stage is the core.
#[derive(Debug, Clone, Copy)]
pub struct Rubric<'a> {
    pub weights: Weights,
    pub signals: &'a [CentralSignal],
    /// The first stage of problem.toml: a central signal of this stage caps lower than a follow-up's.
    pub core_stage: &'a str,
}

impl<'a> Rubric<'a> {
    pub fn of(manifest: &'a Manifest) -> Rubric<'a> {
        Rubric {
            weights: manifest.rubric,
            signals: &manifest.signals,
            core_stage: manifest.stages.first().map_or("core", |s| s.id.as_str()),
        }
    }
}

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    StrongHire,
    Hire,
    LeanNo,
    NoHire,
}

impl Band {
    /// Best first.
    pub const ALL: [Band; 4] = [Band::StrongHire, Band::Hire, Band::LeanNo, Band::NoHire];

    pub fn of(total: f64) -> Band {
        Band::ALL.into_iter().find(|b| total >= b.floor()).unwrap_or(Band::NoHire)
    }

    /// The least total in the band.
    pub fn floor(self) -> f64 {
        match self {
            Band::StrongHire => 85.0,
            Band::Hire => 70.0,
            Band::LeanNo => 50.0,
            Band::NoHire => 0.0,
        }
    }

    /// The most a total capped at this band may be: a tenth under the next band's floor (totals have one decimal).
    pub fn ceiling(self) -> f64 {
        match self.better() {
            Some(better) => better.floor() - 0.1,
            None => 100.0,
        }
    }

    /// The band above this one.
    pub fn better(self) -> Option<Band> {
        match self {
            Band::StrongHire => None,
            Band::Hire => Some(Band::StrongHire),
            Band::LeanNo => Some(Band::Hire),
            Band::NoHire => Some(Band::LeanNo),
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

pub use crate::quality::signals::Signal;

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

/// Points per area, the total and the band, with the caps that decided it.
#[derive(Debug, Clone, Serialize)]
pub struct Scorecard {
    pub areas: Vec<AreaScore>,
    /// The sum of the areas' points, before any cap.
    pub points: f64,
    /// The points, held to the ceiling of the lowest cap: what `--min-score` compares.
    pub total: f64,
    pub band: Band,
    /// Every cap that applies, lowest band first; the first decides the band when it is below the points' band.
    pub caps: Vec<Cap>,
    /// The share of the case areas' points earned (0 to 1): quality is earned in this proportion.
    pub behaviour: f64,
    /// Set when the total is within [`NEAR`] of a band's floor and no cap decided the band.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub near: Option<Near>,
}

/// A total close to a band's floor: `distance` below it (negative) or above it (positive).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Near {
    pub band: Band,
    pub distance: f64,
}

/// A limit on the band, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Cap {
    /// The best band a grade with this cap can have.
    pub band: Band,
    #[serde(flatten)]
    pub reason: CapReason,
}

/// Why a band is capped.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum CapReason {
    /// A central signal (or a production-severity bug) missed, as one of its cases shows.
    MissedSignal {
        signal: String,
        severity: Severity,
        /// The signal's stage (its cases' stage), and whether that is the core stage.
        stage: String,
        core: bool,
        /// What it is about, from problem.toml.
        about: String,
        case: String,
        evidence: Evidence,
    },
    /// Two or more caps at Lean no (missed signals by id, and panics): together they cap at No hire.
    MissedSignals { signals: Vec<String> },
    /// Cases whose code panicked, hung or crashed (their names): on input the spec allows, that is an incident.
    Crashed { cases: Vec<String> },
    /// Correctness or edge cases failed (their names): Strong hire needs every one of them to pass.
    FailedCases { cases: Vec<String> },
}

/// What a signal's case showed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Evidence {
    /// The case failed: a wrong answer, a panic, a timeout or a crash.
    Outcome { outcome: Outcome },
    /// A scaling case grows a class worse than the reference: the slopes (none when measuring stopped at the first
    /// size), and the cost ratio at the largest size both sides finished.
    Growth { candidate_slope: Option<f64>, reference_slope: Option<f64>, ratio: Option<f64>, size: u64 },
    /// A scaling case costs more than the signal's `max_ratio` × the reference at the largest size.
    Ratio { ratio: f64, max_ratio: f64, size: u64 },
    /// A memory case over its budget.
    Memory { peak_bytes: u64, budget_bytes: u64, reference_peak_bytes: u64 },
}

impl Cap {
    /// The missed signal's id, for the caps that name one.
    pub fn signal(&self) -> Option<&str> {
        match &self.reason {
            CapReason::MissedSignal { signal, .. } => Some(signal),
            _ => None,
        }
    }
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

    /// The cap that decided the band (the points alone would have given a better one), if any.
    pub fn binding_cap(&self) -> Option<&Cap> {
        self.caps.first().filter(|cap| Band::of(self.points).floor() > cap.band.floor())
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
        Scorecard { areas, points: 0.0, total: 0.0, band: Band::NoHire, caps: Vec::new(), behaviour: 0.0, near: None }
    }
}

/// Scores case results and the quality signals against the rubric. A case area earns its points in proportion to
/// the weight of what passed (nothing to score earns nothing); the quality area is the sum of its signals' shares,
/// times the share of the case areas' points earned (code that does nothing earns no quality points). The caps
/// then hold the total under the ceiling of the lowest band any of them allows.
pub fn score(rubric: &Rubric, cases: &[CaseResult], quality: &Quality) -> Scorecard {
    let mut areas: Vec<AreaScore> = Area::ALL
        .iter()
        .filter(|&&a| a != Area::Quality)
        .map(|&area| case_score(&rubric.weights, area, cases))
        .collect();
    // Over the areas that have cases (verify insists every area with points has some).
    let scored = areas.iter().filter(|a| a.total_weight > 0);
    let case_max: u32 = scored.clone().map(|a| a.max).sum();
    let earned: f64 = scored.map(|a| a.points).sum();
    let behaviour = if case_max == 0 { 0.0 } else { (earned / f64::from(case_max)).clamp(0.0, 1.0) };
    areas.push(quality_score(rubric.weights.quality, quality, behaviour));
    let points = round1(areas.iter().map(|a| a.points).sum());
    let caps = caps(rubric, cases);
    let ceiling = caps.first().map_or(100.0, |c| c.band.ceiling());
    let total = round1(points.min(ceiling));
    let band = Band::of(total);
    let decided = caps.first().is_some_and(|c| Band::of(points).floor() > c.band.floor());
    let near = if decided { None } else { near(total) };
    Scorecard { areas, points, total, band, caps, behaviour, near }
}

/// The nearest band floor within [`NEAR`] of `total`, above or below it.
fn near(total: f64) -> Option<Near> {
    Band::ALL
        .into_iter()
        .filter(|b| *b != Band::NoHire)
        .map(|band| Near { band, distance: round1(total - band.floor()) })
        .filter(|n| n.distance.abs() <= NEAR)
        .min_by(|a, b| a.distance.abs().total_cmp(&b.distance.abs()))
}

/// Every cap the cases put on the band, lowest band first: each missed signal; cases that panicked, hung or
/// crashed (Lean no); two or more of those Lean-no caps (No hire); failed correctness and edge cases (Hire).
fn caps(rubric: &Rubric, cases: &[CaseResult]) -> Vec<Cap> {
    let mut caps: Vec<Cap> = rubric.signals.iter().filter_map(|signal| missed(rubric, signal, cases)).collect();
    // `todo!()` left in place is unfinished work, not an incident: it fails its cases and no more.
    let unfinished = |c: &CaseResult| c.failure.as_ref().is_some_and(crate::trial::Failure::unimplemented);
    let crashed: Vec<String> = cases
        .iter()
        .filter(|c| matches!(c.outcome, Outcome::Panic | Outcome::Timeout | Outcome::Crash) && !unfinished(c))
        .map(|c| c.meta.name.clone())
        .collect();
    // Misses that each cap at Lean no, counted once each: a panic in one of a missed signal's own cases (or their
    // edge variants) is that signal's miss.
    let mut lean_no: Vec<String> = Vec::new();
    let mut shown_by: Vec<&str> = Vec::new();
    for cap in caps.iter().filter(|c| c.band == Band::LeanNo) {
        if let CapReason::MissedSignal { signal, .. } = &cap.reason {
            lean_no.push(signal.clone());
            let named = rubric.signals.iter().filter(|s| s.id == *signal).flat_map(|s| &s.cases);
            shown_by.extend(named.map(String::as_str));
        }
    }
    let own = |c: &String| shown_by.contains(&c.as_str()) || shown_by.contains(&harness_protocol::case_of(c));
    if !crashed.iter().all(own) {
        lean_no.push("a panic, hang or crash".to_owned());
    }
    if !crashed.is_empty() {
        caps.push(Cap { band: Band::LeanNo, reason: CapReason::Crashed { cases: crashed } });
    }
    if lean_no.len() >= 2 {
        caps.push(Cap { band: Band::NoHire, reason: CapReason::MissedSignals { signals: lean_no } });
    }
    // A wrong answer on a scaling or memory case's large input is a failed correctness case too.
    let failed: Vec<String> = cases
        .iter()
        .filter(|c| match Area::of(c.meta.kind) {
            Area::Correctness | Area::EdgeCases => !matches!(c.outcome, Outcome::Pass | Outcome::Skipped),
            _ => c.answer == Some(false),
        })
        .map(|c| c.meta.name.clone())
        .collect();
    if !failed.is_empty() {
        caps.push(Cap { band: Band::Hire, reason: CapReason::FailedCases { cases: failed } });
    }
    // Stable: among equal bands the order above (signals in problem.toml order) stays.
    caps.sort_by(|a, b| a.band.floor().total_cmp(&b.band.floor()));
    caps
}

/// The cap for `signal` when one of its cases shows it missed: Lean no for a production-severity bug or a central
/// signal of the core stage, Hire for a follow-up stage's.
fn missed(rubric: &Rubric, signal: &CentralSignal, cases: &[CaseResult]) -> Option<Cap> {
    let (case, evidence) = signal.cases.iter().find_map(|name| {
        let case = cases.iter().find(|c| c.meta.name == *name)?;
        evidence(signal, case).map(|e| (case, e))
    })?;
    let stage = case.meta.stage.clone();
    let core = stage == rubric.core_stage;
    let band = match signal.severity {
        Severity::Production => Band::LeanNo,
        Severity::Central if core => Band::LeanNo,
        Severity::Central => Band::Hire,
    };
    Some(Cap {
        band,
        reason: CapReason::MissedSignal {
            signal: signal.id.clone(),
            severity: signal.severity,
            stage,
            core,
            about: signal.about.clone(),
            case: case.meta.name.clone(),
            evidence,
        },
    })
}

/// What `case` shows of `signal` being missed, or `None` when it shows it met. A scaling case speaks of growth (and
/// of cost with `max_ratio`), not of its answer; a memory case of its peak, unless it failed without measuring one.
fn evidence(signal: &CentralSignal, case: &CaseResult) -> Option<Evidence> {
    if case.outcome == Outcome::Skipped {
        return None;
    }
    match case.meta.kind {
        Kind::Scaling => {
            let Some(scaling) = &case.scaling else {
                return (!case.outcome.passed()).then_some(Evidence::Outcome { outcome: case.outcome });
            };
            let size = scaling.points.last().map_or(0, |p| p.size);
            if scaling.growth == Growth::Worse {
                return Some(Evidence::Growth {
                    candidate_slope: scaling.candidate_slope,
                    reference_slope: scaling.reference_slope,
                    ratio: scaling.ratio,
                    size,
                });
            }
            let max_ratio = signal.max_ratio?;
            let ratio = scaling.ratio.unwrap_or(f64::INFINITY);
            // At two decimals, as verify compares ratios: hash-seeded containers move counts in the fourth digit.
            ((ratio * 100.0).round() / 100.0 > max_ratio).then_some(Evidence::Ratio { ratio, max_ratio, size })
        }
        Kind::Memory => match (case.metrics.peak_bytes, case.metrics.budget_bytes) {
            (Some(peak), Some(budget)) => (peak > budget).then_some(Evidence::Memory {
                peak_bytes: peak,
                budget_bytes: budget,
                reference_peak_bytes: case.metrics.reference_peak_bytes.unwrap_or(0),
            }),
            _ => (!case.outcome.passed()).then_some(Evidence::Outcome { outcome: case.outcome }),
        },
        _ => (!case.outcome.passed()).then_some(Evidence::Outcome { outcome: case.outcome }),
    }
}

fn case_score(weights: &Weights, area: Area, cases: &[CaseResult]) -> AreaScore {
    let mine: Vec<(&CaseResult, f64)> = cases.iter().filter_map(|c| share(c, area).map(|s| (c, s))).collect();
    let passed: Vec<&(&CaseResult, f64)> = mine.iter().filter(|(_, share)| *share >= 1.0).collect();
    let passed_weight: u32 = passed.iter().map(|(c, _)| c.meta.weight).sum();
    // A scaling case that grows like the reference but runs slower earns part of its weight.
    let earned_weight: f64 = mine.iter().map(|(c, share)| f64::from(c.meta.weight) * share).sum();
    let total_weight: u32 = mine.iter().map(|(c, _)| c.meta.weight).sum();
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

/// What `case` earns in `area` (0 to 1), or `None` when it does not count there. A case counts in its kind's area
/// by its score (for a scaling or memory case, its measurement); a scaling or memory case's answer on its large
/// input counts in correctness as well, so a wrong answer costs correctness and a slow one performance.
fn share(case: &CaseResult, area: Area) -> Option<f64> {
    if case.outcome == Outcome::Skipped {
        return None;
    }
    let own = Area::of(case.meta.kind);
    if own == area {
        return Some(case.score.clamp(0.0, 1.0));
    }
    let answer = case.answer.filter(|_| own == Area::Performance && area == Area::Correctness)?;
    Some(if answer { 1.0 } else { 0.0 })
}
/// The quality area: each signal's share of `max`, times the part of it earned, all times `behaviour` (the share
/// of the case areas' points earned). A part's points are before that factor. Passed and total count own tests.
fn quality_score(max: u32, quality: &Quality, behaviour: f64) -> AreaScore {
    let parts: Vec<PartScore> = Signal::ALL
        .iter()
        .map(|&signal| {
            let share = f64::from(max) * f64::from(signal.share()) / 100.0;
            let earned = signal.earned(quality);
            PartScore { signal, points: round1(share * earned), max: share, earned }
        })
        .collect();
    let points = round1(parts.iter().map(|p| p.max * p.earned).sum::<f64>() * behaviour.clamp(0.0, 1.0));
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
    use crate::quality::{Docs, Finding, Function, Lint, LintLevel, Location, OwnTests, Tool};
    use harness_protocol::{CaseMeta, FailureReport, Metrics};

    const WEIGHTS: Weights = Weights { correctness: 40, edge_cases: 25, performance: 15, quality: 20 };
    const RUBRIC: Rubric = Rubric { weights: WEIGHTS, signals: &[], core_stage: "core" };

    /// One passing case in each case area, so that quality is earned in full.
    fn passing() -> Vec<CaseResult> {
        vec![
            result(Kind::Correctness, 1, Outcome::Pass),
            result(Kind::EdgeEmpty, 1, Outcome::Pass),
            result(Kind::Scaling, 1, Outcome::Pass),
        ]
    }

    fn result(kind: Kind, weight: u32, outcome: Outcome) -> CaseResult {
        CaseResult {
            meta: CaseMeta { name: "c".into(), kind, weight, why: "w".into(), stage: "core".into(), rules: Vec::new() },
            outcome,
            failure: None,
            metrics: Metrics::default(),
            score: if outcome.passed() { 1.0 } else { 0.0 },
            answer: None,
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
        let card = score(&RUBRIC, &cases, &quality(2, 2));
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
        let card = score(&RUBRIC, &cases, &quality(1, 1));
        assert!((card.area(Area::EdgeCases).points - 18.8).abs() < 1e-9);
        assert!(card.area(Area::Correctness).full() && card.area(Area::Performance).full());
        // Quality follows behaviour: (40 + 18.8 + 15) / 80 of its 20 points.
        assert!((card.area(Area::Quality).points - 18.5).abs() < 1e-9, "{}", card.area(Area::Quality).points);
        assert!((card.points - 92.3).abs() < 1e-9, "{}", card.points);
    }

    #[test]
    fn a_partly_earned_scaling_case_earns_part_of_its_weight() {
        let mut slow = result(Kind::Scaling, 1, Outcome::Fail);
        slow.score = 0.75;
        let cases = [result(Kind::Correctness, 1, Outcome::Pass), slow, result(Kind::Memory, 1, Outcome::Pass)];
        let card = score(&RUBRIC, &cases, &quality(1, 1));
        // 15 points over two cases of weight 1: 7.5 × 0.75 + 7.5.
        assert!((card.area(Area::Performance).points - 13.1).abs() < 1e-9, "{}", card.area(Area::Performance).points);
        assert!(!card.area(Area::Performance).full());
    }

    #[test]
    fn a_scaling_case_with_a_wrong_answer_costs_correctness_and_a_slow_one_performance() {
        let mut wrong = measured("grows", Growth::Same, 1.0);
        wrong.outcome = Outcome::Fail;
        wrong.answer = Some(false);
        let card = card_with(&[], vec![wrong]);
        assert!(card.area(Area::Performance).full(), "it grows and runs like the reference");
        assert!(!card.area(Area::Correctness).full(), "its answer was wrong");
        assert_eq!(card.band, Band::Hire, "a wrong answer is a failed case: {:?}", card.caps);
        let mut slow = measured("grows", Growth::Same, 4.0);
        slow.score = 0.7;
        slow.answer = Some(true);
        let card = card_with(&[], vec![slow]);
        assert!(card.area(Area::Correctness).full() && !card.area(Area::Performance).full());
    }

    #[test]
    fn no_own_tests_costs_only_the_own_tests_share_of_quality() {
        let card = score(&RUBRIC, &[result(Kind::Correctness, 1, Outcome::Pass)], &quality(0, 0));
        assert!((card.area(Area::Quality).points - 12.0).abs() < 1e-9);
        assert!(part(&card, Signal::OwnTests).abs() < 1e-9);
        assert!(!card.area(Area::Quality).full());
    }

    #[test]
    fn the_signal_shares_sum_to_the_whole_area() {
        assert_eq!(Signal::ALL.iter().map(|s| s.share()).sum::<u32>(), 100);
        let card = score(&RUBRIC, &passing(), &quality(3, 3));
        assert!((card.area(Area::Quality).points - 20.0).abs() < 1e-9);
        assert!(card.area(Area::Quality).full());
    }

    #[test]
    fn clippy_warnings_cost_a_step_each_errors_two_and_the_deduction_is_capped() {
        let lint = |level| Lint { level, code: "clippy::x".into(), location: at(1), message: "m".into() };
        let mut q = quality(1, 1);
        q.clippy = Some(vec![lint(LintLevel::Warning)]);
        assert!((part(&score(&RUBRIC, &passing(), &q), Signal::Clippy) - 2.3).abs() < 1e-9); // 3 × 3/4, rounded
        q.clippy = Some(vec![lint(LintLevel::Error), lint(LintLevel::Warning)]);
        assert!((part(&score(&RUBRIC, &passing(), &q), Signal::Clippy) - 0.8).abs() < 1e-9);
        q.clippy = Some(vec![lint(LintLevel::Error); 9]);
        let card = score(&RUBRIC, &passing(), &q);
        assert!(part(&card, Signal::Clippy).abs() < 1e-9);
        assert!((card.area(Area::Quality).points - 17.0).abs() < 1e-9, "only the clippy share is lost");
    }

    #[test]
    fn an_attribute_that_silences_a_tool_costs_a_step_of_its_share() {
        let silencer = |tool| crate::quality::Silencer { tool, location: at(1), attribute: "a".into() };
        let mut q = quality(1, 1);
        q.silenced = vec![silencer(Tool::Clippy), silencer(Tool::Rustfmt), silencer(Tool::Rustfmt)];
        let card = score(&RUBRIC, &passing(), &q);
        assert!((part(&card, Signal::Clippy) - 2.3).abs() < 1e-9);
        assert!((part(&card, Signal::Rustfmt) - 1.5).abs() < 1e-9);
        q.clippy = None;
        assert!((part(&score(&RUBRIC, &passing(), &q), Signal::Clippy) - 2.3).abs() < 1e-9, "even without clippy");
    }

    #[test]
    fn a_signal_whose_tool_could_not_run_costs_nothing() {
        let mut q = quality(1, 1);
        q.clippy = None;
        q.rustfmt = None;
        assert!(score(&RUBRIC, &passing(), &q).area(Area::Quality).full());
    }

    #[test]
    fn rustfmt_hunks_docs_and_unwraps_cost_their_own_shares() {
        let mut q = quality(1, 1);
        q.rustfmt = Some(vec![finding(1), finding(9)]);
        q.docs = Docs { public: 4, documented: 1, missing: vec![finding(2), finding(3), finding(4)] };
        q.unwraps = vec![finding(5)];
        let card = score(&RUBRIC, &passing(), &q);
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

    fn signal(id: &str, case: &str, severity: Severity) -> CentralSignal {
        CentralSignal {
            id: id.into(),
            about: format!("{id} things"),
            cases: vec![case.into()],
            severity,
            max_ratio: None,
        }
    }

    trait Weighted {
        fn weight_of(self, weight: u32) -> Self;
    }

    impl Weighted for CaseResult {
        fn weight_of(mut self, weight: u32) -> Self {
            self.meta.weight = weight;
            self
        }
    }

    fn named(name: &str, kind: Kind, stage: &str, outcome: Outcome) -> CaseResult {
        let mut case = result(kind, 1, outcome);
        case.meta.name = name.into();
        case.meta.stage = stage.into();
        case
    }

    /// A scaling case that passed its answer check and was measured: `growth`, both slopes, cost `ratio`.
    fn measured(name: &str, growth: Growth, ratio: f64) -> CaseResult {
        let mut case = named(name, Kind::Scaling, "core", Outcome::Pass);
        let worse = growth == Growth::Worse;
        case.score = if worse { 0.0 } else { 1.0 };
        if worse {
            case.outcome = Outcome::Fail;
        }
        case.scaling = Some(crate::scaling::Scaling {
            unit: crate::meter::Unit::Instructions,
            points: vec![crate::scaling::Point { size: 4096, candidate: 1, reference: 1 }],
            candidate_slope: Some(if worse { 1.97 } else { 1.0 }),
            reference_slope: Some(1.01),
            growth,
            ratio: Some(ratio),
            cpu_ratio: None,
            stopped: None,
            score: case.score,
            speed_ratio: 2.0,
            cpu_budget: 3.0,
        });
        case
    }

    /// Every case passing but `broken`, and full quality.
    fn card_with(signals: &[CentralSignal], broken: Vec<CaseResult>) -> Scorecard {
        let names: Vec<&str> = broken.iter().map(|c| c.meta.name.as_str()).collect();
        let mut cases: Vec<CaseResult> = [
            named("answers", Kind::Correctness, "core", Outcome::Pass),
            named("empty", Kind::EdgeEmpty, "core", Outcome::Pass),
            named("grows", Kind::Scaling, "core", Outcome::Pass),
            named("follow", Kind::Correctness, "follow", Outcome::Pass),
            // Heavier cases beside them, so that one broken case leaves the points in Strong hire.
            named("ties", Kind::EdgeTies, "core", Outcome::Pass).weight_of(8),
            named("holds", Kind::Memory, "core", Outcome::Pass),
            named("more", Kind::Correctness, "core", Outcome::Pass).weight_of(8),
        ]
        .into_iter()
        .filter(|c| !names.contains(&c.meta.name.as_str()))
        .collect();
        cases.extend(broken);
        score(&Rubric { weights: WEIGHTS, signals, core_stage: "core" }, &cases, &quality(2, 2))
    }

    #[test]
    fn a_missed_core_signal_caps_the_band_at_lean_no_and_the_total_under_hire() {
        let signals = [signal("hash-join", "grows", Severity::Central)];
        let card = card_with(&signals, vec![measured("grows", Growth::Worse, 80.0)]);
        assert!(card.points >= 70.0, "{}", card.points);
        assert_eq!(card.band, Band::LeanNo);
        assert!((card.total - 69.9).abs() < 1e-9, "{}", card.total);
        let cap = card.binding_cap().expect("a cap decides the band");
        let CapReason::MissedSignal { signal, case, evidence, stage, .. } = &cap.reason else { panic!("{cap:?}") };
        assert_eq!((signal.as_str(), case.as_str(), stage.as_str()), ("hash-join", "grows", "core"));
        let growth = Evidence::Growth {
            candidate_slope: Some(1.97),
            reference_slope: Some(1.01),
            ratio: Some(80.0),
            size: 4096,
        };
        assert_eq!(*evidence, growth);
        assert_eq!(card.near, None, "a capped band is not reported as near a threshold");
    }

    #[test]
    fn a_scaling_case_that_grows_like_the_reference_meets_its_signal_whatever_its_answer() {
        let signals = [signal("hash-join", "grows", Severity::Central)];
        let mut wrong = measured("grows", Growth::Same, 1.0);
        wrong.outcome = Outcome::Fail;
        wrong.score = 0.0;
        let card = card_with(&signals, vec![wrong]);
        assert!(card.caps.iter().all(|c| c.signal().is_none()), "{:?}", card.caps);
    }

    #[test]
    fn max_ratio_misses_a_signal_that_grows_right_but_costs_a_log_factor_more() {
        let mut heap = signal("heap", "grows", Severity::Central);
        heap.max_ratio = Some(1.4);
        let card = card_with(std::slice::from_ref(&heap), vec![measured("grows", Growth::Same, 1.78)]);
        let cap = card.caps.first().expect("capped");
        let CapReason::MissedSignal { evidence, .. } = &cap.reason else { panic!("{cap:?}") };
        assert_eq!(*evidence, Evidence::Ratio { ratio: 1.78, max_ratio: 1.4, size: 4096 });
        let card = card_with(&[heap], vec![measured("grows", Growth::Same, 1.2)]);
        assert!(card.caps.is_empty(), "{:?}", card.caps);
    }

    #[test]
    fn a_follow_up_signal_caps_at_hire_and_a_production_bug_at_lean_no_in_any_stage() {
        let signals = [signal("chunks", "follow", Severity::Central)];
        let card = card_with(&signals, vec![named("follow", Kind::Correctness, "follow", Outcome::Fail)]);
        assert_eq!(card.band, Band::Hire);
        let signals = [signal("no-silent-nan", "follow", Severity::Production)];
        let card = card_with(&signals, vec![named("follow", Kind::Correctness, "follow", Outcome::Panic)]);
        assert_eq!(card.band, Band::LeanNo);
        assert_eq!(card.caps[0].signal(), Some("no-silent-nan"));
    }

    #[test]
    fn two_missed_signals_that_cap_at_lean_no_cap_at_no_hire() {
        let signals = [signal("hash-join", "grows", Severity::Central), signal("nulls", "empty", Severity::Production)];
        let card = card_with(
            &signals,
            vec![measured("grows", Growth::Worse, 80.0), named("empty", Kind::EdgeEmpty, "core", Outcome::Fail)],
        );
        assert_eq!(card.band, Band::NoHire);
        let CapReason::MissedSignals { signals } = &card.caps[0].reason else { panic!("{:?}", card.caps) };
        assert_eq!(signals, &["hash-join", "nulls"]);
    }

    #[test]
    fn any_failed_correctness_or_edge_case_keeps_a_grade_out_of_strong_hire() {
        let card = card_with(&[], vec![named("empty", Kind::EdgeEmpty, "core", Outcome::Fail)]);
        assert!(card.points >= 85.0, "{}", card.points);
        assert_eq!(card.band, Band::Hire);
        let CapReason::FailedCases { cases } = &card.binding_cap().unwrap().reason else { panic!() };
        assert_eq!(cases, &["empty"]);
        // A scaling case that is only slower than the budget is points, not a cap.
        let mut slow = measured("grows", Growth::Same, 4.0);
        slow.outcome = Outcome::Fail;
        slow.score = 0.7;
        assert!(card_with(&[], vec![slow]).caps.is_empty());
    }

    #[test]
    fn a_panic_caps_at_lean_no_and_with_a_missed_signal_at_no_hire() {
        let card = card_with(&[], vec![named("empty", Kind::EdgeEmpty, "core", Outcome::Panic)]);
        assert_eq!(card.band, Band::LeanNo);
        let CapReason::Crashed { cases } = &card.caps[0].reason else { panic!("{:?}", card.caps) };
        assert_eq!(cases, &["empty"]);
        let signals = [signal("hash-join", "grows", Severity::Central)];
        let card = card_with(
            &signals,
            vec![measured("grows", Growth::Worse, 80.0), named("empty", Kind::EdgeEmpty, "core", Outcome::Timeout)],
        );
        assert_eq!(card.band, Band::NoHire);
    }

    #[test]
    fn panics_in_a_missed_signal_s_cases_and_their_variants_are_one_miss() {
        let mut nan = signal("nan", "empty", Severity::Production);
        nan.cases.push("ties".into());
        let card = card_with(
            &[nan],
            vec![
                named("empty", Kind::EdgeEmpty, "core", Outcome::Panic),
                named("ties", Kind::EdgeTies, "core", Outcome::Panic),
                named("ties@nan", Kind::EdgeNan, "core", Outcome::Panic),
            ],
        );
        assert_eq!(card.band, Band::LeanNo, "{:?}", card.caps);
        let card = card_with(
            &[signal("nan", "empty", Severity::Production)],
            vec![
                named("empty", Kind::EdgeEmpty, "core", Outcome::Panic),
                named("more", Kind::Correctness, "core", Outcome::Panic),
            ],
        );
        assert_eq!(card.band, Band::NoHire, "a panic elsewhere is a second miss: {:?}", card.caps);
    }

    #[test]
    fn a_todo_left_in_a_follow_up_fails_its_cases_without_the_crash_cap() {
        let mut todo = named("follow", Kind::Correctness, "follow", Outcome::Panic);
        todo.failure = Some(crate::trial::Failure::Reported(FailureReport {
            message: "panicked: not yet implemented".into(),
            unimplemented: true,
            ..FailureReport::default()
        }));
        let card = card_with(&[], vec![todo.clone()]);
        assert_eq!(card.band, Band::Hire);
        // A scaling case's measurement that panicked in `todo!()` is unfinished too.
        let broke = crate::ending::Broke::Panicked("not yet implemented".into());
        todo.failure = Some(crate::trial::Failure::Measuring { size: 64, broke });
        assert_eq!(card_with(&[], vec![todo]).band, Band::Hire);
        assert!(matches!(card.caps[..], [Cap { reason: CapReason::FailedCases { .. }, .. }]), "{:?}", card.caps);
    }

    #[test]
    fn a_variant_not_judged_counts_in_no_area_and_caps_nothing() {
        let card = card_with(&[], vec![named("empty@nan", Kind::EdgeNan, "core", Outcome::Skipped)]);
        assert!(card.caps.is_empty(), "{:?}", card.caps);
        assert!(card.areas.iter().all(|a| a.area == Area::Quality || a.full()));
        assert_eq!(card.band, Band::StrongHire);
    }

    #[test]
    fn a_memory_case_misses_its_signal_over_budget_not_on_a_wrong_answer_within_it() {
        let signals = [signal("streams", "mem", Severity::Central)];
        let memory = |peak: u64, outcome| {
            let mut case = named("mem", Kind::Memory, "core", outcome);
            case.metrics = Metrics {
                peak_bytes: Some(peak),
                reference_peak_bytes: Some(100),
                budget_bytes: Some(1000),
                size: Some(10),
            };
            case
        };
        let card = card_with(&signals, vec![memory(5000, Outcome::Fail)]);
        let CapReason::MissedSignal { evidence, .. } = &card.caps[0].reason else { panic!("{:?}", card.caps) };
        assert_eq!(*evidence, Evidence::Memory { peak_bytes: 5000, budget_bytes: 1000, reference_peak_bytes: 100 });
        assert!(card_with(&signals, vec![memory(900, Outcome::Fail)]).caps.is_empty());
    }

    #[test]
    fn code_that_passes_no_case_earns_no_quality_points() {
        let cases = [result(Kind::Correctness, 1, Outcome::Panic), result(Kind::EdgeEmpty, 1, Outcome::Panic)];
        let card = score(&RUBRIC, &cases, &quality(3, 3));
        assert!(card.total.abs() < 1e-9, "{}", card.total);
        assert!(card.behaviour.abs() < 1e-9);
        assert!(card.area(Area::Quality).full(), "the signals are clean; only behaviour is missing");
    }

    #[test]
    fn a_total_near_a_band_floor_says_how_near() {
        assert_eq!(near(84.6), Some(Near { band: Band::StrongHire, distance: -0.4 }));
        assert_eq!(near(70.5), Some(Near { band: Band::Hire, distance: 0.5 }));
        assert_eq!(near(77.0), None);
    }

    #[test]
    fn a_cap_ceiling_is_a_tenth_under_the_next_band() {
        assert!((Band::Hire.ceiling() - 84.9).abs() < 1e-9 && (Band::LeanNo.ceiling() - 69.9).abs() < 1e-9);
        assert_eq!(Band::of(Band::NoHire.ceiling()), Band::NoHire);
        assert!((Band::StrongHire.ceiling() - 100.0).abs() < 1e-9);
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
