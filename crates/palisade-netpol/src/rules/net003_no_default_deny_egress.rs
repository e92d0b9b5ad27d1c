use palisade_core::{declare_rule, Finding};

use super::check_default_deny;
use crate::engine::Engine;
use crate::model::Direction;

declare_rule! {
    /// ## What it checks
    /// Namespaces with workloads and at least one NetworkPolicy, but no policy that selects
    /// every pod (`podSelector: {}`) for Egress (namespaces with no policy at all are NET001).
    /// ## Why it matters
    /// Pods that no policy selects for egress can reach any address: other namespaces, the cloud metadata service and the internet, which is how stolen data and tokens leave.
    /// ## Fix
    /// Add `{podSelector: {}, policyTypes: [Egress]}` to the namespace and allow the needed
    /// traffic with further policies.
    /// ## References
    /// - https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies
    pub static RULE = {
        id: "NET003", practice: Net, severity: Low,
        title: "No default-deny egress policy",
    };
}

pub fn check(e: &Engine, out: &mut Vec<Finding>) {
    check_default_deny(e, &RULE, Direction::Egress, out);
}
