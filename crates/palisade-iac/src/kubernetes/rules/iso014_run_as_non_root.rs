use palisade_core::{declare_rule, Finding};

use super::at;
use crate::kubernetes::{ClusterContext, PodView};

declare_rule! {
    /// ## What it checks
    /// Containers that may run as root: `runAsNonRoot` must be `true` at pod level (and not
    /// overridden with `false` on a container) or on every container (also init and
    /// ephemeral containers). A pod-level `runAsNonRoot: false` is reported too.
    /// ## Why it matters
    /// Root in a container is root on the node's kernel, limited only by namespaces and
    /// capabilities: a kernel or runtime bug, a writable host mount or a leaked socket turns
    /// into node compromise. `runAsNonRoot: true` makes the kubelet refuse to start a
    /// container whose user resolves to UID 0.
    /// ## Fix
    /// Set `spec.securityContext.runAsNonRoot: true` (and a non-zero `runAsUser` if the
    /// image has no numeric non-root `USER`).
    /// ## References
    /// - https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
    pub static RULE = {
        id: "ISO014", practice: Iso, severity: Medium,
        title: "Container may run as root", profile: "restricted",
    };
}

pub fn check(pod: &PodView, _: &ClusterContext, out: &mut Vec<Finding>) {
    let pod_level = pod.pod_sc(&["runAsNonRoot"]);
    if let Some(n) = pod_level.filter(|n| n.as_bool() == Some(false)) {
        out.push(at(&RULE, pod, n, "the pod sets runAsNonRoot: false".into()));
    }
    let pod_true = pod_level.and_then(|n| n.as_bool()) == Some(true);
    for c in &pod.containers {
        match c.sc(&["runAsNonRoot"]) {
            Some(n) if n.as_bool() == Some(true) => {}
            Some(n) => out.push(at(
                &RULE,
                pod,
                n,
                format!("{} sets runAsNonRoot: false", c.describe()),
            )),
            None if pod_true => {}
            None => out.push(at(
                &RULE,
                pod,
                c.anchor(),
                format!(
                    "{} may run as root: runAsNonRoot is not true for it or the pod",
                    c.describe()
                ),
            )),
        }
    }
}
