use palisade_core::declare_rule;

use super::{grants_any, Dangerous};
use crate::model::PolicyRule;

declare_rule! {
    /// ## What it checks
    /// Rules that allow `create` (or `get`, which older API servers accept for the streaming
/// upgrade) on `pods/exec`, `pods/attach` or `pods/portforward`.
    /// ## Why it matters
    /// A shell in a pod is its service-account token, its mounted Secrets and its network
/// position; port-forwarding reaches services that network policies were meant to hide.
    /// ## Fix
    /// Grant these subresources only for break-glass access, ideally to named pods, and audit
/// their use.
    /// ## References
    /// - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#pods-exec
    pub static RULE = {
        id: "RBAC008", practice: Rbac, severity: High,
        title: "Subjects can exec into, attach to or port-forward pods",
    };
}

fn test(rule: &PolicyRule) -> bool {
    grants_any(
        rule,
        &["create", "get"],
        "",
        &["pods/exec", "pods/attach", "pods/portforward"],
    )
}

pub const DANGER: Dangerous = Dangerous {
    meta: &RULE,
    what: "exec into, attach to or port-forward to pods",
    test,
    whole_role: None,
};
