//! The resource kinds the cluster is read for: the built-in ones the rules judge, how each
//! is listed (API, namespaced, metadata only) and how its objects become JSON.

use kube::api::{Api, ApiResource, DynamicObject, GroupVersionKind};
use kube::Client;

/// A resource kind read from the cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kind {
    pub group: &'static str,
    pub version: &'static str,
    pub kind: &'static str,
    pub plural: &'static str,
    pub namespaced: bool,
    /// Only the metadata is requested (`PartialObjectMetadataList`): the object's data is
    /// never sent to Palisade.
    pub metadata_only: bool,
    /// A custom resource found by discovery
    /// ([`Options::custom_kinds`](crate::Options::custom_kinds)), read for the pod templates
    /// it carries.
    pub custom: bool,
}

const fn kind(
    group: &'static str,
    version: &'static str,
    kind: &'static str,
    plural: &'static str,
    namespaced: bool,
) -> Kind {
    Kind {
        group,
        version,
        kind,
        plural,
        namespaced,
        metadata_only: false,
        custom: false,
    }
}

/// Every kind the built-in rules judge, in the order they are listed.
pub const KINDS: &[Kind] = &[
    kind("", "v1", "Namespace", "namespaces", false),
    kind("", "v1", "Pod", "pods", true),
    kind("apps", "v1", "Deployment", "deployments", true),
    kind("apps", "v1", "DaemonSet", "daemonsets", true),
    kind("apps", "v1", "StatefulSet", "statefulsets", true),
    kind("apps", "v1", "ReplicaSet", "replicasets", true),
    kind(
        "",
        "v1",
        "ReplicationController",
        "replicationcontrollers",
        true,
    ),
    kind("batch", "v1", "Job", "jobs", true),
    kind("batch", "v1", "CronJob", "cronjobs", true),
    kind("", "v1", "Service", "services", true),
    kind("", "v1", "ServiceAccount", "serviceaccounts", true),
    kind("", "v1", "ConfigMap", "configmaps", true),
    Kind {
        metadata_only: true,
        ..kind("", "v1", "Secret", "secrets", true)
    },
    kind(
        "networking.k8s.io",
        "v1",
        "NetworkPolicy",
        "networkpolicies",
        true,
    ),
    kind("networking.k8s.io", "v1", "Ingress", "ingresses", true),
    kind("rbac.authorization.k8s.io", "v1", "Role", "roles", true),
    kind(
        "rbac.authorization.k8s.io",
        "v1",
        "RoleBinding",
        "rolebindings",
        true,
    ),
    kind(
        "rbac.authorization.k8s.io",
        "v1",
        "ClusterRole",
        "clusterroles",
        false,
    ),
    kind(
        "rbac.authorization.k8s.io",
        "v1",
        "ClusterRoleBinding",
        "clusterrolebindings",
        false,
    ),
    kind("node.k8s.io", "v1", "RuntimeClass", "runtimeclasses", false),
    kind(
        "admissionregistration.k8s.io",
        "v1",
        "ValidatingWebhookConfiguration",
        "validatingwebhookconfigurations",
        false,
    ),
    kind(
        "admissionregistration.k8s.io",
        "v1",
        "MutatingWebhookConfiguration",
        "mutatingwebhookconfigurations",
        false,
    ),
];

/// The kinds of [`KINDS`] named in `names` (`Role`, `Pod`), in the order of [`KINDS`].
pub fn kinds_named(names: &[&str]) -> Vec<Kind> {
    KINDS
        .iter()
        .filter(|k| names.contains(&k.kind))
        .copied()
        .collect()
}

impl Kind {
    /// The `apiVersion` of its objects: `v1`, `apps/v1`.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// The client of this kind's objects, in `namespace` or in every namespace.
    pub(crate) fn api_in(&self, client: Client, namespace: Option<&str>) -> Api<DynamicObject> {
        let gvk = GroupVersionKind::gvk(self.group, self.version, self.kind);
        let resource = ApiResource::from_gvk_with_plural(&gvk, self.plural);
        match namespace {
            Some(ns) => Api::namespaced_with(client, ns, &resource),
            None => Api::all_with(client, &resource),
        }
    }

    /// `core/v1`, `rbac.authorization.k8s.io/v1`: the API group and version, as RBAC
    /// documentation names them.
    pub fn api(&self) -> String {
        let group = if self.group.is_empty() {
            "core"
        } else {
            self.group
        };
        format!("{group}/{}", self.version)
    }

    /// `deployments.apps`, `pods`: the resource as `kubectl` and RBAC name it.
    pub fn resource(&self) -> String {
        if self.group.is_empty() {
            self.plural.to_string()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_distinct_resource_name() {
        let mut names: Vec<String> = KINDS.iter().map(Kind::resource).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), KINDS.len());
        assert!(KINDS
            .iter()
            .filter(|k| k.metadata_only)
            .all(|k| k.kind == "Secret"));
    }

    #[test]
    fn kinds_are_selected_by_name_in_listing_order() {
        let names: Vec<&str> = kinds_named(&["ClusterRole", "Role", "Nonesuch"])
            .iter()
            .map(|k| k.kind)
            .collect();
        assert_eq!(names, ["Role", "ClusterRole"]);
    }
}
