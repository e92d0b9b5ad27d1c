//! A cluster followed through its changes (`palisade cluster --watch --write-reports`): its
//! objects as last seen, each judged object's own findings, and the findings of the
//! cross-object rules by report scope (a namespace's PolicyReport, or the
//! ClusterPolicyReport). A front-end feeds it the objects of a listing, then each burst of
//! changes a watch brings ([`ObjectChange`]); it says which scopes may have changed, and
//! writes nothing itself.
//!
//! An object's own rules (a workload's pod rules, a ConfigMap's secrets) read the object
//! and a little context: the ServiceAccounts and exposing Services of its namespace, and
//! the RuntimeClasses. An object is judged again by them when it changed, when that context
//! changed (every object of the namespace, or of the cluster for a RuntimeClass), or when it
//! stops or starts being folded into its controller (its owner came or went). The
//! cross-object rules (RBAC and NetworkPolicy graph, user policies, the live-state rules)
//! run again over the scope a change can reach: its namespace with every cluster-scoped
//! object, or the whole cluster when RBAC or a cluster-scoped object (other than a
//! Namespace) changed, since who may do what is decided by bindings anywhere. A scope's
//! findings are then rebuilt from both, in one order, so a report after any changes is the
//! one a judgement of the whole cluster gives.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use palisade_core::{Finding, Json};
use palisade_report::policyreport::ResourceRef;

use crate::Engine;

/// An object's identity: namespace (`None` when cluster-scoped), API group (`""` for the
/// core group), kind, name. Namespace first, so one namespace's objects are a range.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectKey {
    pub namespace: Option<String>,
    pub group: String,
    pub kind: String,
    pub name: String,
}

impl ObjectKey {
    fn is(&self, group: &str, kind: &str) -> bool {
        self.group == group && self.kind == kind
    }
}

/// Which report a result goes to: a namespace's PolicyReport, or (`None`) the
/// ClusterPolicyReport.
pub type Scope = Option<String>;

/// The identity of `object`; `None` for one without kind or name.
pub fn key_of(object: &Json) -> Option<ObjectKey> {
    let text = |p: &str| object.pointer(p).and_then(Json::as_str);
    let group = text("/apiVersion")
        .and_then(|v| v.rsplit_once('/'))
        .map_or("", |(group, _)| group);
    Some(ObjectKey {
        namespace: text("/metadata/namespace")
            .filter(|ns| !ns.is_empty())
            .map(str::to_string),
        group: group.to_string(),
        kind: text("/kind")?.to_string(),
        name: text("/metadata/name")?.to_string(),
    })
}

/// Kinds whose change can change results outside their namespace: who may do what is
/// decided by bindings anywhere, to service accounts anywhere.
const CLUSTER_WIDE_KINDS: &[(&str, &str)] = &[
    ("", "ServiceAccount"),
    ("rbac.authorization.k8s.io", "Role"),
    ("rbac.authorization.k8s.io", "RoleBinding"),
];

/// Kinds the own rules of the other objects of their namespace read (token mounting, what
/// exposes a workload).
const NAMESPACE_CONTEXT_KINDS: &[(&str, &str)] = &[("", "ServiceAccount"), ("", "Service")];

/// Kinds the own rules of every object read (which runtime is sandboxed).
const CLUSTER_CONTEXT_KINDS: &[(&str, &str)] = &[("node.k8s.io", "RuntimeClass")];

/// Whether a change of `key` can change who reaches a database of another namespace
/// (NET008): a NetworkPolicy (egress of the pods it selects), a Namespace (its labels
/// match namespaceSelectors) or an object that makes pods (its pods' labels match
/// podSelectors). Core kinds without pods are not: anything of another API group may
/// carry a pod template.
fn may_reach_across(key: &ObjectKey) -> bool {
    match key.group.as_str() {
        "networking.k8s.io" => key.kind == "NetworkPolicy",
        "" => matches!(
            key.kind.as_str(),
            "Namespace" | "Pod" | "ReplicationController"
        ),
        "apps" => matches!(
            key.kind.as_str(),
            "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet"
        ),
        "batch" => matches!(key.kind.as_str(), "Job" | "CronJob"),
        group => !group.ends_with(".k8s.io"),
    }
}

/// Whether `object` declares a container port that NET008 judges as a database's.
fn serves_database(object: &Json) -> bool {
    match object {
        Json::Object(map) => map.iter().any(|(key, value)| {
            (key == "containerPort"
                && value
                    .as_u64()
                    .and_then(|p| u16::try_from(p).ok())
                    .is_some_and(palisade_netpol::is_database_port))
                || serves_database(value)
        }),
        Json::Array(items) => items.iter().any(serves_database),
        _ => false,
    }
}

/// A change to the cluster, as a watch reports it.
#[derive(Debug, Clone)]
pub enum ObjectChange {
    /// An object was created or changed: the object as it is now.
    Applied(Json),
    /// An object was deleted: its last state.
    Deleted(Json),
    /// Every object of `kind` of API `group` (in `namespace`, or everywhere) listed again:
    /// these are all of them now. `resource` names the list (`pods`) in
    /// [`Affected::described`].
    Relisted {
        group: String,
        kind: String,
        resource: String,
        namespace: Option<String>,
        objects: Vec<Json>,
    },
}

