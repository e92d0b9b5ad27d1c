use palisade_core::{declare_rule, Finding};

use super::at;
use crate::kubernetes::{ClusterContext, PodView};

declare_rule! {
    /// ## What it checks
    /// A container (also init and ephemeral containers) whose
    /// `securityContext.allowPrivilegeEscalation` is not explicitly `false`. Pods with
    /// `spec.os.name: windows` are exempt, as in the Pod Security Standards.
    /// ## Why it matters
    /// Unless it is `false`, the kernel's `no_new_privs` flag is not set, so a process in the
    /// container can gain privileges through setuid binaries or file capabilities.
    /// ## Fix
    /// Set `securityContext.allowPrivilegeEscalation: false` on every container.
    /// ## References
    /// - https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
    pub static RULE = {
        id: "ISO013", practice: Iso, severity: Medium,
        title: "Privilege escalation allowed", profile: "restricted",
    };
}

pub fn check(pod: &PodView, _: &ClusterContext, out: &mut Vec<Finding>) {
    if pod.is_windows() {
        return;
    }
    for c in &pod.containers {
        match c.sc(&["allowPrivilegeEscalation"]) {
            Some(n) if n.as_bool() == Some(false) => {}
            Some(n) => out.push(at(
                &RULE,
                pod,
                n,
                format!("{} allows privilege escalation", c.describe()),
            )),
            None => out.push(at(
                &RULE,
                pod,
                c.anchor(),
                format!(
                    "{} does not set allowPrivilegeEscalation: false",
                    c.describe()
                ),
            )),
        }
    }
}
