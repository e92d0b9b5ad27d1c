//! Rules that only make sense on a running cluster (`palisade cluster`, live or from a
//! dump): they read what the cluster filled in (pod status, the digests the nodes pulled,
//! which secrets anything still refers to), not what a manifest asks for. They take the
//! objects as the API returned them, before pods are folded into their controllers, and
//! name in each finding the object a person would change: the top controller of a pod
//! (`Deployment/shop/web`, not its ReplicaSet's pod), with the field path inside it.

use std::collections::{HashMap, HashSet};

use palisade_core::Json;
use palisade_core::{Finding, Location, RuleMeta};

use super::pod::template_path;

mod img004_replica_digests;
mod iso024_token_without_permissions;
mod iso025_privileged_running;
mod iso026_system_namespace_workload;
mod sec203_unreferenced_secret;

/// Namespaces kept for the cluster's own components.
pub const SYSTEM_NAMESPACES: &[&str] = &["kube-system", "kube-public", "kube-node-lease"];

/// What the live rules take from `palisade.toml`.
#[derive(Debug, Clone, Default)]
pub struct LiveOptions {
    /// Image name prefixes of the cluster's own components, beyond the built-in ones
    /// (`[kubernetes] system_images`).
    pub system_images: Vec<String>,
}

/// A finding of a live rule and the object (an index into the objects checked) it is
/// about; the caller names that object in the finding's location.
#[derive(Debug, Clone)]
pub struct LiveFinding {
    pub object: usize,
    pub finding: Finding,
}

/// The live rules' metadata.
pub fn rules() -> Vec<&'static RuleMeta> {
    vec![
        &img004_replica_digests::RULE,
        &iso024_token_without_permissions::RULE,
        &iso025_privileged_running::RULE,
        &iso026_system_namespace_workload::RULE,
        &sec203_unreferenced_secret::RULE,
    ]
}

/// Every live rule over `objects` (as an API returned them, pods included).
pub fn check<T: std::borrow::Borrow<Json>>(
    objects: &[T],
    options: &LiveOptions,
) -> Vec<LiveFinding> {
    let objects: Vec<&Json> = objects.iter().map(std::borrow::Borrow::borrow).collect();
    let cluster = Cluster::new(&objects);
    let mut out = Vec::new();
    img004_replica_digests::check(&cluster, &mut out);
    iso024_token_without_permissions::check(&cluster, &mut out);
    iso025_privileged_running::check(&cluster, &mut out);
    iso026_system_namespace_workload::check(&cluster, options, &mut out);
    sec203_unreferenced_secret::check(&cluster, &mut out);
    out
}

fn text<'a>(value: &'a Json, pointer: &str) -> &'a str {
    value.pointer(pointer).and_then(Json::as_str).unwrap_or("")
}

fn items<'a>(value: &'a Json, pointer: &str) -> &'a [Json] {
    value
        .pointer(pointer)
        .and_then(Json::as_array)
        .unwrap_or(&[])
}

/// The objects with the relations the rules need: owners by uid, and where each object
/// keeps its pod spec.
pub(crate) struct Cluster<'a> {
    pub objects: &'a [&'a Json],
    by_uid: HashMap<&'a str, usize>,
}

/// A pod spec inside an object, and the field path that leads to it.
pub(crate) struct Spec<'a> {
    pub spec: &'a Json,
    pub field: String,
}

/// Owner chains longer than this are cut (a cycle of ownerReferences cannot loop).
const MAX_OWNER_DEPTH: usize = 8;

