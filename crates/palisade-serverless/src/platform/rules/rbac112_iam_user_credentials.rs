//! RBAC112 — IAM user with its own policies or long-lived access keys.

use palisade_core::{Finding, Severity};

use crate::rules::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// IAM users given permissions of their own — inline policies (`aws_iam_user_policy`,
    /// `Policies` of `AWS::IAM::User`, `AWS::IAM::Policy` naming `Users`) or policies
    /// attached directly (`aws_iam_user_policy_attachment`, `aws_iam_policy_attachment`
    /// with `users`) — (low), and access keys created in the template (`aws_iam_access_key`,
    /// `AWS::IAM::AccessKey`) (medium).
    /// ## Why it matters
    /// Permissions scattered over users are hard to review and are forgotten when people
    /// leave; access keys are long-lived secrets that end up in laptops, CI variables and
    /// git history, and a key created by Terraform is stored in its state in plain text.
    /// ## Fix
    /// Give people access through groups or IAM Identity Center, and workloads through
    /// roles (instance profiles, IRSA, OIDC federation for CI) instead of access keys.
    /// ## References
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#bp-users-federation-idp
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#bp-workloads-use-roles
    pub static RULE = {
        id: "RBAC112", practice: Rbac, severity: Medium, title: "IAM user with own policies or access keys",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for c in &ctx.platform().user_credentials {
        let (severity, message) = if c.what == "access key" {
            (
                Severity::Medium,
                "creates a long-lived access key for an IAM user".to_string(),
            )
        } else {
            (
                Severity::Low,
                format!(
                    "gives an IAM user permissions of its own ({}) instead of through a group or role",
                    c.what
                ),
            )
        };
        out.push(ctx.finding_sev(&RULE, severity, message, c.pos, &c.resource));
    }
}
