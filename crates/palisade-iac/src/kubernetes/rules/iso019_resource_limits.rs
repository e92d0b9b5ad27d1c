use palisade_core::{declare_rule, Finding};

use super::at;
use crate::kubernetes::{ClusterContext, ContainerRef, PodView};

declare_rule! {
    /// ## What it checks
    /// Containers and init containers without `resources.limits.memory`. CPU limits are
    /// checked by ISO023.
    /// ## Why it matters
    /// Without a memory limit one compromised or leaking container can take all the memory
    /// of its node: the kernel's OOM killer then picks victims among other workloads, and
    /// the node itself may become unresponsive.
    /// ## Fix
    /// Set `resources.limits.memory` (and `resources.requests.memory`) on every container,
    /// or enforce defaults with a LimitRange in the namespace.
    /// ## References
    /// - https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
    /// - https://kubernetes.io/docs/concepts/policy/limit-range/
    pub static RULE = {
        id: "ISO019", practice: Iso, severity: Low,
        title: "Missing memory limit",
    };
}

/// Whether `resources.limits.<resource>` is set on the container.
pub(crate) fn has_limit(c: &ContainerRef, resource: &str) -> bool {
    c.path(&["resources", "limits", resource])
        .is_some_and(|n| !n.is_null())
}

pub fn check(pod: &PodView, _: &ClusterContext, out: &mut Vec<Finding>) {
    for c in pod.long_running() {
        if !has_limit(c, "memory") {
            out.push(at(
                &RULE,
                pod,
                c.field("resources").unwrap_or(c.anchor()),
                format!("{} has no memory limit", c.describe()),
            ));
        }
    }
}
