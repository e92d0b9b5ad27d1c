//! SEC312 — queue or topic that does not encrypt messages at rest.

use palisade_core::Finding;

use crate::model::Attr;
use crate::rules::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// An SNS topic (`aws_sns_topic`, `AWS::SNS::Topic`) without a KMS key
    /// (`kms_master_key_id` / `KmsMasterKeyId` absent or empty), and an SQS queue
    /// (`aws_sqs_queue`, `AWS::SQS::Queue`) with SQS-managed encryption switched off
    /// (`sqs_managed_sse_enabled = false`, `SqsManagedSseEnabled: false`) and no KMS key. A
    /// queue that writes neither is not reported: AWS encrypts new queues with SQS-managed
    /// keys by default since October 2022. Keys and switches that cannot be evaluated are not
    /// judged.
    ///
    /// On deployed functions (`palisade cloud aws`), the queues and topics that dead-letter
    /// configs and on-failure destinations name are read (`KmsMasterKeyId`,
    /// `SqsManagedSseEnabled`) and reported at the function and the field that names them.
    /// ## Why it matters
    /// Messages carry the payloads functions act on (orders, user records, tokens). SNS
    /// stores them unencrypted unless a key is named; a queue with encryption turned off
    /// keeps them in clear for up to fourteen days. A customer-managed KMS key also puts
    /// every read under a key policy and in CloudTrail.
    /// ## Fix
    /// Set `kms_master_key_id` (an `aws_kms_key` or `alias/aws/sns`, `alias/aws/sqs`) on
    /// topics and queues, or leave `sqs_managed_sse_enabled` on for queues.
    /// ## References
    /// - https://docs.aws.amazon.com/sns/latest/dg/sns-server-side-encryption.html
    /// - https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-server-side-encryption.html
    pub static RULE = {
        id: "SEC312", practice: Sec, severity: Medium, title: "Queue or topic not encrypted at rest",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for s in &ctx.platform().message_stores {
        if let Attr::Set(false, pos) = &s.encrypted {
            let why = if s.kind == "SQS queue" {
                "SQS-managed encryption off and no KMS key"
            } else {
                "no KMS key"
            };
            out.push(ctx.finding(
                &RULE,
                format!("{} does not encrypt its messages at rest ({why})", s.kind),
                *pos,
                &s.resource,
            ));
        }
    }
}
