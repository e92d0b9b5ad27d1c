//! Rule metadata and the registry of every rule Palisade knows.
//!
//! A rule's documentation is written once, as doc comments in the rule's own file, and
//! captured by [`declare_rule!`](crate::declare_rule): `palisade rule ID`, the generated
//! `docs/rules.md` and the remediation text of findings all read the same string.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::{Practice, Severity};

/// What a rule is: id, practice, default severity, title and its documentation.
#[derive(Debug)]
pub struct RuleMeta {
    pub id: &'static str,
    pub practice: Practice,
    pub severity: Severity,
    pub title: &'static str,
    /// For Pod Security Standards controls: `baseline` or `restricted`.
    pub profile: Option<&'static str>,
    /// Markdown with `## What it checks`, `## Why it matters`, `## Fix`, `## References`.
    pub doc: &'static str,
    /// The fix and references, read once from `doc` (findings need them on a hot path).
    #[doc(hidden)]
    pub parsed: OnceLock<ParsedDoc>,
}

/// The parts of a rule's documentation that every finding carries.
#[doc(hidden)]
#[derive(Debug)]
pub struct ParsedDoc {
    pub fix: Option<String>,
    pub references: Vec<String>,
}

impl RuleMeta {
    /// The documentation with the one leading space of each doc-comment line removed.
    pub fn doc_text(&self) -> String {
        let mut out = String::with_capacity(self.doc.len());
        for line in self.doc.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out.trim().to_string()
    }

    /// The body of the `## <name>` section of the documentation, if present.
    pub fn section(&self, name: &str) -> Option<String> {
        let text = self.doc_text();
        let mut body: Option<String> = None;
        for line in text.lines() {
            if let Some(heading) = line.strip_prefix("## ") {
                if body.is_some() {
                    break;
                }
                if heading.trim().eq_ignore_ascii_case(name) {
                    body = Some(String::new());
                }
                continue;
            }
            if let Some(b) = body.as_mut() {
                b.push_str(line);
                b.push('\n');
            }
        }
        body.map(|b| b.trim().to_string()).filter(|b| !b.is_empty())
    }

    fn parsed(&self) -> &ParsedDoc {
        self.parsed.get_or_init(|| ParsedDoc {
            fix: self.section("Fix").map(|fix| unwrap_lines(&fix)),
            references: self
                .section("References")
                .map(|s| {
                    s.lines()
                        .map(|l| l.trim().trim_start_matches("- ").trim().to_string())
                        .filter(|l| l.starts_with("http"))
                        .collect()
                })
                .unwrap_or_default(),
        })
    }

    /// The `## Fix` section.
    pub fn fix(&self) -> Option<&str> {
        self.parsed().fix.as_deref()
    }

    /// URLs listed in the `## References` section.
    pub fn references(&self) -> &[String] {
        &self.parsed().references
    }
}

/// Joins the wrapped lines of each paragraph, keeping list items and blank lines apart.
fn unwrap_lines(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() {
            out.push_str("\n\n");
        } else if line.starts_with("- ") && !out.is_empty() {
            out.push('\n');
            out.push_str(line);
        } else {
            if !out.is_empty() && !out.ends_with('\n') {
                out.push(' ');
            }
            out.push_str(line);
        }
    }
    out
}

/// Declares a rule's static metadata from its doc comments.
///
/// ```
/// palisade_core::declare_rule! {
///     /// ## What it checks
///     /// Something.
///     /// ## Why it matters
///     /// Because.
///     /// ## Fix
///     /// Do this.
///     pub static EXAMPLE = {
///         id: "ISO999", practice: Iso, severity: High, title: "Example rule",
///     };
/// }
/// assert_eq!(EXAMPLE.section("Fix").as_deref(), Some("Do this."));
/// ```
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis static $name:ident = {
            id: $id:literal,
            practice: $practice:ident,
            severity: $severity:ident,
            title: $title:literal
            $(, profile: $profile:literal)?
            $(,)?
        };
    ) => {
        $(#[doc = $doc])*
        $vis static $name: $crate::RuleMeta = $crate::RuleMeta {
            id: $id,
            practice: $crate::Practice::$practice,
            severity: $crate::Severity::$severity,
            title: $title,
            profile: $crate::declare_rule!(@profile $($profile)?),
            doc: concat!($($doc, "\n"),*),
            parsed: ::std::sync::OnceLock::new(),
        };
    };
    (@profile $p:literal) => { Some($p) };
    (@profile) => { None };
}