/// What a batch of changes calls for.
#[derive(Debug, Default)]
pub struct Affected {
    /// Namespaces whose cross-object rules are to be run again.
    pub namespaces: BTreeSet<String>,
    /// The cross-object rules are to be run again over the whole cluster.
    pub cluster_wide: bool,
    /// `added Pod/shop/debug`, `listed pods again`: what changed, for a log.
    pub described: Vec<String>,
    /// The objects created, changed or deleted.
    pub changed: BTreeSet<ObjectKey>,
}

impl Affected {
    fn note(&mut self, key: &ObjectKey) {
        self.changed.insert(key.clone());
        match &key.namespace {
            None if key.is("", "Namespace") => {
                self.namespaces.insert(key.name.clone());
            }
            None => self.cluster_wide = true,
            Some(_) if CLUSTER_WIDE_KINDS.contains(&(key.group.as_str(), key.kind.as_str())) => {
                self.cluster_wide = true
            }
            Some(ns) => {
                self.namespaces.insert(ns.clone());
            }
        }
    }

    /// Whether nothing is to be judged again.
    pub fn is_empty(&self) -> bool {
        self.namespaces.is_empty() && !self.cluster_wide && self.changed.is_empty()
    }
}

fn describe(what: &str, key: &ObjectKey) -> String {
    let kind = crate::objects::qualified_kind(&key.group, &key.kind);
    let text = match &key.namespace {
        Some(ns) => format!("{what} {kind}/{ns}/{}", key.name),
        None => format!("{what} {kind}/{}", key.name),
    };
    palisade_core::text::printable(&text).into_owned()
}

/// What one judgement did: the scopes whose results may have changed, how many objects
/// were judged by their own rules, and how many the cross-object rules read.
#[derive(Debug, Default)]
pub struct Judged {
    pub dirty: BTreeSet<Scope>,
    /// Objects judged by their own rules (pods folded into their controllers are not).
    pub objects: usize,
    /// Objects the cross-object rules read (pods included: the live-state rules read them).
    pub context: usize,
}

/// The cluster as last seen, and the findings derived from it.
pub struct WatchedCluster<'a> {
    engine: &'a Engine,
    /// In the compact form the one-shot scan holds them in: a large cluster's objects
    /// stay in memory for as long as the watch runs.
    objects: BTreeMap<ObjectKey, Json>,
    /// How many objects carry each `metadata.uid`: whether an object's controller is here.
    uids: HashMap<String, usize>,
    /// Rules whose findings rest on objects that could not be read.
    withheld: BTreeSet<&'static str>,
    /// The findings of each judged object's own rules, and the scope they go to.
    own: BTreeMap<ObjectKey, (Scope, Vec<Finding>)>,
    /// The findings of the cross-object rules, by scope. A scope's report is made from
    /// these and the own findings of its objects when it is written ([`Self::findings`]),
    /// so findings are held once.
    context: BTreeMap<Scope, Vec<Finding>>,
    /// The object each finding is about, by the engine's name of the object.
    refs: HashMap<String, ResourceRef>,
}

fn uid_of(object: &Json) -> Option<&str> {
    object
        .pointer("/metadata/uid")
        .and_then(Json::as_str)
        .filter(|uid| !uid.is_empty())
}

