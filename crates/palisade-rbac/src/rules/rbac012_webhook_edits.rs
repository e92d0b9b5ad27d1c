use palisade_core::declare_rule;

use super::{grants_any, Dangerous};
use crate::model::PolicyRule;

declare_rule! {
    /// ## What it checks
    /// Rules that allow `create`, `update`, `patch` or `delete` on mutating or validating
/// webhook configurations.
    /// ## Why it matters
    /// A mutating webhook sees and rewrites every object sent to the API server (Secrets
/// included); removing a validating webhook turns off the policies it enforces.
    /// ## Fix
    /// Give webhook configuration to cluster administrators and the operators that own them only.
    /// ## References
    /// - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#control-admission-webhooks
    pub static RULE = {
        id: "RBAC012", practice: Rbac, severity: High,
        title: "Subjects can change admission webhooks",
    };
}

fn test(rule: &PolicyRule) -> bool {
    grants_any(
        rule,
        &["create", "update", "patch", "delete"],
        "admissionregistration.k8s.io",
        &[
            "mutatingwebhookconfigurations",
            "validatingwebhookconfigurations",
        ],
    )
}

pub const DANGER: Dangerous = Dangerous {
    meta: &RULE,
    what: "create, change or delete admission webhook configurations",
    test,
    whole_role: None,
};
