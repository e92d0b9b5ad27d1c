//! One pod-spec view for every workload kind.

use std::collections::BTreeMap;

use palisade_yaml::Node;

use super::object::{string_map, K8sObject};

/// Which list of the pod spec a container comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContainerKind {
    Container,
    Init,
    Ephemeral,
}

impl ContainerKind {
    /// How messages name it: `container`, `init container`, `ephemeral container`.
    pub fn noun(self) -> &'static str {
        match self {
            ContainerKind::Container => "container",
            ContainerKind::Init => "init container",
            ContainerKind::Ephemeral => "ephemeral container",
        }
    }
}

/// A container of a pod spec.
#[derive(Debug, Clone, Copy)]
pub struct ContainerRef<'a> {
    pub kind: ContainerKind,
    pub name: &'a str,
    pub node: &'a Node,
}

impl<'a> ContainerRef<'a> {
    /// `container "web"`, for messages.
    pub fn describe(&self) -> String {
        format!("{} \"{}\"", self.kind.noun(), self.name)
    }

    /// The container's `securityContext`, if any.
    pub fn security_context(&self) -> Option<&'a Node> {
        self.node.get("securityContext")
    }

    /// A field of the container's securityContext.
    pub fn sc(&self, keys: &[&str]) -> Option<&'a Node> {
        self.security_context().and_then(|sc| sc.path(keys))
    }

    /// The node to point at when a container-level field is missing.
    pub fn anchor(&self) -> &'a Node {
        self.node.entry("name").map(|(k, _)| k).unwrap_or(self.node)
    }

    /// The image reference, if any.
    pub fn image(&self) -> Option<&'a Node> {
        self.node.get("image")
    }
}

/// The pod spec of a workload, whatever its kind.
#[derive(Debug)]
pub struct PodView<'a> {
    pub object: &'a K8sObject,
    /// The pod `spec` mapping.
    pub spec: &'a Node,
    /// The key node `spec:` of the pod spec (for locations of missing pod-level fields).
    pub spec_key: &'a Node,
    /// Labels of the pods this workload creates.
    pub pod_labels: BTreeMap<String, String>,
    /// Annotations of the pods (template metadata, or the Pod's own).
    pub pod_annotations: BTreeMap<String, String>,
    /// The pods' `metadata` mapping (template metadata, or the Pod's own).
    pub pod_metadata: Option<&'a Node>,
    pub containers: Vec<ContainerRef<'a>>,
}

/// Path from the object root to the pod template, per workload kind.
pub(crate) fn template_path(api_version: &str, kind: &str) -> Option<&'static [&'static str]> {
    // Knative Serving and OpenShift workloads carry a pod template too.
    if api_version.starts_with("serving.knative.dev/") {
        return match kind {
            "Service" | "Configuration" => Some(&["spec", "template"]),
            "Revision" => Some(&[]),
            _ => None,
        };
    }
    // Custom resources whose controllers create pods from a template at a fixed place.
    // (Flux HelmRelease `values` are chart values, not a pod template.)
    let group = api_version.split_once('/').map_or("", |(g, _)| g);
    match (group, kind) {
        ("argoproj.io", "Rollout") => return Some(&["spec", "template"]),
        ("apps.kruise.io", "CloneSet" | "StatefulSet" | "DaemonSet") => {
            return Some(&["spec", "template"])
        }
        ("keda.sh", "ScaledJob") => return Some(&["spec", "jobTargetRef", "template"]),
        _ => {}
    }
    Some(match kind {
        "Pod" => &[],
        "PodTemplate" => &["template"],
        "Deployment"
        | "StatefulSet"
        | "DaemonSet"
        | "ReplicaSet"
        | "ReplicationController"
        | "Job" => &["spec", "template"],
        // OpenShift; older clusters served it as `v1`.
        "DeploymentConfig" => &["spec", "template"],
        "CronJob" => &["spec", "jobTemplate", "spec", "template"],
        _ => return None,
    })
}

