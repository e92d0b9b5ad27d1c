//! Advisory severity: CVSS v3.x and v4.0 scores computed from the vector, or the severity
//! word a database attaches (`database_specific.severity`, `ecosystem_specific.severity`).
//! The highest wins and its source is kept; an advisory with none gets `medium` with
//! source `unknown`.

use palisade_core::Severity;
use serde_json::Value;

use crate::osv::{Advisory, SeverityEntry};

#[derive(Debug, Clone, PartialEq)]
pub struct Rated {
    pub severity: Severity,
    pub score: Option<f64>,
    /// e.g. `CVSS_V3 CVSS:3.1/AV:N/...`, `database_specific: HIGH`.
    pub source: String,
}

/// CVSS v3.0/v3.1 base score of a vector string (RustSec's `cvss` crate); `None` when the
/// vector does not parse or a base metric is missing.
pub fn cvss3_base_score(vector: &str) -> Option<f64> {
    let v: cvss::v3::Vector = vector.trim().parse().ok()?;
    Some(v.base_score().value())
}

/// CVSS v4.0 score of a vector string (base, threat and environmental metrics, as FIRST's
/// calculator computes it); `None` when the vector does not parse.
pub fn cvss4_score(vector: &str) -> Option<f64> {
    let v: cvss::v4::Vector = vector.trim().parse().ok()?;
    Some(v.score().value())
}

pub fn from_score(score: f64) -> Severity {
    match score {
        s if s >= 9.0 => Severity::Critical,
        s if s >= 7.0 => Severity::High,
        s if s >= 4.0 => Severity::Medium,
        s if s > 0.0 => Severity::Low,
        _ => Severity::Info,
    }
}

pub fn from_word(word: &str) -> Option<Severity> {
    match word.trim().to_ascii_lowercase().as_str() {
        "critical" => Some(Severity::Critical),
        "high" | "important" => Some(Severity::High),
        "moderate" | "medium" => Some(Severity::Medium),
        "low" | "negligible" | "unimportant" => Some(Severity::Low),
        "informational" | "info" | "none" => Some(Severity::Info),
        _ => None,
    }
}

fn consider(best: &mut Option<Rated>, cand: Rated) {
    let better = match best {
        None => true,
        Some(b) => {
            (cand.severity, cand.score.unwrap_or(-1.0)) > (b.severity, b.score.unwrap_or(-1.0))
        }
    };
    if better {
        *best = Some(cand);
    }
}

fn from_entries(best: &mut Option<Rated>, entries: &[SeverityEntry]) {
    for e in entries {
        let vector_score = if e.kind.starts_with("CVSS_V4") || e.score.starts_with("CVSS:4") {
            Some(cvss4_score(&e.score))
        } else if e.kind.starts_with("CVSS_V3") || e.score.starts_with("CVSS:3") {
            Some(cvss3_base_score(&e.score))
        } else {
            None
        };
        let rated = match vector_score {
            // A CVSS vector that does not compute rates nothing.
            Some(score) => score.map(|score| Rated {
                severity: from_score(score),
                score: Some(score),
                source: format!("{} {}", e.kind, e.score),
            }),
            // e.g. {"type": "Ubuntu", "score": "medium"}
            None => from_word(&e.score).map(|severity| Rated {
                severity,
                score: None,
                source: format!("{}: {}", e.kind, e.score),
            }),
        };
        if let Some(rated) = rated {
            consider(best, rated);
        }
    }
}

fn from_specific(best: &mut Option<Rated>, value: Option<&Value>, label: &str) {
    if let Some(word) = value
        .and_then(|v| v.get("severity"))
        .and_then(Value::as_str)
    {
        if let Some(sev) = from_word(word) {
            consider(
                best,
                Rated {
                    severity: sev,
                    score: None,
                    source: format!("{label}: {word}"),
                },
            );
        }
    }
}

/// The severity source of an advisory that states none (no CVSS vector, no severity word):
/// it is counted as medium for `--fail-on` and `--min-severity`, and reports say it is
/// unrated and why instead of presenting medium as the advisory's own rating.
pub const UNRATED: &str = "unrated: the advisory gives no CVSS vector and no severity word";

