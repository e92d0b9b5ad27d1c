//! FN001 — function role allows every action (`*`).

use palisade_core::{Finding, Severity};

use super::{is_full_wildcard, Context};
use crate::boundary::Reach;
use crate::grant::covers_every_resource;

palisade_core::declare_rule! {
    /// ## What it checks
    /// An `Allow` statement of a function's execution role whose `Action` is `*` (or `*:*`).
    /// With `Resource: *` as well the role is a full administrator and the finding is critical.
    /// Statements of the AWS managed policies and SAM policy templates a role names count too.
    ///
    /// A role with a permissions boundary is judged by what the boundary lets through
    /// (IAM grants only what both the policies and the boundary allow): a `*` the boundary
    /// caps to some actions is reported at low severity naming what passes, and one the
    /// boundary allows nothing of is not reported. The capped grant stays visible because
    /// removing or loosening the boundary brings all of it back. A boundary whose document
    /// is not known (a template naming a policy ARN outside it) caps nothing.
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
        let mut named_sev: Option<Severity> = None;
        for st in &g.statements {
            for action in st.actions.iter().filter(|a| is_full_wildcard(&a.value)) {
                let reach = g.reach(&action.value, st);
                let (sev, on, note) = match &reach {
                    Reach::Blocked => continue,
                    Reach::Capped(parts) => (Severity::Low, "", g.capped_note(parts)),
                    Reach::All => {
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
                        (sev, on, String::new())
                    }
                };
                if g.named {
                    named_sev = named_sev.max(Some(sev));
                    named_hits.push(format!("Action `{}`{on}{note}", action.value));
                    continue;
                }
                out.push(ctx.finding_sev(
                    &RULE,
                    sev,
                    format!(
                        "{} allows Action `{}`{on} to {}{note}",
                        g.what, action.value, g.users
                    ),
                    action.pos,
                    &g.resource,
                ));
            }
        }
        if let Some(sev) = named_sev {
            named_hits.dedup();
            out.push(ctx.named_finding(&RULE, &g, sev, &named_hits, ""));
        }
    }
}
