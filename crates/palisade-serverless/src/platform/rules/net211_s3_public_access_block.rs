//! NET211 — S3 bucket without a complete public access block.

use palisade_core::{Finding, Severity};

use crate::model::Attr;
use crate::rules::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// An S3 bucket (`aws_s3_bucket`, `AWS::S3::Bucket`) that no public access block names
    /// (low), or whose block (`aws_s3_bucket_public_access_block`,
    /// `PublicAccessBlockConfiguration`) leaves `block_public_acls`, `block_public_policy`,
    /// `ignore_public_acls` or `restrict_public_buckets` off — an unwritten switch is off
    /// (medium). A block that cannot be tied to its bucket, or an account-wide
    /// `aws_s3_account_public_access_block`, means the missing case is not judged.
    /// ## Why it matters
    /// The block is the guard rail that keeps a later ACL or policy change from making the
    /// bucket public; without it one mistaken `public-read` exposes every object.
    /// ## Fix
    /// Add a public access block with all four switches `true` (or set them account-wide).
    /// ## References
    /// - https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
    pub static RULE = {
        id: "NET211", practice: Net, severity: Medium, title: "S3 bucket without a complete public access block",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for b in &ctx.platform().s3_buckets {
        match &b.public_access_block {
            Attr::Unset => out.push(ctx.finding_sev(
                &RULE,
                Severity::Low,
                "S3 bucket has no public access block".to_string(),
                b.pos,
                &b.resource,
            )),
            Attr::Set(block, _) => {
                if block.switches.iter().any(|(_, v)| v.is_unknown()) {
                    continue;
                }
                let off: Vec<&str> = block
                    .switches
                    .iter()
                    .filter(|(_, v)| v.value() != Some(&true))
                    .map(|(n, _)| *n)
                    .collect();
                if off.is_empty() {
                    continue;
                }
                let pos = block
                    .switches
                    .iter()
                    .find(|(n, v)| *n == off[0] && v.pos().is_some())
                    .and_then(|(_, v)| v.pos())
                    .unwrap_or(block.pos);
                out.push(ctx.finding(
                    &RULE,
                    format!(
                        "public access block of the S3 bucket leaves {} off",
                        off.join(", ")
                    ),
                    pos,
                    &block.resource,
                ));
            }
            Attr::Unknown(_) => {}
        }
    }
}