impl<'a> Cluster<'a> {
    fn new(objects: &'a [&'a Json]) -> Cluster<'a> {
        let by_uid = objects
            .iter()
            .enumerate()
            .filter_map(|(i, o)| {
                let uid = text(o, "/metadata/uid");
                (!uid.is_empty()).then_some((uid, i))
            })
            .collect();
        Cluster { objects, by_uid }
    }

    pub fn kind(&self, i: usize) -> &'a str {
        text(self.objects[i], "/kind")
    }

    pub fn namespace(&self, i: usize) -> &'a str {
        text(self.objects[i], "/metadata/namespace")
    }

    pub fn name(&self, i: usize) -> &'a str {
        text(self.objects[i], "/metadata/name")
    }

    /// Indices of the objects of `kind`.
    pub fn of_kind(&self, kind: &'a str) -> impl Iterator<Item = usize> + '_ {
        (0..self.objects.len()).filter(move |&i| self.kind(i) == kind)
    }

    /// The object a person would change for object `i`: its controller's controller...,
    /// as far as the owners were read.
    pub fn top_owner(&self, i: usize) -> usize {
        let mut current = i;
        for _ in 0..MAX_OWNER_DEPTH {
            let owner = items(self.objects[current], "/metadata/ownerReferences")
                .iter()
                .find(|r| r.get("controller").and_then(Json::as_bool) == Some(true))
                .and_then(|r| r.get("uid")?.as_str())
                .and_then(|uid| self.by_uid.get(uid).copied());
            match owner {
                Some(o) if o != current => current = o,
                _ => break,
            }
        }
        current
    }

    /// The pod spec of object `i` (a pod, a workload controller, a custom resource with a
    /// pod template at a known place).
    pub fn pod_spec(&self, i: usize) -> Option<Spec<'a>> {
        let object = self.objects[i];
        let path = template_path(text(object, "/apiVersion"), self.kind(i))?;
        let mut node = object;
        let mut field = String::new();
        for key in path.iter().chain(std::iter::once(&"spec")) {
            node = node.get(key)?;
            if !field.is_empty() {
                field.push('.');
            }
            field.push_str(key);
        }
        node.is_object().then_some(Spec { spec: node, field })
    }

    /// `Kind/namespace/name` of object `i`, for messages.
    pub fn describe(&self, i: usize) -> String {
        match self.namespace(i) {
            "" => format!("{}/{}", self.kind(i), self.name(i)),
            ns => format!("{}/{ns}/{}", self.kind(i), self.name(i)),
        }
    }
}

/// The containers of a pod spec with the field path of each (`initContainers[0]`).
pub(crate) fn containers(spec: &Json) -> impl Iterator<Item = (String, &Json)> {
    ["containers", "initContainers", "ephemeralContainers"]
        .into_iter()
        .flat_map(move |list| {
            items(spec, &format!("/{list}"))
                .iter()
                .enumerate()
                .map(move |(n, c)| (format!("{list}[{n}]"), c))
        })
}

/// A finding at `field` of the object `object`.
pub(crate) fn finding(
    rule: &'static RuleMeta,
    object: usize,
    field: String,
    message: String,
) -> LiveFinding {
    let location = Location {
        field: (!field.is_empty()).then_some(field),
        ..Location::default()
    };
    LiveFinding {
        object,
        finding: Finding::new(rule, message, location),
    }
}

/// Service accounts (`namespace`, `name`) some RoleBinding or ClusterRoleBinding names,
/// directly or through the groups every account of a namespace (or the cluster) is in.
pub(crate) struct Bound<'a> {
    accounts: HashSet<(&'a str, &'a str)>,
    namespaces: HashSet<&'a str>,
    all: bool,
}

impl<'a> Bound<'a> {
    pub fn of(cluster: &Cluster<'a>) -> Bound<'a> {
        let mut bound = Bound {
            accounts: HashSet::new(),
            namespaces: HashSet::new(),
            all: false,
        };
        for i in cluster
            .of_kind("RoleBinding")
            .chain(cluster.of_kind("ClusterRoleBinding"))
        {
            let binding_ns = cluster.namespace(i);
            for subject in items(cluster.objects[i], "/subjects") {
                let name = text(subject, "/name");
                match text(subject, "/kind") {
                    "ServiceAccount" => {
                        let ns = match text(subject, "/namespace") {
                            "" => binding_ns,
                            ns => ns,
                        };
                        bound.accounts.insert((ns, name));
                    }
                    "Group" if name == "system:serviceaccounts" => bound.all = true,
                    "Group" => {
                        if let Some(ns) = name.strip_prefix("system:serviceaccounts:") {
                            bound.namespaces.insert(ns);
                        }
                    }
                    _ => {}
                }
            }
        }
        bound
    }

    pub fn contains(&self, namespace: &str, name: &str) -> bool {
        self.all
            || self.namespaces.contains(namespace)
            || self.accounts.contains(&(namespace, name))
    }
}

#[cfg(test)]
mod tests;
