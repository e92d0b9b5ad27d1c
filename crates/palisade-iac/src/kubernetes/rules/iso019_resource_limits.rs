use palisade_core::{declare_rule, Finding};

use super::at;
use crate::kubernetes::{ClusterContext, PodView};

declare_rule! {
    /// ## What it checks
    /// Containers and init containers without `resources.limits.cpu` or
    /// `resources.limits.memory`.
    /// ## Why it matters
    /// Without limits one compromised or runaway container can starve every other workload
    /// on the node of CPU or memory (a denial of service, and a noisy-neighbour side channel),
    /// and the node's OOM killer picks victims outside the pod.
    /// ## Fix
    /// Set `resources.limits.memory` (and `requests`) on every container; set
    /// `resources.limits.cpu` where throttling is acceptable, or enforce defaults with a
    /// LimitRange in the namespace.
    /// ## References
    /// - https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
    /// - https://kubernetes.io/docs/concepts/policy/limit-range/
    pub static RULE = {
        id: "ISO019", practice: Iso, severity: Low,
        title: "Missing CPU or memory limit",
    };
}

pub fn check(pod: &PodView, _: &ClusterContext, out: &mut Vec<Finding>) {
    for c in pod.long_running() {
        let limits = c.node.path(&["resources", "limits"]);
        let missing: Vec<&str> = ["cpu", "memory"]
            .into_iter()
            .filter(|k| limits.and_then(|l| l.get(k)).is_none_or(|n| n.is_null()))
            .collect();
        if !missing.is_empty() {
            out.push(at(
                &RULE,
                pod,
                c.node.get("resources").unwrap_or(c.anchor()),
                format!("{} has no {} limit", c.describe(), missing.join(" and no ")),
            ));
        }
    }
}
