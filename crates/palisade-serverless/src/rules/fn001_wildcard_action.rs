//! FN001 — function role allows every action (`*`).

use palisade_core::{Finding, Severity};

use super::{is_full_wildcard, Context};

palisade_core::declare_rule! {
    /// ## What it checks
    /// An `Allow` statement of a function's execution role whose `Action` is `*` (or `*:*`).
    /// With `Resource: *` as well the role is a full administrator and the finding is critical.
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
    for (_, st, resource, users) in ctx.function_statements() {
        for action in st.actions.iter().filter(|a| is_full_wildcard(&a.value)) {
            let admin = st.resources.iter().any(|r| r.value == "*");
            let sev = if admin && !st.has_condition {
                Severity::Critical
            } else {
                Severity::High
            };
            out.push(ctx.finding_sev(
                &RULE,
                sev,
                format!(
                    "statement from {} allows Action `{}`{} to {users}",
                    st.source,
                    action.value,
                    if admin {
                        " on Resource `*` (full administrator)"
                    } else {
                        ""
                    }
                ),
                action.pos,
                &resource,
            ));
        }
    }
}
