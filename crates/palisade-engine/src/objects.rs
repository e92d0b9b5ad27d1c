//! Kubernetes objects that arrive already parsed (from an API server, an AdmissionReview,
//! a `kubectl get -o json` dump) scanned like manifests. Each object is written out as a
//! JSON document named after it (`Deployment/shop/web`), checked with the cluster context
//! of the whole set, and every finding gets the field path it points at
//! (`spec.template.spec.containers[0].securityContext.privileged`), since there is no file
//! a person could open.

use palisade_core::{Json, ScanReport};
use palisade_yaml::{Node, NodeKind};

use crate::source::FileEntry;
use crate::Engine;

/// The result of scanning a set of objects: the report, and for each object the name
/// its findings carry as their path.
pub struct ObjectScan {
    pub report: ScanReport,
    pub names: Vec<String>,
}

/// The fields of an object that name it, and its tree, in either form an object is held in.
pub trait ObjectFields {
    /// The string at a JSON Pointer, or "" when there is none.
    fn text_at(&self, pointer: &str) -> &str;

    /// The object as the tree the rules read: what loading its JSON text gives, with every
    /// position 0, built without writing the text out and parsing it back.
    fn tree(&self) -> Node;
}

impl ObjectFields for serde_json::Value {
    fn text_at(&self, pointer: &str) -> &str {
        self.pointer(pointer).and_then(|v| v.as_str()).unwrap_or("")
    }

    fn tree(&self) -> Node {
        use serde_json::Value;
        match self {
            Value::Null => plain("null"),
            Value::Bool(b) => plain(if *b { "true" } else { "false" }),
            Value::Number(n) => plain(&n.to_string()),
            Value::String(s) => quoted(s),
            Value::Array(items) => node(NodeKind::Seq(items.iter().map(Self::tree).collect())),
            Value::Object(map) => node(NodeKind::Map(
                map.iter().map(|(k, v)| (quoted(k), v.tree())).collect(),
            )),
        }
    }
}

impl ObjectFields for Json {
    fn text_at(&self, pointer: &str) -> &str {
        self.pointer(pointer).and_then(Json::as_str).unwrap_or("")
    }

    fn tree(&self) -> Node {
        match self {
            Json::Null => plain("null"),
            Json::Bool(b) => plain(if *b { "true" } else { "false" }),
            Json::Number(n) => plain(&n.to_string()),
            Json::String(s) => quoted(s),
            Json::Array(items) => node(NodeKind::Seq(items.iter().map(Self::tree).collect())),
            Json::Object(map) => node(NodeKind::Map(
                map.iter().map(|(k, v)| (quoted(k), v.tree())).collect(),
            )),
        }
    }
}

impl<T: ObjectFields + ?Sized> ObjectFields for &T {
    fn text_at(&self, pointer: &str) -> &str {
        (**self).text_at(pointer)
    }

    fn tree(&self) -> Node {
        (**self).tree()
    }
}

fn node(kind: NodeKind) -> Node {
    Node {
        kind,
        pos: palisade_yaml::Pos::default(),
        tag: None,
    }
}

/// A JSON string (and every key), as the loader reads one: a quoted scalar.
fn quoted(text: &str) -> Node {
    node(NodeKind::Scalar(palisade_yaml::Scalar {
        value: text.to_string(),
        quoted: true,
    }))
}

/// A JSON number, boolean or null, as the loader reads one: a plain scalar.
fn plain(text: &str) -> Node {
    node(NodeKind::Scalar(palisade_yaml::Scalar {
        value: text.to_string(),
        quoted: false,
    }))
}

/// Kinds of the Kubernetes API itself, whose names other API groups reuse (Knative's
/// `Service`, OpenKruise's `StatefulSet`).
const BUILT_IN_KINDS: &[&str] = &[
    "Pod",
    "Service",
    "ServiceAccount",
    "ConfigMap",
    "Secret",
    "Namespace",
    "Node",
    "Endpoints",
    "Event",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "PodTemplate",
    "ReplicationController",
    "LimitRange",
    "ResourceQuota",
    "Deployment",
    "DaemonSet",
    "StatefulSet",
    "ReplicaSet",
    "ControllerRevision",
    "Job",
    "CronJob",
    "NetworkPolicy",
    "Ingress",
    "IngressClass",
    "Role",
    "RoleBinding",
    "ClusterRole",
    "ClusterRoleBinding",
    "RuntimeClass",
    "PodDisruptionBudget",
    "HorizontalPodAutoscaler",
    "StorageClass",
];

