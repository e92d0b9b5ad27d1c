//! NET rules over the evaluated network (NET001–NET009). One file per rule.

use std::collections::BTreeMap;

use palisade_core::{Finding, Location, RuleMeta};

use crate::engine::Engine;
use crate::model::Direction;

pub mod net001_namespace_without_policy;
pub mod net002_no_default_deny_ingress;
pub mod net003_no_default_deny_egress;
pub mod net004_allow_all_ingress;
pub mod net005_allow_all_namespaces;
pub mod net006_egress_anywhere;
pub mod net007_exposed_without_policy;
pub mod net008_database_reachable;
pub mod net009_policy_selects_nothing;

pub fn all() -> Vec<&'static RuleMeta> {
    vec![
        &net001_namespace_without_policy::RULE,
        &net002_no_default_deny_ingress::RULE,
        &net003_no_default_deny_egress::RULE,
        &net004_allow_all_ingress::RULE,
        &net005_allow_all_namespaces::RULE,
        &net006_egress_anywhere::RULE,
        &net007_exposed_without_policy::RULE,
        &net008_database_reachable::RULE,
        &net009_policy_selects_nothing::RULE,
    ]
}

pub fn check(e: &Engine) -> Vec<Finding> {
    let mut out = Vec::new();
    net001_namespace_without_policy::check(e, &mut out);
    net002_no_default_deny_ingress::check(e, &mut out);
    net003_no_default_deny_egress::check(e, &mut out);
    net004_allow_all_ingress::check(e, &mut out);
    net005_allow_all_namespaces::check(e, &mut out);
    net006_egress_anywhere::check(e, &mut out);
    net007_exposed_without_policy::check(e, &mut out);
    net008_database_reachable::check(e, &mut out);
    net009_policy_selects_nothing::check(e, &mut out);
    out
}

/// Namespace → indices of its workloads, for namespaces that have workloads.
pub(crate) fn workloads_by_namespace<'m>(e: &Engine<'m>) -> BTreeMap<&'m str, Vec<usize>> {
    let mut m: BTreeMap<&'m str, Vec<usize>> = BTreeMap::new();
    for (i, w) in e.model.workloads.iter().enumerate() {
        m.entry(w.namespace.as_str()).or_default().push(i);
    }
    m
}

/// Where to point for a namespace: its Namespace object, or its first workload.
pub(crate) fn namespace_location(e: &Engine, ns: &str, workloads: &[usize]) -> Location {
    match e.model.namespace_sources.get(ns) {
        Some(s) => s.location(&format!("Namespace/{ns}")),
        None => {
            let w = &e.model.workloads[workloads[0]];
            w.source.location(&w.resource_id())
        }
    }
}

/// Whether the namespace has a policy selecting every pod for direction `d`.
pub(crate) fn has_default_deny(e: &Engine, ns: &str, d: Direction) -> bool {
    e.model
        .policies
        .iter()
        .any(|p| p.namespace == ns && p.selector.is_empty() && p.rules(d).is_some())
}

pub(crate) fn names(e: &Engine, workloads: &[usize]) -> String {
    let mut v: Vec<String> = workloads
        .iter()
        .take(5)
        .map(|&w| e.model.workloads[w].resource_id())
        .collect();
    if workloads.len() > 5 {
        v.push(format!("and {} more", workloads.len() - 5));
    }
    v.join(", ")
}

/// NET002/NET003: namespaces with policies but no default-deny policy for `d`.
pub(crate) fn check_default_deny(
    e: &Engine,
    rule: &'static palisade_core::RuleMeta,
    d: Direction,
    out: &mut Vec<palisade_core::Finding>,
) {
    let word = match d {
        Direction::Ingress => "ingress",
        Direction::Egress => "egress",
    };
    for (ns, workloads) in workloads_by_namespace(e) {
        if !e.model.policies.iter().any(|p| p.namespace == ns) || has_default_deny(e, ns, d) {
            continue;
        }
        let open: Vec<usize> = workloads
            .iter()
            .copied()
            .filter(|&w| e.policies_selecting(e.workload_group[w], d).is_empty())
            .collect();
        let detail = if open.is_empty() {
            "every current workload is selected by some policy, but new ones will not be"
                .to_string()
        } else {
            format!("not {word}-isolated: {}", names(e, &open))
        };
        out.push(palisade_core::Finding::new(
            rule,
            format!("namespace {ns} has no default-deny {word} policy ({detail})"),
            namespace_location(e, ns, &workloads),
        ));
    }
}
