use palisade_core::{declare_rule, Finding};

use super::at;
use crate::kubernetes::{ClusterContext, PodView};

declare_rule! {
    /// ## What it checks
    /// `runAsUser: 0` in the pod's or any container's `securityContext`.
    /// ## Why it matters
    /// UID 0 is root. Setting it explicitly overrides a non-root `USER` in the image and
    /// contradicts `runAsNonRoot`.
    /// ## Fix
    /// Use a non-zero UID (for example `runAsUser: 10001`) or remove the field and rely on
    /// the image's non-root `USER`.
    /// ## References
    /// - https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
    pub static RULE = {
        id: "ISO015", practice: Iso, severity: High,
        title: "Runs as UID 0", profile: "restricted",
    };
}

pub fn check(pod: &PodView, _: &ClusterContext, out: &mut Vec<Finding>) {
    if let Some(n) = pod.pod_sc(&["runAsUser"]).filter(|n| n.as_i64() == Some(0)) {
        out.push(at(&RULE, pod, n, "the pod sets runAsUser: 0 (root)".into()));
    }
    for c in &pod.containers {
        if let Some(n) = c.sc(&["runAsUser"]).filter(|n| n.as_i64() == Some(0)) {
            out.push(at(
                &RULE,
                pod,
                n,
                format!("{} sets runAsUser: 0 (root)", c.describe()),
            ));
        }
    }
}
