//! SEC311 — secret in a template's inputs or outputs.

use palisade_core::{Finding, SecretInfo, Severity};

use crate::rules::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// Terraform `variable` defaults and CloudFormation `Parameters` `Default` values that
    /// hold a credential (a format the secret engine recognises, or any non-placeholder
    /// literal under a secret-like name such as `db_password`), CloudFormation `Outputs`
    /// that publish a credential attribute (`!GetAtt Key.SecretAccessKey`), each high; and
    /// secret-named CloudFormation parameters without `NoEcho: true` (low). The secret
    /// itself is never printed: findings carry a preview and the secret engine's
    /// fingerprint, so a `[[suppress]]` fingerprint entry accepts it here as elsewhere.
    /// Literal credentials in provider blocks and resource arguments are reported by the
    /// secret engine's own rules (SEC001, SEC190...).
    /// ## Why it matters
    /// A default is a secret committed to the repository and copied into every plan, state
    /// file and stack; an output is readable by anyone who can describe the stack, and
    /// parameters without `NoEcho` are shown in the console, the API and CloudTrail.
    /// ## Fix
    /// Leave secret inputs without defaults and mark them `sensitive = true` / `NoEcho:
    /// true`, read them from Secrets Manager or SSM (`{{resolve:secretsmanager:...}}`,
    /// `AWS::SSM::Parameter::Value<String>`), and do not output credentials — store them in
    /// a secret store instead. Rotate any value that was committed.
    /// ## References
    /// - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/security-best-practices.html#creds
    /// - https://developer.hashicorp.com/terraform/language/values/variables#suppressing-values-in-cli-output
    pub static RULE = {
        id: "SEC311", practice: Sec, severity: High, title: "Secret in template inputs or outputs",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for s in &ctx.platform().template_secrets {
        let severity = if s.exposed {
            Severity::High
        } else {
            Severity::Low
        };
        let mut finding = ctx.finding_sev(&RULE, severity, s.what.clone(), s.pos, &s.resource);
        if let Some(value) = &s.value {
            finding.secret = Some(Box::new(SecretInfo {
                preview: palisade_secrets::preview(value.as_bytes()),
                fingerprint: palisade_secrets::fingerprint(value.as_bytes()),
            }));
        }
        out.push(finding);
    }
}
