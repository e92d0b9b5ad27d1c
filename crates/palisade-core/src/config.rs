//! `palisade.toml`: disabled rules, severity overrides, ignored paths and suppressions.
//!
//! The configuration is applied to a finished [`ScanReport`]; scanners never look at it
//! except for the path ignores, which the walker also honours so ignored files are not read.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;

use crate::{Finding, ScanReport, Severity, SuppressedBy};

/// The file name looked up at the scan root.
pub const CONFIG_FILE: &str = "palisade.toml";

/// Largest configuration file read (real ones are a few KB).
pub const MAX_CONFIG_BYTES: u64 = 4 * 1024 * 1024;

/// Errors loading `palisade.toml`.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be opened or read, or is not a regular file.
    #[error(transparent)]
    Read(#[from] crate::fsio::FileError),
    #[error("{path}: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("{path}: invalid glob `{glob}`: {message}")]
    Glob {
        path: PathBuf,
        glob: String,
        message: String,
    },
}

/// The whole configuration file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub rules: RulesConfig,
    #[serde(default)]
    pub paths: PathsConfig,
    #[serde(default)]
    pub suppress: Vec<Suppression>,
    /// `[secrets]`: custom secret rules and secret-scanner settings, read by the secrets crate.
    #[serde(default)]
    pub secrets: toml::Table,
    /// `[vulnerabilities]`: database location, advisory ignores, read by the vulnerability crate.
    #[serde(default)]
    pub vulnerabilities: toml::Table,
    /// `[images]`: image scanning settings (e.g. stale-image age), read by the image crate.
    #[serde(default)]
    pub images: toml::Table,
    /// `[serverless]`: thresholds for function rules (timeouts, log retention...).
    #[serde(default)]
    pub serverless: toml::Table,
    /// `[kubernetes]`: cluster CIDRs and other Kubernetes analysis settings.
    #[serde(default)]
    pub kubernetes: toml::Table,
    /// `[webhook]`: admission decisions of `palisade serve`, read by the server crate.
    #[serde(default)]
    pub webhook: toml::Table,
    /// Where the configuration came from, for messages.
    #[serde(skip)]
    pub source: Option<PathBuf>,
    #[serde(skip)]
    ignore_set: Option<GlobSet>,
}

/// `[rules]`: which rules run and how severe they are.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesConfig {
    /// Rule ids that do not run.
    #[serde(default)]
    pub disable: Vec<String>,
    /// Severity overrides by rule id.
    #[serde(default)]
    pub severity: BTreeMap<String, Severity>,
}

/// `[paths]`: files never scanned.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PathsConfig {
    /// Globs relative to the scan root, e.g. `vendor/**`.
    #[serde(default)]
    pub ignore: Vec<String>,
}

/// A `[[suppress]]` entry: silence a rule, optionally only for some paths or resources.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Suppression {
    /// Rule id (or advisory id) to silence; `*` for every rule.
    pub rule: String,
    /// Glob the finding's path must match.
    #[serde(default)]
    pub path: Option<String>,
    /// Exact resource, e.g. `Deployment/default/web`.
    #[serde(default)]
    pub resource: Option<String>,
    /// Secret fingerprint, to accept one known secret without storing it.
    #[serde(default)]
    pub fingerprint: Option<String>,
    /// Why this is acceptable. Required.
    pub reason: String,
    /// After this date the suppression stops suppressing.
    #[serde(default)]
    pub expires: Option<NaiveDate>,
    #[serde(skip)]
    path_glob: Option<globset::GlobMatcher>,
}

