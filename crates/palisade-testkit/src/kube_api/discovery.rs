//! The resources the server knows (built-in and custom) and its discovery documents
//! (`APIVersions`, `APIGroupList`, `APIResourceList`).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

use super::Behaviour;

/// The built-in resources the server knows: (group, version, plural, kind, namespaced).
const BUILT_IN: &[(&str, &str, &str, &str, bool)] = &[
    ("", "v1", "namespaces", "Namespace", false),
    ("", "v1", "pods", "Pod", true),
    ("apps", "v1", "deployments", "Deployment", true),
    ("apps", "v1", "daemonsets", "DaemonSet", true),
    ("apps", "v1", "statefulsets", "StatefulSet", true),
    ("apps", "v1", "replicasets", "ReplicaSet", true),
    (
        "",
        "v1",
        "replicationcontrollers",
        "ReplicationController",
        true,
    ),
    ("batch", "v1", "jobs", "Job", true),
    ("batch", "v1", "cronjobs", "CronJob", true),
    ("", "v1", "services", "Service", true),
    ("", "v1", "serviceaccounts", "ServiceAccount", true),
    ("", "v1", "configmaps", "ConfigMap", true),
    ("", "v1", "secrets", "Secret", true),
    (
        "networking.k8s.io",
        "v1",
        "networkpolicies",
        "NetworkPolicy",
        true,
    ),
    ("networking.k8s.io", "v1", "ingresses", "Ingress", true),
    ("rbac.authorization.k8s.io", "v1", "roles", "Role", true),
    (
        "rbac.authorization.k8s.io",
        "v1",
        "rolebindings",
        "RoleBinding",
        true,
    ),
    (
        "rbac.authorization.k8s.io",
        "v1",
        "clusterroles",
        "ClusterRole",
        false,
    ),
    (
        "rbac.authorization.k8s.io",
        "v1",
        "clusterrolebindings",
        "ClusterRoleBinding",
        false,
    ),
    ("node.k8s.io", "v1", "runtimeclasses", "RuntimeClass", false),
    (
        "admissionregistration.k8s.io",
        "v1",
        "validatingwebhookconfigurations",
        "ValidatingWebhookConfiguration",
        false,
    ),
    (
        "admissionregistration.k8s.io",
        "v1",
        "mutatingwebhookconfigurations",
        "MutatingWebhookConfiguration",
        false,
    ),
    (
        "wgpolicyk8s.io",
        "v1alpha2",
        "policyreports",
        "PolicyReport",
        true,
    ),
    (
        "wgpolicyk8s.io",
        "v1alpha2",
        "clusterpolicyreports",
        "ClusterPolicyReport",
        false,
    ),
];

/// A resource as RBAC and `kubectl` name it, and the key its objects are stored under:
/// `services` in the core group, `deployments.apps`, `services.serving.knative.dev`. As
/// in the API server, objects of two groups with the same plural are different resources.
pub(super) fn qualified(group: &str, plural: &str) -> String {
    if group.is_empty() {
        plural.to_string()
    } else {
        format!("{plural}.{group}")
    }
}

/// The resource `name` stands for: `plural.group` as it is, or a bare plural of a built-in
/// resource, or else of a custom resource of `b` (`workflows`: `workflows.argoproj.io`).
pub(super) fn resource_named(b: &Behaviour, name: &str) -> String {
    if name.contains('.') {
        return name.to_string();
    }
    let group = BUILT_IN
        .iter()
        .find(|(_, _, p, _, _)| *p == name)
        .map(|(g, ..)| g.to_string())
        .or_else(|| {
            b.custom_resources
                .iter()
                .find(|c| c.plural == name)
                .map(|c| c.group.clone())
        })
        .unwrap_or_default();
    qualified(&group, name)
}

/// The kind of a resource (`plural.group`), as the server's discovery knows it (bookmarks
/// and applied objects name it).
pub(super) fn kind_of(b: &Behaviour, resource: &str) -> String {
    BUILT_IN
        .iter()
        .find(|(g, _, p, _, _)| qualified(g, p) == resource)
        .map(|(_, _, _, k, _)| k.to_string())
        .or_else(|| {
            b.custom_resources
                .iter()
                .find(|c| qualified(&c.group, &c.plural) == resource)
                .map(|c| c.kind.clone())
        })
        .unwrap_or_else(|| "Unknown".to_string())
}

/// An `APIResource` of discovery, with the verbs the server answers.
fn api_resource(plural: &str, kind: &str, namespaced: bool) -> Value {
    json!({
        "name": plural,
        "singularName": kind.to_ascii_lowercase(),
        "namespaced": namespaced,
        "kind": kind,
        "verbs": ["delete", "get", "list", "patch", "watch"],
    })
}

/// The discovery document at `path`, if it is one: `/api` (`APIVersions`), `/apis`
/// (`APIGroupList`: the built-in groups and those of the custom resources), `/api/v1` and
/// `/apis/GROUP/VERSION` (`APIResourceList`).
pub(super) fn discovery(b: &Behaviour, path: &str) -> Option<Value> {
    // (group, version, plural, kind, namespaced) of every resource served.
    let mut resources: Vec<(String, String, String, String, bool)> = BUILT_IN
        .iter()
        .map(|(g, v, p, k, n)| {
            (
                g.to_string(),
                v.to_string(),
                p.to_string(),
                k.to_string(),
                *n,
            )
        })
        .collect();
    resources.extend(b.custom_resources.iter().map(|c| {
        (
            c.group.clone(),
            c.version.clone(),
            c.plural.clone(),
            c.kind.clone(),
            c.namespaced,
        )
    }));
    let resource_list = |group: &str, version: &str| -> Option<Value> {
        let listed: Vec<Value> = resources
            .iter()
            .filter(|(g, v, _, _, _)| g == group && v == version)
            .map(|(_, _, p, k, n)| api_resource(p, k, *n))
            .collect();
        let group_version = if group.is_empty() {
            version.to_string()
        } else {
            format!("{group}/{version}")
        };
        (!listed.is_empty()).then(|| {
            json!({"kind": "APIResourceList", "apiVersion": "v1",
                   "groupVersion": group_version, "resources": listed})
        })
    };
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    match parts.as_slice() {
        ["api"] => Some(json!({"kind": "APIVersions", "versions": ["v1"],
            "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1:443"}]})),
        ["api", "v1"] => resource_list("", "v1"),
        ["apis"] => {
            let mut groups: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
            for (g, v, _, _, _) in resources.iter().filter(|(g, ..)| !g.is_empty()) {
                groups.entry(g).or_default().insert(v);
            }
            let groups: Vec<Value> = groups
                .into_iter()
                .map(|(group, versions)| {
                    let versions: Vec<Value> = versions
                        .into_iter()
                        .map(|v| json!({"groupVersion": format!("{group}/{v}"), "version": v}))
                        .collect();
                    let preferred = versions.first().cloned();
                    json!({"name": group, "versions": versions, "preferredVersion": preferred})
                })
                .collect();
            Some(json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}))
        }
        ["apis", group, version] => resource_list(group, version),
        _ => None,
    }
}
