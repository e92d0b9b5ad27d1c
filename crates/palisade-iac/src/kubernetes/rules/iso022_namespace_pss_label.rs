use palisade_core::{declare_rule, Finding};

use crate::kubernetes::{ClusterContext, K8sObject};

declare_rule! {
    /// ## What it checks
    /// Namespace manifests without a `pod-security.kubernetes.io/enforce` label.
    /// ## Why it matters
    /// Pod Security Admission enforces the Pod Security Standards per namespace through this
    /// label. Without it the cluster-wide default applies, which is `privileged` (nothing
    /// enforced) unless the admission configuration says otherwise.
    /// ## Fix
    /// Add `pod-security.kubernetes.io/enforce: restricted` (or `baseline`) to the
    /// namespace's labels, with `enforce-version` pinned if you want stable behaviour.
    /// ## References
    /// - https://kubernetes.io/docs/concepts/security/pod-security-admission/
    /// - https://kubernetes.io/docs/tasks/configure-pod-container/enforce-standards-namespace-labels/
    pub static RULE = {
        id: "ISO022", practice: Iso, severity: Low,
        title: "Namespace without Pod Security enforcement label",
    };
}

pub fn check(obj: &K8sObject, _: &ClusterContext, out: &mut Vec<Finding>) {
    if obj.kind != "Namespace"
        || obj
            .labels
            .contains_key("pod-security.kubernetes.io/enforce")
    {
        return;
    }
    let node = obj
        .root
        .get("metadata")
        .and_then(|m| {
            m.entry("labels")
                .map(|(k, _)| k)
                .or(m.entry("name").map(|(k, _)| k))
        })
        .unwrap_or(&obj.root);
    out.push(Finding::new(
        &RULE,
        format!(
            "namespace {} has no pod-security.kubernetes.io/enforce label",
            obj.name
        ),
        obj.location(node),
    ));
}
