use palisade_core::{declare_rule, Finding};

use super::{names, namespace_location, workloads_by_namespace};
use crate::engine::Engine;

declare_rule! {
    /// ## What it checks
    /// Namespaces that run workloads in the scanned manifests and have no NetworkPolicy at all.
    /// ## Why it matters
    /// Without a policy every pod accepts connections from every pod of the cluster and can
    /// reach every other pod and the internet: one compromised pod anywhere reaches all of
    /// them, and nothing limits exfiltration.
    /// ## Fix
    /// Add a default-deny policy for the namespace (`podSelector: {}` with
    /// `policyTypes: [Ingress, Egress]`), then policies allowing the traffic the workloads need.
    /// ## References
    /// - https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies
    pub static RULE = {
        id: "NET001", practice: Net, severity: Medium,
        title: "Namespace without any NetworkPolicy",
    };
}

pub fn check(e: &Engine, out: &mut Vec<Finding>) {
    for (ns, workloads) in workloads_by_namespace(e) {
        if e.model.policies.iter().any(|p| p.namespace == ns) {
            continue;
        }
        out.push(Finding::new(
            &RULE,
            format!(
                "namespace {ns} has no NetworkPolicy, so its workloads ({}) accept traffic from every pod and can reach anything",
                names(e, &workloads)
            ),
            namespace_location(e, ns, &workloads),
        ));
    }
}