impl<'a> PodView<'a> {
    /// The pod view of a workload object; `None` for other kinds or when there is no pod spec.
    pub fn of(object: &'a K8sObject) -> Option<PodView<'a>> {
        let template = object
            .root
            .path(template_path(&object.api_version, &object.kind)?)?;
        let (spec_key, spec) = template.entry("spec")?;
        if !spec.is_map() {
            return None;
        }
        let meta = template.get("metadata");
        let pod_metadata = if object.kind == "Pod" {
            object.root.get("metadata")
        } else {
            meta
        };
        let (pod_labels, pod_annotations) = if object.kind == "Pod" {
            (object.labels.clone(), object.annotations.clone())
        } else {
            (
                string_map(meta.and_then(|m| m.get("labels"))),
                string_map(meta.and_then(|m| m.get("annotations"))),
            )
        };
        let mut containers = Vec::new();
        for (key, kind) in [
            ("initContainers", ContainerKind::Init),
            ("containers", ContainerKind::Container),
            ("ephemeralContainers", ContainerKind::Ephemeral),
        ] {
            for node in spec.get(key).into_iter().flat_map(Node::items) {
                if node.is_map() {
                    containers.push(ContainerRef {
                        kind,
                        name: node.get("name").and_then(Node::as_str).unwrap_or(""),
                        node,
                    });
                }
            }
        }
        Some(PodView {
            object,
            spec,
            spec_key,
            pod_labels,
            pod_annotations,
            pod_metadata,
            containers,
        })
    }

    /// The node of a pod annotation's value, for locations.
    pub fn annotation_node(&self, key: &str) -> Option<&'a Node> {
        self.pod_metadata?.get("annotations")?.get(key)
    }

    /// The seccomp profile type of the pod (field, or the pre-1.27 annotation), with the
    /// node to point at.
    pub fn pod_seccomp(&self) -> Option<(String, &'a Node)> {
        if let Some(n) = self.pod_sc(&["seccompProfile", "type"]) {
            return Some((n.as_str().unwrap_or("").to_string(), n));
        }
        let key = "seccomp.security.alpha.kubernetes.io/pod";
        let value = self.pod_annotations.get(key)?;
        Some((seccomp_annotation_type(value), self.annotation_node(key)?))
    }

    /// The seccomp profile type a container sets itself (field, or the pre-1.27 annotation).
    pub fn container_seccomp(&self, c: &ContainerRef<'a>) -> Option<(String, &'a Node)> {
        if let Some(n) = c.sc(&["seccompProfile", "type"]) {
            return Some((n.as_str().unwrap_or("").to_string(), n));
        }
        let key = format!("container.seccomp.security.alpha.kubernetes.io/{}", c.name);
        let value = self.pod_annotations.get(&key)?;
        Some((seccomp_annotation_type(value), self.annotation_node(&key)?))
    }

    /// A field of the pod-level `securityContext`.
    pub fn pod_sc(&self, keys: &[&str]) -> Option<&'a Node> {
        self.spec
            .get("securityContext")
            .and_then(|sc| sc.path(keys))
    }

    /// Whether the pod declares `spec.os.name: windows` (some restricted controls do not apply).
    pub fn is_windows(&self) -> bool {
        self.spec
            .path(&["os", "name"])
            .and_then(Node::as_str)
            .is_some_and(|n| n.eq_ignore_ascii_case("windows"))
    }

    /// A boolean pod-spec field that is set to true (e.g. `hostNetwork`).
    pub fn spec_flag(&self, key: &str) -> Option<&'a Node> {
        self.spec.get(key).filter(|n| n.as_bool() == Some(true))
    }

    /// Containers that run as part of the pod's normal life (containers and init containers).
    pub fn long_running(&self) -> impl Iterator<Item = &ContainerRef<'a>> {
        self.containers
            .iter()
            .filter(|c| c.kind != ContainerKind::Ephemeral)
    }

    /// The pod volumes.
    pub fn volumes(&self) -> impl Iterator<Item = &'a Node> {
        self.spec.get("volumes").into_iter().flat_map(Node::items)
    }
}

/// The profile type a legacy seccomp annotation value stands for.
fn seccomp_annotation_type(value: &str) -> String {
    match value {
        "runtime/default" | "docker/default" => "RuntimeDefault".to_string(),
        "unconfined" => "Unconfined".to_string(),
        v if v.starts_with("localhost/") => "Localhost".to_string(),
        v => v.to_string(),
    }
}
