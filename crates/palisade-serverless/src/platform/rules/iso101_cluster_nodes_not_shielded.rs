//! ISO101 — GKE nodes that do not boot as Shielded VMs.

use palisade_core::Finding;

use crate::model::Attr;
use crate::rules::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// A GKE cluster (`google_container_cluster`) with `enable_shielded_nodes = false`.
    /// Shielded nodes are on by default since GKE 1.18, so only an explicit `false` is
    /// reported; values that cannot be evaluated are not judged.
    /// ## Why it matters
    /// Shielded GKE nodes boot with Secure Boot and a virtual TPM, and the control plane
    /// checks each node's identity before it joins. Without them, an attacker who gets
    /// code on one node (a container escape) can impersonate other nodes to the control
    /// plane and read the pods and secrets scheduled to them.
    /// ## Fix
    /// Remove `enable_shielded_nodes = false` (or set it `true`).
    /// ## References
    /// - https://cloud.google.com/kubernetes-engine/docs/how-to/shielded-gke-nodes
    pub static RULE = {
        id: "ISO101", practice: Iso, severity: Medium, title: "Cluster nodes are not Shielded VMs",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for c in &ctx.platform().clusters {
        if let Some(Attr::Set(false, pos)) = c.shielded_nodes {
            out.push(ctx.finding(
                &RULE,
                format!(
                    "{} nodes do not boot as Shielded VMs (enable_shielded_nodes = false)",
                    c.kind
                ),
                pos,
                &c.resource,
            ));
        }
    }
}
