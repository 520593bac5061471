//! Rule coverage of a hidden suite: which cases check each numbered rule of the spec, and what is wrong with that
//! (a rule without a case that is not declared unchecked, a case naming a rule the spec does not have, a case naming
//! none). `harness verify` fails on any of these.

use crate::problem::Problem;
use crate::spec::{self, Rule};
use harness_protocol::CaseMeta;
use serde::Serialize;

/// One rule and the cases that check it.
#[derive(Debug, Clone, Serialize)]
pub struct RuleCases {
    pub rule: String,
    pub stage: String,
    pub text: String,
    pub cases: Vec<String>,
    /// Why no case checks it, when problem.toml says so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unchecked: Option<String>,
}

/// What is wrong with a suite's coverage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Gap {
    /// A rule no case checks, not declared unchecked.
    Uncovered { rule: String },
    /// A case names a rule id the spec does not have.
    UnknownRule { case: String, rule: String },
    /// A case names no rule.
    NoRule { case: String },
    /// `[[unchecked_rules]]` names a rule the spec does not have, or one a case checks after all.
    StaleUnchecked { rule: String },
}

/// A problem's rules, their cases and the gaps.
#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    pub problem: String,
    pub rules: Vec<RuleCases>,
    pub gaps: Vec<Gap>,
}

impl Coverage {
    pub fn complete(&self) -> bool {
        self.gaps.is_empty()
    }
}

/// The coverage of `problem`'s spec rules by `cases` (as the suite lists them).
pub fn of(problem: &Problem, spec_text: &str, cases: &[CaseMeta]) -> Coverage {
    let core = problem.manifest.stages.first().map_or("core", |s| s.id.as_str());
    let rules = spec::split(spec_text).rules(core);
    check(problem, &rules, cases)
}

fn check(problem: &Problem, rules: &[Rule], cases: &[CaseMeta]) -> Coverage {
    let unchecked = &problem.manifest.unchecked_rules;
    let mut gaps = Vec::new();
    for case in cases {
        if case.rules.is_empty() {
            gaps.push(Gap::NoRule { case: case.name.clone() });
        }
        for rule in case.rules.iter().filter(|r| !rules.iter().any(|known| known.id == **r)) {
            gaps.push(Gap::UnknownRule { case: case.name.clone(), rule: rule.clone() });
        }
    }
    let covered: Vec<RuleCases> = rules
        .iter()
        .map(|rule| RuleCases {
            rule: rule.id.clone(),
            stage: rule.stage.clone(),
            text: rule.text.clone(),
            cases: cases.iter().filter(|c| c.rules.contains(&rule.id)).map(|c| c.name.clone()).collect(),
            unchecked: unchecked.iter().find(|u| u.rule == rule.id).map(|u| u.why.clone()),
        })
        .collect();
    for rule in &covered {
        if rule.cases.is_empty() && rule.unchecked.is_none() {
            gaps.push(Gap::Uncovered { rule: rule.rule.clone() });
        }
    }
    for declared in unchecked {
        let stale = covered.iter().find(|r| r.rule == declared.rule).is_none_or(|r| !r.cases.is_empty());
        if stale {
            gaps.push(Gap::StaleUnchecked { rule: declared.rule.clone() });
        }
    }
    Coverage { problem: problem.slug.clone(), rules: covered, gaps }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::UncheckedRule;
    use harness_protocol::Kind;

    fn case(name: &str, rules: &[&str]) -> CaseMeta {
        CaseMeta {
            name: name.into(),
            kind: Kind::Correctness,
            weight: 1,
            why: String::new(),
            stage: "core".into(),
            rules: rules.iter().map(|r| (*r).to_owned()).collect(),
        }
    }

    const SPEC: &str = "# T\n\n## Rules\n\n1. One.\n2. Two.\n3. Three.\n\n## Follow-up stage: `more`\n\n1. Four.\n";

    fn coverage(cases: &[CaseMeta], unchecked: &[(&str, &str)]) -> Coverage {
        let mut problem = crate::fixtures::problem();
        problem.manifest.stages[1].id = "more".into();
        problem.manifest.unchecked_rules =
            unchecked.iter().map(|(rule, why)| UncheckedRule { rule: (*rule).into(), why: (*why).into() }).collect();
        of(&problem, SPEC, cases)
    }

    #[test]
    fn every_rule_lists_the_cases_that_check_it() {
        let cases = [case("a", &["R1", "R2"]), case("b", &["R2", "more.R1"]), case("c", &["R3"])];
        let coverage = coverage(&cases, &[]);
        assert!(coverage.complete(), "{:?}", coverage.gaps);
        let r2 = coverage.rules.iter().find(|r| r.rule == "R2").unwrap();
        assert_eq!(r2.cases, ["a", "b"]);
        assert_eq!(coverage.rules.last().unwrap().stage, "more");
    }

    #[test]
    fn an_uncovered_rule_an_unknown_id_and_a_case_without_rules_are_gaps() {
        let cases = [case("a", &["R1", "R9"]), case("b", &[])];
        let gaps = coverage(&cases, &[("R3", "checked by review only")]).gaps;
        assert_eq!(
            gaps,
            [
                Gap::UnknownRule { case: "a".into(), rule: "R9".into() },
                Gap::NoRule { case: "b".into() },
                Gap::Uncovered { rule: "R2".into() },
                Gap::Uncovered { rule: "more.R1".into() },
            ]
        );
    }

    #[test]
    fn an_unchecked_rule_that_a_case_checks_or_the_spec_lacks_is_stale() {
        let cases = [case("a", &["R1", "R2", "R3", "more.R1"])];
        let gaps = coverage(&cases, &[("R3", "why"), ("R7", "why")]).gaps;
        assert_eq!(gaps, [Gap::StaleUnchecked { rule: "R3".into() }, Gap::StaleUnchecked { rule: "R7".into() }]);
    }
}
