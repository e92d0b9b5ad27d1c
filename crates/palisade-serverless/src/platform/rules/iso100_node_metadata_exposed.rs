//! ISO100 — cluster nodes hand their cloud identity to pods.

use palisade_core::{Finding, Severity};

use crate::model::{Attr, Cloud};
use crate::rules::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// GKE clusters without workload identity (`workload_identity_config`, on by default
    /// only with Autopilot) (medium), and GKE node configurations that expose the node's
    /// metadata to pods (high): `disable-legacy-endpoints = "false"` in
    /// `node_config.metadata`, or `workload_metadata_config` mode `GCE_METADATA` / `EXPOSE`.
    /// ## Why it matters
    /// Without workload identity every pod can ask the metadata server for the node's
    /// service-account token and act with the node's rights on the whole project; the
    /// legacy endpoints also return the kubelet's bootstrap credentials without the header
    /// that stops server-side request forgery. IMDSv1 answers a plain GET, so one
    /// server-side request forgery in anything the machine runs hands out the instance
    /// role's credentials; IMDSv2 needs a token fetched with a PUT, which such requests
    /// cannot send.
    /// ## Fix
    /// Set `workload_identity_config { workload_pool = "PROJECT.svc.id.goog" }`, node pools
    /// with `workload_metadata_config { mode = "GKE_METADATA" }`, and leave
    /// `disable-legacy-endpoints` at `true`. On AWS, set `metadata_options { http_tokens =
    /// "required" }` (`MetadataOptions: {HttpTokens: required}`), with
    /// `http_put_response_hop_limit = 1` where pods need no metadata at all.
    /// ## References
    /// - https://cloud.google.com/kubernetes-engine/docs/how-to/workload-identity
    /// - https://cloud.google.com/kubernetes-engine/docs/how-to/protecting-cluster-metadata
    /// - https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-service.html
    pub static RULE = {
        id: "ISO100", practice: Iso, severity: High, title: "Cluster nodes expose their cloud identity to pods",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for c in &ctx.platform().clusters {
        if let Some(Attr::Set(false, pos)) = &c.workload_identity {
            out.push(ctx.finding_sev(
                &RULE,
                Severity::Medium,
                format!(
                    "{} has no workload identity: pods can use the nodes' service account",
                    c.kind
                ),
                *pos,
                &c.resource,
            ));
        }
    }
    for n in &ctx.platform().node_pools {
        let who = match n.cloud {
            Cloud::Aws => {
                "these EC2 machines and the pods they run can read the instance role's credentials"
            }
            _ => "nodes expose instance metadata to pods",
        };
        for m in &n.metadata_exposed {
            out.push(ctx.finding(&RULE, format!("{who}: {}", m.value), m.pos, &n.resource));
        }
    }
}
