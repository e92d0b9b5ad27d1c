use palisade_core::declare_rule;

use super::{grants_any, Dangerous};
use crate::model::PolicyRule;

declare_rule! {
    /// ## What it checks
    /// Rules that allow any verb on `nodes/proxy`.
    /// ## Why it matters
    /// `nodes/proxy` gives direct access to the kubelet API of every node, which runs commands
/// in any pod on the node and bypasses audit logging and admission control.
    /// ## Fix
    /// Remove `nodes/proxy`; monitoring agents need `nodes/metrics` or `nodes/stats` only.
    /// ## References
    /// - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#access-to-proxy-subresource-of-nodes
    pub static RULE = {
        id: "RBAC009", practice: Rbac, severity: High,
        title: "Subjects can use the nodes/proxy subresource",
    };
}

fn test(rule: &PolicyRule) -> bool {
    grants_any(
        rule,
        &["get", "create", "update", "patch"],
        "",
        &["nodes/proxy"],
    )
}

pub const DANGER: Dangerous = Dangerous {
    meta: &RULE,
    what: "reach the kubelet API through nodes/proxy",
    test,
    whole_role: None,
};