/// The kind as reports name it: `Service` for the built-in kind (and any kind of its own),
/// `Service.serving.knative.dev` for a kind of another API group that bears a built-in
/// kind's name, as `kubectl get service.serving.knative.dev` tells them apart. The
/// built-in groups are `""`, `apps`, `batch`, `extensions`, `policy`, `autoscaling` and
/// those under `k8s.io`; a third-party group has a dot and is not under `k8s.io`.
pub fn qualified_kind<'a>(group: &str, kind: &'a str) -> std::borrow::Cow<'a, str> {
    let third_party = group.contains('.') && !group.ends_with(".k8s.io");
    if third_party && BUILT_IN_KINDS.contains(&kind) {
        std::borrow::Cow::Owned(format!("{kind}.{group}"))
    } else {
        std::borrow::Cow::Borrowed(kind)
    }
}

/// How an object is named in reports: `Kind/namespace/name`, `Kind/name` when it has no
/// namespace, with a position suffix when two objects share a name. A kind of another API
/// group that bears a built-in kind's name is qualified by its group ([`qualified_kind`]):
/// a Knative Service is `Service.serving.knative.dev/shop/web`, next to `Service/shop/web`.
pub fn object_name(object: &impl ObjectFields) -> String {
    let group = object
        .text_at("/apiVersion")
        .rsplit_once('/')
        .map_or("", |(group, _)| group);
    let kind = qualified_kind(group, object.text_at("/kind"));
    let namespace = object.text_at("/metadata/namespace");
    let name = match object.text_at("/metadata/name") {
        "" => object.text_at("/metadata/generateName"),
        name => name,
    };
    let kind = if kind.is_empty() { "Object" } else { &kind };
    let name = if name.is_empty() { "(unnamed)" } else { name };
    if namespace.is_empty() {
        format!("{kind}/{name}")
    } else {
        format!("{kind}/{namespace}/{name}")
    }
}

/// The report name of each object ([`object_name`]), with `#2`, `#3`... on repeats.
fn unique_names(objects: &[impl ObjectFields]) -> Vec<String> {
    let mut seen = std::collections::HashMap::<String, usize>::new();
    objects
        .iter()
        .map(|object| {
            let name = object_name(object);
            let count = seen.entry(name.clone()).or_default();
            *count += 1;
            if *count > 1 {
                format!("{name}#{count}")
            } else {
                name
            }
        })
        .collect()
}

/// Objects read from an API as manifests, one per object, named like the findings of
/// [`Engine::scan_objects`] (`ClusterRole/view`), for the questions `rbac` and `netpol`
/// answer about a live cluster. Such an object has no file and no lines: every position
/// is 0, and answers name the object alone.
pub fn manifests_from_objects<T: ObjectFields>(
    objects: &[T],
) -> Vec<palisade_iac::kubernetes::ManifestFile> {
    objects
        .iter()
        .zip(unique_names(objects))
        .filter_map(|(object, name)| manifest_of(object, &name))
        .collect()
}

/// The manifest of one object named `name` (`None` for one without `apiVersion` and `kind`).
pub(crate) fn manifest_of(
    object: &impl ObjectFields,
    name: &str,
) -> Option<palisade_iac::kubernetes::ManifestFile> {
    let document = palisade_yaml::Document {
        root: object.tree(),
        index: 0,
        start_line: 1,
    };
    let manifest = palisade_iac::kubernetes::ManifestFile::new(name, "", vec![document]);
    (!manifest.objects.is_empty()).then_some(manifest)
}

impl Engine {
    /// Scans Kubernetes objects with the same rules as files, the objects together forming
    /// the cluster context and the RBAC/NetworkPolicy graph.
    pub fn scan_objects<T: serde::Serialize + ObjectFields>(&self, objects: &[T]) -> ObjectScan {
        let names = unique_names(objects);
        let texts = objects
            .iter()
            .map(|o| serde_json::to_vec_pretty(o).unwrap_or_default().into())
            .collect();
        self.scan_texts(names, texts)
    }

