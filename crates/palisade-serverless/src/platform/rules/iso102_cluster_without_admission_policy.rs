//! ISO102 — managed cluster without the cloud's admission policy add-on.

use palisade_core::Finding;

use crate::model::Attr;
use crate::rules::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// An AKS cluster (`azurerm_kubernetes_cluster`) without the Azure Policy add-on:
    /// `azure_policy_enabled` false or unwritten (older providers:
    /// `addon_profile { azure_policy { enabled = true } }`). Reported at low: admission
    /// control by another engine — Palisade's own `palisade serve` webhook, Kyverno or
    /// Gatekeeper — is an equivalent control. When one enforces pod admission on your
    /// clusters, say so with `external_admission_control = true` in the `[serverless]`
    /// table of `palisade.toml` and the rule stays silent. Values that cannot be evaluated
    /// are not judged.
    /// ## Why it matters
    /// Without an admission engine nothing stops a privileged pod, a host mount or an image
    /// from an untrusted registry at the API server: the Pod Security Standards that
    /// Palisade checks in manifests are then only advice.
    /// ## Fix
    /// `azure_policy_enabled = true` and assign the Kubernetes pod security initiative, or
    /// run an admission engine (`palisade serve`, Kyverno, Gatekeeper) and set
    /// `external_admission_control = true`.
    /// ## References
    /// - https://learn.microsoft.com/azure/governance/policy/concepts/policy-for-kubernetes
    /// - https://kubernetes.io/docs/concepts/security/pod-security-admission/
    pub static RULE = {
        id: "ISO102", practice: Iso, severity: Low, title: "Cluster without an admission policy add-on",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    if ctx.settings.external_admission_control {
        return;
    }
    for c in &ctx.platform().clusters {
        if let Some(Attr::Set(false, pos)) = c.policy_addon {
            out.push(ctx.finding(
                &RULE,
                format!(
                    "{} has no Azure Policy add-on enforcing pod admission; admission control by another engine (palisade serve, Kyverno, Gatekeeper) is equivalent: set external_admission_control = true in [serverless] if one enforces",
                    c.kind
                ),
                pos,
                &c.resource,
            ));
        }
    }
}
