//! Which objects a policy applies to: `resourceRules` of a VAP or ValidatingPolicy, Kyverno
//! `match`/`exclude` blocks (kinds, names, namespaces, selectors), and the plural resource
//! and scope of a kind.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::gatekeeper::{group_version, Selector};
use crate::json::{items as list, string_map, strings, text};

/// Whether `object` is of a cluster-scoped kind (no namespace).
pub(crate) fn is_cluster_scoped(object: &Value) -> bool {
    palisade_core::kinds::is_cluster_scoped(text(object, &["kind"]))
}

/// Kubernetes' plural resource name of a kind (`NetworkPolicy` → `networkpolicies`).
pub(crate) fn resource_of(kind: &str) -> String {
    let lower = kind.to_ascii_lowercase();
    if lower.ends_with("ss")
        || lower.ends_with("sh")
        || lower.ends_with("ch")
        || lower.ends_with('x')
    {
        format!("{lower}es")
    } else if lower.ends_with('s') {
        lower
    } else if let Some(stem) = lower
        .strip_suffix('y')
        .filter(|s| !s.ends_with(['a', 'e', 'i', 'o', 'u']))
    {
        format!("{stem}ies")
    } else {
        format!("{lower}s")
    }
}

/// One `resourceRules` entry of a VAP / ValidatingPolicy.
#[derive(Debug, Clone)]
pub(crate) struct ResourceRule {
    groups: Vec<String>,
    versions: Vec<String>,
    resources: Vec<String>,
    operations: Vec<String>,
    names: Vec<String>,
}

impl ResourceRule {
    pub(super) fn from(value: &Value) -> ResourceRule {
        ResourceRule {
            groups: strings(value.get("apiGroups")),
            versions: strings(value.get("apiVersions")),
            resources: strings(value.get("resources")),
            operations: strings(value.get("operations")),
            names: strings(value.get("resourceNames")),
        }
    }

    pub(super) fn matches(&self, object: &Value, operation: &str) -> bool {
        let (group, version) = group_version(text(object, &["apiVersion"]));
        let resource = resource_of(text(object, &["kind"]));
        let any = |list: &[String], value: &str| list.iter().any(|x| x == "*" || x == value);
        any(&self.groups, group)
            && (self.versions.is_empty() || any(&self.versions, version))
            && self.resources.iter().any(|r| {
                r == "*" || r == &resource || r.strip_suffix("/*") == Some(resource.as_str())
            })
            && (self.operations.is_empty() || any(&self.operations, operation))
            && (self.names.is_empty() || any(&self.names, text(object, &["metadata", "name"])))
    }
}

/// A Kyverno `resources` block of `match`/`exclude`.
#[derive(Debug, Clone, Default)]
pub(crate) struct KyvernoResources {
    kinds: Vec<String>,
    names: Vec<String>,
    namespaces: Vec<String>,
    operations: Vec<String>,
    annotations: BTreeMap<String, String>,
    selector: Option<Selector>,
    namespace_selector: Option<Selector>,
}

impl KyvernoResources {
    pub(super) fn from(value: &Value, field: &str) -> Result<KyvernoResources, String> {
        let mut names = strings(value.get("names"));
        if let Some(name) = value.get("name").and_then(Value::as_str) {
            names.push(name.to_string());
        }
        Ok(KyvernoResources {
            kinds: strings(value.get("kinds")),
            names,
            namespaces: strings(value.get("namespaces")),
            operations: strings(value.get("operations")),
            annotations: string_map(value.get("annotations")),
            selector: optional_selector(value, field, "selector")?,
            namespace_selector: optional_selector(value, field, "namespaceSelector")?,
        })
    }

