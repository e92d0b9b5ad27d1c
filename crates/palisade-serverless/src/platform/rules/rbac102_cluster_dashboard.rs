//! RBAC102 — the Kubernetes dashboard add-on is on.

use palisade_core::Finding;

use crate::model::Attr;
use crate::rules::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// An AKS cluster (`azurerm_kubernetes_cluster`) that turns the Kubernetes dashboard
    /// add-on on (`addon_profile { kube_dashboard { enabled = true } }`). The add-on is
    /// off when unwritten; values that cannot be evaluated are not judged.
    /// ## Why it matters
    /// The dashboard is a web console inside the cluster that acts with its own service
    /// account. Deployed as an add-on it is reachable through the API server proxy, and a
    /// generous binding of its service account hands anyone who reaches it the cluster —
    /// the path of well-known cryptomining intrusions. AKS retired the add-on for
    /// Kubernetes 1.19 and later.
    /// ## Fix
    /// Remove the `kube_dashboard` block (or set `enabled = false`); use the Azure portal's
    /// Kubernetes resource view or `kubectl`, which authenticate each user.
    /// ## References
    /// - https://learn.microsoft.com/azure/aks/kubernetes-dashboard
    /// - https://registry.terraform.io/providers/hashicorp/azurerm/2.99.0/docs/resources/kubernetes_cluster#kube_dashboard
    pub static RULE = {
        id: "RBAC102", practice: Rbac, severity: Medium, title: "Cluster dashboard add-on enabled",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for c in &ctx.platform().clusters {
        if let Some(Attr::Set(true, pos)) = c.dashboard {
            out.push(ctx.finding(
                &RULE,
                format!(
                    "{} runs the Kubernetes dashboard add-on (kube_dashboard enabled)",
                    c.kind
                ),
                pos,
                &c.resource,
            ));
        }
    }
}
