//! SEC316 — S3 bucket without versioning.

use palisade_core::Finding;

use crate::model::Attr;
use crate::rules::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// An S3 bucket (`aws_s3_bucket`, `AWS::S3::Bucket`) without versioning: no
    /// `versioning { enabled = true }`, no `aws_s3_bucket_versioning` naming it with status
    /// `Enabled`, no `VersioningConfiguration: {Status: Enabled}` (`Suspended` counts as
    /// off). Values that cannot be evaluated, and buckets whose versioning resource cannot
    /// be tied to them, are not judged.
    /// ## Why it matters
    /// A function with write access — or a stolen set of its credentials — can overwrite or
    /// delete every object, and ransomware on S3 does exactly that. Without versions the
    /// previous content is gone.
    /// ## Fix
    /// `aws_s3_bucket_versioning { bucket = ..., versioning_configuration { status =
    /// "Enabled" } }` (`VersioningConfiguration: {Status: Enabled}`), with a lifecycle rule
    /// that expires old versions if storage cost matters.
    /// ## References
    /// - https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html
    pub static RULE = {
        id: "SEC316", practice: Sec, severity: Low, title: "S3 bucket without versioning",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for b in &ctx.platform().s3_buckets {
        if let Attr::Set(false, pos) = b.versioning {
            out.push(
                ctx.finding(
                    &RULE,
                    "S3 bucket keeps no versions: an overwritten or deleted object cannot be \
                 restored"
                        .to_string(),
                    pos,
                    &b.resource,
                ),
            );
        }
    }
}
