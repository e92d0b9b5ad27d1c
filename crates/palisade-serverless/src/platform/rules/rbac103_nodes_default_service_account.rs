//! RBAC103 — GKE nodes that run as the Compute Engine default service account.

use palisade_core::Finding;

use crate::model::Attr;
use crate::rules::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// GKE node pools (`google_container_node_pool`, the `node_config` of a
    /// `google_container_cluster`) and the pools that node auto-provisioning or Autopilot
    /// creates (`cluster_autoscaling.auto_provisioning_defaults`) whose `service_account`
    /// is unwritten, `"default"` or the project's `NUMBER-compute@developer.gserviceaccount.com`:
    /// the nodes then run as the Compute Engine default service account. A cluster
    /// without `node_config` is not judged (its default pool is usually removed with
    /// `remove_default_node_pool`), nor is an account given by an unresolved expression.
    /// ## Why it matters
    /// The default service account holds the Editor role on the project unless an
    /// organization policy took it away. Every node, and every pod that can reach the
    /// metadata server (no workload identity, see ISO100), can then change almost anything
    /// in the project, not just pull images and write logs.
    /// ## Fix
    /// Create a service account with only `roles/container.defaultNodeServiceAccount` (or
    /// logging, monitoring and Artifact Registry reader) and set it as the nodes'
    /// `service_account`, in each `node_config` and in `auto_provisioning_defaults`.
    /// ## References
    /// - https://cloud.google.com/kubernetes-engine/docs/how-to/hardening-your-cluster#use_least_privilege_sa
    /// - https://cloud.google.com/kubernetes-engine/docs/how-to/service-accounts#default-gke-service-agent
    pub static RULE = {
        id: "RBAC103", practice: Rbac, severity: Medium, title: "Cluster nodes run as the default compute service account",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for n in &ctx.platform().node_pools {
        if let Attr::Set(Some(why), pos) = &n.default_identity {
            out.push(ctx.finding(
                &RULE,
                format!(
                    "nodes run as the Compute Engine default service account ({why}), which \
                     usually holds Editor on the project"
                ),
                *pos,
                &n.resource,
            ));
        }
    }
}
