//! Findings and the report that carries them.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// How bad a finding is. Ordered: `Info < Low < Medium < High < Critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Error for a severity or practice name that is not known.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} `{given}` (expected one of: {expected})")]
pub struct UnknownName {
    pub what: &'static str,
    pub given: String,
    pub expected: &'static str,
}

impl FromStr for Severity {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "info" => Ok(Severity::Info),
            "low" => Ok(Severity::Low),
            "medium" => Ok(Severity::Medium),
            "high" => Ok(Severity::High),
            "critical" => Ok(Severity::Critical),
            _ => Err(UnknownName {
                what: "severity",
                given: s.to_string(),
                expected: "critical, high, medium, low, info",
            }),
        }
    }
}

/// The ten practices; every rule belongs to exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Practice {
    Img,
    Rbac,
    Iso,
    Net,
    Sec,
    Fn,
    Auth,
    Log,
    Cold,
    Dep,
}

impl Practice {
    pub const ALL: [Practice; 10] = [
        Practice::Img,
        Practice::Rbac,
        Practice::Iso,
        Practice::Net,
        Practice::Sec,
        Practice::Fn,
        Practice::Auth,
        Practice::Log,
        Practice::Cold,
        Practice::Dep,
    ];

    /// The three- or four-letter code used in rule ids (`ISO`, `RBAC`...).
    pub fn code(self) -> &'static str {
        match self {
            Practice::Img => "IMG",
            Practice::Rbac => "RBAC",
            Practice::Iso => "ISO",
            Practice::Net => "NET",
            Practice::Sec => "SEC",
            Practice::Fn => "FN",
            Practice::Auth => "AUTH",
            Practice::Log => "LOG",
            Practice::Cold => "COLD",
            Practice::Dep => "DEP",
        }
    }

    /// Human name of the practice.
    pub fn name(self) -> &'static str {
        match self {
            Practice::Img => "Image security",
            Practice::Rbac => "Access control",
            Practice::Iso => "Isolation",
            Practice::Net => "Network security",
            Practice::Sec => "Secrets management",
            Practice::Fn => "Function privilege",
            Practice::Auth => "Authentication & authorization",
            Practice::Log => "Monitoring & logging",
            Practice::Cold => "Cold starts & runtime limits",
            Practice::Dep => "Dependency scanning",
        }
    }
}

impl fmt::Display for Practice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Practice {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Practice::ALL
            .into_iter()
            .find(|p| p.code().eq_ignore_ascii_case(s))
            .ok_or_else(|| UnknownName {
                what: "practice",
                given: s.to_string(),
                expected: "IMG, RBAC, ISO, NET, SEC, FN, AUTH, LOG, COLD, DEP",
            })
    }
}

/// A place a person can open: file, line, column, and what is there.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Location {
    /// Path relative to the scan root as the user gave it (or the image path).
    pub path: String,
    /// 1-based line, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// 1-based column, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    /// The resource the finding is about, e.g. `Deployment/default/web`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// Image layer digest, for files inside container images.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layer: Option<String>,
    /// Field path inside an object that came from an API (an admission request, a live
    /// cluster), e.g. `spec.containers[0].securityContext.privileged`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// For an object rendered from a kustomization, where the finding sits in the rendered
    /// output (`path` is the kustomization directory as `palisade render` takes it, `line`
    /// the line of its output); `path` and `line` above then point at the source file
    /// (base resource or patch) that wrote the field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rendered: Option<Box<Location>>,
}

impl Location {
    pub fn file(path: impl Into<String>) -> Self {
        Location {
            path: path.into(),
            ..Location::default()
        }
    }

    pub fn at(path: impl Into<String>, line: u32, column: u32) -> Self {
        Location {
            path: path.into(),
            line: Some(line),
            column: Some(column),
            ..Location::default()
        }
    }

    pub fn with_resource(mut self, resource: impl Into<String>) -> Self {
        self.resource = Some(resource.into());
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        Ok(())
    }
}

/// A package a vulnerability finding is about.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageInfo {
    pub ecosystem: String,
    pub name: String,
    pub version: String,
    #[serde(default)]
    pub fixed_versions: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purl: Option<String>,
    /// `Some(true)` for a direct dependency, `Some(false)` for transitive, `None` when unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direct: Option<bool>,
}

/// A detected secret, never carrying the secret itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretInfo {
    /// Redacted preview such as `AKIA****************`.
    pub preview: String,
    /// Stable hash of the secret value; usable in suppressions.
    pub fingerprint: String,
}

/// One step of supporting evidence (e.g. an RBAC chain: subject, binding, role, rule).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

impl Evidence {
    /// Label prefix of the evidence that names a workload running the image a finding is
    /// in (`run by Deployment/shop/web`), as `palisade cluster --images` writes it.
    pub const RUN_BY: &'static str = "run by ";
}

/// Why a finding was suppressed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum SuppressedBy {
    /// `# palisade:ignore RULE reason` next to the line.
    Inline { reason: String },
    /// `palisade.dev/ignore` annotation on the Kubernetes resource.
    Annotation { reason: String },
    /// A `[[suppress]]` entry of `palisade.toml`.
    Config {
        reason: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        expires: Option<String>,
    },
}

