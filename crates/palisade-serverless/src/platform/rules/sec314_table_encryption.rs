//! SEC314 — table or cache not encrypted under a key the account controls.

use palisade_core::{Finding, Severity};

use crate::model::Attr;
use crate::platform::AtRest;
use crate::rules::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// A DAX cluster (`aws_dax_cluster`, `AWS::DAX::Cluster`) without server-side
    /// encryption (`server_side_encryption { enabled = true }`, `SSESpecification.SSEEnabled`
    /// off or unwritten): its cache is not encrypted at rest. And, at low severity, a
    /// DynamoDB table (`aws_dynamodb_table`, `AWS::DynamoDB::Table`,
    /// `AWS::DynamoDB::GlobalTable`, SAM `AWS::Serverless::SimpleTable`) left on DynamoDB's
    /// default encryption: the table is encrypted, but with a key AWS owns, so no key policy
    /// limits who reads it and CloudTrail records no use of the key. A table with
    /// encryption switched on uses a KMS key of the account (`aws/dynamodb` or the key
    /// named) and is not reported. Values that cannot be evaluated are not judged.
    /// ## Why it matters
    /// Functions keep orders, sessions and user records in these tables. An unencrypted
    /// cache holds them in clear on the cluster's disks; a table under an AWS-owned key can
    /// be read by anyone with `dynamodb:*` rights, with no second gate and no audit trail of
    /// the key.
    /// ## Fix
    /// `server_side_encryption { enabled = true }` on DAX clusters (set at creation: the
    /// cluster is replaced). On tables, `server_side_encryption { enabled = true }` with
    /// `kms_key_arn` of a customer managed key (`SSESpecification: {SSEEnabled: true,
    /// SSEType: KMS, KMSMasterKeyId: ...}`), whose key policy names the functions' roles.
    /// ## References
    /// - https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/EncryptionAtRest.html
    /// - https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/DAXEncryptionAtRest.html
    pub static RULE = {
        id: "SEC314", practice: Sec, severity: Medium, title: "Table or cache not encrypted under an account key",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for t in &ctx.platform().tables {
        match t.at_rest {
            Attr::Set(AtRest::Unencrypted, pos) => out.push(ctx.finding(
                &RULE,
                format!("{} does not encrypt its data at rest", t.kind),
                pos,
                &t.resource,
            )),
            Attr::Set(AtRest::ServiceOwnedKey, pos) => out.push(ctx.finding_sev(
                &RULE,
                Severity::Low,
                format!(
                    "{} is encrypted only with a key AWS owns (server-side encryption off): \
                     no key policy or CloudTrail record covers reads of its data",
                    t.kind
                ),
                pos,
                &t.resource,
            )),
            _ => {}
        }
    }
}
