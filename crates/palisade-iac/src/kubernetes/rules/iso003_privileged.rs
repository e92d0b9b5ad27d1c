use palisade_core::{declare_rule, Finding, Severity};

use super::at;
use crate::kubernetes::{ClusterContext, PodView};

declare_rule! {
    /// ## What it checks
    /// A container, init container or ephemeral container with
    /// `securityContext.privileged: true`.
    /// ## Why it matters
    /// A privileged container gets every Linux capability and access to all host devices;
    /// seccomp, AppArmor and the device cgroup no longer confine it. Escaping to the node
    /// takes one command (mount the host disk, load a kernel module).
    /// ## Fix
    /// Remove `privileged: true`; add only the specific capabilities the process needs
    /// under `securityContext.capabilities.add`.
    /// ## References
    /// - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
    /// - https://kubernetes.io/docs/tasks/configure-pod-container/security-context/
    pub static RULE = {
        id: "ISO003", practice: Iso, severity: Critical,
        title: "Privileged container", profile: "baseline",
    };
}

pub fn check(pod: &PodView, _: &ClusterContext, out: &mut Vec<Finding>) {
    for c in &pod.containers {
        if let Some(n) = c.sc(&["privileged"]).filter(|n| n.as_bool() == Some(true)) {
            out.push(
                at(&RULE, pod, n, format!("{} runs privileged", c.describe()))
                    .with_severity(Severity::Critical),
            );
        }
    }
}