/// Whether a stored severity source says the advisory was unrated (also the wording of
/// databases built before [`UNRATED`]).
pub fn is_unrated(source: &str) -> bool {
    source.starts_with("unrated") || source.starts_with("unknown (no CVSS vector")
}

/// The highest severity any part of the advisory states.
pub fn rate(adv: &Advisory) -> Rated {
    let mut best = None;
    from_entries(&mut best, &adv.severity);
    from_specific(
        &mut best,
        adv.database_specific.as_ref(),
        "database_specific",
    );
    for a in &adv.affected {
        from_entries(&mut best, &a.severity);
        from_specific(
            &mut best,
            a.ecosystem_specific.as_ref(),
            "ecosystem_specific",
        );
        from_specific(&mut best, a.database_specific.as_ref(), "database_specific");
    }
    best.unwrap_or(Rated {
        severity: Severity::Medium,
        score: None,
        source: UNRATED.into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cvss3_scores_match_nvd() {
        assert_eq!(
            cvss3_base_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
            Some(9.8)
        );
        assert_eq!(
            cvss3_base_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N"),
            Some(6.1)
        );
        assert_eq!(
            cvss3_base_score("CVSS:3.0/AV:L/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:L"),
            Some(1.8)
        );
        assert_eq!(
            cvss3_base_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"),
            Some(10.0)
        );
        assert_eq!(
            cvss3_base_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N"),
            Some(0.0)
        );
        assert_eq!(cvss3_base_score("CVSS:3.1/AV:X"), None);
        // Temporal metrics after the base ones do not change the base score.
        assert_eq!(
            cvss3_base_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N/E:P/RL:W/RC:C"),
            Some(6.1)
        );
    }

    fn advisory(severity: &[(&str, &str)], database_word: Option<&str>) -> Advisory {
        Advisory {
            id: "TEST-1".into(),
            severity: severity
                .iter()
                .map(|(kind, score)| SeverityEntry {
                    kind: kind.to_string(),
                    score: score.to_string(),
                })
                .collect(),
            database_specific: database_word.map(|w| serde_json::json!({ "severity": w })),
            ..Advisory::default()
        }
    }

    #[test]
    fn cvss4_vectors_are_scored() {
        let v4 = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N";
        let rated = rate(&advisory(&[("CVSS_V4", v4)], None));
        assert_eq!(rated.severity, Severity::Critical);
        assert_eq!(rated.score, Some(9.3));
        assert_eq!(rated.source, format!("CVSS_V4 {v4}"));
    }

    #[test]
    fn highest_of_v3_v4_and_database_word_wins_with_its_source() {
        let v3 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N"; // 6.1 medium
        let v4 = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:L/SC:N/SI:N/SA:N/E:A/MAV:A"; // 8.7 high
        let rated = rate(&advisory(&[("CVSS_V3", v3), ("CVSS_V4", v4)], Some("LOW")));
        assert_eq!((rated.severity, rated.score), (Severity::High, Some(8.7)));
        assert!(rated.source.starts_with("CVSS_V4 "), "{}", rated.source);

        let rated = rate(&advisory(
            &[("CVSS_V3", v3), ("CVSS_V4", v4)],
            Some("CRITICAL"),
        ));
        assert_eq!(rated.severity, Severity::Critical);
        assert_eq!(rated.source, "database_specific: CRITICAL");

        let low_v4 = "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:L/VI:L/VA:L/SC:L/SI:L/SA:L"; // 1.0
        let rated = rate(&advisory(&[("CVSS_V4", low_v4), ("CVSS_V3", v3)], None));
        assert_eq!((rated.severity, rated.score), (Severity::Medium, Some(6.1)));
        assert!(rated.source.starts_with("CVSS_V3 "), "{}", rated.source);

        // an invalid v4 vector is ignored, not scored as zero
        let rated = rate(&advisory(&[("CVSS_V4", "CVSS:4.0/AV:N")], Some("moderate")));
        assert_eq!(rated.source, "database_specific: moderate");
    }
}
