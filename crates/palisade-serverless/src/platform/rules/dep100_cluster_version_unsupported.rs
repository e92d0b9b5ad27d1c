//! DEP100 — managed Kubernetes cluster on a version past its standard support.

use palisade_core::{Finding, Severity};

use crate::kubernetes_versions;
use crate::model::Attr;
use crate::rules::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// An EKS cluster (`aws_eks_cluster`, `AWS::EKS::Cluster`) whose Kubernetes `version`
    /// is past the end of its standard support in the Amazon EKS release calendar (shipped
    /// in Palisade, as published on 2026-12-06: 1.23 to 1.35). High once
    /// extended support has ended too: the version gets no patches and EKS upgrades the
    /// control plane on its own schedule. Medium while it is in extended support, which
    /// AWS bills per cluster hour and which ends on the date the message gives. The day
    /// compared with is today, or `runtime_cutoff` of `[serverless]` in `palisade.toml`.
    /// A version left out (EKS picks its default), newer than the calendar, or that cannot
    /// be evaluated is not judged; AKS and GKE follow their own calendars and are not
    /// judged yet.
    /// ## Why it matters
    /// Kubernetes fixes security issues in the three newest minor versions only. A control
    /// plane and kubelets past their support window keep known, published vulnerabilities,
    /// and a forced upgrade at the end of extended support can break workloads that were
    /// never tested on the next versions.
    /// ## Fix
    /// Upgrade one minor version at a time (`version = "1.34"`, then the next), after
    /// checking removed APIs with `palisade scan --kube-version` on the manifests, and
    /// upgrade node groups and add-ons with it.
    /// ## References
    /// - https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html
    /// - https://kubernetes.io/releases/version-skew-policy/
    pub static RULE = {
        id: "DEP100", practice: Dep, severity: High, title: "Managed cluster on an unsupported Kubernetes version",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    let today = ctx.today();
    for c in &ctx.platform().clusters {
        let Some(Attr::Set(version, pos)) = &c.version else {
            continue;
        };
        let Some(support) = kubernetes_versions::eks(version, &today) else {
            continue;
        };
        let (severity, message) = if support.extended_end <= today.as_str() {
            (
                Severity::High,
                format!(
                    "{} runs Kubernetes {version}, unsupported since {} (end of extended support): no patches, and EKS upgrades it on its own",
                    c.kind, support.extended_end
                ),
            )
        } else {
            (
                Severity::Medium,
                format!(
                    "{} runs Kubernetes {version}, past standard support since {}: billed extended support ends {}",
                    c.kind, support.standard_end, support.extended_end
                ),
            )
        };
        out.push(ctx.finding_sev(&RULE, severity, message, *pos, &c.resource));
    }
}
