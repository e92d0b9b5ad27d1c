use palisade_core::{declare_rule, Finding};

use super::at;
use crate::kubernetes::{ClusterContext, PodView};

declare_rule! {
    /// ## What it checks
    /// An AppArmor profile other than the runtime default or a named local profile: the
    /// `securityContext.appArmorProfile.type` field (pod or container) set to anything but
    /// `RuntimeDefault` or `Localhost`, or a `container.apparmor.security.beta.kubernetes.io/*`
    /// annotation set to anything but `runtime/default` or `localhost/<profile>`.
    /// ## Why it matters
    /// `Unconfined` removes the mandatory access control layer that blocks writes to
    /// `/proc` and `/sys`, mounts and raw sockets, which many container escapes rely on.
    /// ## Fix
    /// Remove the override, or set `appArmorProfile: {type: RuntimeDefault}` (Kubernetes
    /// 1.30+) or the annotation value `runtime/default`.
    /// ## References
    /// - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
    /// - https://kubernetes.io/docs/tutorials/security/apparmor/
    pub static RULE = {
        id: "ISO007", practice: Iso, severity: High,
        title: "AppArmor profile disabled or overridden", profile: "baseline",
    };
}

const ANNOTATION_PREFIX: &str = "container.apparmor.security.beta.kubernetes.io/";

pub fn check(pod: &PodView, _: &ClusterContext, out: &mut Vec<Finding>) {
    let allowed_type = |t: &str| matches!(t, "RuntimeDefault" | "Localhost");
    if let Some(n) = pod.pod_sc(&["appArmorProfile", "type"]) {
        let t = n.as_str().unwrap_or("");
        if !allowed_type(t) {
            out.push(at(
                &RULE,
                pod,
                n,
                format!("the pod sets AppArmor profile type {t}"),
            ));
        }
    }
    for c in &pod.containers {
        if let Some(n) = c.sc(&["appArmorProfile", "type"]) {
            let t = n.as_str().unwrap_or("");
            if !allowed_type(t) {
                out.push(at(
                    &RULE,
                    pod,
                    n,
                    format!("{} sets AppArmor profile type {t}", c.describe()),
                ));
            }
        }
    }
    for (key, value) in &pod.pod_annotations {
        let Some(container) = key.strip_prefix(ANNOTATION_PREFIX) else {
            continue;
        };
        if value == "runtime/default" || value.starts_with("localhost/") {
            continue;
        }
        let node = pod.annotation_node(key).unwrap_or(pod.spec_key);
        out.push(at(
            &RULE,
            pod,
            node,
            format!("container \"{container}\" has AppArmor annotation {value}"),
        ));
    }
}
