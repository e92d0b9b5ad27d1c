//! A cluster kept in memory for judging one object at a time against it (the admission
//! webhook's view, `palisade serve --cluster`): the objects a live scan reads, each parsed
//! once when it arrives, keyed by kind, namespace and name, plus what could not be read.
//! A workload (the largest objects, and the most numerous) is kept as what the network
//! rules read of it, its pods' labels and ports, rather than as its tree: the context rules
//! read no other field of a workload that is not under review.
//!
//! The index is here; judging an object against it is in `judge`:
//! [`Engine::judge_in_cluster`](crate::Engine::judge_in_cluster) puts the object under
//! review in the place of its stored version (or adds it), runs the rules that need the
//! rest of the cluster ([`CLUSTER_CONTEXT_RULES`]) over that state, and keeps only the
//! findings that belong to the object under review. It does not read the cluster (a
//! front-end feeds it from a watch) and does not judge the object's own fields (that is
//! [`Engine::scan_objects`](crate::Engine::scan_objects)).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use palisade_core::Json;
use palisade_iac::kubernetes::K8sObject;
use palisade_netpol::model::Workload;
use palisade_yaml::Node;

use crate::ObjectFields;

mod judge;

pub use judge::ContextJudgement;

#[cfg(test)]
mod tests;

/// The rules whose verdict on an object depends on other objects of the cluster (the
/// namespace's NetworkPolicies, the workloads a policy selects, the Roles a binding names,
/// the permissions of a workload's service account, among them reading Secrets it does not
/// mount).
pub const CLUSTER_CONTEXT_RULES: &[&str] = &[
    "NET001", "NET002", "NET003", "NET007", "NET008", "NET009", "RBAC014", "RBAC015", "SEC210",
];

/// Rules whose findings sit on a namespace or a Service but name the workloads they are
/// about: a workload under review owns such a finding when the finding names it.
const NAMING_WORKLOADS: &[&str] = &["NET001", "NET002", "NET003", "NET007"];

/// Where an object sits in the index.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct ObjectKey {
    /// Empty for a cluster-scoped object. First, so one namespace's objects are a range.
    namespace: String,
    kind: String,
    name: String,
}

impl ObjectKey {
    fn new(namespace: &str, kind: &str, name: &str) -> ObjectKey {
        ObjectKey {
            namespace: namespace.to_string(),
            kind: kind.to_string(),
            name: name.to_string(),
        }
    }

    /// A kind of another API group that bears a built-in kind's name (Knative's `Service`)
    /// is kept apart from the built-in one, by its qualified name.
    fn of(object: &K8sObject) -> ObjectKey {
        let group = object
            .api_version
            .rsplit_once('/')
            .map_or("", |(group, _)| group);
        ObjectKey {
            kind: crate::objects::qualified_kind(group, &object.kind).into_owned(),
            namespace: if object.is_cluster_scoped() {
                String::new()
            } else {
                object.effective_namespace().to_string()
            },
            name: object.name.clone(),
        }
    }
}

/// What the index keeps of an object.
#[derive(Debug, Clone)]
enum Stored {
    /// An object that makes pods: what the network rules read of it (the RBAC rules read
    /// only the workload under review).
    Workload(Arc<Workload>),
    /// Any other object, whole: the rules read NetworkPolicies, Services, Ingresses,
    /// Namespaces, ServiceAccounts and RBAC objects through and through.
    Object(Arc<K8sObject>),
}

impl Stored {
    fn of(object: K8sObject) -> Stored {
        match palisade_netpol::model::workload(&object) {
            Some(workload) => Stored::Workload(Arc::new(workload)),
            None => Stored::Object(Arc::new(object)),
        }
    }

    fn object(&self) -> Option<&K8sObject> {
        match self {
            Stored::Object(object) => Some(object),
            Stored::Workload(_) => None,
        }
    }

    fn is_workload(&self) -> bool {
        matches!(self, Stored::Workload(_))
    }
}