impl Config {
    /// Reads and validates a configuration file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = crate::fsio::read_to_string_limited(path, MAX_CONFIG_BYTES)?;
        Self::parse(&text, path)
    }

    /// Parses configuration text; `path` is only used in messages.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let mut config: Config = toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: path.to_path_buf(),
            message: locate_toml_error(text, &e),
        })?;
        config.source = Some(path.to_path_buf());
        let glob = |g: &str| {
            Glob::new(g).map_err(|e| ConfigError::Glob {
                path: path.to_path_buf(),
                glob: g.to_string(),
                message: e.kind().to_string(),
            })
        };
        let mut set = GlobSetBuilder::new();
        for g in &config.paths.ignore {
            set.add(glob(g)?);
        }
        config.ignore_set = Some(set.build().map_err(|e| ConfigError::Glob {
            path: path.to_path_buf(),
            glob: String::new(),
            message: e.to_string(),
        })?);
        for s in &mut config.suppress {
            if s.reason.trim().is_empty() {
                return Err(ConfigError::Parse {
                    path: path.to_path_buf(),
                    message: format!("suppression of {} has an empty reason", s.rule),
                });
            }
            if let Some(p) = &s.path {
                s.path_glob = Some(glob(p)?.compile_matcher());
            }
        }
        Ok(config)
    }

    /// Whether a path (relative to the scan root) is ignored by `[paths] ignore`.
    pub fn is_path_ignored(&self, rel_path: &str) -> bool {
        self.ignore_set
            .as_ref()
            .is_some_and(|set| set.is_match(rel_path))
    }

    /// Whether a rule is disabled by `[rules] disable`.
    pub fn is_rule_disabled(&self, rule_id: &str) -> bool {
        self.rules
            .disable
            .iter()
            .any(|r| r.eq_ignore_ascii_case(rule_id))
    }

    /// Applies disabled rules, severity overrides, path ignores and suppressions to a report.
    pub fn apply(&self, report: &mut ScanReport, today: NaiveDate) {
        // In place: a report can hold hundreds of thousands of findings, and rebuilding
        // the vector would briefly hold two copies of them.
        let warnings = &mut report.warnings;
        report.findings.retain_mut(|finding| {
            if self.is_rule_disabled(&finding.rule_id)
                || self.is_path_ignored(&finding.location.path)
            {
                return false;
            }
            if let Some(sev) = self
                .rules
                .severity
                .iter()
                .find(|(id, _)| id.eq_ignore_ascii_case(&finding.rule_id))
                .map(|(_, s)| *s)
            {
                finding.severity = sev;
            }
            if let Some(s) = self
                .suppression_for(finding)
                .filter(|s| s.expires.is_some_and(|d| d < today))
            {
                warnings.push(format!(
                    "{}: suppression of {} ({}) expired on {}; the finding is reported again",
                    self.source_name(),
                    s.rule,
                    s.reason,
                    s.expires.map(|d| d.to_string()).unwrap_or_default()
                ));
            }
            true
        });
        let suppressed = report.findings.extract_if(.., |finding| {
            match self
                .suppression_for(finding)
                .filter(|s| s.expires.is_none_or(|d| d >= today))
            {
                Some(s) => {
                    finding.suppressed = Some(Box::new(SuppressedBy::Config {
                        reason: s.reason.clone(),
                        expires: s.expires.map(|d| d.to_string()),
                    }));
                    true
                }
                None => false,
            }
        });
        report.suppressed.extend(suppressed);
    }

    fn source_name(&self) -> String {
        self.source
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| CONFIG_FILE.to_string())
    }

    fn suppression_for(&self, finding: &Finding) -> Option<&Suppression> {
        self.suppress.iter().find(|s| s.matches(finding))
    }
}

impl Suppression {
    fn matches(&self, f: &Finding) -> bool {
        let rule_ok = self.rule == "*"
            || self.rule.eq_ignore_ascii_case(&f.rule_id)
            || f.aliases.iter().any(|a| a.eq_ignore_ascii_case(&self.rule));
        let path_ok = self
            .path_glob
            .as_ref()
            .is_none_or(|g| g.is_match(&f.location.path));
        let resource_ok = self
            .resource
            .as_ref()
            .is_none_or(|r| f.location.resource.as_deref() == Some(r.as_str()));
        let fp_ok = self.fingerprint.as_ref().is_none_or(|fp| {
            f.secret
                .as_ref()
                .is_some_and(|s| s.fingerprint.eq_ignore_ascii_case(fp))
        });
        rule_ok && path_ok && resource_ok && fp_ok
    }
}

