//! A cluster followed through its changes (`palisade cluster --watch --write-reports`): its
//! objects as last seen, and the findings of each report scope (a namespace's PolicyReport,
//! or the ClusterPolicyReport), judged again only where a change can reach. A front-end
//! feeds it the objects of a listing, then each burst of changes a watch brings
//! ([`ObjectChange`]); it says which scopes may have changed, and writes nothing itself.
//!
//! A change is judged again with the objects of its namespace and every cluster-scoped
//! object (which the namespace's rules read); a change to RBAC or to a cluster-scoped
//! object (other than a Namespace) judges the whole cluster again, since who may do what
//! is decided by bindings anywhere. The objects are judged as `palisade cluster` judges
//! them: the live-state rules over the objects as read, the others with pods folded into
//! their controllers, by reference (the objects kept are not copied for a judgement).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use palisade_core::{Finding, Json};
use palisade_report::policyreport::ResourceRef;

use crate::Engine;

/// An object's identity: kind, namespace (`None` when cluster-scoped), name.
pub type ObjectKey = (String, Option<String>, String);

/// Which report a result goes to: a namespace's PolicyReport, or (`None`) the
/// ClusterPolicyReport.
pub type Scope = Option<String>;

/// The identity of `object`; `None` for one without kind or name.
pub fn key_of(object: &Json) -> Option<ObjectKey> {
    let text = |p: &str| object.pointer(p).and_then(Json::as_str);
    Some((
        text("/kind")?.to_string(),
        text("/metadata/namespace")
            .filter(|ns| !ns.is_empty())
            .map(str::to_string),
        text("/metadata/name")?.to_string(),
    ))
}

/// Kinds whose change can change results outside their namespace: who may do what is
/// decided by bindings anywhere, to service accounts anywhere.
const CLUSTER_WIDE_KINDS: &[&str] = &["ServiceAccount", "Role", "RoleBinding"];

/// A change to the cluster, as a watch reports it.
#[derive(Debug, Clone)]
pub enum ObjectChange {
    /// An object was created or changed: the object as it is now.
    Applied(Json),
    /// An object was deleted: its last state.
    Deleted(Json),
    /// Every object of `kind` (in `namespace`, or everywhere) listed again: these are all
    /// of them now. `resource` names the list (`pods`) in [`Affected::described`].
    Relisted {
        kind: String,
        resource: String,
        namespace: Option<String>,
        objects: Vec<Json>,
    },
}

/// What a batch of changes calls for.
#[derive(Debug, Default)]
pub struct Affected {
    /// Namespaces whose objects are to be judged again.
    pub namespaces: BTreeSet<String>,
    /// The whole cluster is to be judged again.
    pub cluster_wide: bool,
    /// `added Pod/shop/debug`, `listed pods again`: what changed, for a log.
    pub described: Vec<String>,
}

impl Affected {
    fn note(&mut self, key: &ObjectKey) {
        let (kind, namespace, name) = key;
        match namespace {
            None if kind == "Namespace" => {
                self.namespaces.insert(name.clone());
            }
            None => self.cluster_wide = true,
            Some(_) if CLUSTER_WIDE_KINDS.contains(&kind.as_str()) => self.cluster_wide = true,
            Some(ns) => {
                self.namespaces.insert(ns.clone());
            }
        }
    }

    /// Whether nothing is to be judged again.
    pub fn is_empty(&self) -> bool {
        self.namespaces.is_empty() && !self.cluster_wide
    }
}

fn describe(what: &str, key: &ObjectKey) -> String {
    let (kind, namespace, name) = key;
    let text = match namespace {
        Some(ns) => format!("{what} {kind}/{ns}/{name}"),
        None => format!("{what} {kind}/{name}"),
    };
    palisade_core::text::printable(&text).into_owned()
}

/// What one judgement did: the scopes whose results may have changed, and how many
/// objects were judged (pods folded into their controllers).
#[derive(Debug, Default)]
pub struct Judged {
    pub dirty: BTreeSet<Scope>,
    pub objects: usize,
}

