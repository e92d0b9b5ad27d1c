use palisade_core::{declare_rule, Finding};

use super::{has_default_deny, names, namespace_location, workloads_by_namespace};
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
    for (ns, workloads) in workloads_by_namespace(e) {
        if !e.model.policies.iter().any(|p| p.namespace == ns)
            || has_default_deny(e, ns, Direction::Egress)
        {
            continue;
        }
        let open: Vec<usize> = workloads
            .iter()
            .copied()
            .filter(|&w| {
                e.policies_selecting(e.workload_group[w], Direction::Egress)
                    .is_empty()
            })
            .collect();
        let detail = if open.is_empty() {
            "every current workload is selected by some policy, but new ones will not be"
                .to_string()
        } else {
            format!("not egress-isolated: {}", names(e, &open))
        };
        out.push(Finding::new(
            &RULE,
            format!("namespace {ns} has no default-deny egress policy ({detail})"),
            namespace_location(e, ns, &workloads),
        ));
    }
}
