//! NET222 — cluster nodes with public IP addresses.

use palisade_core::Finding;

use crate::model::Attr;
use crate::rules::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// A GKE cluster (`google_container_cluster`) without private nodes: no
    /// `private_cluster_config`, or `enable_private_nodes` off, gives every node an
    /// external IP address (Autopilot clusters included). An AKS cluster
    /// (`azurerm_kubernetes_cluster`) whose default node pool sets `node_public_ip_enabled`
    /// (`enable_node_public_ip` in older providers). Values that cannot be evaluated are not
    /// judged.
    /// ## Why it matters
    /// A node with a public address is one firewall rule away from the internet: the
    /// kubelet, NodePorts and anything a pod binds with `hostNetwork` or `hostPort` become
    /// reachable, and the nodes can reach out without passing a NAT gateway that logs and
    /// restricts egress.
    /// ## Fix
    /// GKE: `private_cluster_config { enable_private_nodes = true, master_ipv4_cidr_block =
    /// "172.16.0.0/28" }` with Cloud NAT for egress. AKS: remove `node_public_ip_enabled`
    /// and reach nodes through the virtual network.
    /// ## References
    /// - https://cloud.google.com/kubernetes-engine/docs/how-to/private-clusters
    /// - https://learn.microsoft.com/azure/aks/use-node-public-ips
    pub static RULE = {
        id: "NET222", practice: Net, severity: Medium, title: "Cluster nodes with public IP addresses",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for c in &ctx.platform().clusters {
        if let Some(Attr::Set(true, pos)) = c.public_nodes {
            out.push(ctx.finding(
                &RULE,
                format!("{} gives its nodes public IP addresses", c.kind),
                pos,
                &c.resource,
            ));
        }
    }
}
