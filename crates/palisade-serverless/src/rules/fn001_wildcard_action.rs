//! FN001 — function role allows every action (`*`).

use palisade_core::{Finding, Severity};

use super::{is_full_wildcard, Context};
use crate::grant::covers_every_resource;

palisade_core::declare_rule! {
    /// ## What it checks
    /// An `Allow` statement of a function's execution role whose `Action` is `*` (or `*:*`).
    /// With `Resource: *` as well the role is a full administrator and the finding is critical.
/// Statements of the AWS managed policies and SAM policy templates a role names count too.
    /// ## Why it matters
    /// Whoever runs code in the function (a dependency, an injection, a stolen deployment)
    /// can do anything the account allows: read every bucket, create users, delete the stack.
    /// ## Fix
    /// List the actions the function calls, e.g. `dynamodb:GetItem` and `dynamodb:PutItem`
    /// on the one table ARN; SAM policy templates such as `DynamoDBCrudPolicy` do this for you.
    /// ## References
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
    /// - https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html
    pub static RULE = {
        id: "FN001", practice: Fn, severity: High, title: "Function role allows every action",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for g in ctx.function_grants() {
        let mut named_hits = Vec::new();
        let mut named_sev = Severity::High;
        for st in &g.statements {
            for action in st.actions.iter().filter(|a| is_full_wildcard(&a.value)) {
                let admin = st.resources.iter().any(|r| covers_every_resource(&r.value));
                let sev = if admin && !st.has_condition {
                    Severity::Critical
                } else {
                    Severity::High
                };
                let on = if admin {
                    " on Resource `*` (full administrator)"
                } else {
                    ""
                };
                if g.named {
                    named_sev = named_sev.max(sev);
                    named_hits.push(format!("Action `{}`{on}", action.value));
                    continue;
                }
                out.push(ctx.finding_sev(
                    &RULE,
                    sev,
                    format!(
                        "{} allows Action `{}`{on} to {}",
                        g.what, action.value, g.users
                    ),
                    action.pos,
                    &g.resource,
                ));
            }
        }
        if !named_hits.is_empty() {
            named_hits.dedup();
            out.push(ctx.named_finding(&RULE, &g, named_sev, &named_hits, ""));
        }
    }
}
