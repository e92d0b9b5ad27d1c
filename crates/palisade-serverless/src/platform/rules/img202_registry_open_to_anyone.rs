//! IMG202 — container registry that anyone can pull from or push to.

use palisade_core::{Finding, Severity};

use crate::rules::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// An ECR repository policy (`aws_ecr_repository_policy`, `RepositoryPolicyText`) with
    /// an Allow statement for `Principal: *` and no `Condition` (critical when it allows
    /// pushing or deleting images, high for pulls), an Azure Container Registry with
    /// `anonymous_pull_enabled = true` (high), and Google Artifact Registry repositories
    /// (`google_artifact_registry_repository_iam_member`, `_binding`, and `_policy` with a
    /// `data.google_iam_policy` of the module) or Container Registry buckets
    /// (`google_storage_bucket_iam_member`/`_binding`/`_policy` on
    /// `artifacts.PROJECT.appspot.com`, `REGION.artifacts.PROJECT.appspot.com` or a
    /// `google_container_registry` of the module) granted to `allUsers` or
    /// `allAuthenticatedUsers` (critical for writer and admin roles, high for readers and
    /// viewers). Container Registry buckets are reported here, not under NET210.
    /// ## Why it matters
    /// Private images carry source code, internal endpoints and, too often, secrets baked
    /// into layers; public pull hands them to anyone. Public push lets anyone replace the
    /// images clusters and functions run.
    /// ## Fix
    /// Name the accounts or organizations that may pull (`aws:PrincipalOrgID` condition),
    /// keep push to the CI role, turn anonymous pull off, grant Google repositories and
    /// buckets to service accounts or groups; publish deliberately public
    /// images from a separate public registry.
    /// ## References
    /// - https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policies.html
    /// - https://learn.microsoft.com/azure/container-registry/anonymous-pull-access
    /// - https://cloud.google.com/artifact-registry/docs/access-control
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