    pub(super) fn matches(
        &self,
        object: &Value,
        operation: &str,
        namespaces: &BTreeMap<String, BTreeMap<String, String>>,
    ) -> bool {
        let kind = text(object, &["kind"]);
        let (group, version) = group_version(text(object, &["apiVersion"]));
        if !self.kinds.is_empty()
            && !self
                .kinds
                .iter()
                .any(|k| kyverno_kind_matches(k, group, version, kind))
        {
            return false;
        }
        let name = text(object, &["metadata", "name"]);
        if !self.names.is_empty() && !self.names.iter().any(|p| wildcard(p, name)) {
            return false;
        }
        let namespace = text(object, &["metadata", "namespace"]);
        let own_namespace = if kind == "Namespace" { name } else { namespace };
        if !self.namespaces.is_empty()
            && !self.namespaces.iter().any(|p| wildcard(p, own_namespace))
        {
            return false;
        }
        if !self.operations.is_empty() && !self.operations.iter().any(|o| o == operation) {
            return false;
        }
        if !self.annotations.is_empty() {
            let annotations = string_map(object.pointer("/metadata/annotations"));
            if !self.annotations.iter().all(|(k, v)| {
                annotations
                    .iter()
                    .any(|(ak, av)| wildcard(k, ak) && wildcard(v, av))
            }) {
                return false;
            }
        }
        if let Some(selector) = &self.selector {
            if !selector.matches(&string_map(object.pointer("/metadata/labels"))) {
                return false;
            }
        }
        if let Some(selector) = &self.namespace_selector {
            let labels = if kind == "Namespace" {
                Some(string_map(object.pointer("/metadata/labels")))
            } else {
                namespaces.get(own_namespace).cloned()
            };
            if !labels.is_some_and(|l| selector.matches(&l)) {
                return false;
            }
        }
        true
    }
}

/// Kyverno's kind spellings: `Pod`, `v1/Pod`, `apps/v1/Deployment`, `*`, `apps/*/Deployment`.
fn kyverno_kind_matches(pattern: &str, group: &str, version: &str, kind: &str) -> bool {
    // A subresource (`Pod/exec`) never matches the object itself.
    let parts: Vec<&str> = pattern.split('/').collect();
    let (g, v, k) = match parts.as_slice() {
        [k] => ("*", "*", *k),
        [v, k] if k.chars().next().is_some_and(char::is_uppercase) || *k == "*" => ("*", *v, *k),
        [g, v, k] => (*g, *v, *k),
        _ => return false,
    };
    let g = if parts.len() == 2 && v == "v1" { "" } else { g };
    wildcard(k, kind) && (g == "*" || g == group) && (v == "*" || wildcard(v, version))
}

/// `*` and `?` wildcards, as Kyverno matches names.
fn wildcard(pattern: &str, value: &str) -> bool {
    palisade_core::text::wildcard_match(pattern, value, false)
}

/// Which objects a policy applies to.
#[derive(Debug, Clone)]
pub(crate) enum Resources {
    /// `matchConstraints` (+ a binding's `matchResources`, all of which must match).
    Rules { all: Vec<RuleSet> },
    /// Kyverno `match` and `exclude`.
    Kyverno {
        any: Vec<KyvernoResources>,
        all: Vec<KyvernoResources>,
        exclude_any: Vec<KyvernoResources>,
        exclude_all: Vec<KyvernoResources>,
    },
}

#[derive(Debug, Clone, Default)]
pub(crate) struct RuleSet {
    rules: Vec<ResourceRule>,
    exclude: Vec<ResourceRule>,
    namespace_selector: Option<Selector>,
    object_selector: Option<Selector>,
    /// Whether `resourceRules` was given: an absent list matches everything (bindings).
    restricts: bool,
}

impl RuleSet {
    pub(super) fn from(value: Option<&Value>, field: &str) -> Result<RuleSet, String> {
        let Some(value) = value.filter(|v| !v.is_null()) else {
            return Ok(RuleSet::default());
        };
        Ok(RuleSet {
            restricts: value.get("resourceRules").is_some(),
            rules: list(value, "resourceRules")
                .map(ResourceRule::from)
                .collect(),
            exclude: list(value, "excludeResourceRules")
                .map(ResourceRule::from)
                .collect(),
            namespace_selector: optional_selector(value, field, "namespaceSelector")?,
            object_selector: optional_selector(value, field, "objectSelector")?,
        })
    }

