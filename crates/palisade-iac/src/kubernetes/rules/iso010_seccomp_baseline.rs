use palisade_core::{declare_rule, Finding};

use super::at;
use crate::kubernetes::{ClusterContext, PodView};

declare_rule! {
    /// ## What it checks
    /// A seccomp profile explicitly set to `Unconfined`, at pod level
    /// (`spec.securityContext.seccompProfile.type`) or on any container, including the
    /// `seccomp.security.alpha.kubernetes.io/pod` and
    /// `container.seccomp.security.alpha.kubernetes.io/<name>` annotations that clusters
    /// before Kubernetes 1.27 still honour.
    /// ## Why it matters
    /// Seccomp filters the system calls a container may make. Unconfined exposes the whole
    /// kernel syscall surface, including calls used in known container escapes.
    /// ## Fix
    /// Set `seccompProfile: {type: RuntimeDefault}` at pod level and remove the container
    /// override.
    /// ## References
    /// - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
    /// - https://kubernetes.io/docs/tutorials/security/seccomp/
    pub static RULE = {
        id: "ISO010", practice: Iso, severity: High,
        title: "Seccomp explicitly unconfined", profile: "baseline",
    };
}

pub fn check(pod: &PodView, _: &ClusterContext, out: &mut Vec<Finding>) {
    if let Some((_, n)) = pod.pod_seccomp().filter(|(t, _)| t == "Unconfined") {
        out.push(at(
            &RULE,
            pod,
            n,
            "the pod's seccomp profile is Unconfined".into(),
        ));
    }
    for c in &pod.containers {
        if let Some((_, n)) = pod.container_seccomp(c).filter(|(t, _)| t == "Unconfined") {
            out.push(at(
                &RULE,
                pod,
                n,
                format!("{} has seccomp profile Unconfined", c.describe()),
            ));
        }
    }
}
