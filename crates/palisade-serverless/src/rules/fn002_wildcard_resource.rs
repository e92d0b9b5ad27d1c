//! FN002 — function role grants write, data or permission actions on every resource.

use palisade_core::{Finding, Severity};

use super::{is_full_wildcard, Context};
use crate::grant::{action_risk, covers_every_resource, ActionRisk};

palisade_core::declare_rule! {
    /// ## What it checks
    /// An `Allow` statement of a function's role whose `Resource` covers every resource of
    /// its service (`*`, `arn:aws:s3:::*`, `table/*` of a SAM template given `'*'`) with an
    /// action that does more than read configuration. Each action is judged by the risk model
    /// shipped with Palisade (`data/action_risk.tsv`): actions AWS only authorises on `*` or
    /// that deliver the function's own telemetry (`ses:VerifyEmailIdentity`,
    /// `xray:PutTraceSegments`, `logs:CreateLogGroup`) and List/Describe reads are not
    /// reported; writes are medium; reading data (`s3:GetObject`, `dynamodb:Scan`), reading
    /// secrets or using keys (`secretsmanager:GetSecretValue`, `kms:Decrypt`), deleting and
    /// changing permissions are high. Statements of the AWS managed policies and SAM policy
    /// templates a role names count, reported once per policy where it is named.
    /// Statements with `Action: *` are FN001's.
    /// ## Why it matters
    /// `s3:PutObject` on `*` lets the function overwrite any bucket of the account, not the one
    /// it was written for; `AmazonDynamoDBFullAccess` or `DynamoDBCrudPolicy` with
    /// `TableName: '*'` lets a bug or an attacker in the function read and delete every table.
    /// ## Fix
    /// Name the resources: `arn:aws:s3:::my-bucket/*`, `!GetAtt Table.Arn`,
    /// `aws_dynamodb_table.t.arn`; give SAM policy templates the resource's name, and replace
    /// `*FullAccess` managed policies with the SAM template or statement the code needs.
    /// ## References
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
    /// - https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
    pub static RULE = {
        id: "FN002", practice: Fn, severity: Medium, title: "Function role grants actions on every resource",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for g in ctx.function_grants() {
        let mut named: Vec<(ActionRisk, &str)> = Vec::new();
        for st in &g.statements {
            let Some(every) = st
                .resources
                .iter()
                .find(|r| covers_every_resource(&r.value))
            else {
                continue;
            };
            if st.actions.iter().any(|a| is_full_wildcard(&a.value)) {
                continue;
            }
            let risky: Vec<(ActionRisk, &str)> = st
                .actions
                .iter()
                .map(|a| (action_risk(&a.value), a.value.as_str()))
                .filter(|(r, _)| r.severity().is_some())
                .collect();
            if g.named {
                named.extend(risky);
                continue;
            }
            let Some(sev) = worst(&risky) else {
                continue;
            };
            out.push(ctx.finding_sev(
                &RULE,
                sev,
                format!(
                    "{} allows {} on Resource `{}` to {}",
                    g.what,
                    describe(&risky).join(", "),
                    every.value,
                    g.users
                ),
                every.pos,
                &g.resource,
            ));
        }
        named.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
        named.dedup_by(|a, b| a.1 == b.1);
        if let Some(sev) = worst(&named) {
            out.push(ctx.named_finding(&RULE, &g, sev, &describe(&named), " on every resource"));
        }
    }
}

fn worst(actions: &[(ActionRisk, &str)]) -> Option<Severity> {
    actions.iter().filter_map(|(r, _)| r.severity()).max()
}

fn describe(actions: &[(ActionRisk, &str)]) -> Vec<String> {
    actions
        .iter()
        .map(|(r, a)| match a.strip_suffix(":*") {
            Some(service) => format!("{a} (every {service} action: {})", r.describe()),
            None => format!("{a} ({})", r.describe()),
        })
        .collect()
}
