//! DEP101 — GKE cluster outside a release channel.

use palisade_core::Finding;

use crate::model::Attr;
use crate::rules::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// A GKE Standard cluster (`google_container_cluster`) without a `release_channel`
    /// block, or whose `channel` is `UNSPECIFIED`. Autopilot clusters are always in a
    /// channel and are not reported; values that cannot be evaluated are not judged.
    /// ## Why it matters
    /// Outside a release channel the cluster's version is managed by hand: security
    /// patches of the control plane and nodes arrive only when someone upgrades, and a
    /// static version drifts toward the end of support (see DEP100 for EKS).
    /// ## Fix
    /// `release_channel { channel = "REGULAR" }` (or `STABLE`; `RAPID` for test clusters),
    /// and control disruption with maintenance windows and exclusions.
    /// ## References
    /// - https://cloud.google.com/kubernetes-engine/docs/concepts/release-channels
    pub static RULE = {
        id: "DEP101", practice: Dep, severity: Low, title: "Cluster without a release channel",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for c in &ctx.platform().clusters {
        if let Some(Attr::Set(channel, pos)) = &c.release_channel {
            if channel == "UNSPECIFIED" {
                out.push(ctx.finding(
                    &RULE,
                    format!(
                        "{} is in no release channel: control plane and node security patches wait for manual upgrades",
                        c.kind
                    ),
                    *pos,
                    &c.resource,
                ));
            }
        }
    }
}
