//! RBAC110 — IAM policy granting administrator access or every action of a service.

use palisade_core::{Finding, Severity};

use crate::rules::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// Customer managed policies (`aws_iam_policy`, `AWS::IAM::ManagedPolicy`), inline
    /// policies of IAM users and groups (`aws_iam_user_policy`, `aws_iam_group_policy`,
    /// `Policies` of `AWS::IAM::User`/`Group`, `AWS::IAM::Policy` naming users or groups)
    /// policies of roles declared outside the template (`aws_iam_role_policy`) and IAM
    /// Identity Center permission sets with an Allow statement, without
    /// `Condition`, granting `*` (critical) or `service:*` (high) on `Resource: "*"`; and
    /// `AdministratorAccess` (critical), `PowerUserAccess` or `IAMFullAccess` (high)
    /// attached to users, groups, permission sets or roles declared elsewhere. Policies of
    /// the template's own roles are judged by FN001, FN004 and FN005.
    /// ## Why it matters
    /// Whoever holds these credentials — a person, a CI job, a leaked key — controls the
    /// whole account or the whole service: every bucket, every secret, every database.
    /// `iam:*` alone is enough to grant oneself everything else.
    /// ## Fix
    /// Grant the actions the identity uses on the resources it needs (IAM Access Analyzer
    /// can generate such a policy from CloudTrail), keep administrators in a role assumed
    /// with MFA, and attach permissions to groups or roles rather than users.
    /// ## References
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
    /// - https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-policy-generation.html
    pub static RULE = {
        id: "RBAC110", practice: Rbac, severity: Critical, title: "IAM policy grants administrator or service-wide access",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for g in &ctx.platform().broad_grants {
        let (severity, what) = if g.admin {
            (Severity::Critical, "administrator access")
        } else {
            (Severity::High, "every action of a service")
        };
        out.push(ctx.finding_sev(
            &RULE,
            severity,
            format!("grants {what} ({}) to {}", g.grant, g.to),
            g.pos,
            &g.resource,
        ));
    }
}
