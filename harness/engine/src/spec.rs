//! A spec split into its stages, and its numbered rules. The convention every `spec.md` follows: a follow-up stage
//! is a section headed ``## Follow-up stage: `id` `` running to the next `## ` heading; everything else is the core
//! stage. The core's rules are the numbered list of its `## Rules` section (`R1`, `R2`, …); a follow-up's rules are
//! the numbered list of its section (`chunked.R1`, …). Hidden cases name the rules they check by these ids.

/// A spec as the stages of a session reveal it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StagedSpec {
    /// The spec without its follow-up sections.
    pub core: String,
    /// Each follow-up section, heading included, in the order written.
    pub follow_ups: Vec<FollowUp>,
}

/// One follow-up stage's section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUp {
    pub id: String,
    pub text: String,
}

const MARK: &str = "## Follow-up stage:";

/// Splits `spec` at its follow-up sections (headings inside code fences are text).
pub fn split(spec: &str) -> StagedSpec {
    let mut core = String::new();
    let mut follow_ups: Vec<FollowUp> = Vec::new();
    let (mut in_fence, mut in_follow_up) = (false, false);
    for line in spec.lines() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
        }
        if !in_fence && line.starts_with("## ") {
            in_follow_up = line.starts_with(MARK);
            if in_follow_up {
                let id = line[MARK.len()..].trim().trim_matches('`').to_owned();
                follow_ups.push(FollowUp { id, text: String::new() });
            }
        }
        let target = match follow_ups.last_mut() {
            Some(follow_up) if in_follow_up => &mut follow_up.text,
            _ => &mut core,
        };
        target.push_str(line);
        target.push('\n');
    }
    let tidy = |text: &mut String| {
        let trimmed = text.trim_end().to_owned();
        *text = trimmed + "\n";
    };
    tidy(&mut core);
    for follow_up in &mut follow_ups {
        tidy(&mut follow_up.text);
    }
    StagedSpec { core, follow_ups }
}

/// One numbered rule of a stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// `R3` for the core's third rule, `chunked.R1` for the first rule of the `chunked` stage.
    pub id: String,
    /// The stage's id (`core` for the core stage, whatever problem.toml calls it).
    pub stage: String,
    /// The rule's text, its lines joined.
    pub text: String,
}

impl StagedSpec {
    /// Every numbered rule, the core's first (`core` names the core stage in the returned rules).
    pub fn rules(&self, core: &str) -> Vec<Rule> {
        let mut rules = numbered(section(&self.core, "## Rules"), |n| format!("R{n}"), core);
        for follow_up in &self.follow_ups {
            rules.extend(numbered(&follow_up.text, |n| format!("{}.R{n}", follow_up.id), &follow_up.id));
        }
        rules
    }
}

/// The text of the `heading` section (to the next `## ` heading outside a code fence), or nothing.
fn section<'a>(text: &'a str, heading: &str) -> &'a str {
    let Some(start) = text.lines().position(|l| l.trim_end() == heading) else { return "" };
    let offset: usize = text.lines().take(start + 1).map(|l| l.len() + 1).sum();
    let rest = &text[offset.min(text.len())..];
    let mut in_fence = false;
    let mut end = 0;
    for line in rest.lines() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
        }
        if !in_fence && line.starts_with("## ") {
            break;
        }
        end += line.len() + 1;
    }
    &rest[..end.min(rest.len())]
}

/// The top-level numbered list items of `text` (`1. …`, continued by indented lines), outside code fences.
fn numbered(text: &str, id: impl Fn(&str) -> String, stage: &str) -> Vec<Rule> {
    let mut rules: Vec<Rule> = Vec::new();
    let mut in_fence = false;
    let mut open = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        let number = line.split_once(". ").filter(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        if let Some((n, rest)) = number {
            rules.push(Rule { id: id(n), stage: stage.to_owned(), text: rest.trim().to_owned() });
            open = true;
        } else if open && line.starts_with(' ') && !line.trim().is_empty() {
            let rule = rules.last_mut().expect("an open rule");
            rule.text.push(' ');
            rule.text.push_str(line.trim());
        } else {
            open = false;
        }
    }
    rules
}

impl StagedSpec {
    /// What the candidate sees with `stages` stages revealed (1 = the core only), each follow-up after the core.
    pub fn visible(&self, stages: usize) -> String {
        let mut text = self.core.clone();
        for follow_up in self.follow_ups.iter().take(stages.saturating_sub(1)) {
            text.push('\n');
            text.push_str(&follow_up.text);
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = "# Title\n\nIntro.\n\n## Rules\n\n1. one\n\n```rust\n## Follow-up stage: `not-a-heading`\n```\n\n\
## Follow-up stage: `chunked`\n\nChunk it.\n\n## What we look for\n\nTests.\n";

    #[test]
    fn follow_up_sections_are_cut_out_of_the_core_up_to_the_next_heading() {
        let staged = split(SPEC);
        assert_eq!(staged.follow_ups.len(), 1);
        assert_eq!(staged.follow_ups[0].id, "chunked");
        assert_eq!(staged.follow_ups[0].text, "## Follow-up stage: `chunked`\n\nChunk it.\n");
        assert!(staged.core.contains("## What we look for") && !staged.core.contains("Chunk it"));
        assert!(staged.core.contains("`not-a-heading`"), "a heading inside a code fence is text");
    }

    #[test]
    fn rules_are_the_numbered_items_of_the_rules_section_and_of_each_follow_up() {
        let spec = "# T\n\n1. not a rule: before the rules\n\n## Rules\n\n1. One thing,\n   on two lines.\n2. Another.\n\n\
                    ```text\n3. inside a fence\n```\n\n## Follow-up stage: `chunked`\n\nIntro.\n\n1. Chunk it.\n\n\
                    ## What we look for\n\n1. not a rule either\n";
        let rules = split(spec).rules("core");
        let ids: Vec<(&str, &str)> = rules.iter().map(|r| (r.id.as_str(), r.stage.as_str())).collect();
        assert_eq!(ids, [("R1", "core"), ("R2", "core"), ("chunked.R1", "chunked")]);
        assert_eq!(rules[0].text, "One thing, on two lines.");
    }

    #[test]
    fn revealing_a_stage_appends_its_section_to_the_core() {
        let staged = split(SPEC);
        assert!(!staged.visible(1).contains("Chunk it."));
        assert!(staged.visible(2).ends_with("## Follow-up stage: `chunked`\n\nChunk it.\n"));
        assert_eq!(staged.visible(9), staged.visible(2));
    }

    #[test]
    fn every_bundled_spec_has_a_section_per_follow_up_stage_in_problem_toml() {
        let problems = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../problems");
        for entry in std::fs::read_dir(problems).unwrap() {
            let dir = entry.unwrap().path();
            let problem = crate::problem::Problem::load(&dir).unwrap();
            let staged = split(&std::fs::read_to_string(problem.spec_path()).unwrap());
            let ids: Vec<&str> = staged.follow_ups.iter().map(|f| f.id.as_str()).collect();
            let declared: Vec<&str> = problem.manifest.stages.iter().skip(1).map(|s| s.id.as_str()).collect();
            assert_eq!(ids, declared, "{}", dir.display());
        }
    }
}
