use palisade_core::declare_rule;

use super::{grants_any, Dangerous};
use crate::model::PolicyRule;

declare_rule! {
    /// ## What it checks
    /// Rules that allow `update`/`patch` on `certificatesigningrequests/approval` or `approve`
/// on `signers`.
    /// ## Why it matters
    /// Approving a CSR for the `kubernetes.io/kube-apiserver-client` signer mints a client
/// certificate for any user or group, `system:masters` included.
    /// ## Fix
    /// Leave CSR approval to the controller manager and cluster administrators; if needed,
/// restrict `approve` to a named signer with `resourceNames`.
    /// ## References
    /// - https://kubernetes.io/docs/reference/access-authn-authz/certificate-signing-requests/#authorization
    pub static RULE = {
        id: "RBAC010", practice: Rbac, severity: High,
        title: "Subjects can approve certificate signing requests",
    };
}

fn test(rule: &PolicyRule) -> bool {
    grants_any(
        rule,
        &["update", "patch"],
        "certificates.k8s.io",
        &["certificatesigningrequests/approval"],
    ) || grants_any(rule, &["approve"], "certificates.k8s.io", &["signers"])
}

/// Approving takes `update` on the approval subresource and `approve` on the signer.
fn both_halves(rules: &[&PolicyRule]) -> bool {
    rules.iter().any(|r| {
        grants_any(
            r,
            &["update", "patch"],
            "certificates.k8s.io",
            &["certificatesigningrequests/approval"],
        )
    }) && rules
        .iter()
        .any(|r| grants_any(r, &["approve"], "certificates.k8s.io", &["signers"]))
}

pub const DANGER: Dangerous = Dangerous {
    meta: &RULE,
    what: "approve CertificateSigningRequests",
    test,
    whole_role: Some(both_halves),
};
