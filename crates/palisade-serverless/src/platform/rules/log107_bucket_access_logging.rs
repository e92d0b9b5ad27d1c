//! LOG107 — S3 bucket without server access logs.

use palisade_core::Finding;

use crate::model::Attr;
use crate::rules::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// An S3 bucket (`aws_s3_bucket`, `AWS::S3::Bucket`) that delivers no server access
    /// logs: no `logging` block, no `aws_s3_bucket_logging` naming it, no
    /// `LoggingConfiguration`. Buckets that receive other buckets' logs (named as a
    /// `target_bucket` / `DestinationBucketName`, or with the `log-delivery-write` /
    /// `LogDeliveryWrite` ACL) are not judged: logging a log bucket into itself loops. A
    /// logging resource that cannot be tied to its bucket leaves every bucket of the module
    /// unjudged.
    /// ## Why it matters
    /// A function's trigger or data bucket is where an attacker with stolen credentials
    /// reads and plants objects. Without access logs (or CloudTrail data events) there is
    /// no record of who read, wrote or deleted which object, from where.
    /// ## Fix
    /// `aws_s3_bucket_logging { bucket = ..., target_bucket = ..., target_prefix = ... }`
    /// (`LoggingConfiguration: {DestinationBucketName: ...}`), into a bucket kept for logs.
    /// ## References
    /// - https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html
    pub static RULE = {
        id: "LOG107", practice: Log, severity: Low, title: "S3 bucket without server access logs",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    let platform = ctx.platform();
    for b in &platform.s3_buckets {
        if platform.s3_log_targets.contains(&b.key) {
            continue;
        }
        if let Attr::Set(false, pos) = b.access_logs {
            out.push(
                ctx.finding(
                    &RULE,
                    "S3 bucket delivers no server access logs: reads, writes and deletes of its \
                 objects leave no record"
                        .to_string(),
                    pos,
                    &b.resource,
                ),
            );
        }
    }
}