    pub(super) fn matches(
        &self,
        object: &Value,
        operation: &str,
        namespaces: &BTreeMap<String, BTreeMap<String, String>>,
    ) -> bool {
        if self.restricts && !self.rules.iter().any(|r| r.matches(object, operation)) {
            return false;
        }
        if self.exclude.iter().any(|r| r.matches(object, operation)) {
            return false;
        }
        if let Some(selector) = &self.object_selector {
            if !selector.matches(&string_map(object.pointer("/metadata/labels"))) {
                return false;
            }
        }
        if let Some(selector) = &self.namespace_selector {
            let namespace = text(object, &["metadata", "namespace"]);
            let kind = text(object, &["kind"]);
            // Cluster-scoped objects other than Namespaces are not filtered by it.
            if kind == "Namespace" {
                if !selector.matches(&string_map(object.pointer("/metadata/labels"))) {
                    return false;
                }
            } else if !namespace.is_empty() {
                // A namespace the scan has no object for has no labels.
                let empty = BTreeMap::new();
                if !selector.matches(namespaces.get(namespace).unwrap_or(&empty)) {
                    return false;
                }
            }
        }
        true
    }
}

impl Resources {
    pub(crate) fn matches(
        &self,
        object: &Value,
        operation: &str,
        namespaces: &BTreeMap<String, BTreeMap<String, String>>,
    ) -> bool {
        match self {
            Resources::Rules { all } => {
                all.iter().all(|r| r.matches(object, operation, namespaces))
            }
            Resources::Kyverno {
                any,
                all,
                exclude_any,
                exclude_all,
            } => {
                let m = |r: &KyvernoResources| r.matches(object, operation, namespaces);
                let matched = (any.is_empty() || any.iter().any(m))
                    && all.iter().all(m)
                    && !(any.is_empty() && all.is_empty());
                let excluded = exclude_any.iter().any(m)
                    || (!exclude_all.is_empty() && exclude_all.iter().all(m));
                matched && !excluded
            }
        }
    }

    /// Whether the policy matches Pods only by kind, so that Kyverno auto-generates it for
    /// pod controllers.
    pub(super) fn is_pod_only(&self) -> bool {
        let pod = |k: &String| k == "Pod" || k == "v1/Pod";
        match self {
            Resources::Rules { all } => all.first().is_some_and(|set| {
                !set.rules.is_empty()
                    && set.rules.iter().all(|r| {
                        r.resources.iter().all(|x| x == "pods")
                            && r.groups.iter().all(String::is_empty)
                    })
            }),
            Resources::Kyverno { any, all, .. } => {
                let blocks: Vec<&KyvernoResources> = any.iter().chain(all.iter()).collect();
                !blocks.is_empty()
                    && blocks.iter().all(|b| {
                        !b.kinds.is_empty() && b.kinds.iter().all(pod) && b.names.is_empty()
                    })
            }
        }
    }
}

/// The label selector under `key` of `value` (at `field` for messages), if there is one.
fn optional_selector(value: &Value, field: &str, key: &str) -> Result<Option<Selector>, String> {
    value
        .get(key)
        .map(|s| Selector::from(s, &format!("{field}.{key}")))
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plural_resources() {
        for (kind, resource) in [
            ("Pod", "pods"),
            ("Ingress", "ingresses"),
            ("NetworkPolicy", "networkpolicies"),
            ("Endpoints", "endpoints"),
            ("StorageClass", "storageclasses"),
            ("Gateway", "gateways"),
        ] {
            assert_eq!(resource_of(kind), resource);
        }
    }

    #[test]
    fn kyverno_kinds_and_wildcards() {
        assert!(kyverno_kind_matches("Pod", "", "v1", "Pod"));
        assert!(kyverno_kind_matches("v1/Pod", "", "v1", "Pod"));
        assert!(kyverno_kind_matches(
            "apps/v1/Deployment",
            "apps",
            "v1",
            "Deployment"
        ));
        assert!(!kyverno_kind_matches(
            "apps/v1/Deployment",
            "",
            "v1",
            "Deployment"
        ));
        assert!(kyverno_kind_matches("*", "apps", "v1", "StatefulSet"));
        assert!(!kyverno_kind_matches("Pod/exec", "", "v1", "Pod"));
        assert!(wildcard("kube-*", "kube-system"));
        assert!(wildcard("a?c", "abc"));
        assert!(!wildcard("kube-*", "default"));
    }
}
