//! FN006 — privilege-escalation action in a function role.

use palisade_core::{Finding, Severity};

use super::{is_full_wildcard, Context};
use crate::boundary::Reach;
use crate::grant::covers_every_resource;
use crate::iam::action_matches;

palisade_core::declare_rule! {
    /// ## What it checks
    /// An `Allow` statement of a function's role granting an action known to let its holder
    /// raise its own privileges: `iam:CreatePolicyVersion`, `iam:SetDefaultPolicyVersion`,
    /// `iam:Attach{Role,User,Group}Policy`, `iam:Put{Role,User,Group}Policy`,
    /// `iam:CreateAccessKey`, `iam:CreateLoginProfile`, `iam:UpdateLoginProfile`,
    /// `iam:AddUserToGroup`, `iam:UpdateAssumeRolePolicy`; and on Resource `*`:
    /// `iam:PassRole`, `lambda:UpdateFunctionCode`, `sts:AssumeRole`. Patterns such as
    /// `iam:Put*` count; `*` and `iam:*` are reported by FN001 and FN005.
    ///
    /// A role's permissions boundary decides whether the action can be used: one the
    /// boundary does not allow (or denies) is not reported; one it allows only on some
    /// resources (`iam:PassRole` on one named role) is reported at low severity naming them.
    /// A boundary whose document is not known caps nothing.
    /// ## Why it matters
    /// With one of these a compromised function writes itself an administrator policy,
    /// mints access keys for a user, or passes a stronger role to code it controls.
    /// ## Fix
    /// Remove the action; if the function really manages IAM, scope it to named roles with
    /// a permissions boundary and conditions such as `iam:PassedToService`.
    /// ## References
    /// - https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
    pub static RULE = {
        id: "FN006", practice: Fn, severity: High, title: "Privilege-escalation action in a function role",
    };
}

const ALWAYS: &[&str] = &[
    "iam:CreatePolicyVersion",
    "iam:SetDefaultPolicyVersion",
    "iam:AttachRolePolicy",
    "iam:AttachUserPolicy",
    "iam:AttachGroupPolicy",
    "iam:PutRolePolicy",
    "iam:PutUserPolicy",
    "iam:PutGroupPolicy",
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile",
    "iam:AddUserToGroup",
    "iam:UpdateAssumeRolePolicy",
];
const ON_STAR: &[&str] = &[
    "iam:PassRole",
    "lambda:UpdateFunctionCode",
    "sts:AssumeRole",
];

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for g in ctx.function_grants() {
        let mut named_hits: Vec<String> = Vec::new();
        let mut named_sev: Option<Severity> = None;
        for st in &g.statements {
            let on_star = st.resources.iter().any(|r| covers_every_resource(&r.value));
            for a in &st.actions {
                let p = a.value.as_str();
                if is_full_wildcard(p) || p.ends_with(":*") {
                    continue;
                }
                let mut hits: Vec<&str> = ALWAYS
                    .iter()
                    .copied()
                    .filter(|x| action_matches(p, x))
                    .collect();
                if on_star {
                    hits.extend(ON_STAR.iter().copied().filter(|x| action_matches(p, x)));
                }
                // What the role's permissions boundary lets through of each.
                let mut capped_parts: Vec<String> = Vec::new();
                let mut full = false;
                hits.retain(|x| match g.reach(x, st) {
                    Reach::All => {
                        full = true;
                        true
                    }
                    Reach::Capped(parts) => {
                        capped_parts.extend(parts);
                        true
                    }
                    Reach::Blocked => false,
                });
                if hits.is_empty() {
                    continue;
                }
                let (sev, note) = if full {
                    (RULE.severity, String::new())
                } else {
                    (Severity::Low, g.capped_note(&capped_parts))
                };
                if g.named {
                    let hit = if hits == [p] {
                        format!("`{p}`")
                    } else {
                        format!("`{p}` ({})", hits.join(", "))
                    };
                    let hit = format!(
                        "{hit}{}{note}",
                        if on_star { " on every resource" } else { "" }
                    );
                    named_sev = named_sev.max(Some(sev));
                    if !named_hits.contains(&hit) {
                        named_hits.push(hit);
                    }
                    continue;
                }
                out.push(ctx.finding_sev(
                    &RULE,
                    sev,
                    format!(
                        "{} allows `{p}` ({}) to {}{}{note}",
                        g.what,
                        hits.join(", "),
                        g.users,
                        if on_star { " on Resource `*`" } else { "" }
                    ),
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
