//! RBAC100 — managed Kubernetes API server reachable from the whole internet.

use palisade_core::Finding;

use crate::model::Attr;
use crate::rules::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// The control plane of a managed cluster that accepts connections from any address:
    /// an EKS cluster (`aws_eks_cluster`, `AWS::EKS::Cluster`) whose endpoint is public
    /// (the default) without `public_access_cidrs` / `PublicAccessCidrs` or with
    /// `0.0.0.0/0` among them; an AKS cluster (`azurerm_kubernetes_cluster`) that is not
    /// private and has no `authorized_ip_ranges`; a GKE cluster
    /// (`google_container_cluster`) without a private endpoint and without
    /// `master_authorized_networks_config`, or with `0.0.0.0/0` in it. Values that cannot
    /// be evaluated are not judged.
    /// ## Why it matters
    /// The API server is the cluster's front door: open to the internet it is exposed to
    /// credential stuffing with leaked kubeconfigs and tokens and to every
    /// pre-authentication vulnerability of Kubernetes, and anonymous discovery endpoints
    /// reveal its version.
    /// ## Fix
    /// Make the endpoint private (`endpoint_public_access = false`,
    /// `private_cluster_enabled = true`, `enable_private_endpoint = true`) and reach it
    /// through a VPN or bastion, or list the networks that administer it
    /// (`public_access_cidrs`, `authorized_ip_ranges`, `master_authorized_networks_config`).
    /// ## References
    /// - https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html
    /// - https://learn.microsoft.com/azure/aks/api-server-authorized-ip-ranges
    /// - https://cloud.google.com/kubernetes-engine/docs/how-to/authorized-networks
    pub static RULE = {
        id: "RBAC100", practice: Rbac, severity: High, title: "Cluster API server open to the internet",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for c in &ctx.platform().clusters {
        if let Attr::Set(Some(why), pos) = &c.api_open {
            out.push(ctx.finding(
                &RULE,
                format!(
                    "{} API server is reachable from the internet: {why}",
                    c.kind
                ),
                *pos,
                &c.resource,
            ));
        }
    }
}
