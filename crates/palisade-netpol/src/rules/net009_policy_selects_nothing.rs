use palisade_core::{declare_rule, Finding};

use crate::engine::Engine;

declare_rule! {
    /// ## What it checks
    /// NetworkPolicies with a non-empty `podSelector` that selects none of the scanned
    /// workloads of their namespace, when the scan contains workloads.
    /// ## Why it matters
    /// A policy that selects nothing protects nothing. It is usually a label typo or a policy
    /// left in the wrong namespace, and the workload it was written for is open.
    /// ## Fix
    /// Correct the labels or the namespace so the policy selects the intended pods, or delete it.
    /// ## References
    /// - https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-resource
    pub static RULE = {
        id: "NET009", practice: Net, severity: Low,
        title: "NetworkPolicy selects no workload",
    };
}

pub fn check(e: &Engine, out: &mut Vec<Finding>) {
    if e.model.workloads.is_empty() {
        return;
    }
    for p in &e.model.policies {
        if p.selector.is_empty() {
            continue;
        }
        let selects = e
            .model
            .workloads
            .iter()
            .any(|w| w.namespace == p.namespace && p.selector.matches(&w.labels));
        if !selects {
            out.push(Finding::new(
                &RULE,
                format!(
                    "{} selects pods {} but no scanned workload in namespace {} has those labels",
                    p.resource_id(),
                    p.selector,
                    p.namespace
                ),
                p.source.location(&p.resource_id()),
            ));
        }
    }
}