/// A TOML error message with its line number.
fn locate_toml_error(text: &str, e: &toml::de::Error) -> String {
    match e.span() {
        Some(span) => {
            let line = crate::text::line_of(text, span.start);
            format!("line {line}: {}", e.message())
        }
        None => e.message().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Location, Practice};

    fn finding(rule: &str, path: &str) -> Finding {
        Finding {
            rule_id: rule.to_string().into(),
            practice: Practice::Iso,
            severity: Severity::High,
            title: "t".into(),
            message: "m".into(),
            location: Location::at(path, 1, 1),
            remediation: None,
            references: Default::default(),
            package: None,
            aliases: vec![],
            secret: None,
            evidence: vec![],
            suppressed: None,
        }
    }

    const TEXT: &str = r#"
[rules]
disable = ["ISO018"]
severity = { ISO019 = "low" }

[paths]
ignore = ["vendor/**"]

[[suppress]]
rule = "ISO003"
path = "legacy/**"
reason = "node agent, reviewed"

[[suppress]]
rule = "ISO005"
reason = "temporary"
expires = "2020-01-01"
"#;

    #[test]
    fn applies_every_section() {
        let cfg = Config::parse(TEXT, Path::new("palisade.toml")).unwrap();
        let mut report = ScanReport {
            findings: vec![
                finding("ISO018", "a.yaml"),
                finding("ISO019", "a.yaml"),
                finding("ISO001", "vendor/x.yaml"),
                finding("ISO003", "legacy/agent.yaml"),
                finding("ISO003", "app.yaml"),
                finding("ISO005", "app.yaml"),
            ],
            ..ScanReport::default()
        };
        cfg.apply(&mut report, NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
        let ids: Vec<_> = report.findings.iter().map(|f| f.rule_id.as_ref()).collect();
        assert_eq!(ids, ["ISO019", "ISO003", "ISO005"]);
        assert_eq!(report.findings[0].severity, Severity::Low);
        assert_eq!(report.suppressed.len(), 1);
        assert_eq!(report.suppressed[0].location.path, "legacy/agent.yaml");
        assert!(report.warnings[0].contains("expired on 2020-01-01"));
    }

    #[test]
    fn errors_name_the_line() {
        let err = Config::parse("[rules]\ndisable = 3\n", Path::new("p.toml")).unwrap_err();
        assert!(err.to_string().starts_with("p.toml: line 2"), "{err}");
        let err = Config::parse("[[suppress]]\nrule = \"X\"\n", Path::new("p.toml")).unwrap_err();
        assert!(err.to_string().contains("reason"), "{err}");
    }
}

#[cfg(test)]
mod toml_line_tests {
    use super::*;

    #[test]
    fn toml_errors_name_the_line_of_the_mistake() {
        // a bad value inside a line
        let text = "[rules]\ndisable = [\"ISO001\"]\nseverity = 3\n";
        let err = Config::parse(text, Path::new("palisade.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("palisade.toml: line 3: "), "{err}");
        // an unknown key at the start of a line (the old count said line 3)
        let text = "# comment\n\n[paths]\nignored = [\"x\"]\n";
        let err = Config::parse(text, Path::new("palisade.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("palisade.toml: line 4: "), "{err}");
    }

    #[test]
    fn line_of_counts_line_breaks_before_the_offset() {
        assert_eq!(crate::text::line_of("a\nb\nc", 0), 1);
        assert_eq!(crate::text::line_of("a\nb\nc", 2), 2);
        assert_eq!(crate::text::line_of("a\nb\nc", 99), 3);
    }
}
