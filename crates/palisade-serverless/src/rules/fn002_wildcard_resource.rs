//! FN002 — function role grants write, data or permission actions on every resource.

use palisade_core::{Finding, Severity};

use super::{is_full_wildcard, Context};
use crate::boundary::Reach;
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
    ///
    /// A role's permissions boundary caps what the statement grants: actions the boundary
    /// allows nothing of are not reported; when every reported action is capped (the
    /// boundary lets through only some actions or resources) the finding is low and names
    /// what passes. A boundary whose document is not known caps nothing.
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
        let mut named_capped: Vec<(ActionRisk, &str)> = Vec::new();
        let mut named_parts: Vec<String> = Vec::new();
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
            // Split by what the role's permissions boundary lets through of each action.
            let (mut risky, mut capped, mut parts) = (Vec::new(), Vec::new(), Vec::new());
            for a in &st.actions {
                let risk = action_risk(&a.value);
                if risk.severity().is_none() {
                    continue;
                }
                match g.reach(&a.value, st) {
                    Reach::All => risky.push((risk, a.value.as_str())),
                    Reach::Capped(p) => {
                        capped.push((risk, a.value.as_str()));
                        parts.extend(p);
                    }
                    Reach::Blocked => {}
                }
            }
            if g.named {
                named.extend(risky);
                named_capped.extend(capped);
                named_parts.extend(parts);
                continue;
            }
            let (sev, listed, note) = match worst(&risky) {
                Some(sev) => (sev, &risky, String::new()),
                None if !capped.is_empty() => (Severity::Low, &capped, g.capped_note(&parts)),
                None => continue,
            };
            out.push(ctx.finding_sev(
                &RULE,
                sev,
                format!(
                    "{} allows {} on Resource `{}` to {}{note}",
                    g.what,
                    describe(listed).join(", "),
                    every.value,
                    g.users
                ),
                every.pos,
                &g.resource,
            ));
        }
        for list in [&mut named, &mut named_capped] {
            list.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
            list.dedup_by(|a, b| a.1 == b.1);
        }
        if let Some(sev) = worst(&named) {
            out.push(ctx.named_finding(&RULE, &g, sev, &describe(&named), " on every resource"));
        } else if !named_capped.is_empty() {
            named_parts.dedup();
            let tail = format!(" on every resource{}", g.capped_note(&named_parts));
            out.push(ctx.named_finding(&RULE, &g, Severity::Low, &describe(&named_capped), &tail));
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
