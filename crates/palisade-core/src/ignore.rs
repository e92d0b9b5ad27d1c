//! Suppression at the source: inline markers (`# palisade:ignore ISO001,ISO014 reason`,
//! or `//` comments) and, for Kubernetes objects, the `palisade.dev/ignore` annotation.
//!
//! A marker silences the listed rules on its own line and on the line below it, so it can
//! sit at the end of the offending line or on a comment line just above it; a marker on the
//! line above an object (a YAML document, a resource) silences them for the whole object.
//! [`suppression`] is the one decision every rule family goes through; suppressions of
//! `palisade.toml` are applied afterwards by [`crate::Config::apply`].

use crate::{Finding, SuppressedBy};

/// What silences findings on one object: where it starts (for block markers), the rules
/// its annotation lists, and how reports name it.
#[derive(Debug, Clone, Default)]
pub struct ObjectMarkers {
    pub start_line: u32,
    /// Rule ids (or `*`) listed by the object's ignore annotation.
    pub annotation: Vec<String>,
    /// The annotation's name, for the reason (`palisade.dev/ignore`).
    pub annotation_name: &'static str,
    /// The object, for the reason (`Deployment/shop/web`).
    pub resource: String,
}

/// Why `finding` is suppressed at its source, if it is: a marker on its line, a marker
/// above its object, or its object's annotation.
pub fn suppression(
    ignores: &InlineIgnores,
    object: Option<&ObjectMarkers>,
    finding: &Finding,
) -> Option<SuppressedBy> {
    if let Some(line) = finding.location.line {
        if let Some(reason) = ignores.reason_for(&finding.rule_id, line) {
            return Some(SuppressedBy::Inline {
                reason: reason.to_string(),
            });
        }
    }
    let object = object?;
    if let Some(reason) = ignores.block_reason_for(&finding.rule_id, object.start_line) {
        return Some(SuppressedBy::Inline {
            reason: reason.to_string(),
        });
    }
    object
        .annotation
        .iter()
        .any(|r| r == "*" || r.eq_ignore_ascii_case(&finding.rule_id))
        .then(|| SuppressedBy::Annotation {
            reason: format!(
                "annotation {} on {}",
                object.annotation_name, object.resource
            ),
        })
}

/// The inline ignore markers of one file.
#[derive(Debug, Default, Clone)]
pub struct InlineIgnores {
    markers: Vec<Marker>,
}

#[derive(Debug, Clone)]
struct Marker {
    line: u32,
    rules: Vec<String>,
    reason: String,
}

const MARKER: &str = "palisade:ignore";

impl InlineIgnores {
    /// Finds every marker in `text`. Cheap when the file has none.
    pub fn parse(text: &str) -> Self {
        if !text.contains(MARKER) {
            return Self::default();
        }
        let mut markers = Vec::new();
        for (idx, line) in text.lines().enumerate() {
            let Some(pos) = line.find(MARKER) else {
                continue;
            };
            let before = &line[..pos];
            if !(before.contains('#') || before.contains("//")) {
                continue;
            }
            let rest = line[pos + MARKER.len()..].trim();
            let (ids, reason) = match rest.find(char::is_whitespace) {
                Some(split) => (&rest[..split], rest[split..].trim()),
                None => (rest, ""),
            };
            let rules: Vec<String> = ids
                .split(',')
                .map(|s| s.trim().to_ascii_uppercase())
                .filter(|s| !s.is_empty())
                .collect();
            if rules.is_empty() {
                continue;
            }
            markers.push(Marker {
                line: idx as u32 + 1,
                rules,
                reason: if reason.is_empty() {
                    "no reason given".to_string()
                } else {
                    reason.to_string()
                },
            });
        }
        InlineIgnores { markers }
    }

    pub fn is_empty(&self) -> bool {
        self.markers.is_empty()
    }

    /// The reason of a marker silencing `rule_id` at `line`, if any.
    pub fn reason_for(&self, rule_id: &str, line: u32) -> Option<&str> {
        self.markers
            .iter()
            .find(|m| {
                (m.line == line || m.line + 1 == line)
                    && m.rules
                        .iter()
                        .any(|r| r == "*" || r.eq_ignore_ascii_case(rule_id))
            })
            .map(|m| m.reason.as_str())
    }

    /// The reason of a marker on the line just above `first_line` that silences `rule_id`
    /// for a whole block (a YAML document, a resource) starting at `first_line`.
    pub fn block_reason_for(&self, rule_id: &str, first_line: u32) -> Option<&str> {
        self.markers
            .iter()
            .find(|m| {
                m.line + 1 == first_line
                    && m.rules
                        .iter()
                        .any(|r| r == "*" || r.eq_ignore_ascii_case(rule_id))
            })
            .map(|m| m.reason.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marker_covers_its_line_and_the_next() {
        let text = "a: 1\n# palisade:ignore ISO003,iso004 legacy agent needs it\nprivileged: true\nb: 2 # palisade:ignore ISO010\n";
        let ig = InlineIgnores::parse(text);
        assert_eq!(ig.reason_for("ISO003", 3), Some("legacy agent needs it"));
        assert_eq!(ig.reason_for("ISO004", 2), Some("legacy agent needs it"));
        assert_eq!(ig.reason_for("ISO003", 4), None);
        assert_eq!(ig.reason_for("ISO010", 4), Some("no reason given"));
        assert_eq!(ig.reason_for("ISO011", 4), None);
    }

    #[test]
    fn marker_outside_a_comment_is_ignored() {
        let ig = InlineIgnores::parse("description: palisade:ignore ISO001\n");
        assert!(ig.is_empty());
    }
}
