//! IMG204 — Azure Container Registry reachable from public networks.

use palisade_core::Finding;

use crate::model::Attr;
use crate::rules::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// An `azurerm_container_registry` with `public_network_access_enabled = true`, or a
    /// Premium registry that leaves it unwritten (on by default; only Premium can turn it
    /// off), unless a `network_rule_set` denies by default.
    /// ## Why it matters
    /// A registry open to every network can be reached with any leaked credential from
    /// anywhere; private endpoints or network rules limit pulls and pushes to the networks
    /// that build and run the images.
    /// ## Fix
    /// Set `public_network_access_enabled = false` and reach the registry through private
    /// endpoints, or add a `network_rule_set` with `default_action = "Deny"` and the
    /// allowed ranges.
    /// ## References
    /// - https://learn.microsoft.com/azure/container-registry/container-registry-access-selected-networks
    pub static RULE = {
        id: "IMG204", practice: Img, severity: Low, title: "Registry reachable from public networks",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for r in &ctx.platform().registries {
        if let Some(Attr::Set(true, pos)) = &r.public_network {
            out.push(ctx.finding(
                &RULE,
                format!("{} accepts connections from public networks", r.kind),
                *pos,
                &r.resource,
            ));
        }
    }
}
