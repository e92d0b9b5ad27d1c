//! What a cluster needs to run Palisade inside it and keep its PolicyReports up to date:
//! the roles `palisade cluster` needs (read-only on what it scans, write on its own
//! reports only) and a Deployment of `palisade cluster --watch --write-reports` that passes
//! Palisade's own rules, run with the user's configuration when one is given (kept in a
//! ConfigMap). Options in, YAML out: the caller reads and checks the configuration.

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
    /// The text of the Palisade configuration the Deployment runs with (`palisade.toml`,
    /// already checked): kept in a ConfigMap, mounted read-only and read with `--config`.
    pub config: Option<String>,
    /// The custom resources with pod templates the configuration declares in
    /// `[kubernetes] pod_template_paths`, as (API group, kind): the role may watch them.
    pub pod_template_kinds: Vec<(String, String)>,
}

impl ManifestOptions {
    pub fn new(namespace: &str) -> ManifestOptions {
        ManifestOptions {
            namespace: namespace.to_string(),
            name: "palisade".into(),
            image: format!("ghcr.io/palisade/palisade:{}", env!("CARGO_PKG_VERSION")),
            config: None,
            pod_template_kinds: Vec::new(),
        }
    }
}

/// Where the Deployment's container finds the configuration: the ConfigMap's folder.
const CONFIG_DIR: &str = "/etc/palisade";
/// The configuration file in [`CONFIG_DIR`], the ConfigMap's one key.
const CONFIG_FILE: &str = palisade_core::config::CONFIG_FILE;
/// The pod template's annotation with the configuration's SHA-256.
const CONFIG_DIGEST_ANNOTATION: &str = "palisade.dev/config-sha256";

/// `--config` of the Deployment's container.
fn config_path() -> String {
    format!("{CONFIG_DIR}/{CONFIG_FILE}")
}

/// The ConfigMap that holds the configuration of the Deployment `name`.
fn config_map_name(name: &str) -> String {
    format!("{name}-config")
}

