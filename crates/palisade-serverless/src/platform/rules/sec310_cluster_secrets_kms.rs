//! SEC310 — EKS Kubernetes Secrets not envelope-encrypted with a KMS key.

use palisade_core::Finding;

use crate::model::Attr;
use crate::rules::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// An EKS cluster without an `encryption_config` (`EncryptionConfig`) that lists
    /// `secrets` among its resources and names a KMS key (`provider.key_arn` /
    /// `Provider.KeyArn`). Configurations that cannot be evaluated are not judged.
    /// ## Why it matters
    /// Kubernetes Secrets are stored in etcd; with envelope encryption under a customer
    /// key, reading them from a backup or snapshot also needs the key, key use is logged in
    /// CloudTrail, and access can be cut by disabling the key.
    /// ## Fix
    /// Add `encryption_config { resources = ["secrets"] provider { key_arn = aws_kms_key.eks.arn } }`
    /// (a key with rotation on).
    /// ## References
    /// - https://docs.aws.amazon.com/eks/latest/userguide/envelope-encryption.html
    pub static RULE = {
        id: "SEC310", practice: Sec, severity: Medium, title: "Cluster secrets not encrypted with a KMS key",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for c in &ctx.platform().clusters {
        if let Some(Attr::Set(false, pos)) = &c.secrets_kms {
            out.push(ctx.finding(
                &RULE,
                format!(
                    "{} does not envelope-encrypt Kubernetes Secrets with a KMS key",
                    c.kind
                ),
                *pos,
                &c.resource,
            ));
        }
    }
}
