//! IMG201 — ECR repository that does not scan images on push.

use palisade_core::Finding;

use crate::model::Attr;
use crate::rules::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// An ECR repository without `image_scanning_configuration { scan_on_push = true }`
    /// (`ImageScanningConfiguration.ScanOnPush: true`); unwritten means off. A registry-wide
    /// scanning configuration (`aws_ecr_registry_scanning_configuration`, enhanced
    /// scanning) also covers repositories: when the template declares one, the finding can
    /// be suppressed.
    /// ## Why it matters
    /// Without a scan, images with known-vulnerable packages are pulled into clusters and
    /// functions with nobody told; the push is the cheapest moment to find out.
    /// ## Fix
    /// Set `scan_on_push = true`, or enable enhanced scanning for the registry, and gate
    /// deployments on the findings (or run `palisade image` in the pipeline).
    /// ## References
    /// - https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning.html
    pub static RULE = {
        id: "IMG201", practice: Img, severity: Low, title: "Registry repository does not scan on push",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for r in &ctx.platform().registries {
        let pos = match &r.scan_on_push {
            Some(Attr::Set(false, pos)) => *pos,
            Some(Attr::Unset) => r.pos,
            _ => continue,
        };
        out.push(ctx.finding(
            &RULE,
            format!(
                "{} does not scan images for vulnerabilities on push",
                r.kind
            ),
            pos,
            &r.resource,
        ));
    }
}