    /// [`Engine::scan_objects`] on objects it may drop once written out as text: a large
    /// cluster is not held twice.
    pub fn scan_objects_owned(&self, objects: Vec<Json>) -> ObjectScan {
        let names = unique_names(&objects);
        let texts = objects
            .into_iter()
            .map(|o| serde_json::to_vec_pretty(&o).unwrap_or_default().into())
            .collect();
        self.scan_texts(names, texts)
    }

    /// The own rules of each of `objects` (per-object rules and secrets, not the
    /// cross-object ones), with the cluster context those rules read (ServiceAccounts,
    /// RuntimeClasses, exposing Services) taken from `objects` and `context`. With
    /// [`Engine::scan_objects_graph`] over the same objects and their context, it gives
    /// what [`Engine::scan_objects`] gives: an object changed is judged again alone.
    pub fn scan_objects_own(&self, objects: &[&Json], context: &[&Json]) -> ObjectScan {
        let context: Vec<FileEntry> = context
            .iter()
            .map(|o| {
                FileEntry::memory(
                    object_name(o),
                    std::sync::Arc::<[u8]>::from(serde_json::to_vec_pretty(o).unwrap_or_default()),
                )
            })
            .collect();
        self.scan_objects_in(objects, crate::scan::Pass::Own { context: &context })
    }

    /// The cross-object rules (RBAC and NetworkPolicy graph, user policies) over `objects`,
    /// none of their own rules: see [`Engine::scan_objects_own`].
    pub fn scan_objects_graph(&self, objects: &[&Json]) -> ObjectScan {
        self.scan_objects_in(objects, crate::scan::Pass::Graph)
    }

    fn scan_objects_in(&self, objects: &[&Json], pass: crate::scan::Pass) -> ObjectScan {
        let names = unique_names(objects);
        let texts = objects
            .iter()
            .map(|o| serde_json::to_vec_pretty(o).unwrap_or_default().into())
            .collect();
        self.scan_texts_in(names, texts, pass)
    }

    fn scan_texts(&self, names: Vec<String>, texts: Vec<std::sync::Arc<[u8]>>) -> ObjectScan {
        self.scan_texts_in(names, texts, crate::scan::Pass::Whole)
    }

    fn scan_texts_in(
        &self,
        names: Vec<String>,
        texts: Vec<std::sync::Arc<[u8]>>,
        pass: crate::scan::Pass,
    ) -> ObjectScan {
        let count = texts.len();
        // One copy of each text, shared by the scan and the field-path lookup below.
        let entries: Vec<FileEntry> = names
            .iter()
            .zip(&texts)
            .map(|(name, text)| FileEntry::memory(name.clone(), text.clone()))
            .collect();
        let by_name: std::collections::HashMap<&str, &std::sync::Arc<[u8]>> =
            names.iter().map(String::as_str).zip(&texts).collect();
        let report = ScanReport {
            targets: entries.iter().map(|d| d.display.clone()).collect(),
            ..ScanReport::default()
        };
        let mut report = self.scan_pass(
            entries,
            report,
            &crate::Quiet,
            &crate::kustomize::Renderings::default(),
            pass,
        );
        report.targets = vec![format!("{count} objects")];
        // Findings grouped by object, so each object's tree is parsed once and dropped.
        let mut located: Vec<&mut palisade_core::Finding> = report
            .findings
            .iter_mut()
            .chain(report.suppressed.iter_mut())
            .collect();
        located.sort_by(|a, b| a.location.path.cmp(&b.location.path));
        let mut current: Option<(String, Option<Vec<palisade_yaml::Document>>)> = None;
        for finding in located {
            let Some(text) = by_name.get(finding.location.path.as_str()) else {
                continue;
            };
            let Some(line) = finding.location.line else {
                continue;
            };
            if current
                .as_ref()
                .is_none_or(|(p, _)| *p != finding.location.path)
            {
                let tree = std::str::from_utf8(text)
                    .ok()
                    .and_then(|t| palisade_yaml::load(t).ok());
                current = Some((finding.location.path.clone(), tree));
            }
            let Some(root) = current
                .as_ref()
                .and_then(|(_, tree)| tree.as_ref())
                .and_then(|docs| docs.first())
            else {
                continue;
            };
            let column = finding.location.column.unwrap_or(0);
            let mut path = String::new();
            if field_at(&root.root, line, column, &mut path) && !path.is_empty() {
                finding.location.field = Some(path);
            }
            // The line and column are in the JSON text written for the scan, which no one
            // can open: the object and the field path are the place.
            finding.location.line = None;
            finding.location.column = None;
        }
        ObjectScan { report, names }
    }
}

