use palisade_core::{declare_rule, Finding};

use super::at;
use crate::kubernetes::{ClusterContext, PodView};

declare_rule! {
    /// ## What it checks
    /// A pod spec with `hostNetwork`, `hostPID` or `hostIPC` set to `true`.
    /// ## Why it matters
    /// Sharing the node's network namespace lets the pod sniff and bind on every node
    /// interface and reach node-local services; sharing its PID namespace lets it see and
    /// signal every process on the node (and read their environments); sharing IPC exposes
    /// shared memory of host processes. Each removes a layer between the pod and the node.
    /// ## Fix
    /// Remove `hostNetwork`, `hostPID` and `hostIPC` (they default to `false`). Expose ports
    /// with a Service instead of the node's network.
    /// ## References
    /// - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
    pub static RULE = {
        id: "ISO002", practice: Iso, severity: High,
        title: "Host namespaces shared", profile: "baseline",
    };
}

pub fn check(pod: &PodView, _: &ClusterContext, out: &mut Vec<Finding>) {
    for (key, what) in [
        ("hostNetwork", "the node's network namespace"),
        ("hostPID", "the node's process namespace"),
        ("hostIPC", "the node's IPC namespace"),
    ] {
        if let Some(n) = pod.spec_flag(key) {
            out.push(at(
                &RULE,
                pod,
                n,
                format!("{key}: true shares {what} with the pod"),
            ));
        }
    }
}
