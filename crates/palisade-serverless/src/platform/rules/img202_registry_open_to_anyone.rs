//! IMG202 — container registry that anyone can pull from or push to.

use palisade_core::{Finding, Severity};

use crate::rules::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// An ECR repository policy (`aws_ecr_repository_policy`, `RepositoryPolicyText`) with
    /// an Allow statement for `Principal: *` and no `Condition` (critical when it allows
    /// pushing or deleting images, high for pulls), and an Azure Container Registry with
    /// `anonymous_pull_enabled = true` (high).
    /// ## Why it matters
    /// Private images carry source code, internal endpoints and, too often, secrets baked
    /// into layers; public pull hands them to anyone. Public push lets anyone replace the
    /// images clusters and functions run.
    /// ## Fix
    /// Name the accounts or organizations that may pull (`aws:PrincipalOrgID` condition),
    /// keep push to the CI role, and turn anonymous pull off; publish deliberately public
    /// images from a separate public registry.
    /// ## References
    /// - https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policies.html
    /// - https://learn.microsoft.com/azure/container-registry/anonymous-pull-access
    pub static RULE = {
        id: "IMG202", practice: Img, severity: High, title: "Registry open to anyone",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for g in &ctx.platform().registry_grants {
        let (severity, verb) = if g.write {
            (Severity::Critical, "writable")
        } else {
            (Severity::High, "readable")
        };
        out.push(ctx.finding_sev(
            &RULE,
            severity,
            format!("{} is {verb} by anyone: {}", g.target, g.grant),
            g.pos,
            &g.resource,
        ));
    }
}
