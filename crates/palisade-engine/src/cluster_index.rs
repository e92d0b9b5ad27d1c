//! A cluster kept in memory for judging one object at a time against it (the admission
//! webhook's view, `palisade serve --cluster`): the objects a live scan reads, each parsed
//! once when it arrives, keyed by kind, namespace and name, plus what could not be read.
//! A workload (the largest objects, and the most numerous) is kept as what the network
//! rules read of it, its pods' labels and ports, rather than as its tree: the context rules
//! read no other field of a workload that is not under review.
//!
//! [`Engine::judge_in_cluster`] puts the object under review in the place of its stored
//! version (or adds it), runs the rules that need the rest of the cluster
//! ([`CLUSTER_CONTEXT_RULES`]) over that state, and keeps only the findings that belong to
//! the object under review. It does not read the cluster (a front-end feeds it from a
//! watch) and does not judge the object's own fields (that is [`Engine::scan_objects`]).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use palisade_core::{Json, ScanReport};
use palisade_iac::kubernetes::{K8sObject, PodView};
use palisade_netpol::model::Workload;
use palisade_yaml::{Node, NodeKind};

use crate::{Engine, ObjectFields};

/// The rules whose verdict on an object depends on other objects of the cluster (the
/// namespace's NetworkPolicies, the workloads a policy selects, the Roles a binding names,
/// the permissions of a workload's service account).
pub const CLUSTER_CONTEXT_RULES: &[&str] = &[
    "NET001", "NET002", "NET003", "NET007", "NET008", "NET009", "RBAC014", "RBAC015",
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

    fn of(object: &K8sObject) -> ObjectKey {
        ObjectKey {
            kind: object.kind.clone(),
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

/// The parsed object of an API object (`None` for one without `apiVersion` and `kind`).
fn parse<T: serde::Serialize + ObjectFields>(object: &T) -> Option<K8sObject> {
    crate::manifests_from_objects(std::slice::from_ref(object))
        .into_iter()
        .next()?
        .objects
        .into_iter()
        .next()
}

/// Gives back the room the parser left spare in `node`'s lists and strings: a tree kept
/// for as long as its object lives should not hold more than it needs.
fn shrink(node: &mut Node) {
    match &mut node.kind {
        NodeKind::Scalar(scalar) => scalar.value.shrink_to_fit(),
        NodeKind::Seq(items) => {
            items.shrink_to_fit();
            items.iter_mut().for_each(shrink);
        }
        NodeKind::Map(entries) => {
            entries.shrink_to_fit();
            for (key, value) in entries {
                shrink(key);
                shrink(value);
            }
        }
    }
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
pub trait ApiObject: serde::Serialize + ObjectFields {
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
        if let Some(mut parsed) = parse(object) {
            let key = ObjectKey::of(&parsed);
            self.forget(&key);
            for subject in binding_subjects(&parsed) {
                self.bindings
                    .entry(subject)
                    .or_default()
                    .insert(key.clone());
            }
            shrink(&mut parsed.root);
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

/// What the context rules say of one object.
#[derive(Debug, Default)]
pub struct ContextJudgement {
    /// Findings of the context rules that belong to the object, after suppressions.
    pub report: ScanReport,
    /// Context rules that were not evaluated, because the kinds they read are unknown.
    pub not_evaluated: BTreeSet<&'static str>,
}

/// Whether `text` names `id` as a whole (`Deployment/shop/web`, not `.../web2`).
fn names(text: &str, id: &str) -> bool {
    text.match_indices(id).any(|(at, _)| {
        let next = text[at + id.len()..].chars().next();
        !next.is_some_and(|c| c.is_alphanumeric() || matches!(c, '-' | '.' | '_' | '/'))
    })
}

/// The name in a binding's `roleRef` when it names a role of `kind`.
fn role_ref(binding: &K8sObject, kind: &str) -> Option<String> {
    let role_ref = binding.root.get("roleRef")?;
    (role_ref.get("kind")?.as_str()? == kind)
        .then(|| role_ref.get("name")?.as_str().map(str::to_string))?
}

/// The service account (namespace, name) a workload's pods run as.
fn service_account(workload: &K8sObject) -> Option<(String, String)> {
    let pod = PodView::of(workload)?;
    let name = ["serviceAccountName", "serviceAccount"]
        .iter()
        .find_map(|k| pod.spec.get(k).and_then(Node::as_str))
        .filter(|n| !n.is_empty())
        .unwrap_or("default");
    Some((workload.effective_namespace().to_string(), name.to_string()))
}

impl Engine {
    /// Judges `object` with the context rules against `index`, the object taking the place
    /// of its stored version: the findings located on the object, and, for a workload, the
    /// namespace and Service findings that name it (judged as if it were the only workload
    /// of its namespace, so a finding about its neighbours is not its own).
    pub fn judge_in_cluster(
        &self,
        index: &ClusterIndex,
        object: &serde_json::Value,
    ) -> ContextJudgement {
        let Some(reviewed) = parse(object) else {
            return ContextJudgement::default();
        };
        let key = ObjectKey::of(&reviewed);
        let id = reviewed.resource_id();
        let path = reviewed.path.clone();
        let is_workload = PodView::of(&reviewed).is_some();
        let kind = reviewed.kind.as_str();
        let network =
            is_workload || matches!(kind, "Service" | "Ingress" | "NetworkPolicy" | "Namespace");
        // RBAC014 sits on workloads and RBAC015 on bindings: a Role or a ServiceAccount under
        // review gets no finding of its own from them.
        let rbac = is_workload || matches!(kind, "RoleBinding" | "ClusterRoleBinding");
        // Only the rules that could judge this object are reported as not evaluated.
        let not_evaluated: BTreeSet<&'static str> = index
            .not_evaluated()
            .into_iter()
            .filter(|rule| {
                (network && rule.starts_with("NET")) || (rbac && rule.starts_with("RBAC"))
            })
            .collect();
        let mut judgement = ContextJudgement {
            report: ScanReport::default(),
            not_evaluated: not_evaluated.clone(),
        };
        if !index.is_listed() {
            return judgement;
        }
        let mut findings = Vec::new();
        if network {
            // Only a workload that declares ports can be a reachable database (NET008), the
            // one finding that depends on other namespaces' workloads and policies; every
            // other finding it could own is about its own namespace.
            let declares_ports = PodView::of(&reviewed).is_some_and(|pod| {
                pod.containers.iter().any(|c| {
                    c.node
                        .get("ports")
                        .into_iter()
                        .flat_map(Node::items)
                        .next()
                        .is_some()
                })
            });
            // The namespace its findings are about (a Namespace's own).
            let home = if kind == "Namespace" {
                reviewed.name.as_str()
            } else {
                key.namespace.as_str()
            };
            let relevant = |other_key: &ObjectKey, other: &Stored| {
                if *other_key == key {
                    false
                } else if other_key.namespace == home {
                    // The other workloads of its namespace are left out: a namespace finding
                    // then names this workload alone, if it concerns it.
                    !(is_workload && other.is_workload())
                } else if other_key.kind == "Namespace" {
                    // Its own Namespace (labels, where namespace findings sit); the others
                    // only for the peers of a reachable database.
                    other_key.name == home || declares_ports
                } else {
                    declares_ports && (other_key.kind == "NetworkPolicy" || other.is_workload())
                }
            };
            let candidates: Box<dyn Iterator<Item = (&ObjectKey, &Stored)>> = if declares_ports {
                Box::new(index.objects.iter())
            } else {
                let namespace = ObjectKey::new("", "Namespace", home);
                Box::new(
                    index
                        .in_namespace(home)
                        .chain(index.objects.get_key_value(&namespace)),
                )
            };
            let mut builder = palisade_netpol::NetworkBuilder::default();
            for (other_key, other) in candidates {
                if relevant(other_key, other) {
                    match other {
                        Stored::Workload(workload) => builder.add_workload((**workload).clone()),
                        Stored::Object(object) => builder.add(object),
                    }
                }
            }
            builder.add(&reviewed);
            let options = crate::network_options(&self.settings.config).unwrap_or_default();
            let outcome = palisade_netpol::check_model(&builder.finish(), &options);
            findings.extend(outcome.findings.into_iter().filter(|f| {
                // A policy that selects none of the workloads left out says nothing.
                !(is_workload && f.rule_id == "NET009")
            }));
        }
        if rbac {
            let mut builder = palisade_rbac::RbacBuilder::default();
            // Every ClusterRole (aggregation reads their labels), the bindings that may
            // name the workload's service account, that account, and the Roles those
            // bindings (or the binding under review) name.
            for (other_key, role) in index.of_kind("", "ClusterRole") {
                if let Some(role) = role.object().filter(|_| *other_key != key) {
                    builder.add(role);
                }
            }
            let mut named: BTreeSet<ObjectKey> = BTreeSet::new();
            let mut name_role = |binding: &K8sObject| {
                if let Some(role) = role_ref(binding, "Role") {
                    named.insert(ObjectKey::new(binding.effective_namespace(), "Role", &role));
                }
            };
            name_role(&reviewed);
            if let Some((namespace, name)) = service_account(&reviewed) {
                let account = Some((namespace.clone(), name.clone()));
                let bindings = [index.bindings.get(&account), index.bindings.get(&None)];
                for binding_key in bindings.into_iter().flatten().flatten() {
                    if *binding_key == key {
                        continue;
                    }
                    if let Some(binding) = index.objects.get(binding_key).and_then(Stored::object) {
                        name_role(binding);
                        builder.add(binding);
                    }
                }
                if let Some(sa) = index
                    .objects
                    .get(&ObjectKey::new(&namespace, "ServiceAccount", &name))
                    .and_then(Stored::object)
                {
                    builder.add(sa);
                }
            }
            for role_key in &named {
                if *role_key == key {
                    continue;
                }
                if let Some(role) = index.objects.get(role_key).and_then(Stored::object) {
                    builder.add(role);
                }
            }
            builder.add(&reviewed);
            findings.extend(palisade_rbac::check_model(&builder.finish()).findings);
        }
        let markers = reviewed.markers();
        let none = palisade_core::InlineIgnores::default();
        for mut finding in findings {
            let rule = finding.rule_id.as_ref();
            let Some(rule) = CLUSTER_CONTEXT_RULES.iter().find(|r| **r == rule) else {
                continue;
            };
            if not_evaluated.contains(rule) {
                continue;
            }
            let located = finding.location.path.as_str() == &*path
                || finding.location.resource.as_deref() == Some(id.as_str());
            let named =
                is_workload && NAMING_WORKLOADS.contains(rule) && names(&finding.message, &id);
            if !(located || named) {
                continue;
            }
            finding.location.path = path.to_string();
            finding.location.resource = Some(id.clone());
            finding.location.line = None;
            finding.location.column = None;
            match palisade_core::suppression(&none, Some(&markers), &finding) {
                Some(by) => {
                    finding.suppressed = Some(Box::new(by));
                    judgement.report.suppressed.push(finding);
                }
                None => judgement.report.findings.push(finding),
            }
        }
        self.finish(&mut judgement.report);
        judgement
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn engine() -> Engine {
        Engine::new(crate::Settings::default()).unwrap()
    }

    fn deployment(ns: &str, name: &str, account: Option<&str>) -> serde_json::Value {
        let mut spec = json!({"containers": [{"name": "app", "image": "nginx:1.27"}]});
        if let Some(account) = account {
            spec["serviceAccountName"] = json!(account);
        }
        json!({"apiVersion": "apps/v1", "kind": "Deployment",
               "metadata": {"name": name, "namespace": ns},
               "spec": {"selector": {"matchLabels": {"app": name}},
                        "template": {"metadata": {"labels": {"app": name}}, "spec": spec}}})
    }

    fn rules(judgement: &ContextJudgement) -> Vec<&str> {
        judgement
            .report
            .findings
            .iter()
            .map(|f| f.rule_id.as_ref())
            .collect()
    }

    fn listed(objects: &[serde_json::Value]) -> ClusterIndex {
        let mut index = ClusterIndex::default();
        for object in objects {
            index.apply(object);
        }
        index.mark_listed();
        index
    }

    #[test]
    fn nothing_is_judged_before_the_cluster_is_read() {
        let judgement =
            engine().judge_in_cluster(&ClusterIndex::default(), &deployment("shop", "web", None));
        assert!(judgement.report.findings.is_empty());
        assert_eq!(judgement.not_evaluated.len(), CLUSTER_CONTEXT_RULES.len());
        // A ConfigMap is not judged by any context rule: nothing is withheld from it.
        let config = json!({"apiVersion": "v1", "kind": "ConfigMap",
                            "metadata": {"name": "app", "namespace": "shop"}});
        let judgement = engine().judge_in_cluster(&ClusterIndex::default(), &config);
        assert!(judgement.not_evaluated.is_empty());
    }

    #[test]
    fn a_workload_owns_the_namespace_finding_only_while_no_policy_covers_it() {
        let namespace =
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}});
        let mut index = listed(&[namespace, deployment("shop", "old", None)]);
        let web = deployment("shop", "web", None);
        let judgement = engine().judge_in_cluster(&index, &web);
        assert_eq!(rules(&judgement), ["NET001"]);
        let finding = &judgement.report.findings[0];
        assert_eq!(finding.location.path, "Deployment/shop/web");
        assert!(
            finding.message.contains("Deployment/shop/web")
                && !finding.message.contains("Deployment/shop/old"),
            "{}",
            finding.message
        );
        index.apply(
            &json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": "deny", "namespace": "shop"},
            "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}}),
        );
        assert!(rules(&engine().judge_in_cluster(&index, &web)).is_empty());
        // A policy under review that selects the stored workload selects something.
        let policy = json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": "old", "namespace": "shop"},
            "spec": {"podSelector": {"matchLabels": {"app": "old"}}, "policyTypes": ["Ingress"]}});
        assert!(rules(&engine().judge_in_cluster(&index, &policy)).is_empty());
        let stray = json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": "stray", "namespace": "shop"},
            "spec": {"podSelector": {"matchLabels": {"app": "gone"}}, "policyTypes": ["Ingress"]}});
        assert_eq!(
            rules(&engine().judge_in_cluster(&index, &stray)),
            ["NET009"]
        );
    }

    #[test]
    fn rbac_findings_are_the_reviewed_objects_own() {
        let index = listed(&[
            json!({"apiVersion": "v1", "kind": "ServiceAccount",
                   "metadata": {"name": "deployer", "namespace": "ci"}}),
            json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
                   "metadata": {"name": "deployer-admin"},
                   "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"},
                   "subjects": [{"kind": "ServiceAccount", "name": "deployer", "namespace": "ci"}]}),
            json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                   "metadata": {"name": "deny", "namespace": "ci"},
                   "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}}),
        ]);
        let judgement =
            engine().judge_in_cluster(&index, &deployment("ci", "runner", Some("deployer")));
        assert_eq!(rules(&judgement), ["RBAC014"]);
        let binding = json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
            "metadata": {"name": "reader", "namespace": "ci"},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "missing"},
            "subjects": [{"kind": "ServiceAccount", "name": "deployer", "namespace": "ci"}]});
        assert_eq!(
            rules(&engine().judge_in_cluster(&index, &binding)),
            ["RBAC015"]
        );
    }

    #[test]
    fn a_workload_behind_a_load_balancer_owns_the_exposure_finding_that_names_it() {
        let index = listed(&[
            json!({"apiVersion": "v1", "kind": "Service",
                   "metadata": {"name": "web", "namespace": "shop"},
                   "spec": {"type": "LoadBalancer", "selector": {"app": "web"},
                            "ports": [{"port": 443}]}}),
            json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                   "metadata": {"name": "egress", "namespace": "shop"},
                   "spec": {"podSelector": {}, "policyTypes": ["Egress"]}}),
        ]);
        let judgement = engine().judge_in_cluster(&index, &deployment("shop", "web", None));
        assert!(
            rules(&judgement).contains(&"NET007"),
            "{:?}",
            rules(&judgement)
        );
        // The Service's exposure is not the finding of a workload it does not select.
        let judgement = engine().judge_in_cluster(&index, &deployment("shop", "admin", None));
        assert!(
            !rules(&judgement).contains(&"NET007"),
            "{:?}",
            rules(&judgement)
        );
    }

    #[test]
    fn a_namespace_under_review_is_judged_with_its_own_objects() {
        let namespace =
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}});
        let index = listed(&[namespace.clone(), deployment("shop", "web", None)]);
        let judgement = engine().judge_in_cluster(&index, &namespace);
        assert_eq!(rules(&judgement), ["NET001"]);
        assert_eq!(judgement.report.findings[0].location.path, "Namespace/shop");
        // An empty namespace has no workload to protect.
        let empty = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "lab"}});
        assert!(rules(&engine().judge_in_cluster(&index, &empty)).is_empty());
    }

    #[test]
    fn a_database_reachable_from_another_namespace_is_its_own_finding() {
        let mut db = deployment("data", "postgres", None);
        db["spec"]["template"]["spec"]["containers"][0]["ports"] = json!([{"containerPort": 5432}]);
        let index = listed(&[
            deployment("shop", "web", None),
            json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                   "metadata": {"name": "deny", "namespace": "data"},
                   "spec": {"podSelector": {}, "policyTypes": ["Egress"]}}),
        ]);
        let judgement = engine().judge_in_cluster(&index, &db);
        assert!(
            rules(&judgement).contains(&"NET008"),
            "{:?}",
            rules(&judgement)
        );
        // A web Deployment is not blamed for the database it could reach.
        let index = listed(&[db]);
        assert!(
            !rules(&engine().judge_in_cluster(&index, &deployment("shop", "web", None)))
                .contains(&"NET008")
        );
    }

    #[test]
    fn permissions_through_a_group_or_another_namespace_count() {
        let bind = |kind: &str, ns: Option<&str>, subject: serde_json::Value| {
            let mut binding = json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind,
                "metadata": {"name": "b"},
                "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole",
                            "name": "cluster-admin"},
                "subjects": [subject]});
            if let Some(ns) = ns {
                binding["metadata"]["namespace"] = json!(ns);
            }
            binding
        };
        let runner = deployment("ci", "runner", Some("deployer"));
        for binding in [
            bind(
                "ClusterRoleBinding",
                None,
                json!({"kind": "Group", "name": "system:serviceaccounts:ci",
                                                     "apiGroup": "rbac.authorization.k8s.io"}),
            ),
            bind(
                "RoleBinding",
                Some("prod"),
                json!({"kind": "ServiceAccount", "name": "deployer",
                                                      "namespace": "ci"}),
            ),
            bind(
                "ClusterRoleBinding",
                None,
                json!({"kind": "User",
                "name": "system:serviceaccount:ci:deployer", "apiGroup": "rbac.authorization.k8s.io"}),
            ),
        ] {
            let index = listed(std::slice::from_ref(&binding));
            assert!(
                rules(&engine().judge_in_cluster(&index, &runner)).contains(&"RBAC014"),
                "{binding}"
            );
        }
        // Another account's binding grants this one nothing.
        let other = bind(
            "ClusterRoleBinding",
            None,
            json!({"kind": "ServiceAccount",
            "name": "deployer", "namespace": "prod"}),
        );
        let index = listed(&[other]);
        assert!(!rules(&engine().judge_in_cluster(&index, &runner)).contains(&"RBAC014"));
    }

    #[test]
    fn an_unreadable_kind_withholds_the_rules_that_read_it() {
        let mut index = listed(&[]);
        index.set_unavailable("NetworkPolicy", "list networkpolicies forbidden");
        let judgement = engine().judge_in_cluster(&index, &deployment("shop", "web", None));
        assert!(rules(&judgement).is_empty());
        assert!(judgement.not_evaluated.contains("NET001"));
        assert!(!judgement.not_evaluated.contains("RBAC014"));
    }

    #[test]
    fn pods_of_a_controller_are_not_kept() {
        let pod = |owner: serde_json::Value| {
            json!({"apiVersion": "v1", "kind": "Pod",
                   "metadata": {"name": "web-1", "namespace": "shop", "ownerReferences": owner},
                   "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]}})
        };
        let mut index = ClusterIndex::default();
        index.apply(&pod(
            json!([{"kind": "ReplicaSet", "name": "web-5d9", "uid": "1",
                                  "controller": true}]),
        ));
        assert!(index.is_empty());
        // Not a controller, or not one whose template Palisade reads: kept.
        index.apply(&pod(
            json!([{"kind": "ReplicaSet", "name": "web-5d9", "uid": "1"}]),
        ));
        assert_eq!(index.len(), 1);
        index.apply(&pod(json!([{"kind": "Rollout", "name": "web", "uid": "2",
                                  "controller": true}])));
        assert_eq!(index.len(), 1);
        // In the compact form a list gives, the same.
        let controlled = Json::from(pod(
            json!([{"kind": "ReplicaSet", "name": "web-5d9", "uid": "1", "controller": true}]),
        ));
        index.apply(&controlled);
        assert!(index.is_empty());
    }

    #[test]
    fn a_listed_object_in_the_compact_form_is_judged_as_one_watched() {
        let mut db = deployment("data", "postgres", None);
        db["spec"]["template"]["spec"]["containers"][0]["ports"] = json!([{"containerPort": 5432}]);
        let objects = [
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}),
            deployment("shop", "old", None),
            db,
            json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                   "metadata": {"name": "deny", "namespace": "data"},
                   "spec": {"podSelector": {}, "policyTypes": ["Egress"]}}),
        ];
        let compact: Vec<Json> = objects.iter().map(Json::from).collect();
        let mut from_list = ClusterIndex::default();
        for object in &compact {
            from_list.apply(object);
        }
        from_list.mark_listed();
        let watched = listed(&objects);
        assert_eq!(from_list.len(), watched.len());
        let mut reviewed = deployment("shop", "web", None);
        reviewed["spec"]["template"]["spec"]["containers"][0]["ports"] =
            json!([{"containerPort": 8080}]);
        let judge = |index: &ClusterIndex| {
            let judgement = engine().judge_in_cluster(index, &reviewed);
            judgement
                .report
                .findings
                .iter()
                .map(|f| (f.rule_id.to_string(), f.message.clone()))
                .collect::<Vec<_>>()
        };
        let findings = judge(&watched);
        assert_eq!(judge(&from_list), findings);
        assert!(
            findings.iter().any(|(rule, _)| rule == "NET001"),
            "{findings:?}"
        );
        // The stored Deployment with ports is still a peer of the one under review.
        let mut removed = from_list.clone();
        removed.remove(&compact[2]);
        assert_eq!(removed.len(), from_list.len() - 1);
    }

    /// `cargo test -p palisade-engine --release --lib -- --ignored --nocapture bench_judge`:
    /// the time of one judgement against a view of `PALISADE_BENCH_NAMESPACES` (default
    /// 200) namespaces, each with a Deployment, its Service, a NetworkPolicy, a
    /// ServiceAccount, a Role and a RoleBinding.
    #[test]
    #[ignore = "a measurement, run by hand"]
    fn bench_judge_in_cluster() {
        let namespaces: usize = std::env::var("PALISADE_BENCH_NAMESPACES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(200);
        let mut index = ClusterIndex::default();
        for i in 0..namespaces {
            let ns = format!("team-{i}");
            index
                .apply(&json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}));
            index.apply(&deployment(&ns, "api", Some("api")));
            index.apply(&json!({"apiVersion": "v1", "kind": "Service",
                "metadata": {"name": "api", "namespace": ns},
                "spec": {"selector": {"app": "api"}, "ports": [{"port": 80}]}}));
            index.apply(
                &json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                "metadata": {"name": "deny", "namespace": ns},
                "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}}),
            );
            index.apply(&json!({"apiVersion": "v1", "kind": "ServiceAccount",
                "metadata": {"name": "api", "namespace": ns}}));
            index.apply(
                &json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
                "metadata": {"name": "api", "namespace": ns},
                "rules": [{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get"]}]}),
            );
            index.apply(
                &json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
                "metadata": {"name": "api", "namespace": ns},
                "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "api"},
                "subjects": [{"kind": "ServiceAccount", "name": "api", "namespace": ns}]}),
            );
        }
        index.mark_listed();
        let engine = engine();
        let rounds = 20;
        for (what, reviewed) in [
            (
                "Deployment (network and RBAC rules)",
                deployment("team-0", "web", Some("api")),
            ),
            (
                "Deployment declaring ports (network rules over every namespace, RBAC rules)",
                {
                    let mut db = deployment("team-0", "db", Some("api"));
                    db["spec"]["template"]["spec"]["containers"][0]["ports"] =
                        json!([{"name": "http", "containerPort": 8080}]);
                    db
                },
            ),
            (
                "Service (network rules)",
                json!({"apiVersion": "v1", "kind": "Service",
                "metadata": {"name": "web", "namespace": "team-0"},
                "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}}),
            ),
            (
                "RoleBinding (RBAC rules)",
                json!({"apiVersion": "rbac.authorization.k8s.io/v1",
                "kind": "RoleBinding", "metadata": {"name": "web", "namespace": "team-0"},
                "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "api"},
                "subjects": [{"kind": "ServiceAccount", "name": "api", "namespace": "team-0"}]}),
            ),
        ] {
            let started = std::time::Instant::now();
            for _ in 0..rounds {
                let judgement = engine.judge_in_cluster(&index, &reviewed);
                assert!(judgement.not_evaluated.is_empty());
            }
            let each = started.elapsed() / rounds;
            println!(
                "judge_in_cluster: {} objects in view, {:.2} ms per {what}",
                index.len(),
                each.as_secs_f64() * 1e3
            );
        }
    }

    #[test]
    fn names_match_whole_ids() {
        assert!(names(
            "workloads (Deployment/shop/web) accept",
            "Deployment/shop/web"
        ));
        assert!(!names("Deployment/shop/web2, x", "Deployment/shop/web"));
        assert!(names(
            "Deployment/shop/web2, Deployment/shop/web",
            "Deployment/shop/web"
        ));
    }
}
