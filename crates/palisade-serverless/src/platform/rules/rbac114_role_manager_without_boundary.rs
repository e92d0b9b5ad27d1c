//! RBAC114 — a role that can create or change roles has no permissions boundary.

use palisade_core::Finding;

use crate::iam::action_matches;
use crate::model::PolicyStatement;
use crate::rules::Context;
use crate::value::Pos;

/// What lets a principal make a role, or give one (itself included) more permissions.
const ROLE_MANAGEMENT: &[&str] = &[
    "iam:CreateRole",
    "iam:PutRolePolicy",
    "iam:AttachRolePolicy",
];

palisade_core::declare_rule! {
    /// ## What it checks
    /// An IAM role of the template that no function of the template uses
    /// (`aws_iam_role`, `AWS::IAM::Role`) whose inline or AWS managed policies allow
    /// `iam:CreateRole`, `iam:PutRolePolicy` or `iam:AttachRolePolicy` — written so, or
    /// through `iam:*`, `iam:Put*`, `*` and the like, or a managed policy such as
    /// `IAMFullAccess` — and that has no `permissions_boundary` / `PermissionsBoundary`.
    /// Statements with a `Condition` are not judged: the usual guard, a condition that new
    /// roles carry a given boundary (`iam:PermissionsBoundary`), is written there. Functions'
    /// roles are judged by FN006; a boundary Palisade cannot resolve counts as a boundary.
    /// ## Why it matters
    /// Whoever can change a role's policies can give a role — a new one, or their own —
    /// any permission, administrator included; whoever can create roles makes identities
    /// that outlive the pipeline that made them. The role's own policy is no limit on
    /// either. A permissions boundary is the limit IAM enforces on such delegated
    /// administrators (CI pipelines, platform tooling).
    /// ## Fix
    /// Give the role a `permissions_boundary`, and require in its policy that the roles it
    /// creates or changes carry a boundary too (`"Condition": {"StringEquals":
    /// {"iam:PermissionsBoundary": "arn:aws:iam::ACCOUNT:policy/boundary"}}`); narrow
    /// `Resource` to a role path it owns.
    /// ## References
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
    /// - https://aws.amazon.com/blogs/security/when-and-where-to-use-iam-permissions-boundaries/
    pub static RULE = {
        id: "RBAC114", practice: Rbac, severity: Medium, title: "Role that manages roles without a permissions boundary",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for (i, role) in ctx.inv.roles.iter().enumerate() {
        if role.boundary.is_some() || ctx.inv.functions_of_role(i).next().is_some() {
            continue;
        }
        let mut hit = role_management(&role.statements).map(|(a, pos)| (a, pos, String::new()));
        if hit.is_none() {
            hit = role.managed_policies.iter().find_map(|m| {
                let name = crate::managed_policies::aws_managed_policy_name(&m.value)?;
                let statements = crate::managed_policies::statements(name, m.pos)?;
                role_management(&statements)
                    .map(|(a, _)| (a, m.pos, format!(" (managed policy {name})")))
            });
        }
        let Some((action, pos, via)) = hit else {
            continue;
        };
        out.push(ctx.finding(
            &RULE,
            format!(
                "role {} may create or change roles ({action}{via}) and has no permissions boundary: nothing caps what the roles it creates or changes may do",
                role.name
            ),
            pos,
            &role.resource,
        ));
    }
}

/// The first allowed action (as written) that covers role management, with where it is.
fn role_management(statements: &[PolicyStatement]) -> Option<(String, Pos)> {
    statements
        .iter()
        .filter(|s| s.allow && !s.has_condition)
        .flat_map(|s| s.actions.iter())
        .find(|a| ROLE_MANAGEMENT.iter().any(|x| action_matches(&a.value, x)))
        .map(|a| (a.value.clone(), a.pos))
}