/// The objects of a cluster as last seen, and the kinds that could not be read.
#[derive(Debug, Clone, Default)]
pub struct ClusterIndex {
    objects: BTreeMap<ObjectKey, Stored>,
    /// The bindings by the service account (namespace, name) a subject names, as a
    /// ServiceAccount or as its user; those with a group (or another kind) of subject under
    /// `None`. A workload's permissions are found without reading every binding.
    bindings: BTreeMap<Option<(String, String)>, BTreeSet<ObjectKey>>,
    /// Kind → why its objects are not (all) known.
    unavailable: BTreeMap<String, String>,
    /// Whether the cluster was read at least once.
    listed: bool,
}

/// Where a binding is filed in [`ClusterIndex::bindings`]: the service accounts its
/// subjects name, and `None` for a group or any other kind of subject. Users that are not
/// service accounts grant a workload nothing.
fn binding_subjects(binding: &K8sObject) -> BTreeSet<Option<(String, String)>> {
    let mut filed = BTreeSet::new();
    if !matches!(binding.kind.as_str(), "RoleBinding" | "ClusterRoleBinding") {
        return filed;
    }
    for subject in binding
        .root
        .get("subjects")
        .into_iter()
        .flat_map(Node::items)
    {
        let text = |key: &str| subject.get(key).and_then(Node::as_str).unwrap_or("");
        match text("kind") {
            "ServiceAccount" => {
                let namespace = match text("namespace") {
                    "" => binding.effective_namespace(),
                    given => given,
                };
                filed.insert(Some((namespace.to_string(), text("name").to_string())));
            }
            "User" => {
                if let Some((namespace, name)) = text("name")
                    .strip_prefix("system:serviceaccount:")
                    .and_then(|rest| rest.split_once(':'))
                {
                    filed.insert(Some((namespace.to_string(), name.to_string())));
                }
            }
            _ => {
                filed.insert(None);
            }
        }
    }
    filed
}

/// The parsed object of an API object (`None` for one without `apiVersion` and `kind`):
/// its tree built straight from the object, with no room to spare, since it is kept for as
/// long as the object lives.
fn parse<T: ObjectFields>(object: &T) -> Option<K8sObject> {
    crate::objects::manifest_of(object, &crate::object_name(object))?
        .objects
        .into_iter()
        .next()
}

/// Workload controllers whose pod template stands for the pods (or ReplicaSets, Jobs) they
/// control, for the context rules: same labels, ports and service account.
const CONTROLLERS: &[&str] = &[
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
    "ReplicationController",
];

/// An object as an API server gives it, in either form a front-end holds it in: a
/// `serde_json::Value` (a watch event, an AdmissionReview) or a compact [`Json`] (a list).
pub trait ApiObject: ObjectFields {
    /// Whether the object is controlled by one of [`CONTROLLERS`] (`ownerReferences` with
    /// `controller: true`).
    fn controlled(&self) -> bool;
}

impl ApiObject for serde_json::Value {
    fn controlled(&self) -> bool {
        self.pointer("/metadata/ownerReferences")
            .and_then(|refs| refs.as_array())
            .is_some_and(|refs| {
                refs.iter().any(|r| {
                    r.get("controller").and_then(|c| c.as_bool()) == Some(true)
                        && r.get("kind")
                            .and_then(|k| k.as_str())
                            .is_some_and(|k| CONTROLLERS.contains(&k))
                })
            })
    }
}

impl ApiObject for Json {
    fn controlled(&self) -> bool {
        self.pointer("/metadata/ownerReferences")
            .and_then(Json::as_array)
            .is_some_and(|refs| {
                refs.iter().any(|r| {
                    r.get("controller").and_then(Json::as_bool) == Some(true)
                        && r.get("kind")
                            .and_then(Json::as_str)
                            .is_some_and(|k| CONTROLLERS.contains(&k))
                })
            })
    }
}

