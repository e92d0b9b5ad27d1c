//! SEC301 — sensitive environment variables without a customer managed KMS key.

use palisade_core::Finding;

use super::sec300_plaintext_secret_env::sensitive_name;
use super::Context;
use crate::model::Attr;

palisade_core::declare_rule! {
    /// ## What it checks
    /// An AWS function with environment variables named like secrets (`*_PASSWORD`,
    /// `*_SECRET`, `*_TOKEN`, `*_KEY`...) and no customer managed KMS key (`KmsKeyArn`,
    /// `kms_key_arn`, `kmsKeyArn`).
    /// ## Why it matters
    /// Without a customer key the variables are encrypted with the AWS managed key, which
    /// every principal allowed to read the function configuration can use; a customer key
    /// adds a separate, auditable permission to decrypt them.
    /// ## Fix
    /// Move the secrets to Secrets Manager; if they must stay in the environment, set a
    /// customer managed KMS key and restrict `kms:Decrypt` on it.
    /// ## References
    /// - https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars-encryption.html
    pub static RULE = {
        id: "SEC301", practice: Sec, severity: Low, title: "Sensitive environment without customer KMS key",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for f in ctx.aws_functions() {
        if !matches!(f.kms_key, Attr::Unset) {
            continue;
        }
        let names: Vec<&str> = f
            .environment
            .iter()
            .filter(|v| sensitive_name(&v.name))
            .map(|v| v.name.as_str())
            .collect();
        if names.is_empty() {
            continue;
        }
        out.push(ctx.finding(
            &RULE,
            format!(
                "function {} keeps {} in its environment without a customer managed KMS key",
                f.name,
                names.join(", ")
            ),
            f.environment_pos.unwrap_or(f.pos),
            &f.resource,
        ));
    }
}
