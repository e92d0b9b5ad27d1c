//! Custom rules and scanner settings from the `[secrets]` table of `palisade.toml`, or
//! from a file given with `--secret-config` (which replaces the built-in rules).
//!
//! ```toml
//! [secrets]
//! max_file_size = 104857600      # bytes; larger files are skipped with a note
//! disable = ["SEC190"]           # built-in rules that do not run
//!
//! [[secrets.rules]]
//! id = "ACME001"
//! description = "Acme internal API token"
//! regex = '''acme_(?P<secret>[A-Za-z0-9]{32})'''
//! keywords = ["acme_"]
//! entropy = 3.5                  # optional minimum Shannon entropy
//! paths = ["services/**"]        # optional: only these files
//! skip_paths = ["**/testdata/**"] # optional
//! severity = "high"              # optional, default high
//! ```

use std::collections::BTreeSet;
use std::path::Path;

use globset::{Glob, GlobSet, GlobSetBuilder};
use palisade_core::Severity;
use serde::Deserialize;

use crate::detector::{Check, Span};
use crate::engine::{compile_pattern, CompiledDetector, LazyPattern};
use crate::file::DEFAULT_MAX_FILE_SIZE;

/// Largest `--secret-config` file read.
pub const MAX_SECRET_CONFIG_BYTES: u64 = 4 * 1024 * 1024;

