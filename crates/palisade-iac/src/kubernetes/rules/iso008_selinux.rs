use palisade_core::{declare_rule, Finding};
use palisade_yaml::Node;

use super::at;
use crate::kubernetes::{ClusterContext, PodView};

declare_rule! {
    /// ## What it checks
    /// `securityContext.seLinuxOptions` (pod or container) that sets a `type` other than
    /// `container_t`, `container_init_t`, `container_kvm_t` or `container_engine_t`, or
    /// that sets a custom `user` or `role`.
    /// ## Why it matters
    /// The SELinux type confines what a container process may touch on the node. Choosing
    /// another type (for example `spc_t`, "super privileged container") or another user or
    /// role lifts that confinement.
    /// ## Fix
    /// Remove `seLinuxOptions.type`, `.user` and `.role`, or use one of the container types.
    /// ## References
    /// - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
    pub static RULE = {
        id: "ISO008", practice: Iso, severity: High,
        title: "Custom SELinux type, user or role", profile: "baseline",
    };
}

const ALLOWED_TYPES: &[&str] = &[
    "",
    "container_t",
    "container_init_t",
    "container_kvm_t",
    "container_engine_t",
];

fn check_options(pod: &PodView, opts: Option<&Node>, who: &str, out: &mut Vec<Finding>) {
    let Some(opts) = opts else { return };
    if let Some(t) = opts.get("type") {
        let value = t.as_str().unwrap_or("");
        if !ALLOWED_TYPES.contains(&value) {
            out.push(at(
                &RULE,
                pod,
                t,
                format!("{who} sets SELinux type {value}"),
            ));
        }
    }
    for key in ["user", "role"] {
        if let Some(n) = opts
            .get(key)
            .filter(|n| !n.as_str().unwrap_or("").is_empty())
        {
            out.push(at(
                &RULE,
                pod,
                n,
                format!("{who} sets SELinux {key} {}", n.as_str().unwrap_or("")),
            ));
        }
    }
}

pub fn check(pod: &PodView, _: &ClusterContext, out: &mut Vec<Finding>) {
    check_options(pod, pod.pod_sc(&["seLinuxOptions"]), "the pod", out);
    for c in &pod.containers {
        check_options(pod, c.sc(&["seLinuxOptions"]), &c.describe(), out);
    }
}
