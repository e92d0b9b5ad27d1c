use palisade_core::{declare_rule, Finding};
use palisade_yaml::Node;

use super::at;
use crate::kubernetes::{ClusterContext, PodView};

declare_rule! {
    /// ## What it checks
    /// A pod volume of a type other than `configMap`, `csi`, `downwardAPI`, `emptyDir`,
    /// `ephemeral`, `persistentVolumeClaim`, `projected` or `secret`.
    /// ## Why it matters
    /// The restricted profile only allows volume types that cannot reach node or network
    /// storage directly. In-tree types such as `nfs`, `iscsi`, `rbd`, `gitRepo` or `hostPath`
    /// let the pod mount storage outside the control of PersistentVolume policy (`gitRepo`
    /// even runs git on the node). `hostPath` volumes are reported by ISO005 only.
    /// ## Fix
    /// Provide the storage through a PersistentVolumeClaim (backed by a PersistentVolume or
    /// a CSI driver) instead of an inline volume source.
    /// ## References
    /// - https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
    pub static RULE = {
        id: "ISO012", practice: Iso, severity: Medium,
        title: "Volume type outside the restricted set", profile: "restricted",
    };
}

const ALLOWED: &[&str] = &[
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "persistentVolumeClaim",
    "projected",
    "secret",
];

pub fn check(pod: &PodView, _: &ClusterContext, out: &mut Vec<Finding>) {
    for vol in pod.volumes() {
        let name = vol.get("name").and_then(Node::as_str).unwrap_or("");
        for (key, _) in vol.entries() {
            // hostPath has its own baseline rule (ISO005); reporting it twice adds nothing.
            if key == "name" || key == "hostPath" || ALLOWED.contains(&key) {
                continue;
            }
            let node = vol.entry(key).map(|(k, _)| k).unwrap_or(vol);
            out.push(at(
                &RULE,
                pod,
                node,
                format!("volume \"{name}\" uses type {key}"),
            ));
        }
    }
}
