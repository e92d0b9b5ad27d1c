use palisade_core::{declare_rule, Finding};

use super::at;
use crate::kubernetes::{ClusterContext, PodView};

declare_rule! {
    /// ## What it checks
    /// Containers (also init and ephemeral) without an effective seccomp profile of
    /// `RuntimeDefault` or `Localhost`: neither the container nor the pod sets
    /// `securityContext.seccompProfile.type` (nor the legacy seccomp annotations honoured
    /// before Kubernetes 1.27). A container-level value overrides the pod's.
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
    let pod_level = pod.pod_seccomp();
    for c in &pod.containers {
        match pod.container_seccomp(c).or_else(|| pod_level.clone()) {
            Some((t, _)) if matches!(t.as_str(), "RuntimeDefault" | "Localhost" | "Unconfined") => {
            }
            Some((other, node)) => out.push(at(
                &RULE,
                pod,
                node,
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
