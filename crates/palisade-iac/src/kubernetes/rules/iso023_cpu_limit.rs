use palisade_core::{declare_rule, Finding};

use super::at;
use super::iso019_resource_limits::has_limit;
use crate::kubernetes::{ClusterContext, PodView};

declare_rule! {
    /// ## What it checks
    /// Containers and init containers without `resources.limits.cpu`.
    /// ## Why it matters
    /// Without a CPU limit a compromised or runaway container (a crypto miner, a busy loop)
    /// can use every core its node has, starving the other workloads scheduled there.
    /// ## Fix
    /// Set `resources.limits.cpu` (with `resources.requests.cpu`), or enforce a default
    /// with a LimitRange in the namespace.
    /// ## References
    /// - https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
    /// - https://kubernetes.io/docs/concepts/policy/limit-range/
    pub static RULE = {
        id: "ISO023", practice: Iso, severity: Low,
        title: "Missing CPU limit",
    };
}

pub fn check(pod: &PodView, _: &ClusterContext, out: &mut Vec<Finding>) {
    for c in pod.long_running() {
        if !has_limit(c, "cpu") {
            out.push(at(
                &RULE,
                pod,
                c.field("resources").unwrap_or(c.anchor()),
                format!("{} has no CPU limit", c.describe()),
            ));
        }
    }
}