impl<'a> WatchedCluster<'a> {
    /// A cluster of `objects` (a listing), whose findings of the `withheld` rules are not
    /// kept; nothing is judged yet.
    pub fn new(
        engine: &'a Engine,
        objects: Vec<Json>,
        withheld: BTreeSet<&'static str>,
    ) -> WatchedCluster<'a> {
        let mut cluster = WatchedCluster {
            engine,
            objects: BTreeMap::new(),
            uids: HashMap::new(),
            withheld,
            own: BTreeMap::new(),
            context: BTreeMap::new(),
            refs: HashMap::new(),
        };
        for object in objects {
            if let Some(key) = key_of(&object) {
                cluster.insert(key, object);
            }
        }
        cluster
    }

    fn insert(&mut self, key: ObjectKey, object: Json) {
        if let Some(uid) = uid_of(&object) {
            *self.uids.entry(uid.to_string()).or_default() += 1;
        }
        if let Some(old) = self.objects.insert(key, object) {
            self.forget_uid(&old);
        }
    }

    fn remove(&mut self, key: &ObjectKey) -> bool {
        match self.objects.remove(key) {
            Some(old) => {
                self.forget_uid(&old);
                true
            }
            None => false,
        }
    }

    fn forget_uid(&mut self, object: &Json) {
        if let Some(uid) = uid_of(object) {
            if let Some(count) = self.uids.get_mut(uid) {
                *count -= 1;
                if *count == 0 {
                    self.uids.remove(uid);
                }
            }
        }
    }

    /// Whether `object` is judged through its controller, as
    /// [`crate::judge_through_controllers`] decides over the whole cluster.
    fn folded(&self, object: &Json) -> bool {
        let kind = object.pointer("/kind").and_then(Json::as_str);
        if !matches!(kind, Some("Pod" | "ReplicaSet" | "Job")) {
            return false;
        }
        object
            .pointer("/metadata/ownerReferences")
            .and_then(Json::as_array)
            .and_then(|refs| {
                refs.iter()
                    .find(|r| r.get("controller").and_then(Json::as_bool) == Some(true))
            })
            .and_then(|r| r.get("uid")?.as_str())
            .is_some_and(|uid| self.uids.contains_key(uid))
    }

    /// Applies a batch of changes to the objects kept; what they affect. An object applied
    /// as it already was changes nothing.
    pub fn absorb(&mut self, changes: impl IntoIterator<Item = ObjectChange>) -> Affected {
        let mut affected = Affected::default();
        for change in changes {
            match change {
                ObjectChange::Applied(object) => {
                    let Some(key) = key_of(&object) else { continue };
                    if self.objects.get(&key) == Some(&object) {
                        continue;
                    }
                    let what = if self.objects.contains_key(&key) {
                        "modified"
                    } else {
                        "added"
                    };
                    affected.note(&key);
                    affected.described.push(describe(what, &key));
                    self.insert(key, object);
                }
                ObjectChange::Deleted(object) => {
                    let Some(key) = key_of(&object) else {
                        continue;
                    };
                    if self.remove(&key) {
                        affected.note(&key);
                        affected.described.push(describe("deleted", &key));
                    }
                }
                ObjectChange::Relisted {
                    group,
                    kind,
                    resource,
                    namespace,
                    objects,
                } => {
                    let stale: Vec<ObjectKey> = self
                        .objects
                        .keys()
                        .filter(|k| {
                            k.is(&group, &kind)
                                && namespace
                                    .as_ref()
                                    .is_none_or(|n| Some(n) == k.namespace.as_ref())
                        })
                        .cloned()
                        .collect();
                    let mut fresh = BTreeMap::new();
                    for object in objects {
                        if let Some(key) = key_of(&object) {
                            fresh.insert(key, object);
                        }
                    }
                    for key in stale {
                        if !fresh.contains_key(&key) {
                            self.remove(&key);
                            affected.note(&key);
                        }
                    }
                    for (key, object) in fresh {
                        if self.objects.get(&key) != Some(&object) {
                            affected.note(&key);
                            self.insert(key, object);
                        }
                    }
                    affected.described.push(format!("listed {resource} again"));
                }
            }
        }
        affected
    }

    /// Judges again what `affected` calls for (nothing when it is empty).
    pub fn judge(&mut self, affected: &Affected) -> Judged {
        if affected.is_empty() {
            return Judged::default();
        }
        // The objects whose own findings are to be judged again: those changed, those
        // whose context changed, and those whose owner came or went.
        let context_everywhere = affected
            .changed
            .iter()
            .any(|k| CLUSTER_CONTEXT_KINDS.contains(&(k.group.as_str(), k.kind.as_str())));
        let context_namespaces: BTreeSet<Option<String>> = affected
            .changed
            .iter()
            .filter(|k| NAMESPACE_CONTEXT_KINDS.contains(&(k.group.as_str(), k.kind.as_str())))
            .map(|k| k.namespace.clone())
            .collect();
        let mut reconciled: BTreeSet<Option<String>> = affected
            .changed
            .iter()
            .map(|k| k.namespace.clone())
            .collect();
        reconciled.extend(context_namespaces.iter().cloned());
        let mut again: BTreeSet<ObjectKey> = BTreeSet::new();
        let mut dropped: Vec<ObjectKey> = Vec::new();
        let keys: Vec<&ObjectKey> = if context_everywhere {
            self.objects.keys().collect()
        } else {
            reconciled
                .iter()
                .flat_map(|ns| self.in_namespace(ns.as_deref()))
                .collect()
        };
        for key in keys {
            let object = &self.objects[key];
            let judged = !self.folded(object);
            let known = self.own.contains_key(key);
            if !judged {
                if known {
                    dropped.push(key.clone());
                }
            } else if !known
                || affected.changed.contains(key)
                || context_everywhere
                || context_namespaces.contains(&key.namespace)
            {
                again.insert(key.clone());
            }
        }
        // Deleted objects lose their findings.
        for key in &affected.changed {
            if !self.objects.contains_key(key) && self.own.contains_key(key) {
                dropped.push(key.clone());
            }
        }
        let mut dirty = BTreeSet::new();
        for key in dropped {
            if let Some((scope, _)) = self.own.remove(&key) {
                dirty.insert(scope);
            }
        }
        let objects = again.len();
        self.judge_own(&again, &mut dirty);
        let context = if affected.cluster_wide {
            self.judge_context(None, false, &mut dirty)
        } else if affected.namespaces.is_empty() {
            0
        } else {
            // Who reaches a database is decided in every namespace: its namespace is
            // judged again when a change elsewhere may open or close a way to it.
            // The objects are walked for database ports once per batch.
            let databases = self.database_namespaces();
            let mut namespaces = affected.namespaces.clone();
            if affected.changed.iter().any(may_reach_across) {
                namespaces.extend(databases.iter().cloned());
            }
            let with_databases = !databases.is_disjoint(&namespaces);
            self.judge_context(Some(&namespaces), with_databases, &mut dirty)
        };
        Judged {
            dirty,
            objects,
            context,
        }
    }

    /// The scopes that hold findings.
    pub fn scopes(&self) -> BTreeSet<Scope> {
        self.own
            .values()
            .filter(|(_, f)| !f.is_empty())
            .map(|(s, _)| s.clone())
            .chain(
                self.context
                    .iter()
                    .filter(|(_, f)| !f.is_empty())
                    .map(|(s, _)| s.clone()),
            )
            .collect()
    }

    /// Judges the whole cluster again.
    pub fn judge_all(&mut self) -> Judged {
        self.refs.clear();
        let mut dirty: BTreeSet<Scope> = self.scopes();
        self.own.clear();
        self.context.clear();
        let all: BTreeSet<ObjectKey> = self
            .objects
            .iter()
            .filter(|(_, o)| !self.folded(o))
            .map(|(k, _)| k.clone())
            .collect();
        let objects = all.len();
        self.judge_own(&all, &mut dirty);
        let context = self.judge_context(None, false, &mut dirty);
        Judged {
            dirty,
            objects,
            context,
        }
    }

    /// The objects of `namespace` (`None`: the cluster-scoped ones), in key order.
    fn in_namespace<'b>(
        &'b self,
        namespace: Option<&'b str>,
    ) -> impl Iterator<Item = &'b ObjectKey> + 'b {
        let start = ObjectKey {
            namespace: namespace.map(str::to_string),
            group: String::new(),
            kind: String::new(),
            name: String::new(),
        };
        self.objects
            .range(start..)
            .map(|(k, _)| k)
            .take_while(move |k| k.namespace.as_deref() == namespace)
    }

    /// Runs the own rules of the objects of `keys`, with the context they read: the
    /// ServiceAccounts and Services of their namespaces, and the RuntimeClasses.
    fn judge_own(&mut self, keys: &BTreeSet<ObjectKey>, dirty: &mut BTreeSet<Scope>) {
        if keys.is_empty() {
            return;
        }
        let namespaces: BTreeSet<Option<&str>> =
            keys.iter().map(|k| k.namespace.as_deref()).collect();
        let mut context: Vec<&Json> = Vec::new();
        for ns in &namespaces {
            for key in self.in_namespace(*ns) {
                if NAMESPACE_CONTEXT_KINDS.contains(&(key.group.as_str(), key.kind.as_str()))
                    && !keys.contains(key)
                {
                    context.push(&self.objects[key]);
                }
            }
        }
        for key in self.in_namespace(None) {
            if CLUSTER_CONTEXT_KINDS.contains(&(key.group.as_str(), key.kind.as_str()))
                && !keys.contains(key)
            {
                context.push(&self.objects[key]);
            }
        }
        let judged: Vec<&Json> = keys.iter().map(|k| &self.objects[k]).collect();
        let scan = self.engine.scan_objects_own(&judged, &context);
        let mut by_name: HashMap<&str, (&ObjectKey, ResourceRef)> = HashMap::new();
        for ((key, object), name) in keys.iter().zip(&judged).zip(&scan.names) {
            by_name.insert(name.as_str(), (key, ResourceRef::of(object)));
        }
        let mut found: BTreeMap<&ObjectKey, (Scope, Vec<Finding>)> = by_name
            .values()
            .map(|(key, r)| (*key, (r.namespace.clone(), Vec::new())))
            .collect();
        for finding in scan.report.findings {
            if self.withheld.contains(finding.rule_id.as_ref()) {
                continue;
            }
            let Some((key, r)) = by_name.get(finding.location.path.as_str()) else {
                continue;
            };
            self.refs.insert(finding.location.path.clone(), r.clone());
            if let Some((_, findings)) = found.get_mut(key) {
                findings.push(finding);
            }
        }
        for (key, (scope, findings)) in found {
            dirty.insert(scope.clone());
            if let Some((old, _)) = self.own.insert(key.clone(), (scope, findings)) {
                dirty.insert(old);
            }
        }
    }

    /// The namespaces holding an object that serves a database port.
    fn database_namespaces(&self) -> BTreeSet<String> {
        self.objects
            .iter()
            .filter_map(|(k, o)| k.namespace.as_ref().filter(|_| serves_database(o)))
            .cloned()
            .collect()
    }

    /// Runs the cross-object rules over the objects of `namespaces` (with every
    /// cluster-scoped object and every ServiceAccount, Role and RoleBinding, which their
    /// rules read, and, `with_databases`, every NetworkPolicy and workload) and keeps
    /// their findings about those namespaces and their Namespace objects; over the whole
    /// cluster for `None`. How many objects were read.
    fn judge_context(
        &mut self,
        namespaces: Option<&BTreeSet<String>>,
        with_databases: bool,
        dirty: &mut BTreeSet<Scope>,
    ) -> usize {
        // Who may do what is decided by bindings anywhere: a RoleBinding of another
        // namespace may grant an account of these namespaces, so every ServiceAccount,
        // Role and RoleBinding is read too (their own findings are not kept). A database
        // is judged with every NetworkPolicy and every workload of the cluster: who
        // reaches it is decided everywhere.
        let objects: Vec<&Json> = self
            .objects
            .iter()
            .filter(|(k, _)| {
                namespaces.is_none_or(|namespaces| {
                    k.namespace
                        .as_ref()
                        .is_none_or(|ns| namespaces.contains(ns))
                        || CLUSTER_WIDE_KINDS.contains(&(k.group.as_str(), k.kind.as_str()))
                        || (with_databases && may_reach_across(k))
                })
            })
            .map(|(_, o)| o)
            .collect();
        let count = objects.len();
        let placed = judge_context(self.engine, &self.withheld, &mut self.refs, objects);
        let Some(namespaces) = namespaces else {
            dirty.extend(self.context.keys().cloned());
            self.context.clear();
            for (finding, r) in placed {
                dirty.insert(r.namespace.clone());
                self.context.entry(r.namespace).or_default().push(finding);
            }
            return count;
        };
        let about_namespace = |r: &ResourceRef| {
            r.namespace.is_none() && r.kind == "Namespace" && namespaces.contains(&r.name)
        };
        dirty.extend(namespaces.iter().cloned().map(Some));
        dirty.insert(None);
        for ns in namespaces {
            self.context.remove(&Some(ns.clone()));
        }
        let refs = &self.refs;
        if let Some(cluster) = self.context.get_mut(&None) {
            cluster.retain(|f| !refs.get(&f.location.path).is_some_and(about_namespace));
        }
        for (finding, r) in placed {
            let keep = match &r.namespace {
                Some(ns) => namespaces.contains(ns),
                None => about_namespace(&r),
            };
            if keep {
                self.context
                    .entry(r.namespace.clone())
                    .or_default()
                    .push(finding);
            }
        }
        count
    }

    /// The findings of `scope`: the own findings of its objects and its cross-object
    /// findings, in one order whatever was judged when.
    pub fn findings(&self, scope: &Scope) -> Vec<Finding> {
        // An object's findings go to the scope of its namespace.
        let start = ObjectKey {
            namespace: scope.clone().filter(|ns| !ns.is_empty()),
            group: String::new(),
            kind: String::new(),
            name: String::new(),
        };
        let mut findings: Vec<Finding> = self
            .own
            .range(&start..)
            .take_while(|(k, _)| k.namespace == start.namespace)
            .filter(|(_, (s, _))| s == scope)
            .flat_map(|(_, (_, f))| f.iter().cloned())
            .chain(self.context.get(scope).into_iter().flatten().cloned())
            .collect();
        findings.sort_by(|a, b| report_order(a).cmp(&report_order(b)));
        findings
    }

    /// The object `finding` is about.
    pub fn resource(&self, finding: &Finding) -> Option<ResourceRef> {
        self.refs.get(&finding.location.path).cloned()
    }

    /// Whether `ns` exists, as far as Palisade knows: its Namespace was read, or no
    /// Namespace could be (then it is taken to exist).
    pub fn namespace_exists(&self, ns: &str) -> bool {
        let key = ObjectKey {
            namespace: None,
            group: String::new(),
            kind: "Namespace".to_string(),
            name: ns.to_string(),
        };
        self.objects.contains_key(&key) || !self.in_namespace(None).any(|k| k.is("", "Namespace"))
    }

    /// Findings kept, in every scope.
    pub fn result_count(&self) -> usize {
        self.own.values().map(|(_, f)| f.len()).sum::<usize>()
            + self.context.values().map(Vec::len).sum::<usize>()
    }
}

