//! From rendered template text to `helm template`'s output: each file split into YAML
//! documents, every document checked to be YAML, hooks set apart, manifests ordered by
//! Helm's install order of kinds, then printed with a `# Source:` line.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::{HelmError, RenderOptions};

/// One rendered document and the template it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    /// The template, as `# Source:` names it (`chart/templates/x.yaml`).
    pub source: String,
    /// The document's text (leading whitespace removed, as Helm does).
    pub content: String,
    /// Its `kind`, when it has one.
    pub kind: String,
    /// Whether it is a hook (`helm.sh/hook`), printed after the manifests.
    pub hook: bool,
}

/// What `helm template` would print, as documents.
#[derive(Debug, Clone, Default)]
pub struct Rendering {
    /// CRDs (with `--include-crds`), manifests in install order, then hooks; with
    /// `--show-only`, those that match.
    pub manifests: Vec<Manifest>,
    /// What was left out of the rendering, each naming it (a remote dependency that is not
    /// in `charts/`, with [`crate::RenderOptions::skip_missing_remote_dependencies`]).
    pub warnings: Vec<String>,
    text: String,
}

impl Rendering {
    /// The output text, byte for byte as `helm template` prints it.
    pub fn text(&self) -> String {
        self.text.clone()
    }
}

fn entry(m: &Manifest) -> String {
    format!("---\n# Source: {}\n{}\n", m.source, m.content)
}

/// The hook events Helm knows (`helm.sh/hook`).
const HOOK_EVENTS: &[&str] = &[
    "pre-install",
    "post-install",
    "pre-delete",
    "post-delete",
    "pre-upgrade",
    "post-upgrade",
    "pre-rollback",
    "post-rollback",
    "test",
    "test-success",
];

/// Helm's install order (`releaseutil.InstallOrder`).
const INSTALL_ORDER: &[&str] = &[
    "PriorityClass",
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

/// Documents separated by `---` lines; each keeps its trailing whitespace and loses its
/// leading whitespace, and blank documents are dropped, as in `helm template`'s output.
fn split_documents(text: &str) -> Vec<String> {
    let mut docs = Vec::new();
    let mut cur = String::new();
    for line in text.split_inclusive('\n') {
        if line.trim_end() == "---" {
            docs.push(std::mem::take(&mut cur));
        } else {
            cur.push_str(line);
        }
    }
    docs.push(cur);
    docs.into_iter()
        .map(|d| d.trim_start().to_string())
        .filter(|d| !d.is_empty())
        .collect()
}

pub(crate) fn assemble(
    shown: &str,
    top_name: &str,
    rendered: BTreeMap<String, String>,
    crds: Vec<(String, String)>,
    options: &RenderOptions,
) -> Result<Rendering, HelmError> {
    let mut manifests = Vec::new();
    let mut hooks: Vec<Manifest> = Vec::new();
    for (source, text) in rendered {
        if text.trim().is_empty() {
            continue;
        }
        for content in split_documents(&text) {
            let head: Value = match serde_yaml_neo::from_str(&content) {
                Ok(v) => v,
                Err(e) => {
                    let line = e.location().map(|l| l.line() as u32);
                    return Err(HelmError {
                        chart: shown.to_string(),
                        template: Some(source.clone()),
                        line,
                        message: format!(
                            "YAML parse error on {source}: error converting YAML to JSON: {e}"
                        ),
                    });
                }
            };
            // Helm reads every document into its manifest head: a scalar or a list fails
            if !(head.is_object() || head.is_null()) {
                return Err(HelmError {
                    chart: shown.to_string(),
                    template: Some(source.clone()),
                    line: None,
                    message: format!(
                        "YAML parse error on {source}: a document must be a mapping (kind, metadata, ...), not {}",
                        if head.is_array() { "a list" } else { "a scalar" }
                    ),
                });
            }
            let kind = head
                .get("kind")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let annotations = head.get("metadata").and_then(|m| m.get("annotations"));
            let hook = annotations
                .and_then(|a| a.get("helm.sh/hook"))
                .and_then(Value::as_str)
                .map(str::to_string);
            let manifest = Manifest {
                source: source.clone(),
                content,
                kind,
                hook: hook.is_some(),
            };
            match hook {
                Some(events) => {
                    let events: Vec<String> =
                        events.split(',').map(|e| e.trim().to_lowercase()).collect();
                    // Helm leaves out a document with a hook event it does not know
                    if !events.iter().all(|e| HOOK_EVENTS.contains(&e.as_str())) {
                        continue;
                    }
                    let is_test = events.iter().any(|e| e == "test" || e == "test-success");
                    if is_test && options.skip_tests {
                        continue;
                    }
                    hooks.push(manifest);
                }
                None => manifests.push(manifest),
            }
        }
    }
    manifests.sort_by_key(|m| kind_rank(&m.kind));
    hooks.sort_by_key(|m| kind_rank(&m.kind));

    // as `helm template`: CRDs, the release manifest trimmed, then the hooks
    let mut text = String::new();
    let mut all: Vec<Manifest> = Vec::new();
    for (source, content) in crds {
        let m = Manifest {
            source,
            content,
            kind: "CustomResourceDefinition".to_string(),
            hook: false,
        };
        text.push_str(&entry(&m));
        all.push(m);
    }
    // each printed entry without its `---` line, which `--show-only` prints again
    let mut entries: Vec<String> = all.iter().map(|m| entry(m)[4..].to_string()).collect();
    let mut release: Vec<String> = manifests
        .iter()
        .map(|m| entry(m)[4..].to_string())
        .collect();
    if let Some(last) = release.last_mut() {
        *last = format!("{}\n", last.trim_end());
    }
    let joined: String = release.iter().map(|e| format!("---\n{e}")).collect();
    text.push_str(joined.trim());
    text.push('\n');
    entries.extend(release);
    all.extend(manifests);
    for m in hooks {
        text.push_str(&entry(&m));
        entries.push(entry(&m)[4..].to_string());
        all.push(m);
    }

    if options.show_only.is_empty() {
        return Ok(Rendering {
            manifests: all,
            warnings: Vec::new(),
            text,
        });
    }
    // `--show-only` prints the chosen entries again, each followed by a newline, as helm does
    let prefix = format!("{top_name}/");
    let mut picked = Vec::new();
    let mut shown_text = String::new();
    for pattern in &options.show_only {
        let pattern = pattern.replace('\\', "/");
        let mut found = false;
        for (doc, m) in entries.iter().zip(&all) {
            let rel = m.source.strip_prefix(&prefix).unwrap_or(&m.source);
            if crate::engine::glob_match(&pattern, rel) {
                shown_text.push_str(&format!("---\n{doc}\n"));
                picked.push(m.clone());
                found = true;
            }
        }
        if !found {
            return Err(HelmError::chart(
                shown,
                format!("could not find template {pattern} in chart"),
            ));
        }
    }
    Ok(Rendering {
        manifests: picked,
        warnings: Vec::new(),
        text: shown_text,
    })
}
/// Known kinds in install order, then unknown kinds by name.
fn kind_rank(kind: &str) -> (usize, String) {
    match INSTALL_ORDER.iter().position(|k| *k == kind) {
        Some(i) => (i, String::new()),
        None => (INSTALL_ORDER.len(), kind.to_string()),
    }
}