/// The SHA-256 of the configuration text, in hex.
fn config_digest(text: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
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
/// that reads them (SEC203, a Secret nothing refers to). `declared` adds resources as
/// (group, plural), from [`declared_resources`].
fn reader_rules(watch: bool, secrets: bool, declared: &[(String, String)]) -> Vec<Value> {
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

/// The kinds of `declared` (group and kind) that Palisade does not know already, as
/// (group, resource name by [`default_plural`]): a live scan learns a declared kind's
/// resource name from the cluster, a role written offline cannot.
fn declared_resources(declared: &[(String, String)]) -> Vec<(String, String)> {
    let known: Vec<&str> = palisade_core::kinds::CUSTOM_POD_KINDS
        .iter()
        .map(|(_, kind, _)| *kind)
        .collect();
    declared
        .iter()
        .filter(|(group, kind)| !group.is_empty() && !known.contains(&kind.as_str()))
        .map(|(group, kind)| (group.clone(), default_plural(kind)))
        .collect()
}

/// The YAML comment that names the guessed resource names of [`declared_resources`], so a
/// reader checks them; nothing when there are none.
fn declared_comment(resources: &[(String, String)]) -> String {
    if resources.is_empty() {
        return String::new();
    }
    let names: Vec<String> = resources
        .iter()
        .map(|(group, plural)| format!("{plural}.{group}"))
        .collect();
    format!(
        "# {} from [kubernetes] pod_template_paths, named by Kubernetes' default plural:\n# check them with `kubectl api-resources`\n",
        names.join(", ")
    )
}

/// The read-only ClusterRole `palisade cluster` needs, as YAML: the kinds it reads, and
/// the custom resources with pod templates declared in `[kubernetes] pod_template_paths`
/// (`declared`: group and kind). A live scan learns a declared kind's resource name from
/// the cluster; offline, the role names it by [`default_plural`] and says so.
pub fn reader_role(declared: &[(String, String)]) -> String {
    let declared = declared_resources(declared);
    let mut text = String::from(
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: palisade-reader\n",
    );
    text.push_str(&declared_comment(&declared));
    text.push_str("rules:\n");
    for rule in reader_rules(false, true, &declared) {
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

/// Namespace, ServiceAccount, ClusterRole, ClusterRoleBinding, NetworkPolicy, the
/// configuration's ConfigMap (when there is one) and the Deployment of `palisade cluster
/// --watch --write-reports`, as a YAML stream.
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
    let declared = declared_resources(&options.pod_template_kinds);
    let mut rules = reader_rules(true, false, &declared);
    rules.push(report_rule());
    let selector = json!({"app.kubernetes.io/name": name});
    let mut docs = vec![
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
    ];
    let mut deployment = json!({
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
                    "securityContext": palisade_core::kinds::restricted_pod_security_context(),
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
    });
    if let Some(text) = &options.config {
        let config_map = config_map_name(name);
        docs.push(json!({
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": meta(&config_map),
            "data": {CONFIG_FILE: text},
        }));
        let pod = &mut deployment["spec"]["template"];
        // A changed configuration changes the pod template, so applying it restarts the
        // pod, which reads its configuration once, at start.
        pod["metadata"]["annotations"] = json!({CONFIG_DIGEST_ANNOTATION: config_digest(text)});
        pod["spec"]["volumes"] = json!([{"name": "config", "configMap": {"name": config_map}}]);
        let container = &mut pod["spec"]["containers"][0];
        if let Some(args) = container["args"].as_array_mut() {
            args.extend(["--config".into(), config_path().into()]);
        }
        container["volumeMounts"] =
            json!([{"name": "config", "mountPath": CONFIG_DIR, "readOnly": true}]);
    }
    docs.push(deployment);
    let mut out = String::from(
        "# Palisade in the cluster: generated by `palisade cluster manifests`.\n\
         # Keeps a PolicyReport per namespace and a ClusterPolicyReport up to date.\n\
         # Secrets are not listed (`list` would grant their values): SEC203 is not evaluated.\n",
    );
    if options.config.is_some() {
        out.push_str(&format!(
            "# Runs with the configuration in ConfigMap {} ({}).\n",
            config_map_name(name),
            config_path()
        ));
    }
    for doc in &docs {
        out.push_str("---\n");
        if doc["kind"] == "ClusterRole" {
            out.push_str(&declared_comment(&declared));
        }
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

    /// The documents of a YAML stream, as JSON.
    fn documents(text: &str) -> Vec<Value> {
        palisade_yaml::load(text)
            .unwrap()
            .iter()
            .map(|d| palisade_yaml::to_json(&d.root))
            .collect()
    }

    #[test]
    fn without_a_configuration_the_deployment_mounts_nothing() {
        let text = manifests(&ManifestOptions::new("palisade-system")).unwrap();
        let docs = documents(&text);
        assert!(docs.iter().all(|d| d["kind"] != "ConfigMap"));
        let pod = &docs.last().unwrap()["spec"]["template"];
        assert_eq!(
            pod["spec"]["containers"][0]["args"],
            json!(["cluster", "--watch", "--write-reports"])
        );
        assert!(
            pod["spec"].get("volumes").is_none() && pod["metadata"].get("annotations").is_none()
        );
        assert!(!text.contains("pod_template_paths"), "{text}");
    }

    #[test]
    fn the_deployment_reads_its_configuration_from_a_configmap_and_watches_the_declared_kinds() {
        let config = "[kubernetes]\npod_template_paths = [\"example.com/Sandbox:spec.template\"]\n";
        let mut options = ManifestOptions::new("tools");
        options.name = "guard".into();
        options.config = Some(config.into());
        options.pod_template_kinds = vec![
            ("argoproj.io".into(), "Rollout".into()),
            ("example.com".into(), "Sandbox".into()),
        ];
        let text = manifests(&options).unwrap();
        let docs = documents(&text);
        let kinds: Vec<&str> = docs.iter().filter_map(|d| d["kind"].as_str()).collect();
        assert_eq!(
            kinds,
            [
                "Namespace",
                "ServiceAccount",
                "ClusterRole",
                "ClusterRoleBinding",
                "NetworkPolicy",
                "ConfigMap",
                "Deployment"
            ]
        );
        let config_map = &docs[5];
        assert_eq!(config_map["metadata"]["name"], "guard-config");
        assert_eq!(config_map["metadata"]["namespace"], "tools");
        assert_eq!(config_map["data"], json!({"palisade.toml": config}));

        let pod = &docs[6]["spec"]["template"];
        let container = &pod["spec"]["containers"][0];
        assert_eq!(
            container["args"],
            json!([
                "cluster",
                "--watch",
                "--write-reports",
                "--config",
                "/etc/palisade/palisade.toml"
            ])
        );
        assert_eq!(
            container["volumeMounts"],
            json!([{"name": "config", "mountPath": "/etc/palisade", "readOnly": true}])
        );
        assert_eq!(
            pod["spec"]["volumes"],
            json!([{"name": "config", "configMap": {"name": "guard-config"}}])
        );
        assert_eq!(
            pod["metadata"]["annotations"]["palisade.dev/config-sha256"],
            config_digest(config)
        );
        assert_eq!(config_digest(config).len(), 64);

        // The declared kind is watched like the others, under its default plural, and the
        // comment says the name is a guess; a kind Palisade knows is not repeated.
        let rules = docs[2]["rules"].as_array().unwrap();
        assert!(rules.contains(&json!({
            "apiGroups": ["example.com"], "resources": ["sandboxes"], "verbs": ["list", "watch"]
        })));
        assert_eq!(text.matches("rollouts").count(), 1, "{text}");
        assert!(text.contains(
            "---\n# sandboxes.example.com from [kubernetes] pod_template_paths, named by Kubernetes' default plural:\n# check them with `kubectl api-resources`\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\n"
        ), "{text}");
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