impl Engine {
    /// The rules that judge a running cluster's state (pod status, what refers to what)
    /// over `objects` as the API returned them, pods not yet folded into their controllers:
    /// each finding names the object a person changes, with its field path, and goes
    /// through the `palisade.dev/ignore` annotation of that object, `palisade.toml` and the
    /// filters like every other finding.
    pub fn scan_live<T: std::borrow::Borrow<Json>>(&self, objects: &[T]) -> ScanReport {
        let mut report = ScanReport::default();
        let none = palisade_core::InlineIgnores::default();
        for live in palisade_iac::kubernetes::live::check(objects, &self.live) {
            let object: &Json = objects[live.object].borrow();
            let name = object_name(object);
            let mut finding = live.finding;
            finding.location.path = name.clone();
            finding.location.resource = Some(name.clone());
            let markers = palisade_core::ObjectMarkers {
                annotation: palisade_iac::kubernetes::ignored_rules(
                    object
                        .pointer("/metadata/annotations")
                        .and_then(|a| a.get(palisade_iac::kubernetes::IGNORE_ANNOTATION))
                        .and_then(Json::as_str)
                        .unwrap_or(""),
                )
                .map(str::to_string)
                .collect(),
                annotation_name: palisade_iac::kubernetes::IGNORE_ANNOTATION,
                resource: name,
                start_line: 0,
            };
            match palisade_core::suppression(&none, Some(&markers), &finding) {
                Some(by) => {
                    finding.suppressed = Some(Box::new(by));
                    report.suppressed.push(finding);
                }
                None => report.findings.push(finding),
            }
        }
        self.finish(&mut report);
        report
    }
}

/// Writes into `path` the field path of the node at (`line`, `column`) under `node`: the
/// deepest node starting there (or, without a column, the first on that line).
pub(crate) fn field_at(node: &Node, line: u32, column: u32, path: &mut String) -> bool {
    let here = |n: &Node| n.pos.line == line && (column == 0 || n.pos.column == column);
    match &node.kind {
        NodeKind::Map(entries) => {
            for (key, value) in entries {
                let mark = path.len();
                let name = key.as_str().unwrap_or("?");
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(name);
                if field_at(value, line, column, path) || here(key) || here(value) {
                    return true;
                }
                path.truncate(mark);
            }
            false
        }
        NodeKind::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                let mark = path.len();
                path.push_str(&format!("[{i}]"));
                if field_at(item, line, column, path) || here(item) {
                    return true;
                }
                path.truncate(mark);
            }
            false
        }
        NodeKind::Scalar(_) => false,
    }
}

/// The objects of a `kubectl get ... -o json` (or `-o yaml`) dump: a `List` (its items),
/// one object, or a stream of YAML documents; Lists inside are flattened.
pub fn objects_from_dump(display: &str, text: &str) -> Result<Vec<Json>, palisade_core::ScanError> {
    let trimmed = text.trim_start();
    let values: Vec<Json> = if trimmed.starts_with('{') || trimmed.starts_with('[') {
        // Read straight into the compact form: a dump of 50,000 objects is never a
        // `serde_json::Value` tree.
        let value: Json = serde_json::from_str(text).map_err(|e| {
            palisade_core::ScanError::new(
                display,
                Some(e.line() as u32),
                format!("invalid JSON at column {}: {e}", e.column()),
            )
        })?;
        match value {
            Json::Array(items) => items.into_vec(),
            other => vec![other],
        }
    } else {
        palisade_yaml::load(text)
            .map_err(|e| {
                palisade_core::ScanError::new(
                    display,
                    Some(e.line),
                    format!("invalid YAML at column {}: {}", e.column, e.message),
                )
            })?
            .iter()
            // Typed as kubectl sends it, as policies see manifests.
            .map(|doc| Json::from(palisade_policy::yaml_to_json(&doc.root)))
            .filter(|v| !v.is_null())
            .collect()
    };
    let mut objects = Vec::new();
    let mut stack: Vec<Json> = values.into_iter().rev().collect();
    while let Some(value) = stack.pop() {
        let is_list = value
            .get("kind")
            .and_then(Json::as_str)
            .is_some_and(|k| k.ends_with("List"))
            && value.get("items").is_some_and(Json::is_array);
        if is_list {
            // Moved, not copied: a dump of 50,000 objects is held once.
            if let Json::Object(mut list) = value {
                if let Some(Json::Array(items)) = list.remove("items") {
                    stack.extend(items.into_vec().into_iter().rev());
                }
            }
        } else if value.is_object() {
            objects.push(value);
        }
    }
    Ok(objects)
}

