//! LOG100 — cluster control-plane logs not sent to the cloud's logging.

use palisade_core::{Finding, Severity};

use crate::model::Attr;
use crate::platform::clusters::EKS_LOG_TYPES;
use crate::rules::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// An EKS cluster whose `enabled_cluster_log_types` (`Logging.ClusterLogging.EnabledTypes`)
    /// leaves out any of `api`, `audit`, `authenticator`, `controllerManager`,
    /// `scheduler`: medium when `api` or `audit` is missing (nothing records who did what),
    /// low otherwise. Unwritten means no log type at all (the EKS default). Lists that
    /// cannot be evaluated are not judged. A GKE cluster whose `logging_service` or
    /// `monitoring_service` is `none`, or the retired legacy `logging.googleapis.com` /
    /// `monitoring.googleapis.com` backend, is reported too: medium for logging (it carries
    /// the control plane's logs), low for monitoring. An AKS cluster without Container
    /// Insights (no `oms_agent`) is reported at low: its container logs and metrics reach
    /// no Azure Monitor workspace (clusters monitored by other means can suppress it).
    /// ## Why it matters
    /// The audit and API server logs are the only record of who read secrets, created
    /// pods or changed RBAC; without them an incident cannot be investigated and
    /// detections (GuardDuty EKS audit monitoring aside) have nothing to read.
    /// ## Fix
    /// Set `enabled_cluster_log_types = ["api", "audit", "authenticator",
    /// "controllerManager", "scheduler"]` and give the log group a retention. On GKE,
    /// leave `logging_service` and `monitoring_service` unset or set them to
    /// `logging.googleapis.com/kubernetes` and `monitoring.googleapis.com/kubernetes`.
    /// ## References
    /// - https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html
    /// - https://cloud.google.com/kubernetes-engine/docs/concepts/about-logs
    pub static RULE = {
        id: "LOG100", practice: Log, severity: Medium, title: "Cluster control-plane logs missing",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for c in &ctx.platform().clusters {
        for off in &c.telemetry_off {
            let severity = if off.control_plane {
                Severity::Medium
            } else {
                Severity::Low
            };
            out.push(ctx.finding_sev(
                &RULE,
                severity,
                format!("{} {}", c.kind, off.what),
                off.pos,
                &c.resource,
            ));
        }
        let Some(Attr::Set(types, pos)) = &c.log_types else {
            continue;
        };
        let missing: Vec<&str> = EKS_LOG_TYPES
            .iter()
            .copied()
            .filter(|t| !types.iter().any(|x| x == t))
            .collect();
        if missing.is_empty() {
            continue;
        }
        let severity = if missing.contains(&"api") || missing.contains(&"audit") {
            Severity::Medium
        } else {
            Severity::Low
        };
        out.push(ctx.finding_sev(
            &RULE,
            severity,
            format!(
                "{} does not log control-plane types {}",
                c.kind,
                missing.join(", ")
            ),
            *pos,
            &c.resource,
        ));
    }
}
