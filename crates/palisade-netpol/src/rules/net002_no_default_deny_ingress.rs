use palisade_core::{declare_rule, Finding};

use super::check_default_deny;
use crate::engine::Engine;
use crate::model::Direction;

declare_rule! {
    /// ## What it checks
    /// Namespaces with workloads and at least one NetworkPolicy, but no policy that selects
    /// every pod (`podSelector: {}`) for Ingress (namespaces with no policy at all are NET001).
    /// ## Why it matters
    /// Pods that no policy selects for ingress accept connections from every pod of the cluster. Allow-list policies protect only the pods they select; a default deny makes every new workload closed until someone opens it.
    /// ## Fix
    /// Add `{podSelector: {}, policyTypes: [Ingress]}` to the namespace and allow the needed
    /// traffic with further policies.
    /// ## References
    /// - https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies
    pub static RULE = {
        id: "NET002", practice: Net, severity: Medium,
        title: "No default-deny ingress policy",
    };
}

pub fn check(e: &Engine, out: &mut Vec<Finding>) {
    check_default_deny(e, &RULE, Direction::Ingress, out);
}
