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
    /// Fields the container takes when it does not set them (Tekton's `stepTemplate`).
    pub defaults: Option<&'a Node>,
}

impl<'a> ContainerRef<'a> {
    /// `container "web"`, for messages.
    pub fn describe(&self) -> String {
        format!("{} \"{}\"", self.kind.noun(), self.name)
    }

    /// A field of the container, or of its defaults when it does not set it.
    pub fn field(&self, key: &str) -> Option<&'a Node> {
        self.node
            .get(key)
            .or_else(|| self.defaults.and_then(|d| d.get(key)))
    }

    /// A nested field of the container, or of its defaults when it does not set it.
    pub fn path(&self, keys: &[&str]) -> Option<&'a Node> {
        self.node
            .path(keys)
            .or_else(|| self.defaults.and_then(|d| d.path(keys)))
    }

    /// The container's `securityContext`, if any.
    pub fn security_context(&self) -> Option<&'a Node> {
        self.field("securityContext")
    }

    /// A field of the container's securityContext (or of its defaults').
    pub fn sc(&self, keys: &[&str]) -> Option<&'a Node> {
        self.node
            .get("securityContext")
            .and_then(|sc| sc.path(keys))
            .or_else(|| {
                self.defaults
                    .and_then(|d| d.get("securityContext"))
                    .and_then(|sc| sc.path(keys))
            })
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

/// Where a kind Palisade does not know keeps its pod template, as the user declares it in
/// `[kubernetes] pod_template_paths` (`"GROUP/KIND:path.to.template"`): the path leads to
/// a pod template (a mapping with `spec`, as a Deployment's `spec.template`) or to a pod
/// spec itself (a mapping with `containers`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodTemplatePath {
    /// The API group (empty for the core group).
    pub group: String,
    pub kind: String,
    pub path: Vec<String>,
}

impl PodTemplatePath {
    /// Reads `GROUP/KIND:path.to.template` (or `KIND:path` for the core group).
    pub fn parse(text: &str) -> Result<PodTemplatePath, String> {
        let (kind, path) = text.split_once(':').ok_or_else(|| {
            format!("`{text}`: write GROUP/KIND:path.to.template, e.g. example.com/Widget:spec.template")
        })?;
        let (group, kind) = kind.trim().rsplit_once('/').unwrap_or(("", kind.trim()));
        let path: Vec<String> = path.trim().split('.').map(str::to_string).collect();
        if kind.is_empty() || path.iter().any(String::is_empty) {
            return Err(format!(
                "`{text}`: the kind and every part of the path must be non-empty"
            ));
        }
        Ok(PodTemplatePath {
            group: group.to_string(),
            kind: kind.to_string(),
            path,
        })
    }

    fn applies_to(&self, object: &K8sObject) -> bool {
        let group = object.api_version.rsplit_once('/').map_or("", |(g, _)| g);
        self.kind == object.kind && self.group == group
    }
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
    // (Flux HelmRelease `values` are chart values, not a pod template. Argo Workflows and
    // Tekton keep containers in lists of their own: `container_lists`.)
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

/// Adds a container (a mapping) to `out`, named by its `name`, else by `fallback` (an Argo
/// template's name for its unnamed `container`).
fn push_container<'a>(
    out: &mut Vec<ContainerRef<'a>>,
    kind: ContainerKind,
    node: &'a Node,
    fallback: Option<&'a str>,
    defaults: Option<&'a Node>,
) {
    if node.is_map() {
        out.push(ContainerRef {
            kind,
            name: node
                .get("name")
                .and_then(Node::as_str)
                .or(fallback)
                .unwrap_or(""),
            node,
            defaults,
        });
    }
}

