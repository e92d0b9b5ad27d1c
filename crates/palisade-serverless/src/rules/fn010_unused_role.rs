//! FN010 — deployed function role with broad permissions, unused for months.

use std::collections::BTreeSet;

use palisade_core::{Finding, Severity};

use super::Context;
use crate::runtimes::date_of;

palisade_core::declare_rule! {
    /// ## What it checks
    /// A deployed execution role (`palisade cloud aws`) that IAM reports as not used for at
    /// least `unused_role_days` days (90 by default, `[serverless]` in `palisade.toml`):
    /// last used that long before the scan, or never used and created that long before, and
    /// that holds broad permissions, i.e. it has a medium or worse FN001, FN002, FN004,
    /// FN005 or FN006 finding (after its permissions boundary is taken into account).
    /// Templates carry no use data, so only live scans raise it.
    /// ## Why it matters
    /// Lambda assumes a function's role each time it starts an execution environment, so a
    /// role idle for months belongs to functions nobody runs. Its broad grants serve no
    /// one, yet whoever can run code as the function (or pass the role) still holds them.
    /// ## Fix
    /// Delete the unused function and its role, or remove the broad grants until the
    /// function is needed again. IAM Access Analyzer's unused-access findings list the
    /// services the role did use.
    /// ## References
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_last-accessed.html
    /// - https://docs.aws.amazon.com/IAM/latest/APIReference/API_RoleLastUsed.html
    pub static RULE = {
        id: "FN010", practice: Fn, severity: Medium, title: "Unused function role with broad permissions",
    };
}

const BROAD: &[fn(&Context, &mut Vec<Finding>)] = &[
    super::fn001_wildcard_action::check,
    super::fn002_wildcard_resource::check,
    super::fn004_admin_managed_policy::check,
    super::fn005_service_wildcard::check,
    super::fn006_privilege_escalation::check,
];

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    if !ctx.inv.roles.iter().any(|r| r.usage.is_some()) {
        return;
    }
    let mut broad = Vec::new();
    for rule in BROAD {
        rule(ctx, &mut broad);
    }
    let days = ctx.settings.unused_role_days;
    for (role, resource, users) in ctx.function_roles() {
        let Some(usage) = role.usage else {
            continue;
        };
        let since = usage.last_used.unwrap_or(usage.created);
        let idle_days = usage.observed.saturating_sub(since).max(0) / 86_400;
        if idle_days < days {
            continue;
        }
        // The broad-permission findings about this role, wherever they point.
        let rules: BTreeSet<&str> = broad
            .iter()
            .filter(|f| f.severity >= Severity::Medium)
            .filter(|f| f.location.resource.as_deref() == Some(resource.as_str()))
            .map(|f| f.rule_id.as_ref())
            .collect();
        if rules.is_empty() {
            continue;
        }
        let when = match usage.last_used {
            Some(t) => format!("last used {}", date_of(t)),
            None => format!(
                "never used since its creation on {}",
                date_of(usage.created)
            ),
        };
        out.push(ctx.finding(
            &RULE,
            format!(
                "role {} of {users} has not been used for {idle_days} days ({when}) but holds broad permissions ({})",
                role.name,
                rules.into_iter().collect::<Vec<_>>().join(", ")
            ),
            usage.pos,
            &resource,
        ));
    }
}
