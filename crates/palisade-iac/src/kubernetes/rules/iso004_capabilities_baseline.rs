use palisade_core::{declare_rule, Finding};
use palisade_yaml::Node;

use super::at;
use crate::kubernetes::{ClusterContext, PodView};

declare_rule! {
    /// ## What it checks
    /// Capabilities added under `securityContext.capabilities.add` that are outside the
    /// baseline set: AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD,
    /// NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT.
    /// ## Why it matters
    /// Capabilities such as SYS_ADMIN, NET_ADMIN, SYS_PTRACE or SYS_MODULE give a container
    /// kernel-level powers (mounting filesystems, reconfiguring the network, tracing other
    /// processes, loading modules) that are the usual first step of a container escape.
    /// ## Fix
    /// Remove the capability from `capabilities.add`; if the workload truly needs it, isolate
    /// it in a dedicated namespace with an explicit Pod Security exemption.
    /// ## References
    /// - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
    /// - https://man7.org/linux/man-pages/man7/capabilities.7.html
    pub static RULE = {
        id: "ISO004", practice: Iso, severity: High,
        title: "Capability added beyond the baseline set", profile: "baseline",
    };
}

/// Capabilities the baseline profile allows a container to add.
pub const BASELINE_ALLOWED: &[&str] = &[
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

pub fn check(pod: &PodView, _: &ClusterContext, out: &mut Vec<Finding>) {
    for c in &pod.containers {
        for cap in c
            .sc(&["capabilities", "add"])
            .into_iter()
            .flat_map(Node::items)
        {
            let name = cap.as_str().unwrap_or("");
            if !BASELINE_ALLOWED.contains(&name) {
                out.push(at(
                    &RULE,
                    pod,
                    cap,
                    format!("{} adds capability {name}", c.describe()),
                ));
            }
        }
    }
}
