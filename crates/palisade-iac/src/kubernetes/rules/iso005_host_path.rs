use palisade_core::{declare_rule, Finding};
use palisade_yaml::Node;

use super::at;
use crate::kubernetes::{ClusterContext, PodView};

declare_rule! {
    /// ## What it checks
    /// A pod volume of type `hostPath`.
    /// ## Why it matters
    /// A hostPath volume mounts a directory of the node into the pod. Mounting `/`,
    /// `/var/run/docker.sock`, `/var/lib/kubelet` or `/etc` hands the pod the node; even a
    /// harmless-looking path can be used to escape through symlinks or to fill the node disk.
    /// ## Fix
    /// Use `emptyDir`, a ConfigMap/Secret, or a PersistentVolumeClaim. Node agents that must
    /// read host paths belong in a separate, exempted namespace, with `readOnly: true` mounts.
    /// ## References
    /// - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
    /// - https://kubernetes.io/docs/concepts/storage/volumes/#hostpath
    pub static RULE = {
        id: "ISO005", practice: Iso, severity: High,
        title: "hostPath volume", profile: "baseline",
    };
}

pub fn check(pod: &PodView, _: &ClusterContext, out: &mut Vec<Finding>) {
    for vol in pod.volumes() {
        if let Some((key, host)) = vol.entry("hostPath") {
            let name = vol.get("name").and_then(Node::as_str).unwrap_or("");
            let path = host.get("path").and_then(Node::as_str).unwrap_or("?");
            out.push(at(
                &RULE,
                pod,
                key,
                format!("volume \"{name}\" mounts host path {path}"),
            ));
        }
    }
}
