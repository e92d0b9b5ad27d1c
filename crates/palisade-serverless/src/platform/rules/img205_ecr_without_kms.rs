//! IMG205 — ECR repository encrypted with the key AWS owns, not a KMS key.

use palisade_core::Finding;

use crate::model::Attr;
use crate::rules::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// An ECR repository (`aws_ecr_repository`, `AWS::ECR::Repository`) without
    /// `encryption_configuration { encryption_type = "KMS" }`
    /// (`EncryptionConfiguration.EncryptionType: KMS`): unwritten or `AES256` means the
    /// AES-256 key AWS owns. A `KMS` repository is not reported, with a customer key or
    /// with the AWS managed `aws/ecr` key (both give a key policy and a CloudTrail record
    /// of every use); values that cannot be evaluated are not judged.
    /// ## Why it matters
    /// Images hold code, configuration and sometimes credentials. With the key AWS owns,
    /// every principal with `ecr:BatchGetImage` reads them and nothing records the
    /// decryption; a KMS key adds a second permission to grant or revoke (`kms:Decrypt`)
    /// and an audit trail of each pull's key use.
    /// ## Fix
    /// `encryption_configuration { encryption_type = "KMS", kms_key = aws_kms_key.ecr.arn }`.
    /// The setting is fixed at creation: the repository must be created again (copy the
    /// images first).
    /// ## References
    /// - https://docs.aws.amazon.com/AmazonECR/latest/userguide/encryption-at-rest.html
    pub static RULE = {
        id: "IMG205", practice: Img, severity: Low, title: "Registry repository not encrypted with a KMS key",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for r in &ctx.platform().registries {
        if let Some(Attr::Set(false, pos)) = r.kms {
            out.push(ctx.finding(
                &RULE,
                format!(
                    "{} is encrypted with the AES-256 key AWS owns: no key policy limits who \
                     can decrypt its images and no key use is logged",
                    r.kind
                ),
                pos,
                &r.resource,
            ));
        }
    }
}
