//! Findings about the account as a whole, which no single template shows.

use super::*;

/// Account-level privilege escalation that template rules cannot see, because only the
/// live scan knows a function's own ARN: a role allowed to replace the code or change the
/// configuration of the very function it runs (reported under FN006; a grant on `*` is
/// FN006's own finding already).
pub(crate) fn self_modification_findings(inv: &Inventory, loc: &Locator) -> Vec<Finding> {
    let Some(rule) = palisade_serverless::rules()
        .into_iter()
        .find(|r| r.id == "FN006")
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for f in &inv.functions {
        let Some(role) = f.role.and_then(|i| inv.roles.get(i)) else {
            continue;
        };
        for st in role
            .statements
            .iter()
            .filter(|s| s.allow && !s.has_condition)
        {
            for action in [
                "lambda:UpdateFunctionCode",
                "lambda:UpdateFunctionConfiguration",
            ] {
                if !st
                    .actions
                    .iter()
                    .any(|a| palisade_serverless::iam::action_matches(&a.value, action))
                {
                    continue;
                }
                let own = st.resources.iter().any(|r| {
                    r.value != "*"
                        && palisade_core::text::wildcard_match(&r.value, &f.resource, false)
                });
                // A permissions boundary that does not allow it on the function takes it away.
                let allowed = role.boundary.as_ref().is_none_or(|b| {
                    b.reach(action, &[f.resource.as_str()])
                        != palisade_serverless::boundary::Reach::Blocked
                });
                let own = own && allowed;
                if own {
                    let mut location = Location::at(inv.path.clone(), st.pos.line.max(1), 1)
                        .with_resource(f.resource.clone());
                    loc.relocate(&mut location);
                    out.push(Finding::new(
                        rule,
                        format!(
                            "function {} can change itself: its role {} allows {action} on the function's own ARN",
                            f.name, role.name
                        ),
                        location,
                    ));
                }
            }
        }
    }
    out
}
