//! RBAC101 — managed cluster authentication or authorization outside Kubernetes RBAC.

use palisade_core::{Finding, Severity};

use crate::rules::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// Cluster settings that grant access without Kubernetes RBAC (high): AKS with
    /// `role_based_access_control_enabled = false`, GKE with `enable_legacy_abac = true`,
    /// GKE basic authentication (`master_auth` `username`/`password`) or an issued client
    /// certificate (`issue_client_certificate = true`). And settings that keep
    /// credentials outside the identity provider (medium): AKS local accounts, which are
    /// on unless `local_account_disabled = true`.
    /// ## Why it matters
    /// Legacy ABAC and disabled RBAC give every authenticated identity broad rights; basic
    /// auth passwords and client certificates cannot be revoked one by one and bypass the
    /// cloud's identity, MFA and audit; AKS local accounts hand out a cluster-admin
    /// kubeconfig to anyone allowed `listClusterAdminCredential`.
    /// ## Fix
    /// Keep Kubernetes RBAC on, use Entra ID (`azure_active_directory_role_based_access_control`)
    /// with `local_account_disabled = true` on AKS, and remove `enable_legacy_abac`,
    /// `master_auth` passwords and client certificates on GKE.
    /// ## References
    /// - https://learn.microsoft.com/azure/aks/manage-local-accounts-managed-azure-ad
    /// - https://cloud.google.com/kubernetes-engine/docs/how-to/hardening-your-cluster#leave_abac_disabled_default_for_110
    /// - https://cloud.google.com/kubernetes-engine/docs/how-to/api-server-authentication#legacy-auth
    pub static RULE = {
        id: "RBAC101", practice: Rbac, severity: High, title: "Cluster access outside Kubernetes RBAC",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for c in &ctx.platform().clusters {
        for w in &c.weak_auth {
            out.push(ctx.finding_sev(
                &RULE,
                if w.bypasses_rbac {
                    Severity::High
                } else {
                    Severity::Medium
                },
                format!(
                    "{} allows access outside Kubernetes RBAC: {}",
                    c.kind, w.what
                ),
                w.pos,
                &c.resource,
            ));
        }
    }
}
