//! What a scan needs to know, whoever asks for it: the command line, an admission webhook,
//! a live-cluster scanner or an editor. Front-ends build [`Settings`] from their own options
//! and `palisade.toml`; nothing here knows about clap.

use std::path::{Path, PathBuf};

use palisade_core::{Config, Practice, Severity};

use crate::EngineError;

/// Which scanners a run uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scanners {
    /// Misconfiguration rules: Kubernetes, Dockerfiles, serverless and Terraform templates.
    pub misconfig: bool,
    /// Hard-coded secrets in every text the scan reads.
    pub secret: bool,
    /// Lockfiles and archives matched against the vulnerability database.
    pub vuln: bool,
}

impl Default for Scanners {
    fn default() -> Self {
        Scanners {
            misconfig: true,
            secret: true,
            vuln: true,
        }
    }
}

/// How dependencies are checked for known vulnerabilities.
#[derive(Debug, Clone, Default)]
pub struct VulnerabilitySettings {
    /// The database; `None` means the default path in the user's cache.
    pub db: Option<PathBuf>,
    /// Hide advisories that have no fixed version.
    pub ignore_unfixed: bool,
    /// A scan that could not check dependencies (no database) is an error, for CI gates.
    pub require_db: bool,
}

impl VulnerabilitySettings {
    /// The database path this run uses.
    pub fn db_path(&self) -> PathBuf {
        self.db
            .clone()
            .unwrap_or_else(palisade_vuln::db::default_path)
    }
}

/// Everything a scan needs, built by a front-end.
#[derive(Debug)]
pub struct Settings {
    /// `palisade.toml` (suppressions, severity overrides, per-engine tables).
    pub config: Config,
    pub scanners: Scanners,
    /// A file whose secret rules replace the configured ones.
    pub secret_config: Option<PathBuf>,
    /// Globs of folders and files to skip when walking directories.
    pub skip_dirs: Vec<String>,
    pub skip_files: Vec<String>,
    pub follow_symlinks: bool,
    pub vulnerabilities: VulnerabilitySettings,
    /// Findings below this severity are dropped from the report.
    pub min_severity: Severity,
    /// Only these practices (all when empty).
    pub practices: Vec<Practice>,
    /// User policies (Gatekeeper templates and constraints) checked over the manifests.
    pub policies: Option<std::sync::Arc<palisade_policy::PolicySet>>,
    /// How Helm charts found in a scan are rendered.
    pub helm: HelmSettings,
}

/// `helm template`'s options for the charts a scan renders.
#[derive(Debug, Clone, Default)]
pub struct HelmSettings {
    /// Values files (`-f`), in order.
    pub values: Vec<PathBuf>,
    /// `--set` arguments, in order.
    pub set: Vec<String>,
    /// The release name (`release-name` when none).
    pub release: Option<String>,
    /// The release namespace (`default` when none).
    pub namespace: Option<String>,
    /// The Kubernetes version `.Capabilities.KubeVersion` reports.
    pub kube_version: Option<String>,
    /// Do not check values against `values.schema.json`.
    pub skip_schema_validation: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            config: Config::default(),
            scanners: Scanners::default(),
            secret_config: None,
            skip_dirs: Vec::new(),
            skip_files: Vec::new(),
            follow_symlinks: false,
            vulnerabilities: VulnerabilitySettings::default(),
            min_severity: Severity::Info,
            practices: Vec::new(),
            policies: None,
            helm: HelmSettings::default(),
        }
    }
}

impl Settings {
    /// Whether a finding passes the severity and practice filters.
    pub fn keeps(&self, finding: &palisade_core::Finding) -> bool {
        finding.severity >= self.min_severity
            && (self.practices.is_empty() || self.practices.contains(&finding.practice))
    }
}

/// The configuration of a run: `explicit` when given, else `palisade.toml` in the first
/// scan root that is a directory (or beside the first file), else the defaults.
pub fn load_config(explicit: Option<&Path>, roots: &[PathBuf]) -> Result<Config, EngineError> {
    match config_file(explicit, roots) {
        Some(path) => Ok(Config::load(&path)?),
        None => Ok(Config::default()),
    }
}

/// The file [`load_config`] reads: `explicit` when given, else `palisade.toml` in the
/// first scan root that is a directory (or beside the first file) when there is one.
pub fn config_file(explicit: Option<&Path>, roots: &[PathBuf]) -> Option<PathBuf> {
    if let Some(path) = explicit {
        return Some(path.to_path_buf());
    }
    let root = roots
        .iter()
        .find(|p| p.as_os_str() != "-")
        .cloned()
        .unwrap_or_else(|| PathBuf::from("."));
    let candidate = if root.is_dir() {
        root.join(palisade_core::config::CONFIG_FILE)
    } else {
        root.parent()
            .unwrap_or(Path::new("."))
            .join(palisade_core::config::CONFIG_FILE)
    };
    candidate.is_file().then_some(candidate)
}

/// Where the configuration came from, for messages.
pub(crate) fn config_source(config: &Config) -> String {
    config
        .source
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| palisade_core::config::CONFIG_FILE.to_string())
}
