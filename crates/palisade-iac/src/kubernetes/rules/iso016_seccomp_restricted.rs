use palisade_core::{declare_rule, Finding};

use super::at;
use crate::kubernetes::{ClusterContext, PodView};

declare_rule! {
    /// ## What it checks
    /// Containers (also init and ephemeral) without an effective seccomp profile of
    /// `RuntimeDefault` or `Localhost`: neither the container nor the pod sets
    /// `securityContext.seccompProfile.type`. A container-level value overrides the pod's.
    /// Profiles explicitly set to `Unconfined` are reported by ISO010; pods with
    /// `spec.os.name: windows` are exempt.
    /// ## Why it matters
    /// Without a profile the container runs with the runtime's unconfined default on most
    /// clusters, exposing the whole syscall surface of the kernel.
    /// ## Fix
    /// Set `spec.securityContext.seccompProfile: {type: RuntimeDefault}`.
    /// ## References
    /// - https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
    /// - https://kubernetes.io/docs/tutorials/security/seccomp/
    pub static RULE = {
        id: "ISO016", practice: Iso, severity: Medium,
        title: "No seccomp profile", profile: "restricted",
    };
}

pub fn check(pod: &PodView, _: &ClusterContext, out: &mut Vec<Finding>) {
    if pod.is_windows() {
        return;
    }
    let pod_type = pod
        .pod_sc(&["seccompProfile", "type"])
        .and_then(|n| n.as_str());
    for c in &pod.containers {
        let container_type = c.sc(&["seccompProfile", "type"]).and_then(|n| n.as_str());
        let effective = container_type.or(pod_type);
        match effective {
            Some("RuntimeDefault" | "Localhost" | "Unconfined") => {}
            Some(other) => out.push(at(
                &RULE,
                pod,
                c.sc(&["seccompProfile", "type"])
                    .or(pod.pod_sc(&["seccompProfile", "type"]))
                    .unwrap_or(c.anchor()),
                format!("{} has unknown seccomp profile type {other}", c.describe()),
            )),
            None => out.push(at(
                &RULE,
                pod,
                c.anchor(),
                format!(
                    "{} has no seccomp profile (set RuntimeDefault on the pod or container)",
                    c.describe()
                ),
            )),
        }
    }
}