/// The rules whose results depend on objects of `kind` (`Secret`, `ClusterRole`): when a
/// cluster does not let Palisade list that kind, these rules were not evaluated, or not on
/// every object they concern. Empty for a kind no rule reads.
pub fn rules_reading(kind: &str) -> &'static [&'static str] {
    /// Rules that judge pod specs, and those that relate workloads to other objects.
    const WORKLOAD: &[&str] = &[
        "IMG001", "IMG002", "IMG003", "ISO001", "ISO002", "ISO003", "ISO004", "ISO005", "ISO006",
        "ISO007", "ISO008", "ISO009", "ISO010", "ISO011", "ISO012", "ISO013", "ISO014", "ISO015",
        "ISO016", "ISO017", "ISO018", "ISO019", "ISO020", "ISO021", "ISO023", "SEC202", "RBAC014",
        "SEC210", "NET001", "NET002", "NET003", "NET004", "NET007", "NET008", "NET009", "IMG004",
        "ISO024", "ISO025", "ISO026", "SEC203",
    ];
    /// Rules that read roles and bindings.
    const RBAC: &[&str] = &[
        "RBAC001", "RBAC002", "RBAC003", "RBAC004", "RBAC005", "RBAC006", "RBAC007", "RBAC008",
        "RBAC009", "RBAC010", "RBAC011", "RBAC012", "RBAC013", "RBAC014", "RBAC015", "SEC210",
    ];
    /// The rules that read roles, and those that only ask whether a binding exists.
    const RBAC_BINDINGS: &[&str] = &[
        "RBAC001", "RBAC002", "RBAC003", "RBAC004", "RBAC005", "RBAC006", "RBAC007", "RBAC008",
        "RBAC009", "RBAC010", "RBAC011", "RBAC012", "RBAC013", "RBAC014", "RBAC015", "SEC210",
        "ISO024",
    ];
    match kind {
        "Pod"
        | "Deployment"
        | "DaemonSet"
        | "StatefulSet"
        | "ReplicaSet"
        | "ReplicationController"
        | "Job"
        | "CronJob" => WORKLOAD,
        "Role" | "ClusterRole" => RBAC,
        // Whether a service account has any permission at all (ISO024).
        "RoleBinding" | "ClusterRoleBinding" => RBAC_BINDINGS,
        // Namespace labels: Pod Security enforcement, and namespaceSelector peers.
        "Namespace" => &["ISO022", "NET008"],
        // Whether a pod's token is mounted comes from its ServiceAccount too.
        "ServiceAccount" => &["ISO020", "RBAC014", "SEC210", "SEC203"],
        "ConfigMap" => &["SEC201"],
        // Secrets are read for their metadata: which ones nothing refers to.
        "Secret" => &["SEC203"],
        "NetworkPolicy" => &[
            "NET001", "NET002", "NET003", "NET004", "NET005", "NET006", "NET007", "NET008",
            "NET009",
        ],
        // What a LoadBalancer/NodePort Service or an Ingress exposes.
        "Service" => &["ISO021", "NET004", "NET007", "NET008"],
        "Ingress" => &["NET004", "NET007", "NET008", "SEC203"],
        "RuntimeClass" => &["ISO021"],
        // Webhook configurations are listed for rules to come: no rule reads them yet.
        _ => &[],
    }
}

