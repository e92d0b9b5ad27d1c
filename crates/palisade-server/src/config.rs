//! The `[webhook]` table of `palisade.toml`: what the server blocks, what it lets through
//! unjudged, and how long it may think.
//!
//! ```toml
//! [webhook]
//! block_at = "high"                       # deny at or above this severity (default: high)
//! exempt_namespaces = ["kube-system"]     # requests in these namespaces are allowed unjudged
//! exempt_rules = ["IMG010"]               # findings of these rules never block nor warn
//! timeout_ms = 4000                       # deadline of one decision
//! mutate = false                          # serve POST /mutate (also `palisade serve --mutate`)
//! ```
//!
//! What happens when the server cannot answer (down, too slow, an error) is not decided here
//! but by the cluster: the `failurePolicy` of the ValidatingWebhookConfiguration. `Fail`
//! (fail closed, what `palisade webhook manifests` writes) rejects the request; `Ignore`
//! (fail open) admits it unjudged.

use std::collections::BTreeSet;
use std::time::Duration;

use palisade_core::{Config, Severity};
use serde::Deserialize;

use crate::ServerError;

/// Default deadline of one decision, below the 5 s `timeoutSeconds` the generated
/// webhook configuration gives the API server (whose own default and maximum is 10 s / 30 s).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(4000);

/// How admission requests are judged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookSettings {
    /// Findings at or above this severity deny the request; lower ones become warnings.
    pub block_at: Severity,
    /// Namespaces whose requests are allowed without a scan.
    pub exempt_namespaces: BTreeSet<String>,
    /// Rules whose findings are ignored at admission.
    pub exempt_rules: BTreeSet<String>,
    /// How long one decision may take before the request gets an error.
    pub timeout: Duration,
    /// Whether `POST /mutate` adds safe defaults (off: it answers 404 saying how to turn it on).
    pub mutate: bool,
    /// User policies (Gatekeeper, ValidatingAdmissionPolicies, Kyverno CEL) judged with the
    /// built-in rules, on the request as the API server sent it (operation, old object,
    /// user).
    pub policies: Option<Policies>,
    /// Where `policies` were loaded from (watched for changes with the configuration file).
    pub policy_paths: Vec<std::path::PathBuf>,
    /// Users whose requests are allowed without a scan (e.g. a GitOps controller that
    /// applies what CI already judged).
    pub exempt_users: BTreeSet<String>,
    /// Groups whose members' requests are allowed without a scan.
    pub exempt_groups: BTreeSet<String>,
    /// What findings at or above `block_at` do in a namespace (default: enforce), as Pod
    /// Security Admission's modes.
    pub namespace_modes: std::collections::BTreeMap<String, Mode>,
    /// An UPDATE whose blocking findings were all present on the old object is allowed,
    /// with them as warnings: fixing one thing is not refused for what it did not touch.
    pub allow_existing: bool,
}

/// What a namespace does with findings that would deny, as Pod Security Admission's modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Deny the request.
    Enforce,
    /// Allow it, with the findings as warnings to the client.
    Warn,
    /// Allow it silently, with the findings in the audit annotations only.
    Audit,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Enforce => "enforce",
            Mode::Warn => "warn",
            Mode::Audit => "audit",
        }
    }
}

/// Loaded policies, shared by every worker; two settings are equal when they share them.
#[derive(Debug, Clone)]
pub struct Policies(pub std::sync::Arc<palisade_policy::PolicySet>);

