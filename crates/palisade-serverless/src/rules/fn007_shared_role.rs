//! FN007 — one execution role shared by several functions.

use std::collections::BTreeMap;

use palisade_core::Finding;

use super::Context;
use crate::model::Attr;

palisade_core::declare_rule! {
    /// ## What it checks
    /// Two or more functions of a template using the same execution role: the same role
    /// resource or ARN, or the one role the Serverless Framework creates for every function
    /// of a service unless each function gets its own.
    /// ## Why it matters
    /// A shared role is the union of what every function needs, so each function holds
    /// permissions it never uses, and a compromise of the least trusted one exposes the most
    /// privileged one's access.
    /// ## Fix
    /// Give each function its own role with only its permissions (SAM does this when
    /// `Policies` is used; for the Serverless Framework use per-function roles, e.g. the
    /// `serverless-iam-roles-per-function` plugin's `iamRoleStatements`).
    /// ## References
    /// - https://docs.aws.amazon.com/lambda/latest/operatorguide/least-privilege.html
    pub static RULE = {
        id: "FN007", practice: Fn, severity: Low, title: "Execution role shared by several functions",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    let mut by_role: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, f) in ctx.inv.functions.iter().enumerate() {
        if let Attr::Set(r, _) = &f.role_ref {
            by_role.entry(r.as_str()).or_default().push(i);
        }
    }
    for (role, users) in by_role {
        if users.len() < 2 {
            continue;
        }
        let names: Vec<&str> = users
            .iter()
            .map(|&i| ctx.inv.functions[i].name.as_str())
            .collect();
        for &i in &users {
            let f = &ctx.inv.functions[i];
            // Only the first few other names: the scan must stay linear in the number
            // of functions sharing a role.
            let shown: Vec<&str> = names
                .iter()
                .copied()
                .filter(|n| *n != f.name)
                .take(5)
                .collect();
            let more = (users.len() - 1).saturating_sub(shown.len());
            let others = if more > 0 {
                format!("{} and {more} more", shown.join(", "))
            } else {
                shown.join(", ")
            };
            out.push(ctx.finding(
                &RULE,
                format!("function {} shares role {role} with {others}", f.name),
                f.role_ref.pos().unwrap_or(f.pos),
                &f.resource,
            ));
        }
    }
}
