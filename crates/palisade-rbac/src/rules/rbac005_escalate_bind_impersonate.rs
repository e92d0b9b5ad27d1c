use palisade_core::declare_rule;

use super::{grants_any, Dangerous};
use crate::model::PolicyRule;

declare_rule! {
    /// ## What it checks
    /// Rules that allow `escalate` or `bind` on `roles`/`clusterroles`, or `impersonate` on
/// users, groups, service accounts or user extras.
    /// ## Why it matters
    /// `escalate` lets a subject write roles with permissions it does not have, `bind` lets it
/// bind any role (cluster-admin included) to itself, and `impersonate` lets it act as any
/// user or service account. Each is a direct path to cluster-admin.
    /// ## Fix
    /// Remove these verbs; give role management to cluster administrators only.
    /// ## References
    /// - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#escalate-verb
    /// - https://kubernetes.io/docs/reference/access-authn-authz/rbac/#restrictions-on-role-creation-or-update
    pub static RULE = {
        id: "RBAC005", practice: Rbac, severity: Critical,
        title: "Privilege escalation verbs granted",
    };
}

fn test(rule: &PolicyRule) -> bool {
    grants_any(
        rule,
        &["escalate", "bind"],
        "rbac.authorization.k8s.io",
        &["roles", "clusterroles"],
    ) || grants_any(
        rule,
        &["impersonate"],
        "",
        &["users", "groups", "serviceaccounts"],
    ) || grants_any(
        rule,
        &["impersonate"],
        "authentication.k8s.io",
        &["userextras/scopes", "uids"],
    )
}

pub const DANGER: Dangerous = Dangerous {
    meta: &RULE,
    what: "escalate, bind or impersonate",
    test,
    whole_role: None,
};
