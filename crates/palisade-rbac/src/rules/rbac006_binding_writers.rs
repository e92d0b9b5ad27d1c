use palisade_core::declare_rule;

use super::{grants_any, Dangerous};
use crate::model::PolicyRule;

declare_rule! {
    /// ## What it checks
    /// Rules that allow `create`, `update` or `patch` on `rolebindings` or `clusterrolebindings`.
    /// ## Why it matters
    /// Whoever writes bindings decides who holds which role. Kubernetes still checks that the
/// writer holds the permissions it binds (unless it also has `bind`), but any role it holds
/// can be handed to any identity, including ones it controls elsewhere.
    /// ## Fix
    /// Limit binding management to administrators; if a controller must create bindings, scope
/// it to one namespace and to named roles.
    /// ## References
    /// - https://kubernetes.io/docs/reference/access-authn-authz/rbac/#restrictions-on-role-binding-creation-or-update
    pub static RULE = {
        id: "RBAC006", practice: Rbac, severity: High,
        title: "Subjects can create or change role bindings",
    };
}

fn test(rule: &PolicyRule) -> bool {
    grants_any(
        rule,
        &["create", "update", "patch"],
        "rbac.authorization.k8s.io",
        &["rolebindings", "clusterrolebindings"],
    )
}

pub const DANGER: Dangerous = Dangerous {
    meta: &RULE,
    what: "create or change RoleBindings and ClusterRoleBindings",
    test,
    whole_role: None,
};
