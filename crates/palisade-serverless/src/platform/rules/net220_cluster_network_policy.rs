//! NET220 — managed cluster without a network policy engine.

use palisade_core::Finding;

use crate::model::Attr;
use crate::rules::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// An AKS cluster without `network_profile.network_policy` (or set to `none`), and a
    /// GKE cluster without `network_policy { enabled = true }`, Dataplane V2
    /// (`datapath_provider = "ADVANCED_DATAPATH"`) or Autopilot. Without an engine the
    /// cluster accepts NetworkPolicy objects and silently ignores them.
    /// ## Why it matters
    /// Every pod can reach every other pod and the node's services: one compromised
    /// workload can scan and attack databases, the metadata server and other tenants, and
    /// the default-deny policies teams write have no effect.
    /// ## Fix
    /// AKS: `network_profile { network_policy = "azure" }` (or `calico`, `cilium`); GKE:
    /// `datapath_provider = "ADVANCED_DATAPATH"` or `network_policy { enabled = true }`.
    /// ## References
    /// - https://learn.microsoft.com/azure/aks/use-network-policies
    /// - https://cloud.google.com/kubernetes-engine/docs/how-to/network-policy
    pub static RULE = {
        id: "NET220", practice: Net, severity: Medium, title: "Cluster does not enforce network policies",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for c in &ctx.platform().clusters {
        if let Some(Attr::Set(false, pos)) = &c.network_policy {
            out.push(ctx.finding(
                &RULE,
                format!(
                    "{} has no network policy engine: NetworkPolicy objects are not enforced",
                    c.kind
                ),
                *pos,
                &c.resource,
            ));
        }
    }
}
