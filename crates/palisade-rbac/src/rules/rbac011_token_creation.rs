use palisade_core::declare_rule;

use super::{grants_any, Dangerous};
use crate::model::PolicyRule;

declare_rule! {
    /// ## What it checks
    /// Rules that allow `create` on `serviceaccounts/token`.
    /// ## Why it matters
    /// The TokenRequest API issues a token for any service account the rule covers: the holder
/// gets every permission of those accounts.
    /// ## Fix
    /// Remove the permission, or limit it with `resourceNames` to the one account that needs it.
    /// ## References
    /// - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#token-request
    pub static RULE = {
        id: "RBAC011", practice: Rbac, severity: High,
        title: "Subjects can mint service-account tokens",
    };
}

fn test(rule: &PolicyRule) -> bool {
    grants_any(rule, &["create"], "", &["serviceaccounts/token"])
}

pub const DANGER: Dangerous = Dangerous {
    meta: &RULE,
    what: "create service-account tokens",
    test,
    whole_role: None,
};