/// Every rule known to this build, by id.
#[derive(Debug, Default)]
pub struct RuleRegistry {
    rules: BTreeMap<&'static str, &'static RuleMeta>,
}

/// A rule id registered twice.
#[derive(Debug, thiserror::Error)]
#[error("rule id {0} is registered twice")]
pub struct DuplicateRule(pub &'static str);

impl RuleRegistry {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds rules; fails if an id is already present.
    pub fn extend(
        &mut self,
        rules: impl IntoIterator<Item = &'static RuleMeta>,
    ) -> Result<(), DuplicateRule> {
        for rule in rules {
            if self.rules.insert(rule.id, rule).is_some() {
                return Err(DuplicateRule(rule.id));
            }
        }
        Ok(())
    }

    /// Looks a rule up by id, case-insensitively.
    pub fn get(&self, id: &str) -> Option<&'static RuleMeta> {
        self.rules
            .get(id)
            .or_else(|| self.rules.get(id.to_ascii_uppercase().as_str()))
            .copied()
    }

    /// All rules in id order.
    pub fn iter(&self) -> impl Iterator<Item = &'static RuleMeta> + '_ {
        self.rules.values().copied()
    }

    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The registry as a Markdown document (the generated `docs/rules.md`).
    pub fn to_markdown(&self) -> String {
        let mut out = String::from(
            "# Palisade rules\n\n<!-- Generated by `palisade rules --format markdown`; do not edit. -->\n\n",
        );
        out.push_str("| id | practice | severity | title |\n|---|---|---|---|\n");
        for r in self.iter() {
            out.push_str(&format!(
                "| [{id}](#{anchor}) | {p} | {s} | {t} |\n",
                id = r.id,
                anchor = r.id.to_ascii_lowercase(),
                p = r.practice.code(),
                s = r.severity,
                t = r.title
            ));
        }
        for r in self.iter() {
            out.push_str(&format!("\n## {}\n\n**{}**  \n", r.id, r.title));
            out.push_str(&format!(
                "Practice: {} ({}) · default severity: {}",
                r.practice.code(),
                r.practice.name(),
                r.severity
            ));
            if let Some(p) = r.profile {
                out.push_str(&format!(" · Pod Security Standards profile: {p}"));
            }
            out.push_str("\n\n");
            out.push_str(
                &r.doc_text()
                    .replace("\n## ", "\n### ")
                    .replacen("## ", "### ", 1),
            );
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::declare_rule! {
        /// ## What it checks
        /// A thing.
        /// ## Why it matters
        /// Reasons.
        /// ## Fix
        /// Set `x: false`.
        /// ## References
        /// - https://example.org/a
        pub static SAMPLE = {
            id: "ISO900", practice: Iso, severity: High, title: "Sample", profile: "baseline",
        };
    }

    #[test]
    fn sections_are_read_from_doc_comments() {
        assert_eq!(SAMPLE.section("Fix").unwrap(), "Set `x: false`.");
        assert_eq!(SAMPLE.section("what it checks").unwrap(), "A thing.");
        assert_eq!(SAMPLE.references(), ["https://example.org/a".to_string()]);
        assert_eq!(SAMPLE.fix(), Some("Set `x: false`."));
        assert_eq!(SAMPLE.profile, Some("baseline"));
    }

    #[test]
    fn registry_rejects_duplicates() {
        let mut reg = RuleRegistry::new();
        reg.extend([&SAMPLE]).unwrap();
        assert!(reg.extend([&SAMPLE]).is_err());
        assert!(reg.get("iso900").is_some());
    }
}