/// A configuration problem, naming the source and the rule.
#[derive(Debug, thiserror::Error)]
pub enum SecretConfigError {
    /// The file could not be opened or read, or is not a regular file.
    #[error(transparent)]
    Read(#[from] palisade_core::fsio::FileError),
    #[error("{source_name}: [secrets]: {message}")]
    Invalid {
        source_name: String,
        message: String,
    },
    #[error("{source_name}: secret rule `{rule}`: {message}")]
    Rule {
        source_name: String,
        rule: String,
        message: String,
    },
}

/// The `[secrets]` settings after validation.
#[derive(Debug)]
pub struct SecretsConfig {
    pub max_file_size: u64,
    /// Built-in rule ids that do not run.
    pub disable: BTreeSet<String>,
    /// When false (a `--secret-config` file), only the custom rules run.
    pub builtin: bool,
    pub(crate) custom: Vec<CompiledDetector>,
}

impl Default for SecretsConfig {
    fn default() -> Self {
        SecretsConfig {
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            disable: BTreeSet::new(),
            builtin: true,
            custom: Vec::new(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    #[serde(default)]
    max_file_size: Option<u64>,
    #[serde(default)]
    disable: Vec<String>,
    #[serde(default)]
    rules: Vec<RawRule>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: String,
    description: String,
    regex: String,
    #[serde(default)]
    keywords: Vec<String>,
    #[serde(default)]
    entropy: Option<f64>,
    #[serde(default)]
    paths: Vec<String>,
    #[serde(default)]
    skip_paths: Vec<String>,
    #[serde(default)]
    severity: Option<String>,
}

impl SecretsConfig {
    /// Reads the `[secrets]` table of `palisade.toml` (already parsed by the core crate).
    pub fn from_table(table: &toml::Table, source_name: &str) -> Result<Self, SecretConfigError> {
        let raw: RawSettings =
            toml::Value::Table(table.clone())
                .try_into()
                .map_err(|e: toml::de::Error| SecretConfigError::Invalid {
                    source_name: source_name.to_string(),
                    message: e.message().to_string(),
                })?;
        Self::from_raw(raw, source_name, true)
    }

    /// Reads a `--secret-config` file: its rules replace the built-in ones. The file holds
    /// either top-level `[[rules]]` or a `[secrets]` table.
    pub fn load_file(path: &Path) -> Result<Self, SecretConfigError> {
        let source_name = path.display().to_string();
        let text = palisade_core::fsio::read_to_string_limited(path, MAX_SECRET_CONFIG_BYTES)?;
        let mut table: toml::Table =
            toml::from_str(&text).map_err(|e: toml::de::Error| SecretConfigError::Invalid {
                source_name: source_name.clone(),
                message: locate(&text, &e),
            })?;
        if let Some(toml::Value::Table(inner)) = table.remove("secrets") {
            table = inner;
        }
        let raw: RawSettings =
            toml::Value::Table(table)
                .try_into()
                .map_err(|e: toml::de::Error| SecretConfigError::Invalid {
                    source_name: source_name.clone(),
                    message: e.message().to_string(),
                })?;
        Self::from_raw(raw, &source_name, false)
    }

    fn from_raw(
        raw: RawSettings,
        source_name: &str,
        builtin: bool,
    ) -> Result<Self, SecretConfigError> {
        let builtin_ids: BTreeSet<&str> = crate::rules().iter().map(|r| r.id).collect();
        let mut disable = BTreeSet::new();
        for id in raw.disable {
            let upper = id.to_ascii_uppercase();
            if !builtin_ids.contains(upper.as_str()) {
                return Err(SecretConfigError::Invalid {
                    source_name: source_name.to_string(),
                    message: format!("`disable` names `{id}`, which is not a secret rule"),
                });
            }
            disable.insert(upper);
        }
        let mut seen = BTreeSet::new();
        let mut custom = Vec::new();
        for rule in raw.rules {
            let fail = |message: String| SecretConfigError::Rule {
                source_name: source_name.to_string(),
                rule: rule.id.clone(),
                message,
            };
            if rule.id.is_empty()
                || !rule
                    .id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                return Err(fail("an id is letters, digits, `-` and `_`".into()));
            }
            if builtin_ids.contains(rule.id.to_ascii_uppercase().as_str()) {
                return Err(fail(
                    "this id belongs to a built-in rule; choose another".into(),
                ));
            }
            if !seen.insert(rule.id.to_ascii_uppercase()) {
                return Err(fail("defined twice".into()));
            }
            if rule.keywords.is_empty() {
                return Err(fail(
                    "needs `keywords` (literal strings near every match) so the prefilter can find it"
                        .into(),
                ));
            }
            if rule.keywords.iter().any(|k| k.len() < 2) {
                return Err(fail("every keyword needs at least 2 characters".into()));
            }
            let regex = compile_pattern(&rule.id, &rule.regex).map_err(|e| fail(e.to_string()))?;
            let severity = match &rule.severity {
                Some(s) => s.parse::<Severity>().map_err(|e| fail(e.to_string()))?,
                None => Severity::High,
            };
            if let Some(e) = rule.entropy {
                if !(0.0..=8.0).contains(&e) {
                    return Err(fail(format!(
                        "entropy {e} is outside 0..8 bits per character"
                    )));
                }
            }
            custom.push(CompiledDetector {
                id: rule.id.as_str().into(),
                title: rule.description.as_str().into(),
                provider: rule.description.as_str().into(),
                severity,
                rule: None,
                remediation: Some(
                    "Remove the secret from the file, rotate it, and load it at run time from a secret store."
                        .into(),
                ),
                keywords: rule.keywords.iter().map(|k| k.to_ascii_lowercase()).collect(),
                case_sensitive: false,
                pattern: LazyPattern::compiled(&rule.id, &rule.regex, regex),
                min_entropy: rule.entropy.unwrap_or(0.0),
                check: Check::None,
                span: Span::Line,
                only_paths: globs(&rule.paths).map_err(&fail)?,
                skip_paths: globs(&rule.skip_paths).map_err(&fail)?,
            });
        }
        Ok(SecretsConfig {
            max_file_size: raw.max_file_size.unwrap_or(DEFAULT_MAX_FILE_SIZE),
            disable,
            builtin,
            custom,
        })
    }

    /// Ids of the custom rules.
    pub fn custom_rule_ids(&self) -> Vec<&str> {
        self.custom.iter().map(|d| &*d.id).collect()
    }
}

fn globs(patterns: &[String]) -> Result<Option<GlobSet>, String> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut set = GlobSetBuilder::new();
    for p in patterns {
        set.add(Glob::new(p).map_err(|e| format!("invalid glob `{p}`: {}", e.kind()))?);
    }
    set.build().map(Some).map_err(|e| e.to_string())
}

fn locate(text: &str, e: &toml::de::Error) -> String {
    match e.span() {
        Some(span) => {
            let line = palisade_core::text::line_of(text, span.start);
            format!("line {line}: {}", e.message())
        }
        None => e.message().to_string(),
    }
}
