use palisade_core::{declare_rule, Finding};

use super::at;
use crate::kubernetes::{ClusterContext, PodView};

declare_rule! {
    /// ## What it checks
    /// A Windows pod or container with `securityContext.windowsOptions.hostProcess: true`,
    /// at pod level or on any container, init container or ephemeral container.
    /// ## Why it matters
    /// HostProcess containers run directly on the Windows node with the node's privileges:
    /// they can reach every file, process and network interface of the host.
    /// ## Fix
    /// Remove `windowsOptions.hostProcess` (or set it to `false`); run node-level agents
    /// outside application namespaces with an explicit exemption.
    /// ## References
    /// - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
    /// - https://kubernetes.io/docs/tasks/configure-pod-container/create-hostprocess-pod/
    pub static RULE = {
        id: "ISO001", practice: Iso, severity: High,
        title: "HostProcess container", profile: "baseline",
    };
}

pub fn check(pod: &PodView, _: &ClusterContext, out: &mut Vec<Finding>) {
    if let Some(n) = pod
        .pod_sc(&["windowsOptions", "hostProcess"])
        .filter(|n| n.as_bool() == Some(true))
    {
        out.push(at(
            &RULE,
            pod,
            n,
            "the pod runs as a Windows HostProcess".into(),
        ));
    }
    for c in &pod.containers {
        if let Some(n) = c
            .sc(&["windowsOptions", "hostProcess"])
            .filter(|n| n.as_bool() == Some(true))
        {
            out.push(at(
                &RULE,
                pod,
                n,
                format!("{} runs as a Windows HostProcess", c.describe()),
            ));
        }
    }
}