/// The order of a report's results: by object, field, rule and message (what a result
/// shows), then position.
fn report_order(f: &Finding) -> (&str, &str, &str, &str, u32, u32) {
    (
        &f.location.path,
        f.location.field.as_deref().unwrap_or(""),
        &f.rule_id,
        &f.message,
        f.location.line.unwrap_or(0),
        f.location.column.unwrap_or(0),
    )
}

/// Runs the cross-object rules over `objects` as `palisade cluster` does (the live-state
/// rules over the objects as read, the graph and user policies with pods folded into their
/// controllers) and returns the findings with the object each is about (recorded in
/// `known` too).
fn judge_context(
    engine: &Engine,
    withheld: &BTreeSet<&'static str>,
    known: &mut HashMap<String, ResourceRef>,
    mut objects: Vec<&Json>,
) -> Vec<(Finding, ResourceRef)> {
    let live = engine.scan_live(&objects);
    // Live findings name an object of the unfolded set.
    let live_refs: HashMap<String, ResourceRef> = objects
        .iter()
        .map(|o| (crate::object_name(o), ResourceRef::of(o)))
        .collect();
    crate::judge_through_controllers(&mut objects);
    let refs: Vec<ResourceRef> = objects.iter().map(|o| ResourceRef::of(o)).collect();
    let scan = engine.scan_objects_graph(&objects);
    drop(objects);
    let mut by_name: HashMap<&str, &ResourceRef> =
        live_refs.iter().map(|(n, r)| (n.as_str(), r)).collect();
    by_name.extend(scan.names.iter().map(String::as_str).zip(refs.iter()));
    scan.report
        .findings
        .into_iter()
        .chain(live.findings)
        .filter(|f| !withheld.contains(f.rule_id.as_ref()))
        .filter_map(|f| {
            let r = by_name.get(f.location.path.as_str())?;
            known.insert(f.location.path.clone(), (*r).clone());
            Some((f, (*r).clone()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn key(group: &str, kind: &str, ns: Option<&str>, name: &str) -> ObjectKey {
        ObjectKey {
            namespace: ns.map(str::to_string),
            group: group.into(),
            kind: kind.into(),
            name: name.into(),
        }
    }

    #[test]
    fn a_change_affects_its_namespace_or_the_whole_cluster() {
        let mut affected = Affected::default();
        affected.note(&key("", "Pod", Some("shop"), "debug"));
        affected.note(&key("", "Namespace", None, "audit"));
        assert_eq!(
            affected.namespaces.iter().collect::<Vec<_>>(),
            ["audit", "shop"]
        );
        assert!(!affected.cluster_wide);
        // A kind of another group that bears an RBAC kind's name is not RBAC.
        affected.note(&key("example.com", "RoleBinding", Some("shop"), "edit"));
        assert!(!affected.cluster_wide);
        affected.note(&key(
            "rbac.authorization.k8s.io",
            "RoleBinding",
            Some("shop"),
            "edit",
        ));
        assert!(affected.cluster_wide);
        let mut affected = Affected::default();
        affected.note(&key(
            "rbac.authorization.k8s.io",
            "ClusterRole",
            None,
            "admin",
        ));
        assert!(affected.cluster_wide);
    }

    #[test]
    fn objects_are_known_by_namespace_group_kind_and_name() {
        let pod = Json::from(
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a", "namespace": "shop"}}),
        );
        assert_eq!(key_of(&pod), Some(key("", "Pod", Some("shop"), "a")));
        let knative = Json::from(
            json!({"apiVersion": "serving.knative.dev/v1", "kind": "Service",
            "metadata": {"name": "a", "namespace": "shop"}}),
        );
        assert_eq!(
            key_of(&knative),
            Some(key("serving.knative.dev", "Service", Some("shop"), "a"))
        );
        let role =
            Json::from(json!({"kind": "ClusterRole", "metadata": {"name": "a", "namespace": ""}}));
        assert_eq!(key_of(&role), Some(key("", "ClusterRole", None, "a")));
        let nameless = Json::from(json!({"kind": "Pod", "metadata": {}}));
        assert_eq!(key_of(&nameless), None);
    }

    fn template(privileged: bool, account: &str) -> Value {
        json!({"metadata": {"labels": {"app": "web"}},
               "spec": {"serviceAccountName": account, "runtimeClassName": "gvisor",
                        "containers": [{"name": "web", "image": "nginx:1.27",
                            "ports": [{"containerPort": 5432}],
                            "securityContext": {"privileged": privileged}}]}})
    }

    fn pod(name: &str, owner: Option<&str>, privileged: bool) -> Value {
        let mut pod = json!({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": "shop", "uid": format!("pod-{name}"),
                         "labels": {"app": "web"}},
            "spec": template(privileged, "web")["spec"].clone(),
            "status": {"phase": "Running", "containerStatuses": [{"name": "web",
                "imageID": format!("docker.io/library/nginx@sha256:{}", "a".repeat(64))}]}});
        if let Some(owner) = owner {
            pod["metadata"]["ownerReferences"] = json!([{"apiVersion": "apps/v1",
                "kind": "ReplicaSet", "name": "web-1", "uid": owner, "controller": true}]);
        }
        pod
    }

    /// Namespaces `shop` and `tools`: a privileged Deployment with its ReplicaSet and pods,
    /// its ServiceAccount (bound to a Role), a LoadBalancer Service, a ConfigMap holding a
    /// password, a Secret, a RuntimeClass, and a Knative Service named like the core one.
    fn cluster() -> Vec<Value> {
        vec![
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop", "uid": "ns1"}}),
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "tools", "uid": "ns2",
                "labels": {"pod-security.kubernetes.io/enforce": "restricted"}}}),
            json!({"apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": "web", "namespace": "shop", "uid": "d1"},
                "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": template(true, "web")}}),
            json!({"apiVersion": "apps/v1", "kind": "ReplicaSet",
                "metadata": {"name": "web-1", "namespace": "shop", "uid": "rs1",
                    "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment",
                        "name": "web", "uid": "d1", "controller": true}]},
                "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": template(true, "web")}}),
            pod("web-1-a", Some("rs1"), true),
            pod("web-1-b", Some("rs1"), true),
            json!({"apiVersion": "v1", "kind": "ServiceAccount",
                "metadata": {"name": "web", "namespace": "shop", "uid": "sa1"}}),
            json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
                "metadata": {"name": "reader", "namespace": "shop", "uid": "r1"},
                "rules": [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "list"]}]}),
            json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
                "metadata": {"name": "reader", "namespace": "shop", "uid": "rb1"},
                "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "reader"},
                "subjects": [{"kind": "ServiceAccount", "name": "web", "namespace": "shop"}]}),
            json!({"apiVersion": "v1", "kind": "Service",
                "metadata": {"name": "web", "namespace": "shop", "uid": "svc1"},
                "spec": {"type": "LoadBalancer", "selector": {"app": "web"},
                         "ports": [{"port": 5432}]}}),
            json!({"apiVersion": "serving.knative.dev/v1", "kind": "Service",
                "metadata": {"name": "web", "namespace": "shop", "uid": "ksvc1"},
                "spec": {"template": {"spec": {"containers": [{"image": "nginx:latest",
                    "securityContext": {"privileged": true}}]}}}}),
            json!({"apiVersion": "v1", "kind": "ConfigMap",
                "metadata": {"name": "settings", "namespace": "tools", "uid": "cm1"},
                "data": {"DATABASE_URL": "postgres://admin:Xk9vQ2mPz7LrT4wB@db.internal:5432/app"}}),
            json!({"apiVersion": "v1", "kind": "Secret",
                "metadata": {"name": "unused", "namespace": "tools", "uid": "s1"}}),
            json!({"apiVersion": "node.k8s.io/v1", "kind": "RuntimeClass",
                "metadata": {"name": "gvisor", "uid": "rc1"}, "handler": "runsc"}),
        ]
    }

    /// A result as a report shows it: object, field, rule and severity, message.
    type Row = (String, String, String, String);

    /// Every scope's findings as a report shows them.
    fn shown(cluster: &WatchedCluster) -> BTreeMap<Scope, Vec<Row>> {
        cluster
            .scopes()
            .into_iter()
            .map(|scope| {
                let findings = cluster.findings(&scope);
                let rows = findings
                    .iter()
                    .map(|f| {
                        let r = cluster.resource(f).expect("every finding is placed");
                        (
                            format!("{} {}/{}", r.api_version, r.kind, r.name),
                            f.location.field.clone().unwrap_or_default(),
                            format!("{} {:?}", f.rule_id, f.severity),
                            f.message.clone(),
                        )
                    })
                    .collect();
                (scope, rows)
            })
            .collect()
    }

    fn objects(values: &[Value]) -> Vec<Json> {
        values.iter().map(Json::from).collect()
    }

    /// After each batch of changes, what the cluster kept (judging again only what the
    /// changes reach) is what judging the whole cluster as it now is gives; and that is
    /// what the one-shot scan (`palisade cluster`) reports.
    #[test]
    fn judging_what_changes_reach_gives_what_judging_everything_gives() {
        let engine = Engine::new(crate::Settings::default()).unwrap();
        let mut state = cluster();
        let mut watched = WatchedCluster::new(&engine, objects(&state), BTreeSet::new());
        watched.judge_all();
        let applied = |v: &Value| ObjectChange::Applied(Json::from(v));
        let deleted = |v: &Value| ObjectChange::Deleted(Json::from(v));
        let mut batches: Vec<(&str, Vec<ObjectChange>, Vec<Value>)> = Vec::new();
        // Each step: a name, the changes, the state after them.
        let mut step =
            |name: &'static str,
             state: &mut Vec<Value>,
             change: &dyn Fn(&mut Vec<Value>) -> Vec<ObjectChange>| {
                let changes = change(state);
                batches.push((name, changes, state.clone()));
            };
        step("a bare pod added", &mut state, &|s| {
            let p = pod("debug", None, true);
            s.push(p.clone());
            vec![applied(&p)]
        });
        step("the bare pod fixed", &mut state, &|s| {
            let p = pod("debug", None, false);
            let at = s
                .iter()
                .position(|o| o["metadata"]["name"] == "debug")
                .unwrap();
            s[at] = p.clone();
            vec![applied(&p)]
        });
        step("the account stops mounting tokens", &mut state, &|s| {
            let at = s
                .iter()
                .position(|o| o["kind"] == "ServiceAccount")
                .unwrap();
            s[at]["automountServiceAccountToken"] = json!(false);
            vec![applied(&s[at])]
        });
        step(
            "the ReplicaSet deleted, its pods judged alone",
            &mut state,
            &|s| {
                let at = s.iter().position(|o| o["kind"] == "ReplicaSet").unwrap();
                let rs = s.remove(at);
                vec![deleted(&rs)]
            },
        );
        step("a NetworkPolicy and namespace labels", &mut state, &|s| {
            let policy = json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                "metadata": {"name": "deny", "namespace": "shop", "uid": "np1"},
                "spec": {"podSelector": {}, "policyTypes": ["Ingress"]}});
            s.push(policy.clone());
            let at = s
                .iter()
                .position(|o| o["metadata"]["name"] == "shop")
                .unwrap();
            s[at]["metadata"]["labels"] = json!({"pod-security.kubernetes.io/enforce": "baseline"});
            vec![applied(&policy), applied(&s[at])]
        });
        step("the RuntimeClass no longer a sandbox", &mut state, &|s| {
            let at = s.iter().position(|o| o["kind"] == "RuntimeClass").unwrap();
            s[at]["handler"] = json!("runc");
            vec![applied(&s[at])]
        });
        step(
            "the Knative Service fixed, a pod deleted",
            &mut state,
            &|s| {
                let at = s
                    .iter()
                    .position(|o| o["apiVersion"] == "serving.knative.dev/v1")
                    .unwrap();
                s[at]["spec"]["template"]["spec"]["containers"][0]["securityContext"] =
                    json!({"privileged": false});
                let fixed = applied(&s[at]);
                let gone = s
                    .iter()
                    .position(|o| o["metadata"]["name"] == "web-1-b")
                    .unwrap();
                let p = s.remove(gone);
                vec![fixed, deleted(&p)]
            },
        );
        step(
            "a Role of tools that reads Secrets, bound to shop's account",
            &mut state,
            &|s| {
                let role = json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
                "metadata": {"name": "secrets", "namespace": "tools", "uid": "r2"},
                "rules": [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"]}]});
                let binding = json!({"apiVersion": "rbac.authorization.k8s.io/v1",
                "kind": "RoleBinding", "metadata": {"name": "shop-web", "namespace": "tools", "uid": "rb2"},
                "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "secrets"},
                "subjects": [{"kind": "ServiceAccount", "name": "web", "namespace": "shop"}]});
                s.push(role.clone());
                s.push(binding.clone());
                vec![applied(&role), applied(&binding)]
            },
        );
        step("the account mounts tokens again", &mut state, &|s| {
            let at = s
                .iter()
                .position(|o| o["kind"] == "ServiceAccount")
                .unwrap();
            s[at]["automountServiceAccountToken"] = json!(true);
            vec![applied(&s[at])]
        });
        // A pod of shop changed: its namespace's cross-object rules run again, and what
        // the binding in tools grants its account is still taken into account.
        step(
            "a pod of shop judged again with the grant from tools",
            &mut state,
            &|s| {
                let p = pod("debug", None, true);
                let at = s
                    .iter()
                    .position(|o| o["metadata"]["name"] == "debug")
                    .unwrap();
                s[at] = p.clone();
                vec![applied(&p)]
            },
        );
        step("the role binding deleted", &mut state, &|s| {
            let at = s.iter().position(|o| o["kind"] == "RoleBinding").unwrap();
            let rb = s.remove(at);
            vec![deleted(&rb)]
        });
        // A database in its own namespace, reachable from every namespace (NET008 names
        // them): what another namespace changes decides who reaches it.
        step("a database open to every namespace", &mut state, &|s| {
            let namespace = json!({"apiVersion": "v1", "kind": "Namespace",
                "metadata": {"name": "data", "uid": "ns3"}});
            let db = json!({"apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": "db", "namespace": "data", "uid": "d2"},
                "spec": {"selector": {"matchLabels": {"app": "db"}},
                    "template": {"metadata": {"labels": {"app": "db"}},
                        "spec": {"automountServiceAccountToken": false,
                            "containers": [{"name": "db", "image": "postgres:16",
                                "ports": [{"containerPort": 5432}]}]}}}});
            let open = json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                "metadata": {"name": "from-all", "namespace": "data", "uid": "np2"},
                "spec": {"podSelector": {}, "policyTypes": ["Ingress"],
                    "ingress": [{"from": [{"namespaceSelector": {}}]}]}});
            s.extend([namespace.clone(), db.clone(), open.clone()]);
            vec![applied(&namespace), applied(&db), applied(&open)]
        });
        step(
            "shop denies all egress: the database is no longer reached from it",
            &mut state,
            &|s| {
                let deny = json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                    "metadata": {"name": "no-egress", "namespace": "shop", "uid": "np3"},
                    "spec": {"podSelector": {}, "policyTypes": ["Egress"]}});
                s.push(deny.clone());
                vec![applied(&deny)]
            },
        );
        let mut previous = shown(&watched);
        for (name, changes, after) in batches {
            let affected = watched.absorb(changes);
            watched.judge(&affected);
            let mut whole = WatchedCluster::new(&engine, objects(&after), BTreeSet::new());
            whole.judge_all();
            let now = shown(&watched);
            let expected = shown(&whole);
            if now != expected {
                let rows = |m: &BTreeMap<Scope, Vec<Row>>| -> BTreeSet<(Scope, Row)> {
                    m.iter()
                        .flat_map(|(s, r)| r.iter().map(move |r| (s.clone(), r.clone())))
                        .collect()
                };
                let (kept, whole) = (rows(&now), rows(&expected));
                panic!(
                    "after {name}: kept only {:#?}\nwhole only {:#?}",
                    kept.difference(&whole).collect::<Vec<_>>(),
                    whole.difference(&kept).collect::<Vec<_>>()
                );
            }
            assert_ne!(
                now, previous,
                "{name} changed no result: the test proves nothing"
            );
            previous = now;
            // The one-shot scan of the same objects: the same results, in its order.
            let all = objects(&after);
            let mut folded: Vec<&Json> = all.iter().collect();
            let live = engine.scan_live(&folded);
            crate::judge_through_controllers(&mut folded);
            let scan = engine.scan_objects(&folded);
            let mut one_shot: Vec<(String, String, String)> = scan
                .report
                .findings
                .iter()
                .chain(&live.findings)
                .map(|f| {
                    let field = f.location.field.clone().unwrap_or_default();
                    (f.location.path.clone(), field, f.rule_id.to_string())
                })
                .collect();
            let mut kept: Vec<(String, String, String)> = watched
                .scopes()
                .iter()
                .flat_map(|scope| watched.findings(scope))
                .map(|f| {
                    let field = f.location.field.clone().unwrap_or_default();
                    (f.location.path.clone(), field, f.rule_id.to_string())
                })
                .collect();
            one_shot.sort();
            kept.sort();
            assert_eq!(kept, one_shot, "after: {name}");
        }
        let paths: BTreeSet<String> = watched
            .scopes()
            .iter()
            .flat_map(|scope| watched.findings(scope))
            .map(|f| f.location.path)
            .collect();
        assert!(
            paths.contains("Service.serving.knative.dev/shop/web"),
            "{paths:?}"
        );
    }

    /// A pod changed is judged alone by its own rules; its namespace's objects are read
    /// by the cross-object rules only. A ServiceAccount changed judges again the objects of
    /// its namespace, which read it.
    #[test]
    fn a_pod_changed_is_judged_alone() {
        let engine = Engine::new(crate::Settings::default()).unwrap();
        let mut state = cluster();
        state.push(pod("debug", None, true));
        let mut watched = WatchedCluster::new(&engine, objects(&state), BTreeSet::new());
        let first = watched.judge_all();
        // Two pods and the ReplicaSet are folded into the Deployment.
        assert_eq!(first.objects, state.len() - 3);
        let affected = watched.absorb([ObjectChange::Applied(Json::from(&pod(
            "debug", None, false,
        )))]);
        let judged = watched.judge(&affected);
        assert_eq!(judged.objects, 1);
        // The namespace `shop` and the cluster-scoped objects.
        assert_eq!(judged.context, state.len() - 2);
        assert_eq!(
            judged.dirty,
            BTreeSet::from([None, Some("shop".to_string())])
        );
        let mut account = state
            .iter()
            .find(|o| o["kind"] == "ServiceAccount")
            .unwrap()
            .clone();
        account["automountServiceAccountToken"] = json!(false);
        let affected = watched.absorb([ObjectChange::Applied(Json::from(&account))]);
        let judged = watched.judge(&affected);
        // Every object of `shop` that is judged (not the folded pods and ReplicaSet).
        let in_shop = state
            .iter()
            .filter(|o| o["metadata"]["namespace"] == "shop")
            .count();
        assert_eq!(judged.objects, in_shop - 3);
    }
}