/// Custom resources whose containers are not in a pod template but in lists of their own:
/// Argo Workflows (each template's `container`, `script`, `containerSet`, init containers
/// and sidecars, under a spec that holds the pod-level fields) and Tekton (a Task's
/// `steps` and `sidecars`, with its `stepTemplate` as their defaults). The spec they sit
/// under and its key.
fn container_lists<'a>(
    object: &'a K8sObject,
) -> Option<(&'a Node, &'a Node, Vec<ContainerRef<'a>>)> {
    let group = object.api_version.split_once('/').map_or("", |(g, _)| g);
    let items = |n: Option<&'a Node>| n.into_iter().flat_map(Node::items);
    let mut containers = Vec::new();
    let (spec_key, spec) = match (group, object.kind.as_str()) {
        (
            "argoproj.io",
            "Workflow" | "WorkflowTemplate" | "ClusterWorkflowTemplate" | "CronWorkflow",
        ) => {
            let (key, spec) = if object.kind == "CronWorkflow" {
                object.root.get("spec")?.entry("workflowSpec")?
            } else {
                object.root.entry("spec")?
            };
            for template in items(spec.get("templates")) {
                let name = template.get("name").and_then(Node::as_str);
                for key in ["container", "script"] {
                    if let Some(c) = template.get(key) {
                        push_container(&mut containers, ContainerKind::Container, c, name, None);
                    }
                }
                for c in items(template.path(&["containerSet", "containers"])) {
                    push_container(&mut containers, ContainerKind::Container, c, name, None);
                }
                for c in items(template.get("initContainers")) {
                    push_container(&mut containers, ContainerKind::Init, c, name, None);
                }
                for c in items(template.get("sidecars")) {
                    push_container(&mut containers, ContainerKind::Container, c, name, None);
                }
            }
            (key, spec)
        }
        ("tekton.dev", "Task" | "ClusterTask" | "TaskRun" | "Pipeline" | "PipelineRun") => {
            let (key, spec) = object.root.entry("spec")?;
            let task_specs: Vec<&'a Node> = match object.kind.as_str() {
                "Task" | "ClusterTask" => vec![spec],
                "TaskRun" => spec.get("taskSpec").into_iter().collect(),
                _ => {
                    let pipeline = if object.kind == "PipelineRun" {
                        spec.get("pipelineSpec")?
                    } else {
                        spec
                    };
                    items(pipeline.get("tasks"))
                        .chain(items(pipeline.get("finally")))
                        .filter_map(|t| t.get("taskSpec"))
                        .collect()
                }
            };
            for task in task_specs {
                let defaults = task.get("stepTemplate");
                for c in items(task.get("steps")) {
                    push_container(&mut containers, ContainerKind::Container, c, None, defaults);
                }
                for c in items(task.get("sidecars")) {
                    push_container(&mut containers, ContainerKind::Container, c, None, None);
                }
            }
            (key, spec)
        }
        _ => return None,
    };
    (spec.is_map() && !containers.is_empty()).then_some((spec_key, spec, containers))
}

impl<'a> PodView<'a> {
    /// The pod view of a workload object; `None` for other kinds or when there is no pod spec.
    pub fn of(object: &'a K8sObject) -> Option<PodView<'a>> {
        PodView::of_with(object, &[])
    }

    /// [`PodView::of`], also finding pod templates where `declared` says kinds Palisade
    /// does not know keep them.
    pub fn of_with(object: &'a K8sObject, declared: &[PodTemplatePath]) -> Option<PodView<'a>> {
        if let Some(declared) = declared.iter().find(|d| d.applies_to(object)) {
            return PodView::declared(object, declared);
        }
        if let Some((spec_key, spec, containers)) = container_lists(object) {
            return Some(PodView {
                object,
                spec,
                spec_key,
                pod_labels: BTreeMap::new(),
                pod_annotations: BTreeMap::new(),
                pod_metadata: None,
                containers,
            });
        }
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
        // Knative names the one container it runs when the user does not.
        let unnamed = object
            .api_version
            .starts_with("serving.knative.dev/")
            .then_some("user-container");
        let mut containers = Vec::new();
        for (key, kind) in [
            ("initContainers", ContainerKind::Init),
            ("containers", ContainerKind::Container),
            ("ephemeralContainers", ContainerKind::Ephemeral),
        ] {
            for node in spec.get(key).into_iter().flat_map(Node::items) {
                push_container(&mut containers, kind, node, unnamed, None);
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

    /// The pod view at a place the user declared: a pod template, or a pod spec itself.
    fn declared(object: &'a K8sObject, declared: &PodTemplatePath) -> Option<PodView<'a>> {
        let (last, parents) = declared.path.split_last()?;
        let parent_keys: Vec<&str> = parents.iter().map(String::as_str).collect();
        let (key, node) = object.root.path(&parent_keys)?.entry(last)?;
        let (spec_key, spec, metadata) = if node.get("containers").is_some() {
            (key, node, None)
        } else {
            let (spec_key, spec) = node.entry("spec")?;
            (spec_key, spec, node.get("metadata"))
        };
        if !spec.is_map() {
            return None;
        }
        let mut containers = Vec::new();
        for (list, kind) in [
            ("initContainers", ContainerKind::Init),
            ("containers", ContainerKind::Container),
            ("ephemeralContainers", ContainerKind::Ephemeral),
        ] {
            for c in spec.get(list).into_iter().flat_map(Node::items) {
                push_container(&mut containers, kind, c, None, None);
            }
        }
        Some(PodView {
            object,
            spec,
            spec_key,
            pod_labels: string_map(metadata.and_then(|m| m.get("labels"))),
            pod_annotations: string_map(metadata.and_then(|m| m.get("annotations"))),
            pod_metadata: metadata,
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
