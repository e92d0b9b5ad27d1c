use palisade_core::{declare_rule, Finding};

use super::at;
use crate::kubernetes::{ClusterContext, PodView};

declare_rule! {
    /// ## What it checks
    /// A container with `securityContext.procMount` set to anything but `Default`.
    /// ## Why it matters
    /// The default `/proc` mount masks and makes read-only the paths that leak host
    /// information or allow kernel tuning (`/proc/kcore`, `/proc/sys`...). `Unmasked`
    /// removes that protection.
    /// ## Fix
    /// Remove `procMount` or set it to `Default`.
    /// ## References
    /// - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
    pub static RULE = {
        id: "ISO009", practice: Iso, severity: High,
        title: "Unmasked /proc mount", profile: "baseline",
    };
}

pub fn check(pod: &PodView, _: &ClusterContext, out: &mut Vec<Finding>) {
    for c in &pod.containers {
        if let Some(n) = c.sc(&["procMount"]) {
            let v = n.as_str().unwrap_or("");
            if v != "Default" {
                out.push(at(
                    &RULE,
                    pod,
                    n,
                    format!("{} uses procMount {v}", c.describe()),
                ));
            }
        }
    }
}
