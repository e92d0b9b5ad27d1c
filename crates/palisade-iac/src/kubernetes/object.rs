//! Kubernetes objects recognised by content.

use std::collections::BTreeMap;
use std::sync::Arc;

use palisade_core::Location;
use palisade_yaml::{Document, Node, NodeKind};

/// Annotation listing rule ids to silence on a resource: `palisade.dev/ignore: "ISO001,ISO014"`.
pub const IGNORE_ANNOTATION: &str = "palisade.dev/ignore";

/// One Kubernetes object from a manifest, with its source tree.
#[derive(Debug, Clone)]
pub struct K8sObject {
    pub path: Arc<str>,
    pub api_version: String,
    pub kind: String,
    pub name: String,
    /// Namespace as written; `None` when the manifest leaves it to the applier.
    pub namespace: Option<String>,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
    /// Line of the object's first field.
    pub start_line: u32,
    pub root: Node,
}

impl K8sObject {
    /// Builds an object from a mapping with string `apiVersion` and `kind`.
    pub fn from_node(path: &Arc<str>, node: Node) -> Option<K8sObject> {
        let api_version = node.get("apiVersion")?.as_str()?.to_string();
        let kind = node.get("kind")?.as_str()?.to_string();
        if api_version.is_empty() || kind.is_empty() {
            return None;
        }
        let meta = node.get("metadata");
        let text = |key: &str| {
            meta.and_then(|m| m.get(key))
                .and_then(Node::as_str)
                .map(str::to_string)
        };
        Some(K8sObject {
            path: path.clone(),
            name: text("name")
                .or_else(|| text("generateName"))
                .unwrap_or_default(),
            namespace: text("namespace").filter(|n| !n.is_empty()),
            labels: string_map(meta.and_then(|m| m.get("labels"))),
            annotations: string_map(meta.and_then(|m| m.get("annotations"))),
            start_line: node.pos.line,
            api_version,
            kind,
            root: node,
        })
    }

    pub fn is_cluster_scoped(&self) -> bool {
        palisade_core::kinds::is_cluster_scoped(&self.kind)
    }

    /// The namespace the object lands in (`default` when the manifest does not say).
    pub fn effective_namespace(&self) -> &str {
        self.namespace.as_deref().unwrap_or("default")
    }

    /// A Service's `spec.type` (`ClusterIP` when unset, as the API server defaults it)
    /// and `spec.selector`: the one reading of a Service that the cluster context (ISO021)
    /// and the network model (NET rules) share.
    pub fn service_spec(&self) -> (&str, BTreeMap<String, String>) {
        let spec = self.root.get("spec");
        let service_type = spec
            .and_then(|s| s.get("type"))
            .and_then(Node::as_str)
            .unwrap_or("ClusterIP");
        (
            service_type,
            string_map(spec.and_then(|s| s.get("selector"))),
        )
    }

    /// `Kind/namespace/name`, or `Kind/name` for cluster-scoped kinds.
    pub fn resource_id(&self) -> String {
        if self.is_cluster_scoped() {
            format!("{}/{}", self.kind, self.name)
        } else {
            format!("{}/{}/{}", self.kind, self.effective_namespace(), self.name)
        }
    }

    /// Location of `node` (a node of this object) in the source file.
    pub fn location(&self, node: &Node) -> Location {
        let pos = if node.pos.line == 0 {
            self.root.pos
        } else {
            node.pos
        };
        Location::at(self.path.as_ref(), pos.line, pos.column).with_resource(self.resource_id())
    }

    /// Rule ids listed in the `palisade.dev/ignore` annotation.
    /// What silences findings on this object (block markers, the ignore annotation).
    pub fn markers(&self) -> palisade_core::ObjectMarkers {
        palisade_core::ObjectMarkers {
            start_line: self.start_line,
            annotation: self.ignored_rules().map(str::to_string).collect(),
            annotation_name: IGNORE_ANNOTATION,
            resource: self.resource_id(),
        }
    }

    pub fn ignored_rules(&self) -> impl Iterator<Item = &str> {
        ignored_rules(
            self.annotations
                .get(IGNORE_ANNOTATION)
                .map(|v| v.as_str())
                .unwrap_or(""),
        )
    }
}

/// The rule ids (or `*`) a `palisade.dev/ignore` annotation's value lists.
pub fn ignored_rules(annotation: &str) -> impl Iterator<Item = &str> {
    annotation
        .split([',', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// A mapping of strings (labels, annotations, selectors); non-string values are skipped.
pub(crate) fn string_map(node: Option<&Node>) -> BTreeMap<String, String> {
    node.map(|n| {
        n.entries()
            .map(|(k, v)| (k.to_string(), v.as_str().unwrap_or("").to_string()))
            .collect()
    })
    .unwrap_or_default()
}

/// Every object of the documents, with `List` and `*List` kinds flattened. The documents'
/// trees move into the objects: nothing is copied.
pub fn objects_from_documents(path: &Arc<str>, documents: Vec<Document>) -> Vec<K8sObject> {
    let mut out = Vec::new();
    for doc in documents {
        collect(path, doc.root, &mut out, 0);
    }
    out
}

fn collect(path: &Arc<str>, node: Node, out: &mut Vec<K8sObject>, depth: usize) {
    let kind = node.get("kind").and_then(Node::as_str).unwrap_or("");
    if depth < 4 && kind.ends_with("List") && node.get("items").is_some() {
        if let NodeKind::Map(entries) = node.kind {
            for (key, value) in entries {
                if key.as_str() == Some("items") {
                    if let NodeKind::Seq(items) = value.kind {
                        for item in items {
                            collect(path, item, out, depth + 1);
                        }
                    }
                }
            }
        }
        return;
    }
    if let Some(obj) = K8sObject::from_node(path, node) {
        out.push(obj);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn objects(text: &str) -> Vec<K8sObject> {
        let docs = palisade_yaml::load(text).unwrap();
        objects_from_documents(&Arc::from("m.yaml"), docs)
    }

    #[test]
    fn lists_are_flattened_and_ids_scoped() {
        let objs = objects(
            "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: a, namespace: x}\n- apiVersion: v1\n  kind: Namespace\n  metadata: {name: x}\n",
        );
        assert_eq!(objs.len(), 2);
        assert_eq!(objs[0].resource_id(), "Pod/x/a");
        assert_eq!(objs[0].start_line, 4);
        assert_eq!(objs[1].resource_id(), "Namespace/x");
    }

    #[test]
    fn documents_without_kind_are_not_objects() {
        assert!(objects("foo: bar\n---\napiVersion: v1\n").is_empty());
        assert_eq!(
            objects("apiVersion: v1\nkind: Pod\n")[0].resource_id(),
            "Pod/default/"
        );
    }
}