/// The rules that conclude from the absence of objects of `kind` (no NetworkPolicy, no
/// Role of that name, no ServiceAccount turning token mounting off...): when that kind
/// could not be listed, their findings would report what may not be true, so they are
/// withheld. A subset of [`rules_reading`].
pub fn rules_misled_without(kind: &str) -> &'static [&'static str] {
    match kind {
        // A policy selecting no workload, or a secret that no workload mounts, when the
        // workloads were not all read.
        "Pod"
        | "Deployment"
        | "DaemonSet"
        | "StatefulSet"
        | "ReplicaSet"
        | "ReplicationController"
        | "Job"
        | "CronJob" => &["NET009", "SEC203"],
        // A binding to a role that does not exist.
        "Role" | "ClusterRole" => &["RBAC015"],
        // An account that no binding names, when the bindings were not all read.
        "RoleBinding" | "ClusterRoleBinding" => &["ISO024"],
        // Token mounting taken as on when the ServiceAccount's setting is unknown.
        "ServiceAccount" => &["ISO020", "RBAC014", "SEC210", "SEC203"],
        // Namespaces and workloads without policies, reachability without policies.
        "NetworkPolicy" => &["NET001", "NET002", "NET003", "NET007", "NET008"],
        // A public endpoint's open port is accepted only when its Service or Ingress is seen.
        "Service" => &["NET004"],
        // ...and a secret that no Ingress serves, when the Ingresses were not all read.
        "Ingress" => &["NET004", "SEC203"],
        // A RuntimeClass that was not read is taken as not sandboxed.
        "RuntimeClass" => &["ISO021"],
        _ => &[],
    }
}

/// Judges workloads once, through their controllers: drops every Pod, ReplicaSet or Job
/// whose controlling owner (`ownerReferences` with `controller: true`) is among `objects`,
/// directly or through its own owner, so a finding names the Deployment or CronJob a
/// person edits rather than each of its pods. Objects whose owner is absent (a controller
/// Palisade did not read, or a bare pod) stay. Returns the number of objects dropped.
pub fn judge_through_controllers<T: std::borrow::Borrow<Json>>(objects: &mut Vec<T>) -> usize {
    use std::collections::HashSet;
    let present: HashSet<&str> = objects
        .iter()
        .map(|o| o.borrow().text_at("/metadata/uid"))
        .filter(|uid| !uid.is_empty())
        .collect();
    fn controller_uid(o: &Json) -> Option<&str> {
        o.pointer("/metadata/ownerReferences")?
            .as_array()?
            .iter()
            .find(|r| r.get("controller").and_then(Json::as_bool) == Some(true))
            .and_then(|r| r.get("uid")?.as_str())
    }
    let owned = |o: &Json| {
        matches!(o.text_at("/kind"), "Pod" | "ReplicaSet" | "Job")
            && controller_uid(o).is_some_and(|uid| present.contains(uid))
    };
    let keep: Vec<bool> = objects.iter().map(|o| !owned(o.borrow())).collect();
    drop(present);
    let before = objects.len();
    let mut flags = keep.into_iter();
    objects.retain(|_| flags.next().unwrap_or(true));
    before - objects.len()
}

#[cfg(test)]
mod manifest_tests {
    use super::manifests_from_objects;
    use serde_json::json;

    #[test]
    fn api_objects_become_manifests_named_after_them_without_lines() {
        let role = json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
            "metadata": {"name": "reader", "namespace": "shop"},
            "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}]});
        let objects: Vec<palisade_core::Json> = [role.clone(), role, json!({"kind": "Nothing"})]
            .iter()
            .map(palisade_core::Json::from)
            .collect();
        let manifests = manifests_from_objects(&objects);
        let names: Vec<&str> = manifests.iter().map(|m| m.path.as_ref()).collect();
        assert_eq!(names, ["Role/shop/reader", "Role/shop/reader#2"]);
        let object = &manifests[0].objects[0];
        assert_eq!(
            (object.kind.as_str(), object.name.as_str()),
            ("Role", "reader")
        );
        let rules = object.root.get("rules").unwrap();
        assert_eq!((object.root.pos.line, rules.pos.line), (0, 0));
    }