/// The cluster as last seen, and the findings derived from it, by scope.
pub struct WatchedCluster<'a> {
    engine: &'a Engine,
    /// In the compact form the one-shot scan holds them in: a large cluster's objects
    /// stay in memory for as long as the watch runs.
    objects: BTreeMap<ObjectKey, Json>,
    /// Rules whose findings rest on objects that could not be read.
    withheld: BTreeSet<&'static str>,
    results: BTreeMap<Scope, Vec<Finding>>,
    /// The object each finding is about, by the engine's name of the object.
    refs: HashMap<String, ResourceRef>,
}

impl<'a> WatchedCluster<'a> {
    /// A cluster of `objects` (a listing), whose findings of the `withheld` rules are not
    /// kept; nothing is judged yet.
    pub fn new(
        engine: &'a Engine,
        objects: Vec<Json>,
        withheld: BTreeSet<&'static str>,
    ) -> WatchedCluster<'a> {
        let mut kept = BTreeMap::new();
        for object in objects {
            if let Some(key) = key_of(&object) {
                kept.insert(key, object);
            }
        }
        WatchedCluster {
            engine,
            objects: kept,
            withheld,
            results: BTreeMap::new(),
            refs: HashMap::new(),
        }
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
                    self.objects.insert(key, object);
                }
                ObjectChange::Deleted(object) => {
                    let Some(key) = key_of(&object) else {
                        continue;
                    };
                    if self.objects.remove(&key).is_some() {
                        affected.note(&key);
                        affected.described.push(describe("deleted", &key));
                    }
                }
                ObjectChange::Relisted {
                    kind,
                    resource,
                    namespace,
                    objects,
                } => {
                    let stale: Vec<ObjectKey> = self
                        .objects
                        .keys()
                        .filter(|(k, ns, _)| {
                            *k == kind && namespace.as_ref().is_none_or(|n| Some(n) == ns.as_ref())
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
                            self.objects.remove(&key);
                            affected.note(&key);
                        }
                    }
                    for (key, object) in fresh {
                        if self.objects.get(&key) != Some(&object) {
                            affected.note(&key);
                            self.objects.insert(key, object);
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
        if affected.cluster_wide {
            self.judge_all()
        } else if affected.namespaces.is_empty() {
            Judged::default()
        } else {
            self.judge_namespaces(&affected.namespaces)
        }
    }

    /// Judges the whole cluster again.
    pub fn judge_all(&mut self) -> Judged {
        let objects: Vec<&Json> = self.objects.values().collect();
        self.refs.clear();
        let (placed, count) = judge(self.engine, &self.withheld, &mut self.refs, objects);
        let mut dirty: BTreeSet<Scope> = self.results.keys().cloned().collect();
        self.results.clear();
        for (finding, r) in placed {
            dirty.insert(r.namespace.clone());
            self.results.entry(r.namespace).or_default().push(finding);
        }
        Judged {
            dirty,
            objects: count,
        }
    }

    /// Judges the objects of `namespaces` (with every cluster-scoped object, which their
    /// rules read) and keeps the results about those namespaces and their Namespace
    /// objects.
    fn judge_namespaces(&mut self, namespaces: &BTreeSet<String>) -> Judged {
        let objects: Vec<&Json> = self
            .objects
            .iter()
            .filter(|((_, ns, _), _)| ns.as_ref().is_none_or(|ns| namespaces.contains(ns)))
            .map(|(_, o)| o)
            .collect();
        let (placed, count) = judge(self.engine, &self.withheld, &mut self.refs, objects);
        let about_namespace = |r: &ResourceRef| {
            r.namespace.is_none() && r.kind == "Namespace" && namespaces.contains(&r.name)
        };
        let mut dirty: BTreeSet<Scope> = namespaces.iter().cloned().map(Some).collect();
        dirty.insert(None);
        for ns in namespaces {
            self.results.remove(&Some(ns.clone()));
        }
        let refs = &self.refs;
        if let Some(cluster) = self.results.get_mut(&None) {
            cluster.retain(|f| !refs.get(&f.location.path).is_some_and(about_namespace));
        }
        for (finding, r) in placed {
            let keep = match &r.namespace {
                Some(ns) => namespaces.contains(ns),
                None => about_namespace(&r),
            };
            if keep {
                self.results
                    .entry(r.namespace.clone())
                    .or_default()
                    .push(finding);
            }
        }
        Judged {
            dirty,
            objects: count,
        }
    }

    /// The findings of `scope`.
    pub fn findings(&self, scope: &Scope) -> &[Finding] {
        self.results.get(scope).map_or(&[], Vec::as_slice)
    }

    /// The object `finding` is about.
    pub fn resource(&self, finding: &Finding) -> Option<ResourceRef> {
        self.refs.get(&finding.location.path).cloned()
    }

    /// Whether `ns` exists, as far as Palisade knows: its Namespace was read, or no
    /// Namespace could be (then it is taken to exist).
    pub fn namespace_exists(&self, ns: &str) -> bool {
        let key = ("Namespace".to_string(), None, ns.to_string());
        self.objects.contains_key(&key)
            || !self.objects.keys().any(|(kind, _, _)| kind == "Namespace")
    }

    /// Findings kept, in every scope.
    pub fn result_count(&self) -> usize {
        self.results.values().map(Vec::len).sum()
    }
}

/// Judges `objects` as `palisade cluster` does (the rules on what runs over the objects as
/// read, the others with pods folded into their controllers) and returns the findings with
/// the object each is about (recorded in `known` too), and how many objects were judged.
fn judge(
    engine: &Engine,
    withheld: &BTreeSet<&'static str>,
    known: &mut HashMap<String, ResourceRef>,
    mut objects: Vec<&Json>,
) -> (Vec<(Finding, ResourceRef)>, usize) {
    let live = engine.scan_live(&objects);
    // Live findings name an object of the unfolded set.
    let live_refs: HashMap<String, ResourceRef> = objects
        .iter()
        .map(|o| (crate::object_name(o), ResourceRef::of(o)))
        .collect();
    crate::judge_through_controllers(&mut objects);
    let count = objects.len();
    let refs: Vec<ResourceRef> = objects.iter().map(|o| ResourceRef::of(o)).collect();
    let scan = engine.scan_objects(&objects);
    drop(objects);
    let mut by_name: HashMap<&str, &ResourceRef> =
        live_refs.iter().map(|(n, r)| (n.as_str(), r)).collect();
    by_name.extend(scan.names.iter().map(String::as_str).zip(refs.iter()));
    let placed = scan
        .report
        .findings
        .into_iter()
        .chain(live.findings)
        .filter(|f| !withheld.contains(f.rule_id.as_ref()))
        .filter_map(|f| {
            let r = by_name.get(f.location.path.as_str())?;
            known.insert(f.location.path.clone(), (*r).clone());
            Some((f, (*r).clone()))
        })
        .collect();
    (placed, count)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn key(kind: &str, ns: Option<&str>, name: &str) -> ObjectKey {
        (kind.into(), ns.map(str::to_string), name.into())
    }

    #[test]
    fn a_change_affects_its_namespace_or_the_whole_cluster() {
        let mut affected = Affected::default();
        affected.note(&key("Pod", Some("shop"), "debug"));
        affected.note(&key("Namespace", None, "audit"));
        assert_eq!(
            affected.namespaces.iter().collect::<Vec<_>>(),
            ["audit", "shop"]
        );
        assert!(!affected.cluster_wide);
        affected.note(&key("RoleBinding", Some("shop"), "edit"));
        assert!(affected.cluster_wide);
        let mut affected = Affected::default();
        affected.note(&key("ClusterRole", None, "admin"));
        assert!(affected.cluster_wide);
    }

    #[test]
    fn objects_are_known_by_kind_namespace_and_name() {
        let pod =
            Json::from(json!({"kind": "Pod", "metadata": {"name": "a", "namespace": "shop"}}));
        assert_eq!(key_of(&pod), Some(key("Pod", Some("shop"), "a")));
        let role =
            Json::from(json!({"kind": "ClusterRole", "metadata": {"name": "a", "namespace": ""}}));
        assert_eq!(key_of(&role), Some(key("ClusterRole", None, "a")));
        let nameless = Json::from(json!({"kind": "Pod", "metadata": {}}));
        assert_eq!(key_of(&nameless), None);
    }
}
