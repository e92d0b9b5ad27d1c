//! What a cluster needs to run Palisade inside it and keep its PolicyReports up to date:
//! the roles `palisade cluster` needs (read-only on what it scans, write on its own
//! reports only) and a Deployment of `palisade cluster --watch --write-reports` that passes
//! Palisade's own rules. Options in, YAML out.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::KINDS;

/// What the manifests are made of.
#[derive(Debug, Clone)]
pub struct ManifestOptions {
    /// The namespace Palisade runs in (created by the manifests).
    pub namespace: String,
    /// The name of every object, and the prefix of the cluster-wide ones.
    pub name: String,
    pub image: String,
}

impl ManifestOptions {
    pub fn new(namespace: &str) -> ManifestOptions {
        ManifestOptions {
            namespace: namespace.to_string(),
            name: "palisade".into(),
            image: format!("ghcr.io/palisade/palisade:{}", env!("CARGO_PKG_VERSION")),
        }
    }
}

/// A name Kubernetes would refuse.
#[derive(Debug, thiserror::Error)]
#[error("{option} `{value}` is not a valid Kubernetes name (lowercase letters, digits and '-', at most 63, starting and ending with a letter or digit)")]
pub struct InvalidName {
    pub option: &'static str,
    pub value: String,
}

fn dns_label(option: &'static str, value: &str) -> Result<(), InvalidName> {
    if palisade_core::kinds::is_dns_label(value) {
        Ok(())
    } else {
        Err(InvalidName {
            option,
            value: value.to_string(),
        })
    }
}

/// The rules of the read-only ClusterRole `palisade cluster` needs: `list` on every kind it
/// reads, grouped by API group (and `watch` too, for `--watch`). `secrets` false leaves
/// Secrets out: Palisade reads only their metadata, but `list` on Secrets is permission to
/// read their values, which a pod running for months should not hold for the one rule
/// that reads them (SEC203, a Secret nothing refers to).
fn reader_rules(watch: bool, secrets: bool) -> Vec<Value> {
    reader_rules_with(watch, secrets, &[])
}

/// [`reader_rules`] and the resources of `declared` (group, plural).
fn reader_rules_with(watch: bool, secrets: bool, declared: &[(String, String)]) -> Vec<Value> {
    let mut by_group: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for kind in KINDS.iter().filter(|k| secrets || k.kind != "Secret") {
        by_group.entry(kind.group).or_default().push(kind.plural);
    }
    // Custom resources with pod templates, listed when the cluster serves them (RBAC
    // accepts rules on resources that do not exist).
    for (group, _, plural) in palisade_core::kinds::CUSTOM_POD_KINDS {
        by_group.entry(group).or_default().push(plural);
    }
    for (group, plural) in declared {
        let plurals = by_group.entry(group).or_default();
        if !plurals.contains(&plural.as_str()) {
            plurals.push(plural);
        }
    }
    let verbs: &[&str] = if watch { &["list", "watch"] } else { &["list"] };
    by_group
        .into_iter()
        .map(|(group, plurals)| json!({"apiGroups": [group], "resources": plurals, "verbs": verbs}))
        .collect()
}

/// The resource name Kubernetes gives a kind when its definition does not choose one
/// (what `kubectl api-resources` lists for most custom resources): the kind in lower case,
/// `es` after s, x, z, ch and sh, `ies` for a consonant and y, else `s`.
pub fn default_plural(kind: &str) -> String {
    let lower = kind.to_ascii_lowercase();
    if ["s", "x", "z", "ch", "sh"]
        .iter()
        .any(|end| lower.ends_with(end))
    {
        format!("{lower}es")
    } else if let Some(stem) = lower.strip_suffix('y').filter(|stem| {
        stem.chars()
            .last()
            .is_some_and(|c| !matches!(c, 'a' | 'e' | 'i' | 'o' | 'u'))
    }) {
        format!("{stem}ies")
    } else {
        format!("{lower}s")
    }
}