impl SuppressedBy {
    pub fn reason(&self) -> &str {
        match self {
            SuppressedBy::Inline { reason }
            | SuppressedBy::Annotation { reason }
            | SuppressedBy::Config { reason, .. } => reason,
        }
    }
}

/// One problem found by one rule at one place.
///
/// A scan can hold hundreds of thousands of findings, so what comes from the rule's own
/// documentation (id, title, fix, references) is borrowed from the static rule rather than
/// copied into each finding, and the parts only some findings have are boxed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub rule_id: Cow<'static, str>,
    pub practice: Practice,
    pub severity: Severity,
    pub title: Cow<'static, str>,
    pub message: String,
    pub location: Location,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remediation: Option<Cow<'static, str>>,
    #[serde(default, skip_serializing_if = "slice_is_empty")]
    pub references: Cow<'static, [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package: Option<Box<PackageInfo>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<Box<SecretInfo>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<Box<SuppressedBy>>,
}

// serde hands `skip_serializing_if` the field itself, a `&Cow`.
#[allow(clippy::ptr_arg)]
fn slice_is_empty(list: &Cow<'static, [String]>) -> bool {
    list.is_empty()
}

impl Finding {
    /// A finding for `rule` with the rule's default severity, title and fix.
    pub fn new(
        rule: &'static crate::RuleMeta,
        message: impl Into<String>,
        location: Location,
    ) -> Self {
        Finding {
            rule_id: Cow::Borrowed(rule.id),
            practice: rule.practice,
            severity: rule.severity,
            title: Cow::Borrowed(rule.title),
            message: message.into(),
            location,
            remediation: rule.fix().map(Cow::Borrowed),
            references: Cow::Borrowed(rule.references()),
            package: None,
            aliases: Vec::new(),
            secret: None,
            evidence: Vec::new(),
            suppressed: None,
        }
    }

    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// Sort key that gives reports a stable order: path, line, column, rule.
    pub fn sort_key(&self) -> (&str, u32, u32, &str, &str) {
        (
            &self.location.path,
            self.location.line.unwrap_or(0),
            self.location.column.unwrap_or(0),
            &self.rule_id,
            &self.message,
        )
    }
}

/// Something that could not be read or parsed; the rest of the scan goes on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ScanError {
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    pub message: String,
}

impl ScanError {
    pub fn new(path: impl Into<String>, line: Option<u32>, message: impl Into<String>) -> Self {
        ScanError {
            path: path.into(),
            line,
            message: message.into(),
        }
    }
}

impl fmt::Display for ScanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // both come from inputs: escape sequences are shown, never sent to the terminal
        let path = crate::text::printable(&self.path);
        let message = crate::text::printable_lines(&self.message);
        match self.line {
            Some(line) => write!(f, "{path}:{line}: {message}"),
            None => write!(f, "{path}: {message}"),
        }
    }
}

/// Everything one `palisade` run found, ready for a report format.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ScanReport {
    /// The targets as the user gave them.
    pub targets: Vec<String>,
    pub findings: Vec<Finding>,
    /// Findings silenced by inline comments, annotations or `palisade.toml`.
    pub suppressed: Vec<Finding>,
    pub errors: Vec<ScanError>,
    /// Notes for the user that are not findings (expired suppressions, skipped files...).
    pub warnings: Vec<String>,
    pub files_scanned: usize,
}

impl ScanReport {
    /// Sorts findings, suppressed findings and errors into their stable report order.
    pub fn sort(&mut self) {
        // Unstable: the stable sort would allocate half the findings again. Findings whose
        // keys tie are the same finding for a reader, and the input order is deterministic.
        self.findings
            .sort_unstable_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        self.suppressed
            .sort_unstable_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        self.errors.sort();
        self.warnings.sort();
        self.warnings.dedup();
    }

    /// Count of (unsuppressed) findings per severity, in `Severity::ALL` order.
    pub fn count_by_severity(&self) -> Vec<(Severity, usize)> {
        Severity::ALL
            .iter()
            .map(|s| {
                (
                    *s,
                    self.findings.iter().filter(|f| f.severity == *s).count(),
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_orders_and_parses() {
        assert!(Severity::Critical > Severity::High);
        assert!(Severity::Low > Severity::Info);
        assert_eq!("HIGH".parse::<Severity>().unwrap(), Severity::High);
        let err = "urgent".parse::<Severity>().unwrap_err();
        assert!(err.to_string().contains("unknown severity `urgent`"));
    }

    #[test]
    fn practice_codes_round_trip() {
        for p in Practice::ALL {
            assert_eq!(p.code().parse::<Practice>().unwrap(), p);
        }
        assert_eq!(serde_json::to_string(&Practice::Rbac).unwrap(), "\"RBAC\"");
    }

    #[test]
    fn location_displays_as_path_line_column() {
        assert_eq!(Location::at("a/b.yaml", 3, 7).to_string(), "a/b.yaml:3:7");
        assert_eq!(Location::file("x").to_string(), "x");
    }
}
