//! IMG200 — ECR repository with mutable image tags.

use palisade_core::Finding;

use crate::model::Attr;
use crate::rules::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// An ECR repository (`aws_ecr_repository`, `AWS::ECR::Repository`) whose
    /// `image_tag_mutability` / `ImageTagMutability` is `MUTABLE` or
    /// `MUTABLE_WITH_EXCLUSION`, or unwritten (the default is `MUTABLE`).
    /// ## Why it matters
    /// With mutable tags anyone who can push can replace `app:1.4.2` with a different
    /// image: deployments, rollbacks and scans that name the tag silently run other code,
    /// and a stolen push credential becomes a supply-chain attack on every consumer.
    /// ## Fix
    /// Set `image_tag_mutability = "IMMUTABLE"` (`ImageTagMutability: IMMUTABLE`), publish
    /// a new tag per build and deploy by digest.
    /// ## References
    /// - https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html
    pub static RULE = {
        id: "IMG200", practice: Img, severity: Medium, title: "Registry repository with mutable tags",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for r in &ctx.platform().registries {
        if let Some(Attr::Set(true, pos)) = &r.mutable_tags {
            out.push(ctx.finding(
                &RULE,
                format!(
                    "{} allows pushed tags to be overwritten (mutable tags)",
                    r.kind
                ),
                *pos,
                &r.resource,
            ));
        }
    }
}