/// The read-only ClusterRole `palisade cluster` needs, as YAML: the kinds it reads, and
/// the custom resources with pod templates declared in `[kubernetes] pod_template_paths`
/// (`declared`: group and kind). A live scan learns a declared kind's resource name from
/// the cluster; offline, the role names it by [`default_plural`] and says so.
pub fn reader_role(declared: &[(String, String)]) -> String {
    let known: Vec<&str> = palisade_core::kinds::CUSTOM_POD_KINDS
        .iter()
        .map(|(_, kind, _)| *kind)
        .collect();
    let declared: Vec<(String, String)> = declared
        .iter()
        .filter(|(group, kind)| !group.is_empty() && !known.contains(&kind.as_str()))
        .map(|(group, kind)| (group.clone(), default_plural(kind)))
        .collect();
    let mut text = String::from(
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: palisade-reader\n",
    );
    if !declared.is_empty() {
        let names: Vec<String> = declared
            .iter()
            .map(|(group, plural)| format!("{plural}.{group}"))
            .collect();
        text.push_str(&format!(
            "# {} from [kubernetes] pod_template_paths, named by Kubernetes' default plural:\n# check them with `kubectl api-resources`\n",
            names.join(", ")
        ));
    }
    text.push_str("rules:\n");
    for rule in reader_rules_with(false, true, &declared) {
        let resources: Vec<&str> = rule["resources"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        text.push_str(&format!(
            "  - apiGroups: [\"{}\"]\n    resources: [{}]\n    verbs: [list]\n",
            rule["apiGroups"][0].as_str().unwrap_or(""),
            resources.join(", ")
        ));
    }
    text
}

/// The write permissions on Palisade's own reports: `list` finds those written before,
/// the rest applies and deletes them (server-side apply is a `patch`, or a `create` of a
/// report that does not exist yet).
fn report_rule() -> Value {
    json!({
        "apiGroups": ["wgpolicyk8s.io"],
        "resources": ["policyreports", "clusterpolicyreports"],
        "verbs": ["get", "list", "create", "patch", "delete"],
    })
}

/// Namespace, ServiceAccount, ClusterRole, ClusterRoleBinding, NetworkPolicy and the
/// Deployment of `palisade cluster --watch --write-reports`, as a YAML stream.
pub fn manifests(options: &ManifestOptions) -> Result<String, InvalidName> {
    dns_label("--namespace", &options.namespace)?;
    dns_label("--name", &options.name)?;
    if options.image.trim().is_empty() || options.image.contains(char::is_whitespace) {
        return Err(InvalidName {
            option: "--image",
            value: options.image.clone(),
        });
    }
    let ns = options.namespace.as_str();
    let name = options.name.as_str();
    let labels = json!({"app.kubernetes.io/name": name, "app.kubernetes.io/part-of": "palisade"});
    let meta = |kind_name: &str| json!({"name": kind_name, "namespace": ns, "labels": labels});
    let cluster_meta = |kind_name: &str| json!({"name": kind_name, "labels": labels});
    let mut rules = reader_rules(true, false);
    rules.push(report_rule());
    let selector = json!({"app.kubernetes.io/name": name});
    let docs = [
        palisade_core::kinds::palisade_namespace(ns),
        // Only the Deployment's pods mount its token, and they use it.
        palisade_core::kinds::palisade_service_account(ns, name, &labels),
        json!({
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRole",
            "metadata": cluster_meta(name),
            "rules": rules,
        }),
        json!({
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRoleBinding",
            "metadata": cluster_meta(name),
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": name},
            "subjects": [{"kind": "ServiceAccount", "name": name, "namespace": ns}],
        }),
        // Palisade answers nobody and calls only the API server (its address is the
        // cluster's, unknown here): no ingress, egress on the API server's usual ports,
        // for every pod of the namespace, which runs nothing else.
        json!({
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": meta(name),
            "spec": {
                "podSelector": {},
                "policyTypes": ["Ingress", "Egress"],
                "ingress": [],
                "egress": [{"ports": [{"port": 443, "protocol": "TCP"},
                                      {"port": 6443, "protocol": "TCP"}]}],
            },
        }),
        json!({
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": meta(name),
            "spec": {
                // One writer: two would apply the same reports twice.
                "replicas": 1,
                "strategy": {"type": "Recreate"},
                "selector": {"matchLabels": selector},
                "template": {
                    "metadata": {"labels": labels},
                    "spec": {
                        "serviceAccountName": name,
                        "automountServiceAccountToken": true,
                        "securityContext": {
                            "runAsNonRoot": true,
                            "runAsUser": 65532,
                            "runAsGroup": 65532,
                            "seccompProfile": {"type": "RuntimeDefault"},
                        },
                        "containers": [{
                            "name": "palisade",
                            "image": options.image,
                            "imagePullPolicy": "IfNotPresent",
                            "args": ["cluster", "--watch", "--write-reports"],
                            "resources": {
                                "requests": {"cpu": "100m", "memory": "128Mi"},
                                "limits": {"cpu": "1", "memory": "512Mi"},
                            },
                            "securityContext": palisade_core::kinds::restricted_container_security_context(),
                        }],
                    },
                },
            },
        }),
    ];
    let mut out = String::from(
        "# Palisade in the cluster: generated by `palisade cluster manifests`.\n\
         # Keeps a PolicyReport per namespace and a ClusterPolicyReport up to date.\n\
         # Secrets are not listed (`list` would grant their values): SEC203 is not evaluated.\n",
    );
    for doc in &docs {
        out.push_str("---\n");
        out.push_str(&palisade_yaml::to_yaml(doc));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reader_role_lists_every_kind_read_and_nothing_else() {
        let role = reader_role(&[]);
        for kind in KINDS {
            assert!(role.contains(kind.plural), "{}", kind.plural);
        }
        assert!(!role.contains("watch") && !role.contains("get") && !role.contains("create"));
        assert!(
            !role.contains('#'),
            "nothing declared, nothing guessed: {role}"
        );
    }

    #[test]
    fn declared_pod_template_kinds_are_in_the_role_by_their_default_plural() {
        let declared = [
            ("example.com".to_string(), "BatchPolicy".to_string()),
            ("example.com".to_string(), "Sandbox".to_string()),
            ("argoproj.io".to_string(), "Rollout".to_string()),
            (String::new(), "Pod".to_string()),
        ];
        let role = reader_role(&declared);
        assert!(
            role.contains(
                "  - apiGroups: [\"example.com\"]\n    resources: [batchpolicies, sandboxes]\n"
            ),
            "{role}"
        );
        assert!(role.contains("# batchpolicies.example.com, sandboxes.example.com from [kubernetes] pod_template_paths"), "{role}");
        // A kind Palisade knows keeps its real name, once.
        assert_eq!(role.matches("rollouts").count(), 1, "{role}");
        let parsed = palisade_yaml::load(&role).unwrap();
        assert_eq!(parsed.len(), 1);
        for (kind, plural) in [
            ("Deployment", "deployments"),
            ("Ingress", "ingresses"),
            ("Policy", "policies"),
            ("Gateway", "gateways"),
            ("Mesh", "meshes"),
            ("Box", "boxes"),
        ] {
            assert_eq!(default_plural(kind), plural);
        }
    }

    #[test]
    fn names_that_kubernetes_would_reject_are_refused() {
        for bad in ["Palisade", "-x", "a_b", ""] {
            let mut options = ManifestOptions::new("palisade-system");
            options.namespace = bad.to_string();
            assert!(manifests(&options).is_err(), "{bad}");
        }
        let mut options = ManifestOptions::new("palisade-system");
        options.image = "two words".into();
        assert!(manifests(&options).is_err());
    }
}