impl PartialEq for Policies {
    fn eq(&self, other: &Self) -> bool {
        std::sync::Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for Policies {}

impl Policies {
    /// Loads the policies under `paths`; any file or policy that cannot be loaded is an
    /// error (a webhook does not start with part of its policies missing).
    pub fn load(paths: &[std::path::PathBuf]) -> Result<Policies, ServerError> {
        let set = palisade_policy::PolicySet::load(paths);
        if !set.errors.is_empty() {
            let lines: Vec<String> = set.errors.iter().map(|e| e.to_string()).collect();
            return Err(ServerError::Policies(lines.join("; ")));
        }
        if set.is_empty() {
            let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
            return Err(ServerError::Policies(format!(
                "no policy found in {}",
                shown.join(", ")
            )));
        }
        Ok(Policies(std::sync::Arc::new(set)))
    }
}

impl Default for WebhookSettings {
    fn default() -> Self {
        WebhookSettings {
            block_at: Severity::High,
            exempt_namespaces: ["kube-system".to_string()].into(),
            exempt_rules: BTreeSet::new(),
            timeout: DEFAULT_TIMEOUT,
            mutate: false,
            policies: None,
            policy_paths: Vec::new(),
            exempt_users: BTreeSet::new(),
            exempt_groups: BTreeSet::new(),
            namespace_modes: Default::default(),
            allow_existing: false,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WebhookTable {
    block_at: Option<Severity>,
    exempt_namespaces: Option<Vec<String>>,
    #[serde(default)]
    exempt_rules: Vec<String>,
    timeout_ms: Option<u64>,
    #[serde(default)]
    mutate: bool,
    /// Policy files or folders, relative to the configuration file.
    #[serde(default)]
    policies: Vec<std::path::PathBuf>,
    #[serde(default)]
    exempt_users: Vec<String>,
    #[serde(default)]
    exempt_groups: Vec<String>,
    /// `{namespace = "enforce" | "warn" | "audit"}`.
    #[serde(default)]
    namespace_modes: std::collections::BTreeMap<String, Mode>,
    #[serde(default)]
    allow_existing: bool,
}

/// The file's `[webhook]` table alone, to find where an error in it is: the table reaches
/// [`WebhookSettings::from_config`] as a value, without positions.
#[derive(Deserialize)]
struct WebhookOnly {
    #[serde(default)]
    #[allow(dead_code)]
    webhook: Option<WebhookTable>,
}

/// The line of the first error in `path`'s `[webhook]` table, if it can be read again.
fn webhook_error_line(path: &std::path::Path) -> Option<usize> {
    let text = std::fs::read_to_string(path).ok()?;
    let error = toml::from_str::<WebhookOnly>(&text).err()?;
    let start = error.span()?.start;
    Some(text.get(..start)?.matches('\n').count() + 1)
}

impl WebhookSettings {
    /// The settings of `config`'s `[webhook]` table; `own_namespace` (where the server runs,
    /// from the downward API) is always exempt, so the webhook never blocks its own restart.
    pub fn from_config(
        config: &Config,
        own_namespace: Option<&str>,
    ) -> Result<WebhookSettings, ServerError> {
        let source = config
            .source
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| palisade_core::config::CONFIG_FILE.to_string());
        let bad = |message: String| ServerError::Config {
            source_name: source.clone(),
            message,
        };
        let table: WebhookTable = toml::Value::Table(config.webhook.clone())
            .try_into()
            .map_err(|e: toml::de::Error| {
                let line = config.source.as_deref().and_then(webhook_error_line);
                match line {
                    Some(line) => bad(format!("line {line}: [webhook] {}", e.message())),
                    None => bad(format!("[webhook] {}", e.message())),
                }
            })?;
        let mut settings = WebhookSettings::default();
        if let Some(block_at) = table.block_at {
            settings.block_at = block_at;
        }
        if let Some(namespaces) = table.exempt_namespaces {
            settings.exempt_namespaces = namespaces.into_iter().collect();
        }
        settings.mutate = table.mutate;
        settings.exempt_users = table.exempt_users.into_iter().collect();
        settings.exempt_groups = table.exempt_groups.into_iter().collect();
        settings.namespace_modes = table.namespace_modes;
        settings.allow_existing = table.allow_existing;
        if !table.policies.is_empty() {
            let base = config
                .source
                .as_ref()
                .and_then(|p| p.parent())
                .map(std::path::Path::to_path_buf)
                .unwrap_or_default();
            let paths: Vec<std::path::PathBuf> =
                table.policies.iter().map(|p| base.join(p)).collect();
            settings.policies = Some(Policies::load(&paths)?);
            settings.policy_paths = paths;
        }
        settings.exempt_rules = table
            .exempt_rules
            .into_iter()
            .map(|r| r.to_ascii_uppercase())
            .collect();
        match table.timeout_ms {
            None => {}
            Some(0) => return Err(bad("[webhook] timeout_ms must be above 0".into())),
            Some(ms) => settings.timeout = Duration::from_millis(ms),
        }
        if let Some(ns) = own_namespace.filter(|ns| !ns.is_empty()) {
            settings.exempt_namespaces.insert(ns.to_string());
        }
        Ok(settings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn parse(text: &str) -> Result<WebhookSettings, ServerError> {
        let config = Config::parse(text, Path::new("palisade.toml")).unwrap();
        WebhookSettings::from_config(&config, Some("palisade-system"))
    }

    #[test]
    fn defaults_deny_high_and_critical_and_exempt_kube_system_and_own_namespace() {
        let s = parse("").unwrap();
        assert_eq!(s.block_at, Severity::High);
        assert!(s.exempt_namespaces.contains("kube-system"));
        assert!(s.exempt_namespaces.contains("palisade-system"));
        assert_eq!(s.timeout, DEFAULT_TIMEOUT);
        assert!(!s.mutate);
    }

    #[test]
    fn the_table_overrides_the_defaults() {
        let s = parse(
            "[webhook]\nblock_at = \"critical\"\nexempt_namespaces = [\"dev\"]\nexempt_rules = [\"iso003\"]\ntimeout_ms = 250\nmutate = true\n",
        )
        .unwrap();
        assert_eq!(s.block_at, Severity::Critical);
        assert!(!s.exempt_namespaces.contains("kube-system"));
        assert!(s.exempt_namespaces.contains("dev"));
        assert!(s.exempt_rules.contains("ISO003"));
        assert_eq!(s.timeout, Duration::from_millis(250));
        assert!(s.mutate);
    }

    #[test]
    fn modes_exempt_users_and_groups_and_allow_existing() {
        let s = parse(
            "[webhook]\nexempt_users = [\"ci-bot\"]\nexempt_groups = [\"admins\"]\nallow_existing = true\n[webhook.namespace_modes]\nlegacy = \"warn\"\nlab = \"audit\"\n",
        )
        .unwrap();
        assert!(s.exempt_users.contains("ci-bot"));
        assert!(s.exempt_groups.contains("admins"));
        assert!(s.allow_existing);
        assert_eq!(s.namespace_modes["legacy"], Mode::Warn);
        assert_eq!(s.namespace_modes["lab"], Mode::Audit);
        let e = parse("[webhook.namespace_modes]\nlab = \"sometimes\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("sometimes"), "{e}");
    }

    #[test]
    fn unknown_keys_and_bad_values_are_named() {
        let e = parse("[webhook]\nblock_on = \"high\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("palisade.toml") && e.contains("block_on"), "{e}");
        let e = parse("[webhook]\nblock_at = \"severe\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("severe"), "{e}");
        let e = parse("[webhook]\ntimeout_ms = 0\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("timeout_ms"), "{e}");
    }
}
