//! FN003 — `NotAction` or `NotResource` in an `Allow` statement of a function role.

use palisade_core::Finding;

use super::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// An `Allow` statement of a function's role that uses `NotAction` or `NotResource`.
    /// ## Why it matters
    /// `Allow` + `NotAction: iam:*` grants every other action of every service, including
    /// ones AWS adds later; `NotResource` grants the actions on everything but the listed
    /// resources. Both are far broader than they read.
    /// ## Fix
    /// Replace them with an explicit `Action` / `Resource` list; keep `NotAction` only in
    /// `Deny` statements.
    /// ## References
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
    pub static RULE = {
        id: "FN003", practice: Fn, severity: High, title: "Allow statement with NotAction or NotResource",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for g in ctx.function_grants() {
        let mut named_hits = Vec::new();
        for st in &g.statements {
            if let Some(first) = st.not_actions.first() {
                let except = st
                    .not_actions
                    .iter()
                    .map(|a| a.value.as_str())
                    .collect::<Vec<_>>()
                    .join(", ");
                if g.named {
                    named_hits.push(format!("every action except {except}"));
                } else {
                    out.push(ctx.finding(
                        &RULE,
                        format!(
                            "{} allows every action except {except} to {}",
                            g.what, g.users
                        ),
                        first.pos,
                        &g.resource,
                    ));
                }
            }
            if let Some(first) = st.not_resources.first() {
                if g.named {
                    named_hits.push(format!(
                        "its actions on every resource except {}",
                        first.value
                    ));
                } else {
                    out.push(ctx.finding(
                        &RULE,
                        format!(
                            "{} allows its actions on every resource except {} to {}",
                            g.what, first.value, g.users
                        ),
                        first.pos,
                        &g.resource,
                    ));
                }
            }
        }
        if !named_hits.is_empty() {
            out.push(ctx.named_finding(&RULE, &g, RULE.severity, &named_hits, ""));
        }
    }
}
