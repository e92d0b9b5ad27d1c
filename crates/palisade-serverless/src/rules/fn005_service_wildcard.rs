//! FN005 — service-wide wildcard on a sensitive service.

use palisade_core::{Finding, Severity};

use super::Context;
use crate::boundary::Reach;

palisade_core::declare_rule! {
    /// ## What it checks
    /// An `Allow` statement of a function's role with an action such as `iam:*`, `s3:*`,
    /// `dynamodb:*`, `kms:*`, `secretsmanager:*`, `lambda:*`, `sts:*`, `ssm:*` or `ec2:*`
    /// (every action of a service that holds data, keys or identities).
    ///
    /// A role's permissions boundary caps the wildcard: one the boundary lets only some
    /// actions or resources of through is reported at low severity naming them, one it
    /// allows nothing of is not reported. A boundary whose document is not known caps
    /// nothing.
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
        let mut named_sev: Option<Severity> = None;
        for st in &g.statements {
            for a in &st.actions {
                let Some((service, verb)) = a.value.split_once(':') else {
                    continue;
                };
                if verb != "*" || !SENSITIVE.contains(&service.to_ascii_lowercase().as_str()) {
                    continue;
                }
                let (sev, note) = match g.reach(&a.value, st) {
                    Reach::All => (RULE.severity, String::new()),
                    Reach::Capped(parts) => (Severity::Low, g.capped_note(&parts)),
                    Reach::Blocked => continue,
                };
                let hit = format!("`{}` (every {service} action){note}", a.value);
                if g.named {
                    named_sev = named_sev.max(Some(sev));
                    if !named_hits.contains(&hit) {
                        named_hits.push(hit);
                    }
                    continue;
                }
                out.push(ctx.finding_sev(
                    &RULE,
                    sev,
                    format!("{} allows {hit} to {}", g.what, g.users),
                    a.pos,
                    &g.resource,
                ));
            }
        }
        if let Some(sev) = named_sev {
            out.push(ctx.named_finding(&RULE, &g, sev, &named_hits, ""));
        }
    }
}
