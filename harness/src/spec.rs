//! A spec split into its stages. The convention every `spec.md` follows: a follow-up stage is a section headed
//! ``## Follow-up stage: `id` `` running to the next `## ` heading; everything else is the core stage.

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
    fn revealing_a_stage_appends_its_section_to_the_core() {
        let staged = split(SPEC);
        assert!(!staged.visible(1).contains("Chunk it."));
        assert!(staged.visible(2).ends_with("## Follow-up stage: `chunked`\n\nChunk it.\n"));
        assert_eq!(staged.visible(9), staged.visible(2));
    }

    #[test]
    fn every_bundled_spec_has_a_section_per_follow_up_stage_in_problem_toml() {
        let problems = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../problems");
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
