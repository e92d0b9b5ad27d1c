//! The Palisade scan engine: one library that every front-end calls — the command line,
//! the admission webhook, the live-cluster scanner, an editor server.
//!
//! It turns an input (a tree of files, documents held in memory, Kubernetes objects
//! already parsed from an API server, an image) into one [`ScanReport`]: it reads each file
//! once, decides what it is, hands it to the analyzers (Kubernetes, Dockerfile, serverless
//! and Terraform templates, lockfiles, secrets), runs the cross-object pass (RBAC graph,
//! NetworkPolicy reachability), matches dependencies against the vulnerability database,
//! and applies suppressions, severity overrides and filters, exactly once.
//!
//! It is not a command line: no argument parsing, no progress bars, no rendering, no exit
//! codes (that is `palisade-cli`); and it holds no rules of its own (they live in the crates
//! of their practice and are listed by [`registry`]).
//!
//! Scanning a manifest held in memory, without touching the disk:
//!
//! ```
//! use palisade_engine::{Engine, FileEntry, Settings};
//!
//! let manifest = br#"
//! apiVersion: v1
//! kind: Pod
//! metadata: {name: web, namespace: shop}
//! spec:
//!   containers:
//!     - name: app
//!       image: nginx:1.27
//!       securityContext: {privileged: true}
//! "#;
//! let engine = Engine::new(Settings::default()).unwrap();
//! let report = engine.scan_documents(vec![FileEntry::memory("pod.yaml", &manifest[..])]);
//! let privileged = report
//!     .findings
//!     .iter()
//!     .find(|f| f.message.contains("runs privileged"))
//!     .unwrap();
//! assert_eq!(privileged.location.path, "pod.yaml");
//! assert_eq!(privileged.location.line, Some(9));
//! ```

mod cluster;
mod cluster_index;
mod dockerfile;
mod helm_lines;
pub mod image;
mod java;
mod kustomize;
mod objects;
pub mod packages;
mod scan;
mod settings;
pub mod source;
pub mod watched;

use std::path::PathBuf;

pub use cluster::network_options;
pub use cluster_index::{ClusterIndex, ContextJudgement, CLUSTER_CONTEXT_RULES};
pub use image::{ImageScan, ImageSettings};
pub use objects::{
    judge_through_controllers, manifests_from_objects, object_name, objects_from_dump,
    qualified_kind, rules_misled_without, rules_reading, ObjectFields, ObjectScan,
};
pub use packages::{Inventory, STALE_DAYS};
pub use palisade_core::ScanReport;
pub use scan::ManifestSet;
pub use settings::{
    config_file, load_config, HelmSettings, Scanners, Settings, VulnerabilitySettings,
};
pub use source::{FileEntry, Source};