    /// What loading an object's JSON text gives, every position 0: the tree an object
    /// had before it was built directly.
    fn loaded(object: &impl serde::Serialize) -> palisade_yaml::Node {
        fn forget(node: &mut palisade_yaml::Node) {
            node.pos = palisade_yaml::Pos::default();
            match &mut node.kind {
                palisade_yaml::NodeKind::Map(entries) => {
                    for (key, value) in entries {
                        forget(key);
                        forget(value);
                    }
                }
                palisade_yaml::NodeKind::Seq(items) => items.iter_mut().for_each(forget),
                palisade_yaml::NodeKind::Scalar(_) => {}
            }
        }
        let text = serde_json::to_string(object).unwrap();
        let mut documents = palisade_yaml::load(&text).unwrap();
        assert_eq!(documents.len(), 1);
        let mut root = documents.remove(0).root;
        forget(&mut root);
        root
    }

    #[test]
    fn an_object_is_the_tree_its_json_text_loads_as() {
        use super::ObjectFields;
        let object = json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "shop", "generation": 3,
                         "labels": {"app": "web", "tier": "null", "zone": "yes"},
                         "annotations": {"note": "line one\nline \"two\"\t\u{1}é ☃ \\ end",
                                         "empty": ""}},
            "spec": {"replicas": 2, "paused": false, "progressDeadlineSeconds": null,
                     "ratio": 0.25, "big": 12345678901234567890u64, "negative": -7,
                     "small": 1.5e-7, "template": {"spec": {"containers": [
                         {"name": "app", "image": "nginx:1.27", "args": [], "env": [{}],
                          "ports": [{"containerPort": 8080}]}]}}}});
        let tree = loaded(&object);
        assert_eq!(object.tree(), tree);
        assert_eq!(palisade_core::Json::from(&object).tree(), tree);
    }
}

#[cfg(test)]
mod rule_dependency_tests {
    use super::{rules_misled_without, rules_reading};

    #[test]
    fn every_rule_named_exists() {
        let registry = crate::registry();
        for kind in [
            "Pod",
            "Role",
            "Namespace",
            "ServiceAccount",
            "ConfigMap",
            "NetworkPolicy",
            "Service",
            "Ingress",
            "RuntimeClass",
        ] {
            for id in rules_reading(kind) {
                assert!(registry.get(id).is_some(), "{kind}: no rule {id}");
            }
            for id in rules_misled_without(kind) {
                assert!(rules_reading(kind).contains(id), "{kind}: {id}");
            }
        }
    }
}

#[cfg(test)]
mod controller_tests {
    use super::judge_through_controllers;
    use serde_json::json;

    fn owned(kind: &str, uid: &str, owner: &str) -> serde_json::Value {
        json!({"kind": kind, "metadata": {"name": uid, "uid": uid,
            "ownerReferences": [{"kind": "X", "name": owner, "uid": owner, "controller": true}]}})
    }

    #[test]
    fn pods_and_replicasets_of_a_present_deployment_are_dropped() {
        let objects = [
            json!({"kind": "Deployment", "metadata": {"name": "web", "uid": "d1"}}),
            owned("ReplicaSet", "rs1", "d1"),
            owned("Pod", "p1", "rs1"),
            owned("Pod", "p2", "rs1"),
            // Owned by a controller that was not read: judged on its own.
            owned("Pod", "p3", "unknown"),
            json!({"kind": "Pod", "metadata": {"name": "bare", "uid": "p4"}}),
            // Owned, but not as controller.
            json!({"kind": "Pod", "metadata": {"name": "p5", "uid": "p5",
                "ownerReferences": [{"uid": "d1", "controller": false}]}}),
        ];
        let mut objects: Vec<palisade_core::Json> =
            objects.iter().map(palisade_core::Json::from).collect();
        assert_eq!(judge_through_controllers(&mut objects), 3);
        let names: Vec<&str> = objects
            .iter()
            .map(|o| {
                o.pointer("/metadata/name")
                    .and_then(|n| n.as_str())
                    .unwrap()
            })
            .collect();
        assert_eq!(names, ["web", "p3", "bare", "p5"]);
    }
}
