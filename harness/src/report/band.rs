//! The band in words, for every format: the cap that decided it (`capped at Lean no: …`), or how
//! near a band's floor the total is (`84.6, 0.4 below Strong hire`).

use crate::report::points;
use harness_engine::problem::Severity;
use harness_engine::rubric::{Cap, CapReason, Evidence, Scorecard};

/// The one line printed where the band is: the cap that decided it, or how near a floor the total is; `None` when
/// neither applies.
pub fn line(card: &Scorecard) -> Option<String> {
    if let Some(cap) = card.binding_cap() {
        return Some(cap_line(cap));
    }
    let near = card.near?;
    let distance = points(near.distance.abs());
    Some(if near.distance < 0.0 {
        format!("{}, {distance} below {}", points(card.total), near.band.title())
    } else {
        format!("{}, {distance} above the floor of {}", points(card.total), near.band.title())
    })
}

/// `capped at Lean no: …, and this problem is about …`.
pub fn cap_line(cap: &Cap) -> String {
    format!("capped at {}: {}", cap.band.title(), reason(&cap.reason))
}

fn reason(reason: &CapReason) -> String {
    match reason {
        CapReason::MissedSignal { severity: Severity::Central, stage, core, about, case, evidence, .. } => {
            let what = if *core { "this problem".to_owned() } else { format!("its `{stage}` stage") };
            format!("`{case}` {}, and {what} is about {about}", evidence_phrase(evidence))
        }
        CapReason::MissedSignal { severity: Severity::Production, about, case, evidence, .. } => {
            format!("`{case}` {}: a production-severity bug ({about})", evidence_phrase(evidence))
        }
        CapReason::MissedSignals { signals } => {
            format!("{} misses that each cap at Lean no ({})", signals.len(), signals.join(", "))
        }
        CapReason::Crashed { cases } => format!(
            "{} panicked, hung or crashed ({}): on input the spec allows, that is a production incident",
            count(cases.len()),
            names(cases)
        ),
        CapReason::FailedCases { cases } => format!(
            "{} of correctness or edge cases failed ({}); Strong hire needs every one to pass",
            count(cases.len()),
            names(cases)
        ),
    }
}

fn count(n: usize) -> String {
    if n == 1 { "1 case".to_owned() } else { format!("{n} cases") }
}

/// The first three names, quoted, and how many more.
fn names(cases: &[String]) -> String {
    let shown: Vec<String> = cases.iter().take(3).map(|c| format!("`{c}`")).collect();
    let more = if cases.len() > 3 { format!(" and {} more", cases.len() - 3) } else { String::new() };
    format!("{}{more}", shown.join(", "))
}

fn evidence_phrase(evidence: &Evidence) -> String {
    match evidence {
        Evidence::Outcome { outcome } => outcome.label().to_owned(),
        Evidence::Growth { candidate_slope: Some(c), reference_slope: Some(r), .. } => {
            format!("grows a class faster than the reference (slope {c:.2} against its {r:.2})")
        }
        Evidence::Growth { ratio, size, .. } => format!(
            "costs {} the reference already at n = {size}, a class worse",
            ratio.map_or_else(|| "more than".to_owned(), |r| format!("{r:.0}×"))
        ),
        Evidence::Ratio { ratio, max_ratio, size } => {
            format!("costs {ratio:.2}× the reference at n = {size}, over the {max_ratio}× this pattern allows")
        }
        Evidence::Memory { peak_bytes, budget_bytes, reference_peak_bytes } => format!(
            "peaks at {} of heap, over its budget of {} (the reference: {})",
            bytes(*peak_bytes),
            bytes(*budget_bytes),
            bytes(*reference_peak_bytes)
        ),
    }
}

/// `1.5 MiB`-style rendering of a byte count.
pub fn bytes(bytes: u64) -> String {
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
    use harness_engine::rubric::{Band, Near};
    use harness_engine::trial::Outcome;

    fn card(points: f64, total: f64, caps: Vec<Cap>, near: Option<Near>) -> Scorecard {
        let mut card = Scorecard::zero(&harness_engine::problem::Weights {
            correctness: 40,
            edge_cases: 25,
            performance: 15,
            quality: 20,
        });
        card.points = points;
        card.total = total;
        card.band = Band::of(total);
        card.caps = caps;
        card.near = near;
        card
    }

    fn signal(severity: Severity, stage: &str, evidence: Evidence) -> Cap {
        Cap {
            band: if stage == "core" || severity == Severity::Production { Band::LeanNo } else { Band::Hire },
            reason: CapReason::MissedSignal {
                signal: "s".into(),
                severity,
                stage: stage.into(),
                core: stage == "core",
                about: "hash joins in O(n + m)".into(),
                case: "joins_200k_rows".into(),
                evidence,
            },
        }
    }

    #[test]
    fn the_deciding_cap_is_the_band_line_with_its_evidence() {
        let growth =
            Evidence::Growth { candidate_slope: Some(1.97), reference_slope: Some(1.01), ratio: None, size: 0 };
        let card = card(85.0, 69.9, vec![signal(Severity::Central, "core", growth)], None);
        assert_eq!(
            line(&card).unwrap(),
            "capped at Lean no: `joins_200k_rows` grows a class faster than the reference (slope 1.97 against its \
             1.01), and this problem is about hash joins in O(n + m)"
        );
        let stopped = Evidence::Growth { candidate_slope: None, reference_slope: None, ratio: Some(308.9), size: 1024 };
        assert!(cap_line(&signal(Severity::Central, "core", stopped)).starts_with(
            "capped at Lean no: `joins_200k_rows` costs 309× the reference already at n = 1024, a class worse"
        ));
    }

    #[test]
    fn a_cap_that_did_not_decide_the_band_is_not_the_band_line() {
        let failed = Cap { band: Band::Hire, reason: CapReason::FailedCases { cases: vec!["a".into()] } };
        assert_eq!(line(&card(80.0, 80.0, vec![failed.clone()], None)), None);
        assert_eq!(
            cap_line(&failed),
            "capped at Hire: 1 case of correctness or edge cases failed (`a`); Strong hire needs every one to pass"
        );
    }

    #[test]
    fn production_bugs_memory_and_follow_up_stages_read_naturally() {
        let memory = Evidence::Memory { peak_bytes: 16 << 20, budget_bytes: 300 << 10, reference_peak_bytes: 30 << 10 };
        assert_eq!(
            cap_line(&signal(Severity::Central, "stream", memory)),
            "capped at Hire: `joins_200k_rows` peaks at 16.0 MiB of heap, over its budget of 300.0 KiB (the \
             reference: 30.0 KiB), and its `stream` stage is about hash joins in O(n + m)"
        );
        let panicked = Evidence::Outcome { outcome: Outcome::Panic };
        assert_eq!(
            cap_line(&signal(Severity::Production, "core", panicked)),
            "capped at Lean no: `joins_200k_rows` panicked: a production-severity bug (hash joins in O(n + m))"
        );
    }

    #[test]
    fn a_total_near_a_floor_says_how_near() {
        let near = Some(Near { band: Band::StrongHire, distance: -0.4 });
        assert_eq!(line(&card(84.6, 84.6, Vec::new(), near)).unwrap(), "84.6, 0.4 below Strong hire");
        let near = Some(Near { band: Band::Hire, distance: 1.5 });
        assert_eq!(line(&card(71.5, 71.5, Vec::new(), near)).unwrap(), "71.5, 1.5 above the floor of Hire");
    }
}
