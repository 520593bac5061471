//! Small, fixed problems and grades for unit tests of the engine and of the binary's reporters (the feature
//! `fixtures`, which only tests turn on).

use crate::grade::{Grade, Timings, Verdict};
use crate::meter::Unit;
use crate::problem::{Budget, Difficulty, Limits, Manifest, Problem, ScalingSizes, Stage, Weights};
use crate::quality::{OwnTests, Quality};
use crate::rubric::{self, Rubric};
use crate::trial::{CaseResult, Outcome};
use harness_protocol::{CaseMeta, Kind, Metrics};
use harness_sandbox::Sandbox;
use std::path::PathBuf;

const WEIGHTS: Weights = Weights { correctness: 40, edge_cases: 25, performance: 15, quality: 20 };

/// A medium problem `p` with the stages `core` and `chunked`, weighted 40/25/15/20.
pub fn problem() -> Problem {
    let stage = |id: &str| Stage { id: id.into(), title: format!("{id} title") };
    Problem {
        slug: "p".into(),
        dir: PathBuf::from("problems/p"),
        manifest: Manifest {
            title: "P".into(),
            summary: "S".into(),
            difficulty: Difficulty::Medium,
            time_box_minutes: 40,
            tags: vec!["heap".into()],
            stages: vec![stage("core"), stage("chunked")],
            rubric: WEIGHTS,
            limits: Limits::default(),
            budget: Budget::default(),
            scaling: ScalingSizes::default(),
            equivalent_mutants: Vec::new(),
            signals: Vec::new(),
            unchecked_rules: Vec::new(),
        },
    }
}

/// A graded candidate whose correctness cases pass `passing` of 4 and whose quality is full.
pub fn grade(passing: usize) -> Grade {
    let cases: Vec<CaseResult> = (0..4)
        .map(|i| CaseResult {
            meta: CaseMeta {
                name: format!("case_{i}"),
                kind: Kind::Correctness,
                weight: 1,
                why: String::new(),
                stage: "core".into(),
                rules: Vec::new(),
            },
            outcome: if i < passing { Outcome::Pass } else { Outcome::Fail },
            failure: None,
            metrics: Metrics::default(),
            score: if i < passing { 1.0 } else { 0.0 },
            answer: None,
            scaling: None,
            elapsed_secs: 0.0,
            output: String::new(),
        })
        .collect();
    graded(cases)
}

/// A graded candidate built from `cases`, with full quality, scored on 40/25/15/20 (for other modules' unit tests).
pub fn graded(cases: Vec<CaseResult>) -> Grade {
    let weights = WEIGHTS;
    let rubric = Rubric { weights, signals: &[], core_stage: "core" };
    let quality = Quality {
        own_tests: OwnTests { passed: 1, total: 1, ..Default::default() },
        clippy: Some(Vec::new()),
        rustfmt: Some(Vec::new()),
        ..Quality::default()
    };
    Grade {
        problem: "p".into(),
        title: "P".into(),
        candidate: "c".into(),
        seed: 1,
        verdict: Verdict::Graded,
        scorecard: rubric::score(&rubric, &cases, &quality),
        cases,
        quality,
        timings: Timings::default(),
        meter: Unit::Instructions,
        sandbox: Sandbox::none().layers(),
        notes: Vec::new(),
        compiled: Vec::new(),
    }
}
