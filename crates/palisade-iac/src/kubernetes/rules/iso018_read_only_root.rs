use palisade_core::{declare_rule, Finding};

use super::at;
use crate::kubernetes::{ClusterContext, PodView};

declare_rule! {
    /// ## What it checks
    /// Containers and init containers without `securityContext.readOnlyRootFilesystem: true`.
    /// ## Why it matters
    /// A writable root filesystem lets an attacker who gets code execution drop tools,
    /// modify binaries or configuration, and persist across process restarts within the pod.
    /// ## Fix
    /// Set `readOnlyRootFilesystem: true` and mount an `emptyDir` at the paths the process
    /// really writes to (`/tmp`, caches).
    /// ## References
    /// - https://kubernetes.io/docs/tasks/configure-pod-container/security-context/
    pub static RULE = {
        id: "ISO018", practice: Iso, severity: Low,
        title: "Writable root filesystem",
    };
}

pub fn check(pod: &PodView, _: &ClusterContext, out: &mut Vec<Finding>) {
    for c in pod.long_running() {
        match c.sc(&["readOnlyRootFilesystem"]) {
            Some(n) if n.as_bool() == Some(true) => {}
            node => out.push(at(
                &RULE,
                pod,
                node.unwrap_or(c.anchor()),
                format!("{} has a writable root filesystem", c.describe()),
            )),
        }
    }
}
