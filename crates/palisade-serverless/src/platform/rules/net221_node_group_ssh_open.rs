//! NET221 — node group allowing SSH from anywhere.

use palisade_core::Finding;

use crate::model::Attr;
use crate::rules::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// An EKS managed node group (`aws_eks_node_group`, `AWS::EKS::Nodegroup`) whose
    /// `remote_access` / `RemoteAccess` names an SSH key pair but no
    /// `source_security_group_ids` / `SourceSecurityGroups`: EKS then opens port 22 of
    /// every node to `0.0.0.0/0`.
    /// ## Why it matters
    /// Nodes hold every pod's secrets, service-account tokens and the node's IAM role; SSH
    /// on the internet invites brute force and exposes any sshd vulnerability.
    /// ## Fix
    /// Remove `remote_access` and use SSM Session Manager, or list the security groups
    /// allowed to connect in `source_security_group_ids`.
    /// ## References
    /// - https://docs.aws.amazon.com/eks/latest/APIReference/API_RemoteAccessConfig.html
    pub static RULE = {
        id: "NET221", practice: Net, severity: High, title: "Node group SSH open to the internet",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for n in &ctx.platform().node_pools {
        if let Attr::Set(true, pos) = n.ssh_from_anywhere {
            out.push(ctx.finding(
                &RULE,
                "node group allows SSH with its key pair from anywhere (no source security groups)"
                    .to_string(),
                pos,
                &n.resource,
            ));
        }
    }
}
