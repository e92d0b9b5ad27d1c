//! FN005 — service-wide wildcard on a sensitive service.

use palisade_core::Finding;

use super::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// An `Allow` statement of a function's role with an action such as `iam:*`, `s3:*`,
    /// `dynamodb:*`, `kms:*`, `secretsmanager:*`, `lambda:*`, `sts:*`, `ssm:*` or `ec2:*`
    /// (every action of a service that holds data, keys or identities).
    /// ## Why it matters
    /// `s3:*` includes `s3:PutBucketPolicy` and `s3:DeleteBucket`; `kms:*` includes
    /// `kms:ScheduleKeyDeletion`; `iam:*` is account takeover. A function needs a handful of
    /// these actions, never all.
    /// ## Fix
    /// List the actions the code calls (`s3:GetObject`, `s3:PutObject`) and scope them to
    /// the resources it uses.
    /// ## References
    /// - https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
    pub static RULE = {
        id: "FN005", practice: Fn, severity: High, title: "Wildcard on every action of a sensitive service",
    };
}

const SENSITIVE: &[&str] = &[
    "iam",
    "s3",
    "dynamodb",
    "kms",
    "secretsmanager",
    "lambda",
    "sts",
    "ssm",
    "ec2",
    "rds",
    "cloudformation",
    "organizations",
];

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for g in ctx.function_grants() {
        let mut named_hits = Vec::new();
        for st in &g.statements {
            for a in &st.actions {
                let Some((service, verb)) = a.value.split_once(':') else {
                    continue;
                };
                if verb != "*" || !SENSITIVE.contains(&service.to_ascii_lowercase().as_str()) {
                    continue;
                }
                let hit = format!("`{}` (every {service} action)", a.value);
                if g.named {
                    if !named_hits.contains(&hit) {
                        named_hits.push(hit);
                    }
                    continue;
                }
                out.push(ctx.finding(
                    &RULE,
                    format!("{} allows {hit} to {}", g.what, g.users),
                    a.pos,
                    &g.resource,
                ));
            }
        }
        if !named_hits.is_empty() {
            out.push(ctx.named_finding(&RULE, &g, RULE.severity, &named_hits, ""));
        }
    }
}