impl ClusterIndex {
    /// Stores `object` as it is now (created or changed). A pod, ReplicaSet or Job that a
    /// workload controller controls is not kept: its controller's template stands for it
    /// (the view of a cluster of many pods stays small).
    pub fn apply(&mut self, object: &impl ApiObject) {
        if object.controlled() {
            // An object that gained an owner since it was stored.
            self.remove(object);
            return;
        }
        if let Some(parsed) = parse(object) {
            let key = ObjectKey::of(&parsed);
            self.forget(&key);
            for subject in binding_subjects(&parsed) {
                self.bindings
                    .entry(subject)
                    .or_default()
                    .insert(key.clone());
            }
            self.objects.insert(key, Stored::of(parsed));
        }
    }

    /// Forgets `object` (deleted).
    pub fn remove(&mut self, object: &impl ApiObject) {
        if let Some(parsed) = parse(object) {
            self.forget(&ObjectKey::of(&parsed));
        }
    }

    fn forget(&mut self, key: &ObjectKey) {
        let Some(old) = self.objects.remove(key) else {
            return;
        };
        let Some(old) = old.object() else {
            return;
        };
        for subject in binding_subjects(old) {
            if let Some(keys) = self.bindings.get_mut(&subject) {
                keys.remove(key);
                if keys.is_empty() {
                    self.bindings.remove(&subject);
                }
            }
        }
    }

    /// Replaces every object of `kind` (in `namespace`, or everywhere) with `objects`: a
    /// new list of that kind.
    pub fn replace(&mut self, kind: &str, namespace: Option<&str>, objects: &[impl ApiObject]) {
        let stale: Vec<ObjectKey> = self
            .objects
            .keys()
            .filter(|key| key.kind == kind && namespace.is_none_or(|ns| key.namespace == ns))
            .cloned()
            .collect();
        for key in &stale {
            self.forget(key);
        }
        for object in objects {
            self.apply(object);
        }
    }

    /// The objects of `namespace` (`""`: the cluster-scoped ones), in key order.
    fn in_namespace<'a>(
        &'a self,
        namespace: &'a str,
    ) -> impl Iterator<Item = (&'a ObjectKey, &'a Stored)> {
        self.objects
            .range(ObjectKey::new(namespace, "", "")..)
            .take_while(move |(key, _)| key.namespace == namespace)
    }

    /// The objects of `kind` in `namespace`.
    fn of_kind<'a>(
        &'a self,
        namespace: &'a str,
        kind: &'a str,
    ) -> impl Iterator<Item = (&'a ObjectKey, &'a Stored)> {
        self.objects
            .range(ObjectKey::new(namespace, kind, "")..)
            .take_while(move |(key, _)| key.namespace == namespace && key.kind == kind)
    }

    /// Records that the objects of `kind` could not be read (or no longer followed).
    pub fn set_unavailable(&mut self, kind: &str, reason: impl Into<String>) {
        self.unavailable.insert(kind.to_string(), reason.into());
    }

    /// Records that the objects of `kind` are read again.
    pub fn set_available(&mut self, kind: &str) {
        self.unavailable.remove(kind);
    }

    /// Records that the cluster has been read: until then no context rule is evaluated.
    pub fn mark_listed(&mut self) {
        self.listed = true;
    }

    pub fn is_listed(&self) -> bool {
        self.listed
    }

    /// The kinds that could not be read, with the reason.
    pub fn unavailable(&self) -> &BTreeMap<String, String> {
        &self.unavailable
    }

    pub fn len(&self) -> usize {
        self.objects.len()
    }

    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }

    /// The Namespace objects, for their labels.
    pub fn namespaces(&self) -> impl Iterator<Item = &K8sObject> {
        self.of_kind("", "Namespace")
            .filter_map(|(_, stored)| stored.object())
    }

    /// The context rules that cannot be evaluated now: every one before the first read,
    /// then those that read a kind that could not be read.
    pub fn not_evaluated(&self) -> BTreeSet<&'static str> {
        if !self.listed {
            return CLUSTER_CONTEXT_RULES.iter().copied().collect();
        }
        self.unavailable
            .keys()
            .flat_map(|kind| crate::rules_reading(kind))
            .filter(|id| CLUSTER_CONTEXT_RULES.contains(id))
            .copied()
            .collect()
    }
}
