//! RBAC113 — owner, editor or contributor role on a whole project or subscription, or a
//! project-level grant to everyone.

use palisade_core::{Finding, Severity};

use crate::rules::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// Google Cloud IAM bindings at project, folder or organization level
    /// (`google_project_iam_member`/`_binding` and their folder and organization forms)
    /// granting the primitive `roles/owner` or `roles/editor` (high), or any role to
    /// `allUsers` / `allAuthenticatedUsers` (critical); Azure role assignments
    /// (`azurerm_role_assignment`) of Owner, Contributor or User Access Administrator at
    /// subscription or management-group scope (high). Scopes that cannot be evaluated are
    /// not judged.
    /// ## Why it matters
    /// Primitive roles cover thousands of permissions across every service of the project
    /// or subscription; a compromised service account or principal holding them owns every
    /// resource. A project role granted to `allUsers` gives it to anyone on the internet.
    /// ## Fix
    /// Grant predefined or custom roles scoped to the resources the principal uses; use
    /// resource-level bindings and resource groups instead of project or subscription scope.
    /// ## References
    /// - https://cloud.google.com/iam/docs/understanding-roles#basic
    /// - https://learn.microsoft.com/azure/role-based-access-control/best-practices
    pub static RULE = {
        id: "RBAC113", practice: Rbac, severity: High, title: "Broad role at project or subscription scope",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for b in &ctx.platform().scope_bindings {
        if !b.primitive && !b.public {
            continue;
        }
        let member = b.member.as_deref().unwrap_or("its principal");
        let (severity, message) = if b.public {
            (
                Severity::Critical,
                format!("grants {} on the {} to {member}", b.role, b.scope),
            )
        } else {
            (
                Severity::High,
                format!(
                    "grants the broad role {} on the whole {} to {member}",
                    b.role, b.scope
                ),
            )
        };
        out.push(ctx.finding_sev(&RULE, severity, message, b.pos, &b.resource));
    }
}