/// Why an engine could not be built or an input not scanned at all.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Config(#[from] palisade_core::config::ConfigError),
    #[error("{source_name}: {message}")]
    Settings {
        source_name: String,
        message: String,
    },
    #[error("{option}: invalid glob `{glob}`: {reason}")]
    Glob {
        option: &'static str,
        glob: String,
        reason: String,
    },
    #[error(transparent)]
    SecretConfig(#[from] palisade_secrets::SecretConfigError),
    #[error("secret rules: {0}")]
    SecretRules(#[from] palisade_secrets::EngineError),
    #[error(transparent)]
    Image(#[from] palisade_artifact::ArtifactError),
    #[error("the vulnerability database {path} cannot be used: {reason}")]
    Database { path: PathBuf, reason: String },
}

/// Something that wants to know how far a long scan got (a progress bar, a log line).
pub trait Progress: Sync {
    /// The scan has `total` units of work (files, layers).
    fn start(&self, _total: u64) {}
    /// One more unit is done; `label` names it when there is something to say.
    fn advance(&self, _label: Option<&str>) {}
    /// The work is over.
    fn finish(&self) {}
}

/// No progress reporting.
pub struct Quiet;
impl Progress for Quiet {}

/// Every rule of every scanner in this build. Rule ids are unique across crates (a
/// workspace test checks it, so the error here cannot happen in a released build).
pub fn registry() -> palisade_core::RuleRegistry {
    let mut registry = palisade_core::RuleRegistry::new();
    for rules in [
        palisade_iac::rules(),
        palisade_iac::live_rules(),
        palisade_dockerfile::rules(),
        palisade_serverless::rules(),
        palisade_rbac::rules(),
        palisade_netpol::rules(),
        palisade_vuln::rules(),
        palisade_artifact::rules(),
        palisade_secrets::rules(),
    ] {
        if let Err(e) = registry.extend(rules) {
            panic!("duplicate rule id in this build: {e}");
        }
    }
    registry
}

/// The rules that judge a Kubernetes object read from an API (a live cluster, an admission
/// request): the Kubernetes, RBAC and NetworkPolicy rules and the secret rules.
pub fn object_rules() -> Vec<&'static palisade_core::RuleMeta> {
    let mut rules = palisade_iac::rules();
    rules.extend(palisade_rbac::rules());
    rules.extend(palisade_netpol::rules());
    rules.extend(palisade_secrets::rules());
    rules
}

/// A list of strings of `[kubernetes]` (empty when absent); anything else is an error
/// naming the key.
fn kubernetes_strings(
    config: &palisade_core::Config,
    key: &str,
) -> Result<Vec<String>, EngineError> {
    let Some(value) = config.kubernetes.get(key) else {
        return Ok(Vec::new());
    };
    value
        .as_array()
        .and_then(|items| {
            items
                .iter()
                .map(|i| i.as_str().map(str::to_string))
                .collect::<Option<Vec<_>>>()
        })
        .ok_or_else(|| EngineError::Settings {
            source_name: settings::config_source(config),
            message: format!("[kubernetes] {key}: must be a list of strings"),
        })
}

/// `[kubernetes] pod_template_paths = ["GROUP/KIND:path.to.template", ...]`.
fn pod_template_paths(
    config: &palisade_core::Config,
) -> Result<Vec<palisade_iac::kubernetes::PodTemplatePath>, EngineError> {
    kubernetes_strings(config, "pod_template_paths")?
        .iter()
        .map(|text| {
            palisade_iac::kubernetes::PodTemplatePath::parse(text).map_err(|message| {
                EngineError::Settings {
                    source_name: settings::config_source(config),
                    message: format!("[kubernetes] pod_template_paths: {message}"),
                }
            })
        })
        .collect()
}

/// A configured scanner: build once, scan many inputs (concurrently, from several
/// threads: an `Engine` is `Sync`).
pub struct Engine {
    settings: Settings,
    secrets: Option<scan::SecretScan>,
    serverless: palisade_serverless::ServerlessSettings,
    skip: source::SkipRules,
    /// `[kubernetes] pod_template_paths`: pod templates of kinds Palisade does not know.
    pod_templates: Vec<palisade_iac::kubernetes::PodTemplatePath>,
    /// `[kubernetes] system_images`, for the live-state rules.
    live: palisade_iac::kubernetes::live::LiveOptions,
}

impl Engine {
    /// Checks the settings (globs, secret rules, per-engine tables of `palisade.toml`).
    pub fn new(mut settings: Settings) -> Result<Engine, EngineError> {
        match settings.config.vulnerabilities.get("require_db") {
            None => {}
            Some(toml::Value::Boolean(b)) => settings.vulnerabilities.require_db |= *b,
            Some(_) => {
                return Err(EngineError::Settings {
                    source_name: settings::config_source(&settings.config),
                    message: "[vulnerabilities] require_db must be true or false".into(),
                })
            }
        }
        let skip = source::SkipRules::new(&settings.skip_dirs, &settings.skip_files)?;
        let serverless =
            palisade_serverless::ServerlessSettings::from_table(&settings.config.serverless)
                .map_err(|e| EngineError::Settings {
                    source_name: settings::config_source(&settings.config),
                    message: format!("[serverless] {e}"),
                })?;
        let secrets = if settings.scanners.secret {
            Some(scan::SecretScan::new(&settings)?)
        } else {
            None
        };
        let pod_templates = pod_template_paths(&settings.config)?;
        let live = palisade_iac::kubernetes::live::LiveOptions {
            system_images: kubernetes_strings(&settings.config, "system_images")?,
        };
        Ok(Engine {
            settings,
            secrets,
            serverless,
            skip,
            pod_templates,
            live,
        })
    }

    /// The custom resources that carry pod templates, as (API group, kind): the built-in
    /// ones ([`palisade_core::kinds::CUSTOM_POD_KINDS`]) and those `[kubernetes]
    /// pod_template_paths` declares, for a live scan to list.
    pub fn pod_template_kinds(&self) -> Vec<(String, String)> {
        let mut kinds: Vec<(String, String)> = palisade_core::kinds::CUSTOM_POD_KINDS
            .iter()
            .map(|(group, kind, _)| (group.to_string(), kind.to_string()))
            .collect();
        for declared in &self.pod_templates {
            let kind = (declared.group.clone(), declared.kind.clone());
            if !declared.group.is_empty() && !kinds.contains(&kind) {
                kinds.push(kind);
            }
        }
        kinds
    }

    /// The `[serverless]` settings of the configuration, for front-ends that run the
    /// serverless rules on models of their own (live cloud functions).
    pub fn serverless_settings(&self) -> &palisade_serverless::ServerlessSettings {
        &self.serverless
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }
}
