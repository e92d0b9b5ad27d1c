use palisade_core::declare_rule;

use super::{grants_any, Dangerous};
use crate::model::PolicyRule;

declare_rule! {
    /// ## What it checks
    /// A Role or ClusterRole rule that allows `get`, `list` or `watch` on `secrets` (directly or
/// through `*`), and every binding of a built-in role (`edit`, `admin`) that hands this out.
/// The finding names each subject that holds the rule, with the binding and role.
    /// ## Why it matters
    /// Secrets hold database passwords, API keys and service-account tokens; `list` and `watch`
/// return every Secret of the namespace with its values. Whoever can read them inherits the
/// identities stored there.
    /// ## Fix
    /// Grant read access to named Secrets only (`resourceNames`), or mount the one Secret a
/// workload needs instead of letting it query the API.
    /// ## References
    /// - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#listing-secrets
    pub static RULE = {
        id: "RBAC004", practice: Rbac, severity: High,
        title: "Subjects can read Secrets",
    };
}

fn test(rule: &PolicyRule) -> bool {
    grants_any(rule, &["get", "list", "watch"], "", &["secrets"])
}

pub const DANGER: Dangerous = Dangerous {
    meta: &RULE,
    what: "read Secrets",
    test,
    whole_role: None,
};
