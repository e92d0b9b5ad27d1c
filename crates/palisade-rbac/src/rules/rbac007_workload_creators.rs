use palisade_core::declare_rule;

use super::{grants_any, Dangerous};
use crate::model::PolicyRule;

declare_rule! {
    /// ## What it checks
    /// Rules that allow creating pods (or replication controllers), or creating or changing
/// Deployments, DaemonSets, StatefulSets, ReplicaSets, Jobs or CronJobs.
    /// ## Why it matters
    /// A pod can name any service account of its namespace, mount any Secret and ConfigMap
/// there and, without admission control, run privileged on a node. Creating workloads is
/// therefore as strong as every permission in the namespace.
    /// ## Fix
    /// Give workload creation to deployment pipelines only, and enforce Pod Security Admission
/// (restricted) in the namespace.
    /// ## References
    /// - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#workload-creation
    pub static RULE = {
        id: "RBAC007", practice: Rbac, severity: Medium,
        title: "Subjects can create pods or workload controllers",
    };
}

fn test(rule: &PolicyRule) -> bool {
    grants_any(rule, &["create"], "", &["pods", "replicationcontrollers"])
        || grants_any(
            rule,
            &["create", "update", "patch"],
            "apps",
            &["deployments", "daemonsets", "statefulsets", "replicasets"],
        )
        || grants_any(
            rule,
            &["create", "update", "patch"],
            "batch",
            &["jobs", "cronjobs"],
        )
}

pub const DANGER: Dangerous = Dangerous {
    meta: &RULE,
    what:
        "create pods or workload controllers (and so run as any service account of the namespace)",
    test,
    whole_role: None,
};
