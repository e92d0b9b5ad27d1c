//! FN004 — administrator managed policy attached to a function role.

use palisade_core::{Finding, Severity};

use super::{capped_note, Context};
use crate::boundary::Reach;
use crate::iam::{managed_policy_risk, ManagedPolicyRisk};

palisade_core::declare_rule! {
    /// ## What it checks
    /// A function role with the AWS managed policy `AdministratorAccess` (critical),
    /// `PowerUserAccess` or `IAMFullAccess` (high), by name (SAM `Policies`, Serverless
    /// `managedPolicies`) or ARN (`ManagedPolicyArns`, `aws_iam_role_policy_attachment`).
    ///
    /// With a permissions boundary on the role the policy is worth what the boundary lets
    /// through: low severity naming it when the boundary caps it, nothing when the boundary
    /// allows nothing. A boundary whose document is not known caps nothing.
    /// ## Why it matters
    /// These policies give the function the whole account (or, with IAM, the means to take
    /// it). A function should hold only what its code calls.
    /// ## Fix
    /// Detach the policy and grant the function's actual calls, e.g. with a SAM policy
    /// template or an inline statement scoped to the resources it uses.
    /// ## References
    /// - https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AdministratorAccess.html
    pub static RULE = {
        id: "FN004", practice: Fn, severity: Critical, title: "Administrator managed policy on a function role",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for (role, resource, users) in ctx.function_roles() {
        // An administrator policy grants `*` on `*`: the boundary decides how much of it holds.
        let reach = role
            .boundary
            .as_ref()
            .map_or(Reach::All, |b| b.reach("*", &["*"]));
        for m in &role.managed_policies {
            if let Some((risk, name)) = managed_policy_risk(&m.value) {
                let (sev, note) = match &reach {
                    Reach::Blocked => continue,
                    Reach::Capped(parts) => {
                        (Severity::Low, capped_note(role.boundary.as_ref(), parts))
                    }
                    Reach::All if risk == ManagedPolicyRisk::Admin => {
                        (Severity::Critical, String::new())
                    }
                    Reach::All => (Severity::High, String::new()),
                };
                out.push(ctx.finding_sev(
                    &RULE,
                    sev,
                    format!("managed policy {name} is attached to the role of {users}{note}"),
                    m.pos,
                    &resource,
                ));
            }
        }
    }
}
